//! Oliva & Sterman (2001): with their estimates (alpha = -0.64, tau_d =
//! 18.8 weeks, tau_i = 8.14e6 weeks, T*0 = 1.08 hours per order, floor 0.1)
//! and a +20% demand pulse of 26 weeks at fixed capacity, time per order
//! drops to about 0.89 of its level during the pulse and the service
//! standard stays permanently lower; with tau_i = tau_d it recovers.
//!
//! The store runs with their parameters, no quits or absences (fixed
//! capacity) and a capacity equal to its pre-pulse demand (initial
//! equilibrium, measured on a pilot run with the same seed), with the
//! published step (`erosion.step = "exponential"`, Struben, Sterman & Keith
//! 2014's re-estimation code).
//!
//! Validation of the core: the model's M8 module, fed the paper's own
//! deterministic pulse experiment, must agree to 1e-9 with an independent
//! replay of the published equations (exponential step). Consistency check
//! (not validation): the store's own weekly loads replayed through the same
//! equations give back its (T, T*).

use rayon::prelude::*;

use super::{Criterion, DataSet, Figure, Outcome, PlotKind, Size};
use crate::config::{Config, ErosionStep};
use crate::experiment::stats::Stats;
use crate::model::erosion::{ErosionParams, ServiceStandard};
use crate::model::{Store, StoreProfile};

pub const NAME: &str = "erosion";
pub const TITLE: &str = "Oliva & Sterman erosion ratchet";

const PULSE_START: u32 = 10;
const PULSE_WEEKS: u32 = 26;

/// The store in Oliva & Sterman's configuration.
pub fn config(size: Size, tau_up: f64) -> Config {
    let mut c = Config::default();
    c.erosion.standard_hours = 1.08;
    c.erosion.alpha = -0.64;
    c.erosion.tau_down_weeks = 18.8;
    c.erosion.tau_up_weeks = tau_up;
    c.erosion.min_hours = 0.1;
    c.erosion.step = ErosionStep::Exponential;
    // Fixed capacity: nobody quits or falls ill.
    c.workforce.quit_rate = 0.0;
    c.workforce.absence_rate = 0.0;
    c.workforce.sick_rate = 0.0;
    // One kind of order, as in the paper's loan processing, arriving as an
    // exogenous stationary stream: one-off customers (no relationship, no
    // return, no word of mouth), no season, no demand noise.
    c.market.nonroutine_share = 0.0;
    c.market.relationship = 0.0;
    c.customer.transactional_defection_per_year = 1000.0;
    c.market.online_pull_per_year = 1000.0;
    c.customer.referral_conversion = 0.0;
    c.customer.deterrence = 0.0;
    c.market.unpredictability = 0.0;
    c.store.season_amplitude = 0.0;
    c.store.initial_customers = 0;
    // 190 first visits a day from a catchment that never depletes (every
    // customer leaves after one visit).
    c.market.category_share = 1.0;
    c.market.online_share = 0.0;
    c.market.store_reach = 1.0;
    c.market.households = 190.0 / c.market.acquisition_rate;
    c.simulation.burn_in_min_years = 0;
    c.simulation.burn_in_max_years = 0;
    // Enough full-time staff for 190 orders of 1.08 hours a day; the
    // productive share is then set to balance capacity (`equilibrium`).
    c.policy.staff = 60;
    c.policy.full_time_share = 1.0;
    // Customers wait for their order rather than leave.
    c.market.patience_minutes = 600.0;
    c.market.pulse_start_week = PULSE_START;
    c.market.pulse_weeks = PULSE_WEEKS;
    c.market.pulse_size = 0.2;
    c.simulation.days = 7 * size.pick(160, 110);
    c
}

/// One week of the trajectory.
#[derive(Debug, Clone, Copy)]
struct Week {
    orders: f64,
    capacity: f64,
    actual: f64,
    standard: f64,
}

fn simulate(config: &Config, seed: u64, replication: u64) -> Vec<Week> {
    let mut store = Store::new(config, StoreProfile::typical(config), seed, replication, 0);
    let mut weeks = Vec::new();
    for day in 0..config.simulation.days {
        store.step(day);
        if day % 7 == 6 {
            let load = store.last_week_load();
            let s = store.service_standard();
            weeks.push(Week {
                orders: load.orders,
                capacity: load.capacity,
                actual: s.actual,
                standard: s.standard,
            });
        }
    }
    weeks
}

