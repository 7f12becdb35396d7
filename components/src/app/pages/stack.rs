//! libadwaita 1.2: one header bar over a `GtkStack` that slides between the pages. On
//! Compare, the header's title says so and a Back button (Alt+Left too) shows at its
//! start; the choice of backend, the counter's, waits on its page.

use relm4::adw::prelude::*;
use relm4::{adw, gtk};

use super::{bottom_bar, compare_button};
use crate::i18n::gettext;

const COUNTER: &str = "counter";
const COMPARE: &str = "compare";

pub struct Pages {
    stack: gtk::Stack,
    open: gtk::Button,
    back: gtk::Button,
}

impl Pages {
    pub(in crate::app) fn new(compare: &impl IsA<gtk::Widget>) -> Self {
        let stack = gtk::Stack::new();
        stack.set_transition_type(gtk::StackTransitionType::SlideLeftRight);
        stack.add_named(compare, Some(COMPARE));
        let open = compare_button();
        let back: gtk::Button = crate::a11y::named("GtkButton", None, &gettext("Back"));
        back.set_icon_name("go-previous-symbolic");
        back.set_tooltip_text(Some(&gettext("Back")));
        back.set_visible(false);
        Self { stack, open, back }
    }

    /// The window's content: `header` (whose title is `switch`) over the pages, the
    /// counter's first, under `toasts`.
    pub(in crate::app) fn assemble(
        &self,
        header: &adw::HeaderBar,
        switch: &gtk::Widget,
        counter: &impl IsA<gtk::Widget>,
        toasts: &adw::ToastOverlay,
    ) -> gtk::Widget {
        let (stack, open, back) = (&self.stack, &self.open, &self.back);
        let page = gtk::Box::new(gtk::Orientation::Vertical, 0);
        counter.set_vexpand(true);
        page.append(counter);
        page.append(&bottom_bar(open));
        stack.add_named(&page, Some(COUNTER));
        stack.set_visible_child_name(COUNTER);
        header.set_title_widget(Some(switch));
        header.pack_start(back);
        let compare_title = adw::WindowTitle::new(&gettext("Compare"), "");

        // Weak: the buttons hold this, and the window holds the buttons.
        let show = {
            let (stack, header, switch) =
                (stack.downgrade(), header.downgrade(), switch.downgrade());
            let (open, back) = (open.downgrade(), back.downgrade());
            move |on_compare: bool| {
                let (Some(stack), Some(header), Some(switch), Some(open), Some(back)) = (
                    stack.upgrade(),
                    header.upgrade(),
                    switch.upgrade(),
                    open.upgrade(),
                    back.upgrade(),
                ) else {
                    return;
                };
                stack.set_visible_child_name(if on_compare { COMPARE } else { COUNTER });
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

        toasts.set_child(Some(stack));
        let frame = gtk::Box::new(gtk::Orientation::Vertical, 0);
        frame.append(header);
        frame.append(toasts);
        frame.upcast()
    }

    /// The Compare button (in the counter page's bottom bar).
    pub fn open_button(&self) -> &gtk::Button {
        &self.open
    }

    /// Back to the counter, as the header's Back button goes.
    pub fn back(&self) {
        self.back.emit_clicked();
    }

    /// Whether the Compare page shows.
    pub fn showing_compare(&self) -> bool {
        self.stack.visible_child_name().as_deref() == Some(COMPARE)
    }
}
