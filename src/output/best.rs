//! `best.json`: the best point of a sweep with a baseline and the points
//! tied with it (see `crate::experiment::best`), written beside
//! `points.csv` once the sweep is complete.

use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::experiment::best::Best;
use crate::experiment::sweep::{PointResult, Sweep};

use super::sweep::{parse_row, write_synced};
use super::OutputError;

/// The best point and its ties.
pub const BEST_FILE: &str = "best.json";

/// Reads the rows of a finished `points.csv` of `sweep`, in file order.
pub fn read_rows(points: &Path, sweep: &Sweep) -> Result<Vec<PointResult>, OutputError> {
    let io = |source| OutputError::Io {
        path: points.to_path_buf(),
        source,
    };
    let reader = BufReader::new(std::fs::File::open(points).map_err(io)?);
    let mut rows = Vec::new();
    for line in reader.lines().skip(1) {
        let line = line.map_err(io)?;
        let row = parse_row(
            &line,
            sweep.parameters.len(),
            sweep.kpis.len(),
            !sweep.baseline.is_empty(),
        )
        .ok_or_else(|| OutputError::Sweep {
            path: points.to_path_buf(),
            message: "holds a malformed row".into(),
        })?;
        rows.push(row);
    }
    Ok(rows)
}

/// Writes `best` to `dir/best.json`.
pub fn write(dir: &Path, best: &Best) -> Result<(), OutputError> {
    let mut bytes = serde_json::to_vec_pretty(best).expect("plain data serialises");
    bytes.push(b'\n');
    write_synced(&dir.join(BEST_FILE), &bytes)
}
