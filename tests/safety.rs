//! Issue 10: a user's files are never lost or mixed, and no input crashes
//! or hangs effectchain. The reproducers of the issue with their exact exit
//! codes and messages, two writers on one folder, and `kill -9` inside
//! every rename window of `run` and at many moments of a sweep.
//!
//! The kill tests use the test hook `EFFECTCHAIN_PAUSE_AT=<window>`
//! (`effectchain::output::owner::pause_point`): the binary prints
//! `effectchain: paused at <window>` and sleeps there, and the test kills
//! it with SIGKILL.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Std, Stdio};
use std::time::{Duration, Instant};

use crate::util::{effectchain, entries, stderr};

const BASE: &str = "\
[simulation]
days = 42
burn_in_min_years = 0
burn_in_max_years = 0
replications = 3

[store]
initial_customers = 300
";

const SWEEP: &str = "\
base = \"base.toml\"
replications = 2
kpis = [\"profit\"]
[parameters.\"policy.latitude\"]
from = 0.0
to = 1.0
steps = 6
";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::write(dir.path().join("base.toml"), BASE).unwrap();
    fs::write(dir.path().join("s.toml"), SWEEP).unwrap();
    dir
}

/// Runs effectchain in `dir` and asserts the exit code and the exact
/// one-line error message (after `effectchain: error: `).
fn expect(dir: &Path, args: &[&str], code: i32, message: &str) {
    let output = effectchain().current_dir(dir).args(args).output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {err}");
    assert_eq!(
        err.trim_end(),
        format!("effectchain: error: {message}"),
        "{args:?}"
    );
}

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

// ---------------------------------------------------------------------------
// 1. User files are never deleted, kinds never mixed.

#[test]
fn a_users_folder_with_a_manifest_is_refused_by_every_command() {
    let dir = workspace();
    let d = dir.path();
    fs::create_dir(d.join("fake")).unwrap();
    write(d, "fake/manifest.json", "{}\n");
    write(d, "fake/precious.txt", "keep\n");
    let refused = |command: &str, kind: &str| {
        format!(
            "refusing to write `fake`: it is a folder effectchain did not write (it has no \
             .effectchain.json), and `effectchain {command}` writes only its own {kind} folders; \
             choose another output folder"
        )
    };
    expect(
        d,
        &["run", "base.toml", "-o", "fake", "-q"],
        2,
        &refused("run", "run"),
    );
    expect(
        d,
        &["compare", "base.toml", "base.toml", "-o", "fake", "-q"],
        2,
        &refused("compare", "comparison"),
    );
    expect(
        d,
        &["validate", "--reduced", "--only", "clv", "-o", "fake"],
        2,
        &refused("validate", "validation"),
    );
    expect(
        d,
        &["sweep", "s.toml", "-o", "fake", "-q"],
        2,
        &refused("sweep", "sweep"),
    );
    assert_eq!(entries(&d.join("fake")), ["manifest.json", "precious.txt"]);
    assert_eq!(
        fs::read_to_string(d.join("fake/manifest.json")).unwrap(),
        "{}\n"
    );
    assert_eq!(entries(d), ["base.toml", "fake", "s.toml"]);
}

#[test]
fn a_command_never_writes_a_folder_of_another_kind() {
    let dir = workspace();
    let d = dir.path();
    let ok = effectchain()
        .current_dir(d)
        .args(["run", "base.toml", "-o", "r", "-q", "--no-plots"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    expect(
        d,
        &["sweep", "s.toml", "-o", "r", "-q"],
        2,
        "refusing to write `r`: it is an effectchain run folder (made by `effectchain run`), and \
         `effectchain sweep` writes only its own sweep folders; choose another output folder",
    );
    let ok = effectchain()
        .current_dir(d)
        .args(["sweep", "s.toml", "-o", "w", "-q", "--no-plots"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    expect(
        d,
        &["run", "base.toml", "-o", "w", "-q"],
        2,
        "refusing to write `w`: it is an effectchain sweep folder (made by `effectchain sweep`), \
         and `effectchain run` writes only its own run folders; choose another output folder",
    );
    // A sweep folder that also holds run files is still drawn as a sweep.
    for f in ["summary.json", "daily.csv"] {
        fs::copy(d.join("r").join(f), d.join("w").join(f)).unwrap();
    }
    let plot = effectchain()
        .current_dir(d)
        .args(["plot", "w"])
        .output()
        .unwrap();
    assert!(plot.status.success(), "{}", stderr(&plot));
    assert!(!d.join("w/plot-profit-histogram.png").exists());
    let report = fs::read_to_string(d.join("w/report.html")).unwrap();
    assert!(report.contains("policy.latitude"), "a sweep report");
}

#[test]
fn sweep_into_a_file_is_bad_input_like_run() {
    let dir = workspace();
    let d = dir.path();
    let message = |command: &str, kind: &str| {
        format!(
            "refusing to write `base.toml`: it is a file, not a folder, and `effectchain {command}` \
             writes only its own {kind} folders; choose another output folder"
        )
    };
    expect(
        d,
        &["run", "base.toml", "-o", "base.toml", "-q"],
        2,
        &message("run", "run"),
    );
    expect(
        d,
        &["sweep", "s.toml", "-o", "base.toml", "-q"],
        2,
        &message("sweep", "sweep"),
    );
    assert_eq!(fs::read_to_string(d.join("base.toml")).unwrap(), BASE);
}

// ---------------------------------------------------------------------------
// 3, 4, 5, 7. Bounds, hangs, silent wrong results, unclear errors.

#[test]
fn sweep_reproducers() {
    let dir = workspace();
    let d = dir.path();
    let cases: &[(&str, &str)] = &[
        (
            "base = \"base.toml\"\nreplications = 2\n[parameters.\"policy.latitude\"]\nfrom = 0.0\nto = 1.0\nsteps = 9223372036854775807\n",
            "bad.toml:6:1: key `parameters.\"policy.latitude\".steps`: expected a whole number from 1 to 10,000,000, found 9223372036854775807",
        ),
        (
            "base = \"base.toml\"\nreplications = 2\n[parameters.\"policy.latitude\"]\nfrom = 0.0\nto = 1.0\nsteps = 1000000000\n",
            "bad.toml:6:1: key `parameters.\"policy.latitude\".steps`: expected a whole number from 1 to 10,000,000, found 1000000000",
        ),
        (
            "base = \"base.toml\"\nreplications = 10000000\n[parameters.\"policy.latitude\"]\nvalues = [0.5]\n",
            "bad.toml:2:1: key `replications`: expected a whole number from 1 to 1,000,000, found 10000000",
        ),
        (
            "base = \"base.toml\"\nreplications = 2\n[parameters.\"policy.staff\"]\nvalues = [5.5, 6]\n",
            "bad.toml:4:1: key `parameters.\"policy.staff\".values`: `policy.staff` takes whole numbers, found 5.5; give whole numbers only",
        ),
        (
            "base = \"base.toml\"\nreplications = 2\n[parameters.\"simulation.seed\"]\nvalues = [1, 2]\n",
            "bad.toml:3:1: key `parameters.\"simulation.seed\"`: `simulation.seed` cannot be varied: the sweep sets it for every point (top-level `seed` and `replications`)",
        ),
        (
            "base = \"base.toml\"\nreplications = 2\n[parameters.\"simulation.replications\"]\nvalues = [1, 2]\n",
            "bad.toml:3:1: key `parameters.\"simulation.replications\"`: `simulation.replications` cannot be varied: the sweep sets it for every point (top-level `seed` and `replications`)",
        ),
        (
            "base = \"base.toml\"\nreplications = 2\nsamples = 5\n[parameters.\"policy.latitude\"]\nvalues = [0.1, 0.2]\n",
            "bad.toml:3:1: key `samples`: is used only by design = \"latin_hypercube\", and this sweep's design is `grid`; remove it",
        ),
        (
            "base = \"base.toml\"\nreplications = 2\nkpis = [\"profit\", \"profit\"]\n[parameters.\"policy.latitude\"]\nvalues = [0.1, 0.2]\n",
            "bad.toml:3:1: key `kpis`: `profit` is listed twice; list each KPI once",
        ),
        (
            "base = \"bad.toml\"\nreplications = 2\n[parameters.\"policy.latitude\"]\nvalues = [0.1]\n",
            "bad.toml:1:1: key `base`: names this sweep file itself; expected the scenario config the sweep varies",
        ),
        (
            "base = \"base.toml\"\nreplications = 2\n[parameters.\"policy.latitude\"]\nvalues = [0.1, \"1\"]\n",
            "bad.toml:4:16: key `parameters.policy.latitude.values[1]`: expected a number, found string \"1\"",
        ),
        (
            "base = \"base.toml\"\nreplications = 99999999999999999999\n[parameters.\"policy.latitude\"]\nvalues = [0.1]\n",
            "bad.toml:2:16: key `replications`: expected a whole number from 1 to 1,000,000, found a number outside the range of whole numbers TOML can hold",
        ),
    ];
    for (text, message) in cases {
        write(d, "bad.toml", text);
        expect(d, &["sweep", "bad.toml", "-o", "out", "-q"], 2, message);
        assert!(!d.join("out").exists(), "nothing written for {message}");
    }
    assert_eq!(entries(d), ["bad.toml", "base.toml", "s.toml"]);
}

#[test]
fn golden_reproducers() {
    let dir = workspace();
    let d = dir.path();
    fs::create_dir(d.join("g")).unwrap();
    let golden = |tail: &str| {
        format!(
            "config = \"../base.toml\"\nseed = 1\nreplications = 3\nmode = \"statistical\"\n{tail}"
        )
    };
    let cases: Vec<(String, &str)> = vec![
        (
            golden("[expected.profit]\nmean = nan\nsd = 1.0\n"),
            "g/g.toml:6:1: key `expected.profit.mean`: expected a finite number, found NaN (a check against it could never fail); rerun `effectchain check --bless`",
        ),
        (
            golden("[expected.profit]\nmean = 1.0\nsd = nan\n"),
            "g/g.toml:7:1: key `expected.profit.sd`: expected a finite number, 0 or more, found NaN; rerun `effectchain check --bless`",
        ),
        (
            golden("[expected.profit]\nmean = 1.0\nsd = inf\n"),
            "g/g.toml:7:1: key `expected.profit.sd`: expected a finite number, 0 or more, found inf; rerun `effectchain check --bless`",
        ),
        (
            "config = \"../base.toml\"\nseed = 1\nreplications = 10000000\nmode = \"exact\"\n[expected.profit]\nmean = 1.0\nsd = 0.0\n".into(),
            "g/g.toml:3:1: key `replications`: expected a whole number from 1 to 1,000,000, found 10000000",
        ),
        (
            "config = \"../base.toml\"\nseed = 1\nreplications = 3.5\nmode = \"exact\"\n".into(),
            "g/g.toml:3:16: key `replications`: expected a whole number from 1 to 1,000,000, found floating point `3.5`",
        ),
        (
            golden("[overrides]\n\"simulation.seed\" = 4\n[expected.profit]\nmean = 1.0\nsd = 0.0\n"),
            "g/g.toml:6:1: key `overrides.\"simulation.seed\"`: `simulation.seed` cannot be overridden: the golden file sets it (top-level `seed` and `replications`)",
        ),
    ];
    for (text, message) in &cases {
        write(d, "g/g.toml", text);
        expect(d, &["check", "g"], 2, message);
    }
}

#[test]
fn config_and_flag_reproducers() {
    let dir = workspace();
    let d = dir.path();
    let cases: &[(&str, &str)] = &[
        (
            "[simulation]\nreplications = -1\n",
            "bad.toml:2:16: key `simulation.replications`: expected a whole number from 1 to 1,000,000 (count), found integer `-1`",
        ),
        (
            "[simulation]\ndays = 99999999999999999999\n",
            "bad.toml:2:8: key `simulation.days`: expected a whole number from 1 to 36,500 (days), found a number outside the range of whole numbers TOML can hold",
        ),
        (
            "[chain]\nstores = 10000\n[policy]\nstaff = 10000\n",
            "",
        ),
        (
            "[\"\\u001b[31mred\"]\nx = 1\n",
            "bad.toml:1:2: key `\\u{1b}[31mred`: unknown field `\\u{1b}[31mred`, expected one of `simulation`, `store`, `market`, `customer`, `service`, `recovery`, `workforce`, `economics`, `policy`, `erosion`, `chain`",
        ),
    ];
    for (text, message) in cases {
        write(d, "bad.toml", text);
        let output = effectchain()
            .current_dir(d)
            .args(["run", "bad.toml", "-o", "out", "-q"])
            .output()
            .unwrap();
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            !err.contains('\u{1b}'),
            "escape sequences are escaped: {err}"
        );
        if message.is_empty() {
            // The memory estimate depends on the machine's memory.
            assert!(
                err.starts_with("effectchain: error: bad.toml: this run would need about ")
                    && err.contains("10,000 stores x 10,000 staff")
                    && err.contains("more than the"),
                "{err}"
            );
        } else {
            assert_eq!(err.trim_end(), format!("effectchain: error: {message}"));
        }
        assert!(!d.join("out").exists());
    }
    // A 50 MB config is refused by its size, at once.
    write(d, "huge.toml", &format!("# {}\n", "x".repeat(50_000_000)));
    let started = Instant::now();
    expect(
        d,
        &["run", "huge.toml", "-o", "out", "-q"],
        2,
        "huge.toml: the config file is 50,000,003 bytes; expected at most 1,048,576 bytes (1 MiB)",
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    // A 50 MB string value is cut in the message (it is refused by size
    // first; a small file with a long value shows the cut).
    write(
        d,
        "long.toml",
        &format!("[policy]\nservice_approach = \"{}\"\n", "y".repeat(900_000)),
    );
    let output = effectchain()
        .current_dir(d)
        .args(["run", "long.toml", "-o", "out", "-q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).len() < 1000, "{}", stderr(&output).len());
    // Threads: a million would never start.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    expect(
        d,
        &["run", "base.toml", "-j", "1000000", "-o", "out", "-q"],
        2,
        &format!(
            "--threads: expected a whole number from 1 to {} (4 per core on this machine's \
             {cores} cores), found 1000000",
            cores * 4
        ),
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    fs::remove_file(d.join("huge.toml")).unwrap();
    fs::remove_file(d.join("long.toml")).unwrap();
    assert_eq!(entries(d), ["bad.toml", "base.toml", "s.toml"]);
}

#[test]
fn merge_of_a_shard_without_points_says_it_cannot_read() {
    let dir = workspace();
    let d = dir.path();
    for shard in ["1/2", "2/2"] {
        let ok = effectchain()
            .current_dir(d)
            .args(["sweep", "s.toml", "--shard", shard, "-q", "--no-plots"])
            .output()
            .unwrap();
        assert!(ok.status.success(), "{}", stderr(&ok));
    }
    let shard = d.join("output/s/shard-2-of-2");
    fs::remove_file(shard.join("points.csv")).unwrap();
    let output = effectchain()
        .current_dir(d)
        .args([
            "merge",
            "output/s/shard-1-of-2",
            "output/s/shard-2-of-2",
            "--no-plots",
        ])
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with(
            "effectchain: error: `output/s/shard-2-of-2` is not a finished sweep shard: cannot \
             read `output/s/shard-2-of-2/points.csv`: No such file"
        ),
        "{err}"
    );
    assert!(!err.contains("cannot write"), "{err}");
}

#[test]
fn plots_of_values_beyond_the_range_of_f64_finish() {
    let dir = workspace();
    let d = dir.path();
    let ok = effectchain()
        .current_dir(d)
        .args(["run", "base.toml", "-o", "r", "-q", "--no-plots"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let daily = fs::read_to_string(d.join("r/daily.csv")).unwrap();
    let mut lines = daily.lines();
    let mut text = format!("{}\n", lines.next().unwrap());
    for (i, line) in lines.enumerate() {
        let n = line.split(',').count();
        let values: Vec<String> = (0..n)
            .map(|j| match (j, i % 4) {
                (0, _) => i.to_string(),
                (_, 0) => "1.7e308".into(),
                (_, 1) => "-1.7e308".into(),
                (_, 2) => "inf".into(),
                _ => "NaN".into(),
            })
            .collect();
        text.push_str(&values.join(","));
        text.push('\n');
    }
    write(d, "r/daily.csv", &text);
    let results = fs::read(d.join("r/daily.csv")).unwrap();
    let mut child = Std::new(assert_cmd::cargo::cargo_bin!("effectchain"))
        .current_dir(d)
        .args(["plot", "r"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("plot did not finish in 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.code().is_some_and(|c| c == 0 || c == 1), "{status}");
    assert_eq!(fs::read(d.join("r/daily.csv")).unwrap(), results);
}

// ---------------------------------------------------------------------------
// 2. Two writers; 6. kill -9 in every window.

/// Starts effectchain in `dir` paused at `window` and waits until it is.
fn paused(dir: &Path, args: &[&str], window: &str) -> Child {
    let mut child = Std::new(assert_cmd::cargo::cargo_bin!("effectchain"))
        .current_dir(dir)
        .args(args)
        .env("EFFECTCHAIN_PAUSE_AT", window)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).unwrap();
        assert!(n > 0, "{args:?} exited before pausing at {window}");
        if line.contains(&format!("paused at {window}")) {
            break;
        }
    }
    child
}

fn kill(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_second_writer_exits_at_once_naming_the_first() {
    let dir = workspace();
    let d = dir.path();
    let first = paused(
        d,
        &["run", "base.toml", "-o", "p", "-q", "-s", "1"],
        "swap-staged",
    );
    let pid = first.id();
    let started = Instant::now();
    expect(
        d,
        &["run", "base.toml", "-o", "p", "-q", "-s", "2"],
        2,
        &format!(
            "`p` is being written by another effectchain process (pid {pid}); wait for it to \
             finish or choose another output folder"
        ),
    );
    expect(
        d,
        &["plot", "p"],
        2,
        &format!(
            "`p` is being written by another effectchain process (pid {pid}); wait for it to \
             finish or choose another output folder"
        ),
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    kill(first);

    // Two `sweep --resume` on one folder: the second exits at once.
    let first = paused(
        d,
        &["sweep", "s.toml", "-o", "w", "-q", "--no-plots"],
        "sweep-header-written",
    );
    let pid = first.id();
    expect(
        d,
        &["sweep", "s.toml", "-o", "w", "-q", "--resume", "--no-plots"],
        2,
        &format!(
            "`w` is being written by another effectchain process (pid {pid}); wait for it to \
             finish or choose another output folder"
        ),
    );
    kill(first);
    // After the kill the lock is free and the sweep resumes to the end.
    let ok = effectchain()
        .current_dir(d)
        .args(["sweep", "s.toml", "-o", "w", "-q", "--resume", "--no-plots"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
}

/// Writers racing for one folder: each result folder is one run's, plots
/// included, and the loser exits 2.
#[test]
fn racing_runs_never_mix_results_and_plots() {
    let dir = workspace();
    let d = dir.path();
    for trial in 0..3 {
        let spawn = |seed: &str| {
            Std::new(assert_cmd::cargo::cargo_bin!("effectchain"))
                .current_dir(d)
                .args(["run", "base.toml", "-o", "p", "-q", "-s", seed])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn("11"), spawn("12"));
        let codes: Vec<i32> = [a, b]
            .into_iter()
            .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
            .collect();
        assert!(
            codes.iter().all(|c| *c == 0 || *c == 2),
            "trial {trial}: {codes:?}"
        );
        assert!(codes.contains(&0));
        let summary = fs::read_to_string(d.join("p/summary.json")).unwrap();
        let report = fs::read_to_string(d.join("p/report.html")).unwrap();
        let seed = if summary.contains("\"seed\": 11") {
            "11"
        } else {
            "12"
        };
        assert!(
            report.contains(&format!("--seed {seed}")),
            "trial {trial}: mixed"
        );
        assert_eq!(entries(d), ["base.toml", "p", "s.toml"]);
    }
}

fn complete_run(dir: &Path) -> bool {
    crate::util::OUTPUT_FILES
        .iter()
        .chain(&[".effectchain.json", "report.html"])
        .all(|f| dir.join(f).is_file())
}

#[test]
fn a_run_killed_in_each_rename_window_is_cleaned_by_the_next() {
    let dir = workspace();
    let d = dir.path();
    let run = |seed: &str| {
        effectchain()
            .current_dir(d)
            .args(["run", "base.toml", "-o", "p", "-q", "-s", seed])
            .output()
            .unwrap()
    };
    assert!(run("1").status.success());
    for window in ["swap-staged", "swap-aside", "swap-done"] {
        let child = paused(d, &["run", "base.toml", "-o", "p", "-q", "-s", "2"], window);
        let pid = child.id();
        kill(child);
        let left = entries(d);
        match window {
            // Killed before the swap: the previous folder is whole.
            "swap-staged" => assert!(complete_run(&d.join("p")), "{left:?}"),
            // Between the renames: both halves are left, recognisably ours.
            "swap-aside" => {
                assert!(!d.join("p").exists(), "{left:?}");
                assert!(complete_run(&d.join(format!("p.old-{pid}"))));
                assert!(complete_run(&d.join(format!("p.partial-{pid}"))));
            }
            // After the swap: the new folder is whole, the old one left.
            _ => assert!(complete_run(&d.join("p")), "{left:?}"),
        }
        let output = run("3");
        assert!(output.status.success(), "{}", stderr(&output));
        let err = stderr(&output);
        if window != "swap-done" || d.join(format!("p.old-{pid}")).exists() {
            assert!(
                err.contains("left over from an interrupted run"),
                "{window}: {err}"
            );
        }
        assert_eq!(entries(d), ["base.toml", "p", "s.toml"], "{window}");
        assert!(complete_run(&d.join("p")));
    }
}

fn reference_points(d: &Path) -> Vec<u8> {
    let ok = effectchain()
        .current_dir(d)
        .args(["sweep", "s.toml", "-o", "ref", "-q", "--no-plots"])
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    fs::read(d.join("ref/points.csv")).unwrap()
}

#[test]
fn a_sweep_killed_at_every_window_resumes_to_the_same_result() {
    let dir = workspace();
    let d = dir.path();
    let expected = reference_points(d);
    for window in [
        "sweep-state-written",
        "sweep-partial-created",
        "sweep-header-written",
        "sweep-finish-renamed",
        "sweep-finish-written",
        "sweep-finish-partial-removed",
    ] {
        let out = format!("w-{window}");
        let child = paused(
            d,
            &["sweep", "s.toml", "-o", &out, "-q", "--no-plots"],
            window,
        );
        kill(child);
        // The same command again must finish the folder, whatever the
        // window (a requeued job replays exactly that command).
        let again = effectchain()
            .current_dir(d)
            .args(["sweep", "s.toml", "-o", &out, "-q", "--no-plots"])
            .output()
            .unwrap();
        assert!(again.status.success(), "{window}: {}", stderr(&again));
        assert_eq!(
            fs::read(d.join(&out).join("points.csv")).unwrap(),
            expected,
            "{window}"
        );
        assert!(!d.join(&out).join("points.partial.csv").exists());
        assert!(!d.join(&out).join("points.csv.tmp").exists());
    }
}

#[test]
fn a_sweep_killed_at_many_moments_keeps_every_point() {
    let dir = workspace();
    let d = dir.path();
    write(d, "s.toml", &SWEEP.replace("steps = 6", "steps = 24"));
    let expected = reference_points(d);
    let bin: PathBuf = assert_cmd::cargo::cargo_bin!("effectchain").to_path_buf();
    for (i, ms) in [30u64, 80, 150, 250, 400, 600].iter().enumerate() {
        let mut args = vec!["sweep", "s.toml", "-o", "w", "-q", "--no-plots", "-j", "2"];
        if i > 0 && d.join("w/points.partial.csv").exists() {
            args.push("--resume");
        }
        let mut child = Std::new(&bin)
            .current_dir(d)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(*ms));
        let _ = child.kill();
        child.wait().unwrap();
    }
    let mut args = vec!["sweep", "s.toml", "-o", "w", "-q", "--no-plots"];
    if d.join("w/points.partial.csv").exists() {
        args.push("--resume");
    }
    let output = effectchain().current_dir(d).args(&args).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fs::read(d.join("w/points.csv")).unwrap(), expected);
}
