//! Job strain (Karasek 1979): exhaustion is highest in the high-demand,
//! low-latitude cell of a demand x latitude grid. Demand is the market's
//! flow of customers (and with it the base), latitude the policy's.

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::experiment::run as run_config;

pub const NAME: &str = "strain";
pub const TITLE: &str = "Karasek job strain";

pub fn run(size: Size) -> Outcome {
    let demands = [0.7, 1.0, 1.3];
    let latitudes = [0.0, 0.5, 1.0];
    let replications = size.pick(20, 5);
    let mut cells = Vec::new();
    for &d in &demands {
        for &l in &latitudes {
            let mut c = Config::default();
            c.market.households *= d;
            c.store.initial_customers = (f64::from(c.store.initial_customers) * d).round() as u32;
            c.policy.latitude = l;
            c.simulation.replications = replications;
            c.simulation.seed = 1979;
            let r = run_config(&c, &|| {});
            cells.push((d, l, r.kpi("exhaustion").expect("a KPI")));
        }
    }
    let strained = cells
        .iter()
        .find(|(d, l, _)| *d == demands[2] && *l == latitudes[0])
        .expect("the high-demand, low-latitude cell")
        .2;
    let runner_up = cells
        .iter()
        .filter(|(d, l, _)| !(*d == demands[2] && *l == latitudes[0]))
        .map(|c| c.2)
        .max_by(|a, b| a.mean.total_cmp(&b.mean))
        .expect("other cells");
    let margin = Figure {
        value: strained.mean - runner_up.mean,
        ci_low: strained.ci_low - runner_up.ci_high,
        ci_high: strained.ci_high - runner_up.ci_low,
    };
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Karasek (1979), Administrative Science Quarterly: strain is highest where job demands are \
                 high and decision latitude is low",
        criteria: vec![Criterion {
            measure: "exhaustion in the high-demand, low-latitude cell minus the highest other cell (0-1)".into(),
            target: "highest; pass: positive, with the two cells' CIs apart".into(),
            obtained: margin,
            pass: margin.ci_low > 0.0,
        }],
        setup: format!(
            "{replications} replications per cell; demand {:?} times the default market (new customers \
             and initial base), latitude {:?}",
            demands, latitudes
        ),
        data: vec![DataSet {
            name: "strain".into(),
            title: "Mean staff exhaustion by demand and latitude".into(),
            kind: PlotKind::Heatmap,
            x_label: "demand (times the default market)".into(),
            y_label: "latitude (0-1)".into(),
            categories: Vec::new(),
            columns: vec!["demand".into(), "latitude".into(), "exhaustion".into()],
            rows: cells.iter().map(|(d, l, s)| vec![*d, *l, s.mean]).collect(),
        }],
    }
}
