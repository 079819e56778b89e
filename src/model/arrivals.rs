//! M1 Store day, arrivals: who comes today and when. Returning customers
//! come from the visit calendar; first visits come from the finite
//! catchment (prospects are the households in reach that are not customers
//! now), raised by referrals and lowered by bad word of mouth; a demand
//! pulse adds one-off walk-ins. Arrival times follow the weekday's intraday
//! shape.

use super::customers::{Origin, Traits};
use super::store::{Store, RECENT_DAYS};
use super::StoreDay;

/// Days in a simulated year: 52 weeks, so a year starts on the same weekday.
pub const DAYS_PER_YEAR: u32 = 364;

impl Store {
    /// The yearly demand cycle on `day` (mean 1), from the store's table:
    /// it is read at every visit, where a cosine each time would cost.
    #[inline]
    pub(super) fn season(&self, day: u32) -> f64 {
        self.seasons[(day % DAYS_PER_YEAR) as usize]
    }

    /// Days from the start of day `from` until `x` days of demand at the
    /// mean season have passed: the inverse of the seasonal clock
    /// `S(t) = ∫ season`, so that a customer's visits, exponential in
    /// seasonal time, come at a rate that follows the season on the day
    /// they fall (a nonhomogeneous Poisson process by time change, Çinlar
    /// 1975). The season is constant within a day, so `S` is piecewise
    /// linear and its inverse exact.
    #[inline]
    pub(super) fn seasonal_days(&self, from: u32, x: f64) -> f64 {
        let clock = &self.season_clock;
        let year = clock[DAYS_PER_YEAR as usize];
        let phase = (from % DAYS_PER_YEAR) as usize;
        let target = clock[phase] + x;
        let cycles = (target / year).floor();
        let rest = target - cycles * year;
        // The day whose stretch of the clock holds `rest`: the last `j`
        // with clock[j] <= rest (clock[0] = 0 <= rest, so j >= 0).
        let j = clock[1..DAYS_PER_YEAR as usize].partition_point(|&c| c <= rest);
        let within = (rest - clock[j]) * self.season_reciprocals[j];
        cycles * f64::from(DAYS_PER_YEAR) + j as f64 + within - phase as f64
    }
}

/// `1 / s` for each day's season `s`.
pub(super) fn reciprocals(seasons: &[f64]) -> Vec<f64> {
    seasons.iter().map(|s| 1.0 / s).collect()
}

/// The seasonal clock at the start of each day of the year and at its end:
/// `clock[d]` is the sum of the seasons of the days before `d`.
pub(super) fn clock(seasons: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    std::iter::once(0.0)
        .chain(seasons.iter().map(|s| {
            acc += s;
            acc
        }))
        .collect()
}

/// The yearly demand cycle, one value per day of the year.
pub(super) fn season_table(config: &crate::config::Config) -> Vec<f64> {
    let st = &config.store;
    let year = f64::from(DAYS_PER_YEAR);
    let key = [st.season_peak_day, st.season_amplitude];
    super::store::tabulated(super::store::Table::Season, &key, || {
        (0..DAYS_PER_YEAR)
            .map(|d| {
                let phase = std::f64::consts::TAU * (f64::from(d) - st.season_peak_day) / year;
                1.0 + st.season_amplitude * libm::cos(phase)
            })
            .collect()
    })
}

impl Store {
    /// Demand multiplier of a day: weekday, season, noise.
    fn demand_multiplier(&mut self, day: u32) -> f64 {
        let st = &self.config.store;
        let profile = &st.weekday_profile;
        let weekday_mean = profile.iter().sum::<f64>() / 7.0;
        let weekday = profile[(day % 7) as usize] / weekday_mean;
        let season = self.season(day);
        let sd = self.config.market.demand_noise * self.config.market.unpredictability;
        let noise = crate::rng::exp(sd * self.arrivals_rng.normal() - 0.5 * sd * sd);
        weekday * season * noise
    }

    /// Mean first visits of the day from the market and from referrals.
    fn first_visit_means(&self, multiplier: f64) -> (f64, f64) {
        let c = &self.config;
        let prospects = (self.potential - f64::from(self.customers.active)).max(0.0);
        let deterrence = crate::rng::exp(-c.customer.deterrence * self.negative_tellings);
        let market = c.market.acquisition_rate * prospects * multiplier * deterrence;
        // A telling recruits only when it reaches a prospect.
        let reach = if self.potential > 0.0 {
            prospects / self.potential
        } else {
            0.0
        };
        let referral = c.customer.referral_conversion * self.positive_tellings * reach;
        (market, referral)
    }

