//! The figures and the story of a comparison folder (`effectchain
//! compare`): the cumulative paired profit difference after the switch with
//! its 95% CI band and the payback day, both policies' daily series
//! overlaid, and a waterfall of the profit difference by term ending in the
//! total with its 95% CI. Both arms start from the same settled store at
//! the switch, so the series have no warm-up.
//!
//! `comparison.json` is read as untyped JSON, key by key, so that a field
//! added or missing in another version degrades the report instead of
//! failing it.

use std::path::Path;

use serde_json::Value;

use super::chart::{self, BandChart, Curve, Rule};
use super::data::{self, Estimate};
use super::report::{HtmlTable, Story};
use super::run::{folder_name, notes, rerun, HEADLINE};
use super::series::{self, Context, Source};
use super::style::{self, BLUE, INK, VERMILLION};
use super::waterfall::{self, Waterfall};
use super::{Figure, PlotError};

/// Days in a year after the switch, as the analysis counts them.
const YEAR: f64 = crate::experiment::switch::DAYS_PER_YEAR as f64;
use crate::config::Config;
use crate::experiment::compare::MECHANISMS;
use crate::output::columns;

pub use crate::output::comparison::{COMPARISON_FILE, CUMULATIVE_FILE, DAILY_A_FILE, DAILY_B_FILE};
pub use crate::output::MANIFEST_FILE;

/// One mechanism's share of the profit difference.
#[derive(Debug, Clone)]
pub struct Contribution {
    pub name: String,
    pub description: String,
    pub value: Estimate,
}

/// One KPI of the comparison: name, A, B and the paired difference B - A.
type KpiRow = (String, Option<Estimate>, Option<Estimate>, Option<Estimate>);

/// A payback day and the early and late ends of its CI.
type Days3 = (Option<u64>, Option<u64>, Option<u64>);

/// What the report needs from `comparison.json` and the manifest.
struct Comparison {
    a: String,
    b: String,
    a_path: Option<String>,
    b_path: Option<String>,
    replications: Option<u64>,
    seed: Option<String>,
    /// Days after the switch (the horizon both arms run).
    window: Option<f64>,
    kpis: Vec<KpiRow>,
    /// (year, days, difference) per year after the switch.
    by_year: Vec<(u64, u64, Estimate)>,
    /// Payback day with the early and late end of its CI (None: not
    /// within the horizon); None when the file has no payback.
    payback: Option<Days3>,
    /// (first year, last year, difference per year).
    long_run: Option<(u64, u64, Estimate)>,
    /// (discount rate, NPV).
    npv: Option<(f64, Estimate)>,
    mechanisms: Vec<Contribution>,
    difference: Option<Estimate>,
    percent: Option<Estimate>,
    share_b_better: Option<f64>,
    prob_b_better: Option<f64>,
    verdict: Option<String>,
}

impl Comparison {
    fn kpi(&self, name: &str) -> Option<&KpiRow> {
        self.kpis.iter().find(|k| k.0 == name)
    }
}

