//! Morris's elementary effects (Morris 1991; mu* from Campolongo, Cariboni
//! & Saltelli 2007), for screening many parameters with few runs.
//!
//! **Design:** `r` trajectories on a grid of `p` levels in the unit cube
//! (step `delta = p / (2 (p - 1))`). A trajectory starts at a random grid
//! point and moves one parameter at a time, in a random order, by `+delta`
//! or `-delta` (chosen at random, with the start level drawn so the move
//! stays on the grid): `k + 1` rows, every parameter moved once. All draws
//! come from the seed, trajectory by trajectory.
//!
//! **Measures,** per parameter over the trajectories: the elementary effect
//! `EE = (f(x + delta e_j) - f(x)) / delta` in output units per whole range
//! of the parameter; `mu` its mean, `mu*` the mean of its absolute value
//! (the importance ranking), `sigma` its standard deviation (nonlinearity
//! and interactions). Confidence intervals: percentile bootstrap over the
//! trajectories.

use super::sobol::{percentile_interval, Estimate};
use crate::rng::{Purpose, Stream};

/// The step of a `levels`-level grid.
pub fn delta(levels: u32) -> f64 {
    f64::from(levels) / (2.0 * f64::from(levels - 1))
}

/// The unit-cube rows of `r` trajectories, `k + 1` each, in order.
pub fn design(r: u64, k: usize, levels: u32, seed: u64) -> Vec<Vec<f64>> {
    let d = delta(levels);
    let top = f64::from(levels - 1);
    // Levels a move of +delta (or -delta) can start from and stay on the grid.
    let steps = (d * top).round() as usize;
    let mut rows = Vec::with_capacity(r as usize * (k + 1));
    for t in 0..r {
        let mut rng = Stream::new(seed, t, 12, Purpose::Design);
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, rng.index(i + 1));
        }
        let mut x = vec![0.0; k];
        let mut up = vec![true; k];
        for j in 0..k {
            up[j] = rng.index(2) == 0;
            let start = rng.index(levels as usize - steps);
            let level = if up[j] { start } else { start + steps };
            x[j] = level as f64 / top;
        }
        rows.push(x.clone());
        for &j in &order {
            x[j] = if up[j] { x[j] + d } else { x[j] - d };
            // Snap to the grid so that rows are exact level values.
            x[j] = (x[j] * top).round() / top;
            rows.push(x.clone());
        }
    }
    rows
}

/// Morris measures of one parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    pub mu: f64,
    pub mu_star: Estimate,
    pub sigma: Estimate,
}