    /// Walk-ins per day of the demand pulse (0 outside it).
    fn pulse_walkins(&mut self, day: u32) -> f64 {
        let m = &self.config.market;
        if m.pulse_weeks == 0 || day < self.epoch {
            return 0.0;
        }
        let week = (day - self.epoch) / 7;
        if week < m.pulse_start_week || week >= m.pulse_start_week + m.pulse_weeks {
            return 0.0;
        }
        // Config validation guarantees four weeks of history.
        let baseline = self.recent_visits.iter().sum::<f64>() / RECENT_DAYS as f64;
        *self
            .pulse_walkins_per_day
            .get_or_insert(m.pulse_size * baseline)
    }

    pub(super) fn arrivals(&mut self, day: u32, out: &mut StoreDay) {
        let weekday = (day % 7) as usize;
        self.todays.clear();
        self.customers.take_visits(day, &mut self.todays);
        if self.intraday[weekday].hours() <= 0.0 {
            // Closed today: booked visits move to tomorrow.
            for k in 0..self.todays.len() {
                self.customers.schedule(self.todays[k], day, 1);
            }
            self.todays.clear();
            return;
        }
        let multiplier = self.demand_multiplier(day);
        let (market_mean, referral_mean) = self.first_visit_means(multiplier);
        let walkin_mean = self.pulse_walkins(day) * multiplier;
        let new_market = self.arrivals_rng.poisson(market_mean);
        let referrals = self.arrivals_rng.poisson(referral_mean);
        let walkins = self.arrivals_rng.poisson(walkin_mean);

        out.arrivals_returning = self.todays.len() as f64;
        let c = &self.config;
        let h0 = c.customer.initial_happiness;
        for (count, origin) in [
            (new_market, Origin::Market),
            (referrals, Origin::Referral),
            (walkins, Origin::WalkIn),
        ] {
            for _ in 0..count {
                let traits = Traits {
                    relationship: origin != Origin::WalkIn
                        && self.arrivals_rng.chance(self.profile.relationship_mix),
                    abusive: self.arrivals_rng.chance(c.customer.abusive_share),
                    opportunist: self.arrivals_rng.chance(c.customer.opportunist_share),
                };
                let slot = self.customers.add(h0, traits, origin);
                self.customers[slot as usize].provocation = c.customer.initial_provocation as f32;
                self.todays.push(slot);
            }
        }
        out.arrivals_market = f64::from(new_market);
        out.arrivals_referral = f64::from(referrals);
        out.arrivals_walkin = f64::from(walkins);
        out.visits = self.todays.len() as f64;
        self.arrival_times(weekday);
    }

    /// Random arrival order, then sorted arrival times: normalised
    /// exponential spacings give sorted uniforms (no sort needed), mapped
    /// through the weekday's intraday shape.
    fn arrival_times(&mut self, weekday: usize) {
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
        for t in &mut self.times {
            *t /= total;
        }
        self.intraday[weekday].map_sorted(&mut self.times);
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::model::{Store, StoreProfile};

    fn store(amplitude: f64) -> Store {
        let mut config = Config::default();
        config.store.season_amplitude = amplitude;
        Store::new(&config, StoreProfile::typical(&config), 1, 0, 0)
    }

    /// The season summed over the days the seasonal clock moves through
    /// (the last one in part) is the seasonal time asked for, from any day
    /// and across year ends.
    #[test]
    fn the_seasonal_clock_inverts_the_summed_season() {
        let store = store(0.4);
        for from in [0, 1, 100, 349, 363, 364, 800] {
            for x in [0.0, 0.3, 1.0, 17.5, 120.0, 364.0, 900.0] {
                let t = store.seasonal_days(from, x);
                assert!(t >= 0.0);
                let whole = t.floor() as u32;
                let summed: f64 = (from..from + whole).map(|d| store.season(d)).sum::<f64>()
                    + (t - f64::from(whole)) * store.season(from + whole);
                assert!((summed - x).abs() < 1e-9, "from {from}, x {x}: {summed}");
            }
        }
    }

    /// Without a season, seasonal time is calendar time.
    #[test]
    fn without_a_season_the_clock_is_the_calendar() {
        let store = store(0.0);
        for (from, x) in [(0, 5.25), (363, 2.0), (1000, 700.0)] {
            assert!((store.seasonal_days(from, x) - x).abs() < 1e-9);
        }
    }
}