fn read(json: &Value, manifest: Option<&Value>) -> Comparison {
    let meta = json.get("meta").cloned().unwrap_or(Value::Null);
    let side = |key: &str, fallback: &str| -> (String, Option<String>) {
        let s = meta
            .get(key)
            .or_else(|| manifest.and_then(|m| m.get(key)))
            .cloned()
            .unwrap_or(Value::Null);
        let path = data::text(&s, "config_path").map(str::to_string);
        let label = data::text(&s, "label")
            .map(str::to_string)
            .or_else(|| path.as_deref().map(data::stem))
            .unwrap_or_else(|| fallback.to_string());
        (label, path)
    };
    let (a, a_path) = side("a", "A");
    let (b, b_path) = side("b", "B");
    let config_a = manifest.and_then(|m| m.get("config_a"));
    let sim = |key: &str| config_a.and_then(|c| data::num(c.get("simulation")?, key));
    let horizon = json
        .get("horizon_after_switch")
        .and_then(|h| data::num(h, "days"))
        .or_else(|| sim("years_after_switch").map(|y| YEAR * y));
    let day = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64);
    let by_year = data::items(json, "by_year")
        .iter()
        .filter_map(|r| {
            Some((
                day(r, "year")?,
                day(r, "days").unwrap_or(364),
                Estimate::of(r)?,
            ))
        })
        .collect();
    let payback = json
        .get("payback")
        .filter(|p| p.is_object())
        .map(|p| (day(p, "day"), day(p, "ci_early_day"), day(p, "ci_late_day")));
    let long_run = json.get("long_run").and_then(|l| {
        Some((
            day(l, "first_year")?,
            day(l, "last_year")?,
            Estimate::of(l)?,
        ))
    });
    let npv = json.get("npv").and_then(|n| {
        Some((
            data::num(n, "discount_rate").unwrap_or(f64::NAN),
            Estimate::of(n)?,
        ))
    });
    let kpis = data::items(json, "kpis")
        .iter()
        .filter_map(|r| {
            let name = data::text(r, "name")?.to_string();
            let get = |k: &str| r.get(k).and_then(Estimate::of);
            Some((name, get("a"), get("b"), get("difference")))
        })
        .collect();
    let mut mechanisms: Vec<Contribution> = data::items(json, "mechanisms")
        .iter()
        .filter_map(|r| {
            Some(Contribution {
                name: data::text(r, "name")?.to_string(),
                description: data::text(r, "description").unwrap_or("").to_string(),
                value: Estimate::of(r)?,
            })
        })
        .collect();
    let order = |name: &str| {
        MECHANISMS
            .iter()
            .position(|(n, _)| *n == name)
            .unwrap_or(MECHANISMS.len())
    };
    mechanisms.sort_by_key(|m| order(&m.name));
    let mut comparison = Comparison {
        a,
        b,
        a_path,
        b_path,
        replications: data::num(&meta, "replications")
            .or_else(|| manifest.and_then(|m| data::num(m, "replications")))
            .map(|r| r as u64),
        seed: meta
            .get("seed")
            .or_else(|| manifest?.get("seed"))
            .map(Value::to_string),
        window: horizon,
        kpis,
        by_year,
        payback,
        long_run,
        npv,
        mechanisms,
        difference: json.get("profit_difference").and_then(Estimate::of),
        percent: json.get("profit_difference_percent").and_then(Estimate::of),
        share_b_better: data::num(json, "share_b_better"),
        prob_b_better: data::num(json, "prob_b_better"),
        verdict: data::text(json, "verdict").map(str::to_string),
    };
    if comparison.difference.is_none() {
        comparison.difference = comparison.kpi("profit").and_then(|k| k.3);
    }
    if comparison.percent.is_none() {
        let base = comparison.kpi("profit").and_then(|k| k.1).map(|a| a.mean);
        if let (Some(base), Some(d)) = (base, comparison.difference) {
            if base > 0.0 {
                comparison.percent = Some(Estimate {
                    mean: 100.0 * d.mean / base,
                    lo: 100.0 * d.lo / base,
                    hi: 100.0 * d.hi / base,
                });
            }
        }
    }
    if comparison.a == comparison.b {
        comparison.a = format!("{} (A)", comparison.a);
        comparison.b = format!("{} (B)", comparison.b);
    }
    comparison
}

/// Reads a comparison folder and builds its story and figures.
pub fn build(dir: &Path) -> Result<(Story, Vec<Figure>), PlotError> {
    let json = data::read_json(&dir.join(COMPARISON_FILE))?;
    let manifest = data::read_json_opt(&dir.join(MANIFEST_FILE))?;
    let c = read(&json, manifest.as_ref());
    let read_daily = |file: &str| {
        let path = dir.join(file);
        if path.is_file() {
            data::read_daily(&path).map(Some)
        } else {
            Ok(None)
        }
    };
    let daily_a = read_daily(DAILY_A_FILE)?;
    let daily_b = read_daily(DAILY_B_FILE)?;

    let mut figures = Vec::new();
    let cumulative_path = dir.join(CUMULATIVE_FILE);
    if cumulative_path.is_file() {
        let table = data::read_table(&cumulative_path)?;
        if let Some(figure) = cumulative(&c, &table)? {
            figures.push(figure);
        }
    }
    if !c.mechanisms.is_empty() || c.difference.is_some() {
        figures.push(waterfall(&c)?);
    }
    let mut sources = Vec::new();
    if let Some(d) = &daily_a {
        sources.push(Source {
            label: format!("A: {}", c.a),
            daily: d,
        });
    }
    if let Some(d) = &daily_b {
        sources.push(Source {
            label: format!("B: {}", c.b),
            daily: d,
        });
    }
    if !sources.is_empty() {
        figures.extend(series::daily_figures(
            &sources,
            &Context {
                what: format!("{} (B) vs {} (A)", c.b, c.a),
                replications: c.replications,
                // Both arms start from the same settled store: no warm-up.
                warmup: None,
                note: "Day 0 is the first day after the switch. Overlapping bands do not mean no difference: the paired difference \
                       (see the waterfall) is far more precise."
                    .into(),
            },
        )?);
    }

    let story = story(dir, &c, manifest.as_ref());
    Ok((story, figures))
}

