//! Build-time facts from the project's own files:
//! - the GSettings schema, compiled next to the build, so that `cargo run` finds it
//!   without installing anything system-wide;
//! - the About window's website, issue tracker and newest release notes, read from the
//!   AppStream metainfo, so that they are written in one place;
//! - the translations in `po/`, compiled for `cargo run`.
//!
//! An installed build (Meson's) sets `OFFLOAD_DATADIR` to its prefix's data folder: the
//! binary then looks for its schema and translations there, and no path of the source or
//! build tree is written into it.

use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMA: &str = "../data/io.github.offload.Offload.gschema.xml";
const METAINFO: &str = "../data/io.github.offload.Offload.metainfo.xml";

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    compile_schema(&out.join("schemas"));
    about_from_metainfo(&out);
    compile_translations(&out.join("locale"));
    println!("cargo:rerun-if-env-changed=OFFLOAD_DATADIR");
    let (schemas, locale) = match std::env::var_os("OFFLOAD_DATADIR") {
        Some(datadir) => {
            let datadir = PathBuf::from(datadir);
            (datadir.join("glib-2.0/schemas"), datadir.join("locale"))
        }
        None => (out.join("schemas"), out.join("locale")),
    };
    println!("cargo:rustc-env=OFFLOAD_SCHEMA_DIR={}", schemas.display());
    println!("cargo:rustc-env=OFFLOAD_LOCALE_DIR={}", locale.display());
}

/// `po/LANG.po` for each language in `po/LINGUAS` to `LANG/LC_MESSAGES/offload.mo`.
fn compile_translations(out: &Path) {
    println!("cargo:rerun-if-changed=../po");
    let linguas = std::fs::read_to_string("../po/LINGUAS").expect("po/LINGUAS is readable");
    for language in linguas
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
    {
        let folder = out.join(language).join("LC_MESSAGES");
        std::fs::create_dir_all(&folder).expect("OUT_DIR is writable");
        let status = Command::new("msgfmt")
            .arg("--check")
            .arg("-o")
            .arg(folder.join("offload.mo"))
            .arg(format!("../po/{language}.po"))
            .status()
            .expect("msgfmt runs (Debian: gettext)");
        assert!(status.success(), "po/{language}.po does not compile");
    }
}

fn compile_schema(out: &Path) {
    println!("cargo:rerun-if-changed={SCHEMA}");
    std::fs::create_dir_all(out).expect("OUT_DIR is writable");
    std::fs::copy(SCHEMA, out.join("io.github.offload.Offload.gschema.xml"))
        .expect("the schema is readable");
    let status = Command::new("glib-compile-schemas")
        .arg("--strict")
        .arg(out)
        .status()
        .expect("glib-compile-schemas runs (Debian: libglib2.0-bin, pulled in by libgtk-4-dev)");
    assert!(status.success(), "the GSettings schema does not compile");
}

/// Writes `about_*.txt` beside the build: what lies between the metainfo's tags.
fn about_from_metainfo(out: &Path) {
    println!("cargo:rerun-if-changed={METAINFO}");
    let metainfo = std::fs::read_to_string(METAINFO).expect("the metainfo is readable");
    let between = |text: &str, open: &str, close: &str| -> String {
        let start = text
            .find(open)
            .unwrap_or_else(|| panic!("the metainfo has {open}"));
        let rest = &text[start + open.len()..];
        let end = rest
            .find(close)
            .unwrap_or_else(|| panic!("the metainfo closes {open}"));
        rest[..end].trim().to_owned()
    };
    let newest_release = between(&metainfo, "<release ", "</release>");
    let facts = [
        (
            "website",
            between(&metainfo, "<url type=\"homepage\">", "</url>"),
        ),
        (
            "issues",
            between(&metainfo, "<url type=\"bugtracker\">", "</url>"),
        ),
        (
            "release_version",
            between(&newest_release, "version=\"", "\""),
        ),
        (
            "release_notes",
            between(&newest_release, "<description>", "</description>"),
        ),
    ];
    for (name, value) in facts {
        std::fs::write(out.join(format!("about_{name}.txt")), value).expect("OUT_DIR is writable");
    }
}