/// The published equations, written out independently of the model, with
/// the exponential step of the published re-estimation code (Struben,
/// Sterman & Keith 2014): T* += (T - T*)(1 - exp(-1/tau)).
fn replay(loads: &[(f64, f64)], c: &Config) -> Vec<(f64, f64)> {
    let e = &c.erosion;
    let mut standard = e.standard_hours;
    loads
        .iter()
        .map(|&(orders, capacity)| {
            let pressure = orders * standard / capacity;
            let actual = (standard * pressure.powf(e.alpha)).max(e.min_hours);
            let tau = if actual < standard {
                e.tau_down_weeks
            } else {
                e.tau_up_weeks
            };
            standard += (actual - standard) * (1.0 - (-1.0 / tau).exp());
            (actual, standard)
        })
        .collect()
}

/// The paper's pulse experiment, deterministic: 100 orders a week at a
/// capacity of 100 T*0 hours, +20% in weeks PULSE_START.. for PULSE_WEEKS.
fn published_loads(weeks: u32, t0: f64) -> Vec<(f64, f64)> {
    (0..weeks)
        .map(|w| {
            let pulse = (PULSE_START..PULSE_START + PULSE_WEEKS).contains(&w);
            (if pulse { 120.0 } else { 100.0 }, 100.0 * t0)
        })
        .collect()
}

/// The model's M8 core (`ServiceStandard`) on given weekly loads.
fn core(loads: &[(f64, f64)], c: &Config) -> Vec<(f64, f64)> {
    let mut s = ServiceStandard::new(ErosionParams::of(c));
    loads
        .iter()
        .map(|&(orders, capacity)| {
            s.weekly_update(orders, capacity);
            (s.actual, s.standard)
        })
        .collect()
}

/// Largest difference in T or T* between two trajectories (hours).
fn largest_gap(a: &[(f64, f64)], b: &[(f64, f64)]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x.0 - y.0).abs().max((x.1 - y.1).abs()))
        .fold(0.0, f64::max)
}

/// Sets the productive share so that capacity equals the mean weekly
/// orders of weeks 4 to PULSE_START at the standard (pressure 1).
fn equilibrium(mut c: Config, seed: u64) -> Config {
    let mut pilot = c.clone();
    pilot.market.pulse_weeks = 0;
    pilot.simulation.days = 7 * PULSE_START;
    let weeks = simulate(&pilot, seed, 0);
    let orders = weeks[4..].iter().map(|w| w.orders).sum::<f64>() / (weeks.len() - 4) as f64;
    // Capacity is floor hours times the productive share (one kind of
    // order, so no need mix): the pilot's floor hours per week.
    let capacity = weeks[4..].iter().map(|w| w.capacity).sum::<f64>() / (weeks.len() - 4) as f64;
    let floor_hours = capacity / pilot.store.productive_share;
    c.store.productive_share = (orders * c.erosion.standard_hours / floor_hours).clamp(0.05, 1.0);
    c
}

