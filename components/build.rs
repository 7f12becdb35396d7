//! Compiles the GSettings schema next to the build, so that `cargo run` finds it without
//! installing anything system-wide (installed builds use the system's schema directory).

use std::path::PathBuf;
use std::process::Command;

const SCHEMA: &str = "../flatpak/io.github.offload.Offload.gschema.xml";

fn main() {
    println!("cargo:rerun-if-changed={SCHEMA}");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("schemas");
    std::fs::create_dir_all(&out).expect("OUT_DIR is writable");
    std::fs::copy(SCHEMA, out.join("io.github.offload.Offload.gschema.xml"))
        .expect("the schema is readable");
    let status = Command::new("glib-compile-schemas")
        .arg("--strict")
        .arg(&out)
        .status()
        .expect("glib-compile-schemas runs (Debian: libglib2.0-bin, pulled in by libgtk-4-dev)");
    assert!(status.success(), "the GSettings schema does not compile");
    println!("cargo:rustc-env=OFFLOAD_BUILD_SCHEMA_DIR={}", out.display());
}
