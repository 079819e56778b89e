//! Reichheld & Sasser (1990): cutting annual customer defection by five
//! percentage points raises profit by 25% to 85%. In the settled default
//! store, with staffing that follows demand, the yearly defection
//! hazards (relationship, transactional and the online pull) are lowered
//! so that annual defection (1 - annual retention) falls by five points;
//! the long-run yearly profit difference after the switch, relative to the
//! unchanged store's yearly profit, must be positive and within 25%-85%.

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::{Config, StaffingRule};
use crate::experiment::compare::compare_runs;
use crate::output::columns;

pub const NAME: &str = "reichheld";
pub const TITLE: &str = "Reichheld & Sasser: five points less defection";

/// Hazard factor that takes an annual retention of about 0.82 to 0.87
/// (ln 0.87 / ln 0.82 = 0.70 on the defection rate; 0.66 on the hazards,
/// as lapses, an interval above three years, add defection the hazards do
/// not scale).
pub const HAZARD_FACTOR: f64 = 0.66;

fn base() -> Config {
    let mut c = Config::default();
    c.policy.staffing_rule = StaffingRule::FollowsDemand;
    c
}

pub fn run(size: Size) -> Outcome {
    let replications = size.pick(40, 8);
    let seed = 1990;
    let a = base();
    let mut b = base();
    b.customer.defection_per_year *= HAZARD_FACTOR;
    b.customer.transactional_defection_per_year *= HAZARD_FACTOR;
    b.market.online_pull_per_year *= HAZARD_FACTOR;
    let runs = compare_runs(&a, &b, seed, replications, &|| {});
    let years = f64::from(a.simulation.years_after_switch);
    let profit_a = runs.a.kpi("profit").expect("a KPI").mean / years;
    let r_a = runs.a.kpi("annual_retention").expect("a KPI");
    let r_b = runs.b.kpi("annual_retention").expect("a KPI");
    let dr = runs
        .comparison
        .difference_of("annual_retention")
        .expect("a KPI");
    let long = runs
        .comparison
        .switch
        .long_run
        .expect("a whole year after the switch")
        .per_year;
    let pct = Figure {
        value: 100.0 * long.mean / profit_a,
        ci_low: 100.0 * long.ci_low / profit_a,
        ci_high: 100.0 * long.ci_high / profit_a,
    };
    let fall = Figure {
        value: 100.0 * dr.mean,
        ci_low: 100.0 * dr.ci_low,
        ci_high: 100.0 * dr.ci_high,
    };
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Reichheld & Sasser (1990), Harvard Business Review: cutting defections by 5 \
                 percentage points raises profits by 25% to 85% across industries, as profit per \
                 customer rises with tenure",
        criteria: vec![
            Criterion {
                measure: "fall in annual defection (points)".into(),
                target: "5 points; pass: between 4 and 6".into(),
                obtained: fall,
                pass: fall.value >= 4.0 && fall.value <= 6.0,
            },
            Criterion {
                measure: "long-run profit change, five points less defection (% per year)".into(),
                target: "+25% to +85%; pass: estimate in 25-85 and CI above zero".into(),
                obtained: pct,
                pass: pct.value >= 25.0 && pct.value <= 85.0 && pct.ci_low > 0.0,
            },
        ],
        setup: format!(
            "{replications} paired replications of the settled default store with \
             staffing_rule = follows_demand; switch: the defection hazards (defection_per_year, transactional_defection_per_year and \
             online_pull_per_year) x {HAZARD_FACTOR}; annual retention {:.3} -> {:.3}; profit before {:.0} EUR \
             per year; long run over years {}-{} after the switch",
            r_a.mean,
            r_b.mean,
            profit_a,
            runs.comparison.switch.long_run.map_or(0, |l| l.first_year),
            runs.comparison.switch.long_run.map_or(0, |l| l.last_year),
        ),
        data: vec![DataSet {
            name: "reichheld".into(),
            title: "Profit change from five points less defection".into(),
            kind: PlotKind::Bars,
            x_label: "".into(),
            y_label: "profit change (% per year)".into(),
            categories: vec![
                "model (long run)".into(),
                "Reichheld & Sasser, low".into(),
                "Reichheld & Sasser, high".into(),
            ],
            columns: columns::value_with_interval("case", "change"),
            rows: vec![
                vec![0.0, pct.value, pct.ci_low, pct.ci_high],
                vec![1.0, 25.0, 25.0, 25.0],
                vec![2.0, 85.0, 85.0, 85.0],
            ],
        }],
    }
}
