//! About Offload.

use relm4::adw::prelude::*;
use relm4::{adw, gtk};

use crate::APP_ID;

pub fn show(parent: &impl IsA<gtk::Window>) {
    adw::AboutWindow::builder()
        .transient_for(parent)
        .modal(true)
        .application_name("Offload")
        .application_icon(APP_ID)
        .version(env!("CARGO_PKG_VERSION"))
        .developer_name("The Offload developers")
        .comments("Heavy work in the background, a window that never freezes, and a clean stop.")
        .license_type(gtk::License::Gpl30)
        .build()
        .present();
}
