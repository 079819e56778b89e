//! Plots and reports: a run folder made with the library, and comparison
//! and sweep folders written by hand, are rendered into PNG, SVG and
//! `report.html`; the `plot` command and `run --no-plots` behave; and, where
//! Debian's Chromium is installed (`.ci/run` installs it), the report is
//! loaded in a real headless browser, screenshotted and checked for broken
//! images and console errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use effectchain::config::Config;
use effectchain::output::{self, RunInfo};
use effectchain::plot::{self, PlotError};

use crate::util::{assert_one_line_error, effectchain, entries, scenario, stdout, TINY};

/// The tiny scenario of the plot tests.
const SMALL: &str = "\
[simulation]
days = 42
burn_in_min_years = 0
burn_in_max_years = 0
replications = 4
seed = 11

[store]
initial_customers = 500
";

/// Writes a run folder for SMALL into `parent/run` with the library.
fn run_folder(parent: &Path) -> PathBuf {
    let config = Config::from_toml_str(SMALL, "small.toml").expect("a valid config");
    let results = effectchain::experiment::run(&config, &|| {});
    let out = parent.join("run");
    let line: Vec<String> = ["effectchain", "run", "small.toml"]
        .map(String::from)
        .to_vec();
    let info = RunInfo {
        config: &config,
        config_path: Some(Path::new("configs/small.toml")),
        command_line: &line,
    };
    output::write_run(&out, &results, &info).expect("the run folder is written");
    out
}

/// Asserts `path` is a non-trivial PNG.
fn assert_png(path: &Path) {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{}",
        path.display()
    );
    assert!(
        bytes.len() > 10_000,
        "{}: {} bytes",
        path.display(),
        bytes.len()
    );
}

/// Asserts `path` is a non-trivial standalone SVG.
fn assert_svg(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{}",
        path.display()
    );
    assert!(text.trim_end().ends_with("</svg>"), "{}", path.display());
    assert!(
        text.len() > 5_000,
        "{}: {} bytes",
        path.display(),
        text.len()
    );
    // Text is drawn from the embedded font as glyph outlines, so the SVG
    // needs no font on the viewing machine.
    assert!(!text.contains("<text"), "{}", path.display());
    assert!(text.contains("<path aria-label="), "{}", path.display());
    text
}

/// Asserts every figure of `written` exists in both formats and the report
/// is self-contained, and returns the report.
fn check_rendered(dir: &Path, written: &[PathBuf], expected: &[&str]) -> String {
    for name in expected {
        let png = dir.join(format!("plot-{name}.png"));
        let svg = dir.join(format!("plot-{name}.svg"));
        assert!(written.contains(&png), "{name}: not reported as written");
        assert_png(&png);
        assert_svg(&svg);
    }
    let report = fs::read_to_string(dir.join(plot::REPORT_FILE)).expect("report.html");
    assert!(report.starts_with("<!DOCTYPE html>"));
    assert!(report.trim_end().ends_with("</html>"));
    let figures = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .count();
    assert_eq!(
        report.matches("<svg ").count(),
        figures,
        "every figure is inline"
    );
    for forbidden in ["<script", "<img", "<link", "@import", "https://", "url("] {
        assert!(!report.contains(forbidden), "report contains `{forbidden}`");
    }
    // Every glyph an inline SVG places is defined exactly once in the page.
    let mut ids = std::collections::HashMap::new();
    for rest in report.split(" id=\"").skip(1) {
        *ids.entry(&rest[..rest.find('"').unwrap()]).or_insert(0) += 1;
    }
    for rest in report.split("xlink:href=\"#").skip(1) {
        let id = &rest[..rest.find('"').unwrap()];
        assert_eq!(ids.get(id), Some(&1), "`#{id}` is not defined exactly once");
    }
    report
}

