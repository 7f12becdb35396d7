//! What the counter display says, as plain data with plain methods (no GTK).
//!
//! Numbers arrive whenever the worker reports them; the display changes only on a
//! refresh, like the seed's `update_label`. The newest number always stays readable;
//! "Queue is empty!" is a status beside it, not a replacement for it.

use crate::choices::Backend;
use crate::i18n::{fill, gettext, numbers};

/// What the last refresh found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// No refresh has found a number yet.
    Waiting,
    /// A new number arrived since the refresh before.
    Fresh,
    /// Nothing new arrived since the refresh before: the seed's "Queue is empty!".
    QueueEmpty,
}

/// Whether the worker counts, as far as the window knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Running,
    /// Pause asked, the worker has not confirmed yet.
    Pausing,
    Paused,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelState {
    /// Where numbers come from now.
    backend: Backend,
    activity: Activity,
    newest: Option<u64>,
    newest_from: Backend,
    arrived_since_refresh: bool,
    shown: Option<u64>,
    shown_from: Backend,
    freshness: Freshness,
}

impl LabelState {
    pub fn new(backend: Backend, activity: Activity) -> Self {
        Self {
            backend,
            activity,
            newest: None,
            newest_from: backend,
            arrived_since_refresh: false,
            shown: None,
            shown_from: backend,
            freshness: Freshness::Waiting,
        }
    }

    /// The worker reported `number`; it shows at the next refresh.
    pub fn receive(&mut self, number: u64) {
        self.newest = Some(number);
        self.newest_from = self.backend;
        self.arrived_since_refresh = true;
    }

    /// The worker's last number, from its answer to Pause or Shutdown or from the end
    /// of its run; a window that is not counting shows it at once.
    pub fn receive_last(&mut self, last: Option<u64>) {
        if let Some(number) = last {
            if self.newest != Some(number) {
                self.receive(number);
            }
        }
        if self.activity != Activity::Running && self.arrived_since_refresh {
            self.refresh();
        }
    }

    /// The worker confirmed a Pause. Ignored as to activity if Start was pressed again
    /// meanwhile: the worker has that Start queued behind its answer.
    pub fn confirm_paused(&mut self, last: Option<u64>) {
        if self.activity == Activity::Pausing {
            self.activity = Activity::Paused;
        }
        self.receive_last(last);
    }

    /// The worker ended its run on its own (its count reached its limit).
    pub fn finished(&mut self, last: Option<u64>) {
        self.activity = Activity::Paused;
        self.receive_last(last);
    }

    /// The GUI timer fired: show the newest number, or say the queue was empty.
    pub fn refresh(&mut self) {
        if self.arrived_since_refresh {
            self.shown = self.newest;
            self.shown_from = self.newest_from;
            self.freshness = Freshness::Fresh;
        } else if self.shown.is_some() {
            self.freshness = Freshness::QueueEmpty;
        }
        self.arrived_since_refresh = false;
    }

    /// The worker confirmed a reset: the next number it sends is 0.
    pub fn clear(&mut self) {
        *self = Self::new(self.backend, self.activity);
    }

    pub fn start(&mut self) {
        self.activity = Activity::Running;
    }

    /// Pause asked; numbers already on their way still arrive.
    pub fn pause(&mut self) {
        self.activity = Activity::Pausing;
    }

    pub fn running(&self) -> bool {
        self.activity == Activity::Running
    }

    /// The newest number the worker reported, shown or not yet.
    pub fn newest(&self) -> Option<u64> {
        self.newest
    }

    /// Where numbers come from from now on; numbers already received keep their origin.
    pub fn set_backend(&mut self, backend: Backend) {
        self.backend = backend;
    }

    pub fn shown(&self) -> Option<u64> {
        self.shown
    }

    pub fn freshness(&self) -> Freshness {
        self.freshness
    }

    /// The big line: "Number in thread: 7".
    pub fn headline(&self) -> String {
        let Some(number) = self.shown else {
            return gettext("No number yet");
        };
        let template = match self.shown_from {
            Backend::Thread => gettext("Number in thread: {number}"),
            Backend::Process => gettext("Number in process: {number}"),
        };
        fill(&template, &[("number", &numbers().whole(number))])
    }

