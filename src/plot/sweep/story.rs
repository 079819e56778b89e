//! The story of a sweep folder: the question, the verdict (best value,
//! break-even), supporting facts, the points table and how the sweep was
//! made.

use std::path::Path;

use serde_json::Value;

use super::{crossings, line_band, Shape, SweepData};
use crate::plot::chart;
use crate::plot::data::{self, Estimate};
use crate::plot::report::{self, HtmlTable, Story};
use crate::plot::run::{folder_name, notes, rerun};
use crate::plot::style;

/// The best point: from breakeven.json, else the row with the highest mean.
fn best(s: &SweepData, diff: bool) -> Option<(Vec<f64>, Estimate)> {
    let key = if diff { "best_difference" } else { "best" };
    if let Some(b) = s.breakeven.as_ref().and_then(|v| v.get(key)) {
        let values: Option<Vec<f64>> = b
            .get("values")?
            .as_array()?
            .iter()
            .map(Value::as_f64)
            .collect();
        if let (Some(values), Some(e)) = (values, Estimate::of(b)) {
            return Some((values, e));
        }
    }
    s.best[usize::from(diff)].clone()
}

fn point_text(s: &SweepData, values: &[f64]) -> String {
    s.params
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{} = {}", style::parameter_short(p), style::short(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds the story of a sweep.
pub fn story(dir: &Path, s: &SweepData) -> Story {
    let params: Vec<String> = s.params.iter().map(|p| style::parameter_short(p)).collect();
    let list = params.join(", ");
    let points = s.points;
    let mut story = Story {
        kind: "Parameter sweep".into(),
        heading: format!("{}: profit and KPIs across {list}", s.name),
        ..Story::default()
    };
    let baseline = s.baseline_text();
    story.question = match (s.params.len(), s.has_diff) {
        (1, true) => format!(
            "How much profit does each value of {list} make compared with the baseline \
             ({baseline}), and where does it stop paying?"
        ),
        (1, false) => format!("How do profit and the other KPIs change with {list}?"),
        (2, true) => format!(
            "For which combinations of {list} does the policy make more profit than the \
             baseline ({baseline})?"
        ),
        (2, false) => format!("How do profit and the other KPIs change with {list}?"),
        (_, _) => format!("Which of {list} move profit and the other KPIs, and by how much?"),
    };
    let has_profit = s.has("profit");
    let mut verdict = best_and_break_even(s, &params, &baseline);
    if s.params.len() > 2 || (s.params.len() == 2 && !s.is_grid()) {
        if let Some(strongest) = strongest_effect(s) {
            story.facts.push(strongest);
        }
    }
    if verdict.is_empty() {
        verdict = format!("The sweep ran {points} points over {list}; see the plots below.");
    }
    story.verdict = verdict;
    story.facts.push(format!(
        "{points} points, each the mean of its replications{}.",
        if s.has_diff {
            format!(", paired with the baseline ({baseline}) under common random numbers")
        } else {
            String::new()
        }
    ));

    let mut header: Vec<String> = params.clone();
    if has_profit {
        header.extend(["profit".to_string(), "95% CI".to_string()]);
    }
    if s.has_diff && has_profit {
        header.extend(["vs baseline".to_string(), "95% CI".to_string()]);
    }
    let row = |r: &super::Listed| {
        let mut cells: Vec<String> = r.values.iter().map(|v| style::short(*v)).collect();
        if has_profit {
            let [mean, lo, hi] = r.profit;
            cells.push(style::eur(mean));
            cells.push(style::range((lo, hi), style::eur));
            if s.has_diff {
                let [mean, lo, hi] = r.diff;
                cells.push(style::signed_eur(mean));
                cells.push(style::range((lo, hi), style::eur));
            }
        }
        cells
    };
    // `listed` holds every row (at most MAX_LISTED_POINTS) or the top ten,
    // in this order.
    let top = points.min(super::points::TOP_POINTS);
    story.tables.push(HtmlTable {
        title: if has_profit {
            format!("The {top} most profitable points")
        } else {
            format!("The first {top} points")
        },
        intro: "Profit over the KPI window at each point, with its 95% CI.".into(),
        header: header.clone(),
        rows: s.listed[..top].iter().map(row).collect(),
        collapsed: false,
    });
    if points > top && points <= super::points::MAX_LISTED_POINTS {
        story.tables.push(HtmlTable {
            title: format!("All {points} points"),
            intro: String::new(),
            header,
            rows: s.listed.iter().map(row).collect(),
            collapsed: true,
        });
    }

    let m = s.manifest.as_ref();
    let get = |k: &str| m.and_then(|m| m.get(k));
    if let Some(f) = get("sweep_file").and_then(Value::as_str) {
        story.settings.push(("Sweep file".into(), f.to_string()));
    }
    story
        .settings
        .push(("Parameters".into(), s.params.join(", ")));
    story.settings.push(("Points".into(), points.to_string()));
    if let Some(r) = get("replications") {
        story
            .settings
            .push(("Replications per point".into(), r.to_string()));
    }
    if let Some(seed) = get("seed") {
        story.settings.push(("Seed".into(), seed.to_string()));
    }
    if !s.baseline.is_empty() {
        story.settings.push(("Baseline".into(), baseline.clone()));
    }
    story.settings.push(("KPIs".into(), s.kpis.join(", ")));
    if let Some(v) = get("version").and_then(Value::as_str) {
        story
            .settings
            .push(("effectchain version".into(), v.to_string()));
    }
    if let Some(fp) = get("fingerprint").and_then(Value::as_str) {
        story.settings.push(("Fingerprint".into(), fp.to_string()));
    }
    if let Some(m) = m {
        story.rerun = rerun(m);
        if story.rerun.is_empty() {
            if let Some(f) = data::text(m, "sweep_file") {
                story
                    .rerun
                    .push(format!("effectchain sweep {}", report::shell_quote(f)));
                story.rerun.push(
                    "# to redraw only the plots and this page: effectchain plot <this folder>"
                        .into(),
                );
            }
        }
        story.configs.push((
            "The sweep's manifest (JSON)".into(),
            serde_json::to_string_pretty(m).unwrap_or_default(),
        ));
    }
    if story.rerun.is_empty() {
        story.rerun.push(format!(
            "# to redraw the plots and this page: effectchain plot {}",
            folder_name(dir)
        ));
    }
    story.notes = notes();
    story
}

/// The verdict's answer from the numbers: where profit is highest and,
/// against the baseline, where the difference crosses zero (one parameter)
/// or gains most (two); empty when the sweep has no profit.
fn best_and_break_even(s: &SweepData, params: &[String], baseline: &str) -> String {
    let has_profit = s.has("profit");
    let mut verdict = String::new();
    if has_profit {
        if let Some((values, e)) = best(s, false) {
            verdict = format!(
                "Profit is highest at {} ({}, 95% CI {} to {})",
                point_text(s, &values),
                style::eur(e.mean),
                style::eur(e.lo),
                style::eur(e.hi)
            );
        }
    }
    if s.params.len() == 1 && s.has_diff && has_profit {
        let (cross, ci) = crossings(s);
        let short = &params[0];
        let (x, d) = line_band(s);
        let d = d.mean;
        let sign_after = |c: f64| {
            x.iter()
                .zip(&d)
                .find(|(xv, dv)| **xv > c && dv.is_finite() && **dv != 0.0)
                .map(|(_, dv)| *dv > 0.0)
        };
        let sentence = match cross.as_slice() {
            [] => no_crossing(short, &x, &d, s.baseline_x()),
            crossings => crossings
                .iter()
                .map(|c| match sign_after(*c) {
                    Some(false) => {
                        format!("{short} stops paying beyond about {}", style::short(*c))
                    }
                    Some(true) => format!("{short} starts paying above about {}", style::short(*c)),
                    None => format!(
                        "the profit difference crosses zero at {short} ≈ {}",
                        style::short(*c)
                    ),
                })
                .collect::<Vec<_>>()
                .join(" and "),
        };
        let ci_text = match (ci.first(), ci.last()) {
            (Some(a), Some(b)) if !cross.is_empty() => format!(
                " (break-even between {} and {} within the 95% CI)",
                style::short(*a),
                style::short(*b)
            ),
            _ => String::new(),
        };
        verdict = if verdict.is_empty() {
            format!("Against the baseline ({baseline}), {sentence}{ci_text}.")
        } else {
            format!("{verdict}; against the baseline ({baseline}), {sentence}{ci_text}.")
        };
    } else if s.params.len() == 2 && s.has_diff && has_profit {
        if let Some((values, e)) = best(s, true) {
            let more = if verdict.is_empty() { "" } else { "; " };
            verdict = format!(
                "{verdict}{more}the largest gain over the baseline ({baseline}) is at {} ({}, \
                 95% CI {} to {}); the heatmap's black contour marks the break-even.",
                point_text(s, &values),
                style::signed_eur(e.mean),
                style::eur(e.lo),
                style::eur(e.hi)
            );
        }
    } else if !verdict.is_empty() {
        verdict.push('.');
    }
    verdict
}

/// The verdict's clause when the profit difference never changes sign
/// (apart from the baseline's own value).
fn no_crossing(short: &str, x: &[f64], d: &[f64], baseline: Option<f64>) -> String {
    let side = |keep: &dyn Fn(f64) -> bool| -> Option<bool> {
        let v: Vec<f64> = x
            .iter()
            .zip(d)
            .filter(|(xv, dv)| keep(**xv) && dv.is_finite() && **dv != 0.0)
            .map(|(_, dv)| *dv)
            .collect();
        if v.is_empty() {
            None
        } else if v.iter().all(|d| *d > 0.0) {
            Some(true)
        } else if v.iter().all(|d| *d < 0.0) {
            Some(false)
        } else {
            None
        }
    };
    let word = |more: bool| if more { "more" } else { "less" };
    match baseline {
        Some(b) => match (side(&|v| v > b), side(&|v| v < b)) {
            (Some(up), Some(down)) => format!(
                "every swept {short} above {} makes {} profit and every one below it {}",
                style::short(b),
                word(up),
                word(down)
            ),
            (Some(up), None) => format!(
                "every swept {short} above {} makes {} profit",
                style::short(b),
                word(up)
            ),
            (None, Some(down)) => format!(
                "every swept {short} below {} makes {} profit",
                style::short(b),
                word(down)
            ),
            (None, None) => "the profit difference does not cross zero".to_string(),
        },
        None => match side(&|_| true) {
            Some(more) => format!("every swept {short} makes {} profit", word(more)),
            None => "the profit difference does not cross zero".to_string(),
        },
    }
}

/// The parameter whose binned profit means span the widest range (the
/// main-effect panels of profit, or of its difference with a baseline).
fn strongest_effect(s: &SweepData) -> Option<String> {
    if !s.has("profit") {
        return None;
    }
    let Shape::Effects(targets) = &s.shape else {
        return None;
    };
    let (_, _, panels) = targets
        .iter()
        .find(|(k, diff, _)| k == "profit" && *diff == s.has_diff)?;
    let mut best: Option<(String, f64)> = None;
    for panel in panels {
        let (lo, hi) = chart::finite_range(panel.points.iter().map(|(_, e)| e.mean));
        if best.as_ref().is_none_or(|b| hi - lo > b.1) {
            best = Some((panel.param.clone(), hi - lo));
        }
    }
    best.map(|(p, range)| {
        format!(
            "{} moves profit the most: its binned means span {}.",
            style::sentence_case(&style::parameter_short(&p)),
            style::eur(range)
        )
    })
}
