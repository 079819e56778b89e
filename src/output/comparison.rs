//! The files of a policy comparison: `comparison.json` (every KPI of A, B
//! and the paired difference, the mechanism decomposition and the verdict),
//! `comparison.csv` (the KPI table), `daily-a.csv` and `daily-b.csv` (each
//! policy's daily series, in `daily.csv`'s format) and `manifest.json`.

use serde::Serialize;

use super::{csv, OutputError, MANIFEST_FILE, RNG_NAME, VERSION};
use crate::config::Config;
use crate::engine::KPI_DEFS;
use crate::experiment::compare::{ComparisonRuns, MECHANISMS};
use crate::experiment::stats::Stats;

/// The comparison's JSON.
pub const COMPARISON_FILE: &str = "comparison.json";
/// The KPI table as CSV.
pub const COMPARISON_CSV: &str = "comparison.csv";
/// Policy A's daily series.
pub const DAILY_A_FILE: &str = "daily-a.csv";
/// Policy B's daily series.
pub const DAILY_B_FILE: &str = "daily-b.csv";

/// One side of a comparison as the user named it.
#[derive(Debug, Clone, Serialize)]
pub struct Side<'a> {
    /// Short label (the config file stem).
    pub label: String,
    pub config_path: String,
    #[serde(skip)]
    pub config: &'a Config,
}

#[derive(Serialize)]
struct Interval {
    mean: f64,
    ci_low: f64,
    ci_high: f64,
}

#[derive(Serialize)]
struct Difference {
    mean: f64,
    sd: f64,
    ci_low: f64,
    ci_high: f64,
}

#[derive(Serialize)]
struct KpiRow {
    name: &'static str,
    unit: &'static str,
    a: Interval,
    b: Interval,
    difference: Difference,
}

#[derive(Serialize)]
struct MechanismRow {
    name: &'static str,
    description: &'static str,
    mean: f64,
    ci_low: f64,
    ci_high: f64,
}

#[derive(Serialize)]
struct Meta<'a> {
    tool: &'static str,
    version: &'static str,
    a: &'a Side<'a>,
    b: &'a Side<'a>,
    seed: u64,
    replications: usize,
    common_random_numbers: bool,
    confidence_level: f64,
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    meta: Meta<'a>,
    verdict: String,
    profit_difference: Difference,
    profit_difference_percent: Interval,
    share_b_better: f64,
    prob_b_better: f64,
    mechanisms: Vec<MechanismRow>,
    kpis: Vec<KpiRow>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    kind: &'static str,
    version: &'static str,
    rng: &'static str,
    command_line: &'a [String],
    seed: u64,
    replications: usize,
    a: &'a Side<'a>,
    b: &'a Side<'a>,
    config_a: &'a Config,
    config_b: &'a Config,
}

fn interval(s: &Stats) -> Interval {
    Interval {
        mean: s.mean,
        ci_low: s.ci_low,
        ci_high: s.ci_high,
    }
}

fn difference(s: &Stats) -> Difference {
    Difference {
        mean: s.mean,
        sd: s.sd,
        ci_low: s.ci_low,
        ci_high: s.ci_high,
    }
}

fn profit_index() -> usize {
    KPI_DEFS
        .iter()
        .position(|d| d.name == "profit")
        .expect("profit is a KPI")
}

/// The profit difference as a percentage of A's mean profit.
fn percent(runs: &ComparisonRuns) -> Interval {
    let c = &runs.comparison;
    let base = c.a[profit_index()].mean.abs();
    let d = &c.difference[profit_index()];
    let pct = |v: f64| {
        if base > 0.0 {
            100.0 * v / base
        } else {
            f64::NAN
        }
    };
    Interval {
        mean: pct(d.mean),
        ci_low: pct(d.ci_low),
        ci_high: pct(d.ci_high),
    }
}

