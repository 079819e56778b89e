//! Behaviour of `effectchain run` and `effectchain init` on good input:
//! the output folder and its files, overrides, the printed report, help
//! text, replacing earlier output, and the starter config.

use std::fs;

use effectchain::config::Config;
use effectchain::engine::{DAILY_DEFS, KPI_DEFS};

use crate::util::{
    assert_one_line_error, effectchain, entries, read_outputs, scenario, stdout, OUTPUT_FILES, TINY,
};

#[test]
fn help_explains_commands_flags_and_exit_codes() {
    let output = effectchain().arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for needle in ["run", "init", "Exit codes", "seed"] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    let output = effectchain().args(["run", "--help"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for needle in [
        "--replications",
        "--seed",
        "--out",
        "--threads",
        "--quiet",
        "byte-identical",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

#[test]
fn run_writes_the_output_folder_and_prints_headline_kpis() {
    let (dir, path) = scenario("tiny.toml", TINY);
    let output = effectchain()
        .current_dir(dir.path())
        .args(["run", "tiny.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(output.stderr.is_empty(), "no progress bar off a terminal");
    let text = stdout(&output);
    for needle in [
        "profit",
        "balked share",
        "annual retention",
        "customer base value",
        "95% CI",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    let out = dir.path().join("output").join("tiny");
    assert!(
        text.contains(&format!(
            "Output: {}",
            std::path::Path::new("output").join("tiny").display()
        )),
        "{text}"
    );
    let mut expected: Vec<String> = OUTPUT_FILES.iter().map(|s| s.to_string()).collect();
    expected.push(".effectchain.json".into());
    expected.sort();
    // Besides the results: plots (plot-*.png, plot-*.svg) and report.html,
    // drawn by default (tests/plot.rs covers them).
    let results: Vec<String> = entries(&out)
        .into_iter()
        .filter(|e| !e.starts_with("plot-") && e != "report.html")
        .collect();
    assert_eq!(results, expected);
    assert!(out.join("report.html").is_file());
    assert_eq!(
        entries(&dir.path().join("output")),
        ["tiny"],
        "no temporary left"
    );

    // summary.json: every KPI, in KPI_DEFS order, with a CI around the mean.
    let summary_text = fs::read_to_string(out.join("summary.json")).unwrap();
    let summary: serde_json::Value = serde_json::from_str(&summary_text).unwrap();
    assert_eq!(summary["meta"]["replications"], 6);
    assert_eq!(summary["meta"]["days"], 56);
    let kpis = summary["kpis"].as_object().unwrap();
    assert_eq!(kpis.len(), KPI_DEFS.len());
    let mut last = 0;
    for def in KPI_DEFS {
        let k = &kpis[def.name];
        assert_eq!(k["unit"], def.unit);
        assert_eq!(k["n"], 6);
        let (lo, mean, hi) = (
            k["ci_low"].as_f64().unwrap(),
            k["mean"].as_f64().unwrap(),
            k["ci_high"].as_f64().unwrap(),
        );
        assert!(lo <= mean && mean <= hi, "{}: {lo} {mean} {hi}", def.name);
        let at = summary_text.find(&format!("\"{}\": {{", def.name)).unwrap();
        assert!(at > last, "{} is out of KPI_DEFS order", def.name);
        last = at;
    }
    let served = kpis["served"]["mean"].as_f64().unwrap();
    assert!(served > 0.0 && served <= kpis["visits"]["mean"].as_f64().unwrap());

    // daily.csv: a header, then one row per simulated day.
    let daily = fs::read_to_string(out.join("daily.csv")).unwrap();
    let rows: Vec<&str> = daily.lines().collect();
    assert_eq!(rows.len(), 1 + 56);
    let header: Vec<&str> = rows[0].split(',').collect();
    assert_eq!(header.len(), 1 + 3 * DAILY_DEFS.len());
    assert_eq!(header[0], "day");
    assert_eq!(header[1], format!("{}_mean", DAILY_DEFS[0].name));
    assert_eq!(header[3], format!("{}_ci_high", DAILY_DEFS[0].name));
    assert!(rows[1].starts_with("0,") && rows[56].starts_with("55,"));
    assert!(rows.iter().all(|r| r.split(',').count() == header.len()));

    // replications.csv: a header, then one row per replication.
    let reps = fs::read_to_string(out.join("replications.csv")).unwrap();
    let rows: Vec<&str> = reps.lines().collect();
    assert_eq!(rows.len(), 1 + 6);
    let expected_header: Vec<&str> = std::iter::once("replication")
        .chain(KPI_DEFS.iter().map(|d| d.name))
        .collect();
    assert_eq!(rows[0].split(',').collect::<Vec<_>>(), expected_header);

    // manifest.json: the resolved config loads back as the one that ran.
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 42);
    assert_eq!(
        manifest["rng"],
        "xoshiro256++ (SplitMix64-seeded per stream and day)"
    );
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["config_path"], "tiny.toml");
    assert_eq!(
        manifest["command_line"],
        serde_json::json!(["effectchain", "run", "tiny.toml"])
    );
    let toml_text = manifest["config_toml"].as_str().unwrap();
    let resolved = Config::from_toml_str(toml_text, "manifest").unwrap();
    assert_eq!(resolved, Config::from_file(&path).unwrap());
    assert_eq!(manifest["config"]["simulation"]["days"], 56);
}

#[test]
fn overrides_change_the_run_and_are_recorded() {
    let (dir, _) = scenario("tiny.toml", TINY);
    let output = effectchain()
        .current_dir(dir.path())
        .args([
            "run",
            "tiny.toml",
            "-r",
            "3",
            "--seed",
            "7",
            "--out",
            "runs/a",
            "-j",
            "2",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let out = dir.path().join("runs").join("a");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["meta"]["replications"], 3);
    assert_eq!(summary["meta"]["seed"], 7);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["command_line"],
        serde_json::json!([
            "effectchain",
            "run",
            "tiny.toml",
            "--replications",
            "3",
            "--seed",
            "7",
            "--out",
            "runs/a"
        ])
    );
    assert_eq!(manifest["config"]["simulation"]["seed"], 7);
    let reps = fs::read_to_string(out.join("replications.csv")).unwrap();
    assert_eq!(reps.lines().count(), 1 + 3);
}

#[test]
fn a_rerun_replaces_the_previous_output_folder() {
    let (dir, _) = scenario("tiny.toml", TINY);
    let run = |reps: &str| {
        effectchain()
            .current_dir(dir.path())
            .args(["run", "tiny.toml", "-r", reps, "--out", "res"])
            .output()
            .unwrap()
    };
    assert_eq!(run("2").status.code(), Some(0));
    let out = dir.path().join("res");
    fs::write(out.join("stale.txt"), "from an older run").unwrap();
    assert_eq!(run("3").status.code(), Some(0));
    assert!(!out.join("stale.txt").exists());
    let reps = fs::read_to_string(out.join("replications.csv")).unwrap();
    assert_eq!(reps.lines().count(), 1 + 3);
    assert_eq!(entries(dir.path()), ["res", "tiny.toml"]);
}

#[test]
fn a_folder_that_is_not_an_output_folder_is_never_replaced() {
    let (dir, _) = scenario("tiny.toml", TINY);
    let precious = dir.path().join("docs");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("thesis.tex"), "years of work").unwrap();
    let output = effectchain()
        .current_dir(dir.path())
        .args(["run", "tiny.toml", "--out", "docs"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, &["docs", ".effectchain.json"]);
    assert_eq!(entries(&precious), ["thesis.tex"]);
    assert_eq!(entries(dir.path()), ["docs", "tiny.toml"]);
}

#[test]
fn init_writes_a_starter_config_that_loads_back_as_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("starter.toml");
    let output = effectchain()
        .current_dir(dir.path())
        .args(["init", "starter.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(Config::from_file(&file).unwrap(), Config::default());

    let text = fs::read_to_string(&file).unwrap();
    for p in Config::default().params() {
        assert!(
            text.contains(&format!("\n{} = ", p.key)),
            "{} missing",
            p.path()
        );
        assert!(text.contains(&format!("[{}]", p.section)));
    }
    for o in Config::other_params() {
        assert!(
            text.contains(&format!("\n{} = ", o.key)),
            "{} missing",
            o.key
        );
    }
    // Every key line is preceded by a comment line.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.contains(" = ") && !line.starts_with('#') {
            assert!(lines[i - 1].starts_with("# "), "no comment above {line}");
        }
    }
    assert!(text.contains("Valid range: 0 to 1"));
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let (dir, path) = scenario("mine.toml", "[policy]\nlatitude = 0.9\n");
    let output = effectchain()
        .current_dir(dir.path())
        .args(["init", "mine.toml"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, &["mine.toml", "already exists", "--force"]);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "[policy]\nlatitude = 0.9\n"
    );
    let output = effectchain()
        .current_dir(dir.path())
        .args(["init", "mine.toml", "--force"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(Config::from_file(&path).unwrap(), Config::default());
}

#[test]
fn the_starter_config_runs() {
    let dir = tempfile::tempdir().unwrap();
    let init = effectchain()
        .current_dir(dir.path())
        .args(["init", "starter.toml"])
        .output()
        .unwrap();
    assert_eq!(init.status.code(), Some(0));
    let run = effectchain()
        .current_dir(dir.path())
        .args(["run", "starter.toml", "--replications", "2", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let files = read_outputs(&dir.path().join("output").join("starter"));
    assert!(files.iter().all(|(_, bytes)| !bytes.is_empty()));
}

#[test]
fn a_chain_run_writes_stores_csv_with_one_row_per_replication_and_store() {
    let chain = format!("{TINY}\n[chain]\nstores = 3\n");
    let (dir, path) = scenario("chain.toml", &chain);
    let out = dir.path().join("out");
    let output = effectchain()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--no-plots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = fs::read_to_string(out.join("stores.csv")).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 1 + 3 * 6, "3 stores x 6 replications");
    let expected: Vec<&str> = ["replication", "store"]
        .into_iter()
        .chain(effectchain::model::StoreProfile::DRIVERS)
        .chain(KPI_DEFS.iter().map(|d| d.name))
        .collect();
    assert_eq!(rows[0].split(',').collect::<Vec<_>>(), expected);
    assert!(rows[1].starts_with("0,0,") && rows[3].starts_with("0,2,"));
    assert!(rows[18].starts_with("5,2,"));
    assert!(rows.iter().all(|r| r.split(',').count() == expected.len()));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert!(manifest["files"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("stores.csv")));

    // A single store writes no stores.csv.
    let single = dir.path().join("single");
    let single_config = dir.path().join("single.toml");
    fs::write(&single_config, format!("{TINY}\n[chain]\nstores = 1\n")).unwrap();
    let output = effectchain()
        .arg("run")
        .arg(&single_config)
        .arg("--out")
        .arg(&single)
        .args(["--quiet", "--no-plots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(single.join("summary.json").is_file());
    assert!(!single.join("stores.csv").exists());
}

#[test]
fn completions_and_the_man_page_cover_every_subcommand_and_install() {
    let subcommands = [
        "run",
        "init",
        "compare",
        "sweep",
        "merge",
        "plot",
        "check",
        "validate",
        "calibrate",
    ];
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = effectchain().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout(&output);
        for sub in subcommands {
            assert!(script.contains(sub), "{shell} completions lack `{sub}`");
        }
        assert!(script.contains("replications"), "{shell}: flags missing");
    }
    // The bash script is valid bash and, sourced, completes a subcommand.
    if std::path::Path::new("/bin/bash").exists() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("effectchain.bash");
        let output = effectchain()
            .args(["completions", "bash"])
            .output()
            .unwrap();
        fs::write(&file, &output.stdout).unwrap();
        let probe = format!(
            "source {}; COMP_WORDS=(effectchain va); COMP_CWORD=1; _effectchain effectchain va effectchain; echo \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let done = std::process::Command::new("/bin/bash")
            .args(["-c", &probe])
            .output()
            .unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&done.stdout).trim(), "validate");
    }
    let output = effectchain().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(
        page.starts_with(".ie") || page.contains(".TH effectchain 1"),
        "not roff"
    );
    for sub in subcommands {
        assert!(page.contains(sub), "man page lacks `{sub}`");
    }
}

#[test]
fn validate_and_plot_take_quiet() {
    for sub in ["validate", "plot"] {
        let output = effectchain().args([sub, "--help"]).output().unwrap();
        assert!(stdout(&output).contains("--quiet"), "{sub} has no --quiet");
    }
}
