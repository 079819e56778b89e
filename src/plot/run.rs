//! The figures and the story of a run folder (`effectchain run`).

use std::path::Path;

use serde_json::Value;

use super::data::{self, Estimate};
use super::report::{shell_quote, HtmlTable, Story};
use super::series::{self, Context, Source};
use super::style;
use super::{Figure, PlotError};

pub use crate::output::{DAILY_FILE, MANIFEST_FILE, REPLICATIONS_FILE, SUMMARY_FILE};

/// KPIs in the report's headline table.
pub use crate::engine::HEADLINE_KPIS as HEADLINE;

/// Reads a run folder and builds its story and figures.
pub fn build(dir: &Path) -> Result<(Story, Vec<Figure>), PlotError> {
    let summary = data::read_json(&dir.join(SUMMARY_FILE))?;
    let daily = data::read_daily(&dir.join(DAILY_FILE))?;
    let manifest = data::read_json_opt(&dir.join(MANIFEST_FILE))?;
    let replications = dir.join(REPLICATIONS_FILE);
    let profits = if replications.is_file() {
        data::read_table(&replications)?.column("profit")
    } else {
        None
    };

    let meta = summary.get("meta").cloned().unwrap_or(Value::Null);
    let label = data::text(&meta, "config_path")
        .or_else(|| manifest.as_ref().and_then(|m| data::text(m, "config_path")))
        .map(data::stem)
        .unwrap_or_else(|| folder_name(dir));
    let reps = data::num(&meta, "replications").map(|r| r as u64);
    // The daily series holds the measured days only (the burn-in is not
    // kept), so nothing in it is a warm-up.
    let warmup = None;
    let window = data::num(&meta, "days");
    let kpis = summary.get("kpis").cloned().unwrap_or(Value::Null);
    let estimate = |name: &str| kpis.get(name).and_then(Estimate::of);

    let mut figures = series::daily_figures(
        &[Source {
            label: label.clone(),
            daily: &daily,
        }],
        &Context {
            what: label.clone(),
            replications: reps,
            warmup,
            note: String::new(),
        },
    )?;
    if let Some(profits) = profits {
        if let Some(h) = series::profit_histogram(&profits, estimate("profit"), &label, window)? {
            figures.insert(1.min(figures.len()), h);
        }
    }

    let window_text = window.map_or("the KPI window".to_string(), |d| {
        format!("the {d:.0}-day KPI window")
    });
    let mut story = Story {
        kind: "Simulation run".into(),
        heading: format!("{label}: simulation results"),
        question: format!(
            "What does the {label} scenario earn over {window_text}, and how do its customers \
             and staff fare?"
        ),
        ..Story::default()
    };
    story.verdict = match estimate("profit") {
        Some(p) => {
            let mut s = if p.mean >= 0.0 {
                format!(
                    "Over {window_text}, {label} makes a profit of {} (95% CI {} to {})",
                    style::eur(p.mean),
                    style::eur(p.lo),
                    style::eur(p.hi)
                )
            } else {
                format!(
                    "Over {window_text}, {label} makes a loss of {} (95% CI of the profit {} \
                     to {})",
                    style::eur(-p.mean),
                    style::eur(p.lo),
                    style::eur(p.hi)
                )
            };
            if let Some(r) = estimate("annual_retention") {
                s.push_str(&format!(
                    ", keeps {:.0}% of its customers a year",
                    100.0 * r.mean
                ));
            }
            if let Some(sat) = estimate("staff_satisfaction") {
                s.push_str(&format!(
                    " and its staff's satisfaction averages {:.2} on a 0 to 1 scale",
                    sat.mean
                ));
            }
            s.push('.');
            s
        }
        None => format!("The summary of {label} has no profit figure."),
    };
    let fact = |names: &[&str], text: &dyn Fn(&[Estimate]) -> String| {
        let values: Option<Vec<Estimate>> = names.iter().map(|n| estimate(n)).collect();
        values.map(|v| text(&v))
    };
    story.facts = [
        fact(&["revenue", "visits", "lost_visit_share"], &|v| {
            format!(
                "Revenue {} from {} visits; {:.1}% of visits left the queue unserved.",
                style::eur(v[0].mean),
                style::human(v[1].mean),
                100.0 * v[2].mean
            )
        }),
        fact(&["active_customers", "mean_happiness"], &|v| {
            format!(
                "{} active customers at the end; their happiness averages {:.2} (0 to 1).",
                style::human(v[0].mean),
                v[1].mean
            )
        }),
        fact(&["exhaustion", "annual_turnover"], &|v| {
            format!(
                "Staff exhaustion averages {:.2} (0 to 1); staff turnover runs at {:.0}% a year.",
                v[0].mean,
                100.0 * v[1].mean
            )
        }),
        fact(
            &["time_per_customer", "service_standard", "queue_wait"],
            &|v| {
                format!(
                    "Staff spend {:.1} minutes per customer against a service standard of {:.1} \
                     minutes at the end; customers wait {:.1} minutes in the queue on average.",
                    v[0].mean, v[1].mean, v[2].mean
                )
            },
        ),
    ]
    .into_iter()
    .flatten()
    .collect();

    let row = |name: &str, e: &Estimate| {
        let unit = style::kpi_unit(name);
        vec![
            style::kpi_name(name),
            style::human(e.mean),
            style::range((e.lo, e.hi), style::human),
            style::unit_text(unit),
            style::kpi_doc(name).to_string(),
        ]
    };
    let header: Vec<String> = ["KPI", "mean", "95% CI", "unit", "meaning"]
        .map(String::from)
        .to_vec();
    story.tables.push(HtmlTable {
        title: "Headline KPIs".into(),
        intro: format!("Means over {window_text} across the replications, with 95% CIs."),
        header: header.clone(),
        rows: HEADLINE
            .iter()
            .filter_map(|n| estimate(n).map(|e| row(n, &e)))
            .collect(),
        collapsed: false,
    });
    if let Some(all) = kpis.as_object() {
        story.tables.push(HtmlTable {
            title: format!("All {} KPIs", all.len()),
            intro: String::new(),
            header,
            rows: all
                .iter()
                .filter_map(|(n, v)| Estimate::of(v).map(|e| row(n, &e)))
                .collect(),
            collapsed: true,
        });
    }
    story.settings = settings(&meta, manifest.as_ref());
    if let Some(m) = &manifest {
        story.rerun = rerun(m);
        if let Some(toml) = data::text(m, "config_toml") {
            story.configs.push((
                "The config used, with every default filled in (TOML; runs as is with \
                 effectchain run)"
                    .into(),
                toml.to_string(),
            ));
        }
    }
    story.notes = notes();
    Ok((story, figures))
}

