//! Paired comparison of two policies with common random numbers.
//!
//! Replication k of policy A and replication k of policy B are run with the
//! same master seed and index, so they draw from the same streams (see
//! `rng`): the same sequences for arrivals, encounters, customers and the
//! workforce, aligned draw for draw until the two histories take different
//! numbers of draws. The paired difference B_k - A_k therefore carries less
//! noise than the difference of two independent runs (a test checks it).
//!
//! The profit difference is decomposed into mechanisms by an exact
//! accounting identity (midpoint rule for products, see
//! [`Decomposition`]): the terms of every replication add up to its profit
//! difference, so their means add up to the mean difference.

use rayon::prelude::*;

use crate::config::Config;
use crate::engine::{replicate, switch, Kpis, Replication, Start, KPI_DEFS};

use super::stats::Stats;
use super::switch::SwitchAnalysis;
use super::{in_order, RunResults, Summary};

/// The terms a profit difference is split into, in report order: each name
/// says what the term measures (name, description).
pub const MECHANISMS: &[(&str, &str)] = &[
    (
        "returning_visits",
        "revenue margin from more (or fewer) returning visits",
    ),
    (
        "margin_per_served_visit",
        "revenue margin per served visit without a failure: conversion and basket",
    ),
    (
        "failure_visits_kept",
        "revenue margin per served visit kept through failures and their recovery",
    ),
    (
        "first_visits",
        "revenue margin from first visits: market arrivals and referrals (word of mouth)",
    ),
    (
        "lost_visits",
        "margin lost on visits that left the queue unserved (balked)",
    ),
    (
        "staffing_and_overtime",
        "wages and overtime pay, except the wages of hours in training (under hiring and training)",
    ),
    (
        "giveaways_and_discounts",
        "discretionary spend, goodwill gestures and discounts",
    ),
    (
        "hiring_and_training",
        "hiring costs, and hours in training at their wage plus the training cost",
    ),
    (
        "other",
        "demand-pulse walk-ins, a change of the gross margin rate and of the fixed store costs",
    ),
];

/// One replication's profit difference split into terms; the terms of
/// [`MECHANISMS`] in order, summing to `total`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Decomposition {
    pub terms: [f64; 9],
    pub total: f64,
}

impl Decomposition {
    /// Splits B - A. With margin rate M, revenue R = rho * S (S served
    /// visits, rho revenue per served visit), rho = rho_ok + rho_fail, and
    /// S = returning + market + referral + walk-ins - balked:
    ///
    /// ```text
    /// d(M R) = M~ dR + R~ dM          (x~ = midpoint of A and B)
    /// dR     = S~ d(rho_ok) + S~ d(rho_fail) + rho~ dS
    /// ```
    ///
    /// which is exact for two points. Costs enter with their own sign.
    pub fn between(a: &Kpis, b: &Kpis) -> Decomposition {
        let mid = |x: f64, y: f64| 0.5 * (x + y);
        let rate = |k: &Kpis| {
            if k.revenue > 0.0 {
                k.gross_margin / k.revenue
            } else {
                0.0
            }
        };
        let per_visit = |rev: f64, served: f64| if served > 0.0 { rev / served } else { 0.0 };
        let (ma, mb) = (rate(a), rate(b));
        let m = mid(ma, mb);
        let rho_ok = |k: &Kpis| per_visit(k.revenue - k.revenue_failure, k.served);
        let rho_fail = |k: &Kpis| per_visit(k.revenue_failure, k.served);
        let rho = mid(
            per_visit(a.revenue, a.served),
            per_visit(b.revenue, b.served),
        );
        let s = mid(a.served, b.served);
        // served = arrivals - balked, field by field.
        let d = |f: fn(&Kpis) -> f64| f(b) - f(a);
        let returning_visits = m * rho * d(|k| k.arrivals_returning);
        let margin_per_served_visit = m * s * (rho_ok(b) - rho_ok(a));
        let failure_visits_kept = m * s * (rho_fail(b) - rho_fail(a));
        let first_visits = m * rho * (d(|k| k.arrivals_market) + d(|k| k.arrivals_referral));
        let lost_visits = -m * rho * d(|k| k.balked);
        let staffing_and_overtime = -d(|k| k.cost_wages) - d(|k| k.cost_overtime);
        let giveaways = -d(|k| k.cost_giveaways) - d(|k| k.cost_discounts);
        let hiring_and_training = -d(|k| k.cost_hiring) - d(|k| k.cost_training);
        let other = m * rho * d(|k| k.arrivals_walkin) + mid(a.revenue, b.revenue) * (mb - ma)
            - d(|k| k.cost_fixed);
        Decomposition {
            terms: [
                returning_visits,
                margin_per_served_visit,
                failure_visits_kept,
                first_visits,
                lost_visits,
                staffing_and_overtime,
                giveaways,
                hiring_and_training,
                other,
            ],
            total: b.profit - a.profit,
        }
    }
}

