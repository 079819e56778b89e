//! One store: its agents and state, and the order of a day. Each mechanism
//! has its own module, named and ordered as the sections of
//! `docs/MODEL.md`:
//!
//! | doc section | module |
//! |---|---|
//! | M1 Store day: arrivals and the queue | `arrivals`, `roster`, `queue` |
//! | M2 Service encounter | `encounter` |
//! | M3 Service failures and recovery | `recovery` |
//! | M4 Customer state | `customer_state` |
//! | M5 Repeat visits, defection, word of mouth | `visits` |
//! | M6 Employee satisfaction | `satisfaction` |
//! | M7 Workforce | `workforce` |
//! | M8 Work pressure and erosion | `erosion` |
//! | M9 Economics | `economics` |
//! | M12 Chain of stores | `profile` |

use crate::config::Config;
use crate::rng::{Purpose, Stream};

use super::arrivals::VisitClock;
use super::customers::{Customers, Origin, Traits, MAX_INTERVAL_DAYS};
use super::erosion::{ErosionParams, ServiceStandard};
use super::profile::StoreProfile;
use super::queue::Floor;
use super::roster::{Intraday, Planned, Roster};
use super::staff::Staff;
use super::StoreDay;

/// Days of visits averaged to size a demand pulse and to staff for demand.
pub(super) const RECENT_DAYS: usize = 28;

/// `x^k` on [0, 1], tabulated at 1024 intervals and interpolated linearly:
/// loyalty is evaluated at every visit and `pow` would dominate the run
/// time. The interpolation error is below 1e-4 for the exponents in use.
#[derive(Debug, Clone)]
pub(super) struct PowerTable {
    /// Per interval j, its value at the left end and the step to the right
    /// end (interleaved): one cache line and one bounds check per lookup.
    values: Vec<f64>,
}

impl PowerTable {
    const STEPS: usize = 1024;

    fn new(exponent: f64) -> PowerTable {
        let values = tabulated(Table::Power, &[exponent], || {
            let powers: Vec<f64> = (0..=Self::STEPS)
                .map(|j| libm::pow(j as f64 / Self::STEPS as f64, exponent))
                .collect();
            powers
                .windows(2)
                .flat_map(|w| [w[0], w[1] - w[0]])
                .collect()
        });
        PowerTable { values }
    }

    #[inline]
    pub(super) fn at(&self, x: f64) -> f64 {
        let scaled = x.clamp(0.0, 1.0) * Self::STEPS as f64;
        let j = (scaled as usize).min(Self::STEPS - 1);
        let frac = scaled - j as f64;
        let (value, step) = (self.values[2 * j], self.values[2 * j + 1]);
        value + frac * step
    }
}

/// The tables built from config values alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Power,
    Tenure,
    Season,
}

/// A table that is a function of `key` alone, built once per thread and
/// key rather than once per store: a run builds a store per replication
/// from the same config, and the `pow`, `exp` and `cos` of its tables were
/// a measurable part of a short replication. The table is the same either
/// way; only the work is saved.
pub(super) fn tabulated(table: Table, key: &[f64], build: impl FnOnce() -> Vec<f64>) -> Vec<f64> {
    type Entry = (Table, Vec<u64>, Vec<f64>);
    /// Tables kept per thread (a sweep over a key makes new ones).
    const KEPT: usize = 8;
    thread_local! {
        static TABLES: std::cell::RefCell<Vec<Entry>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let bits: Vec<u64> = key.iter().map(|k| k.to_bits()).collect();
    TABLES.with_borrow_mut(|tables| {
        if let Some((_, _, values)) = tables.iter().find(|(t, b, _)| *t == table && *b == bits) {
            return values.clone();
        }
        let values = build();
        if tables.len() == KEPT {
            tables.remove(0);
        }
        tables.push((table, bits, values.clone()));
        values
    })
}

/// The inputs of one weekly Oliva & Sterman update.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeekLoad {
    /// Orders: the week's visits, served or not.
    pub orders: f64,
    /// Capacity C in hours of standard orders.
    pub capacity: f64,
}

/// What the staffing rule has seen since its last review.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct StaffingReview {
    pub visits: f64,
    pub service_hours: f64,
    pub served: f64,
    pub weeks: u32,
    /// Positions to close at the next quits instead of refilling them.
    pub pending_closures: u32,
}