/// The settings list of a run.
fn settings(meta: &Value, manifest: Option<&Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(p) = data::text(meta, "config_path") {
        out.push(("Config file".into(), p.to_string()));
    }
    if let Some(s) = meta.get("seed").or_else(|| manifest?.get("seed")) {
        out.push(("Seed".into(), s.to_string()));
    }
    if let Some(r) = data::num(meta, "replications") {
        out.push(("Replications".into(), format!("{r:.0}")));
    }
    if let Some(d) = data::num(meta, "days") {
        let burn_in = meta.get("burn_in");
        let mean = burn_in.and_then(|b| data::num(b, "mean_days"));
        let settled = burn_in.and_then(|b| data::num(b, "replications_settled"));
        let unsettled = burn_in.and_then(|b| data::num(b, "replications_unsettled"));
        let after = match (mean, settled, unsettled) {
            (Some(m), Some(s), Some(u)) => format!(
                ", after a burn-in of {:.1} years on average ({s:.0} of {:.0} replications settled)",
                m / crate::experiment::switch::DAYS_PER_YEAR as f64,
                s + u
            ),
            _ => String::new(),
        };
        out.push(("Days measured".into(), format!("{d:.0}{after}")));
    }
    if let Some(s) = data::num(meta, "stores") {
        out.push(("Stores".into(), format!("{s:.0}")));
    }
    if let Some(v) = data::text(meta, "version") {
        out.push(("effectchain version".into(), v.to_string()));
    }
    if let Some(rng) = manifest.and_then(|m| data::text(m, "rng")) {
        out.push(("Random number generator".into(), rng.to_string()));
    }
    out
}

/// The recorded command line, shell-quoted, and how to redraw the plots.
pub fn rerun(manifest: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(args) = manifest.get("command_line").and_then(Value::as_array) {
        let words: Vec<String> = args
            .iter()
            .filter_map(Value::as_str)
            .map(shell_quote)
            .collect();
        if !words.is_empty() {
            out.push(words.join(" "));
            out.push(
                "# to redraw only the plots and this page: effectchain plot <this folder>".into(),
            );
        }
    }
    out
}

/// How to read the numbers, for every report.
pub fn notes() -> Vec<String> {
    vec![
        "Each replication is one simulated history of the same store with its own random \
         events (who comes in, who quits, what goes wrong). Numbers are means across them."
            .into(),
        "A 95% CI (confidence interval) is the range in which the true mean lies with 95% \
         confidence, given the replications run; more replications make it narrower."
            .into(),
        "KPIs cover the days after the warm-up, which lets the simulated store settle; money \
         is in EUR over that window."
            .into(),
    ]
}

/// The last component of a folder path, without the `.partial-<pid>`
/// suffix of a folder staged before its swap into place (plots are drawn
/// there, and must read as the final folder's).
pub fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| {
            let n = n.to_string_lossy();
            match n.rsplit_once(".partial-") {
                Some((base, pid))
                    if !base.is_empty()
                        && !pid.is_empty()
                        && pid.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    base.to_string()
                }
                _ => n.into_owned(),
            }
        })
        .or_else(|| {
            dir.canonicalize()
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "results".into())
}
