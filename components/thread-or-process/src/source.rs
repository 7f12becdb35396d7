//! A glib source that belongs to whoever holds it: attached to the calling thread's own
//! context, and destroyed when dropped, so a timer can never outlive the state that
//! armed it, nor be removed twice.

use std::time::Duration;

use relm4::gtk::glib;

/// A timer (or idle callback) on the calling thread's own main context that lives as
/// long as this value: keep it in the state it belongs to, and leaving that state
/// removes it. Workers use it on their threads, where `glib::timeout_add_local` would
/// target the wrong context.
#[derive(Debug)]
pub struct OwnedSource(glib::Source);

impl OwnedSource {
    fn attach(source: glib::Source) -> Self {
        source.attach(Some(&glib::MainContext::ref_thread_default()));
        Self(source)
    }

    /// Calls `action` once, `after` from now.
    pub fn once(after: Duration, action: impl FnOnce() + Send + 'static) -> Self {
        let mut action = Some(action);
        Self::attach(glib::timeout_source_new(
            after,
            None,
            glib::Priority::DEFAULT,
            move || {
                if let Some(action) = action.take() {
                    action();
                }
                glib::ControlFlow::Break
            },
        ))
    }

    /// Calls `action` every `period`, from `period` from now.
    pub fn every(period: Duration, mut action: impl FnMut() + Send + 'static) -> Self {
        Self::attach(glib::timeout_source_new(
            period,
            None,
            glib::Priority::DEFAULT,
            move || {
                action();
                glib::ControlFlow::Continue
            },
        ))
    }

    /// Calls `action` whenever the context has nothing more urgent to do: queued
    /// messages (Shutdown above all) go first.
    pub fn when_idle(mut action: impl FnMut() + Send + 'static) -> Self {
        Self::attach(glib::idle_source_new(
            None,
            glib::Priority::DEFAULT_IDLE,
            move || {
                action();
                glib::ControlFlow::Continue
            },
        ))
    }
}

impl Drop for OwnedSource {
    fn drop(&mut self) {
        self.0.destroy();
    }
}
