//! Variance-based (Sobol') sensitivity indices from Saltelli's design.
//!
//! **Design** (Saltelli 2002, 2010; laid out as SALib does): `n` base
//! samples of a `2k`-dimensional Sobol sequence give matrices A (the first k
//! coordinates) and B (the last k). Base sample `i` is evaluated at
//! `A_i`, then `AB_i^(j)` (A with column j taken from B) for every j, then,
//! with second-order indices, `BA_i^(j)` (B with column j from A), then
//! `B_i`: a block of `k + 2` rows (`2k + 2`). The sequence is
//! [`sobol_burley`]'s Owen-scrambled Sobol sequence, seeded, computed with
//! integer arithmetic only, so every machine draws the same samples.
//!
//! **Estimators**, with V the variance of f over A and B together:
//! first order `S1_j = mean(f(B) (f(AB_j) - f(A))) / V` (Saltelli et al.
//! 2010, table 2 (b)), total `ST_j = mean((f(A) - f(AB_j))^2) / (2V)`
//! (Jansen 1999), second order
//! `S2_jl = mean(f(BA_j) f(AB_l) - f(A) f(B)) / V - S1_j - S1_l`
//! (Saltelli 2002). Confidence intervals: percentile bootstrap over the
//! base samples (whole blocks are resampled, so the estimators' pairing is
//! kept).

use crate::rng::{Purpose, Stream};

/// Most base samples: the sequence has 2^16 points.
pub const MAX_SAMPLES: u64 = 1 << 16;
/// Most parameters: the sequence has 256 dimensions, two per parameter.
pub const MAX_PARAMETERS: usize = 128;

/// Rows per base sample.
pub fn block(k: usize, second_order: bool) -> usize {
    if second_order {
        2 * k + 2
    } else {
        k + 2
    }
}

/// The 32-bit scramble seed of a 64-bit seed (both halves count).
fn scramble_seed(seed: u64) -> u32 {
    (seed ^ (seed >> 32)) as u32
}

/// The unit-cube rows of Saltelli's design, in evaluation order.
pub fn design(n: u64, k: usize, second_order: bool, seed: u64) -> Vec<Vec<f64>> {
    assert!(n <= MAX_SAMPLES && k <= MAX_PARAMETERS);
    let s = scramble_seed(seed);
    let mut rows = Vec::with_capacity(n as usize * block(k, second_order));
    for i in 0..n as u32 {
        let a: Vec<f64> = (0..k as u32)
            .map(|d| f64::from(sobol_burley::sample(i, d, s)))
            .collect();
        let b: Vec<f64> = (0..k as u32)
            .map(|d| f64::from(sobol_burley::sample(i, k as u32 + d, s)))
            .collect();
        rows.push(a.clone());
        for j in 0..k {
            let mut ab = a.clone();
            ab[j] = b[j];
            rows.push(ab);
        }
        if second_order {
            for j in 0..k {
                let mut ba = b.clone();
                ba[j] = a[j];
                rows.push(ba);
            }
        }
        rows.push(b);
    }
    rows
}

/// One index with its bootstrap 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The indices of every parameter (and pair, with second order).
#[derive(Debug, Clone, PartialEq)]
pub struct Indices {
    pub s1: Vec<Estimate>,
    pub st: Vec<Estimate>,
    /// `(j, l, S2_jl)` for j < l, when asked.
    pub s2: Vec<(usize, usize, Estimate)>,
    /// Variance of the output over A and B.
    pub variance: f64,
}

/// Point estimates from the blocks `picks` (indices of base samples).
fn point(
    y: &[f64],
    k: usize,
    second_order: bool,
    picks: &[usize],
) -> (Vec<f64>, Vec<f64>, Vec<f64>, f64) {
    let w = block(k, second_order);
    let m = picks.len() as f64;
    let a = |i: usize| y[i * w];
    let b = |i: usize| y[i * w + w - 1];
    let ab = |i: usize, j: usize| y[i * w + 1 + j];
    let ba = |i: usize, j: usize| y[i * w + 1 + k + j];
    let mean = picks.iter().map(|&i| a(i) + b(i)).sum::<f64>() / (2.0 * m);
    let variance = picks
        .iter()
        .map(|&i| (a(i) - mean).powi(2) + (b(i) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * m);
    let s1: Vec<f64> = (0..k)
        .map(|j| picks.iter().map(|&i| b(i) * (ab(i, j) - a(i))).sum::<f64>() / m / variance)
        .collect();
    let st: Vec<f64> = (0..k)
        .map(|j| {
            picks
                .iter()
                .map(|&i| (a(i) - ab(i, j)).powi(2))
                .sum::<f64>()
                / (2.0 * m)
                / variance
        })
        .collect();
    let mut s2 = Vec::new();
    if second_order {
        for j in 0..k {
            for l in j + 1..k {
                let v = picks
                    .iter()
                    .map(|&i| ba(i, j) * ab(i, l) - a(i) * b(i))
                    .sum::<f64>()
                    / m
                    / variance;
                s2.push(v - s1[j] - s1[l]);
            }
        }
    }
    (s1, st, s2, variance)
}

/// The 2.5% and 97.5% percentiles (linear interpolation) of `v`.
pub fn percentile_interval(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let x = p * (v.len() - 1) as f64;
        let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
        v[lo] + (v[hi] - v[lo]) * (x - lo as f64)
    };
    (q(0.025), q(0.975))
}