#[test]
fn a_run_folder_gets_plots_and_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_folder(tmp.path());
    let started = Instant::now();
    let written = plot::render_folder(&out).expect("the run folder renders");
    let took = started.elapsed();
    let report = check_rendered(
        &out,
        &written,
        &[
            "profit",
            "profit-histogram",
            "active-customers",
            "happiness",
            "staff-satisfaction",
            "exhaustion",
            "service-time",
            "queue-wait",
        ],
    );
    assert!(
        report.contains("small: simulation results"),
        "title from the config stem"
    );
    assert!(
        report.contains("Over the 42-day KPI window, small makes a profit of €")
            || report.contains("Over the 42-day KPI window, small makes a loss of €"),
        "the verdict"
    );
    assert!(
        report.contains("effectchain run small.toml"),
        "how to re-run"
    );
    assert!(report.contains("[simulation]"), "the config used");
    assert!(report.contains("Headline KPIs"));
    // Plots sit beside the results and never touch them.
    for f in output::FILES {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(
        !entries(&out).iter().any(|e| e.contains(".tmp")),
        "no temporary left"
    );
    // Rendering is deterministic.
    let first = fs::read(out.join("plot-profit.png")).unwrap();
    let first_report = report;
    plot::render_folder(&out).unwrap();
    assert_eq!(fs::read(out.join("plot-profit.png")).unwrap(), first);
    assert_eq!(
        fs::read_to_string(out.join("report.html")).unwrap(),
        first_report
    );
    // Fast enough to run after every command (generous for debug builds).
    assert!(took < Duration::from_secs(20), "rendering took {took:?}");
}

/// Every plot and the report are byte-identical whatever the number of
/// threads that draws them, and the PNG is the SVG's picture (same size).
#[test]
fn plots_are_the_same_bytes_on_one_thread_and_on_four() {
    let dir = tempfile::tempdir().unwrap();
    let cmp = compare_folder(dir.path());
    let draw = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let written = pool.install(|| plot::render_folder(&cmp)).unwrap();
        written
            .iter()
            .map(|p| (p.clone(), fs::read(p).unwrap()))
            .collect::<Vec<_>>()
    };
    let one = draw(1);
    let four = draw(4);
    assert!(one.len() > 4, "{} files", one.len());
    for ((path, a), (path_b, b)) in one.iter().zip(&four) {
        assert_eq!(path, path_b);
        assert!(a == b, "{} differs between 1 and 4 threads", path.display());
    }
    assert_eq!(one.len(), four.len());
    let png = fs::read(cmp.join("plot-profit.png")).unwrap();
    // The IHDR chunk: width and height, big-endian, at bytes 16..24.
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    let svg = fs::read_to_string(cmp.join("plot-profit.svg")).unwrap();
    assert!(
        svg.contains(&format!(r#"viewBox="0 0 {} {}""#, size(16), size(20))),
        "the PNG is {} x {}",
        size(16),
        size(20)
    );
}

/// A comparison folder as `effectchain compare` writes it.
fn compare_folder(parent: &Path) -> PathBuf {
    let run = run_folder(parent);
    let dir = parent.join("cmp");
    fs::create_dir(&dir).unwrap();
    fs::copy(run.join("daily.csv"), dir.join("daily-a.csv")).unwrap();
    // B: the same series, 5% more profitable.
    let daily = fs::read_to_string(run.join("daily.csv")).unwrap();
    let mut lines = daily.lines();
    let header = lines.next().unwrap();
    let cols: Vec<&str> = header.split(',').collect();
    let mut b = format!("{header}\n");
    for line in lines {
        let cells: Vec<String> = line
            .split(',')
            .zip(&cols)
            .map(
                |(v, c)| match (c.starts_with("profit_"), v.parse::<f64>()) {
                    (true, Ok(x)) => (x * 1.05).to_string(),
                    _ => v.to_string(),
                },
            )
            .collect();
        b.push_str(&cells.join(","));
        b.push('\n');
    }
    fs::write(dir.join("daily-b.csv"), b).unwrap();
    let comparison = r#"{
  "meta": {"a": {"config_path": "configs/expert-store.toml", "label": "expert-store"},
           "b": {"config_path": "configs/empowered.toml", "label": "empowered"},
           "seed": 42, "replications": 4},
  "verdict": "In this setting, empowered adds 4.1% profit.",
  "profit_difference": {"mean": 4100, "sd": 900, "ci_low": 2900, "ci_high": 5300},
  "profit_difference_percent": {"mean": 4.1, "ci_low": 2.9, "ci_high": 5.3},
  "share_b_better": 1.0,
  "prob_b_better": 0.999,
  "mechanisms": [
    {"name": "returning_visits", "description": "returning visits", "mean": 3000, "ci_low": 2000, "ci_high": 4000},
    {"name": "margin_per_served_visit", "description": "conversion", "mean": 1500, "ci_low": 900, "ci_high": 2100},
    {"name": "failure_visits_kept", "description": "recovery", "mean": 800, "ci_low": 300, "ci_high": 1300},
    {"name": "first_visits", "description": "referrals", "mean": 400, "ci_low": -100, "ci_high": 900},
    {"name": "lost_visits", "description": "balked", "mean": -300, "ci_low": -500, "ci_high": -100},
    {"name": "staffing_and_overtime", "description": "wages", "mean": -600, "ci_low": -800, "ci_high": -400},
    {"name": "giveaways_and_discounts", "description": "giveaways", "mean": -600, "ci_low": -800, "ci_high": -400},
    {"name": "hiring_and_training", "description": "hiring", "mean": -100, "ci_low": -300, "ci_high": 100},
    {"name": "other", "description": "other", "mean": 0, "ci_low": 0, "ci_high": 0}
  ],
  "kpis": [
    {"name": "profit", "unit": "EUR", "a": {"mean": 100000, "ci_low": 98000, "ci_high": 102000},
     "b": {"mean": 104100, "ci_low": 102000, "ci_high": 106200},
     "difference": {"mean": 4100, "sd": 900, "ci_low": 2900, "ci_high": 5300}},
    {"name": "annual_retention", "unit": "fraction/year", "a": {"mean": 0.5, "ci_low": 0.49, "ci_high": 0.51},
     "b": {"mean": 0.55, "ci_low": 0.54, "ci_high": 0.56},
     "difference": {"mean": 0.05, "sd": 0.01, "ci_low": 0.04, "ci_high": 0.06}},
    {"name": "queue_wait", "unit": "minutes", "a": {"mean": null, "ci_low": null, "ci_high": null},
     "b": {"mean": 1.0, "ci_low": 0.9, "ci_high": 1.1},
     "difference": {"mean": null, "sd": null, "ci_low": null, "ci_high": null}}
  ]
}"#;
    fs::write(dir.join("comparison.json"), comparison).unwrap();
    fs::write(dir.join("comparison.csv"), "kpi,unit\nprofit,EUR\n").unwrap();
    let manifest = serde_json::json!({
        "tool": "effectchain",
        "kind": "compare",
        "command_line": ["effectchain", "compare", "configs/expert-store.toml", "configs/empowered.toml"],
        "seed": 42,
        "replications": 4,
        "config_a": serde_json::from_slice::<serde_json::Value>(&fs::read(run.join("manifest.json")).unwrap()).unwrap()["config"].clone(),
        "config_b": {"not": "a config"}
    });
    fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    dir
}

