//! The window's actions and their keyboard shortcuts.

use relm4::actions::{AccelsPlus, RelmAction, RelmActionGroup};
use relm4::{adw, gtk, ComponentSender};

use super::{App, AppInput};
use crate::counter::CounterPanelInput;
use crate::job::JobPanelInput;

relm4::new_action_group!(pub(super) WindowActions, "win");
relm4::new_stateless_action!(pub(super) CloseAction, WindowActions, "close");
relm4::new_stateless_action!(pub(super) QuitAction, WindowActions, "quit");
relm4::new_stateless_action!(pub(super) PreferencesAction, WindowActions, "preferences");
relm4::new_stateless_action!(pub(super) ShortcutsAction, WindowActions, "shortcuts");
relm4::new_stateless_action!(pub(super) AboutAction, WindowActions, "about");
relm4::new_stateless_action!(pub(super) ToggleRunningAction, WindowActions, "toggle-running");
relm4::new_stateless_action!(pub(super) ResetAction, WindowActions, "reset");
relm4::new_stateless_action!(pub(super) JobAction, WindowActions, "job");

/// The window's actions and their keys. Ctrl+W and Ctrl+Q both close the window, which
/// is the whole app. Pause and Reset take Shift with their letter: Ctrl+P and Ctrl+R are
/// Print and Reload in every GNOME app.
pub(super) fn install_actions(
    window: &adw::ApplicationWindow,
    sender: &ComponentSender<App>,
    counter: &relm4::Sender<CounterPanelInput>,
    job_panel: &relm4::Sender<JobPanelInput>,
) {
    let application = relm4::main_application();
    application.set_accelerators_for_action::<CloseAction>(&["<primary>w"]);
    application.set_accelerators_for_action::<QuitAction>(&["<primary>q"]);
    application.set_accelerators_for_action::<PreferencesAction>(&["<primary>comma"]);
    application.set_accelerators_for_action::<ShortcutsAction>(&["<primary>question"]);
    application.set_accelerators_for_action::<ToggleRunningAction>(&["<primary><shift>p"]);
    application.set_accelerators_for_action::<ResetAction>(&["<primary><shift>r"]);
    application.set_accelerators_for_action::<JobAction>(&["<primary>Return"]);

    let mut group = RelmActionGroup::<WindowActions>::new();
    let message_action = |message: fn() -> AppInput| {
        let sender = sender.clone();
        move |_: &gtk::gio::SimpleAction| sender.input(message())
    };
    group.add_action(RelmAction::<PreferencesAction>::new_stateless(
        message_action(|| AppInput::ShowPreferences),
    ));
    let counter_action = |message: fn() -> CounterPanelInput| {
        let counter = counter.clone();
        move |_: &gtk::gio::SimpleAction| counter.emit(message())
    };
    group.add_action(RelmAction::<ToggleRunningAction>::new_stateless(
        counter_action(|| CounterPanelInput::ToggleRunning),
    ));
    group.add_action(RelmAction::<ResetAction>::new_stateless(counter_action(
        || CounterPanelInput::Reset,
    )));
    let job_panel = job_panel.clone();
    group.add_action(RelmAction::<JobAction>::new_stateless(move |_| {
        job_panel.emit(JobPanelInput::StartOrCancel);
    }));
    let shortcuts_parent = window.clone();
    group.add_action(RelmAction::<ShortcutsAction>::new_stateless(move |_| {
        crate::modals::shortcuts::show(&shortcuts_parent);
    }));
    group.add_action(RelmAction::<AboutAction>::new_stateless(message_action(
        || AppInput::ShowAbout,
    )));
    group.add_action(RelmAction::<CloseAction>::new_stateless(message_action(
        || AppInput::CloseRequested,
    )));
    group.add_action(RelmAction::<QuitAction>::new_stateless(message_action(
        || AppInput::CloseRequested,
    )));
    group.register_for_widget(window);
}
