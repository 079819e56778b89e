//! M1 Store day, staffing: the opening week, its intraday demand shape, and
//! the weekly roster that puts the contracted hours on the floor.
//!
//! Each week the roster is planned for the filled positions: every employee
//! works their contract hours (less annual leave and training,
//! `workforce::weekly_floor_hours`) in as few shifts of at most
//! `workforce.max_shift_hours` as they need, on the days with the most
//! demand per planned hour, at the times of day with the most uncovered
//! demand; opening and closing are covered first, up to
//! `policy.min_floor_staff` on the floor. The plan is deterministic: it
//! depends on the config and on who is employed, never on random draws.

use crate::config::Config;

/// Names of the days, Monday first (day 0 of a simulation is a Monday).
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Planning grid: half hours.
const SLOT_HOURS: f64 = 0.5;
/// Weight that makes a slot below the minimum staffing win over demand.
const UNDERSTAFFED: f64 = 1.0e6;

/// One day's planned shift, in hours since opening; `start == end` is a day
/// off.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Shift {
    pub start: f64,
    pub end: f64,
}

impl Shift {
    pub const OFF: Shift = Shift {
        start: 0.0,
        end: 0.0,
    };

    pub fn hours(&self) -> f64 {
        self.end - self.start
    }
}

/// Arrival intensity over one open day: piecewise constant per clock hour,
/// as cumulative shares, so a uniform draw maps to an arrival time.
#[derive(Debug, Clone, PartialEq)]
pub struct Intraday {
    /// Segment starts in hours since opening, with the day's length last.
    breaks: Vec<f64>,
    /// Cumulative share of the day's arrivals at each break.
    cumulative: Vec<f64>,
}

/// Arrival mass of the hourly profile over `[from, from + hours)` (clock
/// hours), in profile-hours.
pub fn intraday_mass(profile: &[f64], from: f64, hours: f64) -> f64 {
    let mut mass = 0.0;
    let mut t = from;
    let end = from + hours;
    while t < end - 1e-12 {
        let hour = (t.floor() as usize).min(23);
        let next = (t.floor() + 1.0).min(end);
        mass += profile[hour] * (next - t);
        t = next;
    }
    mass
}

impl Intraday {
    /// The shape of a day opening at clock time `from` for `hours`.
    pub fn new(profile: &[f64], from: f64, hours: f64) -> Intraday {
        let mut breaks = vec![0.0];
        let mut weights = Vec::new();
        let mut t = from;
        let end = from + hours;
        while t < end - 1e-12 {
            let hour = (t.floor() as usize).min(23);
            let next = (t.floor() + 1.0).min(end);
            weights.push(profile[hour] * (next - t));
            breaks.push(next - from);
            t = next;
        }
        let total: f64 = weights.iter().sum();
        let mut cumulative = vec![0.0];
        let mut acc = 0.0;
        for w in weights {
            acc += if total > 0.0 { w / total } else { 0.0 };
            cumulative.push(acc);
        }
        Intraday { breaks, cumulative }
    }

    /// Length of the day in hours.
    pub fn hours(&self) -> f64 {
        *self.breaks.last().unwrap_or(&0.0)
    }

    /// Maps sorted uniforms in [0, 1) to sorted arrival times (hours since
    /// opening), in place: the inverse of the cumulative intensity.
    pub fn map_sorted(&self, uniforms: &mut [f64]) {
        let mut seg = 0;
        let last = self.cumulative.len() - 1;
        for u in uniforms {
            while seg + 1 < last && *u >= self.cumulative[seg + 1] {
                seg += 1;
            }
            let (c0, c1) = (self.cumulative[seg], self.cumulative[seg + 1]);
            let (t0, t1) = (self.breaks[seg], self.breaks[seg + 1]);
            let frac = if c1 > c0 { (*u - c0) / (c1 - c0) } else { 0.0 };
            *u = t0 + frac.clamp(0.0, 1.0) * (t1 - t0);
        }
    }

    /// Share of the day's arrivals in `[a, b)` hours since opening.
    fn share(&self, a: f64, b: f64) -> f64 {
        let at = |t: f64| {
            let t = t.clamp(0.0, self.hours());
            let seg = self
                .breaks
                .windows(2)
                .position(|w| t < w[1])
                .unwrap_or(self.breaks.len().saturating_sub(2));
            let (t0, t1) = (self.breaks[seg], self.breaks[seg + 1]);
            let (c0, c1) = (self.cumulative[seg], self.cumulative[seg + 1]);
            if t1 > t0 {
                c0 + (t - t0) / (t1 - t0) * (c1 - c0)
            } else {
                c0
            }
        };
        at(b) - at(a)
    }
}

