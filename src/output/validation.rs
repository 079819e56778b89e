//! The files of a validation run: `validation.json` (every experiment with
//! its criteria, targets, figures and verdicts, and the specification of
//! each data set's plot), `validation.csv` (one row per criterion) and one
//! CSV per data set, named after it, and `manifest.json`.

use serde::Serialize;

use super::{OutputError, VERSION};
use crate::validate::Outcome;

/// Every experiment and criterion.
pub const VALIDATION_FILE: &str = "validation.json";
/// One row per criterion.
pub const VALIDATION_CSV: &str = "validation.csv";

#[derive(Serialize)]
struct Body<'a> {
    tool: &'static str,
    kind: &'static str,
    version: &'static str,
    size: &'a str,
    pass: bool,
    experiments: &'a [Outcome],
}

/// Renders every file, as (name, contents).
pub fn render(
    outcomes: &[Outcome],
    size: &str,
    command_line: &[String],
) -> Result<Vec<(String, Vec<u8>)>, OutputError> {
    let body = Body {
        tool: "effectchain",
        kind: "validation",
        version: VERSION,
        size,
        pass: outcomes.iter().all(Outcome::pass),
        experiments: outcomes,
    };
    let mut json = serde_json::to_vec_pretty(&body).map_err(|e| OutputError::Render {
        file: VALIDATION_FILE,
        message: e.to_string(),
    })?;
    json.push(b'\n');
    let mut table = String::from("experiment,measure,target,value,ci_low,ci_high,pass\n");
    for o in outcomes {
        for c in &o.criteria {
            table.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                o.name,
                quote(&c.measure),
                quote(&c.target),
                c.obtained.value,
                c.obtained.ci_low,
                c.obtained.ci_high,
                c.pass
            ));
        }
    }
    let manifest = serde_json::json!({
        "tool": "effectchain",
        "kind": "validation",
        "version": VERSION,
        "size": size,
        "command_line": command_line,
        "experiments": outcomes.iter().map(|o| o.name).collect::<Vec<_>>(),
    });
    let mut manifest = serde_json::to_vec_pretty(&manifest).map_err(|e| OutputError::Render {
        file: super::MANIFEST_FILE,
        message: e.to_string(),
    })?;
    manifest.push(b'\n');
    let mut files = vec![
        (VALIDATION_FILE.to_string(), json),
        (VALIDATION_CSV.to_string(), table.into_bytes()),
        (super::MANIFEST_FILE.to_string(), manifest),
    ];
    for o in outcomes {
        for d in &o.data {
            files.push((format!("{}.csv", d.name), d.csv().into_bytes()));
        }
    }
    Ok(files)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}
