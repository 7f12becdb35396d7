//! The app's dialogs, each on its own: About, Keyboard Shortcuts, Preferences.

pub mod about;
pub mod preferences;
pub mod shortcuts;