fn window_text(c: &Comparison) -> String {
    c.window
        .map_or("the horizon after the switch".to_string(), |d| {
            if d > 0.0 && d % YEAR == 0.0 {
                format!("the {:.0} years after the switch", d / YEAR)
            } else {
                format!("the {d:.0} days after the switch")
            }
        })
}

/// `years 4-5` or `year 2`.
fn years_text(first: u64, last: u64) -> String {
    if first == last {
        format!("year {first}")
    } else {
        format!("years {first}-{last}")
    }
}

/// `day 213`, or `not within the horizon`.
fn day_text(d: Option<u64>) -> String {
    d.map_or("not within the horizon".to_string(), |d| format!("day {d}"))
}

/// The payback clause: `it pays back from day 213 after the switch (95% CI
/// day 150 to day 290)`.
fn payback_text(c: &Comparison, (day, early, late): Days3) -> String {
    match day {
        Some(d) => format!(
            "it pays back from day {d} after the switch (95% CI {} to {})",
            day_text(early),
            day_text(late)
        ),
        None => format!("it does not pay back within {}", window_text(c)),
    }
}

/// The verdict from the long-run difference per year and the payback day
/// (the headline) and the NPV (support), when the comparison has them.
fn switch_verdict(c: &Comparison) -> Option<String> {
    let (first, last, l) = c.long_run?;
    let opening = crate::output::comparison::long_run_opening(first as usize, last as usize);
    let mut s = if l.lo > 0.0 {
        format!(
            "{opening}, {} adds {} a year of profit over {} (95% CI {} to {})",
            c.b,
            style::eur(l.mean),
            c.a,
            style::eur(l.lo),
            style::eur(l.hi)
        )
    } else if l.hi < 0.0 {
        format!(
            "{opening}, {} loses {} a year of profit against {} (95% CI {} to {})",
            c.b,
            style::eur(-l.mean),
            c.a,
            style::eur(-l.hi),
            style::eur(-l.lo)
        )
    } else {
        format!(
            "{opening}, {} and {} make about the same profit: {} a year, 95% CI {} to {}",
            c.b,
            c.a,
            style::signed_eur(l.mean),
            style::eur(l.lo),
            style::eur(l.hi)
        )
    };
    if let Some(p) = c.payback {
        s.push_str("; ");
        s.push_str(&payback_text(c, p));
    }
    if let Some((rate, npv)) = c.npv {
        let at = if rate.is_finite() {
            format!(" at {}% a year", (1000.0 * rate).round() / 10.0)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "; NPV over {}{at} {} (95% CI {} to {})",
            window_text(c),
            style::signed_eur(npv.mean),
            style::eur(npv.lo),
            style::eur(npv.hi)
        ));
    }
    s.push('.');
    if let Some(m) = c
        .mechanisms
        .iter()
        .filter(|m| m.value.mean != 0.0)
        .max_by(|x, y| x.value.mean.abs().total_cmp(&y.value.mean.abs()))
    {
        s.push_str(&format!(
            " The largest term of the profit decomposition is {}.",
            style::mechanism_name(&m.name).to_lowercase()
        ));
    }
    Some(s)
}

