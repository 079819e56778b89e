//! `optimize.json`: what `effectchain optimize` searched and found (see
//! `crate::experiment::optimize`), written beside the finalists'
//! `points.csv` and `best.json` once the search is complete. Each round's
//! points are a sweep folder of their own under `rounds/round-N/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::experiment::best::Best;
use crate::experiment::optimize::{Evaluated, Optimization};

use super::sweep::write_synced;
use super::OutputError;

/// The search and its result.
pub const OPTIMIZE_FILE: &str = "optimize.json";
/// The folder that holds one sweep folder per round.
pub const ROUNDS_DIR: &str = "rounds";

/// The folder of round `round` (1-based) inside `out`.
pub fn round_dir(out: &Path, round: u32) -> PathBuf {
    out.join(ROUNDS_DIR).join(format!("round-{round}"))
}

/// One lever and its range.
#[derive(Debug, Clone, Serialize)]
pub struct Lever {
    pub path: String,
    pub from: f64,
    pub to: f64,
    pub integer: bool,
}

/// One round of the search.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub round: u32,
    /// `[low, high]` of every lever.
    pub bounds: Vec<(f64, f64)>,
    /// Points evaluated in it (those already evaluated are not re-run).
    pub points: usize,
}

/// The contents of optimize.json.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// `profit_difference` or the KPI maximised.
    pub objective: String,
    pub kpi: String,
    pub levers: Vec<Lever>,
    /// The baseline policy's overrides (profit difference only), as TOML.
    pub baseline: BTreeMap<String, String>,
    pub replications: u32,
    pub seed: u64,
    pub design: String,
    pub shrink: f64,
    pub rounds: Vec<Round>,
    /// Every point of the search, in round and design order, with its
    /// objective on the search's replications.
    pub evaluated: Vec<Evaluated>,
    /// The search's best points as the search saw them (biased upwards:
    /// the winner's curse), best first.
    pub finalists: Vec<Evaluated>,
    /// The finalists' fresh replications.
    pub final_replications: u32,
    pub final_seed: u64,
    /// The best finalist on the fresh replications and its ties (as
    /// best.json).
    pub best: Best,
    /// The answer in one sentence.
    pub sentence: String,
}

impl Summary {
    /// The summary of a finished search.
    pub fn of(
        opt: &Optimization,
        rounds: Vec<Round>,
        evaluated: Vec<Evaluated>,
        finalists: Vec<Evaluated>,
        best: Best,
        sentence: String,
    ) -> Summary {
        Summary {
            objective: opt.objective.clone(),
            kpi: opt.kpi.clone(),
            levers: opt
                .levers
                .iter()
                .map(|l| Lever {
                    path: l.path.clone(),
                    from: l.values[0],
                    to: l.values[1],
                    integer: l.integer,
                })
                .collect(),
            baseline: opt
                .baseline
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            replications: opt.replications,
            seed: opt.seed,
            design: match opt.search.design {
                crate::experiment::optimize::RoundDesign::Grid { steps } => {
                    format!("grid, {steps} steps per lever a round")
                }
                crate::experiment::optimize::RoundDesign::LatinHypercube { points } => {
                    format!("latin_hypercube, {points} points a round")
                }
            },
            shrink: opt.search.shrink,
            rounds,
            evaluated,
            finalists,
            final_replications: opt.final_replications,
            final_seed: opt.final_seed,
            best,
            sentence,
        }
    }
}

/// Writes `summary` to `dir/optimize.json`.
pub fn write(dir: &Path, summary: &Summary) -> Result<(), OutputError> {
    let mut bytes = serde_json::to_vec_pretty(summary).expect("plain data serialises");
    bytes.push(b'\n');
    write_synced(&dir.join(OPTIMIZE_FILE), &bytes)
}
