//! The engine: runs one replication of a config, day by day, over all its
//! stores, and observes it.
//!
//! It owns simulated time (the day counter and the horizon), builds the
//! stores with their random streams, steps them, and folds each day into a
//! [`DailyPoint`] and the KPI accumulators. Memory is the stores' agents plus
//! one `DailyPoint` per day: nothing else grows with the horizon.
//!
//! **Invariant:** a [`Replication`] is a function of (config, seed,
//! replication index) alone: the stores of a chain step through each day in
//! parallel, but each store draws only from its own streams and every sum
//! over stores runs in store order; the engine never reads a clock.

mod kpi;

pub use kpi::{DailyPoint, Kpis, ValueDef, DAILY_DEFS, HEADLINE_KPIS, KPI_DEFS};

use rayon::prelude::*;

use crate::config::Config;
use crate::model::{Store, StoreDay, StoreProfile};

/// Everything one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// Replication index k (its streams derive from (seed, k)).
    pub index: u64,
    /// How the burn-in ended.
    pub burn_in: BurnIn,
    /// Chain-level KPIs over the measured days.
    pub kpis: Kpis,
    /// One point per measured day (the burn-in is not kept).
    pub daily: Vec<DailyPoint>,
    /// Per-store KPIs, in store order (one entry for a single store).
    pub stores: Vec<StoreResult>,
}

/// One store's KPIs and profile within a replication.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreResult {
    /// The store's drawn drivers (the typical store for a single store).
    pub profile: StoreProfile,
    /// The store's KPIs over the measured days.
    pub kpis: Kpis,
}

/// Sums kept over the KPI window (the days after the warm-up).
#[derive(Debug, Clone, Default)]
pub(crate) struct Totals {
    pub sum: StoreDay,
    pub first_half_revenue: f64,
    pub second_half_revenue: f64,
    pub days: f64,
    pub stores: f64,
    pub happiness_mean_sum: f64,
    pub satisfaction_mean_sum: f64,
    pub exhaustion_mean_sum: f64,
    pub last: StoreDay,
}

impl Totals {
    fn observe(&mut self, day: &StoreDay, growth_window: GrowthWindow) {
        self.sum.add(day);
        match growth_window {
            GrowthWindow::First => self.first_half_revenue += day.revenue,
            GrowthWindow::Second => self.second_half_revenue += day.revenue,
            GrowthWindow::Neither => {}
        }
        self.days += 1.0;
        self.happiness_mean_sum += ratio(day.happiness_sum, day.active_customers);
        self.satisfaction_mean_sum += ratio(day.satisfaction_sum, day.headcount);
        self.exhaustion_mean_sum += ratio(day.exhaustion_sum, day.headcount);
        self.last = *day;
    }
}

/// Which revenue window a day counts in for `revenue_growth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GrowthWindow {
    First,
    Second,
    Neither,
}

/// Revenue growth compares the last 364 days with the 364 before them
/// (same seasons, so the growth is not the season's) when the measured days
/// hold two years; otherwise their second half with their first.
fn growth_window(day: u32, days: u32) -> GrowthWindow {
    const YEAR: u32 = crate::model::DAYS_PER_YEAR;
    let (first_start, second_start) = if days >= 2 * YEAR {
        (days - 2 * YEAR, days - YEAR)
    } else {
        (0, days / 2)
    };
    if day >= second_start {
        GrowthWindow::Second
    } else if day >= first_start {
        GrowthWindow::First
    } else {
        GrowthWindow::Neither
    }
}

pub(crate) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

/// A replication's stores and the day they are at. Cloning copies every
/// store's state and streams, so a clone stepped under the same config makes
/// the same history.
#[derive(Debug, Clone)]
pub struct Chain {
    stores: Vec<Store>,
    /// The next day to simulate (days since the replication began).
    day: u32,
    /// The stores' last day, in store order (reused from day to day).
    days: Vec<StoreDay>,
}

/// The settle criterion, as the manifest and summary state it.
pub const SETTLE_CRITERION: &str = "whole 364-day years under the config's policy until, from \
    year max(burn_in_min_years, 2) on, the yearly means of the active customers and of the \
    service standard each changed by less than settle_tolerance from the year before, or \
    burn_in_max_years";

/// The shared burn-in's design (`simulation.shared_burn_in = true`), as the
/// manifest and summary state it.
pub const SHARED_BURN_IN: &str = "one burn-in per (config, seed), made with the streams of \
    replication 0, shared by every replication: replication k starts its measured window (or, \
    in compare, its switch) from a copy of that settled state whose random streams are re-keyed \
    to (seed, k); the spread across replications leaves out the spread of settled states";

/// The replication whose streams make the shared burn-in: with
/// `simulation.shared_burn_in`, replication 0 is exactly the replication
/// made without it.
pub const SHARED_BURN_IN_REPLICATION: u64 = 0;

