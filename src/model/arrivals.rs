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

    /// The visit clock at the start of `day`: the days of returning demand
    /// that have passed since day 0, each day counted at its season and
    /// weekday weight (`VisitClock`).
    #[inline]
    pub(super) fn clock_at(&self, day: u32) -> f64 {
        let c = &self.visit_clock;
        f64::from(day / DAYS_PER_YEAR) * c.year + c.at[(day % DAYS_PER_YEAR) as usize]
    }

    /// The day in whose stretch of the visit clock `position` falls (a day
    /// with weight 0, a closed day, has no stretch and is never the answer
    /// within a year).
    #[inline]
    pub(super) fn day_at(&self, position: f64) -> f64 {
        let c = &self.visit_clock;
        let mut cycles = floor(position / c.year);
        let mut rest = position - cycles * c.year;
        // Within a rounding step of a year's boundary the division and the
        // subtraction can disagree: keep `rest` in [0, year).
        if rest >= c.year {
            cycles += 1.0;
            rest -= c.year;
        } else if rest < 0.0 {
            cycles -= 1.0;
            rest += c.year;
        }
        // The last day j below 364 with at[j] <= rest, searched from the
        // last day whose clock is at most rest rounded down to a quarter,
        // with a fixed number of steps that add 0 or 1: a binary search
        // over the year would take nine unpredictable branches at every
        // visit, and a walk that stops at the first day past `rest` one
        // unpredictable branch. More steps than needed change nothing:
        // `at` is nondecreasing and at[364] (the year) is above `rest`, so
        // a step past the answer adds 0.
        let quarter =
            ((rest.max(0.0) * VisitClock::STARTS_PER_UNIT) as usize).min(c.start.len() - 1);
        let mut j = usize::from(c.start[quarter]);
        for _ in 0..c.steps {
            j += usize::from(c.at[j + 1] <= rest);
        }
        cycles * f64::from(DAYS_PER_YEAR) + j as f64
    }
}

/// `x.floor()` (but +0 for −0), without the call to libm's `floor` that
/// `f64::floor` compiles to on the baseline x86-64 target, which has no
/// rounding instruction (SSE4.1): that call was 2% of the engine's time, at
/// every booked visit. From 2^52 in size every `f64` is whole, and
/// infinities and NaN are returned as they are.
#[inline]
fn floor(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        let truncated = x as i64 as f64;
        if truncated > x {
            truncated - 1.0
        } else {
            truncated
        }
    } else {
        x
    }
}

/// The clock of returning visits (docs/MODEL.md M5): a day of the year
/// weighs its season times its weekday's share of the open days' demand
/// (7 times the share, 0 on a closed day), so a week at the mean season
/// advances the clock by about 7. A customer's intervals are exponential in
/// this clock, so returning visits come at a rate that follows the season
/// and the weekday profile on the day they fall (a nonhomogeneous Poisson
/// process by time change, Çinlar 1975).
#[derive(Debug, Clone, Default)]
pub(super) struct VisitClock {
    /// The clock at the start of each day of the year and at its end.
    pub at: Vec<f64>,
    /// The clock over a whole year (`at[364]`).
    pub year: f64,
    /// For each k from 0 to the year's clock times `STARTS_PER_UNIT`, the
    /// last day whose clock is at most k / `STARTS_PER_UNIT`: where
    /// `day_at` starts its search.
    pub start: Vec<u16>,
    /// The most steps `day_at` can need from a `start`: the most days
    /// between two consecutive starts (1 when no day is shorter than a
    /// quarter of the clock's unit, the default's least being about 0.7).
    pub steps: usize,
}

impl VisitClock {
    pub(super) fn new(seasons: &[f64], config: &crate::config::Config) -> VisitClock {
        let weekday_weights = weekday_weights(config);
        let days = DAYS_PER_YEAR as usize;
        let mut acc = 0.0;
        let at: Vec<f64> = std::iter::once(0.0)
            .chain((0..days).map(|d| {
                acc += seasons[d] * weekday_weights[d % 7];
                acc
            }))
            .collect();
        let year = at[days];
        let mut j = 0;
        let start: Vec<u16> = (0..=(year * Self::STARTS_PER_UNIT).ceil() as usize)
            .map(|k| {
                // k / 4 is exact, as is rest × 4 in `day_at`.
                while j + 1 < days && at[j + 1] <= k as f64 / Self::STARTS_PER_UNIT {
                    j += 1;
                }
                j as u16
            })
            .collect();
        // From start[k] the answer is at most start[k + 1] (the last day
        // whose clock is at most the next quarter), or day 363 from the last.
        let steps = start
            .iter()
            .zip(
                start
                    .iter()
                    .skip(1)
                    .chain(std::iter::once(&(days as u16 - 1))),
            )
            .map(|(&a, &b)| usize::from(b.saturating_sub(a)))
            .max()
            .unwrap_or(0);
        VisitClock {
            at,
            year,
            start,
            steps,
        }
    }

