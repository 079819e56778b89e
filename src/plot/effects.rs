//! Main-effect plots: for each swept parameter, the mean of a KPI over all
//! sweep points in each range of that parameter (averaging over the
//! others), with a 95% CI; one panel per parameter, sharing the y axis.

use plotters::prelude::*;

use super::chart::{self, Legend, Mark};
use super::data::Estimate;
use super::style::{self, font, BLUE, INK, NOTE};
use super::{Figure, PlotError};

/// Sorted distinct finite values.
pub fn distinct(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    // A copy of a long column with few distinct values keeps none of it.
    v.shrink_to_fit();
    v
}

/// Bins of a parameter's values: one per distinct value when there are few,
/// else eight of equal count. Returns the row indices of each bin.
pub fn bins(values: &[f64]) -> Vec<Vec<usize>> {
    let mut rows: Vec<usize> = (0..values.len())
        .filter(|&r| values[r].is_finite())
        .collect();
    rows.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let distinct = distinct(values);
    if distinct.len() <= 10 {
        return distinct
            .iter()
            .map(|d| rows.iter().copied().filter(|&r| values[r] == *d).collect())
            .collect();
    }
    let k = 8;
    let n = rows.len();
    (0..k)
        .map(|b| rows[b * n / k..(b + 1) * n / k].to_vec())
        .filter(|b: &Vec<usize>| !b.is_empty())
        .collect()
}

/// Mean and 95% CI (normal approximation) of `values` at `rows`.
pub fn bin_stats(values: &[f64], rows: &[usize]) -> Option<Estimate> {
    let v: Vec<f64> = rows
        .iter()
        .map(|&r| values[r])
        .filter(|x| x.is_finite())
        .collect();
    if v.is_empty() {
        return None;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let half = if v.len() > 1 {
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        1.96 * (var / n).sqrt()
    } else {
        0.0
    };
    Some(Estimate {
        mean,
        lo: mean - half,
        hi: mean + half,
    })
}

/// One parameter's panel: its path, and the bins' mean parameter values
/// with the KPI's mean and CI in each bin.
#[derive(Debug, Clone)]
pub struct Panel {
    pub param: String,
    pub points: Vec<(f64, Estimate)>,
}

impl Panel {
    /// Bins `x` (the parameter's column) and summarises `y` in each bin.
    pub fn of(param: &str, x: &[f64], y: &[f64]) -> Panel {
        let points = bins(x)
            .iter()
            .filter_map(|g| {
                let mean_x = g.iter().map(|&r| x[r]).sum::<f64>() / g.len() as f64;
                bin_stats(y, g).map(|e| (mean_x, e))
            })
            .collect();
        Panel {
            param: param.to_string(),
            points,
        }
    }
}

/// Everything a main-effects figure shows.
pub struct Effects {
    pub stem: String,
    pub title: String,
    pub subtitle: String,
    pub caption: String,
    pub y_desc: String,
    /// Draw a line at zero (a difference to a baseline).
    pub zero_line: bool,
    pub primary: bool,
    pub panels: Vec<Panel>,
}

/// Draws a main-effects figure.
pub fn figure(spec: &Effects) -> Result<Figure, PlotError> {
    let all = spec
        .panels
        .iter()
        .flat_map(|p| p.points.iter().flat_map(|(_, e)| [e.lo, e.hi]));
    let (ylo, yhi) = chart::finite_range(all);
    let (ylo, yhi) = style::padded(ylo, yhi, 0.08);
    let legend = vec![Legend::new("Mean with 95% CI", BLUE, Mark::Line)];
    Figure::draw(
        &spec.stem,
        &spec.title,
        spec.caption.clone(),
        spec.primary,
        |root| {
            let area = chart::frame(root, &spec.title, &spec.subtitle, &legend)?;
            let cols = spec.panels.len().clamp(1, 3);
            let rows = spec.panels.len().div_ceil(cols).max(1);
            let cells = area.split_evenly((rows, cols));
            for (k, (panel, cell)) in spec.panels.iter().zip(cells.iter()).enumerate() {
                let (xlo, xhi) = chart::finite_range(panel.points.iter().map(|p| p.0));
                let (xlo, xhi) = style::padded(xlo, xhi, 0.08);
                let first = k % cols == 0;
                let mut ch = ChartBuilder::on(cell)
                    .margin(12)
                    .x_label_area_size(70)
                    .y_label_area_size(if first { 150 } else { 110 })
                    .build_cartesian_2d(xlo..xhi, ylo..yhi)?;
                let (xspan, yspan) = (xhi - xlo, yhi - ylo);
                let x_fmt = |v: &f64| style::axis_number(*v, xspan);
                let y_fmt = |v: &f64| style::axis_number(*v, yspan);
                ch.configure_mesh()
                    .light_line_style(TRANSPARENT)
                    .bold_line_style(style::GRID.stroke_width(2))
                    .axis_style(INK.stroke_width(2))
                    .label_style(font(NOTE))
                    .axis_desc_style(font(NOTE))
                    .x_labels(5)
                    .y_labels(5)
                    .x_desc(style::parameter_short(&panel.param))
                    .y_desc(if first {
                        spec.y_desc.clone()
                    } else {
                        String::new()
                    })
                    .x_label_formatter(&x_fmt)
                    .y_label_formatter(&y_fmt)
                    .draw()?;
                if spec.zero_line {
                    ch.plotting_area().draw(&PathElement::new(
                        vec![(xlo, 0.0), (xhi, 0.0)],
                        INK.stroke_width(2),
                    ))?;
                }
                for (x, e) in &panel.points {
                    ch.plotting_area().draw(&PathElement::new(
                        vec![(*x, e.lo), (*x, e.hi)],
                        BLUE.stroke_width(3),
                    ))?;
                }
                let line: Vec<(f64, f64)> =
                    panel.points.iter().map(|(x, e)| (*x, e.mean)).collect();
                ch.plotting_area()
                    .draw(&PathElement::new(line.clone(), BLUE.stroke_width(4)))?;
                ch.draw_series(line.iter().map(|p| Circle::new(*p, 6, BLUE.filled())))?;
            }
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_follow_distinct_values_or_quantiles() {
        let values: Vec<f64> = (0..40).map(f64::from).collect();
        let b = bins(&values);
        assert_eq!(b.len(), 8);
        assert!(b.iter().all(|g| g.len() == 5));
        assert_eq!(bins(&[1.0, 2.0, 1.0]).len(), 2);
        assert!(bins(&[f64::NAN]).is_empty());
    }

    #[test]
    fn panels_keep_x_and_y_together() {
        let x = [1.0, 1.0, 2.0, 2.0, 3.0];
        let y = [10.0, 12.0, f64::NAN, f64::NAN, 30.0];
        let p = Panel::of("a.b", &x, &y);
        let xs: Vec<f64> = p.points.iter().map(|q| q.0).collect();
        assert_eq!(xs, vec![1.0, 3.0]);
        assert_eq!(p.points[0].1.mean, 11.0);
    }
}