/// The result of comparing policy B against policy A.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub seed: u64,
    pub replications: usize,
    /// Per KPI (in [`KPI_DEFS`] order): A, B and the paired difference B - A.
    pub a: Vec<Stats>,
    pub b: Vec<Stats>,
    pub difference: Vec<Stats>,
    /// Per mechanism (in [`MECHANISMS`] order), the profit difference it
    /// carries.
    pub mechanisms: Vec<Stats>,
    /// Share of paired replications in which B made more profit than A.
    pub share_b_better: f64,
    /// Probability that B's expected profit exceeds A's, from the paired
    /// t statistic (normal approximation of its distribution).
    pub prob_b_better: f64,
    /// The paired daily profit difference after the switch: by year,
    /// payback, long run and NPV (see [`SwitchAnalysis`]).
    pub switch: SwitchAnalysis,
}

impl Comparison {
    /// Summarises paired replications (A_k, B_k), given in index order;
    /// `discount_rate` (annual, A's `economics.discount_rate`) is the one
    /// the NPV of the daily profit difference uses.
    pub fn from_pairs(
        seed: u64,
        pairs: &[(Replication, Replication)],
        discount_rate: f64,
    ) -> Comparison {
        let kpis: Vec<(&Kpis, &Kpis)> = pairs.iter().map(|(x, y)| (&x.kpis, &y.kpis)).collect();
        let daily_differences: Vec<Vec<f64>> = pairs
            .iter()
            .map(|(x, y)| profit_differences(x, y))
            .collect();
        Comparison::of(seed, &kpis, &daily_differences, discount_rate)
    }

