//! Choices remembered between runs, in GSettings under the app id, with the window's
//! size. A stored value that makes no sense is ignored with a warning, never a crash;
//! the command line overrides stored values for one run without changing them.

use std::path::Path;

use relm4::gtk::{gio, glib, prelude::*};

use crate::choices::Choices;
use crate::APP_ID;

/// The window's size as it closed.
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
    /// This build's own schema (under its install prefix, or beside the build), else one
    /// the system has; the default backend (dconf, or Flatpak's keyfile), else a keyfile
    /// of our own.
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

    /// Reads every setting, warning about (and skipping) values that make no sense.
    pub fn load(&self) -> Choices {
        let Some(settings) = &self.0 else {
            return Choices::default();
        };
        Choices::read(
            |key| Some(settings.value(key)),
            |key, reason| tracing::warn!("ignoring the stored {key}: {reason}"),
        )
    }

    pub fn load_window(&self) -> WindowState {
        let defaults = WindowState::default();
        let Some(settings) = &self.0 else {
            return defaults;
        };
        let size = |key: &str, fallback: i32| {
            let value = settings.int(key);
            if (200..=16384).contains(&value) {
                value
            } else {
                tracing::warn!("ignoring the stored {key}: {value} px");
                fallback
            }
        };
        WindowState {
            width: size("window-width", defaults.width),
            height: size("window-height", defaults.height),
            maximized: settings.boolean("window-maximized"),
        }
    }

    /// Stores the settings `choices` chooses; every window watching hears of them.
    pub fn save(&self, choices: Choices) {
        if let Some(settings) = &self.0 {
            choices.write(|key, value| {
                if let Err(error) = settings.set_value(key, &value) {
                    tracing::warn!("the setting {key} could not be saved: {error}");
                }
            });
        }
    }

    /// Calls `on_change` whenever a stored choice changes (not the window's size), for
    /// as long as the returned watch is kept.
    pub fn watch(&self, on_change: impl Fn() + 'static) -> Option<StoredWatch> {
        let settings = self.0.as_ref()?;
        let handler = settings.connect_changed(None, move |_, key| {
            if Choices::KEYS.contains(&key) {
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

/// This build's own schema first, so that another Offload installed elsewhere, with
/// other keys, is never read by mistake; else the system's.
fn find_schema() -> Option<gio::SettingsSchema> {
    let system = gio::SettingsSchemaSource::default();
    let own = gio::SettingsSchemaSource::from_directory(
        env!("OFFLOAD_SCHEMA_DIR"),
        system.as_ref(),
        false,
    )
    .ok()
    .and_then(|source| source.lookup(APP_ID, false));
    own.or_else(|| system?.lookup(APP_ID, true))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choices::{Backend, Delay};

    #[test]
    fn the_schema_s_defaults_are_the_table_s() {
        let stored = Stored::in_memory();
        assert_eq!(stored.load(), Choices::DEFAULTS);
        assert_eq!(stored.load_window(), WindowState::default());
    }

    #[test]
    fn saved_choices_are_loaded_back() {
        let stored = Stored::in_memory();
        let chosen = Choices {
            backend: Some(Backend::Process),
            worker_delay: Some(Delay::worker("0.25").expect("valid")),
            job_upto: Some(1_000_000),
            ..Choices::default()
        };
        stored.save(chosen);
        stored.save_window(WindowState {
            width: 800,
            height: 700,
            maximized: true,
        });
        assert_eq!(stored.load(), chosen.or(Choices::DEFAULTS));
        assert!(stored.load_window().maximized);
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
        assert!(stored.load().is_empty());
        assert_eq!(stored.load_window().width, WindowState::default().width);
    }

    #[test]
    fn a_watch_hears_stored_choices_but_not_the_window_size() {
        let stored = Stored::in_memory();
        let heard = std::rc::Rc::new(std::cell::Cell::new(0));
        let counter = heard.clone();
        let watch = stored.watch(move || counter.set(counter.get() + 1));
        let workers = |workers| Choices {
            job_workers: Some(workers),
            ..Choices::default()
        };
        stored.save(workers(3));
        stored.save_window(WindowState::default());
        assert_eq!(heard.get(), 1);
        drop(watch);
        stored.save(workers(4));
        assert_eq!(heard.get(), 1, "a dropped watch hears nothing");
    }

    #[test]
    fn changed_since_names_each_choice_stored_anew() {
        let stored = Stored::in_memory();
        let before = stored.load();
        let chosen = Choices {
            backend: Some(Backend::Process),
            job_upto: Some(5_000),
            ..Choices::default()
        };
        stored.save(chosen);
        assert_eq!(stored.load().changed_since(before), chosen);
    }
}
