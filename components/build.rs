//! Build-time facts from the project's own files:
//! - the GSettings schema, compiled next to the build, so that `cargo run` finds it
//!   without installing anything system-wide (installed builds use the system's);
//! - the About window's website, issue tracker and newest release notes, read from the
//!   AppStream metainfo, so that they are written in one place;
//! - the translations in `po/`, compiled for `cargo run` (installed builds install
//!   their own).

use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMA: &str = "../flatpak/io.github.offload.Offload.gschema.xml";
const METAINFO: &str = "../flatpak/io.github.offload.Offload.metainfo.xml";

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    compile_schema(&out.join("schemas"));
    about_from_metainfo(&out);
    compile_translations(&out.join("locale"));
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
    println!("cargo:rustc-env=OFFLOAD_BUILD_LOCALE_DIR={}", out.display());
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
    println!("cargo:rustc-env=OFFLOAD_BUILD_SCHEMA_DIR={}", out.display());
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
