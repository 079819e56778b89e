//! One store run day by day: arrivals, the queue, service encounters,
//! failures and recoveries, then the daily update of the staff and the
//! weekly update of the service standard. Equations and sources are in
//! `docs/MODEL.md`, section by section in the order of this file.

use crate::config::{Config, RecoveryPolicy, ServiceApproach};
use crate::rng::{Purpose, Stream};

use super::customers::{Customers, Origin, MAX_INTERVAL_DAYS, NO_EMPLOYEE};
use super::erosion::{ErosionParams, ServiceStandard};
use super::staff::Staff;
use super::StoreDay;

const DAYS_PER_YEAR: f64 = 365.0;
/// Smoothing window of word of mouth, in days.
const WOM_DAYS: f64 = 30.0;
/// Days of visits averaged to size a demand pulse.
const PULSE_BASELINE_DAYS: usize = 28;

/// What makes one store of a chain differ from the configured template:
/// several independent drivers, each drawn with its own spread
/// (`[chain]`), so that no single driver sets both staff satisfaction and
/// the latitude in use by construction (docs/MODEL.md, M12).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoreProfile {
    /// Manager quality, centred on 0: shifts staff satisfaction (support,
    /// fair rosters); it does not change the latitude in use.
    pub manager_quality: f64,
    /// Multiplier on the store's catchment (households in reach).
    pub market_size: f64,
    /// Multiplier on the pull of competitors (the online rival and other
    /// stores) on this store's customers.
    pub local_competition: f64,
    /// Growth need strength of this store's staff (0-1).
    pub growth_need: f64,
    /// Multiplier on the contracted staff hours (the staffing ratio).
    pub staffing_ratio: f64,
    /// Share of this store's new customers who seek a relationship.
    pub relationship_mix: f64,
}

impl StoreProfile {
    /// Names of the drivers, in the order of [`StoreProfile::values`] (the
    /// driver columns of `stores.csv`).
    pub const DRIVERS: [&'static str; 6] = [
        "manager_quality",
        "market_size",
        "local_competition",
        "growth_need",
        "staffing_ratio",
        "relationship_mix",
    ];

    /// The drivers' values, in the order of [`StoreProfile::DRIVERS`].
    pub fn values(&self) -> [f64; 6] {
        [
            self.manager_quality,
            self.market_size,
            self.local_competition,
            self.growth_need,
            self.staffing_ratio,
            self.relationship_mix,
        ]
    }

    /// Draws store `index`'s profile from the chain's spreads: normal for
    /// manager quality, log-normal with mean 1 for the multipliers, and
    /// normal clamped to [0, 1] for the shares.
    pub fn draw(config: &Config, seed: u64, replication: u64, index: u32) -> StoreProfile {
        let ch = &config.chain;
        let mut s = Stream::new(seed, replication, index, Purpose::Setup);
        let lognormal = |sd: f64, z: f64| libm::exp(sd * z - 0.5 * sd * sd);
        let z: [f64; 6] = std::array::from_fn(|_| s.normal());
        StoreProfile {
            manager_quality: ch.manager_quality_sd * z[0],
            market_size: lognormal(ch.market_size_sd, z[1]),
            local_competition: lognormal(ch.competition_sd, z[2]),
            growth_need: (config.workforce.growth_need + ch.growth_need_sd * z[3]).clamp(0.0, 1.0),
            staffing_ratio: lognormal(ch.staffing_sd, z[4]),
            relationship_mix: (config.market.relationship + ch.relationship_sd * z[5])
                .clamp(0.0, 1.0),
        }
    }

    /// The template store itself.
    pub fn typical(config: &Config) -> StoreProfile {
        StoreProfile {
            manager_quality: 0.0,
            market_size: 1.0,
            local_competition: 1.0,
            growth_need: config.workforce.growth_need,
            staffing_ratio: 1.0,
            relationship_mix: config.market.relationship,
        }
    }
}

/// `x^k` on [0, 1], tabulated at 1024 intervals and interpolated linearly:
/// loyalty is evaluated at every visit and `pow` would dominate the run
/// time. The interpolation error is below 1e-4 for the exponents in use.
#[derive(Debug)]
struct PowerTable {
    values: Vec<f64>,
}

