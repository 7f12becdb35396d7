//! The app's dialogs, each on its own: About, Keyboard Shortcuts, Preferences, and the
//! question asked when closing during a job.

pub mod about;
pub mod close_question;
pub mod preferences;
pub mod shortcuts;
