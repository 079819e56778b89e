//! Where a sweep's points lie: their count and each point's parameter
//! values, by design (grid, Latin hypercube, list).

use crate::rng::{Purpose, Stream};

use super::*;

impl Sweep {
    pub(super) fn grid_size(&self) -> u64 {
        match &self.design {
            Design::Grid => self
                .parameters
                .iter()
                .map(|p| p.values.len() as u64)
                .fold(1u64, |a, b| a.saturating_mul(b)),
            Design::LatinHypercube { samples } => *samples,
            Design::List(rows) => rows.len() as u64,
        }
    }

    /// Number of points.
    pub fn points(&self) -> u64 {
        self.grid_size()
    }

    /// The parameter values of point `id`, in parameter order.
    pub fn point(&self, id: u64) -> Vec<f64> {
        let round = |p: &Parameter, v: f64| if p.integer { v.round() } else { v };
        match &self.design {
            Design::Grid => {
                let mut rest = id;
                let mut values = vec![0.0; self.parameters.len()];
                for (slot, p) in values.iter_mut().zip(&self.parameters).rev() {
                    let n = p.values.len() as u64;
                    *slot = p.values[(rest % n) as usize];
                    rest /= n;
                }
                values
            }
            Design::LatinHypercube { samples } => {
                let perms = self.lhs.as_ref().expect("built with the design");
                // The position inside a stratum comes from the point's own
                // stream, so it does not depend on other points.
                let mut rng = Stream::new(self.seed, id, 1, Purpose::Design);
                self.parameters
                    .iter()
                    .zip(perms)
                    .map(|(p, perm)| {
                        let u = (f64::from(perm[id as usize]) + rng.uniform()) / *samples as f64;
                        round(p, p.values[0] + (p.values[1] - p.values[0]) * u)
                    })
                    .collect()
            }
            Design::List(rows) => rows[id as usize].clone(),
        }
    }
}
