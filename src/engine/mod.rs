//! The engine: runs one replication of a config, day by day, over all its
//! stores, and observes it.
//!
//! It owns simulated time (the day counter and the horizon), builds the
//! stores with their random streams, steps them, and folds each day into a
//! [`DailyPoint`] and the KPI accumulators. Memory is the stores' agents plus
//! one `DailyPoint` per day: nothing else grows with the horizon.
//!
//! **Invariant:** a [`Replication`] is a function of (config, seed,
//! replication index) alone; the engine is single-threaded and never reads
//! a clock.

mod kpi;

pub use kpi::{DailyPoint, Kpis, ValueDef, DAILY_DEFS, KPI_DEFS};

use crate::config::Config;
use crate::model::{Store, StoreDay, StoreProfile};

/// Everything one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// Replication index k (its streams derive from (seed, k)).
    pub index: u64,
    /// Chain-level KPIs over the days after the warm-up.
    pub kpis: Kpis,
    /// One point per simulated day, warm-up included.
    pub daily: Vec<DailyPoint>,
    /// Per-store KPIs, in store order (one entry for a single store).
    pub stores: Vec<StoreResult>,
}

/// One store's KPIs and profile within a replication.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreResult {
    pub profile: StoreProfile,
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
/// (same seasons, so the growth is not the season's) when the KPI window
/// holds two years; otherwise its second half with its first.
fn growth_window(day: u32, warmup: u32, days: u32) -> GrowthWindow {
    const YEAR: u32 = 364;
    let (first_start, second_start) = if days - warmup >= 2 * YEAR {
        (days - 2 * YEAR, days - YEAR)
    } else {
        (warmup, warmup + (days - warmup) / 2)
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

/// Runs replication `index` of `config` with master seed `seed`.
///
/// The config must have passed [`Config::validate`].
pub fn run_replication(config: &Config, seed: u64, index: u64) -> Replication {
    let n_stores = config.chain.stores;
    let mut stores: Vec<Store> = (0..n_stores)
        .map(|s| {
            let profile = if n_stores == 1 {
                StoreProfile::typical(config)
            } else {
                StoreProfile::draw(config, seed, index, s)
            };
            Store::new(config, profile, seed, index, s)
        })
        .collect();
    let days = config.simulation.days;
    let warmup = config.simulation.warmup_days;
    let mut chain_totals = Totals {
        stores: f64::from(n_stores),
        ..Totals::default()
    };
    let mut store_totals = vec![
        Totals {
            stores: 1.0,
            ..Totals::default()
        };
        stores.len()
    ];
    let mut daily = Vec::with_capacity(days as usize);
    for day in 0..days {
        let mut chain_day = StoreDay::default();
        for (store, totals) in stores.iter_mut().zip(&mut store_totals) {
            let d = store.step(day);
            chain_day.add(&d);
            if day >= warmup {
                totals.observe(&d, growth_window(day, warmup, days));
            }
        }
        if day >= warmup {
            chain_totals.observe(&chain_day, growth_window(day, warmup, days));
        }
        daily.push(DailyPoint::from_day(&chain_day, f64::from(n_stores)));
    }
    let discount_rate = config.economics.discount_rate;
    Replication {
        index,
        kpis: Kpis::from_totals(&chain_totals, discount_rate),
        daily,
        stores: stores
            .iter()
            .zip(&store_totals)
            .map(|(s, t)| StoreResult {
                profile: s.profile(),
                kpis: Kpis::from_totals(t, discount_rate),
            })
            .collect(),
    }
}
