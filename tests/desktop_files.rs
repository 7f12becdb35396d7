//! The desktop integration files in `data/`: each passes its validator, a broken copy
//! fails it, and every file agrees on the app id. A missing validator fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use offload_components::APP_ID;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn file(suffix: &str) -> PathBuf {
    data_dir().join(format!("{APP_ID}{suffix}"))
}

/// Runs a validator; panics, naming the package, if it is not installed.
fn validates(tool: &str, args: &[&str], target: &Path) -> bool {
    let output = Command::new(tool)
        .args(args)
        .arg(target)
        .output()
        .unwrap_or_else(|error| panic!("{tool} is missing ({error}): run scripts/setup test"));
    if !output.status.success() {
        eprintln!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output.status.success()
}

const DESKTOP: (&str, &[&str]) = ("desktop-file-validate", &[]);
const APPSTREAMCLI: (&str, &[&str]) = ("appstreamcli", &["validate", "--no-net"]);
const APPSTREAM_UTIL: (&str, &[&str]) = ("appstream-util", &["validate", "--nonet"]);

#[test]
fn desktop_file_and_metainfo_pass_their_validators() {
    assert!(validates(DESKTOP.0, DESKTOP.1, &file(".desktop")));
    assert!(validates(
        APPSTREAMCLI.0,
        APPSTREAMCLI.1,
        &file(".metainfo.xml")
    ));
    assert!(validates(
        APPSTREAM_UTIL.0,
        APPSTREAM_UTIL.1,
        &file(".metainfo.xml")
    ));
}

/// A copy of `file(suffix)` in `scratch`, under the same name, with `good` replaced by `bad`.
fn broken_copy(scratch: &Path, suffix: &str, good: &str, bad: &str) -> PathBuf {
    let text = std::fs::read_to_string(file(suffix)).expect("readable");
    let copy = scratch.join(format!("{APP_ID}{suffix}"));
    std::fs::write(&copy, text.replace(good, bad)).expect("writable");
    copy
}

#[test]
fn broken_copies_fail_their_validators() {
    let scratch = std::env::temp_dir().join(format!("offload-desktop-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("temporary folder");
    let broken_desktop = broken_copy(&scratch, ".desktop", "Type=Application", "Type=Gadget");
    let broken_metainfo = broken_copy(&scratch, ".metainfo.xml", "<name>Offload</name>", "");
    let desktop_fails = !validates(DESKTOP.0, DESKTOP.1, &broken_desktop);
    let metainfo_fails = !validates(APPSTREAM_UTIL.0, APPSTREAM_UTIL.1, &broken_metainfo);
    std::fs::remove_dir_all(&scratch).expect("temporary folder removed");
    assert!(desktop_fails, "a desktop file of an unknown type passed");
    assert!(metainfo_fails, "metainfo without a name passed");
}

#[test]
fn every_file_names_the_same_app_id() {
    let metainfo = std::fs::read_to_string(file(".metainfo.xml")).expect("readable");
    assert!(metainfo.contains(&format!("<id>{APP_ID}</id>")));
    assert!(metainfo.contains(&format!(">{APP_ID}.desktop</launchable>")));
    let desktop = std::fs::read_to_string(file(".desktop")).expect("readable");
    assert!(desktop.contains(&format!("Icon={APP_ID}\n")));
    let schema = std::fs::read_to_string(file(".gschema.xml")).expect("readable");
    assert!(schema.contains(&format!(
        "<schema id=\"{APP_ID}\" path=\"/io/github/offload/Offload/\">"
    )));
    for icon in ["", "-symbolic"] {
        let path = data_dir().join("icons").join(format!("{APP_ID}{icon}.svg"));
        let svg =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} exists", path.display()));
        assert!(svg.contains("<svg"), "{} is an SVG", path.display());
    }
}

/// The text between `open` and the next `close` in `text`.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let length = text[start..]
        .find(close)
        .unwrap_or_else(|| panic!("{open} is not closed"));
    &text[start..start + length]
}

/// WCAG's relative luminance of a `#rrggbb` colour.
fn luminance(colour: &str) -> f64 {
    let channel = |at: usize| {
        let value = f64::from(u8::from_str_radix(&colour[at..at + 2], 16).expect("hex")) / 255.0;
        if value <= 0.040_45 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(one: &str, other: &str) -> f64 {
    let (a, b) = (luminance(one), luminance(other));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// What Flathub's quality guidelines ask of the metainfo: a short summary, the text
/// domain of its translations, where the code is read, every way to control the app,
/// and brand colours that the icon stands out against.
#[test]
fn the_metainfo_meets_flathub_s_quality_guidelines() {
    let metainfo = std::fs::read_to_string(file(".metainfo.xml")).expect("readable");
    let summary = between(&metainfo, "<summary>", "</summary>");
    assert!(summary.chars().count() <= 35, "summary too long: {summary}");
    assert!(metainfo.contains("<translation type=\"gettext\">offload</translation>"));
    assert!(metainfo.contains("<url type=\"vcs-browser\">"));
    for control in ["keyboard", "pointing", "touch"] {
        assert!(
            metainfo.contains(&format!("<control>{control}</control>")),
            "{control}"
        );
    }
    let icon = std::fs::read_to_string(data_dir().join("icons").join(format!("{APP_ID}.svg")))
        .expect("the icon");
    const ICON_FILL: &str = "#8ff0a4";
    assert!(icon.contains(ICON_FILL), "the icon's main fill changed");
    for scheme in ["light", "dark"] {
        let colour = between(
            &metainfo,
            &format!("<color type=\"primary\" scheme_preference=\"{scheme}\">"),
            "</color>",
        );
        let ratio = contrast(colour, ICON_FILL);
        assert!(ratio >= 3.0, "{scheme} brand colour {colour}: {ratio:.2}:1");
    }
}

#[test]
fn contrast_is_measured_as_wcag_does() {
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#777777") - 1.0).abs() < 1e-9);
}

/// Cargo, Meson and the metainfo's newest release name the same version.
#[test]
fn every_build_names_the_same_version() {
    let version = env!("CARGO_PKG_VERSION");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let meson = std::fs::read_to_string(root.join("meson.build")).expect("meson.build");
    assert!(
        meson.contains(&format!("version: '{version}'")),
        "meson.build is not at {version}"
    );
    let metainfo = std::fs::read_to_string(file(".metainfo.xml")).expect("readable");
    let newest = between(&metainfo, "<release version=\"", "\"");
    assert_eq!(newest, version, "the metainfo's newest release");
}
