//! Ziggurat samplers (Marsaglia & Tsang 2000) for the standard normal and
//! the unit exponential, 256 layers.
//!
//! The layer tables are computed once from the published constants with
//! `libm`, so they are the same on every platform; a draw costs one u64 and
//! almost always no transcendental function (the tail and the wedges, about
//! 1% of draws, use `libm`).

use std::sync::OnceLock;

const LAYERS: usize = 256;

/// One distribution's layer edges `x` and densities `f` (unnormalised).
#[derive(Debug)]
pub(crate) struct Tables {
    x: [f64; LAYERS + 1],
    f: [f64; LAYERS + 1],
    r: f64,
}

fn build(r: f64, v: f64, pdf: fn(f64) -> f64, inverse_pdf: fn(f64) -> f64) -> Tables {
    let mut x = [0.0; LAYERS + 1];
    let mut f = [0.0; LAYERS + 1];
    x[0] = v / pdf(r);
    x[1] = r;
    for i in 1..LAYERS - 1 {
        x[i + 1] = inverse_pdf(pdf(x[i]) + v / x[i]);
    }
    x[LAYERS] = 0.0;
    for i in 0..=LAYERS {
        f[i] = pdf(x[i]);
    }
    Tables { x, f, r }
}

fn normal_pdf(x: f64) -> f64 {
    libm::exp(-0.5 * x * x)
}
fn normal_inverse_pdf(y: f64) -> f64 {
    libm::sqrt(-2.0 * libm::log(y))
}
fn exp_pdf(x: f64) -> f64 {
    libm::exp(-x)
}
fn exp_inverse_pdf(y: f64) -> f64 {
    -libm::log(y)
}

pub(crate) fn normal_tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        build(
            3.654_152_885_361_009,
            0.004_928_673_233_99,
            normal_pdf,
            normal_inverse_pdf,
        )
    })
}

pub(crate) fn exp_tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        build(
            7.697_117_470_131_05,
            0.003_949_659_822_581_557,
            exp_pdf,
            exp_inverse_pdf,
        )
    })
}

/// 53 high bits of `bits` as a uniform in [0, 1).
#[inline(always)]
pub(crate) fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal. `next` yields fresh u64s. The accepted first try (about
/// 99% of draws) is inlined into every caller, where a call per draw would
/// cost about as much as the draw; the rest is out of line.
#[inline(always)]
pub(crate) fn normal(t: &Tables, mut next: impl FnMut() -> u64) -> f64 {
    let bits = next();
    let i = (bits & 0xff) as usize;
    let u = 2.0 * unit(bits) - 1.0;
    let x = u * t.x[i];
    if x.abs() < t.x[i + 1] {
        return x;
    }
    normal_rejected(t, bits, &mut next)
}

/// The rest of a normal draw whose first `bits` fell outside the layer's
/// core.
#[cold]
#[inline(never)]
fn normal_rejected(t: &Tables, mut bits: u64, next: &mut dyn FnMut() -> u64) -> f64 {
    loop {
        let i = (bits & 0xff) as usize;
        let u = 2.0 * unit(bits) - 1.0;
        let x = u * t.x[i];
        if x.abs() < t.x[i + 1] {
            return x;
        }
        if i == 0 {
            // Tail beyond r (Marsaglia 1964).
            loop {
                let a = -libm::log(1.0 - unit(next())) / t.r;
                let b = -libm::log(1.0 - unit(next()));
                if 2.0 * b >= a * a {
                    return if u < 0.0 { -(t.r + a) } else { t.r + a };
                }
            }
        }
        // The wedge test, with the fast portable `exp` (the tables are
        // built with `libm`).
        if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * unit(next()) < super::exp(-0.5 * x * x) {
            return x;
        }
        bits = next();
    }
}

/// Unit exponential. `next` yields fresh u64s (split like `normal`).
#[inline(always)]
pub(crate) fn exp1(t: &Tables, mut next: impl FnMut() -> u64) -> f64 {
    let bits = next();
    let i = (bits & 0xff) as usize;
    let x = unit(bits) * t.x[i];
    if x < t.x[i + 1] {
        return x;
    }
    exp1_rejected(t, bits, &mut next)
}

/// The rest of an exponential draw whose first `bits` fell outside the
/// layer's core.
#[cold]
#[inline(never)]
fn exp1_rejected(t: &Tables, mut bits: u64, next: &mut dyn FnMut() -> u64) -> f64 {
    let mut shift = 0.0;
    loop {
        let i = (bits & 0xff) as usize;
        let x = unit(bits) * t.x[i];
        if x < t.x[i + 1] {
            return shift + x;
        }
        if i == 0 {
            // The exponential's tail is itself exponential, shifted by r.
            shift += t.r;
        } else if t.f[i + 1] + (t.f[i] - t.f[i + 1]) * unit(next()) < super::exp(-x) {
            return shift + x;
        }
        bits = next();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_close_at_zero() {
        for t in [normal_tables(), exp_tables()] {
            assert!(
                t.x[LAYERS - 1] > 0.0 && t.x[LAYERS - 1] < 0.3,
                "{}",
                t.x[LAYERS - 1]
            );
            assert!(t.x.windows(2).skip(1).all(|w| w[0] > w[1]));
        }
    }
}