/// One store's agents and state. Built from a validated config; stepped by
/// the engine one day at a time. Cloning a store copies its whole state,
/// random streams included, so a clone stepped under the same config makes
/// the same history (the policy switch of `compare` starts from a clone).
#[derive(Debug, Clone)]
pub struct Store {
    pub(super) config: Config,
    pub(super) profile: StoreProfile,
    pub(super) customers: Customers,
    pub(super) staff: Staff,
    pub(super) roster: Roster,
    /// The positions `roster` was planned for under the current config
    /// (`None` after a config change).
    pub(super) roster_planned: Option<Vec<Planned>>,
    /// Arrival shape of each weekday.
    pub(super) intraday: [Intraday; 7],
    /// The yearly demand cycle by day of the year.
    pub(super) seasons: Vec<f64>,
    /// The clock of returning visits (season and weekday, M5).
    pub(super) visit_clock: VisitClock,
    /// happiness^loyalty_exponent, tabulated.
    pub(super) happiness_power: PowerTable,
    /// Tenure by visit count, tabulated (`encounter::tenure_table`).
    pub(super) tenure: Vec<f64>,
    pub(super) standard: ServiceStandard,
    pub(super) arrivals_rng: Stream,
    pub(super) encounter_rng: Stream,
    pub(super) customer_rng: Stream,
    pub(super) workforce_rng: Stream,
    /// Households in reach that shop in the category offline and consider
    /// this store: the most customers it can have.
    pub(super) potential: f64,
    /// Word of mouth, smoothed tellings per day.
    pub(super) positive_tellings: f64,
    pub(super) negative_tellings: f64,
    pub(super) week_orders: f64,
    pub(super) week_capacity: f64,
    pub(super) last_week: WeekLoad,
    pub(super) utilisation: f64,
    pub(super) recent_visits: [f64; RECENT_DAYS],
    /// Walk-ins per day of the running demand pulse, sized when it starts.
    pub(super) pulse_walkins_per_day: Option<f64>,
    /// First measured day: demand-pulse weeks count from it.
    pub(super) epoch: u32,
    pub(super) review: StaffingReview,
    // Reused buffers: no allocation per day once warm.
    pub(super) todays: Vec<u32>,
    pub(super) times: Vec<f64>,
    pub(super) servers: Vec<usize>,
    pub(super) floor: Floor,
}

impl Store {
    pub fn new(
        config: &Config,
        profile: StoreProfile,
        seed: u64,
        replication: u64,
        index: u32,
    ) -> Store {
        let c = config;
        let st = &c.store;
        let intraday = std::array::from_fn(|d| {
            Intraday::new(&st.hourly_profile, st.opening_time[d], st.opening_hours[d])
        });
        let mut store = Store {
            config: c.clone(),
            profile,
            customers: Customers::new(),
            staff: Staff::new(
                contracts(c, profile),
                c.workforce.initial_satisfaction,
                c.workforce.initial_exhaustion,
            ),
            roster: Roster::default(),
            roster_planned: None,
            intraday,
            seasons: Vec::new(),
            visit_clock: VisitClock::default(),
            happiness_power: PowerTable::new(c.customer.loyalty_exponent),
            tenure: super::encounter::tenure_table(c),
            standard: ServiceStandard::new(ErosionParams::of(c)),
            arrivals_rng: Stream::new(seed, replication, index, Purpose::Arrivals),
            encounter_rng: Stream::new(seed, replication, index, Purpose::Encounters),
            customer_rng: Stream::new(seed, replication, index, Purpose::Customers),
            workforce_rng: Stream::new(seed, replication, index, Purpose::Workforce),
            potential: potential_customers(c, profile),
            positive_tellings: 0.0,
            negative_tellings: 0.0,
            week_orders: 0.0,
            week_capacity: 0.0,
            last_week: WeekLoad::default(),
            utilisation: c.workforce.initial_utilisation,
            recent_visits: [0.0; RECENT_DAYS],
            pulse_walkins_per_day: None,
            epoch: 0,
            review: StaffingReview::default(),
            todays: Vec::new(),
            times: Vec::new(),
            servers: Vec::new(),
            floor: Floor::default(),
        };
        for (day, hours) in super::workforce::day_contracts(c) {
            store.staff.add_day_position(
                hours,
                day,
                c.workforce.initial_satisfaction,
                c.workforce.initial_exhaustion,
            );
        }
        store.set_seasons();
        store.plan_roster();
        store.seed_customer_base();
        store
    }

