//! The minimum Rust version the manifest and README state is the one the
//! locked dependencies need (a cargo-msrv-style check of the manifest
//! against `cargo metadata`, as only one toolchain is at hand in CI).

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

fn version(text: &str) -> (u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().expect("a number"));
    (parts.next().expect("major"), parts.next().unwrap_or(0))
}

/// The highest `rust-version` among the packages the root reaches through
/// dependencies of the given kinds (`None` = normal, or "build", "dev"),
/// on this host's platform.
fn needed(metadata: &serde_json::Value, kinds: &[Option<&str>]) -> ((u64, u64), String) {
    let packages: HashMap<&str, &serde_json::Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("id"), p))
        .collect();
    let nodes: HashMap<&str, &serde_json::Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| (n["id"].as_str().expect("id"), n))
        .collect();
    let root = metadata["resolve"]["root"].as_str().expect("root");
    // The root's own edges of the asked kinds; below it, the edges a
    // package needs to build (normal and build dependencies).
    let mut seen = BTreeSet::new();
    let mut todo = vec![(root, true)];
    while let Some((id, is_root)) = todo.pop() {
        for dep in nodes[id]["deps"].as_array().expect("deps") {
            let wanted = dep["dep_kinds"].as_array().expect("kinds").iter().any(|k| {
                let kind = k["kind"].as_str();
                if is_root {
                    kinds.contains(&kind)
                } else {
                    kind.is_none() || kind == Some("build")
                }
            });
            let pkg = dep["pkg"].as_str().expect("pkg");
            if wanted && seen.insert(pkg) {
                todo.push((pkg, false));
            }
        }
    }
    seen.iter()
        .filter_map(|id| {
            let p = packages[id];
            p["rust_version"]
                .as_str()
                .map(|v| (version(v), p["name"].as_str().unwrap_or("?").to_string()))
        })
        .max()
        .expect("some dependency states its rust-version")
}

#[test]
fn the_stated_minimum_rust_version_is_what_the_lockfile_needs() {
    let host = String::from_utf8(
        Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc runs")
            .stdout,
    )
    .expect("utf-8");
    let host = host
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host");
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");

    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    let stated = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .map(|v| version(v.trim_end_matches('"')))
        .expect("Cargo.toml states rust-version");
    let (build, by) = needed(&metadata, &[None, Some("build")]);
    assert_eq!(
        stated, build,
        "Cargo.toml says rust-version {stated:?}, the locked dependencies need {build:?} ({by})"
    );

    // README states what building and testing need (dev-dependencies too).
    let (test, by) = needed(&metadata, &[None, Some("build"), Some("dev")]);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let phrase = format!("Rust {}.{} or newer", test.0, test.1);
    assert!(
        readme.contains(&phrase),
        "README.md should say \"{phrase}\" (the tests need it: {by})"
    );
}
