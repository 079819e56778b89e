//! Bowen & Lawler (1992): empowerment pays under differentiation, long
//! relationships, non-routine needs, an unpredictable environment and staff
//! with high growth needs, and does not in the opposite setting. The profit
//! effect of high (0.8) versus low (0.2) latitude must be negative in the
//! low-cost, transactional, routine, predictable, low-growth-need store and
//! positive in the opposite one, each with a CI that excludes zero.

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::experiment::compare::compare;
use crate::output::columns;

pub const NAME: &str = "contingencies";
pub const TITLE: &str = "Bowen & Lawler contingencies";

/// The default store with all five contingencies at `level` (growth need
/// slightly pulled to the middle, as few workforces are extreme).
pub fn setting(low: bool) -> Config {
    let mut c = Config::default();
    let (d, r, n, u, g) = if low {
        (0.1, 0.1, 0.1, 0.1, 0.2)
    } else {
        (0.9, 0.9, 0.7, 0.7, 0.8)
    };
    c.market.differentiation = d;
    c.market.relationship = r;
    c.market.nonroutine_share = n;
    c.market.unpredictability = u;
    c.workforce.growth_need = g;
    c
}

fn with_latitude(mut c: Config, latitude: f64) -> Config {
    c.policy.latitude = latitude;
    c
}

pub fn run(size: Size) -> Outcome {
    let replications = size.pick(40, 8);
    let seed = 1992;
    let mut criteria = Vec::new();
    let mut rows = Vec::new();
    for (i, (low, label)) in [
        (true, "low-cost, routine"),
        (false, "differentiated, relational"),
    ]
    .into_iter()
    .enumerate()
    {
        let base = setting(low);
        // `compare` sums the years after the switch; the criterion is per year.
        let years = f64::from(base.simulation.years_after_switch);
        let c = compare(
            &with_latitude(base.clone(), 0.2),
            &with_latitude(base, 0.8),
            seed,
            replications,
            &|| {},
        );
        let total = c.difference_of("profit").expect("profit is a KPI");
        let d = total.scaled(1.0 / years);
        let figure = Figure::from(d);
        let pass = if low { d.ci_high < 0.0 } else { d.ci_low > 0.0 };
        criteria.push(Criterion {
            measure: format!("profit, latitude 0.8 minus 0.2, {label} store (EUR per year)"),
            target: if low {
                "negative; pass: CI entirely below zero".into()
            } else {
                "positive; pass: CI entirely above zero".into()
            },
            obtained: figure,
            pass,
        });
        rows.push(vec![i as f64, d.mean, d.ci_low, d.ci_high]);
    }
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Bowen & Lawler (1992), Sloan Management Review: empower under differentiation, \
                 relationships, non-routine technology, unpredictable environments and high-growth-need \
                 staff; not in the opposite setting",
        criteria,
        setup: format!(
            "{replications} paired replications (common random numbers) per setting; low: differentiation \
             0.1, relationship 0.1, non-routine share 0.1, unpredictability 0.1, growth need 0.2; high: 0.9, \
             0.9, 0.7, 0.7, 0.8; everything else the default store"
        ),
        data: vec![DataSet {
            name: "contingencies".into(),
            title: "Profit effect of high (0.8) versus low (0.2) latitude".into(),
            kind: PlotKind::Bars,
            x_label: "setting".into(),
            y_label: "profit difference (EUR per year)".into(),
            categories: vec!["low-cost, routine".into(), "differentiated, relational".into()],
            columns: columns::value_with_interval("setting", "profit_difference"),
            rows,
        }],
    }
}