    /// Summarises paired KPIs (A_k, B_k) and the paired daily profit
    /// differences of the same replications, both in index order.
    fn of(
        seed: u64,
        pairs: &[(&Kpis, &Kpis)],
        daily_differences: &[Vec<f64>],
        discount_rate: f64,
    ) -> Comparison {
        let n = pairs.len();
        type PairValues = (Vec<f64>, Vec<f64>);
        let values: Vec<PairValues> = pairs
            .iter()
            .map(|(x, y)| (x.values(), y.values()))
            .collect();
        let column = |f: &dyn Fn(&PairValues) -> f64| -> Stats {
            Stats::of(&values.iter().map(f).collect::<Vec<_>>())
        };
        let a: Vec<Stats> = (0..KPI_DEFS.len())
            .map(|i| column(&|(x, _)| x[i]))
            .collect();
        let b: Vec<Stats> = (0..KPI_DEFS.len())
            .map(|i| column(&|(_, y)| y[i]))
            .collect();
        let difference: Vec<Stats> = (0..KPI_DEFS.len())
            .map(|i| column(&|(x, y)| y[i] - x[i]))
            .collect();
        let decompositions: Vec<Decomposition> = pairs
            .iter()
            .map(|(x, y)| Decomposition::between(x, y))
            .collect();
        let mechanisms = (0..MECHANISMS.len())
            .map(|m| {
                Stats::of(
                    &decompositions
                        .iter()
                        .map(|d| d.terms[m])
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let profit_diffs: Vec<f64> = pairs.iter().map(|(x, y)| y.profit - x.profit).collect();
        let share_b_better = if n > 0 {
            profit_diffs.iter().filter(|d| **d > 0.0).count() as f64 / n as f64
        } else {
            f64::NAN
        };
        let profit = Stats::of(&profit_diffs);
        let se = profit.sd / (n as f64).sqrt();
        let prob_b_better = if se > 0.0 {
            normal_cdf(profit.mean / se)
        } else if profit.mean > 0.0 {
            1.0
        } else if profit.mean < 0.0 {
            0.0
        } else {
            0.5
        };
        Comparison {
            seed,
            replications: n,
            a,
            b,
            difference,
            mechanisms,
            share_b_better,
            prob_b_better,
            switch: SwitchAnalysis::of(daily_differences, discount_rate),
        }
    }

    /// The paired difference of the KPI with the given name.
    pub fn difference_of(&self, name: &str) -> Option<Stats> {
        KPI_DEFS
            .iter()
            .position(|d| d.name == name)
            .map(|i| self.difference[i])
    }
}

/// Keys of B that `compare` cannot honour: they set up the stores on day 0
/// (the chain's drawn drivers, the initial base, the staff's starting
/// exhaustion and the first day's utilisation), while a comparison
/// switches one running store from A to B. `chain.manager_change_sd` does
/// act at the switch (M12). B's `[simulation]` is not listed: the run's
/// design (seed, replications, burn-in, horizon) is A's by definition, and
/// B files routinely leave it at its defaults.
pub fn fixed_before_the_switch(key: &str) -> bool {
    let (section, name) = key.split_once('.').unwrap_or((key, ""));
    match section {
        "chain" => name != "manager_change_sd",
        "store" => matches!(name, "initial_customers" | "initial_tenure_years"),
        "workforce" => matches!(name, "initial_exhaustion" | "initial_utilisation"),
        _ => false,
    }
}

/// The keys where B differs from A but which cannot change at the switch
/// ([`fixed_before_the_switch`]), with A's and B's values, in the order of
/// [`Config::params`]:
/// a comparison would silently ignore B's values.
pub fn differences_fixed_before_the_switch(a: &Config, b: &Config) -> Vec<(String, f64, f64)> {
    a.params()
        .into_iter()
        .zip(b.params())
        .filter(|(x, y)| x.value != y.value && fixed_before_the_switch(&x.path()))
        .map(|(x, y)| (x.path(), x.value, y.value))
        .collect()
}

/// Runs A and B with common random numbers: `replications` pairs with
/// master seed `seed` (each config's own seed is ignored).
pub fn compare(
    a: &Config,
    b: &Config,
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> Comparison {
    compare_runs(a, b, seed, replications, on_done).comparison
}

/// A comparison together with each policy's own run summaries (for the
/// daily series and the replication tables).
#[derive(Debug, Clone)]
pub struct ComparisonRuns {
    pub comparison: Comparison,
    pub a: RunResults,
    pub b: RunResults,
}

/// Like [`compare`], keeping both runs.
pub fn compare_runs(
    a: &Config,
    b: &Config,
    seed: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> ComparisonRuns {
    // Pairs are folded in index order as they finish: each arm's daily
    // series goes into its running per-day summaries and is dropped; of a
    // pair's days only the profit difference is kept, which the switch
    // analysis needs per replication (its cumulative band is a two-pass
    // mean and sd over replications, day by day).
    // With A's `simulation.shared_burn_in`, the one burn-in of the run.
    let start = Start::of(a, seed);
    let (mut runs_a, mut runs_b) = (Summary::new(seed), Summary::new(seed));
    let mut daily_differences = Vec::with_capacity(replications as usize);
    in_order(
        u64::from(replications),
        |k| {
            let pair = switch(a, b, &start, seed, k);
            on_done();
            pair
        },
        |(x, y)| {
            daily_differences.push(profit_differences(&x, &y));
            runs_a.push(x);
            runs_b.push(y);
        },
    );
    let kpis: Vec<(&Kpis, &Kpis)> = runs_a
        .replications
        .iter()
        .zip(&runs_b.replications)
        .map(|(x, y)| (&x.kpis, &y.kpis))
        .collect();
    let comparison = Comparison::of(seed, &kpis, &daily_differences, a.economics.discount_rate);
    ComparisonRuns {
        comparison,
        a: runs_a.finish(),
        b: runs_b.finish(),
    }
}

/// B's daily profit minus A's, day by day.
fn profit_differences(x: &Replication, y: &Replication) -> Vec<f64> {
    x.daily
        .iter()
        .zip(&y.daily)
        .map(|(p, q)| q.profit - p.profit)
        .collect()
}

/// Runs replication pairs: each burns in under `a`, then runs on under `a`
/// and, switched from the same state, under `b`
/// ([`run_switch`](crate::engine::run_switch)). A `seed_b` different from
/// `seed_a` runs `b` as an independent replication from its own day 0
/// instead, only to show what independent streams would cost (tests and
/// docs).
pub fn run_pairs(
    a: &Config,
    b: &Config,
    seed_a: u64,
    seed_b: u64,
    replications: u32,
    on_done: &(dyn Fn() + Sync),
) -> Vec<(Replication, Replication)> {
    let (start_a, start_b) = if seed_a == seed_b {
        (Start::of(a, seed_a), Start::Own)
    } else {
        rayon::join(|| Start::of(a, seed_a), || Start::of(b, seed_b))
    };
    (0..u64::from(replications))
        .into_par_iter()
        .map(|k| {
            let pair = if seed_a == seed_b {
                switch(a, b, &start_a, seed_a, k)
            } else {
                rayon::join(
                    || replicate(a, &start_a, seed_a, k),
                    || replicate(b, &start_b, seed_b, k),
                )
            };
            on_done();
            pair
        })
        .collect()
}

/// Standard normal CDF, from libm's `erf` (accurate to the last bits of an
/// `f64`, far beyond what a reported probability needs).
fn normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(latitude: f64) -> Config {
        let mut c = Config::default();
        c.simulation.days = 84;
        c.simulation.burn_in_min_years = 0;
        c.simulation.burn_in_max_years = 0;
        c.store.initial_customers = 3_000;
        c.market.households = 12_000.0;
        c.policy.staff = 3;
        c.policy.latitude = latitude;
        c.policy.discretion_budget = 100.0;
        c
    }

    #[test]
    fn every_mechanism_has_a_term() {
        assert_eq!(MECHANISMS.len(), Decomposition::default().terms.len());
    }

    #[test]
    fn decomposition_adds_up_in_every_replication() {
        let pairs = run_pairs(&small(0.1), &small(0.8), 5, 5, 6, &|| {});
        for (a, b) in &pairs {
            let d = Decomposition::between(&a.kpis, &b.kpis);
            let sum: f64 = d.terms.iter().sum();
            assert!(
                (sum - d.total).abs() < 1e-6 * d.total.abs().max(1.0),
                "{sum} vs {}",
                d.total
            );
        }
        let c = Comparison::from_pairs(5, &pairs, 0.1);
        let sum: f64 = c.mechanisms.iter().map(|s| s.mean).sum();
        let total = c.difference_of("profit").unwrap().mean;
        assert!((sum - total).abs() < 1e-6 * total.abs().max(1.0));
    }

    #[test]
    fn identical_policies_differ_by_nothing() {
        let c = compare(&small(0.3), &small(0.3), 9, 4, &|| {});
        for d in &c.difference {
            assert_eq!(d.mean, 0.0);
        }
    }

    /// Two years after the switch on the small store.
    fn two_years(latitude: f64) -> Config {
        let mut c = small(latitude);
        c.simulation.years_after_switch = 2;
        c
    }

    #[test]
    fn identical_policies_gain_nothing_after_the_switch() {
        let c = compare(&two_years(0.3), &two_years(0.3), 9, 3, &|| {});
        let w = &c.switch;
        assert_eq!(w.by_year.len(), 2);
        for y in &w.by_year {
            assert_eq!(y.difference.mean, 0.0);
            assert_eq!((y.difference.ci_low, y.difference.ci_high), (0.0, 0.0));
        }
        assert_eq!(
            w.payback,
            super::super::switch::Payback {
                day: None,
                ci_early: None,
                ci_late: None
            }
        );
        assert_eq!(w.npv.mean, 0.0);
        assert_eq!(w.long_run.unwrap().per_year.mean, 0.0);
    }

    #[test]
    fn the_years_add_up_to_the_profit_difference_over_the_horizon() {
        let (a, b) = (two_years(0.1), two_years(0.8));
        let c = compare(&a, &b, 5, 4, &|| {});
        let w = &c.switch;
        let years: f64 = w.by_year.iter().map(|y| y.difference.mean).sum();
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0);
        assert!(close(years, w.total.mean), "{years} vs {}", w.total.mean);
        assert!(close(w.cumulative.last().unwrap().mean, w.total.mean));
        // The KPI window is the horizon after the switch.
        let profit = c.difference_of("profit").unwrap().mean;
        assert!(close(years, profit), "{years} vs {profit}");
        assert_ne!(profit, 0.0);
    }

    #[test]
    fn common_random_numbers_narrow_the_interval() {
        // The default store over a year: big enough that the policy effect
        // is not swamped by start-up noise.
        let store = |latitude: f64| {
            let mut c = Config::default();
            // Both designs over one year: the switch runs
            // years_after_switch, an independent run simulation.days.
            c.simulation.days = 364;
            c.simulation.years_after_switch = 1;
            c.simulation.burn_in_min_years = 0;
            c.simulation.burn_in_max_years = 0;
            c.policy.latitude = latitude;
            c
        };
        let (a, b) = (store(0.2), store(0.6));
        let n = 16;
        let crn = Comparison::from_pairs(3, &run_pairs(&a, &b, 3, 3, n, &|| {}), 0.1);
        let independent =
            Comparison::from_pairs(3, &run_pairs(&a, &b, 3, 1_000_003, n, &|| {}), 0.1);
        let w_crn = crn.difference_of("profit").unwrap().half_width();
        let w_ind = independent.difference_of("profit").unwrap().half_width();
        eprintln!("CRN {w_crn} vs independent {w_ind}");
        assert!(w_crn < 0.7 * w_ind, "CRN {w_crn} vs independent {w_ind}");
    }
}
