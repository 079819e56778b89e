//! Results are a function of (config, seed): the thread count changes only
//! the run time, never a byte of the output files; nor do a sweep's shards,
//! kills and resubmissions.

use std::fs;
use std::time::{Duration, Instant};

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
/// Kills a running sweep once its `points.partial.csv` has `lines` lines
/// (header included; at most a minute), and returns the lines it left.
fn kill_at_lines(mut child: std::process::Child, partial: &std::path::Path, lines: usize) -> usize {
    let start = Instant::now();
    while fs::read_to_string(partial).map_or(0, |t| t.lines().count()) < lines
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    fs::read_to_string(partial).unwrap().lines().count()
}

#[test]
fn a_killed_and_resubmitted_shard_array_merges_to_the_unsharded_bytes() {
    use std::process::{Command, Stdio};

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
    let child = Command::new(env!("CARGO_BIN_EXE_effectchain"))
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
    let rows = kill_at_lines(child, &killed.join("points.partial.csv"), 3) - 1;
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

/// TINY with a year of burn-in, shared (`simulation.shared_burn_in`).
fn shared(text: &str) -> String {
    text.replace("burn_in_max_years = 0", "burn_in_max_years = 1")
        .replace("[simulation]\n", "[simulation]\nshared_burn_in = true\n")
}

/// The bytes of `res/` after `effectchain ARGS`, which must succeed.
fn outputs_of(dir: &std::path::Path, args: &[&str], files: &[&str]) -> Vec<(String, Vec<u8>)> {
    let output = effectchain().current_dir(dir).args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let out = dir.join(args[args.iter().position(|a| *a == "--out").unwrap() + 1]);
    files
        .iter()
        .map(|f| (f.to_string(), fs::read(out.join(f)).unwrap()))
        .collect()
}

/// With a shared burn-in the stores' state is made once and copied into
/// every replication (and every replication's stores step in parallel):
/// still every byte the same on 1 and 3 threads, for a chain of 3 stores
/// over more replications than one batch.
#[test]
fn shared_burn_in_outputs_are_byte_identical_for_any_thread_count() {
    let chain = format!("{}\n[chain]\nstores = 3\n", shared(TINY));
    let (dir, _) = scenario(
        "chain.toml",
        &chain.replace("replications = 6", "replications = 40"),
    );
    let files = [
        "summary.json",
        "daily.csv",
        "replications.csv",
        "manifest.json",
        "stores.csv",
    ];
    let run = |threads: &str| {
        outputs_of(
            dir.path(),
            &[
                "run",
                "chain.toml",
                "--out",
                "res",
                "--no-plots",
                "-j",
                threads,
            ],
            &files,
        )
    };
    let one = run("1");
    let three = run("3");
    for ((name, a), (_, b)) in one.iter().zip(&three) {
        assert!(a == b, "{name} differs between --threads 1 and --threads 3");
    }
    // The stores' drawn profiles are the shared chain's in every
    // replication; their KPIs are not.
    let stores = String::from_utf8_lossy(&one[4].1).into_owned();
    let rows: Vec<Vec<&str>> = stores
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 40 * 3);
    let drivers = 2..9;
    for row in &rows {
        let first = &rows[row[1].parse::<usize>().unwrap()];
        assert_eq!(row[drivers.clone()], first[drivers.clone()], "{row:?}");
    }
    assert_ne!(rows[0][9..], rows[3][9..], "replications 0 and 1 alike");
}

/// The shared burn-in is replication 0's own, so replication 0 is the one
/// made without sharing; every other replication starts from that state
/// but draws its own streams, so no two replications are alike and none
/// is the unshared one. The summary and manifest say the burn-in was
/// shared, and say nothing of it when it was not.
#[test]
fn a_shared_burn_in_is_replication_0_s_and_each_replication_draws_its_own() {
    let (dir, _) = scenario(
        "own.toml",
        &shared(TINY).replace("shared_burn_in = true\n", ""),
    );
    fs::write(dir.path().join("shared.toml"), shared(TINY)).unwrap();
    let files = ["replications.csv", "summary.json", "manifest.json"];
    let own = outputs_of(
        dir.path(),
        &["run", "own.toml", "--out", "own", "--no-plots"],
        &files,
    );
    let one = outputs_of(
        dir.path(),
        &["run", "shared.toml", "--out", "shared", "--no-plots"],
        &files,
    );
    let rows = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .lines()
            .skip(1)
            .map(|l| l.split_once(',').unwrap().1.to_string())
            .collect()
    };
    let (own_rows, shared_rows) = (rows(&own[0].1), rows(&one[0].1));
    assert_eq!(own_rows.len(), 6);
    assert_eq!(shared_rows.len(), 6);
    assert_eq!(own_rows[0], shared_rows[0], "replication 0 differs");
    for k in 1..6 {
        assert_ne!(own_rows[k], shared_rows[k], "replication {k} is unshared");
        for j in 0..k {
            assert_ne!(shared_rows[j], shared_rows[k], "replications {j} and {k}");
        }
    }
    let json = |bytes: &[u8]| -> serde_json::Value { serde_json::from_slice(bytes).unwrap() };
    let (own_summary, shared_summary) = (json(&own[1].1), json(&one[1].1));
    assert!(own_summary["meta"]["burn_in"].get("shared").is_none());
    let design = shared_summary["meta"]["burn_in"]["shared"]
        .as_str()
        .unwrap();
    assert!(design.contains("replication 0"), "{design}");
    assert_eq!(json(&one[2].1)["shared_burn_in"].as_str(), Some(design));
    assert!(json(&own[2].1).get("shared_burn_in").is_none());
    // One burn-in for all: every replication reports the same one.
    let days = shared_summary["meta"]["burn_in"]["mean_days"]
        .as_f64()
        .unwrap();
    assert_eq!(
        shared_summary["meta"]["burn_in"]["max_days"].as_f64(),
        Some(days)
    );
    assert!(days > 0.0);
}

