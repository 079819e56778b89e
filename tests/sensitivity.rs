//! `sensitivity` end to end: the same bytes whatever the threads, shards or
//! resumes; bad study files as one-line errors with exit code 2 and nothing
//! written; the report shows the indices; the shipped studies load.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{assert_one_line_error, effectchain, stdout};

const SMALL: &str = "\
[simulation]
days = 56
burn_in_min_years = 0
burn_in_max_years = 0
replications = 6

[store]
initial_customers = 600

[market]
households = 12000

[policy]
staff = 3
";

fn workspace(study: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::write(dir.path().join("base.toml"), SMALL).expect("base written");
    let file = dir.path().join("study.toml");
    fs::write(&file, study).expect("study written");
    let root = dir.path().to_path_buf();
    (dir, root, file)
}

const SOBOL: &str = "base = \"base.toml\"\nmethod = \"sobol\"\nreplications = 2\nseed = 5\n\
samples = 8\nbootstrap = 50\n\
[set]\n\"policy.latitude\" = 0.8\n[baseline]\n\"policy.latitude\" = 0.2\n\
[parameters.\"market.nonroutine_share\"]\nfrom = 0.0\nto = 1.0\n\
[parameters.\"workforce.growth_need\"]\nfrom = 0.0\nto = 1.0\n";