/// How a replication's burn-in ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurnIn {
    /// Days simulated before the measurement.
    pub days: u32,
    /// Whether the settle criterion held when the burn-in stopped (false:
    /// stopped at `burn_in_max_years`; true also when no burn-in was asked).
    pub settled: bool,
}

impl Chain {
    /// The stores of replication `index`, at day 0 (the invented state).
    pub fn new(config: &Config, seed: u64, index: u64) -> Chain {
        let n_stores = config.chain.stores;
        // Built in parallel too (seeding a store's base is most of the cost
        // of a short run); `collect` keeps store order.
        let stores = (0..n_stores)
            .into_par_iter()
            .map(|s| {
                let profile = if n_stores == 1 {
                    StoreProfile::typical(config)
                } else {
                    StoreProfile::draw(config, seed, index, s)
                };
                Store::new(config, profile, seed, index, s)
            })
            .collect();
        Chain {
            stores,
            day: 0,
            days: Vec::new(),
        }
    }

    /// Runs whole years under the stores' config until the store is settled:
    /// from year `max(burn_in_min_years, 2)` on, the yearly means of the
    /// chain's active customers and of its mean service standard each
    /// changed by less than `settle_tolerance` from the year before; at most
    /// `burn_in_max_years`.
    pub fn burn_in(&mut self, sim: &crate::config::Simulation) -> BurnIn {
        let year = crate::model::DAYS_PER_YEAR;
        let mut previous: Option<(f64, f64)> = None;
        let mut settled = sim.burn_in_max_years == 0;
        for y in 1..=sim.burn_in_max_years {
            let (mut active, mut standard) = (0.0, 0.0);
            for _ in 0..year {
                let d = self.step_day();
                active += d.active_customers;
                standard += d.standard_hours;
            }
            let means = (active / f64::from(year), standard / f64::from(year));
            if let Some((a0, s0)) = previous {
                let change = |x: f64, x0: f64| if x0 > 0.0 { (x / x0 - 1.0).abs() } else { 0.0 };
                if y >= sim.burn_in_min_years
                    && change(means.0, a0) < sim.settle_tolerance
                    && change(means.1, s0) < sim.settle_tolerance
                {
                    settled = true;
                    break;
                }
            }
            previous = Some(means);
        }
        BurnIn {
            days: self.day,
            settled,
        }
    }

    /// Re-keys every store's random streams to replication `index` under
    /// master seed `seed` (store `s` gets the streams of store `s` of that
    /// replication), keeping the state: from the next day on the chain
    /// draws what replication `index` would draw on the same day.
    pub fn rekey(&mut self, seed: u64, index: u64) {
        for (s, store) in self.stores.iter_mut().enumerate() {
            store.rekey(seed, index, s as u32);
        }
    }

    /// Switches every store to another config's policy and settings.
    pub fn switch_to(&mut self, config: &Config) {
        for store in &mut self.stores {
            store.switch_to(config);
        }
    }

    /// Starts every store's turnaround programme under its own config
    /// (`chain.manager_change_sd`; nothing without one).
    pub fn start_programme(&mut self) {
        for store in &mut self.stores {
            store.start_programme();
        }
    }

    fn step_day(&mut self) -> StoreDay {
        let mut chain_day = StoreDay::default();
        for d in self.step_stores() {
            chain_day.add(d);
        }
        chain_day
    }

    /// Steps every store through the next day and returns their days in
    /// store order. The stores step in parallel: a store's day depends on
    /// its own state and streams alone, and every sum over stores is then
    /// taken in store order, so the result is the same on any thread count.
    fn step_stores(&mut self) -> &[StoreDay] {
        let day = self.day;
        self.stores
            .par_iter_mut()
            .map(|store| store.step(day))
            .collect_into_vec(&mut self.days);
        self.day += 1;
        &self.days
    }

    /// Measures `days` days from the current state.
    pub fn measure(
        &mut self,
        days: u32,
        discount_rate: f64,
        index: u64,
        burn_in: BurnIn,
    ) -> Replication {
        let n_stores = self.stores.len();
        for store in &mut self.stores {
            store.start_measuring(self.day);
        }
        let mut chain_totals = Totals {
            stores: n_stores as f64,
            ..Totals::default()
        };
        let mut store_totals = vec![
            Totals {
                stores: 1.0,
                ..Totals::default()
            };
            n_stores
        ];
        let mut daily = Vec::with_capacity(days as usize);
        for day in 0..days {
            let window = growth_window(day, days);
            let mut chain_day = StoreDay::default();
            for (d, totals) in self.step_stores().iter().zip(&mut store_totals) {
                chain_day.add(d);
                totals.observe(d, window);
            }
            chain_totals.observe(&chain_day, window);
            daily.push(DailyPoint::from_day(&chain_day, n_stores as f64));
        }
        Replication {
            index,
            burn_in,
            kpis: Kpis::from_totals(&chain_totals, discount_rate),
            daily,
            stores: self
                .stores
                .iter()
                .zip(&store_totals)
                .map(|(s, t)| StoreResult {
                    profile: s.profile(),
                    kpis: Kpis::from_totals(t, discount_rate),
                })
                .collect(),
        }
    }
}

