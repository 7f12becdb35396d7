//! The App component in-process, on a real (virtual) display: clicks its buttons,
//! activates its shortcuts, and closes it, reading widgets and model directly.
//!
//! GTK may be initialised on one thread only, so this is a `harness = false` binary
//! that runs its cases on the main thread. It re-runs itself under Xvfb. Each case opens
//! and closes windows of its own, so the cases run in any order: a random one, from a
//! seed it prints (`OFFLOAD_TEST_SEED=<seed>` runs that order again).

#[path = "support/app_window.rs"]
mod app_window;
#[path = "support/display.rs"]
mod display;

use std::process::ExitCode;
use std::time::Duration;

use app_window::{headline, let_run, shown_number, wait_at_most, wait_until};
use offload_components::app::{App, AppInput, Phase};
use offload_components::choices::{Backend, Choices};
use offload_components::stored::Stored;
use relm4::gtk::prelude::*;
use relm4::{adw, gtk, ComponentController, Controller};

/// Names the seed of the cases' order.
const SEED: &str = "OFFLOAD_TEST_SEED";

/// A named case; each opens the windows it needs and closes them.
type Case = (&'static str, fn());

fn main() -> ExitCode {
    if let Some(outcome) = app_window::rerun_on_private_display(&[], &[]) {
        return outcome;
    }

    gtk::init().expect("the private display opens");
    adw::init().expect("libadwaita starts");
    let mut cases: Vec<Case> = vec![
        (
            "narrowing_the_window_stacks_the_job_row",
            narrowing_the_window_stacks_the_job_row,
        ),
        (
            "closing_during_a_job_asks_and_keep_counting_keeps_it",
            closing_during_a_job_asks_and_keep_counting_keeps_it,
        ),
        (
            "shortcuts_leave_print_and_reload_to_gnome",
            shortcuts_leave_print_and_reload_to_gnome,
        ),
        (
            "ctrl_question_shows_the_keyboard_shortcuts",
            ctrl_question_shows_the_keyboard_shortcuts,
        ),
        (
            "compare_is_one_click_away_and_a_quick_run_fills_it_while_the_counter_counts",
            compare_is_one_click_away_and_a_quick_run_fills_it_while_the_counter_counts,
        ),
        (
            "a_comparison_cancels_and_a_close_mid_run_leaves_no_worker",
            a_comparison_cancels_and_a_close_mid_run_leaves_no_worker,
        ),
        (
            "a_comparison_waits_while_the_window_s_job_runs",
            a_comparison_waits_while_the_window_s_job_runs,
        ),
        (
            "a_choice_made_in_one_window_reaches_every_window",
            a_choice_made_in_one_window_reaches_every_window,
        ),
        (
            "an_override_is_shown_never_stored_and_ends_when_the_user_chooses",
            an_override_is_shown_never_stored_and_ends_when_the_user_chooses,
        ),
        (
            "a_size_typed_in_the_panel_is_applied_and_stored",
            a_size_typed_in_the_panel_is_applied_and_stored,
        ),
        (
            "counts_and_shows_the_newest_number",
            counts_and_shows_the_newest_number,
        ),
        (
            "pause_button_pauses_and_stops_refreshing",
            pause_button_pauses_and_stops_refreshing,
        ),
        (
            "reset_while_paused_clears_the_label_and_start_counts_from_zero",
            reset_while_paused_clears_the_label_and_start_counts_from_zero,
        ),
        (
            "switching_backend_keeps_the_count_going",
            switching_backend_keeps_the_count_going,
        ),
        ("a_job_shows_its_result", a_job_shows_its_result),
        (
            "cancel_stops_a_huge_job_at_once",
            cancel_stops_a_huge_job_at_once,
        ),
        (
            "ctrl_q_closes_after_the_worker_stopped",
            ctrl_q_closes_after_the_worker_stopped,
        ),
    ];
    let seed = std::env::var(SEED)
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("running the cases in a random order: {SEED}={seed}");
    fastrand::Rng::with_seed(seed).shuffle(&mut cases);
    for (name, case) in &cases {
        case();
        println!("test {name} ... ok");
    }
    println!(
        "\ntest result: ok. {} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n",
        cases.len()
    );
    ExitCode::SUCCESS
}

/// A window counting in a thread, a number every 20 ms, refreshed every 50 ms.
fn counting_window() -> Controller<App> {
    app_window::launch(Backend::Thread, "0.02", "0.05", [])
}

fn counts_and_shows_the_newest_number() {
    let app = counting_window();
    wait_until("a number shows", || shown_number(&app).is_some());
    let first = shown_number(&app).expect("shown");
    wait_until("a higher number shows", || shown_number(&app) > Some(first));
    assert_eq!(start_pause_label(&app), "_Pause");
    app_window::close(&app);
}

fn start_pause_label(app: &Controller<App>) -> String {
    let counter = app
        .model()
        .counter_panel()
        .widgets()
        .start_pause_label
        .clone();
    counter.label().into()
}

fn status(app: &Controller<App>) -> String {
    let status = app.model().counter_panel().widgets().status.clone();
    status.label().into()
}

fn click_start_pause(app: &Controller<App>) {
    let button = app.model().counter_panel().widgets().start_pause.clone();
    button.emit_clicked();
}

/// Clicks Pause once a number shows, and waits until the worker confirmed it.
fn pause_when_counting(app: &Controller<App>) {
    wait_until("a number shows", || shown_number(app).is_some());
    click_start_pause(app);
    wait_until("the pause is confirmed", || status(app) == "Paused");
}

fn pause_button_pauses_and_stops_refreshing() {
    let app = counting_window();
    pause_when_counting(&app);
    assert_eq!(start_pause_label(&app), "_Start");
    assert!(
        !app.model().is_refreshing(),
        "a paused window keeps no refresh timer"
    );
    let paused_at = shown_number(&app);
    assert!(paused_at.is_some());
    // Several worker delays later, still the same number.
    let_run(Duration::from_millis(200));
    assert_eq!(shown_number(&app), paused_at);
    app_window::close(&app);
}

fn reset_while_paused_clears_the_label_and_start_counts_from_zero() {
    let app = counting_window();
    pause_when_counting(&app);
    let reset = app.model().counter_panel().widgets().reset.clone();
    reset.emit_clicked();
    wait_until("the label is cleared", || headline(&app) == "No number yet");
    assert_eq!(status(&app), "Press Start to count");

    click_start_pause(&app);
    wait_until("a number shows again", || shown_number(&app).is_some());
    assert!(
        shown_number(&app) < Some(10),
        "the count restarted: {}",
        headline(&app)
    );
    assert!(app.model().is_refreshing());
    app_window::close(&app);
}

fn switching_backend_keeps_the_count_going() {
    let app = counting_window();
    wait_until("a number shows", || shown_number(&app).is_some());
    let before = shown_number(&app).expect("counting");
    let takes_clicks = || app.model().backend_switch().takes_clicks();
    app.model().backend_switch().pick(Backend::Process);
    wait_until("the switch waits for the replacement", || !takes_clicks());
    wait_until("numbers come from the process", || {
        headline(&app).starts_with("Number in process: ")
    });
    wait_until("the switch takes clicks again", takes_clicks);
    assert_eq!(app.model().backend(), Backend::Process);
    let in_process = shown_number(&app).expect("a number");
    assert!(
        in_process >= before,
        "the count went back: {before} -> {in_process}"
    );

    app.model().backend_switch().pick(Backend::Thread);
    wait_until("numbers come from the thread again", || {
        headline(&app).starts_with("Number in thread: ")
    });
    let in_thread = shown_number(&app).expect("a number");
    assert!(
        in_thread >= in_process,
        "the count went back: {in_process} -> {in_thread}"
    );
    app_window::close(&app);
}

fn job_detail(app: &Controller<App>) -> String {
    app.model()
        .job_panel()
        .widgets()
        .job_detail
        .label()
        .to_string()
}

fn a_job_shows_its_result() {
    let app = &counting_window();
    app_window::choose_job_size(app, 1_000_000);
    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("the job's result", || {
        job_detail(app).starts_with("78 498 primes below 1 000 000 (")
    });
    assert_eq!(
        app.model().job_panel().widgets().job_progress.fraction(),
        1.0
    );
    assert_eq!(job_button_label(app), "_Count primes");
    app_window::close(app);
}

fn cancel_stops_a_huge_job_at_once() {
    let app = &counting_window();
    app_window::choose_job_size(app, 1_000_000_000_000);
    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("the job runs", || job_detail(app).contains("numbers/s"));
    assert_eq!(job_button_label(app), "_Cancel");
    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("the job is cancelled", || job_detail(app) == "Cancelled");
    assert!(app.model().job_panel().widgets().job_progress.fraction() < 0.01);
    app_window::close(app);
}

fn ctrl_q_closes_after_the_worker_stopped() {
    let app = &counting_window();
    let window = app.widget();
    let accels = relm4::main_application().accels_for_action("win.quit");
    assert!(
        accels.iter().any(|accel| accel == "<Control>q"),
        "Ctrl+Q bound: {accels:?}"
    );
    app_window::close(app);
    assert!(!window.is_visible());
}

fn job_button_label(app: &Controller<App>) -> String {
    app.model()
        .job_panel()
        .widgets()
        .job_button_label
        .label()
        .into()
}

/// Two windows on the same stored choices: the header's backend clicked in one is
/// stored, and the other follows at once.
fn a_choice_made_in_one_window_reaches_every_window() {
    let stored = Stored::in_memory();
    let first = app_window::launch_storing_in(&stored, Choices::default());
    let second = app_window::launch_storing_in(&stored, Choices::default());
    wait_until("both count", || {
        shown_number(&first).is_some() && shown_number(&second).is_some()
    });
    first.model().backend_switch().pick(Backend::Process);
    for app in [&first, &second] {
        wait_until("every window counts in a process", || {
            headline(app).starts_with("Number in process: ")
        });
        assert_eq!(app.model().backend_switch().shown(), Some(Backend::Process));
    }
    assert_eq!(stored.load().backend, Some(Backend::Process));
    app_window::close(&first);
    app_window::close(&second);
}

/// `--backend process` over a stored thread: the window shows the override and never
/// stores it; the user's click on Thread is stored and applies.
fn an_override_is_shown_never_stored_and_ends_when_the_user_chooses() {
    let stored = Stored::in_memory();
    let overrides = Choices {
        backend: Some(Backend::Process),
        ..Choices::default()
    };
    let app = app_window::launch_storing_in(&stored, overrides);
    wait_until("counting in the overriding process", || {
        headline(&app).starts_with("Number in process: ")
    });
    assert_eq!(app.model().backend_switch().shown(), Some(Backend::Process));
    assert_eq!(
        stored.load().backend,
        Some(Backend::Thread),
        "never written back"
    );

    app.model().backend_switch().pick(Backend::Thread);
    wait_until("counting in the chosen thread", || {
        headline(&app).starts_with("Number in thread: ")
    });
    assert_eq!(stored.load().backend, Some(Backend::Thread));
    // The override is over: a change stored elsewhere now applies here too.
    stored.save(Choices {
        backend: Some(Backend::Process),
        ..Choices::default()
    });
    wait_until("the stored change applies", || {
        headline(&app).starts_with("Number in process: ")
    });
    app_window::close(&app);
}

/// Ctrl+P and Ctrl+R mean Print and Reload in GNOME apps: no action of ours takes them,
/// and every action of the window has its key.
fn shortcuts_leave_print_and_reload_to_gnome() {
    let app = counting_window();
    let application = relm4::main_application();
    let mut taken = Vec::new();
    for action in [
        "toggle-running",
        "reset",
        "job",
        "close",
        "quit",
        "preferences",
        "shortcuts",
    ] {
        let keys = application.accels_for_action(&format!("win.{action}"));
        assert!(!keys.is_empty(), "win.{action} has no key");
        taken.extend(keys.iter().map(|key| key.to_string()));
    }
    for standard in ["<Primary>p", "<Control>p", "<Primary>r", "<Control>r"] {
        assert!(
            !taken.iter().any(|key| key == standard),
            "{standard} in {taken:?}"
        );
    }
    app_window::close(&app);
}

/// The Compare page's widgets a user touches and reads.
struct CompareWidgets {
    open: gtk::Button,
    full: gtk::CheckButton,
    run: gtk::Button,
    status: gtk::Label,
    cells: Vec<[gtk::Label; 2]>,
    chart: gtk::Box,
    summary: gtk::Label,
    copy: gtk::Button,
    save: gtk::Button,
}

fn compare_widgets(app: &Controller<App>) -> CompareWidgets {
    let model = app.model();
    let pages = model.pages();
    let page = model.compare_page().widgets();
    CompareWidgets {
        open: pages.open_button().clone(),
        full: page.full.clone(),
        run: page.run.clone(),
        status: page.status.clone(),
        cells: page.cells.clone(),
        chart: page.chart.widget().clone(),
        summary: page.summary.clone(),
        copy: page.copy.clone(),
        save: page.save.clone(),
    }
}

fn showing_compare(app: &Controller<App>) -> bool {
    app.model().pages().showing_compare()
}

fn comparing(app: &Controller<App>) -> bool {
    app.model().compare_page().model().is_running()
}

fn compared(app: &Controller<App>) -> bool {
    app.model().compare_page().model().comparison().is_some()
}

/// The Compare page is one click away, and nothing runs as it opens; Run (Quick) fills
/// every cell, the chart and the summary while the counter goes on; Back returns.
fn compare_is_one_click_away_and_a_quick_run_fills_it_while_the_counter_counts() {
    let app = counting_window();
    wait_until("a number shows", || shown_number(&app).is_some());
    let page = compare_widgets(&app);
    assert!(!showing_compare(&app), "the window opens on the counter");
    page.open.emit_clicked();
    assert!(showing_compare(&app));
    let_run(Duration::from_millis(200));
    assert!(
        !comparing(&app) && !compared(&app),
        "a comparison ran as the page opened"
    );
    assert!(!page.full.is_active(), "Quick is the default");
    page.run.emit_clicked();
    wait_until("the run starts", || comparing(&app));
    let before = shown_number(&app).expect("counting");
    wait_at_most(Duration::from_secs(60), "the quick comparison", || {
        compared(&app)
    });
    assert!(
        shown_number(&app) > Some(before),
        "the counter stood still while measuring"
    );
    for cell in page.cells.iter().flatten() {
        assert!(
            !cell.text().is_empty() && cell.text() != "—",
            "an empty cell"
        );
    }
    let summary = page.summary.text();
    assert!(summary.contains("A process survives a crash"), "{summary}");
    assert!(page.chart.is_visible());
    assert!(page.copy.is_sensitive() && page.save.is_sensitive());
    app.model().pages().back();
    assert!(!showing_compare(&app));
    app_window::close(&app);
}

/// Cancel ends a run before its next sample, with no figures; a window closed while a
/// run measures a job cancels the job and waits for its workers, in time.
fn a_comparison_cancels_and_a_close_mid_run_leaves_no_worker() {
    let app = counting_window();
    let page = compare_widgets(&app);
    page.open.emit_clicked();
    page.run.emit_clicked();
    wait_until("the run starts", || comparing(&app));
    page.run.emit_clicked();
    wait_until("the run is cancelled", || !comparing(&app));
    assert_eq!(page.status.text(), "Comparison cancelled");
    assert!(!compared(&app));

    page.run.emit_clicked();
    // The job's own progress line, shown while the run measures it.
    wait_at_most(Duration::from_secs(60), "a job measured", || {
        page.status.text().contains("numbers/s")
    });
    app_window::close(&app);
}

/// While Count primes runs on every core, Run waits: it would measure that job too.
fn a_comparison_waits_while_the_window_s_job_runs() {
    let app = &counting_window();
    let page = compare_widgets(app);
    app_window::choose_job_size(app, 1_000_000_000_000);
    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("Run waits", || !page.run.is_sensitive());
    page.open.emit_clicked();
    page.run.emit_clicked();
    let_run(Duration::from_millis(100));
    assert!(!comparing(app), "a comparison ran beside the job");
    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("Run takes clicks again", || page.run.is_sensitive());
    app_window::close(app);
}

/// Ctrl+? is the Keyboard Shortcuts' key, as in every GNOME app; they show as the
/// build's libadwaita shows them, and close again.
fn ctrl_question_shows_the_keyboard_shortcuts() {
    let app = counting_window();
    let keys = relm4::main_application().accels_for_action("win.shortcuts");
    assert!(
        keys.iter().any(|key| key == "<Control>question"),
        "win.shortcuts is on {keys:?}"
    );
    let windows = gtk::Window::list_toplevels().len();
    WidgetExt::activate_action(app.widget(), "win.shortcuts", None)
        .expect("the shortcuts action exists");
    wait_until("the shortcuts", || shortcuts(&app).is_some());
    let shown = shortcuts(&app).expect("shown");
    if cfg!(feature = "gnome_50") {
        assert_eq!(
            gtk::Window::list_toplevels().len(),
            windows,
            "the shortcuts dialog opened a window of its own"
        );
    }
    close_shortcuts(&shown);
    wait_until("the shortcuts closed", || shortcuts(&app).is_none());
    app_window::close(&app);
}

/// The Keyboard Shortcuts, if showing: a window of their own on libadwaita 1.2.
#[cfg(not(feature = "gnome_50"))]
fn shortcuts(_: &Controller<App>) -> Option<gtk::Widget> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|window| window.downcast::<gtk::ShortcutsWindow>().ok())
        .find(|window| window.is_visible())
        .map(Cast::upcast)
}

