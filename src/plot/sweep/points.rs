//! `points.csv` read back in bounded memory: two streaming passes, never
//! the whole table.
//!
//! The first pass keeps what the story needs exactly, from every row (the
//! best points, the most profitable rows, a one-parameter sweep's profit
//! difference along its parameter), and the parameter columns, from which
//! the figure's layout is decided: a curve's x bins, a grid's blocks, the
//! main-effect bins. The second pass sums each KPI column into those bins
//! and drops the row. A figure thus holds at most a display's worth of
//! values: a curve at most [`MAX_CURVE_POINTS`] x positions (bins of
//! adjacent x values), a heatmap at most [`MAX_HEATMAP_CELLS`] cells per
//! axis (blocks of neighbouring grid points), each the mean of its points'
//! values; a sweep small enough for one point per position is drawn from
//! its rows' own numbers, as before.

use std::path::Path;

use super::super::data::{open_csv as open, read_error, Band, Estimate};
use super::super::effects::{bins, distinct, Panel};
use super::super::PlotError;
use crate::output::columns;

/// Most x positions of a one-parameter curve; more points are drawn in
/// bins of adjacent x values.
pub const MAX_CURVE_POINTS: usize = 1000;
/// Most cells per axis of a heatmap; a finer grid is drawn in blocks.
pub const MAX_HEATMAP_CELLS: usize = 200;
/// Most points whose main-effect panels are computed from the rows held in
/// memory (bins summed in parameter order, as always); above it, a
/// streaming pass sums each bin in point order (the same bins and means, to
/// rounding).
pub const MAX_EXACT_EFFECT_ROWS: usize = 100_000;
/// Most points listed one by one in the report (and so kept for it).
pub const MAX_LISTED_POINTS: usize = 2000;
/// Rows in the report's table of the most profitable points.
pub const TOP_POINTS: usize = 10;

/// The header of `path`.
pub fn header(path: &Path) -> Result<Vec<String>, PlotError> {
    open(path).map(|(_, h)| h)
}

/// A row's cells by column index (unparsable and missing cells are NaN,
/// as in [`super::super::data::read_table`]).
pub struct Row<'a>(&'a csv::StringRecord);

impl Row<'_> {
    pub fn get(&self, col: Option<usize>) -> f64 {
        col.and_then(|c| self.0.get(c))
            .and_then(|c| c.trim().parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    }
}

/// Streams the rows of `path` through `f` (row number, cells), skipping
/// empty rows as the table reader does; returns the number of rows.
pub fn each_row(path: &Path, mut f: impl FnMut(usize, &Row)) -> Result<usize, PlotError> {
    let (mut reader, _) = open(path)?;
    let mut record = csv::StringRecord::new();
    let mut n = 0;
    while reader
        .read_record(&mut record)
        .map_err(|e| read_error(path, e))?
    {
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        f(n, &Row(&record));
        n += 1;
    }
    Ok(n)
}

/// The column index of `name` in `header` (the first of that name).
pub fn col(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name)
}

/// The three column indices of an estimate.
pub fn estimate_cols(header: &[String], name: &str) -> [Option<usize>; 3] {
    columns::estimate(name).map(|c| col(header, &c))
}

/// Per bin and column: the sum and count of the finite values.
#[derive(Debug, Clone)]
pub struct Sums {
    cols: usize,
    sum: Vec<f64>,
    count: Vec<u32>,
}

impl Sums {
    pub fn new(bins: usize, cols: usize) -> Sums {
        Sums {
            cols,
            // -0 + v is v for every v (0 + -0 would be 0).
            sum: vec![-0.0; bins * cols],
            count: vec![0; bins * cols],
        }
    }

    pub fn add(&mut self, bin: usize, col: usize, v: f64) {
        if v.is_finite() {
            let k = bin * self.cols + col;
            self.sum[k] += v;
            self.count[k] += 1;
        }
    }

    /// The mean of the finite values (NaN when there are none); a bin of
    /// one value gives that value exactly.
    pub fn mean(&self, bin: usize, col: usize) -> f64 {
        let k = bin * self.cols + col;
        if self.count[k] == 0 {
            f64::NAN
        } else {
            self.sum[k] / f64::from(self.count[k])
        }
    }
}

/// Equal blocks of `size` consecutive indices over `0..n`.
pub fn blocks(n: usize, size: usize) -> usize {
    n.div_ceil(size.max(1))
}

/// The block size that brings `n` positions to at most `most`.
pub fn block_size(n: usize, most: usize) -> usize {
    n.div_ceil(most).max(1)
}

