//! About Offload: who makes it, its licence, website and issue tracker, the newest
//! release's notes (taken from the AppStream metainfo when building), and the debug
//! facts a bug report needs. An `AdwAboutWindow` on libadwaita 1.2, an `AdwAboutDialog`
//! (which adapts to a phone's screen) with the `gnome_50` feature; the same facts in both.

use relm4::adw::prelude::*;
use relm4::{adw, gtk};

use crate::choices::{Backend, BackendName};
use crate::i18n::gettext;
use crate::APP_ID;

/// Read from the metainfo by the build script.
const WEBSITE: &str = include_str!(concat!(env!("OUT_DIR"), "/about_website.txt"));
const ISSUES: &str = include_str!(concat!(env!("OUT_DIR"), "/about_issues.txt"));
const RELEASE_VERSION: &str = include_str!(concat!(env!("OUT_DIR"), "/about_release_version.txt"));
const RELEASE_NOTES: &str = include_str!(concat!(env!("OUT_DIR"), "/about_release_notes.txt"));

pub fn show(parent: &adw::ApplicationWindow, backend: Backend) {
    #[cfg(not(feature = "gnome_50"))]
    let about = adw::AboutWindow::builder()
        .transient_for(parent)
        .modal(true);
    #[cfg(feature = "gnome_50")]
    let about = adw::AboutDialog::builder();
    let about = about
        .application_name("Offload")
        .application_icon(APP_ID)
        .version(env!("CARGO_PKG_VERSION"))
        .developer_name(gettext("The Offload developers"))
        .copyright(gettext("© 2026 The Offload developers"))
        .comments(gettext(
            "Heavy work in the background, a window that never freezes, and a clean stop.",
        ))
        .license_type(gtk::License::Gpl30)
        .website(WEBSITE)
        .issue_url(ISSUES)
        .release_notes_version(RELEASE_VERSION)
        .release_notes(translated_release_notes(RELEASE_NOTES))
        .debug_info(debug_info(backend))
        .debug_info_filename("offload-debug-info.txt");
    // Translators: your names, one per line ("Name <address>"); the English text is
    // left out of About.
    let credits = gettext("translator-credits");
    let about = if credits == "translator-credits" {
        about
    } else {
        about.translator_credits(credits)
    }
    .build();
    #[cfg(not(feature = "gnome_50"))]
    about.present();
    #[cfg(feature = "gnome_50")]
    about.present(Some(parent));
}

/// `notes` (the metainfo's markup) with each paragraph and list item in the user's
/// language: they are in `po/` as the metainfo's texts, their white space collapsed and
/// their XML entities read.
fn translated_release_notes(notes: &str) -> String {
    let mut translated = String::new();
    let mut rest = notes;
    while let Some((at, open, close)) = [("<p>", "</p>"), ("<li>", "</li>")]
        .into_iter()
        .filter_map(|(open, close)| Some((rest.find(open)?, open, close)))
        .min()
    {
        let start = at + open.len();
        let Some(length) = rest[start..].find(close) else {
            break;
        };
        let text = rest[start..start + length]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        translated.push_str(&rest[..start]);
        translated.push_str(&gtk::glib::markup_escape_text(&gettext(text)));
        rest = &rest[start + length..];
    }
    translated.push_str(rest);
    translated
}

/// What a bug report needs to know about this run.
fn debug_info(backend: Backend) -> String {
    format!(
        "Offload {}\nGTK {}.{}.{}\nlibadwaita {}.{}.{}\nBackend: {}\n",
        env!("CARGO_PKG_VERSION"),
        gtk::major_version(),
        gtk::minor_version(),
        gtk::micro_version(),
        adw::major_version(),
        adw::minor_version(),
        adw::micro_version(),
        backend.noun(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_notes_keep_their_markup_around_each_text() {
        let notes = "<p>One\n  line.</p>\n<ul>\n<li>A &amp; B</li>\n</ul>";
        assert_eq!(
            translated_release_notes(notes),
            "<p>One line.</p>\n<ul>\n<li>A &amp; B</li>\n</ul>"
        );
    }
}
