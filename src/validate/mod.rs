//! Validation: the model, at its default calibration, reproduces what field
//! studies found. Each experiment runs the same model a manager runs
//! (configs built from `Config::default()` with the stated changes, never a
//! special code path) and reports the published target, the figure obtained
//! with its 95% CI, and pass or fail.
//!
//! Experiments come in two sizes: [`Size::Full`] for `effectchain
//! validate`, and [`Size::Reduced`] (fewer stores, replications or weeks,
//! same seeds and criteria) for the test suite.

mod balance;
mod busyness;
mod clv;
mod contingencies;
mod de_matos;
mod erosion;
mod harter;
mod jones_sasser;
mod loss_aversion;
mod reichheld;
pub mod sears;
mod strain;
mod ton_huckman;

use serde::Serialize;

use crate::experiment::stats::Stats;

/// How big to run an experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// As documented in docs/VALIDATION.md.
    Full,
    /// Small and fast, for the test suite.
    Reduced,
}

impl Size {
    /// `full` when Full, else `reduced`.
    pub(crate) fn pick<T>(self, full: T, reduced: T) -> T {
        match self {
            Size::Full => full,
            Size::Reduced => reduced,
        }
    }
}

/// A figure with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl Figure {
    /// A figure known exactly (no sampling error): its CI is the value.
    pub fn exact(value: f64) -> Figure {
        Figure {
            value,
            ci_low: value,
            ci_high: value,
        }
    }
}

impl Criterion {
    /// A self-consistency check (a recomputation of the model's own
    /// formulas), labelled as such: it passes below 1e-9.
    pub fn consistency(measure: &str, gap: f64) -> Criterion {
        Criterion {
            measure: format!("consistency check: {measure}"),
            target: "consistency check, not validation; pass: below 1e-9".into(),
            obtained: Figure::exact(gap),
            pass: gap < 1e-9,
        }
    }
}

impl From<Stats> for Figure {
    fn from(s: Stats) -> Figure {
        Figure {
            value: s.mean,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
        }
    }
}

/// One criterion of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    /// What is measured, such as "impression per 5 attitude units".
    pub measure: String,
    /// The published target and the pass rule, in words.
    pub target: String,
    pub obtained: Figure,
    pub pass: bool,
}

/// How a data set is best drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlotKind {
    /// Lines of every y column against x.
    Lines,
    /// Points of the first y column against x, with the least-squares line.
    ScatterFit,
    /// Bars of the first y column per x (x is a category index), with
    /// `<y>_ci_low`/`<y>_ci_high` error bars when present.
    Bars,
    /// A grid: x and the second column are the axes, the third the value.
    Heatmap,
}

/// Numbers behind an experiment's plot, written as CSV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataSet {
    /// File stem, such as `sears-impression`.
    pub name: String,
    pub title: String,
    pub kind: PlotKind,
    pub x_label: String,
    pub y_label: String,
    /// Labels of categorical x values (bars), if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    pub columns: Vec<String>,
    #[serde(skip)]
    pub rows: Vec<Vec<f64>>,
}

impl DataSet {
    /// The rows as CSV text with a header.
    pub fn csv(&self) -> String {
        let mut s = crate::output::csv::record(&self.columns);
        for row in &self.rows {
            s.push_str(&crate::output::csv::record(row.iter().map(f64::to_string)));
        }
        s
    }
}

/// The result of one validation experiment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Short name used by `--only`, such as `sears`.
    pub name: &'static str,
    pub title: &'static str,
    /// The study and what it found.
    pub source: &'static str,
    pub criteria: Vec<Criterion>,
    /// Notes on the setup, in words (what was run, how big).
    pub setup: String,
    pub data: Vec<DataSet>,
}

impl Outcome {
    /// An experiment passes when all its criteria do.
    pub fn pass(&self) -> bool {
        self.criteria.iter().all(|c| c.pass)
    }
}

/// An experiment: its name and how to run it.
pub struct Experiment {
    pub name: &'static str,
    pub title: &'static str,
    pub run: fn(Size) -> Outcome,
}

/// Every validation experiment, in report order.
pub const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        name: sears::NAME,
        title: sears::TITLE,
        run: sears::run,
    },
    Experiment {
        name: erosion::NAME,
        title: erosion::TITLE,
        run: erosion::run,
    },
    Experiment {
        name: contingencies::NAME,
        title: contingencies::TITLE,
        run: contingencies::run,
    },
    Experiment {
        name: balance::NAME,
        title: balance::TITLE,
        run: balance::run,
    },
    Experiment {
        name: clv::NAME,
        title: clv::TITLE,
        run: clv::run,
    },
    Experiment {
        name: strain::NAME,
        title: strain::TITLE,
        run: strain::run,
    },
    Experiment {
        name: reichheld::NAME,
        title: reichheld::TITLE,
        run: reichheld::run,
    },
    Experiment {
        name: jones_sasser::NAME,
        title: jones_sasser::TITLE,
        run: jones_sasser::run,
    },
    Experiment {
        name: loss_aversion::NAME,
        title: loss_aversion::TITLE,
        run: loss_aversion::run,
    },
    Experiment {
        name: de_matos::NAME,
        title: de_matos::TITLE,
        run: de_matos::run,
    },
    Experiment {
        name: harter::NAME,
        title: harter::TITLE,
        run: harter::run,
    },
    Experiment {
        name: busyness::NAME,
        title: busyness::TITLE,
        run: busyness::run,
    },
    Experiment {
        name: ton_huckman::NAME,
        title: ton_huckman::TITLE,
        run: ton_huckman::run,
    },
];

/// Least-squares slope of y on x, or NaN with fewer than two distinct x.
pub(crate) fn slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    if sxx > 0.0 {
        sxy / sxx
    } else {
        f64::NAN
    }
}

/// Pearson correlation of x and y, or NaN when either is constant.
pub(crate) fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let syy: f64 = y.iter().map(|b| (b - my) * (b - my)).sum();
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        f64::NAN
    }
}

/// A criterion that passes when the CI lies inside `[low, high]`... or,
/// for "about" targets, when the estimate lies in the band and its CI
/// excludes zero.
pub(crate) fn about(
    measure: &str,
    target: &str,
    obtained: Figure,
    low: f64,
    high: f64,
) -> Criterion {
    let excludes_zero = obtained.ci_low > 0.0 || obtained.ci_high < 0.0;
    Criterion {
        measure: measure.into(),
        target: target.into(),
        obtained,
        pass: obtained.value >= low && obtained.value <= high && excludes_zero,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slope_of_a_line() {
        assert!((slope(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]) - 2.0).abs() < 1e-12);
        assert!(slope(&[1.0, 1.0], &[0.0, 1.0]).is_nan());
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in EXPERIMENTS.iter().enumerate() {
            for b in &EXPERIMENTS[i + 1..] {
                assert_ne!(a.name, b.name);
            }
        }
    }
}