#[test]
fn a_comparison_folder_gets_overlays_a_waterfall_and_a_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = compare_folder(tmp.path());
    let written = plot::render_folder(&dir).expect("the comparison renders");
    let report = check_rendered(&dir, &written, &["waterfall", "profit", "service-time"]);
    assert!(
        report.contains(
            "In this setting, empowered adds 4.1% profit over expert-store, 95% CI 2.9% to 5.3%; \
             the largest term of the profit decomposition is returning visits."
        ),
        "verdict from the numbers"
    );
    assert!(report.contains("empowered (B) compared with expert-store (A)"));
    assert!(report.contains("Where the profit difference comes from"));
    assert!(report.contains("effectchain compare configs/expert-store.toml configs/empowered.toml"));
    // A's config reads back as a config and is shown as TOML; B's is not a
    // config and is shown as JSON.
    assert!(report.contains("[simulation]"));
    assert!(report.contains("&quot;not&quot;: &quot;a config&quot;"));
    let waterfall = fs::read_to_string(dir.join("plot-waterfall.svg")).unwrap();
    assert!(waterfall.contains("aria-label=\"Total (B − A)\""));
    assert!(waterfall.contains("aria-label=\"Returning visits\""));
    let profit = fs::read_to_string(dir.join("plot-profit.svg")).unwrap();
    assert!(
        profit.contains("aria-label=\"B: empowered\""),
        "policy labels in the legend"
    );
}

