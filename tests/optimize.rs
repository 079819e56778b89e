//! `optimize` end to end: a search on a small store finds a known optimum
//! and gives the same bytes whatever the threads and after a resume; bad
//! optimize files are one-line errors with exit code 2 and nothing written;
//! the shipped examples load.

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

/// Management's productivity target cuts the time spent per customer, so
/// the time per customer is highest with no target: the known optimum.
const KNOWN: &str = "base = \"base.toml\"\nobjective = \"time_per_customer\"\n\
replications = 3\nseed = 5\nrounds = 2\nsteps = 4\nfinalists = 3\nfinal_replications = 4\n\
[levers.\"policy.productivity_target\"]\nfrom = 0.0\nto = 0.9\n";

/// The usual question: latitude paired against the base policy.
const PAIRED: &str = "base = \"base.toml\"\nreplications = 3\nseed = 5\nrounds = 2\n\
design = \"latin_hypercube\"\npoints = 4\nfinalists = 3\nfinal_replications = 3\n\
[levers.\"policy.latitude\"]\nfrom = 0.0\nto = 1.0\n\
[levers.\"policy.discretion_budget\"]\nfrom = 0.0\nto = 200.0\n";

fn workspace(file_text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    fs::write(dir.path().join("base.toml"), SMALL).expect("base written");
    let file = dir.path().join("optimize.toml");
    fs::write(&file, file_text).expect("file written");
    let root = dir.path().to_path_buf();
    (dir, root, file)
}

fn run(file: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    effectchain()
        .arg("optimize")
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .arg("--no-plots")
        .args(extra)
        .output()
        .expect("runs")
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const RESULTS: [&str; 4] = [
    "points.csv",
    "best.json",
    "optimize.json",
    "rounds/round-2/points.csv",
];

#[test]
fn a_search_finds_the_known_optimum_of_a_small_store() {
    let (_dir, root, file) = workspace(KNOWN);
    let out = root.join("o");
    let o = run(&file, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let best: serde_json::Value = serde_json::from_slice(&read(&out.join("best.json"))).unwrap();
    assert_eq!(best["best"]["values"][0], 0.0, "{best}");
    assert_eq!(best["kpi"], "time_per_customer");
    let text = stdout(&o);
    assert!(
        text.contains("Best: policy.productivity_target = 0 "),
        "{text}"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&out.join("optimize.json"))).unwrap();
    // Round 2 refines inside a box half as wide around the best.
    let bounds = &summary["rounds"][1]["bounds"][0];
    assert_eq!(bounds[0], 0.0);
    assert_eq!(bounds[1], 0.45);
}

#[test]
fn a_search_is_the_same_whatever_the_threads_and_after_a_resume() {
    let (_dir, root, file) = workspace(PAIRED);
    let one = root.join("one");
    let two = root.join("two");
    let o = run(&file, &one, &["-j", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("Best: policy.discretion_budget = "),
        "{}",
        stdout(&o)
    );
    assert!(run(&file, &two, &["-j", "2"]).status.success());
    for name in RESULTS {
        assert_eq!(read(&one.join(name)), read(&two.join(name)), "{name}");
    }
    // An interrupted search: the last round and the finalists are gone.
    fs::remove_dir_all(two.join("rounds/round-2")).unwrap();
    for name in ["points.csv", "manifest.json", "best.json", "optimize.json"] {
        fs::remove_file(two.join(name)).unwrap();
    }
    assert!(run(&file, &two, &["--resume"]).status.success());
    for name in RESULTS {
        assert_eq!(
            read(&one.join(name)),
            read(&two.join(name)),
            "{name} after resume"
        );
    }
    // The report shows the search and its answer.
    assert!(effectchain()
        .arg("plot")
        .arg(&one)
        .output()
        .unwrap()
        .status
        .success());
    let html = String::from_utf8(read(&one.join("report.html"))).unwrap();
    assert!(
        html.contains("Optimization over policy.discretion_budget, policy.latitude"),
        "no optimize fact"
    );
    assert!(html.contains("The search, round by round"));
    // Another optimize file does not mix into this folder.
    fs::write(&file, PAIRED.replace("seed = 5", "seed = 6")).unwrap();
    assert_eq!(run(&file, &two, &[]).status.code(), Some(2));
    // A sweep's folder is not taken over.
    let sweep = root.join("sweep.toml");
    fs::write(&sweep, "base = \"base.toml\"\nreplications = 2\nkpis = [\"profit\"]\n[parameters.\"policy.latitude\"]\nvalues = [0.2, 0.5]\n").unwrap();
    let swept = root.join("swept");
    assert!(effectchain()
        .arg("sweep")
        .arg(&sweep)
        .arg("-o")
        .arg(&swept)
        .args(["-q", "--no-plots"])
        .output()
        .unwrap()
        .status
        .success());
    assert_one_line_error(&run(&file, &swept, &[]), 2, &["did not make"]);
    assert!(!swept.join("rounds").exists());
    // --resume with nothing to resume.
    assert_one_line_error(
        &run(&file, &root.join("none"), &["--resume"]),
        2,
        &["no search to resume"],
    );
}

#[test]
fn bad_optimize_files_are_one_line_errors() {
    let (_dir, root, file) = workspace(PAIRED);
    let out = root.join("o");
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "[levers.\"policy.latitude\"]",
            "[levers.\"market.relationship\"]",
            &[
                "optimize.toml:9:1",
                "levers.\"market.relationship\"",
                "not a policy lever",
                "policy.latitude",
            ],
        ),
        (
            "rounds = 2",
            "rounds = 0",
            &["optimize.toml:4", "rounds", "from 1 to 20"],
        ),
        (
            "points = 4",
            "points = 4\nshrink = 1.5",
            &["shrink", "above 0 and below 1"],
        ),
        (
            "seed = 5",
            "seed = 5\nobjective = \"happiness\"",
            &["objective", "profit_difference"],
        ),
        (
            "points = 4",
            "steps = 4",
            &["steps", "not used by design = \"latin_hypercube\""],
        ),
        (
            "to = 200.0",
            "to = -1.0",
            &["discretion_budget", "`from` < `to`"],
        ),
    ];
    for (from, to, expect) in cases {
        assert!(PAIRED.contains(from), "{from}");
        fs::write(&file, PAIRED.replacen(from, to, 1)).unwrap();
        assert_one_line_error(&run(&file, &out, &[]), 2, expect);
        assert!(!out.exists());
    }
}

#[test]
fn the_shipped_optimizations_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/optimize");
    let mut n = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            effectchain::experiment::optimize::Optimization::from_file(&path)
                .unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 1);
}
