//! The best point of a sweep with a baseline, and the points that are
//! statistically tied with it.
//!
//! The best point is the one with the highest mean profit difference to
//! the baseline. Every other point is compared with it by a one-sided
//! paired t-test on the per-replication differences
//! `(profit_best - profit_best's baseline) - (profit_i - profit_i's
//! baseline)` (replication k of every point and baseline shares the random
//! streams of (seed, k), so the pairs are common random numbers), and the
//! family of these `m = points - 1` tests is corrected by **Holm's (1979)
//! step-down** procedure at a familywise level of 5%: a point is
//! distinguishable from the best when its test is rejected, tied
//! otherwise. Holm controls the chance of calling any truly tied point
//! worse at 5%, whatever the dependence between the tests, and rejects at
//! least as much as Bonferroni.
//!
//! `points.csv` keeps means and intervals, not replications, so the
//! candidates are run again (a point's replication k is a function of the
//! sweep, the point and k alone, so the values are those of the sweep).
//! Points certainly distinguishable are not re-run: the paired standard
//! deviation is at most the sum of the two points' own (Cauchy-Schwarz),
//! so `gap >= (half_i + half_best) * t_crit / t_975` proves `p <= alpha/m`,
//! which Holm always rejects.

use rayon::prelude::*;
use serde::Serialize;

use super::stats::{t_975, t_sf, t_upper_quantile, Stats};
use super::sweep::{PointResult, Sweep};
use crate::engine::{replicate, Start, KPI_DEFS};

/// Familywise error rate of the tie tests.
pub const ALPHA: f64 = 0.05;

/// How the ties are decided, in words (for best.json and the report).
pub const METHOD: &str = "one-sided paired t-tests of each point against the best on the \
per-replication profit differences (common random numbers), Holm step-down correction, \
familywise level 5%";

/// A point with its profit difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub point_id: u64,
    pub values: Vec<f64>,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Mean of best minus this point (0 for the best).
    pub gap: f64,
    /// One-sided p-value of "the best is better", when tested directly;
    /// `None` for the best and for points screened out as certainly worse.
    pub p_value: Option<f64>,
}

/// The best point and its ties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Best {
    pub kpi: String,
    pub parameters: Vec<String>,
    pub replications: u32,
    pub alpha: f64,
    pub method: String,
    pub best: Candidate,
    /// Points not distinguishable from the best (the best first, then by
    /// mean, highest first).
    pub tied: Vec<Candidate>,
    /// Points worse than the best after the correction.
    pub worse: usize,
    /// Points re-run for the paired tests (the others were screened).
    pub rerun: usize,
}

/// Holm's step-down procedure: which of the hypotheses with p-values `p`
/// are rejected at familywise level `alpha`. The j-th smallest p-value
/// (1-based) is compared with `alpha / (m - j + 1)`; the first that fails
/// stops the procedure, keeping it and every larger one.
pub fn holm(p: &[f64], alpha: f64) -> Vec<bool> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut rejected = vec![false; m];
    for (j, &i) in order.iter().enumerate() {
        if p[i] <= alpha / (m - j) as f64 {
            rejected[i] = true;
        } else {
            break;
        }
    }
    rejected
}

/// Whether a sweep's rows can be ranked: profit kept, a baseline, and at
/// least two replications and two points.
pub fn applies(sweep: &Sweep) -> bool {
    sweep.kpis.iter().any(|k| k == "profit")
        && !sweep.baseline.is_empty()
        && sweep.replications >= 2
        && sweep.points() >= 2
}

/// Per-replication profit differences to the baseline of point `id`.
fn differences(sweep: &Sweep, id: u64) -> Vec<f64> {
    let profit = KPI_DEFS
        .iter()
        .position(|d| d.name == "profit")
        .expect("profit is a KPI");
    let (config, baseline) = sweep.configs(&sweep.point(id)).expect("checked on load");
    let baseline = baseline.expect("a baseline");
    // With `simulation.shared_burn_in`, each config's one burn-in (the
    // sweep's own for the point).
    let (start, start_baseline) = rayon::join(
        || Start::of(&config, sweep.seed),
        || Start::of(&baseline, sweep.seed),
    );
    (0..u64::from(sweep.replications))
        .into_par_iter()
        .map(|k| {
            replicate(&config, &start, sweep.seed, k).kpis.values()[profit]
                - replicate(&baseline, &start_baseline, sweep.seed, k)
                    .kpis
                    .values()[profit]
        })
        .collect()
}