/// `compare` with A's shared burn-in: one settled state copied per pair,
/// re-keyed, then both arms fork from it as without sharing. Every file
/// the same on 1 and 3 threads; identical policies differ by nothing; the
/// comparison says the burn-in was shared.
#[test]
fn a_compare_with_a_shared_burn_in_is_byte_identical_for_any_thread_count() {
    let a = shared(TINY);
    let (dir, _) = scenario("a.toml", &a);
    fs::write(
        dir.path().join("b.toml"),
        format!("{a}\n[policy]\nlatitude = 0.8\n"),
    )
    .unwrap();
    let files = [
        "comparison.json",
        "comparison.csv",
        "daily-a.csv",
        "daily-b.csv",
        "manifest.json",
    ];
    let run = |b: &str, threads: &str| {
        outputs_of(
            dir.path(),
            &[
                "compare",
                "a.toml",
                b,
                "-r",
                "40",
                "--out",
                "res",
                "--no-plots",
                "-j",
                threads,
            ],
            &files,
        )
    };
    let one = run("b.toml", "1");
    let three = run("b.toml", "3");
    for ((name, x), (_, y)) in one.iter().zip(&three) {
        assert!(x == y, "{name} differs between --threads 1 and --threads 3");
    }
    let c: serde_json::Value = serde_json::from_slice(&one[0].1).unwrap();
    assert!(c["meta"]["shared_burn_in"].is_string(), "{}", c["meta"]);
    assert_ne!(c["profit_difference"]["mean"].as_f64(), Some(0.0));
    let same = run("a.toml", "2");
    let c: serde_json::Value = serde_json::from_slice(&same[0].1).unwrap();
    assert_eq!(c["profit_difference"]["mean"].as_f64(), Some(0.0));
    assert_eq!(c["profit_difference"]["sd"].as_f64(), Some(0.0));
}

/// A sweep whose base has a shared burn-in makes one per point config
/// (and baseline) in each shard: the whole sweep, its shards merged and a
/// killed-and-resumed run give the same bytes, and differ from the sweep
/// without sharing.
#[test]
fn a_sweep_with_a_shared_burn_in_is_the_same_whole_sharded_and_resumed() {
    use std::process::{Command, Stdio};

    let base = shared(
        &TINY
            .replace("days = 56", "days = 364")
            .replace("initial_customers = 500", "initial_customers = 1500"),
    );
    let (dir, _) = scenario("base.toml", &base);
    let d = dir.path();
    fs::write(
        d.join("own.toml"),
        base.replace("shared_burn_in = true\n", ""),
    )
    .unwrap();
    let sweep_file = |base: &str| {
        format!(
            "base = \"{base}\"\nreplications = 2\nkpis = [\"profit\"]\n\
             [parameters.\"policy.latitude\"]\nfrom = 0.0\nto = 1.0\nsteps = 8\n\
             [baseline]\n\"policy.latitude\" = 0.2\n"
        )
    };
    fs::write(d.join("s.toml"), sweep_file("base.toml")).unwrap();
    fs::write(d.join("own-s.toml"), sweep_file("own.toml")).unwrap();
    let sweep = |file: &str, args: &[&str]| {
        let output = effectchain()
            .current_dir(d)
            .args(["sweep", file, "-q", "--no-plots"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    sweep("s.toml", &["-o", "whole", "-j", "2"]);
    sweep("own-s.toml", &["-o", "own", "-j", "2"]);
    for i in 1..=2 {
        sweep(
            "s.toml",
            &[
                "--shard",
                &format!("{i}/2"),
                "-o",
                &format!("sh/shard-{i}-of-2"),
            ],
        );
    }
    let merged = effectchain()
        .current_dir(d)
        .args(["merge", "sh", "--no-plots", "-o", "merged"])
        .output()
        .unwrap();
    assert!(merged.status.success(), "{merged:?}");
    // Killed after its first rows, then the same command again.
    let child = Command::new(env!("CARGO_BIN_EXE_effectchain"))
        .current_dir(d)
        .args([
            "sweep",
            "s.toml",
            "-q",
            "--no-plots",
            "-j",
            "1",
            "-o",
            "killed",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    kill_at_lines(child, &d.join("killed/points.partial.csv"), 2);
    sweep("s.toml", &["-o", "killed", "-j", "2"]);
    let points = |out: &str| fs::read(d.join(out).join("points.csv")).unwrap();
    assert!(points("whole") == points("merged"), "merged shards differ");
    assert!(
        points("whole") == points("killed"),
        "the resumed run differs"
    );
    assert!(points("whole") != points("own"), "sharing changed nothing");
}
