//! The Flatpak manifest: `cargo-sources.json` must vendor exactly what `Cargo.lock`
//! locks (regenerate it with flatpak-cargo-generator when this fails), the sandbox gets
//! the minimal permissions and no more, and flatpak-builder accepts the manifest with
//! warnings made fatal (it lets unknown keys through otherwise); the app builds with
//! current GNOME's widgets, for a runtime that has them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use offload_components::APP_ID;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manifest_path() -> PathBuf {
    root().join("flatpak").join(format!("{APP_ID}.json"))
}

/// ("name-version", sha256) of every package from a registry in `Cargo.lock`.
fn locked_crates() -> BTreeSet<(String, String)> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock");
    lock.split("[[package]]")
        .filter_map(|package| {
            let field = |key: &str| {
                package.lines().find_map(|line| {
                    let value = line.strip_prefix(key)?.trim().strip_prefix('=')?.trim();
                    Some(value.trim_matches('"').to_owned())
                })
            };
            let source = field("source")?;
            source
                .starts_with("registry+")
                .then(|| (field("name"), field("version"), field("checksum")))
                .and_then(|(name, version, checksum)| {
                    Some((format!("{}-{}", name?, version?), checksum?))
                })
        })
        .collect()
}

/// ("name-version", sha256) of every crate archive in `cargo-sources.json`.
fn vendored_crates() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(root().join("flatpak/cargo-sources.json"))
        .expect("cargo-sources.json");
    let sources: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    sources
        .as_array()
        .expect("a list of sources")
        .iter()
        .filter(|source| source["type"] == "archive")
        .map(|source| {
            let file = source["url"]
                .as_str()
                .expect("url")
                .rsplit('/')
                .next()
                .expect("a file name");
            let stem = file.strip_suffix(".crate").expect("a .crate file");
            let dest = source["dest"].as_str().expect("dest");
            let name_version = dest.strip_prefix("cargo/vendor/").expect("vendored");
            assert_eq!(stem, name_version, "archive and destination disagree");
            let sha256 = source["sha256"].as_str().expect("sha256").to_owned();
            (name_version.to_owned(), sha256)
        })
        .collect()
}

#[test]
fn cargo_sources_vendor_exactly_the_locked_crates() {
    let locked = locked_crates();
    let vendored = vendored_crates();
    let missing: Vec<_> = locked.difference(&vendored).collect();
    let stale: Vec<_> = vendored.difference(&locked).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "flatpak/cargo-sources.json is out of date; run \
         'flatpak-cargo-generator Cargo.lock -o flatpak/cargo-sources.json'.\n\
         missing: {missing:?}\nstale: {stale:?}"
    );
}

#[test]
fn the_sandbox_gets_the_minimal_permissions() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest_path()).expect("manifest"))
            .expect("JSON");
    assert_eq!(manifest["id"], APP_ID);
    let permissions: Vec<&str> = manifest["finish-args"]
        .as_array()
        .expect("finish-args")
        .iter()
        .map(|arg| arg.as_str().expect("a string"))
        .collect();
    assert_eq!(
        permissions,
        [
            "--socket=wayland",
            "--socket=fallback-x11",
            "--share=ipc",
            "--device=dri"
        ]
    );
}

/// The manifest builds through the Meson build with `gnome_50`, which the package
/// defines, for a GNOME runtime at least that new: the Flatpak gets current libadwaita's
/// widgets.
#[test]
fn the_flatpak_builds_with_current_gnome_widgets_for_a_runtime_that_has_them() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest_path()).expect("manifest"))
            .expect("JSON");
    let module = &manifest["modules"][0];
    assert_eq!(module["buildsystem"], "meson");
    let options = module["config-opts"].as_array().expect("config-opts");
    assert!(
        options.iter().any(|option| option == "-Dfeatures=gnome_50"),
        "{options:?}"
    );
    let cargo_toml = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        cargo_toml.contains("\ngnome_50 = [\"relm4/gnome_50\""),
        "Cargo.toml defines no gnome_50 feature turning on relm4's"
    );
    let runtime: u32 = manifest["runtime-version"]
        .as_str()
        .and_then(|version| version.parse().ok())
        .expect("a GNOME runtime version");
    assert!(
        runtime >= 51,
        "runtime {runtime} is not GNOME's current (see docs/flatpak.md)"
    );
}

#[test]
fn flatpak_builder_accepts_the_manifest_with_warnings_fatal() {
    let output = Command::new("flatpak-builder")
        .arg("--show-manifest")
        .arg(manifest_path())
        // It leaves a .flatpak-builder folder where it runs, even for this: not in the checkout.
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env("G_DEBUG", "fatal-warnings")
        .output()
        .unwrap_or_else(|error| {
            panic!("flatpak-builder is missing ({error}): run scripts/setup test")
        });
    assert!(
        output.status.success(),
        "flatpak-builder refused the manifest: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
