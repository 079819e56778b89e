//! `compare`, `sweep`, `merge` and `check` end to end: common random
//! numbers, determinism across threads, shards and resumes (including a
//! sweep killed with SIGKILL), and golden regression checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::util::{assert_one_line_error, effectchain, stdout};

/// A small store: fast enough for many runs, big enough to show effects.
const SMALL: &str = "\
[simulation]
days = 70
burn_in_min_years = 0
burn_in_max_years = 0
replications = 6

[store]
initial_customers = 1500

[market]
households = 20000

[policy]
staff = 3
";

/// A folder holding `base.toml` (SMALL) and returns it with its path.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::write(dir.path().join("base.toml"), SMALL).expect("base written");
    let root = dir.path().to_path_buf();
    (dir, root)
}

/// Writes a one-parameter latitude sweep of `steps` points with a baseline.
fn latitude_sweep(root: &Path, name: &str, steps: u32, replications: u32) -> PathBuf {
    let path = root.join(name);
    fs::write(
        &path,
        format!(
            "base = \"base.toml\"\nreplications = {replications}\nkpis = [\"profit\", \"mean_happiness\"]\n\
             [parameters.\"policy.latitude\"]\nfrom = 0.0\nto = 1.0\nsteps = {steps}\n\
             [baseline]\n\"policy.latitude\" = 0.2\n"
        ),
    )
    .expect("sweep written");
    path
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    effectchain()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--no-plots"])
        .args(extra)
        .output()
        .expect("runs")
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn compare_reports_paired_differences_that_add_up() {
    let (_dir, root) = workspace();
    fs::write(root.join("b.toml"), format!("{SMALL}latitude = 0.8\n")).unwrap();
    let out = root.join("cmp");
    let output = effectchain()
        .args(["compare", "--quiet", "--no-plots", "-r", "8", "--out"])
        .arg(&out)
        .arg(root.join("base.toml"))
        .arg(root.join("b.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    assert!(text.contains("Verdict: Once both have settled"), "{text}");
    let json: serde_json::Value =
        serde_json::from_slice(&read(&out.join("comparison.json"))).unwrap();
    let total = json["profit_difference"]["mean"].as_f64().unwrap();
    let parts: f64 = json["mechanisms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mean"].as_f64().unwrap())
        .sum();
    assert!(
        (parts - total).abs() <= 1e-6 * total.abs().max(1.0),
        "{parts} vs {total}"
    );
    assert_ne!(total, 0.0);
    for f in [
        "comparison.csv",
        "cumulative-difference.csv",
        "daily-a.csv",
        "daily-b.csv",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The analysis of the switch: the years add up to the total, and the
    // terminal shows it.
    let years: f64 = json["by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["mean"].as_f64().unwrap())
        .sum();
    let after = json["total_after_switch"]["mean"].as_f64().unwrap();
    assert!((years - after).abs() <= 1e-6 * after.abs().max(1.0));
    assert!(json["payback"]["pays_within_horizon"].is_boolean());
    assert_eq!(json["npv"]["unit"], "EUR");
    assert!(json["verdict_basis"].as_str().unwrap().contains("long_run"));
    assert!(
        text.contains("payback day") && text.contains("NPV at"),
        "{text}"
    );
}

#[test]
fn compare_is_identical_across_thread_counts() {
    let (_dir, root) = workspace();
    fs::write(root.join("b.toml"), format!("{SMALL}latitude = 0.8\n")).unwrap();
    let run = |out: &Path, threads: &str| {
        let output = effectchain()
            .args([
                "compare",
                "--quiet",
                "--no-plots",
                "-r",
                "5",
                "-j",
                threads,
                "--out",
            ])
            .arg(out)
            .arg(root.join("base.toml"))
            .arg(root.join("b.toml"))
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    };
    let (a, b) = (root.join("one"), root.join("three"));
    run(&a, "1");
    run(&b, "3");
    for f in [
        "comparison.json",
        "comparison.csv",
        "cumulative-difference.csv",
        "daily-a.csv",
        "daily-b.csv",
    ] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
}

#[test]
fn sweep_is_identical_across_thread_counts() {
    let (_dir, root) = workspace();
    let file = latitude_sweep(&root, "s.toml", 4, 3);
    let (a, b) = (root.join("a"), root.join("b"));
    assert!(sweep(&file, &a, &["-j", "1"]).status.success());
    assert!(sweep(&file, &b, &["-j", "3"]).status.success());
    for f in ["points.csv", "manifest.json", "breakeven.json"] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    let points = String::from_utf8(read(&a.join("points.csv"))).unwrap();
    assert_eq!(points.lines().count(), 5);
    assert!(
        points.starts_with("point_id,policy.latitude,profit_mean,"),
        "{points}"
    );
    assert!(!a.join("points.partial.csv").exists());
}

#[test]
fn killed_sweep_resumes_to_the_same_bytes() {
    let (_dir, root) = workspace();
    let file = latitude_sweep(&root, "s.toml", 30, 2);
    let whole = root.join("whole");
    assert!(sweep(&file, &whole, &["-j", "2"]).status.success());

    let out = root.join("killed");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_effectchain"))
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--no-plots", "-j", "1"])
        .spawn()
        .unwrap();
    // Wait for some, not all, points to be written, then SIGKILL.
    let partial = out.join("points.partial.csv");
    let start = Instant::now();
    loop {
        let rows = fs::read_to_string(&partial).map_or(0, |t| t.lines().count().saturating_sub(1));
        if rows >= 3 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let rows_before = fs::read_to_string(&partial).unwrap().lines().count() - 1;
    assert!(
        (3..30).contains(&rows_before),
        "killed after {rows_before} rows"
    );
    // A power cut can also tear the last row: resume must drop it.
    let mut text = fs::read_to_string(&partial).unwrap();
    text.push_str("29,1,12");
    fs::write(&partial, text).unwrap();

    // The same command again continues the interrupted run (what a
    // requeued or preempted job replays); --resume is not needed.
    let resumed = sweep(&file, &out, &["-j", "2"]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let report = stdout(&resumed);
    assert!(
        report.contains(&format!("{} resumed", rows_before)),
        "{report}"
    );
    for f in ["points.csv", "manifest.json", "breakeven.json"] {
        assert_eq!(read(&whole.join(f)), read(&out.join(f)), "{f}");
    }
    // Finished: running it again (with or without --resume) exits 0 and
    // touches nothing.
    let before = fs::metadata(out.join("points.csv"))
        .unwrap()
        .modified()
        .unwrap();
    for extra in [&[][..], &["--resume"][..]] {
        let again = sweep(&file, &out, extra);
        assert!(
            again.status.success(),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
        assert!(
            stdout(&again).contains("already finished"),
            "{}",
            stdout(&again)
        );
    }
    let after = fs::metadata(out.join("points.csv"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
    // --fresh runs it again, to the same bytes.
    let fresh = sweep(&file, &out, &["--fresh"]);
    assert!(
        stdout(&fresh).contains("30 run now, 0 resumed"),
        "{}",
        stdout(&fresh)
    );
    assert_eq!(
        read(&whole.join("points.csv")),
        read(&out.join("points.csv"))
    );
    // --resume where there is nothing of this sweep's is an error.
    let nothing = sweep(&file, &root.join("never-ran"), &["--resume"]);
    assert_one_line_error(
        &nothing,
        2,
        &["never-ran", "nothing to resume", "without --resume"],
    );
    assert!(!root.join("never-ran").exists());
    let both = sweep(&file, &out, &["--resume", "--fresh"]);
    assert_one_line_error(&both, 2, &["--fresh"]);
}

#[test]
fn a_folder_of_another_shard_or_sweep_is_refused() {
    let (_dir, root) = workspace();
    let file = latitude_sweep(&root, "s.toml", 6, 1);
    let one = root.join("shard-1-of-3");
    assert!(sweep(&file, &one, &["--shard", "1/3"]).status.success());
    let points = read(&one.join("points.csv"));
    // Shard 2 given shard 1's folder: refused, shard 1 kept.
    let other = sweep(&file, &one, &["--shard", "2/3"]);
    assert_one_line_error(
        &other,
        2,
        &[
            "holds a finished run of shard 1/3 of this sweep, not of shard 2/3",
            "shard-2-of-3",
        ],
    );
    assert_eq!(read(&one.join("points.csv")), points);
    // --fresh is the explicit choice to discard it.
    let fresh = sweep(&file, &one, &["--shard", "2/3", "--fresh"]);
    assert!(fresh.status.success(), "{}", stderr_of(&fresh));
    assert_ne!(read(&one.join("points.csv")), points);
    // Another sweep (one more replication) in a sweep folder: refused,
    // naming what differs.
    let whole = root.join("whole");
    assert!(sweep(&file, &whole, &[]).status.success());
    let kept = read(&whole.join("points.csv"));
    let more = latitude_sweep(&root, "s.toml", 6, 2);
    let refused = sweep(&more, &whole, &[]);
    assert_one_line_error(
        &refused,
        2,
        &[
            "another sweep",
            "replications (1 in the folder, 2 now)",
            "--fresh",
        ],
    );
    assert_eq!(read(&whole.join("points.csv")), kept);
    // A shard count above the number of points would leave shards empty.
    let empty = sweep(&more, &root.join("e"), &["--shard", "1/7"]);
    assert_one_line_error(&empty, 2, &["--shard", "6 points", "at most 6 shards"]);
    assert!(!root.join("e").exists());
}

#[test]
fn shard_auto_takes_the_slurm_task_id() {
    let (_dir, root) = workspace();
    let file = latitude_sweep(&root, "s.toml", 5, 1);
    let run = |task: Option<&str>, out: &Path| {
        let mut cmd = effectchain();
        cmd.arg("sweep")
            .arg(&file)
            .args(["--shard", "auto/2", "-q", "--no-plots", "--out"])
            .arg(out)
            .env_remove("SLURM_ARRAY_TASK_ID");
        if let Some(t) = task {
            cmd.env("SLURM_ARRAY_TASK_ID", t);
        }
        cmd.output().unwrap()
    };
    let auto = root.join("auto");
    let ok = run(Some("2"), &auto);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let explicit = root.join("explicit");
    assert!(sweep(&file, &explicit, &["--shard", "2/2"])
        .status
        .success());
    assert_eq!(
        read(&auto.join("points.csv")),
        read(&explicit.join("points.csv"))
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&auto.join("manifest.json"))).unwrap();
    assert_eq!(manifest["shard"], serde_json::json!([2, 2]));
    assert_eq!(manifest["shard_from"], "SLURM_ARRAY_TASK_ID");
    assert_eq!(manifest["command_line"][4], "2/2");
    assert_one_line_error(
        &run(None, &root.join("x")),
        2,
        &["--shard", "SLURM_ARRAY_TASK_ID, which is not set", "1/2"],
    );
    assert_one_line_error(
        &run(Some("3"), &root.join("x")),
        2,
        &["SLURM_ARRAY_TASK_ID is `3`", "from 1 to 2", "--array=1-2"],
    );
    assert!(!root.join("x").exists());
}

#[test]
fn manifests_describe_the_sweep_and_ignore_its_paths() {
    let (_dir, root) = workspace();
    let file = latitude_sweep(&root, "s.toml", 3, 1);
    let out = root.join("o");
    assert!(sweep(&file, &out, &[]).status.success());
    let m: serde_json::Value = serde_json::from_slice(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(m["tool"], "effectchain");
    assert!(m["rng"].as_str().unwrap().contains("xoshiro256++"));
    assert_eq!(m["command_line"][1], "sweep");
    assert_eq!(m["sweep_text"], String::from_utf8(read(&file)).unwrap());
    assert_eq!(m["base_config"], "base.toml");
    assert_eq!(m["base_config_text"], SMALL);
    assert_eq!(
        m["kpi_units"][0],
        serde_json::json!({"name": "profit", "unit": "EUR"})
    );
    // The same sweep from another folder, its base named by another path
    // (and a comment added), is the same sweep: it resumes, not refuses.
    fs::create_dir(root.join("sub")).unwrap();
    let moved = root.join("sub/s.toml");
    let text = String::from_utf8(read(&file)).unwrap();
    fs::write(
        &moved,
        format!(
            "# moved\n{}",
            text.replace("\"base.toml\"", "\"../base.toml\"")
        ),
    )
    .unwrap();
    let again = sweep(&moved, &out, &[]);
    assert!(
        stdout(&again).contains("already finished"),
        "{}",
        stderr_of(&again)
    );
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn merged_shards_equal_the_whole_sweep() {
    let (_dir, root) = workspace();
    let file = latitude_sweep(&root, "s.toml", 7, 2);
    let whole = root.join("whole");
    assert!(sweep(&file, &whole, &[]).status.success());
    let shards: Vec<PathBuf> = (1..=3)
        .map(|i| root.join(format!("sh/shard-{i}-of-3")))
        .collect();
    for (i, dir) in shards.iter().enumerate() {
        let s = format!("{}/3", i + 1);
        assert!(sweep(&file, dir, &["--shard", &s]).status.success());
    }
    let merged = root.join("merged");
    let ok = effectchain()
        .args(["merge", "--no-plots", "--sweep"])
        .arg(&file)
        .arg("--out")
        .arg(&merged)
        .args(&shards)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for f in ["points.csv", "manifest.json", "breakeven.json"] {
        assert_eq!(read(&whole.join(f)), read(&merged.join(f)), "{f}");
    }

    // The parent folder stands for the shard folders in it; merged there
    // (the default), it is the same again.
    let ok = effectchain()
        .args(["merge", "--no-plots", "--sweep"])
        .arg(&file)
        .arg(root.join("sh"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for f in ["points.csv", "manifest.json", "breakeven.json"] {
        assert_eq!(read(&whole.join(f)), read(&root.join("sh").join(f)), "{f}");
    }

    let missing = effectchain()
        .args(["merge", "--no-plots", "--out"])
        .arg(root.join("m2"))
        .args(&shards[..2])
        .output()
        .unwrap();
    assert_one_line_error(
        &missing,
        2,
        &[
            "the 2 shard folders in `",
            "hold shards 1-2 of the 3 of sweep `s.toml`; missing: 3",
            "--shard 3/3",
            "--array=3",
        ],
    );
    assert!(!root.join("m2").exists());

    let duplicate = effectchain()
        .args(["merge", "--no-plots", "--out"])
        .arg(root.join("m3"))
        .args([&shards[0], &shards[0], &shards[1], &shards[2]])
        .output()
        .unwrap();
    assert_one_line_error(&duplicate, 2, &["duplicates shard 1/3"]);

    // A shard of another sweep (one more replication) is foreign.
    let other = latitude_sweep(&root, "other.toml", 7, 3);
    let foreign = root.join("foreign/shard-3-of-3");
    assert!(sweep(&other, &foreign, &["--shard", "3/3"])
        .status
        .success());
    let mixed = effectchain()
        .args(["merge", "--no-plots", "--out"])
        .arg(root.join("m4"))
        .args([&shards[0], &shards[1], &foreign])
        .output()
        .unwrap();
    assert_one_line_error(
        &mixed,
        2,
        &[
            "is not a shard of the same sweep",
            "replications (3 in `",
            "2 in `",
        ],
    );
    // Shards of another split of the same sweep: the count is named, and
    // the fingerprints (equal) are not shown as if they differed.
    let split = root.join("split/shard-2-of-2");
    assert!(sweep(&file, &split, &["--shard", "2/2"]).status.success());
    let counts = effectchain()
        .args(["merge", "--no-plots", "--out"])
        .arg(root.join("m5"))
        .args([&shards[0], &split])
        .output()
        .unwrap();
    assert_one_line_error(&counts, 2, &["the shard count (2 in `", "3 in `"]);
    assert!(!crate::util::stderr(&counts).contains("fingerprint"));
    // --sweep of another sweep: named.
    let wrong = effectchain()
        .args(["merge", "--no-plots", "--sweep"])
        .arg(&other)
        .arg("--out")
        .arg(root.join("m6"))
        .args(&shards)
        .output()
        .unwrap();
    assert_one_line_error(
        &wrong,
        2,
        &[
            "other.toml",
            "is not the sweep these shards ran",
            "replications",
        ],
    );
}

#[test]
fn merge_status_lists_shards_and_the_array_to_resubmit() {
    let (_dir, root) = workspace();
    let file = latitude_sweep(&root, "s.toml", 9, 1);
    let set = root.join("set");
    for i in [1, 3] {
        let s = format!("{i}/4");
        let dir = set.join(format!("shard-{i}-of-4"));
        assert!(sweep(&file, &dir, &["--shard", &s]).status.success());
    }
    // Shard 2 interrupted: one of its two points done, then killed
    // (its partial file as a kill leaves it).
    let two = set.join("shard-2-of-4");
    assert!(sweep(&file, &two, &["--shard", "2/4"]).status.success());
    let points = String::from_utf8(read(&two.join("points.csv"))).unwrap();
    let mut lines = points.lines();
    let partial = format!("{}\n{}\n", lines.next().unwrap(), lines.next().unwrap());
    let manifest = read(&two.join("manifest.json"));
    fs::write(two.join("points.partial.csv"), partial).unwrap();
    fs::write(two.join("sweep-state.json"), &manifest).unwrap();
    for f in ["points.csv", "manifest.json"] {
        fs::remove_file(two.join(f)).unwrap();
    }
    let status = effectchain()
        .args(["merge", "--status"])
        .arg(&set)
        .output()
        .unwrap();
    assert_one_line_error(
        &status,
        1,
        &["2 of 4 shards are not finished (--array=2,4)"],
    );
    let table = stdout(&status);
    assert!(table.contains("shard 1/4    finished"), "{table}");
    assert!(
        table.contains("shard 2/4    interrupted") && table.contains("(1 of 2 points done)"),
        "{table}"
    );
    assert!(table.contains("shard 4/4    missing"), "{table}");
    assert!(table.contains("--array=2,4"), "{table}");
    // Merge names the interrupted one.
    let merge = effectchain().arg("merge").arg(&set).output().unwrap();
    assert_one_line_error(
        &merge,
        2,
        &["shard-2-of-4", "interrupted shard (1 of 2 points done)"],
    );
    // Run the rest (shard 2 continues by itself), then all are finished.
    for i in [2, 4] {
        let s = format!("{i}/4");
        let dir = set.join(format!("shard-{i}-of-4"));
        let ok = sweep(&file, &dir, &["--shard", &s]);
        assert!(ok.status.success(), "{}", stderr_of(&ok));
    }
    let status = effectchain()
        .args(["merge", "--status"])
        .arg(&set)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", stderr_of(&status));
    assert!(
        stdout(&status).contains("All 4 shards are finished"),
        "{}",
        stdout(&status)
    );
    // A folder holding no shard is refused.
    let none = effectchain()
        .args(["merge", "--status"])
        .arg(&root)
        .output()
        .unwrap();
    assert_one_line_error(&none, 2, &["is not a shard folder and holds none"]);
}

#[test]
fn bad_sweep_files_are_one_line_errors() {
    let (_dir, root) = workspace();
    let file = root.join("bad.toml");
    fs::write(
        &file,
        "base = \"base.toml\"\nreplications = 2\n[parameters.\"policy.latitud\"]\nvalues = [0.1]\n",
    )
    .unwrap();
    assert_one_line_error(
        &sweep(&file, &root.join("o"), &[]),
        2,
        &["bad.toml", "policy.latitud"],
    );
    fs::write(&file, "base = \"base.toml\"\nreplications = 2\n[parameters.\"policy.latitude\"]\nvalues = [1.5]\n").unwrap();
    assert_one_line_error(
        &sweep(&file, &root.join("o"), &[]),
        2,
        &["policy.latitude", "from 0 to 1"],
    );
    let good = latitude_sweep(&root, "good.toml", 2, 1);
    assert_one_line_error(
        &sweep(&good, &root.join("o"), &["-j", "0"]),
        2,
        &["--threads"],
    );
    assert!(!root.join("o").exists());
}

#[test]
fn check_passes_blessed_goldens_and_reports_mismatches() {
    let (_dir, root) = workspace();
    let golden = root.join("golden");
    fs::create_dir(&golden).unwrap();
    fs::write(
        golden.join("small.toml"),
        "config = \"../base.toml\"\nseed = 5\nreplications = 3\nmode = \"exact\"\n",
    )
    .unwrap();
    let unblessed = effectchain().arg("check").arg(&golden).output().unwrap();
    assert_one_line_error(&unblessed, 2, &["no expected KPIs", "--bless"]);
    assert!(effectchain()
        .arg("check")
        .arg(&golden)
        .arg("--bless")
        .output()
        .unwrap()
        .status
        .success());
    let ok = effectchain().arg("check").arg(&golden).output().unwrap();
    assert!(ok.status.success(), "{}", stdout(&ok));

    // An unintended model change: the base config now differs.
    fs::write(root.join("base.toml"), format!("{SMALL}latitude = 0.3\n")).unwrap();
    let changed = effectchain().arg("check").arg(&golden).output().unwrap();
    assert_eq!(changed.status.code(), Some(1));
    let table = stdout(&changed);
    assert!(
        table.contains("MISMATCH") && table.contains("profit"),
        "{table}"
    );
}
