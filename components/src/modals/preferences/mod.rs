//! Preferences: the backend, the delays and the heavy job. It shows the settings the
//! window runs with (a command-line override included) and follows them live; a choice
//! made here goes out as `Choices` to the window, which applies and stores it (the
//! backend and the delays at once, the job's size and workers for the next job) and
//! shows it here in return.
//!
//! The model and its messages live here; the widgets in `window.rs` (libadwaita 1.2: a
//! preferences window, spin buttons in action rows) or, with `gnome_50`, in `dialog.rs`
//! (a preferences dialog with spin rows).

use relm4::gtk;

use crate::choices::{
    Backend, Choices, Delay, RunSettings, MAX_DELAY_SECONDS, MAX_UPTO, MAX_WORKERS,
    MIN_GUI_DELAY_SECONDS,
};
use crate::i18n::gettext;

#[cfg(feature = "gnome_50")]
mod dialog;
#[cfg(not(feature = "gnome_50"))]
mod window;

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

/// What each widget here chose: one setting, or none when the value makes no sense.
fn chosen_backend(index: u32) -> Choices {
    Choices {
        backend: Backend::ALL.get(index as usize).copied(),
        ..Choices::default()
    }
}

fn chosen_worker_delay(seconds: f64) -> Choices {
    Choices {
        worker_delay: Delay::from_seconds(seconds, 0.0).ok(),
        ..Choices::default()
    }
}

fn chosen_gui_delay(seconds: f64) -> Choices {
    Choices {
        gui_delay: Delay::from_seconds(seconds, MIN_GUI_DELAY_SECONDS).ok(),
        ..Choices::default()
    }
}

// The spin buttons' ranges keep the job's numbers within the accepted limits.
fn chosen_job_upto(upto: f64) -> Choices {
    Choices {
        job_upto: Some(upto as u64),
        ..Choices::default()
    }
}

fn chosen_job_workers(workers: f64) -> Choices {
    Choices {
        job_workers: Some(workers as u32),
        ..Choices::default()
    }
}
