//! The files of a policy comparison: `comparison.json` (every KPI of A, B
//! and the paired difference, the mechanism decomposition, the analysis of
//! the switch over time (by year, payback, long run, NPV) and the verdict),
//! `comparison.csv` (the KPI table), `cumulative-difference.csv` (the mean
//! cumulative paired profit difference per day after the switch with its
//! 95% CI), `daily-a.csv` and `daily-b.csv` (each policy's daily series, in
//! `daily.csv`'s format) and `manifest.json`.

use serde::Serialize;

use super::{csv, OutputError, MANIFEST_FILE, RNG_NAME, VERSION};
use crate::config::Config;
use crate::engine::KPI_DEFS;
use crate::experiment::compare::{ComparisonRuns, MECHANISMS};
use crate::experiment::stats::Stats;
use crate::experiment::switch::{SwitchAnalysis, DAYS_PER_YEAR};

/// The comparison's JSON.
pub const COMPARISON_FILE: &str = "comparison.json";
/// The KPI table as CSV.
pub const COMPARISON_CSV: &str = "comparison.csv";
/// The cumulative paired profit difference per day after the switch.
pub const CUMULATIVE_FILE: &str = "cumulative-difference.csv";
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
struct Horizon {
    unit: &'static str,
    days: usize,
    days_per_year: usize,
    years: f64,
}

#[derive(Serialize)]
struct YearRow {
    year: usize,
    days: usize,
    unit: &'static str,
    mean: f64,
    ci_low: f64,
    ci_high: f64,
}

#[derive(Serialize)]
struct PaybackJson {
    pays_within_horizon: bool,
    unit: &'static str,
    day: Option<usize>,
    ci_early_day: Option<usize>,
    ci_late_day: Option<usize>,
    definition: &'static str,
}

#[derive(Serialize)]
struct LongRunJson {
    unit: &'static str,
    first_year: usize,
    last_year: usize,
    mean: f64,
    ci_low: f64,
    ci_high: f64,
    definition: &'static str,
}

#[derive(Serialize)]
struct NpvJson {
    unit: &'static str,
    discount_rate: f64,
    mean: f64,
    ci_low: f64,
    ci_high: f64,
    definition: &'static str,
}

/// How the payback day is defined (written into `comparison.json`).
pub const PAYBACK_DEFINITION: &str =
    "first day after the switch (day 1 = the first day) from which \
     the mean cumulative paired profit difference B - A stays above zero to the end of the \
     horizon; ci_early_day and ci_late_day apply the same rule to the upper and the lower edge \
     of its 95% CI band; null = not within the horizon";
/// How the long-run difference is defined.
pub const LONG_RUN_DEFINITION: &str = "per replication, the mean yearly paired profit \
     difference B - A over the last max(1, floor(N/2)) whole years of the N after the switch \
     (the first half is the transient of the switch), then the mean and 95% CI across \
     replications";
/// How the NPV is defined.
pub const NPV_DEFINITION: &str = "per replication, the sum over days d = 1.. after the switch \
     of the paired profit difference B - A of day d times (1 + discount_rate)^(-d/364), then \
     the mean and 95% CI across replications";
/// What the verdict sentence rests on.
pub const VERDICT_BASIS: &str = "headline: long_run (EUR/year once both arms have settled) and \
     payback; support: npv; the largest term of the profit decomposition names the mechanism";

#[derive(Serialize)]
struct Meta<'a> {
    tool: &'static str,
    version: &'static str,
    a: &'a Side<'a>,
    b: &'a Side<'a>,
    seed: u64,
    replications: usize,
    common_random_numbers: bool,
    /// With A's `simulation.shared_burn_in`, the shared design; absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_burn_in: Option<&'static str>,
    confidence_level: f64,
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    meta: Meta<'a>,
    verdict: String,
    verdict_basis: &'static str,
    horizon_after_switch: Horizon,
    by_year: Vec<YearRow>,
    payback: PaybackJson,
    long_run: Option<LongRunJson>,
    npv: NpvJson,
    total_after_switch: Interval,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_burn_in: Option<&'static str>,
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

/// The mechanism carrying the largest share (in absolute value) of the
/// profit difference, as words (`returning visits`).
fn largest_term(runs: &ComparisonRuns) -> String {
    let (largest, _) = MECHANISMS
        .iter()
        .zip(&runs.comparison.mechanisms)
        .map(|((name, _), s)| (*name, s.mean))
        .fold(("none", 0.0f64), |best, (n, v)| {
            if v.abs() > best.1.abs() {
                (n, v)
            } else {
                best
            }
        });
    largest.replace('_', " ")
}