impl PowerTable {
    const STEPS: usize = 1024;

    fn new(exponent: f64) -> PowerTable {
        let values = (0..=Self::STEPS)
            .map(|j| libm::pow(j as f64 / Self::STEPS as f64, exponent))
            .collect();
        PowerTable { values }
    }

    #[inline]
    fn at(&self, x: f64) -> f64 {
        let scaled = x.clamp(0.0, 1.0) * Self::STEPS as f64;
        let j = (scaled as usize).min(Self::STEPS - 1);
        let frac = scaled - j as f64;
        self.values[j] + frac * (self.values[j + 1] - self.values[j])
    }
}

/// The inputs of one weekly Oliva & Sterman update.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeekLoad {
    /// Orders: the week's visits, served or not.
    pub orders: f64,
    /// Capacity C in hours of standard orders.
    pub capacity: f64,
}

/// One store's agents and state. Built from a validated config; stepped by
/// the engine one day at a time.
#[derive(Debug)]
pub struct Store {
    config: Config,
    profile: StoreProfile,
    /// Latitude staff actually use (policy times manager).
    latitude: f64,
    customers: Customers,
    staff: Staff,
    /// happiness^loyalty_exponent, tabulated.
    happiness_power: PowerTable,
    standard: ServiceStandard,
    arrivals_rng: Stream,
    encounter_rng: Stream,
    customer_rng: Stream,
    workforce_rng: Stream,
    /// Word of mouth, smoothed tellings per day.
    positive_tellings: f64,
    negative_tellings: f64,
    week_orders: f64,
    week_capacity: f64,
    last_week: WeekLoad,
    utilisation: f64,
    recent_visits: [f64; PULSE_BASELINE_DAYS],
    pulse_walkins_per_day: f64,
    // Reused buffers: no allocation per day once warm.
    todays: Vec<u32>,
    times: Vec<f64>,
    servers: Vec<usize>,
    free_at: Vec<f64>,
}