/// The week's plan: for each position, a shift per weekday.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Roster {
    pub shifts: Vec<[Shift; 7]>,
}

/// What the planner needs to know of each position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Planned {
    /// Floor hours to plan this week (0 for vacant or closed positions).
    pub floor_hours: f64,
    /// The one weekday a day-only position works; `None`: any day.
    pub only_on: Option<usize>,
}

impl Roster {
    /// Plans a week for the positions (in slot order; full-time contracts
    /// are placed first so the long shifts anchor the day, and day-only
    /// positions last, on their day, so the regular plan is the same with
    /// or without them).
    pub fn plan(config: &Config, shapes: &[Intraday; 7], positions: &[Planned]) -> Roster {
        let st = &config.store;
        let max_shift = config.workforce.max_shift_hours;
        let weekday_mean = st.weekday_profile.iter().sum::<f64>() / 7.0;
        let slots: [usize; 7] =
            std::array::from_fn(|d| (shapes[d].hours() / SLOT_HOURS - 1e-9).ceil() as usize);
        // Expected share of a week's demand in each half hour.
        let demand: Vec<Vec<f64>> = (0..7)
            .map(|d| {
                let day = st.weekday_profile[d] / weekday_mean;
                (0..slots[d])
                    .map(|k| {
                        let a = k as f64 * SLOT_HOURS;
                        day * shapes[d].share(a, a + SLOT_HOURS)
                    })
                    .collect()
            })
            .collect();
        let day_demand: [f64; 7] = std::array::from_fn(|d| demand[d].iter().sum());
        let mut cover: Vec<Vec<u32>> = slots.iter().map(|&n| vec![0; n]).collect();
        let mut planned_hours = [0.0; 7];
        let open_days: Vec<usize> = (0..7).filter(|&d| slots[d] > 0).collect();

        let mut order: Vec<usize> = (0..positions.len())
            .filter(|&i| positions[i].floor_hours > 0.0)
            .collect();
        // Regular positions first, longest contracts first; ties in slot
        // order (stable sort).
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&positions[a], &positions[b]);
            pa.only_on.is_some().cmp(&pb.only_on.is_some()).then(
                pb.floor_hours
                    .partial_cmp(&pa.floor_hours)
                    .unwrap_or(std::cmp::Ordering::Equal),
            )
        });
        let mut shifts = vec![[Shift::OFF; 7]; positions.len()];
        for i in order {
            let hours = positions[i].floor_hours;
            if let Some(d) = positions[i].only_on {
                // One shift on its day (validation keeps the day open).
                if slots[d] > 0 {
                    let shift = place(
                        &demand[d],
                        &mut cover[d],
                        hours,
                        config.policy.min_floor_staff,
                    );
                    planned_hours[d] += shift.hours();
                    shifts[i][d] = shift;
                }
                continue;
            }
            let n_days = ((hours / max_shift).ceil() as usize).clamp(1, open_days.len().max(1));
            let length = hours / n_days as f64;
            let mut chosen = [false; 7];
            for _ in 0..n_days {
                let Some(d) = open_days
                    .iter()
                    .copied()
                    .filter(|&d| !chosen[d])
                    .max_by(|&a, &b| {
                        let score = |d: usize| {
                            day_demand[d] / (1.0 + planned_hours[d] / shapes[d].hours())
                                + if cover[d].iter().any(|&c| c < config.policy.min_floor_staff) {
                                    UNDERSTAFFED
                                } else {
                                    0.0
                                }
                        };
                        // max_by keeps the last maximum: compare reversed
                        // indices so ties go to the earlier day.
                        score(a)
                            .partial_cmp(&score(b))
                            .unwrap_or(std::cmp::Ordering::Equal)
                            .then(b.cmp(&a))
                    })
                else {
                    break;
                };
                chosen[d] = true;
                let shift = place(
                    &demand[d],
                    &mut cover[d],
                    length,
                    config.policy.min_floor_staff,
                );
                planned_hours[d] += shift.hours();
                shifts[i][d] = shift;
            }
        }
        Roster { shifts }
    }
}