#[cfg(not(feature = "gnome_50"))]
fn close_shortcuts(shortcuts: &gtk::Widget) {
    shortcuts
        .downcast_ref::<gtk::Window>()
        .expect("a window")
        .close();
}

/// The Keyboard Shortcuts, if showing: a dialog inside the window on current libadwaita.
#[cfg(feature = "gnome_50")]
fn shortcuts(app: &Controller<App>) -> Option<gtk::Widget> {
    let dialog = adw::prelude::AdwApplicationWindowExt::visible_dialog(app.widget())?;
    dialog.is::<adw::ShortcutsDialog>().then(|| dialog.upcast())
}

#[cfg(feature = "gnome_50")]
fn close_shortcuts(shortcuts: &gtk::Widget) {
    use adw::prelude::AdwDialogExt;
    assert!(shortcuts
        .downcast_ref::<adw::Dialog>()
        .expect("a dialog")
        .close());
}

/// Narrower than a phone's width, the job row stacks (the Flatpak's window: through its
/// breakpoint); wider again, it lays out side by side.
fn narrowing_the_window_stacks_the_job_row() {
    let app = &counting_window();
    let window = app.widget();
    let (width, height) = window.default_size();
    let narrow = || app.model().job_panel().model().is_narrow();
    assert!(!narrow(), "a {width} px window starts narrow");
    window.set_default_size(400, height);
    wait_until("the narrow layout", narrow);
    window.set_default_size(width, height);
    wait_until("the wide layout", || !narrow());
    app_window::close(app);
}