/// An amount in EUR for sentences: `12,345 EUR`, `-1,200 EUR`.
pub fn eur(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let text = format!("{:.0}", v.abs());
    let mut grouped = String::with_capacity(text.len() + text.len() / 3 + 1);
    if v < 0.0 && text.bytes().any(|b| b != b'0') {
        grouped.push('-');
    }
    for (i, c) in text.chars().enumerate() {
        if i > 0 && (text.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped.push_str(" EUR");
    grouped
}

/// `+12,345 EUR` / `-12,345 EUR`.
fn signed_eur(v: f64) -> String {
    if v > 0.0 && eur(v) != "0 EUR" {
        format!("+{}", eur(v))
    } else {
        eur(v)
    }
}

/// `the 5-year horizon` or `the 90-day horizon`.
pub fn horizon_text(days: usize) -> String {
    if days > 0 && days % DAYS_PER_YEAR == 0 {
        format!("the {}-year horizon", days / DAYS_PER_YEAR)
    } else {
        format!("the {days}-day horizon")
    }
}

/// `years 4-5` or `year 2`.
pub fn years_text(first: usize, last: usize) -> String {
    if first == last {
        format!("year {first}")
    } else {
        format!("years {first}-{last}")
    }
}

/// The first year after a switch from which the paired difference is
/// read as settled. Latitude's difference (configs/latitude-alone.toml
/// against expert-store, 40 pairs) is +9.7 k EUR in year 1, +18.1 k in
/// year 2, +21.9 k in year 3 and +24.2 k and +20.5 k in years 4 and 5: a
/// policy's difference takes about three years to build up, as customers'
/// happiness, bonds and the staff follow the switch.
pub const SETTLED_FROM_YEAR: usize = 4;

/// How a verdict on the long-run window opens: "once both have settled"
/// only when the window starts at [`SETTLED_FROM_YEAR`] or later; a
/// shorter horizon's second half is still the switch's transient.
pub fn long_run_opening(first: usize, last: usize) -> String {
    let years = years_text(first, last);
    if first >= SETTLED_FROM_YEAR {
        format!("Once both have settled ({years} after the switch)")
    } else {
        format!(
            "In {years} after the switch, before both have settled (a difference takes about \
             three years to build up; simulation.years_after_switch = 5 reads years 4-5)"
        )
    }
}

/// The payback clause of the verdict.
pub fn payback_text(s: &SwitchAnalysis) -> String {
    let p = &s.payback;
    let late =
        |d: Option<usize>| d.map_or("not within the horizon".to_string(), |d| format!("day {d}"));
    match p.day {
        Some(d) => format!(
            "it pays back from day {d} after the switch (95% CI {} to {})",
            late(p.ci_early),
            late(p.ci_late)
        ),
        None => match p.ci_early {
            Some(e) => format!(
                "it does not pay back within {} (the upper edge of the 95% CI does from day {e})",
                horizon_text(s.days)
            ),
            None => format!("it does not pay back within {}", horizon_text(s.days)),
        },
    }
}

/// The one-sentence verdict, from the numbers. Its headline is the
/// long-run profit difference per year (once both arms have settled) and
/// the payback day; the NPV over the horizon supports it (see
/// [`VERDICT_BASIS`]). A horizon shorter than a year falls back on the
/// profit difference over the KPI window.
pub fn verdict(runs: &ComparisonRuns, a: &Side<'_>, b: &Side<'_>) -> String {
    let c = &runs.comparison;
    let s = &c.switch;
    let through = largest_term(runs);
    let Some(long) = s.long_run else {
        return window_verdict(runs, a, b, &through);
    };
    let l = &long.per_year;
    let opening = long_run_opening(long.first_year, long.last_year);
    let head = if l.ci_low > 0.0 {
        format!(
            "{opening}, {} adds {} a year of profit compared with {} (95% CI {} to {})",
            b.label,
            eur(l.mean),
            a.label,
            eur(l.ci_low),
            eur(l.ci_high)
        )
    } else if l.ci_high < 0.0 {
        format!(
            "{opening}, {} loses {} a year of profit compared with {} (95% CI {} to {})",
            b.label,
            eur(-l.mean),
            a.label,
            eur(-l.ci_high),
            eur(-l.ci_low)
        )
    } else {
        format!(
            "{opening}, {} makes no clear difference to profit compared with {} ({} a year, 95% CI {} to {})",
            b.label,
            a.label,
            signed_eur(l.mean),
            eur(l.ci_low),
            eur(l.ci_high)
        )
    };
    format!(
        "{head}; {}; NPV over {} at {}% a year {} (95% CI {} to {}). Largest term of the profit decomposition: {through}.",
        payback_text(s),
        horizon_text(s.days),
        (1000.0 * s.discount_rate).round() / 10.0,
        signed_eur(s.npv.mean),
        eur(s.npv.ci_low),
        eur(s.npv.ci_high)
    )
}

/// The verdict from the profit difference over the KPI window, for a
/// horizon without a whole year after the switch.
fn window_verdict(runs: &ComparisonRuns, a: &Side<'_>, b: &Side<'_>, through: &str) -> String {
    let d = &runs.comparison.difference[profit_index()];
    let pct = percent(runs);
    let direction = if d.ci_low > 0.0 {
        "adds"
    } else if d.ci_high < 0.0 {
        "loses"
    } else {
        "makes no clear difference to"
    };
    if direction == "makes no clear difference to" {
        format!(
            "In this setting, {} {} profit compared with {} ({:+.1}%, 95% CI {:+.1}% to {:+.1}%); the largest term of the profit decomposition is {}.",
            b.label, direction, a.label, pct.mean, pct.ci_low, pct.ci_high, through
        )
    } else {
        format!(
            "In this setting, {} {} {:.1}% profit compared with {}, 95% CI {:.1}% to {:.1}%; the largest term of the profit decomposition is {}.",
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
            shared_burn_in: super::json::shared_burn_in(&a.config.simulation),
            confidence_level: 0.95,
        },
        verdict: verdict(runs, a, b),
        verdict_basis: VERDICT_BASIS,
        horizon_after_switch: Horizon {
            unit: "days",
            days: c.switch.days,
            days_per_year: DAYS_PER_YEAR,
            years: c.switch.days as f64 / DAYS_PER_YEAR as f64,
        },
        by_year: c
            .switch
            .by_year
            .iter()
            .map(|y| YearRow {
                year: y.year,
                days: y.days,
                unit: if y.days == DAYS_PER_YEAR {
                    "EUR/year"
                } else {
                    "EUR (part year)"
                },
                mean: y.difference.mean,
                ci_low: y.difference.ci_low,
                ci_high: y.difference.ci_high,
            })
            .collect(),
        payback: PaybackJson {
            pays_within_horizon: c.switch.payback.pays_within_horizon(),
            unit: "days after the switch",
            day: c.switch.payback.day,
            ci_early_day: c.switch.payback.ci_early,
            ci_late_day: c.switch.payback.ci_late,
            definition: PAYBACK_DEFINITION,
        },
        long_run: c.switch.long_run.map(|l| LongRunJson {
            unit: "EUR/year",
            first_year: l.first_year,
            last_year: l.last_year,
            mean: l.per_year.mean,
            ci_low: l.per_year.ci_low,
            ci_high: l.per_year.ci_high,
            definition: LONG_RUN_DEFINITION,
        }),
        npv: NpvJson {
            unit: "EUR",
            discount_rate: c.switch.discount_rate,
            mean: c.switch.npv.mean,
            ci_low: c.switch.npv.ci_low,
            ci_high: c.switch.npv.ci_high,
            definition: NPV_DEFINITION,
        },
        total_after_switch: interval(&c.switch.total),
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

    let mut table = super::csv::record(super::columns::comparison());
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

    let mut cumulative = super::csv::record(super::columns::cumulative());
    for (t, st) in c.switch.cumulative.iter().enumerate() {
        cumulative.push_str(&format!(
            "{},{},{},{}\n",
            t + 1,
            st.mean,
            st.ci_low,
            st.ci_high
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
        shared_burn_in: super::json::shared_burn_in(&a.config.simulation),
        config_a: a.config,
        config_b: b.config,
    };
    let mut manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(json_err(MANIFEST_FILE))?;
    manifest_bytes.push(b'\n');
    Ok(vec![
        (COMPARISON_FILE, json),
        (COMPARISON_CSV, table.into_bytes()),
        (CUMULATIVE_FILE, cumulative.into_bytes()),
        (DAILY_A_FILE, csv::daily(&runs.a)?),
        (DAILY_B_FILE, csv::daily(&runs.b)?),
        (MANIFEST_FILE, manifest_bytes),
    ])
}

#[cfg(test)]
mod tests {
    use super::long_run_opening;

    /// Only a window from year 4 on is called settled: a shorter horizon's
    /// second half is still the transient of the switch.
    #[test]
    fn only_a_window_after_the_first_year_is_called_settled() {
        assert_eq!(
            long_run_opening(4, 5),
            "Once both have settled (years 4-5 after the switch)"
        );
        assert_eq!(
            long_run_opening(4, 6),
            "Once both have settled (years 4-6 after the switch)"
        );
        for (first, last) in [(1, 1), (2, 2), (3, 4)] {
            let opening = long_run_opening(first, last);
            assert!(opening.contains("before both have settled"), "{opening}");
            assert!(!opening.contains("Once both have settled"), "{opening}");
        }
    }
}
