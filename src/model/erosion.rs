//! Work pressure and the erosion of the service standard (Oliva & Sterman
//! 2001, "Cutting Corners and Working Overtime", Management Science 47(7)).
//!
//! Weekly, with orders `n`, effective capacity `C` (hours) and standard `T*`
//! (hours per order):
//!
//! ```text
//! C* = n T*                      required capacity
//! p  = C* / C                    work pressure
//! T  = max(T* p^alpha, T_min)    actual time per order
//! T* <- T* + (T - T*) / tau      tau = tau_down if T < T*, tau_up otherwise
//! ```
//!
//! This is their core exactly. The last line is one Euler step of the
//! first-order adjustment dT*/dt = (T - T*)/tau under `erosion.step =
//! "euler"` (the default), or its exact one-week solution T* <- T* + (T -
//! T*)(1 - exp(-1/tau)) under `"exponential"`, the step of the published
//! re-estimation code (Struben, Sterman & Keith 2014). How the store's
//! orders and capacity feed it is the store's business (`store.rs`).

use crate::config::ErosionStep;

/// The service standard and the last week's actual time per order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceStandard {
    /// T*: hours per order the store considers normal.
    pub standard: f64,
    /// T: hours per order under the last week's pressure, which the
    /// standard follows (the time given on a day follows that day's own
    /// pressure: `time_under`, M8).
    pub actual: f64,
    /// p: last week's work pressure.
    pub pressure: f64,
    alpha: f64,
    tau_down: f64,
    tau_up: f64,
    min_time: f64,
    step: ErosionStep,
}

/// Parameters of [`ServiceStandard`], in the units of the paper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErosionParams {
    pub initial_standard: f64,
    pub alpha: f64,
    pub tau_down_weeks: f64,
    pub tau_up_weeks: f64,
    pub min_time: f64,
    pub step: ErosionStep,
}

impl ServiceStandard {
    pub fn new(p: ErosionParams) -> ServiceStandard {
        ServiceStandard {
            standard: p.initial_standard,
            actual: p.initial_standard,
            pressure: 1.0,
            alpha: p.alpha,
            tau_down: p.tau_down_weeks,
            tau_up: p.tau_up_weeks,
            min_time: p.min_time,
            step: p.step,
        }
    }

    /// New parameters for a running standard: the state (T*, T, p) is kept
    /// and `initial_standard` is ignored.
    pub fn set_params(&mut self, p: ErosionParams) {
        self.alpha = p.alpha;
        self.tau_down = p.tau_down_weeks;
        self.tau_up = p.tau_up_weeks;
        self.min_time = p.min_time;
        self.step = p.step;
    }

    /// Time per order under the pressure of `required` hours against
    /// `capacity` hours, at standard `standard` (T = T* p^alpha, at least
    /// the minimum); the standard itself where there was no demand.
    pub fn time_under(&self, required: f64, capacity: f64, standard: f64) -> f64 {
        if capacity > 0.0 && required > 0.0 {
            (standard * libm::pow(required / capacity, self.alpha)).max(self.min_time)
        } else if required > 0.0 {
            self.min_time
        } else {
            standard
        }
    }

    /// One week: `orders` demanded, `capacity` effective hours available.
    pub fn weekly_update(&mut self, orders: f64, capacity: f64) {
        let required = orders * self.standard;
        self.pressure = if capacity > 0.0 {
            required / capacity
        } else if required > 0.0 {
            f64::INFINITY
        } else {
            1.0
        };
        // The same law as a day's time (`time_under`). With no demand at
        // all nothing pushes time per order either way; the standard never
        // falls below the minimum (config validation and the step towards
        // T >= T_min keep it there), so it needs no floor then.
        self.actual = self.time_under(required, capacity, self.standard);
        let tau = if self.actual < self.standard {
            self.tau_down
        } else {
            self.tau_up
        };
        let share = match self.step {
            ErosionStep::Euler => 1.0 / tau,
            ErosionStep::Exponential => -libm::expm1(-1.0 / tau),
        };
        self.standard += (self.actual - self.standard) * share;
    }
}

impl ErosionParams {
    /// The parameters of a config's `[erosion]` section.
    pub fn of(config: &crate::config::Config) -> ErosionParams {
        let e = &config.erosion;
        ErosionParams {
            initial_standard: e.standard_hours,
            alpha: e.alpha,
            tau_down_weeks: e.tau_down_weeks,
            tau_up_weeks: e.tau_up_weeks,
            min_time: e.min_hours,
            step: e.step,
        }
    }
}

/// The mean time of the market's mix of needs relative to a routine one,
/// at the standard: capacity in hours divided by it is capacity in
/// standard orders.
pub(super) fn need_mix(config: &crate::config::Config) -> f64 {
    let nr = config.market.nonroutine_share;
    1.0 - nr + nr * config.service.nonroutine_time_factor
}

impl super::Store {
    /// Oliva & Sterman, weekly. Orders are the week's visits; capacity is
    /// the floor hours on duty times the productive share, in standard
    /// orders: divided by the time the market's mix of needs takes at the
    /// standard. Policy choices that take extra time per customer (latitude,
    /// the customer-centric approach) are not part of the standard: their
    /// time shows up as queues, balking, overtime and utilisation instead.
    pub(super) fn end_of_week(&mut self) {
        let need_mix = need_mix(&self.config);
        self.last_week = super::WeekLoad {
            orders: self.week_orders,
            capacity: self.week_capacity / need_mix,
        };
        self.standard
            .weekly_update(self.last_week.orders, self.last_week.capacity);
        self.week_orders = 0.0;
        self.week_capacity = 0.0;
        self.review_staffing();
    }

    /// The orders and capacity (in standard orders) that fed the last
    /// weekly update of the service standard.
    pub fn last_week_load(&self) -> super::WeekLoad {
        self.last_week
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oliva_sterman() -> ErosionParams {
        ErosionParams {
            initial_standard: 1.08,
            alpha: -0.64,
            tau_down_weeks: 18.8,
            tau_up_weeks: 8.14e6,
            min_time: 0.1,
            step: ErosionStep::Euler,
        }
    }

    #[test]
    fn balanced_load_keeps_the_standard() {
        let mut s = ServiceStandard::new(oliva_sterman());
        for _ in 0..50 {
            s.weekly_update(100.0, 108.0);
        }
        assert!((s.standard - 1.08).abs() < 1e-12);
    }

    #[test]
    fn a_pulse_ratchets_the_standard_down() {
        let mut s = ServiceStandard::new(oliva_sterman());
        s.weekly_update(120.0, 108.0);
        assert!((s.actual / 1.08 - 1.2f64.powf(-0.64)).abs() < 1e-12);
        for _ in 1..26 {
            s.weekly_update(120.0, 108.0);
        }
        for _ in 0..200 {
            s.weekly_update(100.0, 108.0);
        }
        assert!(s.standard < 1.0, "{}", s.standard);
    }

    #[test]
    fn the_exponential_step_is_the_exact_one_week_solution() {
        let mut p = oliva_sterman();
        p.step = ErosionStep::Exponential;
        let mut s = ServiceStandard::new(p);
        s.weekly_update(120.0, 108.0);
        let t = 1.08 * 1.2f64.powf(-0.64);
        let expected = t + (1.08 - t) * (-1.0f64 / 18.8).exp();
        assert!((s.standard - expected).abs() < 1e-12);
    }
}
