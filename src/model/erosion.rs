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
//! This is their core exactly (one-week Euler step); how the store's orders
//! and capacity feed it is the store's business (`store.rs`).

/// The service standard and the last week's actual time per order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceStandard {
    /// T*: hours per order the store considers normal.
    pub standard: f64,
    /// T: hours per order actually given in the last week.
    pub actual: f64,
    /// p: last week's work pressure.
    pub pressure: f64,
    alpha: f64,
    tau_down: f64,
    tau_up: f64,
    min_time: f64,
}

/// Parameters of [`ServiceStandard`], in the units of the paper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErosionParams {
    pub initial_standard: f64,
    pub alpha: f64,
    pub tau_down_weeks: f64,
    pub tau_up_weeks: f64,
    pub min_time: f64,
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
        let pressured = if self.pressure.is_finite() && self.pressure > 0.0 {
            self.standard * libm::pow(self.pressure, self.alpha)
        } else if self.pressure == 0.0 {
            // No demand at all: nothing pushes time per order either way.
            self.standard
        } else {
            self.min_time
        };
        self.actual = pressured.max(self.min_time);
        let tau = if self.actual < self.standard {
            self.tau_down
        } else {
            self.tau_up
        };
        self.standard += (self.actual - self.standard) / tau;
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
}
