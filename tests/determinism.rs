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

/// A chain's stores step in parallel within a replication, and
/// replications are folded in batches of 32 per thread: more replications
/// than one batch, several stores, and still every byte the same.
#[test]
fn chain_outputs_are_byte_identical_for_any_thread_count() {
    let chain = format!("{TINY}\n[chain]\nstores = 3\n");
    let (dir, _) = scenario(
        "chain.toml",
        &chain.replace("replications = 6", "replications = 40"),
    );
    let run = |threads: &str| {
        let output = effectchain()
            .current_dir(dir.path())
            .args([
                "run",
                "chain.toml",
                "--out",
                "res",
                "--no-plots",
                "--threads",
                threads,
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let mut files = read_outputs(&dir.path().join("res"));
        files.push((
            "stores.csv".into(),
            fs::read(dir.path().join("res/stores.csv")).unwrap(),
        ));
        files
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
