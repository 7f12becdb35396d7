//! The window's two pages: the counter's, where Offload opens, and Compare, one click
//! away through the header's Compare button. On Compare, the header says so and shows a
//! Back button in its place (Alt+Left too); the choice of backend belongs to the counter
//! and waits on its page. Both builds slide between them in a `GtkStack`.

use relm4::adw::prelude::*;
use relm4::{adw, gtk};

use crate::i18n::gettext;

pub(super) const COUNTER: &str = "counter";
const COMPARE: &str = "compare";

pub struct Pages {
    stack: gtk::Stack,
    open: gtk::Button,
    back: gtk::Button,
}

impl Pages {
    /// The stack, holding `compare`; the view adds the counter's page as `COUNTER`.
    pub(super) fn new(compare: &impl IsA<gtk::Widget>) -> Self {
        let stack = gtk::Stack::new();
        stack.set_transition_type(gtk::StackTransitionType::SlideLeftRight);
        stack.add_named(compare, Some(COMPARE));
        let open = crate::a11y::mnemonic_button(&gettext("Co_mpare"));
        open.set_tooltip_text(Some(&gettext("Threads or processes: measure both here")));
        let back: gtk::Button = crate::a11y::named("GtkButton", None, &gettext("Back"));
        back.set_icon_name("go-previous-symbolic");
        back.set_tooltip_text(Some(&gettext("Back")));
        back.set_visible(false);
        Self { stack, open, back }
    }

    pub(super) fn stack(&self) -> &gtk::Stack {
        &self.stack
    }

    /// Shows the counter's page, and puts in `header` the buttons that move between the
    /// pages: `switch` is the header's title on the counter's page.
    pub(super) fn connect_header(&self, header: &adw::HeaderBar, switch: &gtk::Widget) {
        let (stack, open, back) = (&self.stack, &self.open, &self.back);
        stack.set_visible_child_name(COUNTER);
        header.pack_start(open);
        header.pack_start(back);
        let compare_title = adw::WindowTitle::new(&gettext("Compare"), "");

        let show = {
            let (stack, header, switch) = (stack.clone(), header.clone(), switch.clone());
            let (open, back) = (open.clone(), back.clone());
            move |on_compare: bool| {
                stack.set_visible_child_name(if on_compare { COMPARE } else { COUNTER });
                open.set_visible(!on_compare);
                back.set_visible(on_compare);
                if on_compare {
                    header.set_title_widget(Some(&compare_title));
                    back.grab_focus();
                } else {
                    header.set_title_widget(Some(&switch));
                    open.grab_focus();
                }
            }
        };
        let to_compare = show.clone();
        open.connect_clicked(move |_| to_compare(true));
        back.connect_clicked(move |_| show(false));

        let back_key = gtk::ShortcutController::new();
        back_key.set_scope(gtk::ShortcutScope::Managed);
        back_key.add_shortcut(gtk::Shortcut::new(
            gtk::ShortcutTrigger::parse_string("<Alt>Left"),
            Some(gtk::ActivateAction::get()),
        ));
        back.add_controller(back_key);
    }

    /// The header's Compare button (on the counter's page).
    pub fn open_button(&self) -> &gtk::Button {
        &self.open
    }

    /// The header's Back button (on the Compare page).
    pub fn back_button(&self) -> &gtk::Button {
        &self.back
    }

    /// Whether the Compare page shows.
    pub fn showing_compare(&self) -> bool {
        self.stack.visible_child_name().as_deref() == Some(COMPARE)
    }
}