/// The means of `values` in blocks of `size`.
pub fn block_means(values: &[f64], size: usize) -> Vec<f64> {
    if size <= 1 {
        return values.to_vec();
    }
    values
        .chunks(size.max(1))
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect()
}

/// For a two-parameter sweep: the full grid's distinct values and each
/// row's cell, or `None` when the rows are not one full grid.
pub fn grid_cells(x: &[f64], y: &[f64]) -> Option<(Vec<f64>, Vec<f64>, Vec<u32>)> {
    let (xs, ys) = (distinct(x), distinct(y));
    if xs.len() < 2 || ys.len() < 2 || xs.len() * ys.len() != x.len() {
        return None;
    }
    // The first distinct value equal to `v` (as `==` compares).
    let find = |values: &[f64], v: f64| {
        let i = values.partition_point(|d| *d < v);
        (i < values.len() && values[i] == v).then_some(i)
    };
    let mut taken = vec![false; x.len()];
    let mut cells = Vec::with_capacity(x.len());
    for (a, b) in x.iter().zip(y) {
        let cell = find(&xs, *a)? * ys.len() + find(&ys, *b)?;
        if std::mem::replace(&mut taken[cell], true) {
            return None;
        }
        cells.push(u32::try_from(cell).ok()?);
    }
    Some((xs, ys, cells))
}

/// A main-effect target: a KPI's mean column (or its difference's).
pub struct EffectTarget {
    pub col: Option<usize>,
}

/// Main-effect panels of every target over every parameter. With few rows
/// they are [`Panel::of`] on the columns; with more, each row's bin in
/// each parameter is kept (one byte) and a second pass sums the targets
/// into the bins.
pub fn effect_panels(
    path: &Path,
    params: &[String],
    xcols: &[Vec<f64>],
    targets: &[EffectTarget],
    rows: usize,
) -> Result<Vec<Vec<Panel>>, PlotError> {
    if rows <= MAX_EXACT_EFFECT_ROWS {
        let mut y: Vec<Vec<f64>> = vec![Vec::with_capacity(rows); targets.len()];
        each_row(path, |_, row| {
            for (t, col) in targets.iter().zip(&mut y) {
                col.push(row.get(t.col));
            }
        })?;
        return Ok(y
            .iter()
            .map(|y| {
                params
                    .iter()
                    .zip(xcols)
                    .map(|(p, x)| Panel::of(p, x, y))
                    .collect()
            })
            .collect());
    }
    streamed_panels(path, params, xcols, targets)
}

/// [`effect_panels`] of a large sweep: each row's bin in each parameter
/// (one byte), then a pass that sums the targets into the bins in row
/// order (the same bins as [`Panel::of`]; the means and CIs to rounding).
fn streamed_panels(
    path: &Path,
    params: &[String],
    xcols: &[Vec<f64>],
    targets: &[EffectTarget],
) -> Result<Vec<Vec<Panel>>, PlotError> {
    // Each row's bin in each parameter, and the bins' x sums and sizes.
    let mut bin_of: Vec<Vec<u8>> = Vec::with_capacity(params.len());
    let mut bin_x: Vec<Vec<(f64, usize)>> = Vec::with_capacity(params.len());
    for x in xcols {
        let groups = bins(x);
        let mut of = vec![u8::MAX; x.len()];
        let mut xs = Vec::with_capacity(groups.len());
        for (b, g) in groups.iter().enumerate() {
            for &r in g {
                of[r] = b as u8;
            }
            xs.push((g.iter().map(|&r| x[r]).sum::<f64>(), g.len()));
        }
        bin_of.push(of);
        bin_x.push(xs);
    }
    // Per target, parameter and bin: count, and sums of (y - shift) and
    // its square, shifted by the bin's first value for accuracy.
    #[derive(Clone, Copy, Default)]
    struct Acc {
        n: usize,
        shift: f64,
        s1: f64,
        s2: f64,
    }
    let most = bin_x.iter().map(Vec::len).max().unwrap_or(0);
    let mut acc = vec![Acc::default(); targets.len() * params.len() * most];
    each_row(path, |r, row| {
        for (t, target) in targets.iter().enumerate() {
            let y = row.get(target.col);
            if !y.is_finite() {
                continue;
            }
            for (p, of) in bin_of.iter().enumerate() {
                let b = of[r];
                if b == u8::MAX {
                    continue;
                }
                let a = &mut acc[(t * params.len() + p) * most + usize::from(b)];
                if a.n == 0 {
                    a.shift = y;
                }
                let d = y - a.shift;
                a.n += 1;
                a.s1 += d;
                a.s2 += d * d;
            }
        }
    })?;
    Ok((0..targets.len())
        .map(|t| {
            params
                .iter()
                .enumerate()
                .map(|(p, name)| Panel {
                    param: name.clone(),
                    points: bin_x[p]
                        .iter()
                        .enumerate()
                        .filter_map(|(b, (sx, len))| {
                            let a = acc[(t * params.len() + p) * most + b];
                            (a.n > 0).then(|| {
                                let n = a.n as f64;
                                let mean = a.shift + a.s1 / n;
                                let half = if a.n > 1 {
                                    let var = ((a.s2 - a.s1 * a.s1 / n) / (n - 1.0)).max(0.0);
                                    1.96 * (var / n).sqrt()
                                } else {
                                    0.0
                                };
                                let e = Estimate {
                                    mean,
                                    lo: mean - half,
                                    hi: mean + half,
                                };
                                (sx / *len as f64, e)
                            })
                        })
                        .collect(),
                })
                .collect()
        })
        .collect())
}

