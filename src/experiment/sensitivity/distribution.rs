//! Distributions of a study's uncertain parameters, sampled by inverse
//! CDF from the unit-cube design: a sample's quantile `u` (from the Sobol'
//! sequence or the Morris grid) becomes `F^-1(u)`, so the designs keep
//! their structure (Saltelli's matrices, Morris's one-at-a-time steps) and
//! only the spacing of the values changes.
//!
//! Every distribution is truncated to the parameter's `from`-`to` range
//! (a uniform one is that range), so every sampled value is one the
//! config accepts, and the ranges PRIM and the plots use stay those of the
//! file.
//!
//! The normal quantile function is Wichura's (1988) algorithm AS 241
//! (PPND16, about 16 digits), written out because no dependency of the
//! crate has one; the normal CDF is `erfc` from libm.

/// A parameter's distribution on its `[from, to]` range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    Uniform,
    /// Normal with `mean` and `sd`, truncated to the range.
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Triangular with its peak at `mode` (inside the range).
    Triangular {
        mode: f64,
    },
    /// Log-normal: `ln x` normal with mean `ln median` and sd `sigma`,
    /// truncated to the range.
    LogNormal {
        median: f64,
        sigma: f64,
    },
}

/// The standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

fn poly(c: &[f64; 8], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
}

/// The standard normal quantile (AS 241, PPND16); -inf at 0, +inf at 1.
/// The coefficients are as published (more digits than an f64 holds).
#[allow(clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        133.141_667_891_784_377_45,
        1_971.590_950_306_551_442_7,
        13_731.693_765_509_461_125,
        45_921.953_931_549_871_457,
        67_265.770_927_008_700_853,
        33_430.575_583_588_128_105,
        2_509.080_928_730_122_672_7,
    ];
    const B: [f64; 8] = [
        1.0,
        42.313_330_701_600_911_252,
        687.187_007_492_057_908_3,
        5_394.196_021_424_751_107_7,
        21_213.794_301_586_595_867,
        39_307.895_800_092_710_61,
        28_729.085_735_721_942_674,
        5_226.495_278_852_854_561,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_9,
        5.769_497_221_460_691_405_5,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        0.241_780_725_177_450_611_77,
        0.022_723_844_989_269_184_583_3,
        7.745_450_142_783_414_076_4e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_4,
        0.689_767_334_985_100_004_55,
        0.148_103_976_427_480_074_59,
        0.015_198_666_563_616_457_196_6,
        5.475_938_084_995_344_946e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_2,
        5.463_784_911_164_114_369_9,
        1.784_826_539_917_291_335_8,
        0.296_560_571_828_504_891_23,
        0.026_532_189_526_576_123_093,
        0.001_242_660_947_388_078_438_6,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        0.599_832_206_555_887_937_69,
        0.136_929_880_922_735_805_31,
        0.014_875_361_290_850_614_852_5,
        7.868_691_311_456_132_591e-4,
        1.846_318_317_510_054_681_8e-5,
        1.421_511_758_316_445_888_7e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
}

