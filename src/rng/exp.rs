//! A portable `exp` for the model's hot paths (the basket's log-normal, the
//! daily quit hazard, the demand noise and the deterrence of bad word of
//! mouth): `libm::exp` was about 8% of a replication.
//!
//! `exp(x) = 2^m · 2^(j/64) · exp(r)` with `k = round(64 x / ln 2)`,
//! `m = k div 64`, `j = k mod 64` and `r = x − k ln2/64` (`|r| ≤ ln2/128`,
//! reduced with musl's two-part `ln 2`, so exactly for the `k` in range).
//! `2^(j/64)` comes from a 64-entry table computed at compile time by a
//! Taylor series; `exp(r)` is its Taylor polynomial of degree 5, whose
//! truncation error is below `4e-17` on that interval. The result is within
//! `1e-15` of the true value relative (a unit test checks it against
//! `libm::exp`); what matters here is that it is the same on every platform:
//! only `+`, `*`, integer casts and bit operations, no fused multiply-add,
//! no target intrinsics, so the same argument gives the same bits
//! everywhere. Arguments of magnitude 700 or more (and NaN) go to
//! `libm::exp`.

/// Table entries per octave.
const STEPS: usize = 64;

/// `2^(j/64)` for `j = 0..64`, by the Taylor series of `exp(j ln2 / 64)`
/// (30 terms: converged in `f64`).
const TWO_TO_J64: [f64; STEPS] = {
    let mut table = [0.0; STEPS];
    let mut j = 0;
    while j < STEPS {
        let x = j as f64 * std::f64::consts::LN_2 / STEPS as f64;
        let (mut term, mut sum, mut n) = (1.0, 1.0, 1);
        while n < 30 {
            term = term * x / n as f64;
            sum += term;
            n += 1;
        }
        table[j] = sum;
        j += 1;
    }
    table
};

/// `ln 2 / 64` in two parts (musl's `ln2hi`, `ln2lo`, divided by 64, which
/// is exact): the high part has 32 trailing zero bits, so `k · HI` is exact
/// for `|k| < 2^21`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000) / STEPS as f64;
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76) / STEPS as f64;

/// `e^x`, portable bit for bit (module docs).
#[inline]
pub fn exp(x: f64) -> f64 {
    if x.abs() < 700.0 {
        reduced(x)
    } else {
        libm::exp(x)
    }
}

/// `e^x` for `|x| < 700`.
#[inline(always)]
fn reduced(x: f64) -> f64 {
    let t = x * (STEPS as f64 / std::f64::consts::LN_2);
    // Rounded half away from zero; `as` truncates towards zero.
    let k = (t + if t < 0.0 { -0.5 } else { 0.5 }) as i64;
    let kf = k as f64;
    let r = (x - kf * LN2_HI) - kf * LN2_LO;
    let p =
        1.0 + r * (1.0 + r * (1.0 / 2.0 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    // |k| < 700 · 64 / ln 2, so k div 64 is a normal exponent (−1010..1010).
    let scale = f64::from_bits((((k >> 6) + 1023) as u64) << 52);
    TWO_TO_J64[(k & 63) as usize] * scale * p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Stream};

    /// Within 1e-15 relative of `libm::exp` over the whole range, densely
    /// where the model evaluates it (|x| < 5) and at the edges.
    #[test]
    fn matches_libm() {
        let mut rng = Stream::new(11, 0, 0, Purpose::Setup);
        let check = |x: f64| {
            let (a, b) = (exp(x), libm::exp(x));
            let error = ((a - b) / b).abs();
            assert!(error < 1e-15, "exp({x}) = {a}, libm {b}");
        };
        for _ in 0..200_000 {
            check(10.0 * (rng.uniform() - 0.5));
        }
        for _ in 0..20_000 {
            check(1399.0 * (rng.uniform() - 0.5));
        }
        for x in [
            0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 699.99, -699.99, 0.5, -0.5,
        ] {
            check(x);
        }
        // Multiples of ln2/128 are where the reduction rounds either way.
        for i in -2000..2000 {
            check(f64::from(i) * std::f64::consts::LN_2 / 128.0);
        }
    }

    #[test]
    fn exact_points_and_the_fallback() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(800.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
    }
}
