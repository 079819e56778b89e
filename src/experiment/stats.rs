//! Summary statistics across replications: mean, standard deviation and a
//! 95% confidence interval of the mean (Student's t).
//!
//! **Invariant:** values are always reduced sequentially in replication
//! order, so a summary is bit-identical whatever the thread count.

use serde::Serialize;

/// Mean, spread and 95% CI of one quantity across replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stats {
    /// Number of values (replications).
    pub n: usize,
    /// Their mean (NaN when there are none).
    pub mean: f64,
    /// Their sample standard deviation (0 for one value).
    pub sd: f64,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: f64,
}

impl Stats {
    /// Summarises values in the order given (two-pass, for accuracy).
    pub fn of(values: &[f64]) -> Stats {
        let n = values.len();
        if n == 0 {
            return Stats {
                n,
                mean: f64::NAN,
                sd: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        Stats::with_spread(n, mean, sd)
    }

    /// The summary of `n > 0` values with the given mean and sd.
    fn with_spread(n: usize, mean: f64, sd: f64) -> Stats {
        let half = if n > 1 {
            t_975(n - 1) * sd / (n as f64).sqrt()
        } else {
            0.0
        };
        Stats {
            n,
            mean,
            sd,
            ci_low: mean - half,
            ci_high: mean + half,
        }
    }

    /// The ratio of the means of paired values, `mean(num) / mean(den)`,
    /// with the 95% CI of the linearised (delta-method) ratio estimator:
    /// the residuals `(num - R den) / mean(den)` carry its sampling error.
    /// Unlike the mean of per-replication ratios, it stays well defined
    /// when one replication's denominator comes near zero.
    pub fn ratio_of_means(num: &[f64], den: &[f64]) -> Stats {
        assert_eq!(num.len(), den.len(), "paired values");
        let (n, d) = (Stats::of(num).mean, Stats::of(den).mean);
        let ratio = n / d;
        let residuals: Vec<f64> = num
            .iter()
            .zip(den)
            .map(|(x, y)| ratio + (x - ratio * y) / d)
            .collect();
        let spread = Stats::of(&residuals);
        Stats {
            mean: ratio,
            ..spread
        }
    }

    /// The same summary in other units: every value times `factor` (> 0),
    /// e.g. a total over years as a figure per year.
    pub fn scaled(self, factor: f64) -> Stats {
        Stats {
            mean: self.mean * factor,
            sd: self.sd * factor,
            ci_low: self.ci_low * factor,
            ci_high: self.ci_high * factor,
            ..self
        }
    }

    /// Half-width of the confidence interval.
    pub fn half_width(&self) -> f64 {
        (self.ci_high - self.ci_low) / 2.0
    }
}

/// A summary built one value at a time, in the order given (Welford's
/// update, as accurate as two passes), for series too long to keep.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Running {
    n: usize,
    mean: f64,
    /// Sum of squared deviations from the running mean.
    m2: f64,
}

impl Running {
    pub(crate) fn push(&mut self, value: f64) {
        self.n += 1;
        let delta = value - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (value - self.mean);
    }

    pub(crate) fn stats(&self) -> Stats {
        match self.n {
            0 => Stats::of(&[]),
            1 => Stats::with_spread(1, self.mean, 0.0),
            n => Stats::with_spread(n, self.mean, (self.m2 / (n - 1) as f64).sqrt()),
        }
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            // Cornish-Fisher expansion around the normal quantile; within
            // 1e-3 of the exact value for df > 30.
            let z = 1.959_963_984_540_054;
            let d = df as f64;
            z + (z * z * z + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// The upper tail `P(T > t)` of Student's t with `df` degrees of freedom,
/// through the regularised incomplete beta function
/// (`P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2)`).
pub fn t_sf(t: f64, df: f64) -> f64 {
    if t.is_nan() {
        return f64::NAN;
    }
    let x = df / (df + t * t);
    let tail = 0.5 * incomplete_beta(x, df / 2.0, 0.5);
    if t >= 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

/// The `t` with `P(T > t) = p` (0 < p < 1/2), by bisection on [`t_sf`].
pub fn t_upper_quantile(p: f64, df: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 1.0);
    while t_sf(hi, df) > p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_sf(mid, df) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// `P(X >= k)` for `X ~ Binomial(n, p)`: `I_p(k, n - k + 1)`.
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        1.0
    } else if k > n {
        0.0
    } else {
        incomplete_beta(p, k as f64, (n - k + 1) as f64)
    }
}

/// The regularised incomplete beta function `I_x(a, b)` (continued
/// fraction, modified Lentz; Press et al., Numerical Recipes, 6.4).
pub fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front =
        libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The fraction converges fast for x < (a + 1) / (a + b + 2); use the
    // symmetry I_x(a, b) = 1 - I_{1-x}(b, a) otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let s = Stats::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - 1.290_994_448_735_805_6).abs() < 1e-12);
        assert!((s.half_width() - 3.182 * s.sd / 2.0).abs() < 1e-12);
    }