#[test]
fn a_switch_analysis_gets_a_cumulative_plot_a_year_table_and_its_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = compare_folder(tmp.path());
    let path = dir.join("comparison.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let extra = serde_json::json!({
        "horizon_after_switch": {"unit": "days", "days": 728, "days_per_year": 364, "years": 2.0},
        "by_year": [
            {"year": 1, "days": 364, "unit": "EUR/year", "mean": -1500, "ci_low": -2500, "ci_high": -500},
            {"year": 2, "days": 364, "unit": "EUR/year", "mean": 4000, "ci_low": 3000, "ci_high": 5000}
        ],
        "payback": {"pays_within_horizon": true, "unit": "days after the switch", "day": 500,
                    "ci_early_day": 450, "ci_late_day": null, "definition": "..."},
        "long_run": {"unit": "EUR/year", "first_year": 2, "last_year": 2,
                     "mean": 4000, "ci_low": 3000, "ci_high": 5000, "definition": "..."},
        "npv": {"unit": "EUR", "discount_rate": 0.1, "mean": 2100, "ci_low": 900, "ci_high": 3300,
                "definition": "..."}
    });
    for (k, v) in extra.as_object().unwrap() {
        json[k] = v.clone();
    }
    fs::write(&path, json.to_string()).unwrap();
    let mut csv = String::from("day,mean,ci_low,ci_high\n");
    for d in 1..=728 {
        let m = -4.0 * f64::from(d.min(364)) + 11.0 * f64::from(d.max(364) - 364);
        csv.push_str(&format!(
            "{d},{m},{},{}\n",
            m - 0.5 * f64::from(d),
            m + 0.5 * f64::from(d)
        ));
    }
    fs::write(dir.join("cumulative-difference.csv"), csv).unwrap();
    let written = plot::render_folder(&dir).expect("the comparison renders");
    let report = check_rendered(&dir, &written, &["cumulative-difference", "waterfall"]);
    assert!(
        report.contains(
            "In year 2 after the switch, before both have settled (a difference takes about three \
             years to build up; simulation.years_after_switch = 5 reads years 4-5), empowered \
             adds €4,000 a year of profit over expert-store (95% CI €3,000 to €5,000); it pays back from day 500 after \
             the switch (95% CI day 450 to not within the horizon); NPV over the 2 years after \
             the switch at 10% a year +€2,100 (95% CI €900 to €3,300). The largest term of the \
             profit decomposition is returning visits."
        ),
        "the verdict rests on the long run and the payback"
    );
    assert!(report.contains("Profit difference by year after the switch"));
    assert!(report.contains("Long run, per year (year 2)"));
    assert!(!report.contains("warm-up"), "a comparison has no warm-up");
    let svg = fs::read_to_string(dir.join("plot-cumulative-difference.svg")).unwrap();
    assert!(svg.contains("Pays back: day 500"));
}

#[test]
fn an_unclear_or_negative_comparison_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = compare_folder(tmp.path());
    let path = dir.join("comparison.json");
    let text = fs::read_to_string(&path).unwrap();
    let unclear = text
        .replace(
            r#""mean": 4.1, "ci_low": 2.9"#,
            r#""mean": 0.5, "ci_low": -0.7"#,
        )
        .replace(
            r#""mean": 4100, "sd": 900, "ci_low": 2900"#,
            r#""mean": 500, "sd": 900, "ci_low": -700"#,
        );
    fs::write(&path, unclear).unwrap();
    plot::render_folder(&dir).unwrap();
    let report = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        report.contains("make about the same profit"),
        "{}",
        &report[..2000]
    );
}