    /// Starts per unit of the clock: a power of two, so that the starts'
    /// positions and `day_at`'s scaling are exact.
    const STARTS_PER_UNIT: f64 = 4.0;
}

/// Weights of the weekdays for returning visits: 7 times each open day's
/// share of the weekday profile over the open days, 0 on a closed day (a
/// week of them sums to 7).
fn weekday_weights(config: &crate::config::Config) -> [f64; 7] {
    let st = &config.store;
    let weight = |d: usize| {
        if st.opening_hours[d] > 0.0 {
            st.weekday_profile[d]
        } else {
            0.0
        }
    };
    let total: f64 = (0..7).map(weight).sum();
    std::array::from_fn(|d| 7.0 * weight(d) / total)
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
        // Customers whose defection time, drawn at their last visit, falls
        // today leave (M5), open or closed.
        self.todays.clear();
        self.customers.take_leaving(day, &mut self.todays);
        for k in 0..self.todays.len() {
            self.defect(self.todays[k], out);
        }
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

    fn store(amplitude: f64, closed_sunday: bool) -> Store {
        let mut config = Config::default();
        config.store.season_amplitude = amplitude;
        if closed_sunday {
            config.store.opening_hours[6] = 0.0;
            config.policy.extra_staff_by_weekday[6] = 0;
        }
        Store::new(&config, StoreProfile::typical(&config), 1, 0, 0)
    }

    /// The day `day_at` finds holds the position in its stretch of the
    /// clock, from any day and across year ends, and is never a closed day.
    #[test]
    fn the_visit_clock_finds_the_day_of_a_position() {
        for (amplitude, closed) in [(0.4, false), (0.9, true), (0.0, true)] {
            let store = store(amplitude, closed);
            for from in [0, 1, 100, 349, 363, 364, 800] {
                // Positions inside a day's stretch (a position on a boundary
                // may fall either side by rounding).
                for x in [0.3, 1.0, 17.5, 120.0, 364.0, 900.0].map(|x| x + 0.01) {
                    let position = store.clock_at(from) + x;
                    let day = store.day_at(position) as u32;
                    assert!(day >= from, "from {from}, x {x}: day {day}");
                    assert!(store.clock_at(day) <= position);
                    assert!(position < store.clock_at(day + 1), "from {from}, x {x}");
                    if closed {
                        assert_ne!(day % 7, 6, "a visit booked on a closed Sunday");
                    }
                }
            }
        }
    }

    /// The fast floor is `f64::floor` on the values a clock meets and at
    /// the edges of its range.
    #[test]
    fn floor_is_the_floor() {
        let edges = [
            0.0,
            0.5,
            1.0,
            1.5,
            -0.5,
            -1.0,
            -1.5,
            363.999_999_999,
            1e15 + 0.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            -4_503_599_627_370_495.5,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
        ];
        for x in edges
            .into_iter()
            .chain((0..10_000).map(|i| f64::from(i) * 0.173 - 700.0))
        {
            assert_eq!(super::floor(x), x.floor(), "{x}");
        }
        assert!(super::floor(f64::NAN).is_nan());
    }

    /// The step bound covers every day between two starts, also where a
    /// closed day and a deep season make short stretches.
    #[test]
    fn the_clock_walk_never_runs_out_of_steps() {
        for (amplitude, closed) in [(0.15, false), (0.4, false), (0.9, true), (0.0, true)] {
            let store = store(amplitude, closed);
            let c = &store.visit_clock;
            for i in 0..100_000 {
                let rest = c.year * f64::from(i) / 100_000.0;
                let answer = (0..super::DAYS_PER_YEAR as usize)
                    .rev()
                    .find(|&j| c.at[j] <= rest)
                    .unwrap();
                assert_eq!(
                    store.day_at(rest),
                    answer as f64,
                    "amplitude {amplitude}, rest {rest}"
                );
            }
        }
    }

    /// Without a season and with every day weighted alike, the clock is
    /// the calendar.
    #[test]
    fn a_flat_clock_is_the_calendar() {
        let mut config = Config::default();
        config.store.season_amplitude = 0.0;
        config.store.weekday_profile = vec![1.0; 7];
        config.store.opening_hours = vec![8.5; 7];
        let store = Store::new(&config, StoreProfile::typical(&config), 1, 0, 0);
        for (day, x) in [(0, 5.25), (363, 2.0), (1000, 700.5)] {
            let found = store.day_at(store.clock_at(day) + x);
            assert_eq!(found, (f64::from(day) + x).floor());
        }
    }
}
