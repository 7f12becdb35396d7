//! What a screen reader is told about widgets that GTK 4.8's Rust bindings cannot
//! describe: gtk4-rs sets a widget's accessible name with `update_property`, which it
//! offers only with GTK 4.10 (its `v4_10` feature), while GTK's UI definitions set the
//! name, and the role with it, on any GTK 4.

use relm4::gtk::{self, glib};

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