    /// The season table and the clock of returning visits, from the
    /// config.
    fn set_seasons(&mut self) {
        self.seasons = super::arrivals::season_table(&self.config);
        self.visit_clock = VisitClock::new(&self.seasons, &self.config);
    }

    /// The initial base: customers spread over their first visit interval.
    fn seed_customer_base(&mut self) {
        let c = &self.config;
        let n = (f64::from(c.store.initial_customers) * self.profile.market_size)
            .min(self.potential)
            .round() as u32;
        let h0 = c.customer.initial_happiness;
        // Room for the base and a year of newcomers at once, rather than a
        // dozen doublings and copies of a growing list.
        self.customers.reserve(n as usize + n as usize / 4);
        // A new record is a function of its traits, so is its mean interval:
        // computed once per combination of traits, not per customer.
        let mut means = [None; 8];
        for _ in 0..n {
            let traits = Traits {
                relationship: self.customer_rng.chance(self.profile.relationship_mix),
                abusive: self.customer_rng.chance(c.customer.abusive_share),
                opportunist: self.customer_rng.chance(c.customer.opportunist_share),
            };
            let slot = self.customers.add(h0, traits, Origin::Initial);
            self.customers[slot as usize].provocation = c.customer.initial_provocation as f32;
            // Visits are memoryless, so the wait to the first one has the
            // same distribution as any interval between visits.
            let combination = usize::from(traits.relationship)
                | usize::from(traits.abusive) << 1
                | usize::from(traits.opportunist) << 2;
            let mean = *means[combination]
                .get_or_insert_with(|| self.interval_days(slot, self.loyalty(slot as usize)));
            let wait = mean * self.customer_rng.exp1();
            let first = self.day_at(wait);
            // A base already customers for an exponential time of mean
            // `initial_tenure_years` (a base retained at r a year has mean
            // age 1/(1 − r)), with the visits that time holds: the tenure
            // mix of a settled base rather than one of newcomers, whose
            // slow ageing would outlast the burn-in's criterion.
            let age_days = c.store.initial_tenure_years
                * f64::from(crate::model::DAYS_PER_YEAR)
                * self.customer_rng.exp1();
            self.customers[slot as usize].visits =
                (age_days / mean).round().min(f64::from(u16::MAX)) as u16;
            if first < f64::from(MAX_INTERVAL_DAYS) {
                self.customers.schedule_at(slot, first as u32);
            } else {
                // Too far off to count as a customer of the store.
                self.customers.remove(slot);
            }
        }
    }

    pub fn profile(&self) -> StoreProfile {
        self.profile
    }

    /// The standard (hours per customer) and its last pressure.
    pub fn service_standard(&self) -> ServiceStandard {
        self.standard
    }

    /// Living customers now.
    pub fn active_customers(&self) -> u32 {
        self.customers.active
    }

    /// Marks `day` as the first measured day (demand-pulse weeks count
    /// from it).
    pub fn start_measuring(&mut self, day: u32) {
        self.epoch = day;
    }

    /// Starts the turnaround programme of the store's own config
    /// (`chain.manager_change_sd`) without a change of policy: the arm of
    /// `compare` that stays under A gets A's programme at the switch, as
    /// the switched arm gets B's.
    pub fn start_programme(&mut self) {
        self.profile = self.profile.with_programme(&self.config);
    }

    /// Switches the running store to another config's policy and settings
    /// from tomorrow on, keeping every agent and stream as it is (the
    /// policy change of `compare`). Positions are added as vacancies or
    /// closed as they fall vacant when the new headcount differs.
    pub fn switch_to(&mut self, config: &Config) {
        self.profile = self.profile.after_switch(config);
        self.happiness_power = PowerTable::new(config.customer.loyalty_exponent);
        self.tenure = super::encounter::tenure_table(config);
        self.standard.set_params(ErosionParams::of(config));
        self.config = config.clone();
        let st = &config.store;
        self.intraday = std::array::from_fn(|d| {
            Intraday::new(&st.hourly_profile, st.opening_time[d], st.opening_hours[d])
        });
        self.set_seasons();
        self.potential = potential_customers(config, self.profile);
        let wanted = contracts(config, self.profile);
        let open: Vec<usize> = (0..self.staff.positions())
            .filter(|&i| self.staff.open[i] && self.staff.only_on[i].is_none())
            .collect();
        for (k, hours) in wanted.iter().enumerate() {
            match open.get(k) {
                Some(&i) => self.staff.contract_hours[i] = *hours,
                None => {
                    self.staff
                        .add_vacancy(*hours, config.workforce.hiring_delay_days);
                }
            }
        }
        self.review.pending_closures = open.len().saturating_sub(wanted.len()) as u32;
        self.switch_day_positions(config);
        self.roster_planned = None;
        self.plan_roster();
    }

