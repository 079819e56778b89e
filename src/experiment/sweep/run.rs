//! Running a sweep's points: their configs, the paired baselines and the
//! summaries of each point, in batches across the cores.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::config::{Config, ConfigError};
use crate::engine::{replicate, Start, KPI_DEFS};

use super::*;
use crate::experiment::stats::Stats;

impl Sweep {
    /// The config of a point, and of its baseline when the sweep has one.
    pub fn configs(&self, values: &[f64]) -> Result<(Config, Option<Config>), ConfigError> {
        let mut config = self.base.clone();
        for (p, v) in self.parameters.iter().zip(values) {
            config.set(&p.path, toml::Value::Float(*v))?;
        }
        let baseline = if self.baseline.is_empty() {
            None
        } else {
            let mut b = config.clone();
            for (key, value) in &self.baseline {
                b.set(key, value.clone())?;
            }
            Some(b)
        };
        Ok((config, baseline))
    }

    /// What decides a point's baseline: its values of the parameters the
    /// baseline does not override (the rest of the baseline is the same
    /// for every point), as bits. Points with the same key share one
    /// baseline run.
    pub(super) fn baseline_key(&self, values: &[f64]) -> Vec<u64> {
        self.parameters
            .iter()
            .zip(values)
            .filter(|(p, _)| !self.baseline.contains_key(&p.path))
            .map(|(_, v)| v.to_bits())
            .collect()
    }

    /// KPI values of every replication of `configs`, all run in parallel
    /// (config, replication) by (config, replication); in config order.
    /// A config with `simulation.shared_burn_in` has its shared burn-in
    /// made once here for all its replications (every shard makes the
    /// same), and the configs then go a thread count at a time, so no more
    /// settled states are held at once than there are threads.
    pub(super) fn kpi_values(&self, configs: &[&Config]) -> Vec<Vec<Vec<f64>>> {
        let n = u64::from(self.replications);
        let at_once = if configs.iter().any(|c| c.simulation.shared_burn_in) {
            rayon::current_num_threads().max(1)
        } else {
            configs.len().max(1)
        };
        let mut values = Vec::with_capacity(configs.len());
        for configs in configs.chunks(at_once) {
            let starts: Vec<Start> = configs
                .par_iter()
                .map(|c| Start::of(c, self.seed))
                .collect();
            let flat: Vec<Vec<f64>> = (0..configs.len() as u64 * n)
                .into_par_iter()
                .map(|x| {
                    let c = (x / n) as usize;
                    replicate(configs[c], &starts[c], self.seed, x % n)
                        .kpis
                        .values()
                })
                .collect();
            values.extend(flat.chunks(n as usize).map(<[_]>::to_vec));
        }
        values
    }

    /// One point's summaries from its replications' KPI values and, paired
    /// by replication, its baseline's.
    pub(super) fn point_result(
        &self,
        id: u64,
        values: Vec<f64>,
        point: &[Vec<f64>],
        baseline: Option<&[Vec<f64>]>,
    ) -> PointResult {
        let index: Vec<usize> = self
            .kpis
            .iter()
            .map(|k| {
                KPI_DEFS
                    .iter()
                    .position(|d| d.name == k)
                    .expect("checked on load")
            })
            .collect();
        let kpis = index
            .iter()
            .map(|&i| Stats::of(&point.iter().map(|p| p[i]).collect::<Vec<_>>()))
            .collect();
        let differences = baseline.map(|base| {
            index
                .iter()
                .map(|&i| {
                    Stats::of(
                        &point
                            .iter()
                            .zip(base)
                            .map(|(p, b)| p[i] - b[i])
                            .collect::<Vec<_>>(),
                    )
                })
                .collect()
        });
        PointResult {
            id,
            values,
            kpis,
            differences,
        }
    }

    /// Runs the given points, handing each result to `on_point` as it
    /// finishes (from worker threads, in completion order). Points run in
    /// batches: a batch's distinct baselines run first, each once (a
    /// baseline still needed by the next batch is kept for it), then its
    /// points, in parallel point by point and replication by replication,
    /// so a sweep of few points with many replications fills the cores too.
    /// Stops at the first error after the points in flight finish.
    pub fn run_points<E: Send>(
        &self,
        ids: &[u64],
        on_point: &(dyn Fn(PointResult) -> Result<(), E> + Sync),
    ) -> Result<(), PointsError<E>> {
        type Baselines = BTreeMap<Vec<u64>, Vec<Vec<f64>>>;
        let mut kept: Baselines = BTreeMap::new();
        for batch in ids.chunks(POINTS_PER_BATCH) {
            let mut points = Vec::with_capacity(batch.len());
            for &id in batch {
                let values = self.point(id);
                let (config, baseline) = self.configs(&values).map_err(PointsError::Config)?;
                let key = baseline.as_ref().map(|_| self.baseline_key(&values));
                points.push((id, values, config, baseline, key));
            }
            let mut baselines: Baselines = BTreeMap::new();
            let mut to_run: Vec<(&Vec<u64>, &Config)> = Vec::new();
            for (_, _, _, baseline, key) in &points {
                let (Some(b), Some(key)) = (baseline, key) else {
                    continue;
                };
                if baselines.contains_key(key) || to_run.iter().any(|(k, _)| *k == key) {
                    continue;
                }
                match kept.remove(key) {
                    Some(values) => {
                        baselines.insert(key.clone(), values);
                    }
                    None => to_run.push((key, b)),
                }
            }
            let configs: Vec<&Config> = to_run.iter().map(|(_, c)| *c).collect();
            for ((key, _), values) in to_run.iter().zip(self.kpi_values(&configs)) {
                baselines.insert((*key).clone(), values);
            }
            points
                .into_par_iter()
                .try_for_each(|(id, values, config, _, key)| {
                    let point = self.kpi_values(&[&config]).remove(0);
                    let base = key.map(|k| &baselines[&k][..]);
                    on_point(self.point_result(id, values, &point, base))
                        .map_err(PointsError::Point)
                })?;
            kept = baselines;
        }
        Ok(())
    }
}

/// Why [`Sweep::run_points`] stopped: a point's config is invalid, or the
/// caller's `on_point` failed with `E` (writing the point, say).
#[derive(Debug, thiserror::Error)]
pub enum PointsError<E> {
    #[error(transparent)]
    Config(ConfigError),
    #[error(transparent)]
    Point(E),
}

/// Points per batch of [`Sweep::run_points`]: enough to keep every core
/// busy between batches, few enough that a batch's configs and baselines
/// take little memory.
pub(super) const POINTS_PER_BATCH: usize = 256;

/// One point's summaries, in the sweep's KPI order.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    pub id: u64,
    /// Parameter values, in the sweep's parameter order.
    pub values: Vec<f64>,
    pub kpis: Vec<Stats>,
    /// Paired differences point - baseline, when the sweep has a baseline.
    pub differences: Option<Vec<Stats>>,
}
