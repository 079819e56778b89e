//! Helpers shared by the integration tests: a tiny fast scenario, a
//! command for the built binary, and readers for its output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A scenario small enough to run in well under a second.
pub const TINY: &str = "\
[simulation]
days = 56
burn_in_min_years = 0
burn_in_max_years = 0
replications = 6

[store]
initial_customers = 500
";

/// The four files of an output folder.
pub const OUTPUT_FILES: [&str; 4] = [
    "summary.json",
    "daily.csv",
    "replications.csv",
    "manifest.json",
];

/// A command running the `effectchain` binary built for these tests.
pub fn effectchain() -> Command {
    assert_cmd::cargo::cargo_bin_cmd!("effectchain")
}

/// A fresh temporary folder holding `name` with contents `text`.
pub fn scenario(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    fs::write(&path, text).expect("the scenario is written");
    (dir, path)
}

/// The bytes of every output file in `out`, in [`OUTPUT_FILES`] order.
pub fn read_outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    OUTPUT_FILES
        .iter()
        .map(|f| {
            let bytes = fs::read(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), bytes)
        })
        .collect()
}

/// Stderr of a finished command, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Stdout of a finished command, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts the command failed with `code` and printed exactly one line
/// `effectchain: error: ...` on stderr containing every needle.
pub fn assert_one_line_error(output: &Output, code: i32, needles: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(err.starts_with("effectchain: error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` missing from: {err}");
    }
}

/// Names of the entries of a folder, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("a readable folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
