//! Experiments: run a config's replications in parallel and summarise them.
//!
//! A replication is the unit of parallel work (never a thread-sized batch):
//! rayon runs `run_replication(config, seed, k)` for every k, results come
//! back in k order, and every reduction runs sequentially afterwards. The
//! thread count therefore changes only how long a run takes.

pub mod best;
pub mod check;
pub mod compare;
pub mod discover;
pub mod sensitivity;
pub mod stats;
pub mod sweep;
pub mod switch;

use rayon::prelude::*;

use crate::config::Config;
use crate::engine::{run_replication, Replication, DAILY_DEFS, KPI_DEFS};
pub use stats::Stats;

/// A run's replications and their summaries.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// Master seed used.
    pub seed: u64,
    /// Every replication, in index order.
    pub replications: Vec<Replication>,
    /// One entry per KPI, in [`KPI_DEFS`] order.
    pub kpis: Vec<Stats>,
    /// Per day, one entry per daily variable in `DAILY_DEFS` order.
    pub daily: Vec<Vec<Stats>>,
}

impl RunResults {
    /// The summary of the KPI with the given name.
    pub fn kpi(&self, name: &str) -> Option<Stats> {
        KPI_DEFS
            .iter()
            .position(|d| d.name == name)
            .map(|i| self.kpis[i])
    }
}

/// Runs `config.simulation.replications` replications with
/// `config.simulation.seed`. `on_done` is called once per finished
/// replication (from worker threads), for progress reporting.
pub fn run(config: &Config, on_done: &(dyn Fn() + Sync)) -> RunResults {
    let n = u64::from(config.simulation.replications);
    let seed = config.simulation.seed;
    let replications: Vec<Replication> = (0..n)
        .into_par_iter()
        .map(|k| {
            let r = run_replication(config, seed, k);
            on_done();
            r
        })
        .collect();
    summarise(seed, replications)
}

/// Summaries of replications given in index order.
pub fn summarise(seed: u64, replications: Vec<Replication>) -> RunResults {
    let kpi_values: Vec<Vec<f64>> = replications.iter().map(|r| r.kpis.values()).collect();
    let kpis = (0..KPI_DEFS.len())
        .map(|i| Stats::of(&kpi_values.iter().map(|v| v[i]).collect::<Vec<_>>()))
        .collect();
    let days = replications.first().map_or(0, |r| r.daily.len());
    let n_vars = DAILY_DEFS.len();
    let mut column = Vec::with_capacity(replications.len());
    let daily = (0..days)
        .map(|d| {
            let points: Vec<Vec<f64>> = replications.iter().map(|r| r.daily[d].values()).collect();
            (0..n_vars)
                .map(|v| {
                    column.clear();
                    column.extend(points.iter().map(|p| p[v]));
                    Stats::of(&column)
                })
                .collect()
        })
        .collect();
    RunResults {
        seed,
        replications,
        kpis,
        daily,
    }
}
