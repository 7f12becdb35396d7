//! Current libadwaita (`gnome_50`): an `AdwNavigationView` whose two pages each have a
//! toolbar view and a header bar of their own. The Compare page's header shows its title
//! and the back button libadwaita gives a pushed page (Escape, Alt+Left and a swipe go
//! back too); the counter's header keeps the choice of backend as its title.

use relm4::adw::prelude::*;
use relm4::{adw, gtk};

use super::{bottom_bar, compare_button};
use crate::i18n::gettext;

const COMPARE: &str = "compare";

pub struct Pages {
    navigation: adw::NavigationView,
    compare: adw::NavigationPage,
    open: gtk::Button,
}

impl Pages {
    pub(in crate::app) fn new(content: &impl IsA<gtk::Widget>) -> Self {
        let bar = adw::ToolbarView::new();
        bar.add_top_bar(&adw::HeaderBar::new());
        bar.set_content(Some(content));
        Self {
            navigation: adw::NavigationView::new(),
            compare: adw::NavigationPage::with_tag(&bar, &gettext("Compare"), COMPARE),
            open: compare_button(),
        }
    }

    /// The window's content: the counter's page (`header`, whose title is `switch`, over
    /// `counter`) at the root of the navigation, all under `toasts`.
    pub(in crate::app) fn assemble(
        &self,
        header: &adw::HeaderBar,
        switch: &gtk::Widget,
        counter: &impl IsA<gtk::Widget>,
        toasts: &adw::ToastOverlay,
    ) -> gtk::Widget {
        header.set_title_widget(Some(switch));
        let bar = adw::ToolbarView::new();
        bar.add_top_bar(header);
        bar.set_content(Some(counter));
        bar.add_bottom_bar(&bottom_bar(&self.open));
        // The first page added to an empty navigation view is its root; the Compare page
        // waits in its pool until pushed.
        self.navigation
            .add(&adw::NavigationPage::new(&bar, "Offload"));
        self.navigation.add(&self.compare);
        let navigation = self.navigation.downgrade();
        self.open.connect_clicked(move |_| {
            if let Some(navigation) = navigation.upgrade() {
                navigation.push_by_tag(COMPARE);
            }
        });
        toasts.set_child(Some(&self.navigation));
        toasts.clone().upcast()
    }

    /// The Compare button (in the counter page's bottom bar).
    pub fn open_button(&self) -> &gtk::Button {
        &self.open
    }

    /// Back to the counter, as the Compare page's back button goes.
    pub fn back(&self) {
        self.navigation.pop();
    }

    /// Whether the Compare page shows.
    pub fn showing_compare(&self) -> bool {
        self.navigation.visible_page().as_ref() == Some(&self.compare)
    }
}
