//! The manager's answers from a finished sweep: the best point and where
//! the profit difference crosses zero.

use serde::Serialize;

use super::*;
use crate::experiment::stats::Stats;

/// The manager's answers from a one- or two-parameter sweep: the value
/// with the highest profit and, against a baseline, where the profit
/// difference crosses zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub parameters: Vec<String>,
    /// The point with the highest mean profit.
    pub best: Option<BestPoint>,
    /// The point with the highest mean profit difference to the baseline.
    pub best_difference: Option<BestPoint>,
    /// One parameter with a baseline: where the difference crosses zero.
    pub break_even: Option<BreakEven>,
    /// Two grid parameters with a baseline: for each value of the first,
    /// where the difference crosses zero along the second.
    pub break_even_curve: Vec<CurvePoint>,
}

/// A point and its profit (or profit difference) with its 95% CI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestPoint {
    pub values: Vec<f64>,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Where the mean profit difference crosses zero along one parameter, and
/// where the bounds of its 95% CI do (the break-even interval).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEven {
    pub crossings: Vec<f64>,
    pub ci_low_crossings: Vec<f64>,
    pub ci_high_crossings: Vec<f64>,
}

/// One point of a two-parameter break-even curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Value of the first parameter.
    pub first: f64,
    /// Values of the second parameter where the difference crosses zero.
    pub second: Vec<f64>,
}

impl Analysis {
    /// Whether a sweep's rows can be analysed: profit is kept and there are
    /// one parameter, or two on a grid.
    pub fn applies(sweep: &Sweep) -> bool {
        sweep.kpis.iter().any(|k| k == "profit")
            && (sweep.parameters.len() == 1
                || (sweep.parameters.len() == 2 && sweep.design == Design::Grid))
    }

    /// Analyses rows given in point-id order.
    pub fn of(sweep: &Sweep, rows: &[PointResult]) -> Analysis {
        let mut analyser = Analyser::new(sweep);
        for r in rows {
            analyser.push(r);
        }
        analyser.finish()
    }
}

/// A point's profit (or profit difference): mean and 95% CI.
#[derive(Debug, Clone, Copy)]
struct Profit {
    mean: f64,
    ci_low: f64,
    ci_high: f64,
}

impl Profit {
    fn of(s: &Stats) -> Profit {
        Profit {
            mean: s.mean,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
        }
    }

    /// A point identical to its baseline (the baseline itself lies on the
    /// sweep) differs by exactly zero in every replication; it is not a
    /// break-even, so crossings are found between its neighbours.
    fn informative(&self) -> bool {
        !(self.mean == 0.0 && self.ci_low == self.ci_high)
    }
}

/// The best point so far: the first of the highest mean.
#[derive(Debug, Default)]
struct Best(Option<(Vec<f64>, Profit)>);

impl Best {
    fn offer(&mut self, values: &[f64], p: Profit) {
        match &self.0 {
            Some((_, b)) if b.mean >= p.mean => {}
            _ => self.0 = Some((values.to_vec(), p)),
        }
    }

    fn point(self) -> Option<BestPoint> {
        self.0.map(|(values, s)| BestPoint {
            values,
            mean: s.mean,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
        })
    }
}

/// [`Analysis`] in one pass over a sweep's rows in point-id order, keeping
/// only what the answers need: the best points so far and, against a
/// baseline, each row's parameter values and profit difference as plain
/// numbers (32 bytes a row for one parameter, 16 for two), never the rows.
#[derive(Debug)]
pub struct Analyser<'a> {
    sweep: &'a Sweep,
    profit: usize,
    best: Best,
    best_difference: Best,
    has_baseline: Option<bool>,
    /// One parameter: (x, difference mean, CI low, CI high) of every
    /// informative row.
    line: Vec<[f64; 4]>,
    /// Two parameters: the distinct first-parameter values (`-0` as `0`),
    /// sorted, and for each (its group) the (second value, difference
    /// mean) of its informative rows.
    firsts: Vec<f64>,
    groups: Vec<Vec<(f64, f64)>>,
}

/// `v` with `-0` as `0`, so that `total_cmp` equality is `==` equality.
fn key(v: f64) -> f64 {
    v + 0.0
}

