//! The search of `effectchain optimize` in its folder's report, from
//! `optimize.json`: the answer among the key facts, and tables of the
//! rounds and of the finalists (their search means beside the fresh
//! replications' best and ties, which best.json's section shows).

use std::path::Path;

use serde_json::Value;

use super::data;
use super::report::{HtmlTable, Story};
use super::style;
use super::PlotError;
use crate::output::optimize::OPTIMIZE_FILE;

fn values(v: Option<&Value>) -> String {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| style::short(x.as_f64().unwrap_or(f64::NAN)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// Adds the search to the story when `dir` has optimize.json.
pub fn extend(dir: &Path, story: &mut Story) -> Result<(), PlotError> {
    let Some(o) = data::read_json_opt(&dir.join(OPTIMIZE_FILE))? else {
        return Ok(());
    };
    let levers: Vec<String> = data::items(&o, "levers")
        .iter()
        .map(|l| data::text(l, "path").unwrap_or("?").to_string())
        .collect();
    let count = |key: &str| o.get(key).and_then(Value::as_array).map_or(0, Vec::len);
    let num = |key: &str| data::num(&o, key).unwrap_or(f64::NAN);
    if let Some(sentence) = data::text(&o, "sentence") {
        story.facts.insert(
            0,
            format!(
                "Optimization over {}: {} points searched in {} rounds ({} replications each); the best {} re-evaluated on {} fresh replications: {sentence}",
                levers.join(", "),
                count("evaluated"),
                count("rounds"),
                num("replications"),
                count("finalists"),
                num("final_replications"),
            ),
        );
    }
    let rounds: Vec<Vec<String>> = data::items(&o, "rounds")
        .iter()
        .map(|r| {
            let bounds = r
                .get("bounds")
                .and_then(Value::as_array)
                .map(|b| {
                    b.iter()
                        .map(|lh| {
                            let x = |i: usize| {
                                style::short(lh.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN))
                            };
                            format!("{} to {}", x(0), x(1))
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            vec![
                style::short(data::num(r, "round").unwrap_or(f64::NAN)),
                bounds,
                style::short(data::num(r, "points").unwrap_or(f64::NAN)),
            ]
        })
        .collect();
    story.tables.push(HtmlTable {
        title: "The search, round by round".into(),
        intro: format!(
            "Round 1 covers the levers' whole ranges; each later round lays the same design ({}) over a box {} times as wide, centred on the best point so far. Points already evaluated are not run again. All rounds share the seed, so every point is paired with the baseline and the others by common random numbers.",
            data::text(&o, "design").unwrap_or("?"),
            style::short(num("shrink"))
        ),
        header: vec!["Round".into(), format!("Box ({})", levers.join("; ")), "New points".into()],
        rows: rounds,
        collapsed: false,
    });
    let finalists: Vec<Vec<String>> = data::items(&o, "finalists")
        .iter()
        .map(|f| {
            vec![
                values(f.get("values")),
                style::short(data::num(f, "round").unwrap_or(f64::NAN)),
                style::short(data::num(f, "objective").unwrap_or(f64::NAN)),
                style::range(data::ci(f), style::short),
            ]
        })
        .collect();
    story.tables.push(HtmlTable {
        title: "Finalists as the search saw them".into(),
        intro: "The search's best points on its own replications: the highest of many noisy means is biased upwards (the winner's curse), so the best and its ties are decided on fresh replications (the points of this folder and best.json).".into(),
        header: vec![
            levers.join(", "),
            "Round".into(),
            format!("{} (search)", data::text(&o, "objective").unwrap_or("objective")),
            "95% CI".into(),
        ],
        rows: finalists,
        collapsed: true,
    });
    Ok(())
}