/// The one-sentence verdict, from the numbers.
pub fn verdict(runs: &ComparisonRuns, a: &Side<'_>, b: &Side<'_>) -> String {
    let c = &runs.comparison;
    let d = &c.difference[profit_index()];
    let pct = percent(runs);
    let (largest, _) = MECHANISMS
        .iter()
        .zip(&c.mechanisms)
        .map(|((name, _), s)| (*name, s.mean))
        .fold(("none", 0.0f64), |best, (n, v)| {
            if v.abs() > best.1.abs() {
                (n, v)
            } else {
                best
            }
        });
    let direction = if d.ci_low > 0.0 {
        "adds"
    } else if d.ci_high < 0.0 {
        "loses"
    } else {
        "makes no clear difference to"
    };
    let through = largest.replace('_', " ");
    if direction == "makes no clear difference to" {
        format!(
            "In this setting, {} {} profit compared with {} ({:+.1}%, 95% CI {:+.1}% to {:+.1}%); the largest single effect is {}.",
            b.label, direction, a.label, pct.mean, pct.ci_low, pct.ci_high, through
        )
    } else {
        format!(
            "In this setting, {} {} {:.1}% profit compared with {}, 95% CI {:.1}% to {:.1}%, mostly through {}.",
            b.label,
            direction,
            pct.mean.abs(),
            a.label,
            if direction == "adds" { pct.ci_low } else { -pct.ci_high },
            if direction == "adds" { pct.ci_high } else { -pct.ci_low },
            through
        )
    }
}

/// Renders every file of the comparison folder.
pub fn render(
    runs: &ComparisonRuns,
    a: &Side<'_>,
    b: &Side<'_>,
    command_line: &[String],
) -> Result<Vec<(&'static str, Vec<u8>)>, OutputError> {
    let c = &runs.comparison;
    let json_err = |file: &'static str| {
        move |e: serde_json::Error| OutputError::Render {
            file,
            message: e.to_string(),
        }
    };
    let body = ComparisonJson {
        meta: Meta {
            tool: "effectchain",
            version: VERSION,
            a,
            b,
            seed: c.seed,
            replications: c.replications,
            common_random_numbers: true,
            confidence_level: 0.95,
        },
        verdict: verdict(runs, a, b),
        profit_difference: difference(&c.difference[profit_index()]),
        profit_difference_percent: percent(runs),
        share_b_better: c.share_b_better,
        prob_b_better: c.prob_b_better,
        mechanisms: MECHANISMS
            .iter()
            .zip(&c.mechanisms)
            .map(|((name, description), s)| MechanismRow {
                name,
                description,
                mean: s.mean,
                ci_low: s.ci_low,
                ci_high: s.ci_high,
            })
            .collect(),
        kpis: KPI_DEFS
            .iter()
            .enumerate()
            .map(|(i, def)| KpiRow {
                name: def.name,
                unit: def.unit,
                a: interval(&c.a[i]),
                b: interval(&c.b[i]),
                difference: difference(&c.difference[i]),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&body).map_err(json_err(COMPARISON_FILE))?;
    json.push(b'\n');

    let mut table = String::from("kpi,unit,a_mean,a_ci_low,a_ci_high,b_mean,b_ci_low,b_ci_high,difference_mean,difference_ci_low,difference_ci_high\n");
    for (i, def) in KPI_DEFS.iter().enumerate() {
        let (x, y, d) = (&c.a[i], &c.b[i], &c.difference[i]);
        table.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            def.name,
            def.unit,
            x.mean,
            x.ci_low,
            x.ci_high,
            y.mean,
            y.ci_low,
            y.ci_high,
            d.mean,
            d.ci_low,
            d.ci_high
        ));
    }
    for ((name, _), s) in MECHANISMS.iter().zip(&c.mechanisms) {
        table.push_str(&format!(
            "profit_from_{name},EUR,,,,,,,{},{},{}\n",
            s.mean, s.ci_low, s.ci_high
        ));
    }

    let manifest = Manifest {
        tool: "effectchain",
        kind: "compare",
        version: VERSION,
        rng: RNG_NAME,
        command_line,
        seed: c.seed,
        replications: c.replications,
        a,
        b,
        config_a: a.config,
        config_b: b.config,
    };
    let mut manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(json_err(MANIFEST_FILE))?;
    manifest_bytes.push(b'\n');
    Ok(vec![
        (COMPARISON_FILE, json),
        (COMPARISON_CSV, table.into_bytes()),
        (DAILY_A_FILE, csv::daily(&runs.a)?),
        (DAILY_B_FILE, csv::daily(&runs.b)?),
        (MANIFEST_FILE, manifest_bytes),
    ])
}
