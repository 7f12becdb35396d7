//! Preferences: the backend, the delays and the heavy job. It shows the choices the
//! window runs with (a command-line override included) and follows them live; a change
//! made here goes to the window, which stores it and applies it: the backend and the
//! delays at once, the job's size and workers to the next job.
//!
//! The model and its messages live here; the widgets in `window.rs` (libadwaita 1.2: a
//! preferences window, spin buttons in action rows) or, with `gnome_48`, in `dialog.rs`
//! (a preferences dialog with spin rows).

use relm4::gtk;

use crate::i18n::gettext;
use crate::settings::{
    Backend, Choice, Delay, RunSettings, MAX_DELAY_SECONDS, MAX_UPTO, MAX_WORKERS,
    MIN_GUI_DELAY_SECONDS,
};

#[cfg(feature = "gnome_48")]
mod dialog;
#[cfg(not(feature = "gnome_48"))]
mod window;

#[derive(Debug)]
pub enum PreferencesInput {
    /// The window's choices changed (here or elsewhere): show them.
    Show(RunSettings),
    Backend(u32),
    WorkerDelay(f64),
    GuiDelay(f64),
    JobUpto(f64),
    JobWorkers(f64),
}

#[derive(Debug)]
pub enum PreferencesOutput {
    Chose(Choice),
}

pub struct Preferences {
    shown: RunSettings,
}

fn seconds(delay: Delay) -> f64 {
    delay.duration().as_secs_f64()
}

fn backend_index(backend: Backend) -> u32 {
    Backend::ALL.iter().position(|b| *b == backend).unwrap_or(0) as u32
}

fn backend_names() -> gtk::StringList {
    gtk::StringList::new(&[&gettext("Thread"), &gettext("Process")])
}

/// The ranges and steps of the numbers chosen here: the limits the command line has too.
fn worker_delay_range(shown: &RunSettings) -> gtk::Adjustment {
    gtk::Adjustment::new(
        seconds(shown.worker_delay),
        0.0,
        MAX_DELAY_SECONDS,
        0.1,
        1.0,
        0.0,
    )
}

fn gui_delay_range(shown: &RunSettings) -> gtk::Adjustment {
    let lowest = MIN_GUI_DELAY_SECONDS;
    gtk::Adjustment::new(
        seconds(shown.gui_delay),
        lowest,
        MAX_DELAY_SECONDS,
        0.1,
        1.0,
        0.0,
    )
}

fn job_upto_range(shown: &RunSettings) -> gtk::Adjustment {
    gtk::Adjustment::new(shown.job_upto as f64, 2.0, MAX_UPTO as f64, 1e6, 1e9, 0.0)
}

fn job_workers_range(shown: &RunSettings) -> gtk::Adjustment {
    let most = MAX_WORKERS as f64;
    gtk::Adjustment::new(f64::from(shown.job_workers), 0.0, most, 1.0, 4.0, 0.0)
}

impl Preferences {
    /// What `message` chose, now shown here too; `None` when it chose nothing new.
    fn take(&mut self, message: PreferencesInput) -> Option<Choice> {
        let choice = match message {
            PreferencesInput::Show(settings) => {
                self.shown = settings;
                return None;
            }
            PreferencesInput::Backend(index) => Backend::ALL
                .get(index as usize)
                .copied()
                .map(Choice::Backend),
            PreferencesInput::WorkerDelay(seconds) => Delay::from_seconds(seconds, 0.0)
                .ok()
                .map(Choice::WorkerDelay),
            PreferencesInput::GuiDelay(seconds) => {
                Delay::from_seconds(seconds, MIN_GUI_DELAY_SECONDS)
                    .ok()
                    .map(Choice::GuiDelay)
            }
            // The spin buttons' ranges keep these within the accepted limits.
            PreferencesInput::JobUpto(upto) => Some(Choice::JobUpto(upto as u64)),
            PreferencesInput::JobWorkers(workers) => Some(Choice::JobWorkers(workers as u32)),
        }?;
        self.shown = self.shown.with(choice);
        Some(choice)
    }
}
