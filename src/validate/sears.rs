//! Sears (Rucci, Kirn & Quinn 1998): across a chain of heterogeneous
//! stores, a 5-unit rise in the employee-attitude index goes with about 1.3
//! units of customer impression and about 0.5 percentage points of revenue
//! growth.
//!
//! Indices, as survey scales: the employee-attitude index is mean staff
//! satisfaction on a 0-100 scale and the customer-impression index mean
//! customer happiness on a 0-100 scale, both averaged over the two years
//! after a two-year warm-up; revenue growth is the second year's revenue
//! over the first, in percent. Slopes come from least squares across the stores of
//! one chain, as the study's did, and are averaged over replications (each
//! a chain of its own) for the CI.

use rayon::prelude::*;

use super::{about, slope, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::engine::run_replication;
use crate::experiment::stats::Stats;

pub const NAME: &str = "sears";
pub const TITLE: &str = "Sears employee-customer-profit chain";

/// The chain: the default store, twenty-to-forty of them, differing in
/// manager quality and local market.
pub fn config(size: Size) -> Config {
    let mut c = Config::default();
    c.chain.stores = size.pick(40, 30);
    c.chain.manager_quality_sd = 0.3;
    c.chain.market_size_sd = 0.1;
    // After the burn-in, two years: growth is year 2 over year 1.
    c.simulation.days = 2 * 364;
    c
}

pub fn run(size: Size) -> Outcome {
    let config = config(size);
    let replications = size.pick(20u64, 10);
    let seed = 1998;
    let per_rep: Vec<(Vec<[f64; 3]>, f64, f64)> = (0..replications)
        .into_par_iter()
        .map(|k| {
            let r = run_replication(&config, seed, k);
            let stores: Vec<[f64; 3]> = r
                .stores
                .iter()
                .map(|s| {
                    [
                        100.0 * s.kpis.staff_satisfaction,
                        100.0 * s.kpis.mean_happiness,
                        s.kpis.revenue_growth,
                    ]
                })
                .collect();
            let attitude: Vec<f64> = stores.iter().map(|s| s[0]).collect();
            let impression: Vec<f64> = stores.iter().map(|s| s[1]).collect();
            let growth: Vec<f64> = stores.iter().map(|s| s[2]).collect();
            (
                stores,
                5.0 * slope(&attitude, &impression),
                5.0 * slope(&attitude, &growth),
            )
        })
        .collect();
    let impression = Figure::from(Stats::of(&per_rep.iter().map(|r| r.1).collect::<Vec<_>>()));
    let growth = Figure::from(Stats::of(&per_rep.iter().map(|r| r.2).collect::<Vec<_>>()));
    let first = &per_rep[0].0;
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Rucci, Kirn & Quinn (1998), Harvard Business Review: across Sears stores, +5 units of \
                 employee attitude went with +1.3 units of customer impression and +0.5 percentage points \
                 of revenue growth",
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
             2 years after a 2-year warm-up; slopes by least squares across stores in each chain",
            replications, config.chain.stores, config.chain.manager_quality_sd, config.chain.market_size_sd
        ),
        data: vec![
            DataSet {
                name: "sears-impression".into(),
                title: "Stores of one chain: customer impression against employee attitude".into(),
                kind: PlotKind::ScatterFit,
                x_label: "employee-attitude index (0-100)".into(),
                y_label: "customer-impression index (0-100)".into(),
                categories: Vec::new(),
                columns: vec!["attitude".into(), "impression".into()],
                rows: first.iter().map(|s| vec![s[0], s[1]]).collect(),
            },
            DataSet {
                name: "sears-growth".into(),
                title: "Stores of one chain: revenue growth against employee attitude".into(),
                kind: PlotKind::ScatterFit,
                x_label: "employee-attitude index (0-100)".into(),
                y_label: "revenue growth, year 2 over year 1 (%)".into(),
                categories: Vec::new(),
                columns: vec!["attitude".into(), "revenue_growth".into()],
                rows: first.iter().map(|s| vec![s[0], s[2]]).collect(),
            },
        ],
    }
}
