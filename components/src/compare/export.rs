//! Save as JSON: the comparison, in the shape `offload compare --json` prints, to a file
//! the user picks. Debian 12's build asks with `GtkFileChooserNative`, current GNOME's
//! with `GtkFileDialog`; inside the Flatpak both go through the file chooser portal.

use std::path::Path;

use relm4::gtk;
use relm4::gtk::prelude::*;

use super::run::Comparison;
use crate::i18n::gettext;

const SUGGESTED_NAME: &str = "offload-comparison.json";

/// The comparison as pretty JSON.
pub fn json(comparison: &Comparison) -> String {
    serde_json::to_string_pretty(comparison).expect("the figures are plain numbers and text")
}

/// Writes `comparison` as JSON to `path`.
pub fn write(comparison: &Comparison, path: &Path) -> Result<(), String> {
    std::fs::write(path, json(comparison) + "\n")
        .map_err(|error| format!("{}: {error}", path.display()))
}

/// Asks where to save, then saves; `saved` hears the file's name, None when the user
/// cancelled, or why it failed.
pub fn save_json(
    near: &impl IsA<gtk::Widget>,
    comparison: &Comparison,
    saved: impl Fn(Result<Option<String>, String>) + 'static,
) {
    let comparison = comparison.clone();
    let parent = near.root().and_downcast::<gtk::Window>();
    ask_for_file(parent.as_ref(), move |path| {
        saved(match path {
            Some(path) => write(&comparison, &path).map(|()| Some(path.display().to_string())),
            None => Ok(None),
        });
    });
}

#[cfg(not(feature = "gnome_50"))]
fn ask_for_file(
    parent: Option<&gtk::Window>,
    chosen: impl Fn(Option<std::path::PathBuf>) + 'static,
) {
    let chooser = gtk::FileChooserNative::new(
        Some(&gettext("Save the Comparison")),
        parent,
        gtk::FileChooserAction::Save,
        Some(&gettext("_Save")),
        Some(&gettext("_Cancel")),
    );
    chooser.set_current_name(SUGGESTED_NAME);
    chooser.set_modal(true);
    // GTK keeps no reference to a native chooser: this one holds it until it answers.
    let kept = std::rc::Rc::new(std::cell::RefCell::new(Some(chooser.clone())));
    chooser.connect_response(move |chooser, response| {
        let path = (response == gtk::ResponseType::Accept)
            .then(|| chooser.file().and_then(|file| file.path()))
            .flatten();
        chosen(path);
        chooser.destroy();
        kept.borrow_mut().take();
    });
    chooser.show();
}

#[cfg(feature = "gnome_50")]
fn ask_for_file(
    parent: Option<&gtk::Window>,
    chosen: impl Fn(Option<std::path::PathBuf>) + 'static,
) {
    let dialog = gtk::FileDialog::builder()
        .title(gettext("Save the Comparison"))
        .initial_name(SUGGESTED_NAME)
        .modal(true)
        .build();
    dialog.save(parent, gtk::gio::Cancellable::NONE, move |result| {
        chosen(result.ok().and_then(|file| file.path()));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::run::fixtures::comparison;

    /// What Save writes once the user chose a file (the dialog itself is GTK's, or the
    /// portal's in the Flatpak): `offload compare --json`'s shape, read back.
    #[test]
    fn save_writes_the_comparison_as_json() {
        let folder = std::env::temp_dir().join(format!("offload-save-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(SUGGESTED_NAME);
        write(&comparison(), &path).unwrap();
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        std::fs::remove_dir_all(&folder).unwrap();
        assert_eq!(saved["thread"]["start_ms"]["samples"], 5);
        assert_eq!(saved["process"]["crash"]["kind"], "panic");
        assert!(saved["process"]["memory_kib"]["median"].as_f64() > Some(3000.0));
    }

    #[test]
    fn a_file_that_cannot_be_written_is_one_line() {
        let path = Path::new("/nonexistent-folder/offload.json");
        let error = write(&comparison(), path).unwrap_err();
        assert!(
            error.starts_with("/nonexistent-folder/offload.json: "),
            "{error}"
        );
        assert!(!error.contains('\n'));
    }
}
