//! Preferences on current libadwaita (`gnome_50`): a preferences dialog, which adapts to
//! a phone's screen, each number a spin row.

use relm4::adw::prelude::*;
use relm4::{adw, ComponentParts, ComponentSender, SimpleComponent};

use super::{
    backend_index, backend_names, chosen_backend, chosen_gui_delay, chosen_job_upto,
    chosen_job_workers, chosen_worker_delay, gui_delay_range, job_upto_range, job_workers_range,
    seconds, worker_delay_range, Preferences,
};
use crate::choices::{Choices, RunSettings};
use crate::i18n::gettext;

#[relm4::component(pub)]
impl SimpleComponent for Preferences {
    type Init = RunSettings;
    /// The settings the window now runs with: shown here.
    type Input = RunSettings;
    type Output = Choices;

    view! {
        adw::PreferencesDialog {
            set_search_enabled: false,

            add = &adw::PreferencesPage {
                add = &adw::PreferencesGroup {
                    set_title: &gettext("Worker"),

                    adw::ComboRow {
                        set_title: &gettext("_Backend"),
                        set_use_underline: true,
                        set_subtitle: &gettext("A thread of this app, or a separate process"),
                        set_model: Some(&backend_names()),
                        #[watch]
                        #[block_signal(backend_chosen)]
                        set_selected: backend_index(model.shown.backend),
                        connect_selected_notify[sender] => move |row| {
                            let _ = sender.output(chosen_backend(row.selected()));
                        } @backend_chosen,
                    },

                    adw::SpinRow {
                        set_title: &gettext("_Worker delay"),
                        set_use_underline: true,
                        set_subtitle: &gettext("Seconds between two numbers, 0 for as fast as it can"),
                        set_adjustment: Some(&worker_delay_range(&model.shown)),
                        set_digits: 2,
                        #[watch]
                        #[block_signal(worker_delay_chosen)]
                        set_value: seconds(model.shown.worker_delay),
                        connect_value_notify[sender] => move |row| {
                            let _ = sender.output(chosen_worker_delay(row.value()));
                        } @worker_delay_chosen,
                    },

                    adw::SpinRow {
                        set_title: &gettext("_Refresh delay"),
                        set_use_underline: true,
                        set_subtitle: &gettext("Seconds between two label refreshes"),
                        set_adjustment: Some(&gui_delay_range(&model.shown)),
                        set_digits: 2,
                        #[watch]
                        #[block_signal(gui_delay_chosen)]
                        set_value: seconds(model.shown.gui_delay),
                        connect_value_notify[sender] => move |row| {
                            let _ = sender.output(chosen_gui_delay(row.value()));
                        } @gui_delay_chosen,
                    },
                },

                add = &adw::PreferencesGroup {
                    set_title: &gettext("Heavy job"),
                    set_description: Some(&gettext("Count the primes below a number; changes apply to the next job")),

                    adw::SpinRow {
                        set_title: &gettext("_Count primes below"),
                        set_use_underline: true,
                        set_adjustment: Some(&job_upto_range(&model.shown)),
                        #[watch]
                        #[block_signal(job_upto_chosen)]
                        set_value: model.shown.job_upto as f64,
                        connect_value_notify[sender] => move |row| {
                            let _ = sender.output(chosen_job_upto(row.value()));
                        } @job_upto_chosen,
                    },

                    adw::SpinRow {
                        set_title: &gettext("W_orkers"),
                        set_use_underline: true,
                        set_subtitle: &gettext("How many workers share the job; 0 for one per core"),
                        set_adjustment: Some(&job_workers_range(&model.shown)),
                        #[watch]
                        #[block_signal(job_workers_chosen)]
                        set_value: f64::from(model.shown.job_workers),
                        connect_value_notify[sender] => move |row| {
                            let _ = sender.output(chosen_job_workers(row.value()));
                        } @job_workers_chosen,
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

    fn update(&mut self, shown: RunSettings, _: ComponentSender<Self>) {
        self.shown = shown;
    }
}

impl Preferences {
    /// Shows the dialog over `parent`.
    pub fn present(root: &adw::PreferencesDialog, parent: &adw::ApplicationWindow) {
        root.present(Some(parent));
    }
}
