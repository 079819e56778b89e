//! The files of `effectchain discover`: the PRIM peeling trajectory and
//! the chosen box, written beside the sweep's (or study's) `points.csv`.
//!
//! * `prim-trajectory.csv`: `step,coverage,density,mass,restricted` (the
//!   number of restricted parameters), one row per peeling step;
//! * `prim-box.json`: the condition, the chosen step, and the pasted box:
//!   its limits in parameter units (only the restricted parameters),
//!   coverage, density and mass.

use std::path::Path;

use serde::Serialize;

use crate::experiment::discover::Discovery;

use super::sweep::{write_synced, POINTS_FILE};
use super::OutputError;

/// The peeling trajectory.
pub const TRAJECTORY_FILE: &str = "prim-trajectory.csv";
/// The chosen box.
pub const BOX_FILE: &str = "prim-box.json";

/// `points.csv` split into parameter values and output columns.
pub struct PointsTable {
    /// Parameter names (the columns between `point_id` and the first
    /// `_mean` column).
    pub names: Vec<String>,
    pub parameters: Vec<Vec<f64>>,
    /// Every other column's name and values.
    pub columns: Vec<String>,
    pub outputs: Vec<Vec<f64>>,
}

/// Reads `dir/points.csv`.
pub fn read_points(dir: &Path) -> Result<PointsTable, OutputError> {
    let path = dir.join(POINTS_FILE);
    let bad = |message: String| OutputError::Sweep {
        path: path.clone(),
        message,
    };
    let mut reader = csv::Reader::from_path(&path).map_err(|e| {
        bad(format!(
            "cannot read it ({e}); expected a finished sweep or sensitivity folder"
        ))
    })?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    let first = super::columns::Points::parse(&header)
        .map_err(|_| bad("is not a sweep's points table".into()))?
        .first_estimate;
    let (mut parameters, mut outputs) = (Vec::new(), Vec::new());
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let values: Vec<f64> = record
            .iter()
            .map(|f| f.parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad(format!("row {} holds a value that is not a number", i + 2)))?;
        if values.len() != header.len() {
            return Err(bad(format!(
                "row {} has {} fields, the header {}",
                i + 2,
                values.len(),
                header.len()
            )));
        }
        parameters.push(values[1..first].to_vec());
        outputs.push(values[first..].to_vec());
    }
    if parameters.is_empty() {
        return Err(bad("has no rows".into()));
    }
    Ok(PointsTable {
        names: header[1..first].to_vec(),
        parameters,
        columns: header[first..].to_vec(),
        outputs,
    })
}

#[derive(Serialize)]
struct Limit<'a> {
    parameter: &'a str,
    low: f64,
    high: f64,
}

#[derive(Serialize)]
struct BoxFile<'a> {
    condition: String,
    base_density: f64,
    chosen_step: usize,
    coverage: f64,
    density: f64,
    mass: f64,
    limits: Vec<Limit<'a>>,
}

/// Writes the trajectory and the chosen box of `d` into `dir`.
pub fn write(
    dir: &Path,
    names: &[String],
    column: &str,
    below: bool,
    value: f64,
    d: &Discovery,
) -> Result<(), OutputError> {
    let mut csv = "step,coverage,density,mass,restricted\n".to_string();
    for (i, b) in d.trajectory.iter().enumerate() {
        csv.push_str(&format!(
            "{i},{},{},{},{}\n",
            b.coverage,
            b.density,
            b.mass,
            b.restricted.len()
        ));
    }
    write_synced(&dir.join(TRAJECTORY_FILE), csv.as_bytes())?;
    let b = &d.pasted;
    let file = BoxFile {
        condition: format!("{column} {} {value}", if below { "<" } else { ">" }),
        base_density: d.base_density,
        chosen_step: d.chosen,
        coverage: b.coverage,
        density: b.density,
        mass: b.mass,
        limits: b
            .restricted
            .iter()
            .map(|&j| Limit {
                parameter: &names[j],
                low: b.limits.low[j],
                high: b.limits.high[j],
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&file).expect("plain data serialises");
    bytes.push(b'\n');
    write_synced(&dir.join(BOX_FILE), &bytes)
}