impl Distribution {
    /// Its name as a study file writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Distribution::Uniform => "uniform",
            Distribution::Normal { .. } => "normal",
            Distribution::Triangular { .. } => "triangular",
            Distribution::LogNormal { .. } => "lognormal",
        }
    }

    /// The value at quantile `u` (0 to 1) of the distribution truncated to
    /// `[lo, hi]`; always inside `[lo, hi]`, and its ends at 0 and 1.
    pub fn quantile(&self, u: f64, lo: f64, hi: f64) -> f64 {
        // The range ends exactly (Morris levels 0 and 1 are the ends).
        if u <= 0.0 {
            return lo;
        }
        if u >= 1.0 {
            return hi;
        }
        let x = match *self {
            Distribution::Uniform => lo + (hi - lo) * u,
            Distribution::Normal { mean, sd } => {
                let (a, b) = (normal_cdf((lo - mean) / sd), normal_cdf((hi - mean) / sd));
                mean + sd * normal_quantile(a + u * (b - a))
            }
            Distribution::Triangular { mode } => {
                let c = (mode - lo) / (hi - lo);
                if u < c {
                    lo + (u * (hi - lo) * (mode - lo)).sqrt()
                } else {
                    hi - ((1.0 - u) * (hi - lo) * (hi - mode)).sqrt()
                }
            }
            Distribution::LogNormal { median, sigma } => {
                let z = |x: f64| {
                    if x <= 0.0 {
                        0.0
                    } else {
                        normal_cdf((x.ln() - median.ln()) / sigma)
                    }
                };
                let (a, b) = (z(lo), z(hi));
                (median.ln() + sigma * normal_quantile(a + u * (b - a))).exp()
            }
        };
        if x.is_nan() {
            lo
        } else {
            x.clamp(lo, hi)
        }
    }

    /// Why this distribution does not fit `[lo, hi]`, if it does not.
    pub fn check(&self, lo: f64, hi: f64) -> Result<(), String> {
        let finite_positive = |v: f64| v.is_finite() && v > 0.0;
        match *self {
            Distribution::Uniform => Ok(()),
            Distribution::Normal { mean, sd } => {
                if !mean.is_finite() {
                    Err(format!("`mean` must be a number, found {mean}"))
                } else if !finite_positive(sd) {
                    Err(format!("`sd` must be a number above 0, found {sd}"))
                } else if normal_cdf((hi - mean) / sd) - normal_cdf((lo - mean) / sd) < 1e-9 {
                    Err(format!(
                        "the normal (mean {mean}, sd {sd}) has almost no mass in the range {lo} to {hi}; move `mean` into the range or widen `sd`"
                    ))
                } else {
                    Ok(())
                }
            }
            Distribution::Triangular { mode } => {
                if mode.is_finite() && (lo..=hi).contains(&mode) {
                    Ok(())
                } else {
                    Err(format!(
                        "`mode` must lie in the range {lo} to {hi}, found {mode}"
                    ))
                }
            }
            Distribution::LogNormal { median, sigma } => {
                if !finite_positive(median) {
                    Err(format!("`median` must be a number above 0, found {median}"))
                } else if !finite_positive(sigma) {
                    Err(format!("`sigma` must be a number above 0, found {sigma}"))
                } else if hi <= 0.0 {
                    Err(format!(
                        "a log-normal takes positive values only; the range {lo} to {hi} has none"
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quantiles of the midpoints of n strata: the sample a design gives.
    fn sample(d: Distribution, lo: f64, hi: f64, n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| d.quantile((i as f64 + 0.5) / n as f64, lo, hi))
            .collect()
    }

    fn moments(x: &[f64]) -> (f64, f64) {
        let n = x.len() as f64;
        let m = x.iter().sum::<f64>() / n;
        (
            m,
            (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n).sqrt(),
        )
    }

    #[test]
    fn the_normal_quantile_inverts_the_cdf() {
        for p in [1e-12, 1e-6, 0.01, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999_999] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) - p).abs() < 1e-14 * p.max(1e-2), "{p}: {x}");
        }
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-13);
        assert_eq!(normal_quantile(0.5), 0.0);
    }

    #[test]
    fn samples_have_the_distributions_moments() {
        // A normal truncated at +-6 sd is the normal, to the digits tested.
        let x = sample(
            Distribution::Normal { mean: 2.0, sd: 0.5 },
            -1.0,
            5.0,
            20_000,
        );
        let (m, s) = moments(&x);
        assert!((m - 2.0).abs() < 1e-3 && (s - 0.5).abs() < 1e-3, "{m} {s}");
        // Truncated at the mean: the half-normal's mean sd*sqrt(2/pi).
        let x = sample(
            Distribution::Normal { mean: 0.0, sd: 1.0 },
            0.0,
            10.0,
            20_000,
        );
        let (m, _) = moments(&x);
        assert!(
            (m - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-3,
            "{m}"
        );
        // Triangular(0, 1, mode 0.25): mean (a+b+c)/3, variance
        // (a²+b²+c²-ab-ac-bc)/18.
        let x = sample(Distribution::Triangular { mode: 0.25 }, 0.0, 1.0, 20_000);
        let (m, s) = moments(&x);
        let var: f64 = (1.0 + 0.0625 - 0.25) / 18.0;
        assert!(
            (m - 1.25 / 3.0).abs() < 1e-4 && (s - var.sqrt()).abs() < 1e-4,
            "{m} {s}"
        );
        // Log-normal (median 1, sigma 0.25), barely truncated: mean
        // exp(sigma²/2), median 1.
        let d = Distribution::LogNormal {
            median: 1.0,
            sigma: 0.25,
        };
        let x = sample(d, 0.0, 100.0, 20_000);
        let (m, _) = moments(&x);
        assert!((m - (0.03125f64).exp()).abs() < 1e-3, "{m}");
        assert!((d.quantile(0.5, 0.0, 100.0) - 1.0).abs() < 1e-12);
        // Uniform is the range, linearly.
        assert_eq!(Distribution::Uniform.quantile(0.25, 2.0, 6.0), 3.0);
    }

    #[test]
    fn quantiles_stay_in_the_range_and_rise() {
        let ds = [
            Distribution::Normal { mean: 0.3, sd: 0.2 },
            Distribution::Triangular { mode: 1.0 },
            Distribution::LogNormal {
                median: 0.2,
                sigma: 1.0,
            },
        ];
        for d in ds {
            let x = sample(d, 0.0, 1.0, 101);
            assert!(x.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
            assert_eq!(d.quantile(0.0, 0.0, 1.0), 0.0, "{d:?}");
            assert_eq!(d.quantile(1.0, 0.0, 1.0), 1.0, "{d:?}");
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Distribution::Normal { mean: 0.5, sd: 0.0 }
            .check(0.0, 1.0)
            .is_err());
        assert!(Distribution::Normal {
            mean: 50.0,
            sd: 1.0
        }
        .check(0.0, 1.0)
        .is_err());
        assert!(Distribution::Triangular { mode: 2.0 }
            .check(0.0, 1.0)
            .is_err());
        assert!(Distribution::LogNormal {
            median: 1.0,
            sigma: 1.0
        }
        .check(-2.0, -1.0)
        .is_err());
        assert!(Distribution::LogNormal {
            median: 0.0,
            sigma: 1.0
        }
        .check(0.0, 1.0)
        .is_err());
        assert!(Distribution::Triangular { mode: 0.0 }
            .check(0.0, 1.0)
            .is_ok());
    }
}