/// The best point of `rows` (in point-id order) and its ties.
pub fn analyse(sweep: &Sweep, rows: &[PointResult]) -> Option<Best> {
    if !applies(sweep) || rows.len() < 2 {
        return None;
    }
    let profit = sweep.kpis.iter().position(|k| k == "profit")?;
    let stat = |r: &PointResult| -> Stats { r.differences.as_ref().expect("a baseline")[profit] };
    let best_row = rows.iter().fold(None::<&PointResult>, |b, r| match b {
        Some(b) if stat(b).mean >= stat(r).mean => Some(b),
        _ => Some(r),
    })?;
    let best_stat = stat(best_row);
    let n = sweep.replications as usize;
    let m = rows.len() - 1;
    let df = (n - 1) as f64;
    let t_crit = t_upper_quantile(ALPHA / m as f64, df);
    let t95 = t_975(n - 1);
    let candidate = |r: &PointResult, p_value: Option<f64>| {
        let s = stat(r);
        Candidate {
            point_id: r.id,
            values: r.values.clone(),
            mean: s.mean,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
            gap: best_stat.mean - s.mean,
            p_value,
        }
    };
    // Screening: certainly distinguishable points are not re-run.
    let to_test: Vec<&PointResult> = rows
        .iter()
        .filter(|r| r.id != best_row.id)
        .filter(|r| {
            let s = stat(r);
            let gap = best_stat.mean - s.mean;
            gap * t95 < (s.half_width() + best_stat.half_width()) * t_crit
        })
        .collect();
    let best_d = differences(sweep, best_row.id);
    let tested: Vec<(f64, &PointResult)> = to_test
        .par_iter()
        .map(|r| {
            let d = differences(sweep, r.id);
            let gaps: Vec<f64> = best_d.iter().zip(&d).map(|(b, x)| b - x).collect();
            let s = Stats::of(&gaps);
            let p = if s.sd > 0.0 {
                t_sf(s.mean / (s.sd / (n as f64).sqrt()), df)
            } else if s.mean > 0.0 {
                0.0
            } else {
                1.0
            };
            (p, *r)
        })
        .collect();
    // Screened points certainly have p <= alpha/m: they count as p = 0,
    // which leaves Holm's decisions on the others unchanged.
    let screened = m - tested.len();
    let mut p_all = vec![0.0; screened];
    p_all.extend(tested.iter().map(|t| t.0));
    let rejected = holm(&p_all, ALPHA);
    let mut tied = vec![candidate(best_row, None)];
    let mut worse = screened;
    for ((p, r), rejected) in tested.iter().zip(&rejected[screened..]) {
        if *rejected {
            worse += 1;
        } else {
            tied.push(candidate(r, Some(*p)));
        }
    }
    tied[1..].sort_by(|a, b| b.mean.total_cmp(&a.mean).then(a.point_id.cmp(&b.point_id)));
    Some(Best {
        kpi: "profit".into(),
        parameters: sweep.parameters.iter().map(|p| p.path.clone()).collect(),
        replications: sweep.replications,
        alpha: ALPHA,
        method: METHOD.into(),
        best: candidate(best_row, None),
        tied,
        worse,
        rerun: tested.len() + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_steps_down_and_stops_at_the_first_failure() {
        // Sorted: 0.005 <= 0.05/4, 0.01 <= 0.05/3, 0.03 > 0.05/2: stop.
        assert_eq!(
            holm(&[0.01, 0.04, 0.03, 0.005], 0.05),
            vec![true, false, false, true]
        );
        // Holm rejects what Bonferroni does, and more: 0.02 <= 0.05/2.
        assert_eq!(holm(&[0.012, 0.02], 0.05), vec![true, true]);
        assert_eq!(holm(&[0.03, 0.04], 0.05), vec![false, false]);
    }
}