/// The one-sentence verdict from the numbers: the long-run difference per
/// year and the payback day, with the NPV in support; without them (an
/// older folder) the profit difference over the window.
fn verdict(c: &Comparison) -> String {
    if let Some(v) = switch_verdict(c) {
        return v;
    }
    let Some(d) = c.difference else {
        return c
            .verdict
            .clone()
            .unwrap_or_else(|| "The comparison records no profit difference.".into());
    };
    let amount = |e: &Estimate, sign: f64| match c.percent {
        Some(p) => {
            let (lo, hi) = if sign > 0.0 {
                (p.lo, p.hi)
            } else {
                (-p.hi, -p.lo)
            };
            (
                format!("{:.1}%", (sign * p.mean).abs()),
                format!("95% CI {lo:.1}% to {hi:.1}%"),
            )
        }
        None => {
            let (lo, hi) = if sign > 0.0 {
                (e.lo, e.hi)
            } else {
                (-e.hi, -e.lo)
            };
            (
                style::eur((sign * e.mean).abs()),
                format!("95% CI {} to {}", style::eur(lo), style::eur(hi)),
            )
        }
    };
    let through = |_positive: bool| {
        let best = c
            .mechanisms
            .iter()
            .filter(|m| m.value.mean != 0.0)
            .max_by(|x, y| x.value.mean.abs().total_cmp(&y.value.mean.abs()));
        best.map_or(String::new(), |m| {
            format!(
                "; the largest term of the profit decomposition is {}",
                style::mechanism_name(&m.name).to_lowercase()
            )
        })
    };
    if d.lo > 0.0 {
        let (size, ci) = amount(&d, 1.0);
        let of = if c.percent.is_some() {
            " profit"
        } else {
            " of profit"
        };
        format!(
            "In this setting, {} adds {size}{of} over {}, {ci}{}.",
            c.b,
            c.a,
            through(true)
        )
    } else if d.hi < 0.0 {
        let (size, ci) = amount(&d, -1.0);
        let of = if c.percent.is_some() {
            format!(" of {}'s profit", c.a)
        } else {
            " of profit".to_string()
        };
        format!(
            "In this setting, {} loses {size}{of}, {ci}{}.",
            c.b,
            through(false)
        )
    } else {
        let ci = match c.percent {
            Some(p) => format!("{:+.1}%, 95% CI {:+.1}% to {:+.1}%", p.mean, p.lo, p.hi),
            None => format!(
                "{}, 95% CI {} to {}",
                style::signed_eur(d.mean),
                style::eur(d.lo),
                style::eur(d.hi)
            ),
        };
        format!(
            "In this setting, {} and {} make about the same profit: the difference ({ci}) \
             could be zero.",
            c.b, c.a
        )
    }
}

fn story(dir: &Path, c: &Comparison, manifest: Option<&Value>) -> Story {
    let window = window_text(c);
    let mut story = Story {
        kind: "Policy comparison".into(),
        heading: format!("{} (B) compared with {} (A)", c.b, c.a),
        question: format!(
            "Starting from the settled store, does switching from {} to {} pay, when, and by \
             how much a year in the long run?",
            c.a, c.b
        ),
        verdict: verdict(c),
        ..Story::default()
    };
    story.facts = facts(c, &window);
    story.tables = tables(c, &window);
    story.settings = settings(c);
    if let Some(m) = manifest {
        story.rerun = rerun(m);
        for (key, label) in [("config_a", &c.a), ("config_b", &c.b)] {
            if let Some(text) = m.get(key).and_then(config_text) {
                let side = if key == "config_a" { "A" } else { "B" };
                story.configs.push((
                    format!("Config of policy {side} ({label}), every default filled in"),
                    text,
                ));
            }
        }
    }
    if story.rerun.is_empty() {
        story.rerun.push(format!(
            "# to redraw the plots and this page: effectchain plot {}",
            folder_name(dir)
        ));
    }
    // A comparison has no warm-up: both arms start from the same settled
    // store at the switch.
    story.notes = notes()
        .into_iter()
        .filter(|n| !n.contains("warm-up"))
        .collect();
    story.notes.push(
        "Both policies start from the same settled store (burnt in under A's policy) and run \
         from the switch on; KPIs and money cover the days after the switch, in EUR."
            .into(),
    );
    story.notes.push(
        "Common random numbers: both policies face the same customers and the same random \
         events in each replication pair, so the difference shows the policy, not luck."
            .into(),
    );
    story
}

