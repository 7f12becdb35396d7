//! Preferences: the backend, the delays and the heavy job, saved in GSettings as they
//! change. The backend also switches at once; the rest applies at the next start (or,
//! for the job, the next time it is started from a fresh window).

use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};

use crate::settings::{
    Backend, Delay, RunSettings, DEFAULT_UPTO, MAX_DELAY_SECONDS, MAX_UPTO, MAX_WORKERS,
    MIN_GUI_DELAY_SECONDS,
};
use crate::stored::Stored;

pub struct PreferencesInit {
    pub stored: Stored,
    /// The backend the window uses now.
    pub backend: Backend,
}

#[derive(Debug)]
pub enum PreferencesInput {
    Backend(u32),
    WorkerDelay(f64),
    GuiDelay(f64),
    JobUpto(f64),
    JobWorkers(f64),
}

#[derive(Debug)]
pub enum PreferencesOutput {
    BackendChosen(Backend),
}

pub struct Preferences {
    stored: Stored,
}

const BACKENDS: [Backend; 2] = [Backend::Thread, Backend::Process];

#[relm4::component(pub)]
impl SimpleComponent for Preferences {
    type Init = PreferencesInit;
    type Input = PreferencesInput;
    type Output = PreferencesOutput;

    view! {
        adw::PreferencesWindow {
            set_modal: true,
            set_search_enabled: false,

            add = &adw::PreferencesPage {
                add = &adw::PreferencesGroup {
                    set_title: "Worker",

                    #[name = "backend"]
                    adw::ComboRow {
                        set_title: "Backend",
                        set_subtitle: "A thread of this app, or a separate process",
                        set_model: Some(&gtk::StringList::new(&["Thread", "Process"])),
                        set_selected: BACKENDS.iter().position(|b| *b == init.backend).unwrap_or(0) as u32,
                        connect_selected_notify[sender] => move |row| {
                            sender.input(PreferencesInput::Backend(row.selected()));
                        },
                    },

                    adw::ActionRow {
                        set_title: "Worker delay",
                        set_subtitle: "Seconds between two numbers, 0 for as fast as it can; from the next start",
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(worker_delay, 0.0, MAX_DELAY_SECONDS, 0.1, 1.0, 0.0),
                            set_digits: 2,
                            set_tooltip_text: Some("Worker delay in seconds"),
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::WorkerDelay(spin.value()));
                            },
                        },
                    },

                    adw::ActionRow {
                        set_title: "Refresh delay",
                        set_subtitle: "Seconds between two label refreshes; from the next start",
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(gui_delay, MIN_GUI_DELAY_SECONDS, MAX_DELAY_SECONDS, 0.1, 1.0, 0.0),
                            set_digits: 2,
                            set_tooltip_text: Some("Refresh delay in seconds"),
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::GuiDelay(spin.value()));
                            },
                        },
                    },
                },

                add = &adw::PreferencesGroup {
                    set_title: "Heavy job",
                    set_description: Some("Count the primes below a number; from the next start"),

                    adw::ActionRow {
                        set_title: "Count primes below",
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(job_upto, 2.0, MAX_UPTO as f64, 1e6, 1e9, 0.0),
                            set_digits: 0,
                            set_width_chars: 14,
                            set_tooltip_text: Some("Job size"),
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::JobUpto(spin.value()));
                            },
                        },
                    },

                    adw::ActionRow {
                        set_title: "Workers",
                        set_subtitle: "How many workers share the job; 0 for one per core",
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(job_workers, 0.0, MAX_WORKERS as f64, 1.0, 4.0, 0.0),
                            set_digits: 0,
                            set_tooltip_text: Some("Number of workers"),
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::JobWorkers(spin.value()));
                            },
                        },
                    },
                },
            },
        }
    }

    fn init(
        init: PreferencesInit,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let stored = init.stored.load();
        let defaults = RunSettings::default();
        let seconds = |delay: Delay| delay.duration().as_secs_f64();
        let worker_delay = seconds(stored.worker_delay.unwrap_or(defaults.worker_delay));
        let gui_delay = seconds(stored.gui_delay.unwrap_or(defaults.gui_delay));
        let job_upto = stored.job_upto.unwrap_or(DEFAULT_UPTO) as f64;
        let job_workers = f64::from(stored.job_workers.unwrap_or(0));
        let model = Preferences {
            stored: init.stored,
        };
        let widgets = view_output!();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: PreferencesInput, sender: ComponentSender<Self>) {
        match message {
            PreferencesInput::Backend(index) => {
                if let Some(backend) = BACKENDS.get(index as usize).copied() {
                    self.stored.save_backend(backend);
                    let _ = sender.output(PreferencesOutput::BackendChosen(backend));
                }
            }
            PreferencesInput::WorkerDelay(seconds) => {
                if let Ok(delay) = Delay::from_seconds(seconds, 0.0) {
                    self.stored.save_worker_delay(delay);
                }
            }
            PreferencesInput::GuiDelay(seconds) => {
                if let Ok(delay) = Delay::from_seconds(seconds, MIN_GUI_DELAY_SECONDS) {
                    self.stored.save_gui_delay(delay);
                }
            }
            PreferencesInput::JobUpto(upto) => self.stored.save_job_upto(upto as u64),
            PreferencesInput::JobWorkers(workers) => self.stored.save_job_workers(workers as u32),
        }
    }
}