fn measures_of(ee: &[f64]) -> (f64, f64, f64) {
    let n = ee.len() as f64;
    let mu = ee.iter().sum::<f64>() / n;
    let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / n;
    let sigma = if ee.len() > 1 {
        (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    (mu, mu_star, sigma)
}

/// The elementary effects `ee[j][t]` of outputs `y` at `rows` (as from
/// [`design`], `k + 1` rows per trajectory).
pub fn effects(rows: &[Vec<f64>], y: &[f64], k: usize) -> Vec<Vec<f64>> {
    let mut ee = vec![Vec::new(); k];
    for (t, traj) in rows.chunks(k + 1).enumerate() {
        for m in 1..=k {
            let (prev, next) = (&traj[m - 1], &traj[m]);
            let j = (0..k)
                .find(|&j| prev[j] != next[j])
                .expect("each step moves one parameter");
            let base = t * (k + 1);
            ee[j].push((y[base + m] - y[base + m - 1]) / (next[j] - prev[j]));
        }
    }
    ee
}

/// Morris measures with `resamples` bootstrap resamples from `seed`.
pub fn analyse(rows: &[Vec<f64>], y: &[f64], k: usize, resamples: u32, seed: u64) -> Vec<Measures> {
    let ee = effects(rows, y, k);
    let r = ee.first().map_or(0, Vec::len);
    let mut rng = Stream::new(seed, 0, 13, Purpose::Design);
    let mut boot_mu_star = vec![Vec::new(); k];
    let mut boot_sigma = vec![Vec::new(); k];
    let mut sample = vec![0.0; r];
    for _ in 0..resamples {
        let picks: Vec<usize> = (0..r).map(|_| rng.index(r)).collect();
        for j in 0..k {
            for (s, &p) in sample.iter_mut().zip(&picks) {
                *s = ee[j][p];
            }
            let (_, m, s) = measures_of(&sample);
            boot_mu_star[j].push(m);
            boot_sigma[j].push(s);
        }
    }
    (0..k)
        .map(|j| {
            let (mu, mu_star, sigma) = measures_of(&ee[j]);
            let ci = |b: &mut Vec<f64>| {
                if b.is_empty() || b.iter().any(|v| v.is_nan()) {
                    (f64::NAN, f64::NAN)
                } else {
                    percentile_interval(b)
                }
            };
            let (ml, mh) = ci(&mut boot_mu_star[j]);
            let (sl, sh) = ci(&mut boot_sigma[j]);
            Measures {
                mu,
                mu_star: Estimate {
                    value: mu_star,
                    ci_low: ml,
                    ci_high: mh,
                },
                sigma: Estimate {
                    value: sigma,
                    ci_low: sl,
                    ci_high: sh,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Morris's (1991) 20-factor test function: beta_i = 20 (i <= 10),
    /// beta_ij = -15 (i, j <= 6), beta_ijl = -10 (i, j, l <= 5),
    /// beta_ijls = 5 (i, j, l, s <= 4), the other first- and second-order
    /// coefficients standard normal; w_i = 2 (x_i - 1/2), except
    /// w_i = 2 (1.1 x_i / (x_i + 0.1) - 1/2) for i = 3, 5, 7.
    struct MorrisFunction {
        b1: [f64; 20],
        b2: [[f64; 20]; 20],
    }

    impl MorrisFunction {
        fn new(seed: u64) -> MorrisFunction {
            let mut rng = Stream::new(seed, 0, 99, Purpose::Design);
            let mut b1 = [0.0; 20];
            let mut b2 = [[0.0; 20]; 20];
            for (i, b) in b1.iter_mut().enumerate() {
                *b = if i < 10 { 20.0 } else { rng.normal() };
            }
            for (i, row) in b2.iter_mut().enumerate() {
                for (j, b) in row.iter_mut().enumerate().skip(i + 1) {
                    *b = if j < 6 { -15.0 } else { rng.normal() };
                }
            }
            MorrisFunction { b1, b2 }
        }

        fn eval(&self, x: &[f64]) -> f64 {
            let w: Vec<f64> = x
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    if [2, 4, 6].contains(&i) {
                        2.0 * (1.1 * x / (x + 0.1) - 0.5)
                    } else {
                        2.0 * (x - 0.5)
                    }
                })
                .collect();
            let mut y = 0.0;
            for i in 0..20 {
                y += self.b1[i] * w[i];
                for j in i + 1..20 {
                    y += self.b2[i][j] * w[i] * w[j];
                    for l in j + 1..5 {
                        y -= 10.0 * w[i] * w[j] * w[l];
                        for s in l + 1..4 {
                            y += 5.0 * w[i] * w[j] * w[l] * w[s];
                        }
                    }
                }
            }
            y
        }
    }

    #[test]
    fn trajectories_move_each_parameter_once_on_the_grid() {
        let rows = design(5, 3, 4, 2);
        assert_eq!(rows.len(), 20);
        for traj in rows.chunks(4) {
            let mut moved = [0; 3];
            for m in 1..4 {
                for j in 0..3 {
                    if traj[m][j] != traj[m - 1][j] {
                        moved[j] += 1;
                        assert!(((traj[m][j] - traj[m - 1][j]).abs() - 2.0 / 3.0).abs() < 1e-12);
                    }
                }
            }
            assert_eq!(moved, [1, 1, 1]);
            for x in traj.iter().flatten() {
                assert!((0.0..=1.0).contains(x) && (x * 3.0).fract() == 0.0, "{x}");
            }
        }
    }

    #[test]
    fn a_linear_function_has_exact_effects() {
        let rows = design(4, 2, 4, 3);
        let y: Vec<f64> = rows.iter().map(|x| 3.0 * x[0] - 5.0 * x[1]).collect();
        let m = analyse(&rows, &y, 2, 100, 3);
        assert!((m[0].mu - 3.0).abs() < 1e-12 && (m[1].mu + 5.0).abs() < 1e-12);
        assert!(m[0].sigma.value < 1e-12 && (m[1].mu_star.value - 5.0).abs() < 1e-12);
    }

    #[test]
    fn morris_function_ranks_as_published() {
        // Morris (1991), fig. 2 and section 4: factors 1-10 have effects,
        // 11-20 are negligible; of the ten, 8, 9 and 10 act linearly (small
        // sigma) and 1-7 through nonlinearity or interactions.
        let f = MorrisFunction::new(1);
        let rows = design(40, 20, 4, 1);
        let y: Vec<f64> = rows.iter().map(|x| f.eval(x)).collect();
        let m = analyse(&rows, &y, 20, 200, 1);
        println!("Morris function, r = 40: {m:?}");
        let mut by_mu: Vec<usize> = (0..20).collect();
        by_mu.sort_by(|&a, &b| m[b].mu_star.value.total_cmp(&m[a].mu_star.value));
        let mut top: Vec<usize> = by_mu[..10].to_vec();
        top.sort_unstable();
        assert_eq!(top, (0..10).collect::<Vec<_>>(), "{m:?}");
        let mut by_sigma = top.clone();
        by_sigma.sort_by(|&a, &b| m[a].sigma.value.total_cmp(&m[b].sigma.value));
        let mut linear = by_sigma[..3].to_vec();
        linear.sort_unstable();
        assert_eq!(linear, vec![7, 8, 9], "{m:?}");
    }
}