/// The question a close asks while a job runs, if it is showing: a window of its own
/// on libadwaita 1.2.
#[cfg(not(feature = "gnome_50"))]
fn close_question(_: &Controller<App>) -> Option<gtk::Widget> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|window| window.downcast::<adw::MessageDialog>().ok())
        .find(|dialog| dialog.is_visible())
        .map(Cast::upcast)
}

/// The question a close asks while a job runs, if it is showing: a dialog inside the
/// window on current libadwaita.
#[cfg(feature = "gnome_50")]
fn close_question(app: &Controller<App>) -> Option<gtk::Widget> {
    let dialog = adw::prelude::AdwApplicationWindowExt::visible_dialog(app.widget())?;
    dialog.is::<adw::AlertDialog>().then(|| dialog.upcast())
}

/// Ctrl+W during a job asks; "Keep Counting" keeps the window and the job; a scripted
/// close asks nothing.
fn closing_during_a_job_asks_and_keep_counting_keeps_it() {
    let app = counting_window();
    app_window::choose_job_size(&app, 1_000_000_000_000);
    app.model().job_panel().widgets().job_button.emit_clicked();
    wait_until("the job runs", || job_detail(&app).contains("numbers/s"));

    WidgetExt::activate_action(app.widget(), "win.close", None).expect("the close action exists");
    wait_until("the question", || close_question(&app).is_some());
    click_in(&close_question(&app).expect("asked"), "_Keep Counting");
    wait_until("the question is gone", || close_question(&app).is_none());
    let_run(Duration::from_millis(200));
    assert_eq!(app.model().phase(), Phase::Open);
    assert!(app.model().job().is_some_and(|job| job.is_running()));

    app.emit(AppInput::CloseNow);
    wait_until("the scripted close", || {
        matches!(app.model().phase(), Phase::Closed { .. })
    });
    assert!(close_question(&app).is_none(), "a scripted close asked");
}

