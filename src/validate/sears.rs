//! Sears (Rucci, Kirn & Quinn 1998): during the turnaround, across the
//! stores of the chain, a 5-unit improvement in the employee-attitude index
//! went with about 1.3 units of improvement in customer impression and
//! about 0.5 percentage points of revenue growth. The study estimated on
//! store-level *changes* over the programme, so the experiment measures a
//! chain in transition.
//!
//! Design: a heterogeneous chain is burnt in until settled and measured for
//! one year (the year before); then a turnaround programme is switched on
//! in every store (`chain.manager_change_sd`: each store's manager quality
//! moves by its own random amount, as a programme works better in some
//! stores than in others), and the chain is measured for the year after
//! (same 364-day calendar window, so seasons cancel). Per store: the change
//! of the employee-attitude index (mean staff satisfaction, 0-100), the
//! change of the customer-impression index (the mean happiness of the
//! year's visitors just after their visits, as a survey of the store's
//! shoppers reads it, 0-100), and revenue growth (year after over year
//! before, in percent).
//! Slopes come from least squares across the stores of one chain, as the
//! study's did, and are averaged over replications (each a chain of its
//! own) for the CI.

use rayon::prelude::*;

use super::{about, slope, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::engine::{Chain, Replication};
use crate::experiment::stats::Stats;
use crate::model::DAYS_PER_YEAR;

pub const NAME: &str = "sears";
pub const TITLE: &str = "Sears employee-customer-profit chain";

/// The chain before the programme: the default store, thirty to forty of
/// them, differing in manager quality and local market, measured for one
/// year after the burn-in.
pub fn config(size: Size) -> Config {
    let mut c = Config::default();
    c.chain.stores = size.pick(40, 30);
    c.chain.manager_quality_sd = 0.3;
    c.chain.market_size_sd = 0.1;
    c.simulation.days = DAYS_PER_YEAR;
    c
}

/// The chain with the turnaround programme: each store's manager quality
/// moves by `manager_change_sd` times the store's own draw, a spread equal
/// to the spread of manager quality across the chain's stores.
pub fn programme(before: &Config) -> Config {
    let mut c = before.clone();
    c.chain.manager_change_sd = before.chain.manager_quality_sd;
    c
}

/// Per store: (change of the employee-attitude index, change of the
/// customer-impression index, revenue growth in percent), year after the
/// switch against year before.
pub fn store_changes(before: &Replication, after: &Replication) -> Vec<[f64; 3]> {
    before
        .stores
        .iter()
        .zip(&after.stores)
        .map(|(b, a)| {
            [
                100.0 * (a.kpis.staff_satisfaction - b.kpis.staff_satisfaction),
                100.0 * (a.kpis.shopper_happiness - b.kpis.shopper_happiness),
                if b.kpis.revenue > 0.0 {
                    100.0 * (a.kpis.revenue / b.kpis.revenue - 1.0)
                } else {
                    0.0
                },
            ]
        })
        .collect()
}

/// Five times the least-squares slopes of impression change and revenue
/// growth on attitude change across one chain's stores.
pub fn per_five_units(changes: &[[f64; 3]]) -> (f64, f64) {
    let attitude: Vec<f64> = changes.iter().map(|s| s[0]).collect();
    let impression: Vec<f64> = changes.iter().map(|s| s[1]).collect();
    let growth: Vec<f64> = changes.iter().map(|s| s[2]).collect();
    (
        5.0 * slope(&attitude, &impression),
        5.0 * slope(&attitude, &growth),
    )
}

/// One chain's store changes and its two slopes per five attitude units.
type ChainReading = (Vec<[f64; 3]>, (f64, f64));

pub fn run(size: Size) -> Outcome {
    let before_config = config(size);
    let after_config = programme(&before_config);
    let replications = size.pick(20u64, 10);
    let seed = 1998;
    let days = before_config.simulation.days;
    let rate = before_config.economics.discount_rate;
    let per_rep: Vec<ChainReading> = (0..replications)
        .into_par_iter()
        .map(|k| {
            // The machinery of `compare`: burn in under the config, then
            // switch the running stores (every agent and stream kept).
            let mut chain = Chain::new(&before_config, seed, k);
            let burn_in = chain.burn_in(&before_config.simulation);
            let before = chain.measure(days, rate, k, burn_in);
            chain.switch_to(&after_config);
            let after = chain.measure(days, rate, k, burn_in);
            let changes = store_changes(&before, &after);
            let slopes = per_five_units(&changes);
            (changes, slopes)
        })
        .collect();
    let impression = Figure::from(Stats::of(
        &per_rep.iter().map(|r| r.1 .0).collect::<Vec<_>>(),
    ));
    let growth = Figure::from(Stats::of(
        &per_rep.iter().map(|r| r.1 .1).collect::<Vec<_>>(),
    ));
    let first = &per_rep[0].0;
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Rucci, Kirn & Quinn (1998), Harvard Business Review: across Sears stores during the \
                 turnaround, +5 units of employee attitude went with +1.3 units of customer impression \
                 and +0.5 percentage points of revenue growth",
        criteria: vec![
            about(
                "customer impression per +5 employee-attitude units (0-100 scales)",
                "about +1.3; pass: between 0.65 and 2.6 with a CI excluding zero",
                impression,
                0.65,
                2.6,
            ),
            about(
                "revenue growth per +5 employee-attitude units (percentage points)",
                "about +0.5; pass: between 0.25 and 1.0 with a CI excluding zero",
                growth,
                0.25,
                1.0,
            ),
        ],
        setup: format!(
            "{} replications of a chain of {} default stores (manager quality sd {}, market size sd {}), \
             settled, measured for the year before and the year after a turnaround programme that \
             moves each store's manager quality by its own amount (sd {}); per store the change of \
             attitude and impression and the revenue growth, slopes by least squares across stores \
             in each chain",
            replications,
            before_config.chain.stores,
            before_config.chain.manager_quality_sd,
            before_config.chain.market_size_sd,
            after_config.chain.manager_change_sd
        ),
        data: vec![
            DataSet {
                name: "sears-impression".into(),
                title: "Stores of one chain in transition: change of customer impression against change \
                        of employee attitude"
                    .into(),
                kind: PlotKind::ScatterFit,
                x_label: "change of the employee-attitude index (0-100 scale)".into(),
                y_label: "change of the customer-impression index (0-100 scale)".into(),
                categories: Vec::new(),
                columns: vec!["attitude_change".into(), "impression_change".into()],
                rows: first.iter().map(|s| vec![s[0], s[1]]).collect(),
            },
            DataSet {
                name: "sears-growth".into(),
                title: "Stores of one chain in transition: revenue growth against change of employee \
                        attitude"
                    .into(),
                kind: PlotKind::ScatterFit,
                x_label: "change of the employee-attitude index (0-100 scale)".into(),
                y_label: "revenue growth, year after over year before (%)".into(),
                categories: Vec::new(),
                columns: vec!["attitude_change".into(), "revenue_growth".into()],
                rows: first.iter().map(|s| vec![s[0], s[2]]).collect(),
            },
        ],
    }
}