/// Writes a sweep folder: `points.csv` from rows of (parameter values,
/// profit mean), with CIs of ±`half` and, with a baseline, differences.
fn sweep_folder(
    parent: &Path,
    name: &str,
    params: &[&str],
    rows: &[(Vec<f64>, f64, f64)],
    half: f64,
) -> PathBuf {
    let dir = parent.join(name);
    fs::create_dir(&dir).unwrap();
    let mut csv = format!(
        "point_id,{},profit_mean,profit_ci_low,profit_ci_high,mean_happiness_mean,mean_happiness_ci_low,mean_happiness_ci_high,profit_diff_mean,profit_diff_ci_low,profit_diff_ci_high,mean_happiness_diff_mean,mean_happiness_diff_ci_low,mean_happiness_diff_ci_high\n",
        params.join(",")
    );
    for (id, (values, profit, diff)) in rows.iter().enumerate() {
        let v: Vec<String> = values.iter().map(f64::to_string).collect();
        let happy = 0.6 + 0.01 * id as f64;
        csv.push_str(&format!(
            "{id},{},{profit},{},{},{happy},{},{},{diff},{},{},0.01,0,0.02\n",
            v.join(","),
            profit - half,
            profit + half,
            happy - 0.01,
            happy + 0.01,
            diff - half,
            diff + half
        ));
    }
    fs::write(dir.join("points.csv"), csv).unwrap();
    let manifest = serde_json::json!({
        "kind": "sweep", "version": "0.1.0", "fingerprint": "abc", "sweep_file": format!("configs/sweeps/{name}.toml"),
        "points": rows.len(), "seed": 7, "replications": 5, "parameters": params,
        "kpis": ["profit", "mean_happiness"], "baseline": [[params[0], "0.2"]], "header": ""
    });
    fs::write(dir.join("manifest.json"), manifest.to_string()).unwrap();
    dir
}

#[test]
fn a_one_parameter_sweep_shows_each_kpi_and_the_break_even() {
    let tmp = tempfile::tempdir().unwrap();
    // Profit rises to latitude 0.6 and falls after; against the baseline
    // (0.2) the difference turns negative between 0.8 and 1.0.
    let rows: Vec<(Vec<f64>, f64, f64)> = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        .iter()
        .map(|&x| {
            let profit = 100_000.0 + 60_000.0 * x - 55_000.0 * x * x;
            let base = 100_000.0 + 12_000.0 - 2_200.0;
            (vec![x], profit, profit - base)
        })
        .collect();
    let dir = sweep_folder(tmp.path(), "latitude", &["policy.latitude"], &rows, 500.0);
    let written = plot::render_folder(&dir).expect("the sweep renders");
    let report = check_rendered(
        &dir,
        &written,
        &["profit-difference", "kpi-profit", "kpi-mean-happiness"],
    );
    assert!(
        report.contains("Profit is highest at latitude = 0.6"),
        "best value"
    );
    assert!(
        report.contains("latitude stops paying beyond about 0.8"),
        "break-even"
    );
    assert!(report.contains("effectchain sweep configs/sweeps/latitude.toml"));
    let svg = fs::read_to_string(dir.join("plot-profit-difference.svg")).unwrap();
    assert!(svg.contains("Break-even at latitude ≈ 0.8"));
}

