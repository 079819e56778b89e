//! Results are a function of (config, seed): the thread count changes only
//! the run time, never a byte of the output files.

use std::fs;

use crate::util::{effectchain, read_outputs, scenario, TINY};

#[test]
fn output_files_are_byte_identical_for_any_thread_count() {
    let (dir, _) = scenario("tiny.toml", TINY);
    let run = |threads: &str| {
        // Same --out both times: the recorded command line leaves out
        // --threads and --quiet, so every file, manifest included, must match.
        let output = effectchain()
            .current_dir(dir.path())
            .args(["run", "tiny.toml", "--out", "res", "--threads", threads])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        read_outputs(&dir.path().join("res"))
    };
    let one = run("1");
    let three = run("3");
    for ((name, a), (_, b)) in one.iter().zip(&three) {
        assert!(a == b, "{name} differs between --threads 1 and --threads 3");
    }
}

#[test]
fn the_seed_changes_the_results() {
    let (dir, _) = scenario("tiny.toml", TINY);
    let run = |seed: &str, out: &str| {
        let output = effectchain()
            .current_dir(dir.path())
            .args(["run", "tiny.toml", "-r", "2", "--seed", seed, "--out", out])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        fs::read(dir.path().join(out).join("replications.csv")).unwrap()
    };
    assert_ne!(run("1", "a"), run("2", "b"));
}
