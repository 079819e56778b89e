//! Harter, Schmidt & Hayes (2002), meta-analysis of business units: across
//! the units of a company, employee satisfaction correlates with customer
//! satisfaction (+.32), turnover (-.36), productivity (+.20) and profit
//! (+.15).
//!
//! Measured the way the field did: correlations across the stores of one
//! heterogeneous chain (the seven `chain.*_sd` drivers, spreads as in
//! configs/chain.toml), one correlation per replication's chain (as the
//! meta-analysis correlated units within each company and then averaged
//! over companies), averaged over replications with a t-interval.
//! Staff satisfaction and customer satisfaction are the store's
//! `staff_satisfaction` and `shopper_happiness` (customer satisfaction as
//! the units' customer surveys read it: the year's visitors just after
//! their visits), turnover its
//! `annual_turnover`, productivity its revenue per paid hour, profit its
//! profit over the measured year.

use rayon::prelude::*;

use super::{pearson, Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::{Config, StaffingRule};
use crate::engine::run_replication;
use crate::experiment::stats::Stats;
use crate::output::columns;

pub const NAME: &str = "harter";
pub const TITLE: &str = "Harter business-unit correlations";

/// The published correlations, in the order of the KPI columns.
const PUBLISHED: [(&str, f64); 4] = [
    ("customer satisfaction", 0.32),
    ("turnover", -0.36),
    ("productivity", 0.20),
    ("profit", 0.15),
];

/// The chain: default stores differing along seven independent drivers,
/// with the spreads of configs/chain.toml (docs/VALIDATION.md says why).
pub fn config(size: Size) -> Config {
    let mut c = Config::default();
    c.chain.stores = size.pick(30, 20);
    c.chain.manager_quality_sd = 0.15;
    c.chain.market_size_sd = 0.3;
    c.chain.competition_sd = 0.3;
    c.chain.growth_need_sd = 0.15;
    c.chain.staffing_sd = 0.1;
    c.chain.relationship_sd = 0.1;
    // What customers judge apart from the staff (assortment, prices, the
    // premises) differs between stores too (docs/MODEL.md, M12).
    c.chain.offer_quality_sd = 0.033;
    // A chain plans each store's labour from its own traffic (labour
    // budgets follow forecast sales), so a big or an uncontested store is
    // not left with the template's headcount.
    c.policy.staffing_rule = StaffingRule::FollowsDemand;
    c.simulation.days = 364;
    c
}

/// A store's (staff satisfaction, customer satisfaction, turnover,
/// productivity, profit).
fn store_row(k: &crate::engine::Kpis, days: f64) -> [f64; 5] {
    let paid_hours = k.paid_hours_per_employee_week * k.headcount * days / 7.0;
    [
        k.staff_satisfaction,
        k.shopper_happiness,
        k.annual_turnover,
        if paid_hours > 0.0 {
            k.revenue / paid_hours
        } else {
            0.0
        },
        k.profit,
    ]
}

pub fn run(size: Size) -> Outcome {
    let config = config(size);
    let replications = size.pick(12u64, 4);
    let seed = 2002;
    let days = f64::from(config.simulation.days);
    let per_rep: Vec<(Vec<[f64; 5]>, [f64; 4])> = (0..replications)
        .into_par_iter()
        .map(|k| {
            let r = run_replication(&config, seed, k);
            let rows: Vec<[f64; 5]> = r.stores.iter().map(|s| store_row(&s.kpis, days)).collect();
            let staff: Vec<f64> = rows.iter().map(|s| s[0]).collect();
            let r4: [f64; 4] = std::array::from_fn(|j| {
                let y: Vec<f64> = rows.iter().map(|s| s[j + 1]).collect();
                pearson(&staff, &y)
            });
            (rows, r4)
        })
        .collect();
    let figures: Vec<Figure> = (0..4)
        .map(|j| {
            Figure::from(Stats::of(
                &per_rep.iter().map(|r| r.1[j]).collect::<Vec<_>>(),
            ))
        })
        .collect();
    let criteria = PUBLISHED
        .iter()
        .zip(&figures)
        .map(|(&(what, target), &f)| Criterion {
            measure: format!("correlation across stores of staff satisfaction with {what}"),
            target: format!(
                "{target:+.2}; pass: same sign and within 0.15 ({:+.2} to {:+.2})",
                target - 0.15,
                target + 0.15
            ),
            obtained: f,
            pass: f.value.signum() == target.signum() && (f.value - target).abs() <= 0.15,
        })
        .collect();
    let first = &per_rep[0].0;
    let scatter = |name: &str, j: usize, y_label: &str, column: &str| DataSet {
        name: format!("harter-{name}"),
        title: format!("Stores of one chain: {y_label} against staff satisfaction"),
        kind: PlotKind::ScatterFit,
        x_label: "staff satisfaction (0-1)".into(),
        y_label: y_label.into(),
        categories: Vec::new(),
        columns: vec!["staff_satisfaction".into(), column.into()],
        rows: first.iter().map(|s| vec![s[0], s[j]]).collect(),
    };
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Harter, Schmidt & Hayes (2002), Journal of Applied Psychology 87(2), meta-analysis of \
                 business units: employee satisfaction correlates +.32 with customer satisfaction, -.36 \
                 with turnover, +.20 with productivity, +.15 with profit",
        criteria,
        setup: format!(
            "{replications} replications of a chain of {} default stores differing along seven \
             independent drivers (sd: manager quality {}, market size {}, competition {}, growth \
             need {}, staffing {}, relationship mix {}, offer {}), one measured year after the burn-in; one \
             Pearson correlation across the stores of each chain, averaged over the chains; \
             productivity = revenue per paid hour, turnover = annual_turnover, customer \
             satisfaction = shopper_happiness (the year's visitors just after their visits)",
            config.chain.stores,
            config.chain.manager_quality_sd,
            config.chain.market_size_sd,
            config.chain.competition_sd,
            config.chain.growth_need_sd,
            config.chain.staffing_sd,
            config.chain.relationship_sd,
            config.chain.offer_quality_sd
        ),
        data: vec![
            DataSet {
                name: "harter-correlations".into(),
                title: "Correlations of staff satisfaction across a chain's stores: model and Harter et al."
                    .into(),
                kind: PlotKind::Bars,
                x_label: "".into(),
                y_label: "correlation with staff satisfaction".into(),
                categories: PUBLISHED
                    .iter()
                    .flat_map(|(w, _)| [format!("{w} (model)"), format!("{w} (Harter)")])
                    .collect(),
                columns: columns::value_with_interval("case", "r"),
                rows: PUBLISHED
                    .iter()
                    .zip(&figures)
                    .enumerate()
                    .flat_map(|(i, (&(_, p), f))| {
                        [
                            vec![(2 * i) as f64, f.value, f.ci_low, f.ci_high],
                            vec![(2 * i + 1) as f64, p, p, p],
                        ]
                    })
                    .collect(),
            },
            scatter("customers", 1, "visitors' happiness after their visit (0-1)", "shopper_happiness"),
            scatter("turnover", 2, "annual turnover (per year)", "annual_turnover"),
            scatter("productivity", 3, "revenue per paid hour (EUR/hour)", "revenue_per_paid_hour"),
            scatter("profit", 4, "profit over the year (EUR)", "profit"),
        ],
    }
}
