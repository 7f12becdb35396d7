//! Preferences: the backend, the delays and the heavy job. It shows the choices the
//! window runs with (a command-line override included) and follows them live; a change
//! made here goes to the window, which stores it and applies it: the backend and the
//! delays at once, the job's size and workers to the next job.

use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};

use crate::i18n::gettext;
use crate::settings::{
    Backend, Choice, Delay, RunSettings, MAX_DELAY_SECONDS, MAX_UPTO, MAX_WORKERS,
    MIN_GUI_DELAY_SECONDS,
};

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

const BACKENDS: [Backend; 2] = [Backend::Thread, Backend::Process];

fn seconds(delay: Delay) -> f64 {
    delay.duration().as_secs_f64()
}

#[relm4::component(pub)]
impl SimpleComponent for Preferences {
    type Init = RunSettings;
    type Input = PreferencesInput;
    type Output = PreferencesOutput;

    view! {
        adw::PreferencesWindow {
            set_modal: true,
            set_search_enabled: false,

            add = &adw::PreferencesPage {
                add = &adw::PreferencesGroup {
                    set_title: &gettext("Worker"),

                    #[name = "backend"]
                    adw::ComboRow {
                        set_title: &gettext("_Backend"),
                        set_use_underline: true,
                        set_subtitle: &gettext("A thread of this app, or a separate process"),
                        set_model: Some(&gtk::StringList::new(&[&gettext("Thread"), &gettext("Process")])),
                        #[watch]
                        #[block_signal(backend_chosen)]
                        set_selected: BACKENDS.iter().position(|b| *b == model.shown.backend).unwrap_or(0) as u32,
                        connect_selected_notify[sender] => move |row| {
                            sender.input(PreferencesInput::Backend(row.selected()));
                        } @backend_chosen,
                    },

                    adw::ActionRow {
                        set_title: &gettext("_Worker delay"),
                        set_use_underline: true,
                        // Names the spin button for screen readers (labelled-by the title).
                        set_activatable_widget: Some(&worker_delay_spin),
                        set_subtitle: &gettext("Seconds between two numbers, 0 for as fast as it can"),
                        #[name = "worker_delay_spin"]
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(seconds(model.shown.worker_delay), 0.0, MAX_DELAY_SECONDS, 0.1, 1.0, 0.0),
                            set_digits: 2,
                            set_tooltip_text: Some(&gettext("Worker delay in seconds")),
                            #[watch]
                            #[block_signal(worker_delay_chosen)]
                            set_value: seconds(model.shown.worker_delay),
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::WorkerDelay(spin.value()));
                            } @worker_delay_chosen,
                        },
                    },

                    adw::ActionRow {
                        set_title: &gettext("_Refresh delay"),
                        set_use_underline: true,
                        // Names the spin button for screen readers (labelled-by the title).
                        set_activatable_widget: Some(&gui_delay_spin),
                        set_subtitle: &gettext("Seconds between two label refreshes"),
                        #[name = "gui_delay_spin"]
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(seconds(model.shown.gui_delay), MIN_GUI_DELAY_SECONDS, MAX_DELAY_SECONDS, 0.1, 1.0, 0.0),
                            set_digits: 2,
                            set_tooltip_text: Some(&gettext("Refresh delay in seconds")),
                            #[watch]
                            #[block_signal(gui_delay_chosen)]
                            set_value: seconds(model.shown.gui_delay),
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::GuiDelay(spin.value()));
                            } @gui_delay_chosen,
                        },
                    },
                },

                add = &adw::PreferencesGroup {
                    set_title: &gettext("Heavy job"),
                    set_description: Some(&gettext("Count the primes below a number; changes apply to the next job")),

                    adw::ActionRow {
                        set_title: &gettext("_Count primes below"),
                        set_use_underline: true,
                        // Names the spin button for screen readers (labelled-by the title).
                        set_activatable_widget: Some(&job_upto_spin),
                        #[name = "job_upto_spin"]
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(model.shown.job_upto as f64, 2.0, MAX_UPTO as f64, 1e6, 1e9, 0.0),
                            set_digits: 0,
                            set_width_chars: 14,
                            set_tooltip_text: Some(&gettext("Job size")),
                            #[watch]
                            #[block_signal(job_upto_chosen)]
                            set_value: model.shown.job_upto as f64,
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::JobUpto(spin.value()));
                            } @job_upto_chosen,
                        },
                    },

                    adw::ActionRow {
                        set_title: &gettext("W_orkers"),
                        set_use_underline: true,
                        // Names the spin button for screen readers (labelled-by the title).
                        set_activatable_widget: Some(&job_workers_spin),
                        set_subtitle: &gettext("How many workers share the job; 0 for one per core"),
                        #[name = "job_workers_spin"]
                        add_suffix = &gtk::SpinButton {
                            set_valign: gtk::Align::Center,
                            set_adjustment: &gtk::Adjustment::new(f64::from(model.shown.job_workers), 0.0, MAX_WORKERS as f64, 1.0, 4.0, 0.0),
                            set_digits: 0,
                            set_tooltip_text: Some(&gettext("Number of workers")),
                            #[watch]
                            #[block_signal(job_workers_chosen)]
                            set_value: f64::from(model.shown.job_workers),
                            connect_value_changed[sender] => move |spin| {
                                sender.input(PreferencesInput::JobWorkers(spin.value()));
                            } @job_workers_chosen,
                        },
                    },
                },
            },
        }
    }

    fn init(
        shown: RunSettings,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let model = Preferences { shown };
        let widgets = view_output!();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, message: PreferencesInput, sender: ComponentSender<Self>) {
        let choice = match message {
            PreferencesInput::Show(settings) => {
                self.shown = settings;
                return;
            }
            PreferencesInput::Backend(index) => {
                BACKENDS.get(index as usize).copied().map(Choice::Backend)
            }
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
        };
        if let Some(choice) = choice {
            self.shown = self.shown.with(choice);
            let _ = sender.output(PreferencesOutput::Chose(choice));
        }
    }
}
