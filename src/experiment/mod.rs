//! Experiments: run a config's replications in parallel and summarise them.
//!
//! A replication is the unit of parallel work: rayon runs
//! `run_replication(config, seed, k)` for every k, results are folded in k
//! order as they come back (in batches, so memory stays flat), and every
//! reduction runs sequentially in that order. The thread count therefore
//! changes only how long a run takes. With `simulation.shared_burn_in` a
//! run (and each shard of a sweep) first makes the shared burn-in once
//! (`engine::Start::of`), then every replication starts from a re-keyed
//! copy of it.

pub mod best;
pub mod check;
pub mod compare;
pub mod discover;
pub mod optimize;
mod options;
pub mod sensitivity;
pub mod stats;
pub mod sweep;
pub mod switch;

use rayon::prelude::*;

use crate::config::Config;
use crate::engine::{replicate, Replication, Start, DAILY_DEFS, KPI_DEFS};
pub use options::{run as run_with, Error, RunOptions};
use stats::Running;
pub use stats::Stats;

/// A run's replications and their summaries.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// Master seed used.
    pub seed: u64,
    /// Every replication, in index order, without its daily series (which
    /// `daily` summarises).
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
/// replication (from worker threads), for progress reporting. With
/// `simulation.shared_burn_in` the shared burn-in is made once, first.
pub fn run(config: &Config, on_done: &(dyn Fn() + Sync)) -> RunResults {
    let seed = config.simulation.seed;
    let start = Start::of(config, seed);
    let mut summary = Summary::new(seed);
    in_order(
        u64::from(config.simulation.replications),
        |k| {
            let r = replicate(config, &start, seed, k);
            on_done();
            r
        },
        |r| summary.push(r),
    );
    summary.finish()
}

/// Replications per worker thread in one batch of [`in_order`]: enough that
/// the wait for a batch's slowest replication costs little, few enough that
/// a batch's results take little memory.
pub(crate) const BATCH_PER_THREAD: u64 = 32;

/// Runs `work(k)` for `k` in `0..n` in parallel and hands each result to
/// `fold` in index order. Work runs in batches, and each batch's results
/// are folded before the next batch starts, so the memory held is one
/// batch's results whatever `n` is.
pub(crate) fn in_order<T: Send>(n: u64, work: impl Fn(u64) -> T + Sync, mut fold: impl FnMut(T)) {
    let batch = BATCH_PER_THREAD * rayon::current_num_threads() as u64;
    let mut start = 0;
    while start < n {
        let end = n.min(start + batch);
        let results: Vec<T> = (start..end).into_par_iter().map(&work).collect();
        results.into_iter().for_each(&mut fold);
        start = end;
    }
}

/// A run's summaries, built from its replications given one at a time in
/// index order: each daily series is folded into running per-day summaries
/// and dropped, so memory does not grow with days times replications.
#[derive(Debug, Clone)]
pub struct Summary {
    seed: u64,
    replications: Vec<Replication>,
    /// Per day, one running summary per daily variable.
    daily: Vec<Vec<Running>>,
}

impl Summary {
    pub fn new(seed: u64) -> Summary {
        Summary {
            seed,
            replications: Vec::new(),
            daily: Vec::new(),
        }
    }

    /// Adds the next replication (index order).
    pub fn push(&mut self, mut replication: Replication) {
        if self.daily.len() < replication.daily.len() {
            self.daily.resize(
                replication.daily.len(),
                vec![Running::default(); DAILY_DEFS.len()],
            );
        }
        for (point, running) in replication.daily.iter().zip(&mut self.daily) {
            for (value, r) in point.values().into_iter().zip(running) {
                r.push(value);
            }
        }
        replication.daily = Vec::new();
        self.replications.push(replication);
    }

    pub fn finish(self) -> RunResults {
        let kpi_values: Vec<Vec<f64>> = self.replications.iter().map(|r| r.kpis.values()).collect();
        let kpis = (0..KPI_DEFS.len())
            .map(|i| Stats::of(&kpi_values.iter().map(|v| v[i]).collect::<Vec<_>>()))
            .collect();
        let daily = self
            .daily
            .iter()
            .map(|vars| vars.iter().map(Running::stats).collect())
            .collect();
        RunResults {
            seed: self.seed,
            replications: self.replications,
            kpis,
            daily,
        }
    }
}

/// Summaries of replications given in index order.
pub fn summarise(seed: u64, replications: Vec<Replication>) -> RunResults {
    let mut summary = Summary::new(seed);
    replications.into_iter().for_each(|r| summary.push(r));
    summary.finish()
}
