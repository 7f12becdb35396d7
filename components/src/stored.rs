//! Choices remembered between runs, in GSettings under the app id, with the window's
//! size. A stored value that makes no sense is ignored with a warning, never a crash;
//! the command line overrides stored values for one run without changing them.

use std::path::Path;

use relm4::gtk::{gio, glib, prelude::*};

use crate::settings::{
    Backend, BackendName, Choice, Delay, Overrides, RunSettings, MAX_UPTO, MAX_WORKERS,
    MIN_GUI_DELAY_SECONDS,
};
use crate::APP_ID;

/// What was stored; `None` where nothing valid was.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Remembered {
    pub backend: Option<Backend>,
    pub worker_delay: Option<Delay>,
    pub gui_delay: Option<Delay>,
    pub job_upto: Option<u64>,
    /// 0 means one per core.
    pub job_workers: Option<u32>,
    pub window: WindowState,
}

impl Remembered {
    /// The command line first, then what was stored, then the seed's defaults.
    pub fn run_settings(&self, overrides: Overrides) -> RunSettings {
        let defaults = RunSettings::default();
        RunSettings {
            backend: overrides
                .backend
                .or(self.backend)
                .unwrap_or(defaults.backend),
            worker_delay: overrides
                .worker_delay
                .or(self.worker_delay)
                .unwrap_or(defaults.worker_delay),
            gui_delay: overrides
                .gui_delay
                .or(self.gui_delay)
                .unwrap_or(defaults.gui_delay),
            job_upto: overrides
                .job_upto
                .or(self.job_upto)
                .unwrap_or(defaults.job_upto),
            job_workers: overrides
                .job_workers
                .or(self.job_workers)
                .unwrap_or(defaults.job_workers),
        }
    }