    #[test]
    fn ratio_of_means_is_the_ratio_of_the_means_with_a_paired_interval() {
        // Exactly proportional pairs: the ratio has no sampling error.
        let exact = Stats::ratio_of_means(&[2.0, 4.0, 6.0], &[1.0, 2.0, 3.0]);
        assert_eq!((exact.mean, exact.half_width()), (2.0, 0.0));
        // A denominator near zero in one pair ruins the mean of ratios
        // (here about 333) but not the ratio of means (7 / 6).
        let (num, den) = ([1.0, 1.0, 5.0], [0.003, 2.997, 3.0]);
        let r = Stats::ratio_of_means(&num, &den);
        assert!((r.mean - 7.0 / 6.0).abs() < 1e-12);
        // Linearised residuals: R + (x - R y) / mean(y), by hand.
        let residuals: Vec<f64> = num
            .iter()
            .zip(den)
            .map(|(x, y)| r.mean + (x - r.mean * y) / 2.0)
            .collect();
        assert!((r.sd - Stats::of(&residuals).sd).abs() < 1e-12);
    }

    #[test]
    fn running_summary_equals_two_passes() {
        let values = [3.5, -1.25, 1e6, 7.0, 0.1, 42.0];
        let mut running = Running::default();
        for v in values {
            running.push(v);
        }
        let (a, b) = (running.stats(), Stats::of(&values));
        assert_eq!(a.n, b.n);
        for (x, y) in [(a.mean, b.mean), (a.sd, b.sd), (a.ci_low, b.ci_low)] {
            assert!((x - y).abs() <= 1e-12 * y.abs(), "{x} {y}");
        }
        let mut one = Running::default();
        one.push(2.0);
        assert_eq!(one.stats(), Stats::of(&[2.0]));
        assert!(Running::default().stats().mean.is_nan());
    }

    #[test]
    fn t_tails_match_the_closed_forms() {
        // df = 1 is Cauchy: P(T > t) = 1/2 - atan(t)/pi; df = 2:
        // P(T > t) = 1/2 - t / (2 sqrt(2 + t^2)).
        for t in [-3.0, -0.5, 0.0, 0.3, 1.0, 4.0, 30.0] {
            let cauchy = 0.5 - f64::atan(t) / std::f64::consts::PI;
            assert!((t_sf(t, 1.0) - cauchy).abs() < 1e-12, "{t}");
            let two = 0.5 - t / (2.0 * (2.0 + t * t).sqrt());
            assert!((t_sf(t, 2.0) - two).abs() < 1e-12, "{t}");
        }
        // Binomial tails: P(X >= 1) = 1 - (1 - p)^n, P(X >= n) = p^n.
        assert!((binomial_upper_tail(1, 10, 0.3) - (1.0 - 0.7f64.powi(10))).abs() < 1e-12);
        assert!((binomial_upper_tail(10, 10, 0.3) - 0.3f64.powi(10)).abs() < 1e-12);
        // And the quantile inverts it.
        let q = t_upper_quantile(0.025, 2.0);
        assert!((t_sf(q, 2.0) - 0.025).abs() < 1e-12);
    }

    #[test]
    fn t_quantile_is_continuous_at_the_table_edge() {
        assert!((t_975(31) - 2.040).abs() < 2e-3);
        assert!((t_975(120) - 1.980).abs() < 2e-3);
    }
}