    /// The small line under it.
    pub fn status(&self) -> String {
        match (self.activity, self.freshness) {
            (Activity::Pausing, _) => gettext("Pausing…"),
            (Activity::Paused, Freshness::Waiting) => gettext("Press Start to count"),
            (Activity::Paused, _) => gettext("Paused"),
            (Activity::Running, Freshness::Waiting) => gettext("Waiting for the first number…"),
            (Activity::Running, Freshness::Fresh) => gettext("Counting"),
            (Activity::Running, Freshness::QueueEmpty) => gettext("Queue is empty!"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running() -> LabelState {
        LabelState::new(Backend::Thread, Activity::Running)
    }

    #[test]
    fn starts_waiting_without_a_number() {
        let state = running();
        assert_eq!(state.headline(), "No number yet");
        assert_eq!(state.status(), "Waiting for the first number…");
    }

    #[test]
    fn a_number_shows_only_at_the_next_refresh() {
        let mut state = running();
        state.receive(0);
        assert_eq!(state.headline(), "No number yet");
        state.refresh();
        assert_eq!(state.headline(), "Number in thread: 0");
        assert_eq!(state.freshness(), Freshness::Fresh);
    }

    #[test]
    fn refresh_shows_the_newest_of_several_numbers() {
        let mut state = running();
        for number in 0..5 {
            state.receive(number);
        }
        state.refresh();
        assert_eq!(state.shown(), Some(4));
    }

    #[test]
    fn empty_refresh_says_queue_is_empty_and_keeps_the_number_readable() {
        let mut state = running();
        state.receive(3);
        state.refresh();
        state.refresh();
        assert_eq!(state.status(), "Queue is empty!");
        assert_eq!(state.headline(), "Number in thread: 3");
    }

    #[test]
    fn empty_refresh_before_any_number_keeps_waiting() {
        let mut state = running();
        state.refresh();
        assert_eq!(state.freshness(), Freshness::Waiting);
    }

    #[test]
    fn pausing_waits_for_the_worker_then_shows_its_last_number_at_once() {
        let mut state = running();
        state.receive(4);
        state.refresh();
        state.pause();
        assert_eq!(state.status(), "Pausing…");
        assert!(!state.running());
        state.receive(5);
        state.confirm_paused(Some(6));
        assert_eq!(state.headline(), "Number in thread: 6");
        assert_eq!(state.status(), "Paused");
    }

    #[test]
    fn a_last_number_already_shown_is_not_news() {
        let mut state = running();
        state.receive(4);
        state.refresh();
        state.pause();
        state.confirm_paused(Some(4));
        assert_eq!(state.freshness(), Freshness::Fresh);
    }

    #[test]
    fn a_late_pause_confirmation_does_not_undo_a_new_start() {
        let mut state = running();
        state.pause();
        state.start();
        state.confirm_paused(Some(3));
        assert!(state.running());
    }

    #[test]
    fn a_number_reported_while_running_waits_for_the_refresh() {
        let mut state = running();
        state.receive_last(Some(8));
        assert_eq!(state.shown(), None);
    }

    #[test]
    fn clear_forgets_numbers_but_keeps_running() {
        let mut state = running();
        state.receive(9);
        state.refresh();
        state.clear();
        assert_eq!(state.headline(), "No number yet");
        assert!(state.running());
    }

    #[test]
    fn headline_names_the_backend_each_number_came_from() {
        let mut state = running();
        state.receive(3);
        state.refresh();
        state.set_backend(Backend::Process);
        assert_eq!(state.headline(), "Number in thread: 3");
        state.receive(4);
        state.refresh();
        assert_eq!(state.headline(), "Number in process: 4");
    }

    #[test]
    fn paused_before_any_number_invites_to_start() {
        let state = LabelState::new(Backend::Thread, Activity::Paused);
        assert_eq!(state.status(), "Press Start to count");
    }
}