/// Sobol' indices of outputs `y` (in [`design`]'s row order) with
/// `resamples` bootstrap resamples drawn from `seed`.
pub fn analyse(y: &[f64], k: usize, second_order: bool, resamples: u32, seed: u64) -> Indices {
    let w = block(k, second_order);
    assert!(y.len() % w == 0 && !y.is_empty());
    let n = y.len() / w;
    let all: Vec<usize> = (0..n).collect();
    let (s1, st, s2, variance) = point(y, k, second_order, &all);
    let pairs = s2.len();
    let mut boot: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples as usize); 2 * k + pairs];
    let mut rng = Stream::new(seed, 0, 11, Purpose::Design);
    let mut picks = vec![0; n];
    for _ in 0..resamples {
        for p in picks.iter_mut() {
            *p = rng.index(n);
        }
        let (b1, bt, b2, _) = point(y, k, second_order, &picks);
        for (slot, v) in boot.iter_mut().zip(b1.into_iter().chain(bt).chain(b2)) {
            slot.push(v);
        }
    }
    let mut estimates = boot
        .iter_mut()
        .zip(s1.iter().chain(&st).chain(&s2))
        .map(|(b, &value)| {
            let (ci_low, ci_high) = if b.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                percentile_interval(b)
            };
            Estimate {
                value,
                ci_low,
                ci_high,
            }
        });
    let s1 = estimates.by_ref().take(k).collect();
    let st = estimates.by_ref().take(k).collect();
    let mut s2_out = Vec::new();
    if second_order {
        for j in 0..k {
            for l in j + 1..k {
                s2_out.push((j, l, estimates.next().expect("one per pair")));
            }
        }
    }
    Indices {
        s1,
        st,
        s2: s2_out,
        variance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Ishigami function on [-pi, pi]^3 with a = 7, b = 0.1.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u
            .iter()
            .map(|v| -std::f64::consts::PI + 2.0 * std::f64::consts::PI * v)
            .collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    fn inside(e: &Estimate, analytic: f64) -> bool {
        e.ci_low <= analytic && analytic <= e.ci_high
    }

    #[test]
    fn ishigami_analytic_indices_fall_inside_the_intervals() {
        // Analytic values (Ishigami & Homma 1990; Saltelli et al. 2008,
        // p. 179): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        let rows = design(4096, 3, true, 1);
        let y: Vec<f64> = rows.iter().map(|r| ishigami(r)).collect();
        let ix = analyse(&y, 3, true, 500, 1);
        println!("Ishigami, N = 4096: {ix:?}");
        for j in 0..3 {
            assert!(
                inside(&ix.s1[j], s1[j]),
                "S1_{j}: {:?} vs {}",
                ix.s1[j],
                s1[j]
            );
            assert!(
                inside(&ix.st[j], st[j]),
                "ST_{j}: {:?} vs {}",
                ix.st[j],
                st[j]
            );
        }
        // The only interaction is x1-x3: S2_13 = ST_1 - S1_1 = 0.2437.
        let s2: Vec<f64> = [0.0, 0.2437, 0.0].to_vec();
        for ((_, _, e), a) in ix.s2.iter().zip(s2) {
            assert!(inside(e, a), "S2 {e:?} vs {a}");
        }
    }

    #[test]
    fn a_linear_model_splits_its_variance_by_shares() {
        // y = sum c_j u_j with independent uniforms: the share of factor j
        // is c_j^2 / sum c^2, first order and total alike.
        let c = [4.0, 2.0, 1.0, 0.0];
        let total: f64 = c.iter().map(|v| v * v).sum();
        let rows = design(2048, 4, false, 9);
        let y: Vec<f64> = rows
            .iter()
            .map(|r| r.iter().zip(&c).map(|(u, c)| u * c).sum())
            .collect();
        let ix = analyse(&y, 4, false, 500, 9);
        for (j, cj) in c.iter().enumerate() {
            let share = cj * cj / total;
            assert!(inside(&ix.s1[j], share), "S1_{j} {:?} vs {share}", ix.s1[j]);
            assert!(inside(&ix.st[j], share), "ST_{j} {:?} vs {share}", ix.st[j]);
        }
        // A factor without effect has exactly zero total effect.
        assert_eq!(ix.st[3].value, 0.0);
    }

    #[test]
    fn the_design_is_a_function_of_its_seed() {
        assert_eq!(design(8, 2, false, 5), design(8, 2, false, 5));
        assert_ne!(design(8, 2, false, 5), design(8, 2, false, 6));
        let rows = design(4, 2, false, 5);
        // AB_1 takes column 1 from B, the block's last row.
        assert_eq!(rows[1], vec![rows[3][0], rows[0][1]]);
    }
}
