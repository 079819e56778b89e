//! Results are a function of (config, seed): the thread count changes only
//! the run time, never a byte of the output files; nor do a sweep's shards,
//! kills and resubmissions.

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

/// What a Slurm array does to a sweep, without Slurm: every task runs
/// `sweep --shard auto/N` with its SLURM_ARRAY_TASK_ID; one is killed
/// mid-run (a cancel, a time limit); then the whole array runs again,
/// unchanged (finished shards exit 0 at once, the killed one continues);
/// the merge equals the unsharded run byte for byte.
#[test]
fn a_killed_and_resubmitted_shard_array_merges_to_the_unsharded_bytes() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    // Slow enough per point (one thread) to be killed between points.
    let (dir, _) = scenario(
        "base.toml",
        &TINY
            .replace("days = 56", "days = 364")
            .replace("initial_customers = 500", "initial_customers = 1500"),
    );
    let d = dir.path();
    fs::write(
        d.join("s.toml"),
        "base = \"base.toml\"\nreplications = 2\nkpis = [\"profit\"]\n\
         [parameters.\"policy.latitude\"]\nfrom = 0.0\nto = 1.0\nsteps = 24\n\
         [baseline]\n\"policy.latitude\" = 0.2\n",
    )
    .unwrap();
    let sweep = |args: &[&str], task: Option<&str>| {
        let mut cmd = effectchain();
        cmd.current_dir(d)
            .args(["sweep", "s.toml", "-q", "--no-plots"])
            .args(args)
            .env_remove("SLURM_ARRAY_TASK_ID");
        if let Some(t) = task {
            cmd.env("SLURM_ARRAY_TASK_ID", t);
        }
        let output = cmd.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    sweep(&["-o", "whole"], None);
    let task_out = |i: u32| format!("arr/shard-{i}-of-3");
    // Task 2 killed after its first rows.
    let killed = d.join(task_out(2));
    let mut child = Command::new(env!("CARGO_BIN_EXE_effectchain"))
        .current_dir(d)
        .args([
            "sweep",
            "s.toml",
            "-q",
            "--no-plots",
            "-j",
            "1",
            "--shard",
            "auto/3",
        ])
        .args(["-o", &task_out(2)])
        .env("SLURM_ARRAY_TASK_ID", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = killed.join("points.partial.csv");
    let start = Instant::now();
    while fs::read_to_string(&partial).map_or(0, |t| t.lines().count()) < 3
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let rows = fs::read_to_string(&partial).unwrap().lines().count() - 1;
    assert!((2..8).contains(&rows), "killed after {rows} of 8 rows");
    for i in [1, 3] {
        sweep(
            &["--shard", "auto/3", "-o", &task_out(i)],
            Some(&i.to_string()),
        );
    }
    // The whole array again, unchanged.
    for i in 1..=3 {
        let report = sweep(
            &["--shard", "auto/3", "-o", &task_out(i)],
            Some(&i.to_string()),
        );
        if i == 2 {
            assert!(report.contains(&format!("{rows} resumed")), "{report}");
        } else {
            assert!(report.contains("already finished"), "{report}");
        }
    }
    let merged = effectchain()
        .current_dir(d)
        .args(["merge", "arr", "--no-plots", "-o", "merged"])
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    for f in ["points.csv", "manifest.json"] {
        assert!(
            fs::read(d.join("whole").join(f)).unwrap()
                == fs::read(d.join("merged").join(f)).unwrap(),
            "{f} of the merged array differs from the unsharded run's"
        );
    }
}

#[test]
fn slurm_cpus_per_task_is_read_as_the_default_thread_count() {
    let (dir, _) = scenario("tiny.toml", TINY);
    let output = effectchain()
        .current_dir(dir.path())
        .args(["run", "tiny.toml", "-q", "--no-plots", "-o", "res"])
        .env("SLURM_CPUS_PER_TASK", "many")
        .output()
        .unwrap();
    crate::util::assert_one_line_error(&output, 2, &["SLURM_CPUS_PER_TASK is `many`", "--threads"]);
    // --threads wins over it; a valid value runs.
    for extra in [&["-j", "1"][..], &[][..]] {
        let ok = effectchain()
            .current_dir(dir.path())
            .args(["run", "tiny.toml", "-q", "--no-plots", "-o", "res"])
            .args(extra)
            .env(
                "SLURM_CPUS_PER_TASK",
                if extra.is_empty() { "1" } else { "many" },
            )
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    }
}
