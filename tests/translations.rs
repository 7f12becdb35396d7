//! The translations are whole and current: every `.po` compiles (`msgfmt --check`) with
//! every message translated, `po/offload.pot` is what `po/update-pot` makes from today's
//! sources (its date and line references aside), and every Rust file with text to
//! translate is listed in `po/POTFILES`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn languages() -> Vec<String> {
    std::fs::read_to_string(root().join("po/LINGUAS"))
        .expect("po/LINGUAS")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_translation_compiles_and_is_complete() {
    for language in languages() {
        let output = Command::new("msgfmt")
            .args(["--check", "--statistics", "-o", "/dev/null"])
            .arg(root().join(format!("po/{language}.po")))
            .output()
            .expect("msgfmt runs (Debian: gettext)");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "po/{language}.po: {said}");
        assert!(
            !said.contains("untranslated") && !said.contains("fuzzy"),
            "po/{language}.po is incomplete: {said}"
        );
    }
}

/// The template's messages, without its creation date and source line references.
fn messages(pot: &Path) -> String {
    std::fs::read_to_string(pot)
        .expect("a template")
        .lines()
        .filter(|line| !line.starts_with("#:") && !line.starts_with("\"POT-Creation-Date:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_template_is_current() {
    let fresh = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("offload-{}.pot", std::process::id()));
    let status = Command::new(root().join("po/update-pot"))
        .arg(&fresh)
        .status()
        .expect("po/update-pot runs (Debian: gettext)");
    assert!(status.success());
    let current = messages(&fresh);
    let _ = std::fs::remove_file(&fresh);
    assert!(
        current == messages(&root().join("po/offload.pot")),
        "po/offload.pot is stale: run po/update-pot, then msgmerge --update po/LANG.po po/offload.pot"
    );
}

#[test]
fn every_source_with_text_to_translate_is_listed() {
    let listed = std::fs::read_to_string(root().join("po/POTFILES")).expect("po/POTFILES");
    let mut pending = vec![root().join("components/src")];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let relative = path.strip_prefix(root()).expect("inside the repository");
            let translates = text.contains("gettext(\"") || text.contains("ngettext(\n");
            if translates && !relative.ends_with("i18n.rs") {
                assert!(
                    listed.lines().any(|line| Path::new(line) == relative),
                    "{} has text to translate but is not in po/POTFILES",
                    relative.display()
                );
            }
        }
    }
}

/// The `{name}` placeholders in `text`, sorted.
fn placeholders(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|after| {
            let (name, _) = after.split_once('}')?;
            let is_name =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            is_name.then(|| name.to_owned())
        })
        .collect();
    names.sort();
    names
}

/// Each message of a `.po` file: its msgid (the singular) and every msgstr, each joined
/// from its quoted lines.
fn entries(po: &str) -> Vec<(String, Vec<String>)> {
    let unquoted = |text: &str| text.trim().trim_matches('"').to_owned();
    let mut entries = Vec::new();
    for block in po.split("\n\n") {
        let mut id = String::new();
        let mut translations: Vec<String> = Vec::new();
        // Where a continued ("...") line belongs: the msgid, a msgstr, or neither.
        let mut in_id = false;
        for line in block.lines() {
            if let Some(rest) = line.strip_prefix("msgid ") {
                id = unquoted(rest);
                in_id = true;
            } else if line.starts_with("msgid_plural ") {
                in_id = false;
            } else if let Some((_, rest)) = line
                .strip_prefix("msgstr")
                .and_then(|rest| rest.split_once(' '))
            {
                translations.push(unquoted(rest));
                in_id = false;
            } else if line.starts_with('"') {
                if in_id {
                    id.push_str(&unquoted(line));
                } else if let Some(translation) = translations.last_mut() {
                    translation.push_str(&unquoted(line));
                }
            }
        }
        if !translations.is_empty() {
            entries.push((id, translations));
        }
    }
    entries
}

/// A translator may reorder the placeholders but neither rename nor drop one: the
/// window would show `{anzahl}`, or lose the number.
#[test]
fn every_translation_keeps_its_placeholders() {
    for language in languages() {
        let po = std::fs::read_to_string(root().join(format!("po/{language}.po"))).expect("a .po");
        for (id, translations) in entries(&po) {
            for translation in translations.iter().filter(|text| !text.is_empty()) {
                assert_eq!(
                    placeholders(translation),
                    placeholders(&id),
                    "po/{language}.po: {id:?} is translated as {translation:?}"
                );
            }
        }
    }
}