/// A band from per-bin sums of its three columns.
pub fn band(sums: &Sums, bins: usize, cols: [usize; 3]) -> Band {
    let [m, l, h] = cols.map(|c| (0..bins).map(|b| sums.mean(b, c)).collect());
    Band {
        mean: m,
        lo: l,
        hi: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_the_grid() {
        assert_eq!(block_size(100, 200), 1);
        assert_eq!(block_size(1000, 200), 5);
        assert_eq!(block_size(201, 200), 2);
        assert_eq!(blocks(201, 2), 101);
        assert_eq!(
            block_means(&[1.0, 2.0, 3.0, 4.0, 5.0], 2),
            vec![1.5, 3.5, 5.0]
        );
    }

    #[test]
    fn sums_of_one_value_are_that_value() {
        let mut s = Sums::new(2, 1);
        s.add(0, 0, 0.1);
        s.add(1, 0, f64::NAN);
        assert_eq!(s.mean(0, 0), 0.1);
        assert!(s.mean(1, 0).is_nan());
    }

    #[test]
    fn streamed_main_effects_equal_the_in_memory_ones_to_rounding() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("points.csv");
        // 600 points: a parameter of 4 values (bins per value) and one of
        // 600 (eight bins of equal count); y with a large offset.
        let mut csv = String::from("point_id,a.x,b.y,profit_mean\n");
        let (mut a, mut b, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for id in 0..600u32 {
            let (x1, x2) = (f64::from(id % 4), f64::from((id * 7) % 600) / 599.0);
            let v = 1.0e6 + 300.0 * x1 - 50.0 * x2 + f64::from((id * 13) % 17);
            csv.push_str(&format!("{id},{x1},{x2},{v}\n"));
            a.push(x1);
            b.push(x2);
            y.push(v);
        }
        std::fs::write(&path, csv).unwrap();
        let params = vec!["a.x".to_string(), "b.y".to_string()];
        let targets = [EffectTarget { col: Some(3) }];
        let xcols = vec![a, b];
        let streamed = streamed_panels(&path, &params, &xcols, &targets).unwrap();
        for (p, panel) in streamed[0].iter().enumerate() {
            let exact = Panel::of(&params[p], &xcols[p], &y);
            assert_eq!(panel.points.len(), exact.points.len());
            assert_eq!(panel.points.len(), [4, 8][p]);
            for ((x, e), (x0, e0)) in panel.points.iter().zip(&exact.points) {
                let close = |u: f64, v: f64| (u - v).abs() <= 1e-9 * v.abs().max(1.0);
                assert!(close(*x, *x0), "{x} {x0}");
                for (u, v) in [(e.mean, e0.mean), (e.lo, e0.lo), (e.hi, e0.hi)] {
                    assert!(close(u, v), "{u} {v}");
                }
            }
        }
    }

    #[test]
    fn a_grid_needs_every_cell_once() {
        let x = [0.0, 0.0, 1.0, 1.0];
        let y = [5.0, 6.0, 5.0, 6.0];
        let (xs, ys, cells) = grid_cells(&x, &y).unwrap();
        assert_eq!(
            (xs, ys, cells),
            (vec![0.0, 1.0], vec![5.0, 6.0], vec![0, 1, 2, 3])
        );
        assert!(grid_cells(&[0.0, 0.0, 1.0, 1.0], &[5.0, 5.0, 5.0, 6.0]).is_none());
    }
}