#[test]
fn a_two_parameter_sweep_gets_a_heatmap_with_the_break_even_contour() {
    let tmp = tempfile::tempdir().unwrap();
    let mut rows = Vec::new();
    for x in [0.0, 0.25, 0.5, 0.75, 1.0] {
        for staff in [5.0, 6.0, 7.0, 8.0] {
            let diff = 10_000.0 * x - 3_000.0 * (staff - 5.0);
            rows.push((vec![x, staff], 100_000.0 + diff, diff));
        }
    }
    let dir = sweep_folder(
        tmp.path(),
        "grid",
        &["policy.latitude", "policy.staff"],
        &rows,
        800.0,
    );
    let written = plot::render_folder(&dir).expect("the sweep renders");
    let report = check_rendered(
        &dir,
        &written,
        &[
            "heatmap-profit-difference",
            "heatmap-profit",
            "heatmap-mean-happiness",
        ],
    );
    assert!(report.contains("the heatmap's black contour marks the break-even"));
    let svg = fs::read_to_string(dir.join("plot-heatmap-profit-difference.svg")).unwrap();
    assert!(svg.contains("Break-even (difference = 0)"));
    // The contour: a thick black line over the cells.
    assert!(svg.contains(r##"stroke="#222222" stroke-width="5""##));
}

#[test]
fn a_sweep_of_many_parameters_gets_main_effects() {
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<(Vec<f64>, f64, f64)> = (0..30)
        .map(|i| {
            let (a, b, c) = (
                i as f64 / 29.0,
                ((i * 7) % 30) as f64 / 29.0,
                ((i * 11) % 30) as f64,
            );
            let diff = 5_000.0 * a - 1_000.0 * b + 10.0 * c;
            (vec![a, b, c], 100_000.0 + diff, diff)
        })
        .collect();
    let dir = sweep_folder(
        tmp.path(),
        "lhs",
        &["policy.latitude", "market.differentiation", "policy.staff"],
        &rows,
        300.0,
    );
    let written = plot::render_folder(&dir).expect("the sweep renders");
    let report = check_rendered(
        &dir,
        &written,
        &[
            "main-effects-profit-difference",
            "main-effects-profit",
            "main-effects-mean-happiness",
        ],
    );
    assert!(
        report.contains("Latitude moves profit the most"),
        "strongest main effect"
    );
}

#[test]
fn a_grid_finer_than_a_heatmap_shows_is_drawn_in_blocks() {
    let tmp = tempfile::tempdir().unwrap();
    // 401 × 3 grid points: blocks of 3 × 1 along the 401 latitudes. One
    // point makes the most profit; the story names it, not a block.
    let mut rows = Vec::new();
    for i in 0..401 {
        for staff in [5.0, 6.0, 7.0] {
            let x = f64::from(i) / 400.0;
            let spike = if i == 203 && staff == 6.0 {
                9_000.0
            } else {
                0.0
            };
            let diff = 4_000.0 * (x - 0.5) - 500.0 * (staff - 6.0) + spike;
            rows.push((vec![x, staff], 100_000.0 + diff, diff));
        }
    }
    let dir = sweep_folder(
        tmp.path(),
        "fine",
        &["policy.latitude", "policy.staff"],
        &rows,
        300.0,
    );
    let written = plot::render_folder(&dir).expect("the sweep renders");
    let report = check_rendered(
        &dir,
        &written,
        &[
            "heatmap-profit-difference",
            "heatmap-profit",
            "heatmap-mean-happiness",
        ],
    );
    assert!(
        report.contains("each cell is the mean of 3 × 1 grid points"),
        "the caption says how the grid is drawn"
    );
    assert!(
        report.contains("Profit is highest at latitude = 0.507, staff = 6"),
        "the best point is a grid point: {}",
        &report[..3000.min(report.len())]
    );
    // The cells are paths, one per colour, not 1,203 rectangles.
    let svg = fs::read_to_string(dir.join("plot-heatmap-profit-difference.svg")).unwrap();
    assert!(svg.matches("<rect").count() < 200, "cells drawn as paths");
}

#[test]
fn a_long_one_parameter_sweep_is_drawn_in_bins() {
    let tmp = tempfile::tempdir().unwrap();
    let rows: Vec<(Vec<f64>, f64, f64)> = (0..2500)
        .map(|i| {
            let x = f64::from(i) / 2499.0;
            let diff = 3_000.0 * (x - 0.3);
            (vec![x], 100_000.0 + diff, diff)
        })
        .collect();
    let dir = sweep_folder(tmp.path(), "long", &["policy.latitude"], &rows, 200.0);
    let written = plot::render_folder(&dir).expect("the sweep renders");
    let report = check_rendered(&dir, &written, &["profit-difference", "kpi-profit"]);
    assert!(
        report.contains("Each plotted point is the mean of 3 adjacent swept values"),
        "the caption says how the curve is drawn"
    );
    assert!(report.contains("Profit is highest at latitude = 1"));
}

#[test]
fn folders_without_results_or_with_broken_files_are_input_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let e = plot::render_folder(tmp.path()).unwrap_err();
    assert!(
        matches!(e, PlotError::NoResults { .. }) && e.is_bad_input(),
        "{e}"
    );
    fs::write(tmp.path().join("summary.json"), "{ not json").unwrap();
    fs::write(
        tmp.path().join("daily.csv"),
        "day,profit_mean,profit_ci_low,profit_ci_high\n0,1,0,2\n",
    )
    .unwrap();
    let e = plot::render_folder(tmp.path()).unwrap_err();
    assert!(
        matches!(e, PlotError::Read { .. }) && e.is_bad_input(),
        "{e}"
    );
    assert!(e.to_string().contains("summary.json"), "{e}");
    fs::write(tmp.path().join("points.csv"), "nonsense\n1\n").unwrap();
    assert!(plot::render_folder(tmp.path()).unwrap_err().is_bad_input());
    // Nothing was written next to the broken files.
    assert!(!tmp.path().join("report.html").exists());
}

#[test]
fn a_plot_that_cannot_be_written_is_a_failure_and_keeps_the_results() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_folder(tmp.path());
    let blocker = out.join("report.html");
    fs::create_dir(&blocker).unwrap();
    fs::write(blocker.join("keep"), "x").unwrap();
    let e = plot::render_folder(&out).unwrap_err();
    assert!(
        matches!(e, PlotError::Write { .. }) && !e.is_bad_input(),
        "{e}"
    );
    let output = effectchain().arg("plot").arg(&out).output().unwrap();
    assert_one_line_error(&output, 1, &["report.html"]);
    for f in output::FILES {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(
        !entries(&out).iter().any(|e| e.contains(".tmp")),
        "no temporary left"
    );
}

#[test]
fn a_sweep_without_rows_still_renders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("empty-sweep");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("points.csv"),
        "point_id,policy.latitude,profit_mean,profit_ci_low,profit_ci_high\n",
    )
    .unwrap();
    plot::render_folder(&dir).expect("an empty sweep renders");
    let report = fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(report.contains("The sweep ran 0 points"), "{report}");
}