/// Per-encounter constants derived once from the config.
struct EncounterConstants {
    base_hours: f64,
    time_quality: f64,
    centric: bool,
    latitude: f64,
    fail_p: f64,
    wait_share: f64,
    differentiation: f64,
    patience_hours: f64,
    on_spot_budget_share: f64,
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
        let latitude = c.policy.latitude;
        let mut store = Store {
            config: c.clone(),
            profile,
            latitude,
            customers: Customers::new(),
            happiness_power: PowerTable::new(c.customer.loyalty_exponent),
            staff: Staff::new(c.policy.staff as usize, c.workforce.initial_satisfaction),
            standard: ServiceStandard::new(ErosionParams {
                initial_standard: c.erosion.standard_hours,
                alpha: c.erosion.alpha,
                tau_down_weeks: c.erosion.tau_down_weeks,
                tau_up_weeks: c.erosion.tau_up_weeks,
                min_time: c.erosion.min_hours,
            }),
            arrivals_rng: Stream::new(seed, replication, index, Purpose::Arrivals),
            encounter_rng: Stream::new(seed, replication, index, Purpose::Encounters),
            customer_rng: Stream::new(seed, replication, index, Purpose::Customers),
            workforce_rng: Stream::new(seed, replication, index, Purpose::Workforce),
            positive_tellings: 0.0,
            negative_tellings: 0.0,
            week_orders: 0.0,
            week_capacity: 0.0,
            last_week: WeekLoad::default(),
            utilisation: 0.7,
            recent_visits: [0.0; PULSE_BASELINE_DAYS],
            pulse_walkins_per_day: 0.0,
            todays: Vec::new(),
            times: Vec::new(),
            servers: Vec::new(),
            free_at: Vec::new(),
        };
        store.seed_customer_base();
        store
    }

    /// The initial base: customers spread over their first visit interval.
    fn seed_customer_base(&mut self) {
        let c = &self.config;
        let n = libm::round(f64::from(c.store.initial_customers) * self.profile.market_size) as u32;
        let h0 = c.customer.initial_happiness;
        for _ in 0..n {
            let relationship = self.customer_rng.chance(c.market.relationship);
            let slot = self.customers.add(h0, relationship, Origin::Initial);
            self.customers[slot as usize].provocation = c.customer.initial_provocation;
            // Visits are memoryless, so the wait to the first one has the
            // same distribution as any interval between visits.
            let mean = self.interval_days(slot, self.loyalty(slot as usize));
            let first = mean * self.customer_rng.exp1();
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

    /// Mean days to the next visit for a customer with the given loyalty.
    fn interval_days(&self, slot: u32, loyalty: f64) -> f64 {
        let i = slot as usize;
        let m = &self.config.market;
        let base = if self.customers[i].relationship {
            m.visit_interval_days
        } else {
            m.transactional_interval_days
        };
        base / (0.4 + 0.6 * loyalty)
    }

    /// Loyalty 0..1: convex in happiness, raised by the bond.
    #[inline]
    fn loyalty(&self, i: usize) -> f64 {
        let cu = &self.config.customer;
        let l = self.happiness_power.at(self.customers[i].happiness);
        if self.customers[i].relationship {
            l + cu.bond_weight * self.customers[i].bond * (1.0 - l)
        } else {
            l
        }
    }

    /// Demand multiplier of a day: weekday, season, market, noise.
    fn demand_multiplier(&mut self, day: u32) -> f64 {
        let st = &self.config.store;
        let profile = &st.weekday_profile;
        let weekday_mean = profile.iter().sum::<f64>() / 7.0;
        let weekday = profile[(day % 7) as usize] / weekday_mean;
        let phase =
            std::f64::consts::TAU * (f64::from(day % 365) - st.season_peak_day) / DAYS_PER_YEAR;
        let season = 1.0 + st.season_amplitude * libm::cos(phase);
        let sd = 0.3 * self.config.market.unpredictability;
        let noise = libm::exp(sd * self.arrivals_rng.normal() - 0.5 * sd * sd);
        weekday * season * noise
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
        let w = &self.config.workforce;
        for i in 0..self.staff.positions() {
            if !self.staff.is_filled(i) {
                self.staff.vacancy_days[i] -= 1.0;
                if self.staff.vacancy_days[i] <= 0.0 {
                    self.staff.hire(i, w.new_hire_skill, w.initial_satisfaction);
                    out.hires += 1.0;
                    out.cost_hiring += self.config.economics.hiring_cost;
                }
            }
        }
    }

    fn arrivals(&mut self, day: u32, out: &mut StoreDay) {
        let multiplier = self.demand_multiplier(day);
        let c = &self.config;
        let deterrence = libm::exp(-c.customer.deterrence * self.negative_tellings);
        let market_mean =
            c.market.new_customers_per_day * self.profile.market_size * multiplier * deterrence;
        let referral_mean = c.customer.referral_conversion * self.positive_tellings;
        let week = day / 7;
        let pulse_on = c.market.pulse_weeks > 0
            && week >= c.market.pulse_start_week
            && week < c.market.pulse_start_week + c.market.pulse_weeks;
        if pulse_on && self.pulse_walkins_per_day == 0.0 {
            // Config validation guarantees four weeks of history.
            let baseline = self.recent_visits.iter().sum::<f64>() / PULSE_BASELINE_DAYS as f64;
            self.pulse_walkins_per_day = (c.market.pulse_size * baseline).max(f64::MIN_POSITIVE);
        }
        let walkin_mean = if pulse_on {
            self.pulse_walkins_per_day * multiplier
        } else {
            0.0
        };

        let new_market = self.arrivals_rng.poisson(market_mean);
        let referrals = self.arrivals_rng.poisson(referral_mean);
        let walkins = self.arrivals_rng.poisson(walkin_mean);

        self.todays.clear();
        self.customers.take_visits(day, &mut self.todays);
        out.arrivals_returning = self.todays.len() as f64;
        let h0 = c.customer.initial_happiness;
        let relationship_share = c.market.relationship;
        for (count, origin) in [
            (new_market, Origin::Market),
            (referrals, Origin::Referral),
            (walkins, Origin::WalkIn),
        ] {
            for _ in 0..count {
                let relationship =
                    origin != Origin::WalkIn && self.arrivals_rng.chance(relationship_share);
                let slot = self.customers.add(h0, relationship, origin);
                self.customers[slot as usize].provocation = c.customer.initial_provocation;
                self.todays.push(slot);
            }
        }
        out.arrivals_market = f64::from(new_market);
        out.arrivals_referral = f64::from(referrals);
        out.arrivals_walkin = f64::from(walkins);
        out.visits = self.todays.len() as f64;

        // Random arrival order, then sorted arrival times over the opening
        // hours from normalised exponential spacings (no sort needed).
        let n = self.todays.len();
        for i in (1..n).rev() {
            let j = self.arrivals_rng.index(i + 1);
            self.todays.swap(i, j);
        }
        self.times.clear();
        let mut acc = 0.0;
        for _ in 0..n {
            acc += self.arrivals_rng.exp1();
            self.times.push(acc);
        }
        let total = acc + self.arrivals_rng.exp1();
        let scale = self.config.store.open_hours / total;
        for t in &mut self.times {
            *t *= scale;
        }
    }

    fn encounter_constants(&self) -> EncounterConstants {
        let c = &self.config;
        EncounterConstants {
            base_hours: self.standard.actual * (1.0 - c.policy.productivity_target),
            time_quality: libm::pow(
                (self.standard.actual * (1.0 - c.policy.productivity_target)
                    / c.erosion.standard_hours)
                    .min(1.0),
                c.service.time_quality_exponent,
            ),
            centric: c.policy.service_approach == ServiceApproach::CustomerCentric,
            latitude: self.latitude,
            fail_p: (c.service.failure_rate
                * (1.0 + c.service.unpredictability_failure_gain * c.market.unpredictability))
                .min(1.0),
            wait_share: c.service.wait_weight * (1.0 - 0.6 * c.market.differentiation),
            differentiation: c.market.differentiation,
            patience_hours: c.market.patience_minutes / 60.0,
            on_spot_budget_share: if c.recovery.on_spot_cost_mean > 0.0 {
                1.0 - libm::exp(-c.policy.discretion_budget / c.recovery.on_spot_cost_mean)
            } else {
                1.0
            },
        }
    }

    fn serve_queue(&mut self, day: u32, out: &mut StoreDay) {
        let k = self.encounter_constants();
        // Departures happen at the end of a day, so every arrival's Heskett
        // check can run up front; doing them in one pass also loads the
        // day's customer records with many misses in flight at once.
        for idx in 0..self.todays.len() {
            self.heskett_check(self.todays[idx]);
        }
        self.servers.clear();
        self.servers
            .extend((0..self.staff.positions()).filter(|&i| self.staff.on_duty(i)));
        self.free_at.clear();
        self.free_at.resize(self.servers.len(), 0.0);
        let open = self.config.store.open_hours;

        for idx in 0..self.todays.len() {
            let slot = self.todays[idx];
            let arrival = self.times[idx];
            // Earliest free server: linear scan, staff counts are small.
            let mut best = usize::MAX;
            let mut best_free = f64::INFINITY;
            for (j, &f) in self.free_at.iter().enumerate() {
                if f < best_free {
                    best_free = f;
                    best = j;
                }
            }
            let wait = (best_free - arrival).max(0.0);
            let h = self.customers[slot as usize].happiness;
            let impatience = 1.0 - self.config.customer.impatience * (1.0 - h);
            let patience = k.patience_hours * impatience * self.encounter_rng.exp1();
            if best == usize::MAX || wait > patience {
                out.balked += 1.0;
                out.wait_hours_balked += if best == usize::MAX { 0.0 } else { patience };
                let e = self.config.customer.balk_experience;
                self.after_visit(slot, day, e, None, out);
                continue;
            }
            let employee = self.servers[best];
            let start = arrival + wait;
            let duration = self.encounter(day, slot, employee, wait, &k, out);
            self.free_at[best] = start + duration;
            self.staff.busy_hours[employee] += duration;
            out.wait_hours += wait;
            out.service_hours += duration;
            out.served += 1.0;
        }
        for (j, &employee) in self.servers.iter().enumerate() {
            self.staff.overtime_hours[employee] = (self.free_at[j] - open).max(0.0);
        }
    }

    /// Heskett et al.: when a customer's own employee has left, the bond is
    /// lost and happiness drops in proportion to it.
    #[inline]
    fn heskett_check(&mut self, slot: u32) {
        let i = slot as usize;
        let fav = self.customers[i].favourite;
        if fav != NO_EMPLOYEE
            && self.staff.generation[fav as usize] != self.customers[i].favourite_generation
        {
            let loss = self.config.customer.departure_loss * self.customers[i].bond;
            let h = self.customers[i].happiness * (1.0 - loss);
            self.customers.set_happiness(slot, h);
            self.customers[i].bond = 0.0;
            self.customers[i].favourite = NO_EMPLOYEE;
        }
    }

    /// One service encounter; returns its duration in hours.
    #[inline]
    fn encounter(
        &mut self,
        day: u32,
        slot: u32,
        employee: usize,
        wait: f64,
        k: &EncounterConstants,
        out: &mut StoreDay,
    ) -> f64 {
        let c = &self.config;
        let sv = &c.service;
        let rec = &c.recovery;
        let i = slot as usize;
        let rng = &mut self.encounter_rng;
        let skill = self.staff.skill[employee];

        // Need and time.
        let nonroutine = rng.chance(c.market.nonroutine_share);
        let mut time_factor = 1.0 + sv.latitude_time_cost * k.latitude;
        if nonroutine {
            time_factor *= sv.nonroutine_time_factor;
        }
        if k.centric {
            time_factor *= sv.centric_time_factor;
        }
        time_factor *= 1.0 + sv.novice_slowdown * (1.0 - skill);
        // Service time: a fixed part plus an exponential part, mean 1 and
        // coefficient of variation time_cv.
        let noise = 1.0 + sv.time_cv * (rng.exp1() - 1.0);
        let mut duration = k.base_hours * time_factor * noise;

        // Resolution: cutting corners (time below what the need takes)
        // lowers it; latitude lets staff solve non-routine needs.
        let time_quality = k.time_quality;
        let mut resolve = if nonroutine {
            sv.resolve_nonroutine + sv.latitude_resolve_gain * k.latitude * skill
        } else {
            sv.resolve_routine
        };
        if k.centric {
            resolve += sv.centric_resolve_gain;
        }
        resolve = (resolve * time_quality * (0.6 + 0.4 * skill)).min(1.0);
        let resolved = rng.chance(resolve);

        // Purchase and basket.
        let mut buy_p = sv.conversion
            * if resolved {
                1.0
            } else {
                sv.unresolved_conversion
            };
        let mut basket_factor = 1.0 + sv.bond_basket_gain * self.customers[i].bond;
        if k.centric {
            buy_p *= 1.0 + sv.centric_conversion_gain;
            basket_factor *= 1.0 + sv.centric_basket_gain;
        }
        let buy_draw = rng.uniform();
        // The basket's draw is always taken (so streams stay aligned across
        // policies) but only turned into money when it is needed.
        let basket_z = rng.normal();
        let basket_sigma = sv.basket_sigma;
        let basket = || {
            sv.basket_mean
                * basket_factor
                * libm::exp(basket_sigma * basket_z - 0.5 * basket_sigma * basket_sigma)
        };

        // Experience before any failure: perceived service quality (Brown &
        // Lam: the main path from staff to customer), then the wait, then a
        // small direct contagion of the employee's mood that fades when busy.
        let satisfaction = self.staff.satisfaction[employee];
        let own_employee = self.customers[i].favourite == employee as u32;
        let mut quality = sv.quality_base
            + sv.quality_resolved * f64::from(u8::from(resolved))
            + sv.quality_time * time_quality * (0.5 + 0.5 * skill)
            + sv.quality_latitude * k.latitude * skill * k.differentiation
            + sv.quality_satisfaction * (satisfaction - 0.5);
        if k.centric {
            quality += sv.quality_centric;
        }
        if own_employee {
            quality += sv.quality_bond * self.customers[i].bond;
        }
        let wait_penalty = (wait / k.patience_hours).min(1.0);
        let contagion = sv.contagion * (satisfaction - 0.5) * (1.0 - self.utilisation).max(0.0);
        let mut experience = quality - k.wait_share * wait_penalty + contagion;

        // Failures, provoked conflicts and recovery.
        let provocation = self.customers[i].provocation;
        let trouble = rng.uniform();
        let mut keep_sale = 1.0;
        let mut discount_owed = false;
        if trouble < k.fail_p {
            out.failures += 1.0;
            let on_spot_p = rec.on_spot_rate * k.latitude * skill * k.on_spot_budget_share;
            let recovery_quality;
            if rng.chance(on_spot_p) {
                // The cases solved on the spot are those whose cost fits the
                // budget: exponential costs truncated at the budget.
                let cost = -rec.on_spot_cost_mean
                    * libm::log(1.0 - rng.uniform() * k.on_spot_budget_share);
                out.cost_giveaways += cost;
                out.on_spot += 1.0;
                duration += rec.on_spot_minutes / 60.0;
                recovery_quality = rec.on_spot_quality;
            } else {
                match c.policy.recovery {
                    RecoveryPolicy::TechnicalFirst => {
                        recovery_quality = if rng.chance(rec.escalation_rate) {
                            self.staff.abuse[employee] += 1;
                            out.abuse += 1.0;
                            rec.technical_quality * 0.5
                        } else {
                            rec.technical_quality
                        };
                    }
                    RecoveryPolicy::EmotionFirst => {
                        duration += rec.emotion_minutes / 60.0;
                        recovery_quality = rec.emotion_quality;
                    }
                    RecoveryPolicy::Discount => {
                        discount_owed = true;
                        let p = &mut self.customers[i].provocation;
                        *p += c.customer.provocation_learning * (1.0 - *p);
                        recovery_quality = rec.discount_quality;
                    }
                }
            }
            keep_sale = recovery_quality;
            experience = 0.4 * experience + 0.6 * recovery_quality;
        } else if provocation > 0.0 && trouble < k.fail_p + (1.0 - k.fail_p) * provocation {
            // Seed 004: a customer who learnt that conflict pays provokes one.
            out.provoked += 1.0;
            if c.policy.recovery == RecoveryPolicy::Discount {
                discount_owed = true;
                let p = &mut self.customers[i].provocation;
                *p += c.customer.provocation_learning * (1.0 - *p);
                experience = 0.4 * experience + 0.6 * rec.discount_quality;
            } else {
                if rng.chance(rec.provoker_abuse_rate) {
                    self.staff.abuse[employee] += 1;
                    out.abuse += 1.0;
                }
                // Conflict did not pay: the habit fades.
                self.customers[i].provocation *= 0.5;
                experience = 0.5 * experience + 0.5 * rec.technical_quality;
            }
        }

        let bought = buy_draw < buy_p * keep_sale;
        if bought {
            let basket = basket();
            out.purchases += 1.0;
            out.revenue += basket;
            if trouble < k.fail_p {
                out.revenue_failure += basket;
            }
            if self.customers[i].origin == Origin::Initial {
                out.revenue_initial_base += basket;
            }
        }
        if discount_owed {
            // Off the basket when the customer buys, else as a voucher worth
            // the same share of a mean basket.
            let value = if bought { basket() } else { sv.basket_mean };
            out.cost_discounts += c.policy.discount_share * value;
        }
        if resolved {
            out.resolved += 1.0;
        }
        // Small goodwill gestures (a cable, a waived fee) staff make with
        // latitude, booked at their expected value.
        out.cost_giveaways += sv.goodwill_per_customer * k.latitude;
        let experience = experience.clamp(0.0, 1.0);
        self.staff.served[employee] += 1;
        self.staff.experience_sum[employee] += experience;
        self.after_visit(slot, day, experience, Some(employee), out);
        duration
    }
}

impl Store {
    /// Happiness, bond, word of mouth, then defection or the next visit.
    fn after_visit(
        &mut self,
        slot: u32,
        day: u32,
        experience: f64,
        employee: Option<usize>,
        out: &mut StoreDay,
    ) {
        let cu = &self.config.customer;
        let i = slot as usize;
        let h = self.customers[i].happiness;
        let weight = if experience > h {
            cu.learn_up
        } else {
            cu.learn_down
        };
        self.customers
            .set_happiness(slot, h + weight * (experience - h));

        if let Some(e) = employee {
            if self.customers[i].relationship {
                let fav = self.customers[i].favourite;
                let same = fav == e as u32;
                if same || fav == NO_EMPLOYEE || self.customers[i].bond < 0.05 {
                    if !same {
                        self.customers[i].favourite = e as u32;
                        self.customers[i].favourite_generation = self.staff.generation[e];
                    }
                    let b = &mut self.customers[i].bond;
                    *b = (*b + cu.bond_rate * (experience - 0.5)).clamp(0.0, 1.0);
                }
            }
        }

        if experience < cu.wom_negative_threshold {
            out.told_negative += cu.wom_negative_contacts;
        } else if experience > cu.wom_positive_threshold {
            out.told_positive += cu.wom_positive_contacts;
            out.delighted += 1.0;
        }

        if self.customers[i].origin == Origin::WalkIn {
            self.customers.remove(slot);
            return;
        }
        let loyalty = self.loyalty(i);
        let m = &self.config.market;
        let defect_p = if self.customers[i].relationship {
            cu.defection_max * (1.0 - loyalty)
        } else {
            cu.transactional_defection * (1.0 - loyalty)
        } + m.online_pull * (1.0 - loyalty);
        if self.customer_rng.chance(defect_p) {
            out.defections += 1.0;
            self.customers.remove(slot);
            return;
        }
        let mean = self.interval_days(slot, loyalty);
        let days = 1.0 + mean * self.customer_rng.exp1();
        if days > f64::from(MAX_INTERVAL_DAYS) {
            // A customer not back within three years has lapsed.
            out.defections += 1.0;
            self.customers.remove(slot);
            return;
        }
        self.customers.schedule(slot, day, days as u32);
    }

    fn end_of_day(&mut self, day: u32, out: &mut StoreDay) {
        let c = &self.config;
        let w = &c.workforce;
        let e = &c.economics;
        let open = c.store.open_hours;
        let latitude = self.latitude;
        // Bowen & Lawler: latitude pleases high-growth-need staff and
        // burdens low-growth-need staff.
        let autonomy = w.autonomy_weight * latitude * (w.growth_need - w.growth_need_neutral)
            / (1.0 - w.growth_need_neutral).max(1e-9);
        let manager = 0.3 * self.profile.manager_quality;
        let training_per_day = c.policy.training_hours / 28.0;
        let quit_base = w.quit_rate / DAYS_PER_YEAR;

        let mut busy = 0.0;
        let mut on_floor_hours = 0.0;
        let mut headcount = 0.0;
        for i in 0..self.staff.positions() {
            if !self.staff.is_filled(i) {
                continue;
            }
            headcount += 1.0;
            out.cost_wages += open * e.wage_per_hour;
            out.cost_training += training_per_day * (e.wage_per_hour + e.training_cost_per_hour);
            if self.staff.absent[i] {
                // A sick day rests.
                self.staff.exhaustion[i] *= 1.0 - 1.0 / w.exhaustion_days;
            } else {
                on_floor_hours += open;
                busy += self.staff.busy_hours[i];
                let overtime = self.staff.overtime_hours[i];
                out.overtime_hours += overtime;
                out.cost_overtime += overtime * e.wage_per_hour * (1.0 + e.overtime_premium);
                let utilisation = (self.staff.busy_hours[i] / open).min(1.5);
                let abuse = f64::from(self.staff.abuse[i]);
                // Karasek / JD-R: demands raise exhaustion, control buffers.
                let pressure = 1.0 + c.policy.productivity_target;
                // Hogreve et al.: past a point latitude burdens (role
                // ambiguity), more so for staff with low growth need.
                let strain =
                    w.demand_weight * utilisation * pressure * (1.0 - w.control_buffer * latitude)
                        + w.ambiguity_strain * latitude * latitude * (1.0 - w.growth_need)
                        + w.overtime_strain * overtime
                        + w.abuse_strain * abuse;
                let ex = &mut self.staff.exhaustion[i];
                *ex += (strain.min(1.0) - *ex) / w.exhaustion_days;
                let served = self.staff.served[i];
                let mirror = if served > 0 {
                    self.staff.experience_sum[i] / f64::from(served) - 0.5
                } else {
                    0.0
                };
                let target = (w.base_satisfaction + autonomy + manager + w.mirror_weight * mirror
                    - w.exhaustion_weight * self.staff.exhaustion[i]
                    - w.abuse_weight * abuse)
                    .clamp(0.0, 1.0);
                let s = &mut self.staff.satisfaction[i];
                *s += (target - *s) / w.satisfaction_days;
                // Learning by doing and by training.
                let gap = 1.0 - self.staff.skill[i];
                self.staff.skill[i] +=
                    gap * (1.0 / w.learning_days + w.training_skill_gain * training_per_day);
            }
            out.satisfaction_sum += self.staff.satisfaction[i];
            out.exhaustion_sum += self.staff.exhaustion[i];
            // Quitting: exhaustion drives it; dissatisfaction only a little.
            let hazard = quit_base
                * libm::exp(
                    w.quit_exhaustion * (self.staff.exhaustion[i] - 0.25)
                        + w.quit_dissatisfaction * (0.5 - self.staff.satisfaction[i]),
                );
            if self.workforce_rng.chance(hazard) {
                out.quits += 1.0;
                self.staff.quit(i, w.hiring_delay_days);
                continue;
            }
            let ex = self.staff.exhaustion[i];
            self.staff.absent[i] = self.workforce_rng.chance(w.absence_rate * ex * ex);
        }
        out.headcount = headcount;
        self.utilisation = if on_floor_hours > 0.0 {
            busy / on_floor_hours
        } else {
            1.0
        };
        self.week_orders += out.visits;
        self.week_capacity += on_floor_hours * c.store.productive_share;
        self.recent_visits[day as usize % PULSE_BASELINE_DAYS] = out.visits;

        // Word of mouth, smoothed over about a month.
        self.positive_tellings += (out.told_positive - self.positive_tellings) / WOM_DAYS;
        self.negative_tellings += (out.told_negative - self.negative_tellings) / WOM_DAYS;

        out.active_customers = f64::from(self.customers.active);
        out.happiness_sum = self.customers.happiness_sum;
        out.standard_hours = self.standard.standard;
        out.actual_hours = self.standard.actual;
        out.pressure = self.standard.pressure;
        out.gross_margin = out.revenue * c.economics.gross_margin;
        out.profit = out.gross_margin
            - out.cost_wages
            - out.cost_overtime
            - out.cost_giveaways
            - out.cost_discounts
            - out.cost_hiring
            - out.cost_training;
    }

    /// Oliva & Sterman, weekly. Orders are the week's visits; capacity is
    /// the floor hours on duty times the productive share, in standard
    /// orders: divided by the time the market's mix of needs takes at the
    /// standard. Policy choices that take extra time per customer (latitude,
    /// the customer-centric approach) are not part of the standard: their
    /// time shows up as queues, balking, overtime and utilisation instead.
    fn end_of_week(&mut self) {
        let c = &self.config;
        let nr = c.market.nonroutine_share;
        let need_mix = 1.0 - nr + nr * c.service.nonroutine_time_factor;
        self.last_week = WeekLoad {
            orders: self.week_orders,
            capacity: self.week_capacity / need_mix,
        };
        self.standard
            .weekly_update(self.last_week.orders, self.last_week.capacity);
        self.week_orders = 0.0;
        self.week_capacity = 0.0;
    }

    /// The orders and capacity (in standard orders) that fed the last
    /// weekly update of the service standard.
    pub fn last_week_load(&self) -> WeekLoad {
        self.last_week
    }
}