    /// Re-keys the store's random streams to those of store `index` in
    /// replication `replication` under master seed `seed`, keeping every
    /// agent and all other state. Every stream is re-seeded from its key at
    /// the start of each day, so from the next day on the store draws what
    /// that replication's store would draw on the same day: a copy of one
    /// settled store re-keyed per replication starts each replication's own
    /// random history from a shared state (`simulation.shared_burn_in`).
    pub fn rekey(&mut self, seed: u64, replication: u64, index: u32) {
        self.arrivals_rng = Stream::new(seed, replication, index, Purpose::Arrivals);
        self.encounter_rng = Stream::new(seed, replication, index, Purpose::Encounters);
        self.customer_rng = Stream::new(seed, replication, index, Purpose::Customers);
        self.workforce_rng = Stream::new(seed, replication, index, Purpose::Workforce);
    }

    /// Simulates one day and reports it.
    pub fn step(&mut self, day: u32) -> StoreDay {
        let mut out = StoreDay::default();
        self.start_of_day(day, &mut out);
        self.arrivals(day, &mut out);
        self.serve_queue(day, &mut out);
        self.end_of_day(day, &mut out);
        if day % 7 == 6 {
            self.end_of_week();
        }
        out
    }

    fn start_of_day(&mut self, day: u32, out: &mut StoreDay) {
        for stream in [
            &mut self.arrivals_rng,
            &mut self.encounter_rng,
            &mut self.customer_rng,
            &mut self.workforce_rng,
        ] {
            stream.start_day(day);
        }
        self.staff.reset_day();
        self.fill_vacancies(out);
        if day % 7 == 0 {
            self.plan_roster();
        }
        let weekday = (day % 7) as usize;
        for i in 0..self.staff.positions() {
            self.staff.shift[i] =
                self.roster
                    .shifts
                    .get(i)
                    .map_or(super::roster::Shift::OFF, |week| {
                        if self.staff.is_filled(i) {
                            week[weekday]
                        } else {
                            super::roster::Shift::OFF
                        }
                    });
        }
    }

    fn end_of_day(&mut self, day: u32, out: &mut StoreDay) {
        self.workforce_day(out);
        let visits = out.visits;
        self.week_orders += visits;
        self.recent_visits[day as usize % RECENT_DAYS] = visits;
        self.review.visits += visits;
        self.review.served += out.served;
        self.review.service_hours += out.service_hours;
        self.smooth_word_of_mouth(out);
        out.active_customers = f64::from(self.customers.active);
        out.potential_customers = self.potential;
        out.happiness_sum = self.customers.happiness_sum;
        let [low, satisfied, topbox] = self.customers.band_count;
        out.band_low = f64::from(low);
        out.band_satisfied = f64::from(satisfied);
        out.band_topbox = f64::from(topbox);
        out.standard_hours = self.standard.standard;
        out.actual_hours = self.standard.actual;
        out.pressure = self.standard.pressure;
        self.book_the_day(out);
    }
}

/// Contract hours of the template's positions, scaled by the store's
/// staffing ratio: the first `round(staff x full_time_share)` are full time.
fn contracts(config: &Config, profile: StoreProfile) -> Vec<f64> {
    let staff = config.policy.staff as usize;
    let full = (staff as f64 * config.policy.full_time_share).round() as usize;
    let w = &config.workforce;
    (0..staff)
        .map(|i| {
            let hours = if i < full {
                w.full_time_hours
            } else {
                w.part_time_hours
            };
            (hours * profile.staffing_ratio).min(60.0)
        })
        .collect()
}

/// The catchment: households in reach that buy in the category, minus the
/// online-only buyers, times the share for whom this store is an option.
fn potential_customers(config: &Config, profile: StoreProfile) -> f64 {
    let m = &config.market;
    m.households * profile.market_size * m.category_share * (1.0 - m.online_share) * m.store_reach
}