/// Places one shift of `length` hours in a day: at the start with the most
/// weight, where a slot below the minimum staffing outweighs any demand and
/// demand counts less the more staff already cover it.
fn place(demand: &[f64], cover: &mut [u32], length: f64, min_staff: u32) -> Shift {
    let n = demand.len();
    let day = n as f64 * SLOT_HOURS;
    // Shifts are planned in whole half hours (the part of an hour a shift
    // cannot use is paid time off the floor: stock, tills, admin).
    let width = ((length / SLOT_HOURS).round() as usize).clamp(1, n);
    let weight = |k: usize| {
        let c = f64::from(cover[k]);
        if cover[k] < min_staff {
            UNDERSTAFFED + demand[k]
        } else {
            demand[k] / ((1.0 + c) * (1.0 + c))
        }
    };
    let mut best = 0;
    let mut best_score = f64::NEG_INFINITY;
    for s in 0..=(n - width) {
        let score: f64 = (s..s + width).map(weight).sum();
        if score > best_score {
            best_score = score;
            best = s;
        }
    }
    for c in &mut cover[best..best + width] {
        *c += 1;
    }
    Shift {
        start: best as f64 * SLOT_HOURS,
        // A day whose length is not whole half hours ends mid-slot.
        end: ((best + width) as f64 * SLOT_HOURS).min(day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(config: &Config) -> [Intraday; 7] {
        let st = &config.store;
        std::array::from_fn(|d| {
            Intraday::new(&st.hourly_profile, st.opening_time[d], st.opening_hours[d])
        })
    }

    #[test]
    fn arrival_times_follow_the_profile_and_stay_sorted() {
        let c = Config::default();
        let shape = &shapes(&c)[0];
        let mut u: Vec<f64> = (0..1000).map(|k| (k as f64 + 0.5) / 1000.0).collect();
        shape.map_sorted(&mut u);
        assert!(u.windows(2).all(|w| w[0] <= w[1]));
        assert!(u[0] >= 0.0 && *u.last().unwrap() <= 8.5);
        // 12:00-14:00 (2.5 to 4.5 hours after 9:30) is the lunch peak: more
        // arrivals per hour than the first hour after opening.
        let lunch = u.iter().filter(|t| (2.5..4.5).contains(*t)).count() as f64 / 2.0;
        let morning = u.iter().filter(|t| (0.0..1.0).contains(*t)).count() as f64;
        assert!(
            lunch > 1.5 * morning,
            "lunch {lunch}/h vs morning {morning}/h"
        );
    }

    #[test]
    fn a_day_only_position_works_its_day_and_leaves_the_rest_as_planned() {
        let c = Config::default();
        let sh = shapes(&c);
        let regular: Vec<Planned> = [38.0, 38.0, 38.0, 20.0, 20.0, 20.0, 20.0, 20.0]
            .iter()
            .map(|&h| Planned {
                floor_hours: h,
                only_on: None,
            })
            .collect();
        let mut with = regular.clone();
        // Listed first, still planned last.
        with.insert(
            0,
            Planned {
                floor_hours: 7.5,
                only_on: Some(5),
            },
        );
        let without = Roster::plan(&c, &sh, &regular);
        let plan = Roster::plan(&c, &sh, &with);
        assert_eq!(plan.shifts[1..], without.shifts[..]);
        let saturday = plan.shifts[0];
        for (d, shift) in saturday.iter().enumerate() {
            let expected = if d == 5 { 7.5 } else { 0.0 };
            assert!((shift.hours() - expected).abs() < 1e-9, "{d}: {shift:?}");
        }
        // At the busiest hours: the shift covers the lunch peak.
        assert!(
            saturday[5].start <= 2.5 && saturday[5].end >= 4.5,
            "{saturday:?}"
        );
    }

    #[test]
    fn roster_plans_contract_hours_and_covers_every_open_hour() {
        let c = Config::default();
        let sh = shapes(&c);
        let positions: Vec<Planned> = [38.0, 38.0, 38.0, 20.0, 20.0, 20.0, 20.0, 20.0]
            .iter()
            .map(|&h| Planned {
                floor_hours: h,
                only_on: None,
            })
            .collect();
        let roster = Roster::plan(&c, &sh, &positions);
        for (i, week) in roster.shifts.iter().enumerate() {
            let planned: f64 = week.iter().map(Shift::hours).sum();
            let longest = week.iter().map(Shift::hours).fold(0.0, f64::max);
            assert!(longest <= 8.0 + 1e-9);
            // Every hour is planned, to the half hour, unless a short day
            // cuts a shift.
            assert!(planned <= positions[i].floor_hours + 1.0, "{i}: {planned}");
            assert!(planned >= positions[i].floor_hours - 5.0, "{i}: {planned}");
        }
        for d in 0..7 {
            let hours = c.store.opening_hours[d];
            let mut t = 0.25;
            while t < hours {
                let on = roster
                    .shifts
                    .iter()
                    .filter(|w| w[d].start <= t && t < w[d].end)
                    .count();
                assert!(on >= 2, "{} at {t}: {on} on the floor", WEEKDAYS[d]);
                t += 0.5;
            }
        }
    }
}