/// The report's sentences: the long run, the payback, the NPV, the profit
/// of each arm over `window`, the chance that B is better and the terms
/// that drive the difference.
fn facts(c: &Comparison, window: &str) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some((first, last, l)) = c.long_run {
        let settled = if first as usize >= crate::output::comparison::SETTLED_FROM_YEAR {
            "once both arms have settled; the first half of the horizon is the transient of the \
             switch"
        } else {
            "the second half of a horizon too short for both arms to settle"
        };
        facts.push(format!(
            "Long run ({}, {settled}): the profit difference B − A is {} a year (95% CI {} to {}).",
            years_text(first, last),
            style::signed_eur(l.mean),
            style::eur(l.lo),
            style::eur(l.hi)
        ));
    }
    if let Some(p) = c.payback {
        facts.push(format!(
            "Payback: {}. The payback day is the first day from which the mean cumulative \
             difference stays above zero to the end of the horizon; its CI applies the same \
             rule to the edges of the 95% band.",
            payback_text(c, p)
        ));
    }
    if let Some((rate, npv)) = c.npv {
        facts.push(format!(
            "Net present value of the daily difference over {window}, discounted at {}% a \
             year: {} (95% CI {} to {}).",
            (1000.0 * rate).round() / 10.0,
            style::signed_eur(npv.mean),
            style::eur(npv.lo),
            style::eur(npv.hi)
        ));
    }
    if let Some((_, Some(a), Some(b), d)) = c.kpi("profit") {
        let mut s = format!(
            "Profit over {window}: A ({}) {} (95% CI {} to {}), B ({}) {} (95% CI {} to {})",
            c.a,
            style::eur(a.mean),
            style::eur(a.lo),
            style::eur(a.hi),
            c.b,
            style::eur(b.mean),
            style::eur(b.lo),
            style::eur(b.hi)
        );
        if let Some(d) = d.or(c.difference) {
            s.push_str(&format!(
                "; difference B − A {} (95% CI {} to {})",
                style::signed_eur(d.mean),
                style::eur(d.lo),
                style::eur(d.hi)
            ));
        }
        s.push('.');
        facts.push(s);
    }
    if let (Some(share), Some(n)) = (c.share_b_better, c.replications) {
        let mut s = format!(
            "B made more profit than A in {:.0}% of the {n} paired replications",
            100.0 * share
        );
        if let Some(p) = c.prob_b_better {
            s.push_str(&format!(
                "; the probability that B's expected profit is higher is {:.0}%",
                100.0 * p
            ));
        }
        s.push('.');
        facts.push(s);
    }
    let mut ranked: Vec<&Contribution> = c.mechanisms.iter().collect();
    ranked.sort_by(|x, y| y.value.mean.abs().total_cmp(&x.value.mean.abs()));
    if !ranked.is_empty() {
        let parts: Vec<String> = ranked
            .iter()
            .take(3)
            .map(|m| {
                format!(
                    "{} {}",
                    style::mechanism_name(&m.name).to_lowercase(),
                    style::signed_eur(m.value.mean)
                )
            })
            .collect();
        facts.push(format!(
            "Largest contributions to the profit difference: {}.",
            parts.join(", ")
        ));
    }
    for name in [
        "annual_retention",
        "mean_happiness",
        "staff_satisfaction",
        "exhaustion",
    ] {
        if let Some((_, Some(a), Some(b), Some(d))) = c.kpi(name) {
            if d.clear() {
                let unit = style::kpi_unit(name);
                facts.push(format!(
                    "{}: A {}, B {} (difference {}, 95% CI {} to {}).",
                    style::kpi_name(name),
                    style::value(a.mean, unit),
                    style::value(b.mean, unit),
                    style::change(d.mean, unit),
                    style::change(d.lo, unit),
                    style::change(d.hi, unit)
                ));
            }
        }
    }
    facts
}