/// A size typed into the job panel is stored, and the next job counts up to it; the
/// echo from GSettings leaves it as typed.
fn a_size_typed_in_the_panel_is_applied_and_stored() {
    let stored = Stored::in_memory();
    let app = app_window::launch_storing_in(&stored, Choices::default());
    let upto = app.model().job_panel().widgets().upto.clone();
    upto.set_value(1_234_567.0);
    wait_until("the size is stored", || {
        stored.load().job_upto == Some(1_234_567)
    });
    let_run(Duration::from_millis(100));
    assert_eq!(upto.value(), 1_234_567.0);
    let job_button = app.model().job_panel().widgets().job_button.clone();
    job_button.emit_clicked();
    wait_until("the job's result", || {
        job_detail(&app).contains(" primes below 1 234 567 (")
    });
    app_window::close(&app);
}

/// Clicks the button labelled `label` somewhere inside `widget`, as a user would.
fn click_in(widget: &impl IsA<gtk::Widget>, label: &str) {
    let mut pending = vec![widget.as_ref().clone()];
    while let Some(widget) = pending.pop() {
        if let Some(button) = widget.downcast_ref::<gtk::Button>() {
            if button.label().as_deref() == Some(label) {
                button.emit_clicked();
                return;
            }
        }
        let mut child = widget.first_child();
        while let Some(next) = child {
            child = next.next_sibling();
            pending.push(next);
        }
    }
    panic!("no '{label}' button");
}
