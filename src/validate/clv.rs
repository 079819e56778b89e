//! Customer value (Gupta & Lehmann 2003): with margin m, retention r and
//! discount rate i, a customer is worth m r / (1 + i - r); the multiple is
//! 2.67 at r = 0.8 and i = 0.1. The model's own annual retention (from its
//! defection rate) and margin per customer, measured on the default store,
//! must give a multiple near 2.67, and the customer base value it reports
//! must be that multiple applied to its own base.

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::experiment::{run as run_config, stats::Stats};
use crate::output::columns;

pub const NAME: &str = "clv";
pub const TITLE: &str = "Customer lifetime value multiple";

pub fn run(size: Size) -> Outcome {
    let mut c = Config::default();
    c.simulation.replications = size.pick(30, 6);
    c.simulation.seed = 2003;
    let results = run_config(&c, &|| {});
    let i = c.economics.discount_rate;
    let retention = results.kpi("annual_retention").expect("a KPI");
    let multiple = results.kpi("clv_multiple").expect("a KPI");
    // Recompute each replication's multiple from its retention, and its
    // base value from its base and margin, independently of the KPI code.
    let consistency = results
        .replications
        .iter()
        .map(|r| {
            let k = &r.kpis;
            let m = k.annual_retention / (1.0 + i - k.annual_retention);
            let value = k.active_customers * k.margin_per_customer * m;
            ((m - k.clv_multiple).abs() / m)
                .max((value - k.customer_base_value).abs() / value.max(1.0))
        })
        .fold(0.0, f64::max);
    let multiple_figure = Figure::from(multiple);
    Outcome {
        name: NAME,
        title: TITLE,
        source:
            "Gupta & Lehmann (2003), Journal of Interactive Marketing: CLV = m r / (1 + i - r), a \
                 multiple of 2.67 at r = 0.8, i = 0.1",
        criteria: vec![
            Criterion {
                measure: "CLV multiple r / (1 + i - r) from the model's annual retention".into(),
                target: "about 2.67 (r about 0.8 at i = 0.1); pass: between 2.17 and 3.17".into(),
                obtained: multiple_figure,
                pass: multiple_figure.value >= 2.17 && multiple_figure.value <= 3.17,
            },
            Criterion::consistency(
                "largest relative gap between the reported multiple and base value and their \
                 recomputation from retention, margin and base",
                consistency,
            ),
        ],
        setup: format!(
            "{} replications of the default store; annual retention {:.3} (95% CI {:.3} to {:.3}), \
             margin per customer {:.1} EUR per year, discount rate {i}",
            c.simulation.replications,
            retention.mean,
            retention.ci_low,
            retention.ci_high,
            results.kpi("margin_per_customer").map_or(f64::NAN, |s: Stats| s.mean)
        ),
        data: vec![DataSet {
            name: "clv".into(),
            title: "CLV multiple: model against Gupta & Lehmann's anchor".into(),
            kind: PlotKind::Bars,
            x_label: "".into(),
            y_label: "CLV multiple of the yearly margin".into(),
            categories: vec![
                "model (default store)".into(),
                "Gupta & Lehmann, r = 0.8".into(),
            ],
            columns: columns::value_with_interval("case", "multiple"),
            rows: vec![
                vec![0.0, multiple.mean, multiple.ci_low, multiple.ci_high],
                vec![1.0, 0.8 / 0.3, 0.8 / 0.3, 0.8 / 0.3],
            ],
        }],
    }
}