/// The report's tables: the difference by year, by term, and the KPIs
/// (headline and all) of both arms over `window`.
fn tables(c: &Comparison, window: &str) -> Vec<HtmlTable> {
    let mut tables = Vec::new();
    if !c.by_year.is_empty() {
        let cell = |e: &Estimate| {
            vec![
                style::signed_eur(e.mean),
                style::range((e.lo, e.hi), style::eur),
            ]
        };
        let mut rows: Vec<Vec<String>> = c
            .by_year
            .iter()
            .map(|(year, days, e)| {
                let label = if *days == 364 {
                    format!("Year {year}")
                } else {
                    format!("Year {year} ({days} days)")
                };
                std::iter::once(label).chain(cell(e)).collect()
            })
            .collect();
        if let Some((first, last, l)) = c.long_run {
            rows.push(
                std::iter::once(format!("Long run, per year ({})", years_text(first, last)))
                    .chain(cell(&l))
                    .collect(),
            );
        }
        if let Some((_, npv)) = c.npv {
            rows.push(
                std::iter::once("NPV over the horizon".to_string())
                    .chain(cell(&npv))
                    .collect(),
            );
        }
        tables.push(HtmlTable {
            title: "Profit difference by year after the switch".into(),
            intro: "The paired profit difference B − A summed over each year (364 days) after \
                    the switch, with its 95% CI; the long run is the mean per year over the \
                    second half of the horizon, once both arms have settled."
                .into(),
            header: ["year", "B − A (EUR)", "95% CI"].map(String::from).to_vec(),
            rows,
            collapsed: false,
        });
    }
    if !c.mechanisms.is_empty() {
        tables.push(HtmlTable {
            title: "Where the profit difference comes from".into(),
            intro: format!(
                "Mean change in profit (B − A) over {window} in each term of an exact \
                 accounting identity, with its 95% CI. The terms add up to the total difference."
            ),
            header: ["term", "what it measures", "B − A", "95% CI"]
                .map(String::from)
                .to_vec(),
            rows: c
                .mechanisms
                .iter()
                .map(|m| {
                    vec![
                        style::mechanism_name(&m.name),
                        m.description.clone(),
                        style::signed_eur(m.value.mean),
                        style::range((m.value.lo, m.value.hi), style::eur),
                    ]
                })
                .chain(c.difference.map(|d| {
                    vec![
                        "Total".into(),
                        "the profit difference".into(),
                        style::signed_eur(d.mean),
                        style::range((d.lo, d.hi), style::eur),
                    ]
                }))
                .collect(),
            collapsed: false,
        });
    }
    let header: Vec<String> = vec![
        "KPI".into(),
        format!("A: {}", c.a),
        format!("B: {}", c.b),
        "B − A".into(),
        "95% CI of B − A".into(),
        "unit".into(),
    ];
    let row = |(name, a, b, d): &KpiRow| {
        let h = |e: &Option<Estimate>| e.map_or("n/a".to_string(), |e| style::human(e.mean));
        vec![
            style::kpi_name(name),
            h(a),
            h(b),
            d.map_or("n/a".to_string(), |d| {
                format!(
                    "{}{}",
                    if d.mean > 0.0 { "+" } else { "" },
                    style::human(d.mean)
                )
            }),
            d.map_or("n/a".to_string(), |d| {
                style::range((d.lo, d.hi), style::human)
            }),
            style::unit_text(style::kpi_unit(name)),
        ]
    };
    tables.push(HtmlTable {
        title: "Headline KPIs".into(),
        intro: format!(
            "Means over {window}; the difference is paired (replication k of A against \
             replication k of B, with the same random events)."
        ),
        header: header.clone(),
        rows: HEADLINE.iter().filter_map(|n| c.kpi(n).map(row)).collect(),
        collapsed: false,
    });
    tables.push(HtmlTable {
        title: format!("All {} KPIs", c.kpis.len()),
        intro: String::new(),
        header,
        rows: c.kpis.iter().map(row).collect(),
        collapsed: true,
    });
    tables
}

/// How the comparison was made, as (name, value) pairs.
fn settings(c: &Comparison) -> Vec<(String, String)> {
    let mut settings = Vec::new();
    if let Some(p) = &c.a_path {
        settings.push(("Policy A config".to_string(), p.clone()));
    }
    if let Some(p) = &c.b_path {
        settings.push(("Policy B config".to_string(), p.clone()));
    }
    if let Some(s) = &c.seed {
        settings.push(("Seed".into(), s.clone()));
    }
    if let Some(n) = c.replications {
        settings.push((
            "Replications".into(),
            format!("{n} pairs, A and B sharing each pair's random streams"),
        ));
    }
    if let Some(win) = c.window {
        settings.push((
            "Days after the switch".into(),
            format!(
                "{win:.0}: both policies start from the same settled store, burnt in under A's \
                 policy"
            ),
        ));
    }
    settings
}

