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
        let profit = sweep
            .kpis
            .iter()
            .position(|k| k == "profit")
            .expect("checked by applies");
        let best_by = |stat: &dyn Fn(&PointResult) -> Option<Stats>| {
            rows.iter()
                .filter_map(|r| stat(r).map(|s| (r, s)))
                .fold(None::<(&PointResult, Stats)>, |best, (r, s)| match best {
                    Some((_, b)) if b.mean >= s.mean => best,
                    _ => Some((r, s)),
                })
                .map(|(r, s)| BestPoint {
                    values: r.values.clone(),
                    mean: s.mean,
                    ci_low: s.ci_low,
                    ci_high: s.ci_high,
                })
        };
        let best = best_by(&|r| Some(r.kpis[profit]));
        let best_difference = best_by(&|r| r.differences.as_ref().map(|d| d[profit]));
        let has_baseline = rows.first().is_some_and(|r| r.differences.is_some());
        // A point identical to its baseline (the baseline itself lies on
        // the sweep) differs by exactly zero in every replication; it is
        // not a break-even, so crossings are found between its neighbours.
        let informative = |r: &&PointResult| {
            r.differences.as_ref().is_some_and(|d| {
                let p = &d[profit];
                !(p.mean == 0.0 && p.ci_low == p.ci_high)
            })
        };
        let mut break_even = None;
        let mut break_even_curve = Vec::new();
        if has_baseline && sweep.parameters.len() == 1 {
            let mut sorted: Vec<&PointResult> = rows.iter().filter(informative).collect();
            sorted.sort_by(|a, b| a.values[0].total_cmp(&b.values[0]));
            let x: Vec<f64> = sorted.iter().map(|r| r.values[0]).collect();
            let d = |f: fn(&Stats) -> f64| -> Vec<f64> {
                sorted
                    .iter()
                    .map(|r| f(&r.differences.as_ref().expect("baseline")[profit]))
                    .collect()
            };
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
                crossings: real(zero_crossings(&x, &d(|s| s.mean))),
                ci_low_crossings: real(zero_crossings(&x, &d(|s| s.ci_low))),
                ci_high_crossings: real(zero_crossings(&x, &d(|s| s.ci_high))),
            });
        } else if has_baseline && sweep.parameters.len() == 2 {
            for &first in &sweep.parameters[0].values {
                let mut line: Vec<&PointResult> = rows
                    .iter()
                    .filter(|r| r.values[0] == first)
                    .filter(informative)
                    .collect();
                line.sort_by(|a, b| a.values[1].total_cmp(&b.values[1]));
                let x: Vec<f64> = line.iter().map(|r| r.values[1]).collect();
                let y: Vec<f64> = line
                    .iter()
                    .map(|r| r.differences.as_ref().expect("baseline")[profit].mean)
                    .collect();
                break_even_curve.push(CurvePoint {
                    first,
                    second: zero_crossings(&x, &y),
                });
            }
        }
        Analysis {
            parameters: sweep.parameters.iter().map(|p| p.path.clone()).collect(),
            best,
            best_difference,
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
