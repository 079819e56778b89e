//! Ton & Huckman (2008), Organization Science 19(1): across the stores of a
//! retailer, turnover hurts performance mainly where process conformance is
//! low. The default store at low and high turnover (`workforce.quit_rate`),
//! at low and high process conformance (`workforce.process_conformance`),
//! common random numbers: the profit damage of high turnover must be
//! markedly smaller at high conformance.

use rayon::prelude::*;

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::Config;
use crate::engine::run_replication;
use crate::experiment::stats::Stats;
use crate::output::columns;

pub const NAME: &str = "ton_huckman";
pub const TITLE: &str = "Ton & Huckman: turnover and process conformance";

/// Yearly quit rates of a rested, neutral employee: low and high turnover.
const QUIT_RATES: [f64; 2] = [0.1, 0.8];
/// Process conformance: low and high.
const CONFORMANCE: [f64; 2] = [0.0, 0.8];

pub fn config(quit_rate: f64, conformance: f64) -> Config {
    let mut c = Config::default();
    c.workforce.quit_rate = quit_rate;
    c.workforce.process_conformance = conformance;
    c.simulation.days = 364;
    // One burn-in length for all four arms, so that their measured years
    // meet the same daily draws (common random numbers); a settle criterion
    // that stops the arms in different years would pair unrelated days.
    c.simulation.burn_in_min_years = 4;
    c.simulation.burn_in_max_years = 4;
    c
}

pub fn run(size: Size) -> Outcome {
    // The ratio of two profit differences needs 20 replications even in
    // the test suite (under 3 s).
    let replications = size.pick(20u64, 20);
    let seed = 2008;
    // Per replication: profit damage (low minus high turnover) at each
    // conformance, and the high-turnover profit loss in percent.
    let per_rep: Vec<[f64; 4]> = (0..replications)
        .into_par_iter()
        .map(|k| {
            let d: Vec<(f64, f64)> = CONFORMANCE
                .iter()
                .map(|&pc| {
                    let [low, high] =
                        QUIT_RATES.map(|q| run_replication(&config(q, pc), seed, k).kpis.profit);
                    (low - high, 100.0 * (low - high) / low.abs().max(1.0))
                })
                .collect();
            [d[0].0, d[1].0, d[0].1, d[1].1]
        })
        .collect();
    let col = |j: usize| Figure::from(Stats::of(&per_rep.iter().map(|r| r[j]).collect::<Vec<_>>()));
    let damage = |j: usize| per_rep.iter().map(|r| r[j]).collect::<Vec<_>>();
    let ratio = Figure::from(Stats::ratio_of_means(&damage(1), &damage(0)));
    let (low_pc, high_pc) = (col(0), col(1));
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Ton & Huckman (2008), Organization Science 19(1): turnover hurts store performance \
                 (profit margin, customer service) mainly where process conformance is low",
        criteria: vec![
            Criterion {
                measure: format!(
                    "profit damage of high turnover (quit rate {} vs {}), conformance {} (EUR per year)",
                    QUIT_RATES[1], QUIT_RATES[0], CONFORMANCE[0]
                ),
                target: "turnover hurts; pass: CI entirely above zero".into(),
                obtained: low_pc,
                pass: low_pc.ci_low > 0.0,
            },
            Criterion {
                measure: format!(
                    "damage at conformance {} / damage at conformance {}",
                    CONFORMANCE[1], CONFORMANCE[0]
                ),
                target: "markedly smaller at high conformance; pass: CI entirely below 0.7".into(),
                obtained: ratio,
                pass: ratio.ci_high < 0.7,
            },
        ],
        setup: format!(
            "{replications} replications of the default store per cell (common random numbers), \
             quit rate {} and {} a year, process conformance {} and {}, one measured year after the \
             burn-in; profit loss of high turnover {:.1}% at low and {:.1}% at high conformance",
            QUIT_RATES[0],
            QUIT_RATES[1],
            CONFORMANCE[0],
            CONFORMANCE[1],
            col(2).value,
            col(3).value
        ),
        data: vec![DataSet {
            name: "ton-huckman".into(),
            title: "Profit damage of high turnover by process conformance".into(),
            kind: PlotKind::Bars,
            x_label: "process conformance".into(),
            y_label: "profit, low minus high turnover (EUR per year)".into(),
            categories: CONFORMANCE.map(|c| format!("{c}")).to_vec(),
            columns: columns::value_with_interval("conformance", "damage"),
            rows: vec![
                vec![0.0, low_pc.value, low_pc.ci_low, low_pc.ci_high],
                vec![1.0, high_pc.value, high_pc.ci_low, high_pc.ci_high],
            ],
        }],
    }
}
