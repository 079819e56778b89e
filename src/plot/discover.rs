//! PRIM's box in a sweep's (or study's) report, from `prim-box.json`
//! (written by `effectchain discover`): one sentence among the key facts
//! and a table of the box's limits.

use std::path::Path;

use serde_json::Value;

use super::data;
use super::report::{HtmlTable, Story};
use super::style;
use super::PlotError;
use crate::output::discover::BOX_FILE;

/// Adds the discovered box to the story when `dir` has prim-box.json.
pub fn extend(dir: &Path, story: &mut Story) -> Result<(), PlotError> {
    let Some(b) = data::read_json_opt(&dir.join(BOX_FILE))? else {
        return Ok(());
    };
    let share =
        |key: &str| data::num(&b, key).map_or("n/a".to_string(), |v| format!("{:.0}%", 100.0 * v));
    let limits: Vec<&Value> = data::items(&b, "limits").iter().collect();
    let condition = data::text(&b, "condition")
        .unwrap_or("the condition")
        .to_string();
    let rows: Vec<Vec<String>> = limits
        .iter()
        .map(|l| {
            vec![
                data::text(l, "parameter").unwrap_or("?").to_string(),
                style::short(data::num(l, "low").unwrap_or(f64::NAN)),
                style::short(data::num(l, "high").unwrap_or(f64::NAN)),
            ]
        })
        .collect();
    let names = rows
        .iter()
        .map(|r| style::parameter_short(&r[0]))
        .collect::<Vec<_>>()
        .join(" and ");
    story.facts.push(if rows.is_empty() {
        format!("Scenario discovery (PRIM) found no box where `{condition}` concentrates.")
    } else {
        format!(
            "Scenario discovery (PRIM): `{condition}` concentrates in a box on {names}, holding {} of those cases at a density of {} ({} of all points; {} overall).",
            share("coverage"),
            share("density"),
            share("mass"),
            share("base_density")
        )
    });
    story.tables.push(HtmlTable {
        title: format!("Where `{condition}` holds (PRIM box)"),
        intro: "Peeling and pasting (Friedman & Fisher 1999) with restrictions kept only when significant (quasi-p-value at most 5%). Coverage: share of the cases inside the box; density: share of the box's points that are cases.".into(),
        header: vec!["Parameter".into(), "From".into(), "To".into()],
        rows,
        collapsed: false,
    });
    Ok(())
}
