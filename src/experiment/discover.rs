//! Scenario discovery with PRIM, the Patient Rule Induction Method
//! (Friedman & Fisher 1999), as the EMA Workbench runs it: which box of
//! the parameter space holds the cases of interest (say, the sweep points
//! where latitude loses money)?
//!
//! **Peeling:** starting from the box holding every point, each step
//! considers, for every parameter, cutting off the `alpha` share of the
//! box's points with the lowest values or the highest, and takes the cut
//! that leaves the highest density (share of cases of interest inside);
//! it stops when the box would hold less than `min_mass` of all points or
//! no cut raises the density. Every box on the way is one step of the
//! peeling trajectory, with its coverage (the share of all cases of
//! interest inside), density and mass. **Choice:** the densest box on the
//! trajectory that still covers at least `min_coverage` of the cases.
//! **Pasting:** that box's limits are then widened again, `alpha` of the
//! outside points at a time, while a widening does not lower the density.
//! **Significance:** restrictions whose quasi-p-value (Bryant & Lempert
//! 2010, a one-sided binomial test of the box against the box without
//! that restriction) exceeds 5% are dropped, least significant first, so
//! the box names only the parameters that concentrate the cases. On
//! discrete values a peel removes a whole extreme value.
//! Defaults follow the Workbench: `alpha = 0.05`, `min_mass = 0.05`.

use super::stats::binomial_upper_tail;

/// PRIM's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub alpha: f64,
    pub min_mass: f64,
    pub min_coverage: f64,
    /// Restrictions whose quasi-p-value exceeds this are dropped.
    pub significance: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            alpha: 0.05,
            min_mass: 0.05,
            min_coverage: 0.8,
            significance: 0.05,
        }
    }
}

/// A box: `[low, high]` per parameter (inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// One box with its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStats {
    pub limits: Limits,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Parameters whose limits are tighter than the data's range.
    pub restricted: Vec<usize>,
}

/// The peeling trajectory and the chosen, pasted box.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    pub trajectory: Vec<BoxStats>,
    /// Index of the chosen box on the trajectory (before pasting).
    pub chosen: usize,
    pub pasted: BoxStats,
    /// Share of all points that are cases of interest.
    pub base_density: f64,
}

fn inside(x: &[f64], l: &Limits) -> bool {
    x.iter()
        .zip(l.low.iter().zip(&l.high))
        .all(|(v, (lo, hi))| lo <= v && v <= hi)
}

fn stats(x: &[Vec<f64>], y: &[bool], l: &Limits, full: &Limits) -> BoxStats {
    let total_cases = y.iter().filter(|c| **c).count().max(1) as f64;
    let (mut n, mut cases) = (0usize, 0usize);
    for (xi, yi) in x.iter().zip(y) {
        if inside(xi, l) {
            n += 1;
            cases += usize::from(*yi);
        }
    }
    let restricted = (0..l.low.len())
        .filter(|&j| l.low[j] > full.low[j] || l.high[j] < full.high[j])
        .collect();
    BoxStats {
        limits: l.clone(),
        coverage: cases as f64 / total_cases,
        density: if n == 0 { 0.0 } else { cases as f64 / n as f64 },
        mass: n as f64 / x.len() as f64,
        restricted,
    }
}

/// The value below which (`upper = false`) or above which a share `q` of
/// `v` lies (the lower and upper empirical quantiles, as numpy's default).
fn quantile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let (a, b) = (pos.floor() as usize, pos.ceil() as usize);
    v[a] + (v[b] - v[a]) * (pos - a as f64)
}

/// Runs PRIM on points `x` (rows of parameter values) with cases `y`.
pub fn prim(x: &[Vec<f64>], y: &[bool], s: Settings) -> Option<Discovery> {
    let k = x.first()?.len();
    let full = Limits {
        low: (0..k)
            .map(|j| x.iter().map(|r| r[j]).fold(f64::INFINITY, f64::min))
            .collect(),
        high: (0..k)
            .map(|j| x.iter().map(|r| r[j]).fold(f64::NEG_INFINITY, f64::max))
            .collect(),
    };
    let mut current = full.clone();
    let mut trajectory = vec![stats(x, y, &current, &full)];
    if trajectory[0].coverage == 0.0 {
        return None;
    }
    loop {
        let members: Vec<usize> = (0..x.len()).filter(|&i| inside(&x[i], &current)).collect();
        let mut best: Option<(BoxStats, Limits)> = None;
        for j in 0..k {
            let mut v: Vec<f64> = members.iter().map(|&i| x[i][j]).collect();
            let mut lo = quantile(&mut v, s.alpha);
            let mut hi = quantile(&mut v, 1.0 - s.alpha);
            // On discrete values (a Morris grid, whole numbers) the
            // quantile may be the limit itself: peel the whole extreme
            // value instead.
            if lo <= current.low[j] {
                lo = v
                    .iter()
                    .copied()
                    .find(|x| *x > current.low[j])
                    .unwrap_or(lo);
            }
            if hi >= current.high[j] {
                hi = v
                    .iter()
                    .rev()
                    .copied()
                    .find(|x| *x < current.high[j])
                    .unwrap_or(hi);
            }
            for (low, high) in [(lo, current.high[j]), (current.low[j], hi)] {
                // A cut must remove points: a strict limit on distinct data.
                let mut l = current.clone();
                if low > current.low[j] {
                    // Keep x >= low, dropping the values strictly below.
                    l.low[j] = low;
                } else if high < current.high[j] {
                    l.high[j] = high;
                } else {
                    continue;
                }
                let b = stats(x, y, &l, &full);
                if b.mass < s.min_mass || b.mass >= trajectory.last().expect("one").mass {
                    continue;
                }
                if best.as_ref().is_none_or_better(&b) {
                    best = Some((b, l));
                }
            }
        }
        match best {
            Some((b, l)) if b.density >= trajectory.last().expect("one").density => {
                current = l;
                trajectory.push(b);
            }
            _ => break,
        }
    }
    let chosen = (0..trajectory.len())
        .filter(|&i| trajectory[i].coverage >= s.min_coverage)
        .max_by(|&a, &b| {
            trajectory[a]
                .density
                .total_cmp(&trajectory[b].density)
                .then(b.cmp(&a))
        })
        .unwrap_or(0);
    let pasted = paste(x, y, &trajectory[chosen], &full, s.alpha);
    let pasted = drop_insignificant(x, y, pasted, &full, s.significance);
    let base_density = trajectory[0].density;
    Some(Discovery {
        trajectory,
        chosen,
        pasted,
        base_density,
    })
}