    /// The choices stored now that differ from those stored in `before`: someone (this
    /// window, another one, Preferences, dconf-editor) made them since.
    pub fn changes_since(&self, before: &Remembered) -> Vec<Choice> {
        let mut changes = Vec::new();
        let mut note = |changed: bool, choice: Option<Choice>| {
            if let (true, Some(choice)) = (changed, choice) {
                changes.push(choice);
            }
        };
        note(
            self.backend != before.backend,
            self.backend.map(Choice::Backend),
        );
        note(
            self.worker_delay != before.worker_delay,
            self.worker_delay.map(Choice::WorkerDelay),
        );
        note(
            self.gui_delay != before.gui_delay,
            self.gui_delay.map(Choice::GuiDelay),
        );
        note(
            self.job_upto != before.job_upto,
            self.job_upto.map(Choice::JobUpto),
        );
        note(
            self.job_workers != before.job_workers,
            self.job_workers.map(Choice::JobWorkers),
        );
        changes
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowState {
    pub width: i32,
    pub height: i32,
    pub maximized: bool,
}

impl Default for WindowState {
    fn default() -> Self {
        Self {
            width: 600,
            height: 680,
            maximized: false,
        }
    }
}

/// The app's GSettings, or none when the schema cannot be found (then nothing is
/// remembered, which the user is told once).
#[derive(Clone, Debug)]
pub struct Stored(Option<gio::Settings>);

impl Stored {
    /// The installed schema if there is one, else the one compiled with this build; the
    /// default backend (dconf, or Flatpak's keyfile), else a keyfile of our own.
    pub fn open() -> Self {
        let Some(schema) = find_schema() else {
            tracing::warn!("settings schema {APP_ID} not found; choices will not be remembered");
            return Self(None);
        };
        let settings = if default_backend_forgets() {
            let file = glib::user_config_dir().join("offload").join("settings.ini");
            let backend = gio::keyfile_settings_backend_new(&file.to_string_lossy(), "/", None);
            let settings = gio::Settings::new_full(&schema, Some(&backend), None);
            warn_about_unreadable(&file, &schema, &settings);
            settings
        } else {
            gio::Settings::new_full(&schema, None::<&gio::SettingsBackend>, None)
        };
        Self(Some(settings))
    }

    /// Settings kept in memory only (tests).
    pub fn in_memory() -> Self {
        let schema = find_schema().expect("the build compiled the schema");
        let backend = gio::memory_settings_backend_new();
        Self(Some(gio::Settings::new_full(&schema, Some(&backend), None)))
    }

    /// Reads every key, warning about (and skipping) values that make no sense.
    pub fn load(&self) -> Remembered {
        let Some(settings) = &self.0 else {
            return Remembered::default();
        };
        let backend = valid("backend", backend_named(&settings.string("backend")));
        let worker_delay = valid(
            "worker-delay",
            Delay::from_seconds(settings.double("worker-delay"), 0.0)
                .map_err(|error| error.to_string()),
        );
        let gui_delay = valid(
            "gui-delay",
            Delay::from_seconds(settings.double("gui-delay"), MIN_GUI_DELAY_SECONDS)
                .map_err(|error| error.to_string()),
        );
        let job_upto = valid("job-upto", upto_in_range(settings.uint64("job-upto")));
        let workers = settings.uint("job-workers");
        let job_workers = valid(
            "job-workers",
            (workers as usize <= MAX_WORKERS)
                .then_some(workers)
                .ok_or_else(|| format!("{workers} workers is too many")),
        );
        let defaults = WindowState::default();
        let size = |key: &str, fallback: i32| {
            let value = settings.int(key);
            valid(
                key,
                (200..=16384)
                    .contains(&value)
                    .then_some(value)
                    .ok_or(format!("{value} px")),
            )
            .unwrap_or(fallback)
        };
        Remembered {
            backend,
            worker_delay,
            gui_delay,
            job_upto,
            job_workers,
            window: WindowState {
                width: size("window-width", defaults.width),
                height: size("window-height", defaults.height),
                maximized: settings.boolean("window-maximized"),
            },
        }
    }

    /// Stores a choice; every window watching the settings hears of it.
    pub fn save(&self, choice: Choice) {
        self.write(|settings| match choice {
            Choice::Backend(backend) => settings.set_string("backend", backend.noun()),
            Choice::WorkerDelay(delay) => {
                settings.set_double("worker-delay", delay.duration().as_secs_f64())
            }
            Choice::GuiDelay(delay) => {
                settings.set_double("gui-delay", delay.duration().as_secs_f64())
            }
            Choice::JobUpto(upto) => settings.set_uint64("job-upto", upto),
            Choice::JobWorkers(workers) => settings.set_uint("job-workers", workers),
        });
    }

    /// Calls `on_change` whenever a stored choice changes (not the window's size), for
    /// as long as the returned watch is kept.
    pub fn watch(&self, on_change: impl Fn() + 'static) -> Option<StoredWatch> {
        let settings = self.0.as_ref()?;
        let handler = settings.connect_changed(None, move |_, key| {
            if CHOICE_KEYS.contains(&key) {
                on_change();
            }
        });
        Some(StoredWatch {
            settings: settings.clone(),
            handler: Some(handler),
        })
    }

    pub fn save_window(&self, window: WindowState) {
        self.write(|settings| {
            settings.set_int("window-width", window.width)?;
            settings.set_int("window-height", window.height)?;
            settings.set_boolean("window-maximized", window.maximized)
        });
        // Saved as the window closes: flush every queued write before the app exits.
        gio::Settings::sync();
    }

    /// Raw access, for tests that store hostile values.
    pub fn settings(&self) -> Option<&gio::Settings> {
        self.0.as_ref()
    }

    fn write(&self, store: impl FnOnce(&gio::Settings) -> Result<(), glib::BoolError>) {
        if let Some(settings) = &self.0 {
            if let Err(error) = store(settings) {
                tracing::warn!("a setting could not be saved: {error}");
            }
        }
    }
}

/// The keys that hold the user's choices.
const CHOICE_KEYS: [&str; 5] = [
    "backend",
    "worker-delay",
    "gui-delay",
    "job-upto",
    "job-workers",
];

/// Stops watching the stored choices when dropped.
pub struct StoredWatch {
    settings: gio::Settings,
    handler: Option<glib::SignalHandlerId>,
}

impl Drop for StoredWatch {
    fn drop(&mut self) {
        if let Some(handler) = self.handler.take() {
            self.settings.disconnect(handler);
        }
    }
}

fn find_schema() -> Option<gio::SettingsSchema> {
    let installed =
        gio::SettingsSchemaSource::default().and_then(|source| source.lookup(APP_ID, true));
    installed.or_else(|| {
        let parent = gio::SettingsSchemaSource::default();
        let built = env!("OFFLOAD_BUILD_SCHEMA_DIR");
        gio::SettingsSchemaSource::from_directory(built, parent.as_ref(), false)
            .ok()?
            .lookup(APP_ID, false)
    })
}

/// GIO reads a settings file that is no key file, or a value of the wrong type, as
/// nothing stored, silently; the user is told here which file or value is ignored.
fn warn_about_unreadable(file: &Path, schema: &gio::SettingsSchema, settings: &gio::Settings) {
    let keyfile = glib::KeyFile::new();
    if let Err(error) = keyfile.load_from_file(file, glib::KeyFileFlags::NONE) {
        if file.exists() {
            tracing::warn!("ignoring {}: {error}", file.display());
        }
        return;
    }
    // The keyfile backend's group for a schema is its path without the outer slashes.
    let path = schema.path().unwrap_or_default();
    let group = path.trim_matches('/');
    let Ok(keys) = keyfile.keys(group) else {
        return;
    };
    for key in keys.iter().map(|key| key.as_str()) {
        if !schema.has_key(key) {
            tracing::warn!("ignoring the stored {key}: no such setting");
        } else if settings.user_value(key).is_none() {
            let raw = keyfile.value(group, key).unwrap_or_default();
            let expected = kind_of_value(&schema.key(key).value_type());
            tracing::warn!("ignoring the stored {key}: {raw} is not {expected}");
        }
    }
}

/// A GVariant type, as a user would name it.
fn kind_of_value(value_type: &glib::VariantTy) -> &'static str {
    match value_type.as_str() {
        "d" => "a number",
        "i" | "u" | "t" => "a whole number",
        "b" => "true or false",
        _ => "a text",
    }
}

/// Without dconf, GIO's default is a memory backend that forgets everything at exit.
fn default_backend_forgets() -> bool {
    gio::SettingsBackend::default().type_().name() == "GMemorySettingsBackend"
}

fn valid<T>(key: &str, value: Result<T, String>) -> Option<T> {
    value
        .map_err(|reason| tracing::warn!("ignoring the stored {key}: {reason}"))
        .ok()
}

fn backend_named(name: &str) -> Result<Backend, String> {
    match name {
        "thread" => Ok(Backend::Thread),
        "process" => Ok(Backend::Process),
        other => Err(format!("'{other}' is no backend")),
    }
}

fn upto_in_range(upto: u64) -> Result<u64, String> {
    if (2..=MAX_UPTO).contains(&upto) {
        Ok(upto)
    } else {
        Err(format!("{upto} is not between 2 and 10^12"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_seed_s() {
        let stored = Stored::in_memory();
        let remembered = stored.load();
        assert_eq!(remembered.backend, Some(Backend::Thread));
        assert_eq!(
            remembered.worker_delay.map(Delay::duration),
            Some(std::time::Duration::from_secs(1))
        );
        assert_eq!(remembered.window, WindowState::default());
    }

    #[test]
    fn saved_choices_are_loaded_back() {
        let stored = Stored::in_memory();
        stored.save(Choice::Backend(Backend::Process));
        stored.save(Choice::WorkerDelay(Delay::worker("0.25").expect("valid")));
        stored.save(Choice::JobUpto(1_000_000));
        stored.save_window(WindowState {
            width: 800,
            height: 700,
            maximized: true,
        });
        let remembered = stored.load();
        assert_eq!(remembered.backend, Some(Backend::Process));
        assert_eq!(remembered.job_upto, Some(1_000_000));
        assert!(remembered.window.maximized);
    }

    #[test]
    fn hostile_stored_values_are_ignored_not_fatal() {
        let stored = Stored::in_memory();
        let settings = stored.settings().expect("schema");
        settings.set_string("backend", "gpu").expect("writable");
        settings
            .set_double("worker-delay", f64::NAN)
            .expect("writable");
        settings.set_double("gui-delay", -3.0).expect("writable");
        settings.set_uint64("job-upto", u64::MAX).expect("writable");
        settings.set_uint("job-workers", 100_000).expect("writable");
        settings.set_int("window-width", -5).expect("writable");
        let remembered = stored.load();
        assert_eq!(remembered.backend, None);
        assert_eq!(remembered.worker_delay, None);
        assert_eq!(remembered.gui_delay, None);
        assert_eq!(remembered.job_upto, None);
        assert_eq!(remembered.job_workers, None);
        assert_eq!(remembered.window.width, WindowState::default().width);
    }

    #[test]
    fn the_command_line_wins_over_stored_choices_which_win_over_defaults() {
        let stored = Remembered {
            backend: Some(Backend::Process),
            worker_delay: Some(Delay::worker("2").expect("valid")),
            ..Default::default()
        };
        let overrides = Overrides {
            worker_delay: Some(Delay::worker("3").expect("valid")),
            ..Default::default()
        };
        let chosen = stored.run_settings(overrides);
        assert_eq!(chosen.backend, Backend::Process);
        assert_eq!(
            chosen.worker_delay.duration(),
            std::time::Duration::from_secs(3)
        );
        assert_eq!(chosen.gui_delay, RunSettings::default().gui_delay);
    }

    #[test]
    fn a_watch_hears_stored_choices_but_not_the_window_size() {
        let stored = Stored::in_memory();
        let heard = std::rc::Rc::new(std::cell::Cell::new(0));
        let counter = heard.clone();
        let watch = stored.watch(move || counter.set(counter.get() + 1));
        stored.save(Choice::JobWorkers(3));
        stored.save_window(WindowState::default());
        assert_eq!(heard.get(), 1);
        drop(watch);
        stored.save(Choice::JobWorkers(4));
        assert_eq!(heard.get(), 1, "a dropped watch hears nothing");
    }

    #[test]
    fn changes_since_names_each_choice_stored_anew() {
        let stored = Stored::in_memory();
        let before = stored.load();
        stored.save(Choice::Backend(Backend::Process));
        stored.save(Choice::JobUpto(5_000));
        let changes = stored.load().changes_since(&before);
        assert_eq!(
            changes,
            [Choice::Backend(Backend::Process), Choice::JobUpto(5_000)]
        );
    }
}