impl<'a> Analyser<'a> {
    /// An analyser for `sweep`, which [`Analysis::applies`] to.
    pub fn new(sweep: &'a Sweep) -> Analyser<'a> {
        let profit = sweep
            .kpis
            .iter()
            .position(|k| k == "profit")
            .expect("checked by applies");
        let mut firsts: Vec<f64> = Vec::new();
        if sweep.parameters.len() == 2 {
            firsts = sweep.parameters[0]
                .values
                .iter()
                .copied()
                .filter(|v| !v.is_nan())
                .map(key)
                .collect();
            firsts.sort_by(f64::total_cmp);
            firsts.dedup_by(|a, b| a.total_cmp(b).is_eq());
        }
        Analyser {
            sweep,
            profit,
            best: Best::default(),
            best_difference: Best::default(),
            has_baseline: None,
            line: Vec::new(),
            groups: vec![Vec::new(); firsts.len()],
            firsts,
        }
    }

    fn group(&self, first: f64) -> Option<usize> {
        if first.is_nan() {
            return None;
        }
        let k = key(first);
        self.firsts.binary_search_by(|f| f.total_cmp(&k)).ok()
    }

    /// Takes the next row (in point-id order).
    pub fn push(&mut self, r: &PointResult) {
        let profit = self.profit;
        self.best.offer(&r.values, Profit::of(&r.kpis[profit]));
        let diff = r.differences.as_ref().map(|d| Profit::of(&d[profit]));
        if let Some(d) = diff {
            self.best_difference.offer(&r.values, d);
        }
        let has_baseline = *self.has_baseline.get_or_insert(diff.is_some());
        let Some(d) = diff.filter(|d| has_baseline && d.informative()) else {
            return;
        };
        match self.sweep.parameters.len() {
            1 => self.line.push([r.values[0], d.mean, d.ci_low, d.ci_high]),
            2 => {
                if let Some(g) = self.group(r.values[0]) {
                    self.groups[g].push((r.values[1], d.mean));
                }
            }
            _ => {}
        }
    }

    /// The answers from the rows taken.
    pub fn finish(mut self) -> Analysis {
        let sweep = self.sweep;
        let has_baseline = self.has_baseline == Some(true);
        let mut break_even = None;
        let mut break_even_curve = Vec::new();
        if has_baseline && sweep.parameters.len() == 1 {
            let by_x = |a: &[f64; 4], b: &[f64; 4]| a[0].total_cmp(&b[0]);
            if !self.line.is_sorted_by(|a, b| by_x(a, b).is_le()) {
                self.line.sort_by(by_x);
            }
            let sorted = &self.line;
            let x: Vec<f64> = sorted.iter().map(|r| r[0]).collect();
            let d = |k: usize| -> Vec<f64> { sorted.iter().map(|r| r[k]).collect() };
            // When the baseline sets the swept parameter to x_b, the mean
            // difference is zero there by construction, so a sign change
            // between x_b's neighbours is the baseline itself, not a
            // break-even: crossings inside that bracket (of the mean and of
            // its band, pinned to zero there too) are dropped.
            let at_baseline = baseline_value(sweep).map(|xb| {
                let below = x
                    .iter()
                    .copied()
                    .filter(|v| *v < xb)
                    .fold(f64::NEG_INFINITY, f64::max);
                let above = x
                    .iter()
                    .copied()
                    .filter(|v| *v > xb)
                    .fold(f64::INFINITY, f64::min);
                (below, above)
            });
            let real = |c: Vec<f64>| -> Vec<f64> {
                c.into_iter()
                    .filter(|c| !matches!(at_baseline, Some((lo, hi)) if lo < *c && *c < hi))
                    .collect()
            };
            break_even = Some(BreakEven {
                crossings: real(zero_crossings(&x, &d(1))),
                ci_low_crossings: real(zero_crossings(&x, &d(2))),
                ci_high_crossings: real(zero_crossings(&x, &d(3))),
            });
        } else if has_baseline && sweep.parameters.len() == 2 {
            for g in &mut self.groups {
                // Stable: equal second values stay in point-id order.
                g.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
            for &first in &sweep.parameters[0].values {
                let line = self.group(first).map_or(&[][..], |g| &self.groups[g][..]);
                let x: Vec<f64> = line.iter().map(|r| r.0).collect();
                let y: Vec<f64> = line.iter().map(|r| r.1).collect();
                break_even_curve.push(CurvePoint {
                    first,
                    second: zero_crossings(&x, &y),
                });
            }
        }
        Analysis {
            parameters: sweep.parameters.iter().map(|p| p.path.clone()).collect(),
            best: self.best.point(),
            best_difference: self.best_difference.point(),
            break_even,
            break_even_curve,
        }
    }
}

/// The value the baseline gives a one-parameter sweep's parameter, if it
/// sets it.
pub(super) fn baseline_value(sweep: &Sweep) -> Option<f64> {
    let value = sweep.baseline.get(&sweep.parameters.first()?.path)?;
    value
        .as_float()
        .or_else(|| value.as_integer().map(|i| i as f64))
}

/// Zero crossings of `y(x)` by linear interpolation between neighbours.
pub fn zero_crossings(x: &[f64], y: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    for j in 0..x.len().saturating_sub(1) {
        let (y0, y1) = (y[j], y[j + 1]);
        if y0 == 0.0 {
            out.push(x[j]);
        } else if (y0 < 0.0) != (y1 < 0.0) && y1 != 0.0 {
            out.push(x[j] + (x[j + 1] - x[j]) * y0 / (y0 - y1));
        }
    }
    if let (Some(&xl), Some(&yl)) = (x.last(), y.last()) {
        if yl == 0.0 {
            out.push(xl);
        }
    }
    out
}
