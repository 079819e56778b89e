//! The best point and its ties in a sweep's report, from `best.json`
//! (see `crate::experiment::best`): one sentence among the key facts and
//! a table of the tied points.

use std::path::Path;

use serde_json::Value;

use super::data;
use super::report::{HtmlTable, Story};
use super::style;
use super::PlotError;
use crate::output::best::BEST_FILE;

fn values_text(params: &[String], v: &Value) -> String {
    let values: Vec<f64> = data::items(v, "values")
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    params
        .iter()
        .zip(values)
        .map(|(p, x)| format!("{} = {}", style::parameter_short(p), style::short(x)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Adds the best point and its ties to the story when `dir` has best.json.
pub fn extend(dir: &Path, story: &mut Story) -> Result<(), PlotError> {
    let Some(best) = data::read_json_opt(&dir.join(BEST_FILE))? else {
        return Ok(());
    };
    let params: Vec<String> = data::items(&best, "parameters")
        .iter()
        .filter_map(|p| p.as_str().map(str::to_string))
        .collect();
    let tied: Vec<&Value> = data::items(&best, "tied").iter().collect();
    let Some(top) = best.get("best") else {
        return Ok(());
    };
    let mean = |v: &Value| data::num(v, "mean").unwrap_or(f64::NAN);
    let lo = tied.iter().map(|v| mean(v)).fold(f64::INFINITY, f64::min);
    let hi = tied
        .iter()
        .map(|v| mean(v))
        .fold(f64::NEG_INFINITY, f64::max);
    let worse = best.get("worse").and_then(Value::as_u64).unwrap_or(0);
    let sentence = if tied.len() <= 1 {
        format!(
            "Best with its ties: {} ({} a year over the baseline) is better than every other point ({worse} points, Holm-corrected paired tests at 5% familywise).",
            values_text(&params, top),
            style::signed_eur(mean(top))
        )
    } else {
        format!(
            "Best with its ties: {} points are statistically tied for best ({} to {} a year over the baseline); {} is highest; {worse} points are worse (Holm-corrected paired tests at 5% familywise).",
            tied.len(),
            style::signed_eur(lo),
            style::signed_eur(hi),
            values_text(&params, top)
        )
    };
    story.facts.insert(0, sentence);
    let mut header: Vec<String> = params.iter().map(|p| style::parameter_name(p)).collect();
    header.extend([
        "Profit difference (EUR a year)".to_string(),
        "95% CI".to_string(),
        "Below the best".to_string(),
        "p (one-sided, paired)".to_string(),
    ]);
    let rows = tied
        .iter()
        .map(|v| {
            let mut row: Vec<String> = data::items(v, "values")
                .iter()
                .filter_map(Value::as_f64)
                .map(style::short)
                .collect();
            row.push(style::signed_eur(mean(v)));
            row.push(style::range(data::ci(v), style::signed_eur));
            row.push(style::eur(data::num(v, "gap").unwrap_or(f64::NAN)));
            row.push(
                data::num(v, "p_value").map_or_else(|| "best".to_string(), |p| format!("{p:.3}")),
            );
            row
        })
        .collect();
    story.tables.insert(
        0,
        HtmlTable {
            title: "The best point and the points tied with it".into(),
            intro: format!(
                "Each point is compared with the best by a one-sided paired t-test on the per-replication profit differences (common random numbers); Holm's step-down correction keeps the chance of wrongly calling any tied point worse at 5%. {} points were re-run for the paired tests; the others were certainly worse.",
                best.get("rerun").and_then(Value::as_u64).unwrap_or(0)
            ),
            header,
            rows,
            collapsed: false,
        },
    );
    Ok(())
}