trait Better {
    fn is_none_or_better(&self, b: &BoxStats) -> bool;
}

impl Better for Option<&(BoxStats, Limits)> {
    /// Higher density wins; at equal density, the larger box.
    fn is_none_or_better(&self, b: &BoxStats) -> bool {
        match self {
            None => true,
            Some((c, _)) => b.density > c.density || (b.density == c.density && b.mass > c.mass),
        }
    }
}

/// The quasi-p-value of restriction `j` of box `b` (Bryant & Lempert
/// 2010, as the EMA Workbench reports it): the chance that a box of as
/// many points drawn from the box without that restriction holds at least
/// as many cases, `P(Binomial(n, density without j) >= cases)`.
fn quasi_p(x: &[Vec<f64>], y: &[bool], b: &BoxStats, full: &Limits, j: usize) -> f64 {
    let mut wider = b.limits.clone();
    wider.low[j] = full.low[j];
    wider.high[j] = full.high[j];
    let without = stats(x, y, &wider, full);
    let n = (b.mass * x.len() as f64).round() as u64;
    let cases = (b.density * n as f64).round() as u64;
    binomial_upper_tail(cases, n, without.density)
}

/// Drops, one at a time and the least significant first, restrictions
/// whose quasi-p-value exceeds `level`: edges that peeling trimmed but that
/// do not concentrate the cases.
fn drop_insignificant(
    x: &[Vec<f64>],
    y: &[bool],
    mut b: BoxStats,
    full: &Limits,
    level: f64,
) -> BoxStats {
    loop {
        let worst = b
            .restricted
            .iter()
            .map(|&j| (quasi_p(x, y, &b, full, j), j))
            .max_by(|a, c| a.0.total_cmp(&c.0).then(c.1.cmp(&a.1)));
        match worst {
            Some((p, j)) if p > level => {
                let mut limits = b.limits.clone();
                limits.low[j] = full.low[j];
                limits.high[j] = full.high[j];
                b = stats(x, y, &limits, full);
            }
            _ => return b,
        }
    }
}

/// Widens `start`'s restricted limits while that does not lower the density.
fn paste(x: &[Vec<f64>], y: &[bool], start: &BoxStats, full: &Limits, alpha: f64) -> BoxStats {
    let mut current = start.clone();
    let n_step = ((alpha * x.len() as f64).ceil() as usize).max(1);
    loop {
        let mut best: Option<BoxStats> = None;
        for j in current.restricted.clone() {
            for upper in [false, true] {
                // The outside values next to this limit, nearest first, of
                // points inside the box in every other parameter.
                let l = &current.limits;
                let mut outside: Vec<f64> = x
                    .iter()
                    .filter(|r| {
                        (0..r.len()).all(|d| d == j || (l.low[d] <= r[d] && r[d] <= l.high[d]))
                    })
                    .map(|r| r[j])
                    .filter(|v| if upper { *v > l.high[j] } else { *v < l.low[j] })
                    .collect();
                if outside.is_empty() {
                    continue;
                }
                outside.sort_by(f64::total_cmp);
                if !upper {
                    outside.reverse();
                }
                let reach = outside[(n_step - 1).min(outside.len() - 1)];
                let mut limits = l.clone();
                if upper {
                    limits.high[j] = reach;
                } else {
                    limits.low[j] = reach;
                }
                let b = stats(x, y, &limits, full);
                if b.density >= current.density
                    && best.as_ref().is_none_or(|c| b.density > c.density)
                {
                    best = Some(b);
                }
            }
        }
        match best {
            Some(b) => current = b,
            None => return current,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Stream};

    #[test]
    fn prim_finds_a_known_box() {
        // Cases of interest exactly where x0 < 0.3 and x1 > 0.6; x2 is
        // irrelevant. PRIM must restrict x0 and x1 only, with limits near
        // the true ones, and a box whose density and coverage are high.
        let mut rng = Stream::new(4, 0, 0, Purpose::Design);
        let x: Vec<Vec<f64>> = (0..2000)
            .map(|_| (0..3).map(|_| rng.uniform()).collect())
            .collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] < 0.3 && r[1] > 0.6).collect();
        let d = prim(&x, &y, Settings::default()).unwrap();
        let b = &d.pasted;
        assert_eq!(b.restricted, vec![0, 1], "{b:?}");
        // Density 1: no point outside the true box is inside this one.
        assert_eq!(b.density, 1.0, "{b:?}");
        assert!(b.coverage >= Settings::default().min_coverage, "{b:?}");
        assert!(b.limits.high[0] < 0.3 && b.limits.low[1] > 0.6, "{b:?}");
        // The trajectory peels: mass falls, density never drops.
        for w in d.trajectory.windows(2) {
            assert!(w[1].mass < w[0].mass && w[1].density >= w[0].density);
        }
    }
}
