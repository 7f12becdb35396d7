//! `rust-version` says the truth: it is the newest Rust that a locked dependency built
//! here needs (so the oldest Rust that builds Offload), as `cargo metadata` reads their
//! manifests.

use std::process::Command;

fn version(text: &str) -> Vec<u32> {
    text.split('.')
        .map(|part| part.parse().expect("a version number"))
        .collect()
}

/// The triple Offload is built for here: dependencies for other platforms (macOS,
/// Windows) are neither built nor downloaded.
fn host() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc names its host")
        .to_owned()
}

#[test]
fn rust_version_is_the_newest_any_locked_dependency_needs() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|member| member.as_str())
        .collect();
    let resolved: Vec<&str> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolved dependencies")
        .iter()
        .filter_map(|node| node["id"].as_str())
        .collect();
    let packages = metadata["packages"].as_array().expect("packages");
    let needed = packages
        .iter()
        .filter(|package| {
            let id = package["id"].as_str().unwrap_or_default();
            resolved.contains(&id) && !members.contains(&id)
        })
        .filter_map(|package| {
            let rust = package["rust_version"].as_str()?;
            Some((version(rust), package["name"].as_str().unwrap_or("?")))
        })
        .max()
        .expect("some dependency states its rust-version");
    let ours: Vec<Vec<u32>> = packages
        .iter()
        .filter(|package| members.contains(&package["id"].as_str().unwrap_or_default()))
        .map(|package| version(package["rust_version"].as_str().expect("ours is set")))
        .collect();
    for declared in ours {
        assert_eq!(
            declared, needed.0,
            "rust-version in Cargo.toml must be what {} needs",
            needed.1
        );
    }
}