/// A resolved config recorded as JSON, written as TOML when it reads back
/// as a config, else as indented JSON.
pub fn config_text(v: &Value) -> Option<String> {
    if !v.is_object() {
        return None;
    }
    match serde_json::from_value::<Config>(v.clone()) {
        Ok(config) => Some(config.to_toml()),
        Err(_) => serde_json::to_string_pretty(v).ok(),
    }
}

/// The mean cumulative paired profit difference after the switch with its
/// 95% CI band, zero and the payback day.
fn cumulative(c: &Comparison, table: &data::Table) -> Result<Option<Figure>, PlotError> {
    let (Some(days), Some(band)) = (table.column(columns::DAY), table.band("")) else {
        return Ok(None);
    };
    if days.is_empty() {
        return Ok(None);
    }
    let mut vlines = Vec::new();
    let payback = match c.payback {
        Some((Some(d), early, late)) => {
            vlines.push(Rule {
                at: d as f64,
                label: format!("Pays back: day {d}"),
                color: VERMILLION,
            });
            format!(
                " The mean pays back from day {d} after the switch (95% CI {} to {}).",
                day_text(early),
                day_text(late)
            )
        }
        Some((None, _, _)) => format!(" It does not pay back within {}.", window_text(c)),
        None => String::new(),
    };
    let reps = c.replications.map_or("the replications".to_string(), |n| {
        format!("{n} paired replications")
    });
    let title = format!(
        "Cumulative profit difference after the switch: {} (B) vs {} (A)",
        c.b, c.a
    );
    let spec = BandChart {
        title: title.clone(),
        subtitle: format!(
            "Profit of B minus profit of A, summed from the switch to each day, mean across \
             {reps} with its 95% confidence band. Both start from the same settled store.{payback}"
        ),
        x_desc: "Day after the switch".into(),
        y_desc: "Cumulative profit difference B − A (EUR)".into(),
        curves: vec![Curve {
            label: "Mean with 95% CI".into(),
            x: days,
            band,
            color: BLUE,
            dashed: false,
            markers: false,
        }],
        shade: None,
        hlines: vec![Rule {
            at: 0.0,
            label: "No difference".into(),
            color: INK,
        }],
        vlines,
        integer_x: true,
    };
    let caption = format!(
        "How the profit difference of switching from {} to {} builds up day by day after the \
         switch.{payback}",
        c.a, c.b
    );
    Figure::draw("cumulative-difference", &title, caption, true, |root| {
        chart::band_chart(root, &spec)
    })
    .map(Some)
}

/// The waterfall of the profit difference by term.
fn waterfall(c: &Comparison) -> Result<Figure, PlotError> {
    let total = c.difference.unwrap_or_else(|| {
        let sum = c.mechanisms.iter().map(|m| m.value.mean).sum();
        Estimate {
            mean: sum,
            lo: sum,
            hi: sum,
        }
    });
    let window = window_text(c);
    waterfall::figure(&Waterfall {
        title: format!("Profit difference by term: {} (B) vs {} (A)", c.b, c.a),
        subtitle: format!(
            "Each bar is the mean change in profit (B − A) over {window} in one \
             term, starting where the previous bar ends; together they add up to the \
             total.{}",
            c.replications.map_or(String::new(), |r| format!(
                " {r} paired replications with common random numbers."
            ))
        ),
        caption: format!(
            "The profit difference between {} and {} split by term; the last bar is the \
             total with its 95% confidence interval.",
            c.b, c.a
        ),
        x_desc: format!("Change in profit over {window}, B − A (EUR)"),
        steps: c
            .mechanisms
            .iter()
            .map(|m| (style::mechanism_name(&m.name), m.value.mean))
            .collect(),
        total_label: "Total (B − A)".into(),
        total,
    })
}
