//! Jones & Sasser (1995), Xerox: "totally satisfied" customers were about
//! six times as likely to repurchase as "satisfied" ones. Measured as
//! realised behaviour in the settled default store: of the visits that
//! leave a customer in the top satisfaction band (happiness at least 0.8,
//! the top fifth of the scale) and in the next band (0.6 to 0.8), the share
//! followed by a return visit within a year; the ratio must lie in 3x-10x.

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::experiment::{run as run_config, stats::Stats};
use crate::output::columns;

pub const NAME: &str = "jones_sasser_topbox";
pub const TITLE: &str = "Jones & Sasser: totally satisfied versus satisfied";

pub fn run(size: Size) -> Outcome {
    let mut c = Config::default();
    c.simulation.replications = size.pick(30, 6);
    c.simulation.seed = 1995;
    let results = run_config(&c, &|| {});
    let ratios: Vec<f64> = results
        .replications
        .iter()
        .map(|r| r.kpis.topbox_return_share / r.kpis.satisfied_return_share)
        .collect();
    let ratio = Figure::from(Stats::of(&ratios));
    let top = results.kpi("topbox_return_share").expect("a KPI");
    let sat = results.kpi("satisfied_return_share").expect("a KPI");
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Jones & Sasser (1995), Harvard Business Review: at Xerox, totally satisfied \
                 customers were six times as likely to repurchase over 18 months as satisfied ones",
        criteria: vec![Criterion {
            measure: "return within a year, totally satisfied over satisfied (ratio)".into(),
            target: "about 6x; pass: between 3 and 10".into(),
            obtained: ratio,
            pass: ratio.value >= 3.0 && ratio.value <= 10.0,
        }],
        setup: format!(
            "{} replications of the settled default store; share of visits followed by a return \
             within a year: totally satisfied {:.3} (95% CI {:.3} to {:.3}), satisfied {:.3} \
             (95% CI {:.3} to {:.3})",
            c.simulation.replications,
            top.mean,
            top.ci_low,
            top.ci_high,
            sat.mean,
            sat.ci_low,
            sat.ci_high
        ),
        data: vec![DataSet {
            name: "jones-sasser".into(),
            title: "Return within a year by satisfaction band".into(),
            kind: PlotKind::Bars,
            x_label: "satisfaction band".into(),
            y_label: "share returning within a year".into(),
            categories: vec![
                "satisfied (0.6-0.8)".into(),
                "totally satisfied (0.8-1)".into(),
            ],
            columns: columns::value_with_interval("band", "share"),
            rows: vec![
                vec![0.0, sat.mean, sat.ci_low, sat.ci_high],
                vec![1.0, top.mean, top.ci_low, top.ci_high],
            ],
        }],
    }
}
