//! What a screen reader is told about widgets that GTK 4.8's Rust bindings cannot
//! describe: gtk4-rs sets a widget's accessible name with `update_property`, which it
//! offers only with GTK 4.10 (its `v4_10` feature), while GTK's UI definitions set the
//! name, and the role with it, on any GTK 4.

use relm4::gtk::{self, glib, prelude::*};

/// A new widget of GTK class `class` (say "GtkMenuButton"), named `name` for screen
/// readers and given the accessible `role` (say "img"), if any.
pub fn named<W: glib::object::IsA<glib::Object>>(class: &str, role: Option<&str>, name: &str) -> W {
    let role = role
        .map(|role| format!("<property name=\"accessible-role\">{role}</property>"))
        .unwrap_or_default();
    let definition = format!(
        "<interface><object class=\"{class}\" id=\"widget\">{role}<accessibility>\
         <property name=\"label\">{}</property></accessibility></object></interface>",
        glib::markup_escape_text(name)
    );
    gtk::Builder::from_string(&definition)
        .object("widget")
        .expect("the definition holds the widget")
}

/// A button labelled `mnemonic` ("_Run"), named by its words alone: with the mnemonic
/// in the button's own label, GTK 4.8 would say "_Run Run". `relabel` changes it.
pub fn mnemonic_button(mnemonic: &str) -> gtk::Button {
    let button = gtk::Button::new();
    let label = gtk::Label::with_mnemonic(mnemonic);
    label.set_mnemonic_widget(Some(&button));
    button.set_child(Some(&label));
    button
}

/// A check button labelled `mnemonic`, named by its words alone.
pub fn mnemonic_check_button(mnemonic: &str) -> gtk::CheckButton {
    let button = gtk::CheckButton::new();
    let label = gtk::Label::with_mnemonic(mnemonic);
    label.set_mnemonic_widget(Some(&button));
    button.set_child(Some(&label));
    button
}

/// Puts `mnemonic` on a button made by `mnemonic_button`.
pub fn relabel(button: &gtk::Button, mnemonic: &str) {
    if let Some(label) = button.child().and_downcast::<gtk::Label>() {
        label.set_text_with_mnemonic(mnemonic);
    }
}