/// Where the replications of a (config, seed) start their measured window
/// from: each its own burn-in (the default), or one settled state shared
/// by all (`simulation.shared_burn_in`), made once by [`Start::of`].
#[derive(Debug, Clone)]
pub enum Start {
    /// Every replication burns in its own chain.
    Own,
    /// The chain of replication [`SHARED_BURN_IN_REPLICATION`] after its
    /// burn-in, and how that burn-in ended.
    Shared(Box<(Chain, BurnIn)>),
}

impl Start {
    /// The start of `config`'s replications under master seed `seed`: with
    /// `simulation.shared_burn_in`, runs the shared burn-in now (once per
    /// run, not per replication).
    pub fn of(config: &Config, seed: u64) -> Start {
        if config.simulation.shared_burn_in {
            let mut chain = Chain::new(config, seed, SHARED_BURN_IN_REPLICATION);
            let burn_in = chain.burn_in(&config.simulation);
            Start::Shared(Box::new((chain, burn_in)))
        } else {
            Start::Own
        }
    }

    /// Replication `index`'s chain at the end of its burn-in: its own, or
    /// a copy of the shared one re-keyed to (seed, index). `config` and
    /// `seed` must be those the start was made with.
    pub fn settled(&self, config: &Config, seed: u64, index: u64) -> (Chain, BurnIn) {
        match self {
            Start::Own => {
                let mut chain = Chain::new(config, seed, index);
                let burn_in = chain.burn_in(&config.simulation);
                (chain, burn_in)
            }
            Start::Shared(shared) => {
                let (chain, burn_in) = &**shared;
                let mut chain = chain.clone();
                chain.rekey(seed, index);
                (chain, *burn_in)
            }
        }
    }
}

/// Runs replication `index` of `config` with master seed `seed`: the burn-in
/// under the config's policy, then `simulation.days` measured days.
///
/// The config must have passed [`Config::validate`]. With
/// `simulation.shared_burn_in` the shared burn-in is made afresh for this
/// one replication; runs of many replications make it once
/// ([`Start::of`]) and call [`replicate`].
pub fn run_replication(config: &Config, seed: u64, index: u64) -> Replication {
    replicate(config, &Start::of(config, seed), seed, index)
}

/// Replication `index` of `config` from `start` (made by [`Start::of`]
/// with the same config and seed).
pub fn replicate(config: &Config, start: &Start, seed: u64, index: u64) -> Replication {
    let (mut chain, burn_in) = start.settled(config, seed, index);
    chain.measure(
        config.simulation.days,
        config.economics.discount_rate,
        index,
        burn_in,
    )
}

/// A policy change in a running store: replication `index` burns in under
/// `a`, then the settled state is copied and run on under `a` and, switched
/// to `b`'s policy and settings, under `b`, for `a`'s
/// `simulation.years_after_switch` years. The copy is exact, so both arms
/// draw the same random numbers from the switch on until their histories
/// diverge (common random numbers). A turnaround programme
/// (`chain.manager_change_sd`) starts at the switch in each arm whose
/// config has one, so identical configs give identical arms. With `a`'s
/// `simulation.shared_burn_in` the pair starts from the shared settled
/// state, re-keyed to (seed, index), made afresh for this pair; many pairs
/// make it once ([`Start::of`] of `a`) and call [`switch`].
pub fn run_switch(a: &Config, b: &Config, seed: u64, index: u64) -> (Replication, Replication) {
    switch(a, b, &Start::of(a, seed), seed, index)
}

/// The pair `index` of [`run_switch`] from `start` (made by [`Start::of`]
/// with `a` and the same seed).
pub fn switch(
    a: &Config,
    b: &Config,
    start: &Start,
    seed: u64,
    index: u64,
) -> (Replication, Replication) {
    let (mut arm_a, burn_in) = start.settled(a, seed, index);
    let mut arm_b = arm_a.clone();
    arm_b.switch_to(b);
    arm_a.start_programme();
    let days = a.simulation.years_after_switch * crate::model::DAYS_PER_YEAR;
    let ra = arm_a.measure(days, a.economics.discount_rate, index, burn_in);
    let rb = arm_b.measure(days, b.economics.discount_rate, index, burn_in);
    (ra, rb)
}