pub fn run(size: Size) -> Outcome {
    let seed = 2001;
    let replications = size.pick(10u64, 3);
    let ratchet = equilibrium(config(size, 8.14e6), seed);
    let mut recovering = ratchet.clone();
    recovering.erosion.tau_up_weeks = recovering.erosion.tau_down_weeks;

    let runs: Vec<(Vec<Week>, Vec<Week>)> = (0..replications)
        .into_par_iter()
        .map(|k| (simulate(&ratchet, seed, k), simulate(&recovering, seed, k)))
        .collect();

    let start = PULSE_START as usize;
    let drop: Vec<f64> = runs
        .iter()
        .map(|(w, _)| w[start].actual / w[start - 1].actual)
        .collect();
    let t0 = ratchet.erosion.standard_hours;
    let end_ratchet: Vec<f64> = runs
        .iter()
        .map(|(w, _)| w.last().expect("weeks").standard / t0)
        .collect();
    let end_recovery: Vec<f64> = runs
        .iter()
        .map(|(_, w)| w.last().expect("weeks").standard / t0)
        .collect();
    let consistency = runs
        .iter()
        .flat_map(|(a, b)| [(a, &ratchet), (b, &recovering)])
        .map(|(weeks, c)| {
            let loads: Vec<(f64, f64)> = weeks.iter().map(|w| (w.orders, w.capacity)).collect();
            let model: Vec<(f64, f64)> = weeks.iter().map(|w| (w.actual, w.standard)).collect();
            largest_gap(&model, &replay(&loads, c))
        })
        .fold(0.0, f64::max);
    // The published experiment through the model's core against the
    // independent replay, for both tau_i; and how far the Euler step is.
    let published = published_loads(ratchet.simulation.days / 7, ratchet.erosion.standard_hours);
    let precision = [&ratchet, &recovering]
        .iter()
        .map(|c| largest_gap(&core(&published, c), &replay(&published, c)))
        .fold(0.0, f64::max);
    let mut euler = ratchet.clone();
    euler.erosion.step = ErosionStep::Euler;
    let euler_gap = largest_gap(&core(&published, &euler), &replay(&published, &ratchet));

    let drop = Figure::from(Stats::of(&drop));
    let end_ratchet = Figure::from(Stats::of(&end_ratchet));
    let end_recovery = Figure::from(Stats::of(&end_recovery));
    let expected_drop = 1.2f64.powf(-0.64);
    let weeks = ratchet.simulation.days / 7;
    let first = &runs[0];
    Outcome {
        name: NAME,
        title: TITLE,
        source: "Oliva & Sterman (2001), Management Science 47(7): a temporary demand pulse leaves the \
                 service standard permanently lower (tau_i = 8.14e6 weeks); with tau_i = tau_d it recovers",
        criteria: vec![
            Criterion {
                measure: "time per order in the first pulse week / the week before".into(),
                target: format!("about 0.89 (1.2^-0.64 = {expected_drop:.4}); pass: within 0.03 of it"),
                obtained: drop,
                pass: (drop.value - expected_drop).abs() <= 0.03,
            },
            Criterion {
                measure: format!("service standard after {weeks} weeks / initial, O&S parameters"),
                target: "permanently lower; pass: CI entirely below 0.95".into(),
                obtained: end_ratchet,
                pass: end_ratchet.ci_high < 0.95,
            },
            Criterion {
                measure: format!("service standard after {weeks} weeks / initial, tau_i = tau_d"),
                target: "recovers; pass: CI entirely above 0.98".into(),
                obtained: end_recovery,
                pass: end_recovery.ci_low > 0.98,
            },
            Criterion {
                measure: "largest difference in T, T* between the model's M8 core and an independent \
                          replay of the published equations (exponential step), O&S pulse experiment (hours)"
                    .into(),
                target: "same equations; pass: below 1e-9".into(),
                obtained: Figure::exact(precision),
                pass: precision < 1e-9,
            },
            Criterion::consistency(
                "largest difference between the store's weekly T, T* and the published \
                 equations replayed on its own orders and capacity (hours)",
                consistency,
            ),
        ],
        setup: format!(
            "{replications} replications of the default store with O&S's parameters: one order type \
             arriving as a stationary stream of one-off customers (190 a day), {} staff, no quits or \
             absence, capacity set to the pre-pulse demand (productive share {:.3}); +20% one-off \
             walk-ins in weeks {PULSE_START} to {}; {weeks} weeks; erosion.step = exponential \
             (the Euler step would differ from the published replay by up to {euler_gap:.2e} h)",
            ratchet.policy.staff,
            ratchet.store.productive_share,
            PULSE_START + PULSE_WEEKS - 1
        ),
        data: vec![DataSet {
            name: "erosion-trajectory".into(),
            title: "Service standard and time per order, +20% demand in weeks 10-35 (replication 0)"
                .into(),
            kind: PlotKind::Lines,
            x_label: "week".into(),
            y_label: "hours per order".into(),
            categories: Vec::new(),
            columns: vec![
                "week".into(),
                "standard_ratchet".into(),
                "time_per_order_ratchet".into(),
                "standard_tau_i_equal_tau_d".into(),
            ],
            rows: first
                .0
                .iter()
                .zip(&first.1)
                .enumerate()
                .map(|(w, (a, b))| vec![w as f64, a.standard, a.actual, b.standard])
                .collect(),
        }],
    }
}
