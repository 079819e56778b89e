//! Loss aversion in retention (Kahneman & Tversky 1979; Anderson &
//! Sullivan 1993: negative disconfirmation moves repurchase more than
//! positive). From the settled default store, the quality of every
//! encounter is shifted up and, in a second comparison, down by the same
//! amount; the fall in annual retention after the drop must exceed the
//! rise after the lift (loss minus gain above zero, CI excluding zero).

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::experiment::compare::compare;
use crate::output::columns;

pub const NAME: &str = "loss_aversion";
pub const TITLE: &str = "Loss aversion: a fall costs more retention than a rise gains";

/// Shift of the encounter's perceived quality (0-1 scale).
pub const SHOCK: f64 = 0.05;

fn shifted(delta: f64) -> Config {
    let mut c = Config::default();
    c.service.quality_base += delta;
    c
}

pub fn run(size: Size) -> Outcome {
    let replications = size.pick(40, 8);
    let seed = 1979;
    let a = Config::default();
    let up = compare(&a, &shifted(SHOCK), seed, replications, &|| {});
    let down = compare(&a, &shifted(-SHOCK), seed, replications, &|| {});
    let gain = up.difference_of("annual_retention").expect("a KPI");
    let change_down = down.difference_of("annual_retention").expect("a KPI");
    // Loss minus gain, in points; the two comparisons share arm A, so the
    // half-widths are combined as if independent (conservative when the
    // errors are positively correlated through A).
    let value = 100.0 * (-change_down.mean - gain.mean);
    let half = 100.0 * (gain.half_width().powi(2) + change_down.half_width().powi(2)).sqrt();
    let net = Figure {
        value,
        ci_low: value - half,
        ci_high: value + half,
    };
    let pts =
        |s: crate::experiment::stats::Stats| [100.0 * s.mean, 100.0 * s.ci_low, 100.0 * s.ci_high];
    let g = pts(gain);
    let l = pts(change_down);
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Kahneman & Tversky (1979); Anderson & Sullivan (1993), Marketing Science: a \
                 shortfall below expectation costs more satisfaction and repurchase than an equal \
                 excess gains",
        criteria: vec![Criterion {
            measure:
                "retention lost after a drop minus retention gained after an equal rise (points)"
                    .into(),
            target: "loss larger than gain; pass: above zero, CI excluding zero".into(),
            obtained: net,
            pass: net.ci_low > 0.0,
        }],
        setup: format!(
            "{replications} paired replications of the settled default store per direction; \
             switch: service.quality_base +/- {SHOCK}; annual retention change: rise {:+.2} points \
             (95% CI {:+.2} to {:+.2}), drop {:+.2} points (95% CI {:+.2} to {:+.2})",
            g[0], g[1], g[2], l[0], l[1], l[2]
        ),
        data: vec![DataSet {
            name: "loss-aversion".into(),
            title: "Annual retention change after an equal rise and drop of quality".into(),
            kind: PlotKind::Bars,
            x_label: "shock".into(),
            y_label: "annual retention change (points)".into(),
            categories: vec!["rise".into(), "drop".into()],
            columns: columns::value_with_interval("shock", "change"),
            rows: vec![vec![0.0, g[0], g[1], g[2]], vec![1.0, l[0], l[1], l[2]]],
        }],
    }
}