fn run(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    effectchain()
        .arg("sensitivity")
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .output()
        .expect("runs")
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const RESULTS: [&str; 4] = [
    "points.csv",
    "manifest.json",
    "indices.csv",
    "sensitivity.json",
];

#[test]
fn a_study_is_the_same_whatever_the_threads_and_shards() {
    let (_dir, root, file) = workspace(SOBOL);
    let (a, b) = (root.join("a"), root.join("b"));
    let first = run(&file, &a, &["-j", "1"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(run(&file, &b, &["-j", "2", "--no-plots"]).status.success());
    for f in RESULTS {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    // 8 base samples x (2 + 2) rows, and one row of indices per parameter.
    let points = String::from_utf8(read(&a.join("points.csv"))).unwrap();
    assert_eq!(points.lines().count(), 1 + 32);
    let indices = String::from_utf8(read(&a.join("indices.csv"))).unwrap();
    assert_eq!(
        indices.lines().next(),
        Some("parameter,S1,S1_ci_low,S1_ci_high,ST,ST_ci_low,ST_ci_high")
    );
    assert_eq!(indices.lines().count(), 3);
    // The ranked table and the report.
    let text = stdout(&first);
    assert!(
        text.contains("Sobol indices of the profit difference"),
        "{text}"
    );
    assert!(text.contains("Replication noise:"), "{text}");
    let report = String::from_utf8(read(&a.join("report.html"))).unwrap();
    assert!(report.contains("Sensitivity analysis") && report.contains("plot-sensitivity-indices"));
    assert!(a.join("plot-sensitivity-indices.png").is_file());

    // Shards, merged, then analysed: the same indices.
    let shards: Vec<PathBuf> = (1..=3)
        .map(|i| root.join(format!("sh/shard-{i}-of-3")))
        .collect();
    for (i, dir) in shards.iter().enumerate() {
        let s = format!("{}/3", i + 1);
        assert!(run(&file, dir, &["--shard", &s]).status.success());
        assert!(!dir.join("indices.csv").exists());
    }
    let merged = root.join("merged");
    let ok = effectchain()
        .args(["merge", "--no-plots", "--out"])
        .arg(&merged)
        .args(&shards)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let analysed = run(&file, &merged, &["--resume", "--no-plots"]);
    assert!(
        analysed.status.success(),
        "{}",
        String::from_utf8_lossy(&analysed.stderr)
    );
    for f in RESULTS {
        assert_eq!(read(&a.join(f)), read(&merged.join(f)), "{f}");
    }
}

#[test]
fn bad_study_files_are_one_line_errors() {
    let (_dir, root, file) = workspace(SOBOL);
    let out = root.join("o");
    let cases: [(&str, &str, &[&str]); 5] = [
        (
            "method = \"sobol\"",
            "method = \"fast\"",
            &["study.toml", "method", "`sobol` or `morris`"],
        ),
        (
            "samples = 8",
            "samples = 1",
            &["study.toml:5", "samples", "from 2 to 65,536"],
        ),
        (
            "to = 1.0\n[parameters.\"workforce",
            "to = -1.0\n[parameters.\"workforce",
            &["nonroutine_share", "`from` < `to`"],
        ),
        (
            "samples = 8",
            "samples = 8\ntrajectories = 4",
            &["trajectories", "not used by method = \"sobol\""],
        ),
        (
            "\"policy.latitude\" = 0.8",
            "\"policy.latitude\" = 1.8",
            &["set.\"policy.latitude\"", "from 0 to 1"],
        ),
    ];
    for (from, to, expect) in cases {
        assert!(SOBOL.contains(from), "{from}");
        fs::write(&file, SOBOL.replacen(from, to, 1)).unwrap();
        assert_one_line_error(&run(&file, &out, &[]), 2, expect);
        assert!(!out.exists());
    }
}

#[test]
fn the_shipped_studies_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/sensitivity");
    let mut n = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            effectchain::experiment::sensitivity::Study::from_file(&path)
                .unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 2);
}

#[test]
fn discover_and_best_run_on_finished_folders() {
    let (_dir, root, file) = workspace(SOBOL);
    let a = root.join("a");
    assert!(run(&file, &a, &["--no-plots"]).status.success());
    let found = effectchain().arg("discover").arg(&a).output().unwrap();
    assert!(
        found.status.success(),
        "{}",
        String::from_utf8_lossy(&found.stderr)
    );
    let text = stdout(&found);
    assert!(text.contains("PRIM"), "{text}");
    let boxed: serde_json::Value = serde_json::from_slice(&read(&a.join("prim-box.json"))).unwrap();
    assert_eq!(boxed["condition"], "profit_diff_mean < 0");
    let trajectory = String::from_utf8(read(&a.join("prim-trajectory.csv"))).unwrap();
    assert!(trajectory.starts_with("step,coverage,density,mass,restricted\n0,"));
    // discover draws PRIM's trade-off (and the box, when it found one).
    for ext in ["png", "svg"] {
        assert!(
            a.join(format!("plot-prim-tradeoff.{ext}")).is_file(),
            "{ext}"
        );
    }
    let svg = String::from_utf8(read(&a.join("plot-prim-tradeoff.svg"))).unwrap();
    assert!(svg.contains("PRIM peeling trajectory"));
    if boxed["limits"].as_array().is_some_and(|l| !l.is_empty()) {
        assert!(a.join("plot-prim-box.png").is_file());
    }
    let bad = effectchain()
        .arg("discover")
        .arg(&a)
        .args(["--condition", "nonsense_mean < 0"])
        .output()
        .unwrap();
    assert_one_line_error(&bad, 2, &["nonsense_mean", "not a column"]);

    // A policy sweep against a baseline names its best point and its ties.
    let sweep = root.join("sweep.toml");
    fs::write(
        &sweep,
        "base = \"base.toml\"\nreplications = 3\nkpis = [\"profit\"]\n\
         [parameters.\"policy.latitude\"]\nvalues = [0.2, 0.5, 0.8]\n\
         [baseline]\n\"policy.latitude\" = 0.2\n",
    )
    .unwrap();
    let out = root.join("s");
    let swept = effectchain()
        .arg("sweep")
        .arg(&sweep)
        .arg("-o")
        .arg(&out)
        .args(["-q", "--no-plots"])
        .output()
        .unwrap();
    assert!(
        swept.status.success(),
        "{}",
        String::from_utf8_lossy(&swept.stderr)
    );
    assert!(
        stdout(&swept).contains("Best: policy.latitude"),
        "{}",
        stdout(&swept)
    );
    let best: serde_json::Value = serde_json::from_slice(&read(&out.join("best.json"))).unwrap();
    let tied = best["tied"].as_array().unwrap();
    assert_eq!(tied[0], best["best"]);
    assert_eq!(tied.len() as u64 + best["worse"].as_u64().unwrap(), 3);
}

#[test]
fn distributions_shape_the_samples_and_bad_ones_are_one_line_errors() {
    let normal = SOBOL.replacen(
        "[parameters.\"market.nonroutine_share\"]\nfrom = 0.0\nto = 1.0\n",
        "[parameters.\"market.nonroutine_share\"]\nfrom = 0.0\nto = 1.0\ndistribution = \"normal\"\nmean = 0.3\nsd = 0.05\n",
        1,
    );
    assert_ne!(normal, SOBOL);
    let (_dir, root, file) = workspace(&normal);
    let study = effectchain::experiment::sensitivity::Study::from_file(&file).unwrap();
    // Normal(0.3, 0.05): almost every sample within 4 sd, the median near
    // the mean; the uniform parameter still fills its range.
    let x: Vec<f64> = (0..study.sweep.points())
        .map(|i| study.sweep.point(i)[0])
        .collect();
    assert!(x.iter().all(|v| (0.1..=0.5).contains(v)), "{x:?}");
    let mut sorted = x.clone();
    sorted.sort_by(f64::total_cmp);
    assert!((sorted[sorted.len() / 2] - 0.3).abs() < 0.03, "{sorted:?}");
    let y: Vec<f64> = (0..study.sweep.points())
        .map(|i| study.sweep.point(i)[1])
        .collect();
    assert!(y.iter().any(|v| *v < 0.2) && y.iter().any(|v| *v > 0.8));
    let out = root.join("o");
    let cases: [(&str, &str, &[&str]); 3] = [
        (
            "\"normal\"",
            "\"beta\"",
            &["distribution", "`normal`, `triangular` or `lognormal`"],
        ),
        (
            "sd = 0.05",
            "sd = -1.0",
            &["distribution", "`sd` must be a number above 0"],
        ),
        (
            "sd = 0.05",
            "sd = 0.05\nmode = 0.2",
            &["mode", "not used by distribution = \"normal\""],
        ),
    ];
    for (from, to, expect) in cases {
        fs::write(&file, normal.replacen(from, to, 1)).unwrap();
        assert_one_line_error(&run(&file, &out, &[]), 2, expect);
        assert!(!out.exists());
    }
}