/// A validation folder as `effectchain validate --reduced --only erosion
/// --only strain` would write it (two of the cheapest experiments).
fn validation_folder(parent: &Path) -> PathBuf {
    use effectchain::validate::{Size, EXPERIMENTS};
    let outcomes: Vec<_> = ["erosion", "strain"]
        .iter()
        .map(|name| {
            let e = EXPERIMENTS.iter().find(|e| e.name == *name).unwrap();
            (e.run)(Size::Reduced)
        })
        .collect();
    let line: Vec<String> = ["effectchain", "validate", "--reduced"]
        .map(String::from)
        .to_vec();
    let files = output::validation::render(&outcomes, "reduced", &line).unwrap();
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let out = parent.join("validation");
    output::write_folder_atomically(&out, output::FolderKind::Validation, &refs)
        .expect("the validation folder is written");
    out
}

#[test]
fn a_validation_folder_gets_a_plot_per_data_set_and_a_pass_fail_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = validation_folder(tmp.path());
    assert_eq!(plot::detect(&out), Some(plot::Kind::Validation));
    let written = plot::render_folder(&out).expect("the validation folder renders");
    let report = check_rendered(&out, &written, &["erosion-trajectory", "strain"]);
    assert!(report.contains("Does the model reproduce the literature?"));
    assert!(report.contains("<th>Verdict</th>"), "the summary table");
    let badges = report.matches("class=\"badge pass\">PASS").count()
        + report.matches("class=\"badge fail\">FAIL").count();
    // Two summary rows, two section headings, one per criterion (5 + 1).
    assert_eq!(badges, 10, "PASS/FAIL badges");
    for text in [
        "Oliva &amp; Sterman erosion ratchet",
        "Karasek job strain",
        "Karasek (1979), Administrative Science Quarterly",
        "Criteria",
        "effectchain validate --reduced",
    ] {
        assert!(report.contains(text), "report lacks `{text}`");
    }
    for f in ["validation.json", "validation.csv", "manifest.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // A broken validation.json is the caller's input error.
    fs::write(out.join("validation.json"), "{ not json").unwrap();
    assert!(plot::render_folder(&out).unwrap_err().is_bad_input());
}

#[test]
fn the_plot_command_renders_a_folder_and_rejects_others() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_folder(tmp.path());
    let output = effectchain().arg("plot").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(stdout(&output).contains("report.html"));
    assert!(out.join("plot-profit.png").is_file());

    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let output = effectchain().arg("plot").arg(&empty).output().unwrap();
    assert_one_line_error(&output, 2, &["no effectchain results"]);
    let output = effectchain()
        .arg("plot")
        .arg(tmp.path().join("missing"))
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, &["not a folder"]);
}

#[test]
fn run_draws_plots_by_default_and_not_with_no_plots() {
    let (dir, _) = scenario("tiny.toml", TINY);
    let run = |extra: &[&str], out: &str| {
        let output = effectchain()
            .current_dir(dir.path())
            .args(["run", "tiny.toml", "-r", "2", "--out", out])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        output
    };
    let output = run(&[], "with");
    assert!(stdout(&output).contains(&format!(
        "Report: {}",
        Path::new("with").join("report.html").display()
    )));
    assert!(dir.path().join("with").join("report.html").is_file());
    assert!(dir.path().join("with").join("plot-profit.svg").is_file());
    run(&["--no-plots"], "without");
    let mut expected: Vec<String> = output::FILES.iter().map(|s| s.to_string()).collect();
    expected.push(output::MARKER_FILE.into());
    expected.sort();
    assert_eq!(entries(&dir.path().join("without")), expected);
}

// ---------------------------------------------------------------------------
// Headless Chromium.

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs Chromium headless with `args` on `page`, killed after 90 s.
fn chromium(profile: &Path, args: &[String], page: &Path) -> std::process::Output {
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let child = cmd.spawn().expect("chromium starts");
    let id = child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&done);
    let watchdog = std::thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(90) {
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Only the browser this test started, by its id.
        let _ = Command::new("kill").arg(id.to_string()).status();
    });
    let output = child.wait_with_output().expect("chromium finishes");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = watchdog.join();
    output
}

/// Share of pixels of a PNG that are not near-white.
fn ink_share(png_path: &Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(channels);
    let total = (info.width * info.height) as f64;
    let inked = pixels
        .filter(|p| p.iter().take(3).any(|c| *c < 235))
        .count() as f64;
    inked / total
}

/// Loads `report` in Chromium: a screenshot is written and not blank, the
/// DOM holds every inline SVG, no image is broken and the console is clean.
fn check_in_browser(report: &Path, label: &str) {
    let profile = tempfile::tempdir().unwrap();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    fs::create_dir_all(&shots).unwrap();
    let shot = shots.join(format!("{label}.png"));
    let _ = fs::remove_file(&shot);
    let output = chromium(
        profile.path(),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
        ],
        report,
    );
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(shot.is_file(), "no screenshot; chromium said: {log}");
    assert!(
        fs::metadata(&shot).unwrap().len() > 30_000,
        "a near-empty screenshot"
    );
    let ink = ink_share(&shot);
    assert!(ink > 0.03, "the screenshot is blank ({ink:.3} inked)");
    // The page has no scripts, so any console message (Chromium logs them
    // as `INFO:CONSOLE`, `ERROR:CONSOLE`, ...) is a problem.
    for bad in [
        ":CONSOLE",
        "Uncaught",
        "Failed to load resource",
        "net::ERR_",
    ] {
        assert!(!log.contains(bad), "browser reported `{bad}`: {log}");
    }

    let profile = tempfile::tempdir().unwrap();
    let output = chromium(profile.path(), &["--dump-dom".into()], report);
    let dom = String::from_utf8_lossy(&output.stdout);
    let html = fs::read_to_string(report).unwrap();
    assert!(dom.contains("</html>"), "no DOM dumped");
    let figures = html.matches("<svg ").count();
    assert!(figures > 0);
    assert_eq!(
        dom.matches("<svg ").count(),
        figures,
        "every inline SVG is in the DOM"
    );
    assert_eq!(
        dom.matches("<img").count(),
        0,
        "no external images to break"
    );
    let log = String::from_utf8_lossy(&output.stderr);
    for bad in [":CONSOLE", "Uncaught"] {
        assert!(!log.contains(bad), "browser reported `{bad}`: {log}");
    }
    eprintln!(
        "{label}: screenshot {} ({:.0}% inked)",
        shot.display(),
        100.0 * ink
    );
}

#[test]
fn reports_load_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        // Written to the stderr handle, not with eprintln!, so the test
        // harness does not capture it: a skip is visible in every run.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED reports_load_in_headless_chromium: {CHROMIUM} is missing \
             (`apt-get install -y chromium`; .ci/run installs it)"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let run = run_folder(tmp.path());
    plot::render_folder(&run).unwrap();
    check_in_browser(&run.join("report.html"), "run");
    let sub = tmp.path().join("c");
    fs::create_dir(&sub).unwrap();
    let cmp = compare_folder(&sub);
    plot::render_folder(&cmp).unwrap();
    check_in_browser(&cmp.join("report.html"), "compare");
    let val = validation_folder(&sub);
    plot::render_folder(&val).unwrap();
    check_in_browser(&val.join("report.html"), "validation");
}
