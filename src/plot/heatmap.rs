//! Heatmaps of a two-parameter grid: one coloured cell per grid point
//! (diverging blue/orange around zero for differences, viridis for levels),
//! values written into the cells of small grids, a colour scale, and the
//! zero contour (the break-even) traced by marching squares.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::Cells;
use super::chart::{self, Legend, Mark};
use super::style::{self, font, INK, NOTE, TICK};
use super::{Figure, PlotError};

/// Most cells a heatmap writes its values into.
const MAX_ANNOTATED_CELLS: usize = 100;

/// Everything a heatmap shows.
pub struct Heatmap {
    pub name: String,
    pub title: String,
    pub subtitle: String,
    pub caption: String,
    /// Axis descriptions, with units.
    pub x_desc: String,
    pub y_desc: String,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// `z[i][j]`: value at (xs[i], ys[j]) and whether its CI includes 0.
    pub z: Vec<Vec<Option<(f64, bool)>>>,
    /// Symmetric blue/orange scale around 0 (else sequential viridis).
    pub diverging: bool,
    /// Write values whose CI includes 0 in parentheses.
    pub mark_unclear: bool,
    /// Draw the zero contour.
    pub contour: bool,
    pub scale_label: String,
    pub primary: bool,
    /// Draw the cells as one path per colour (for a large grid's blocks;
    /// the same pixels as one rectangle per cell).
    pub compact: bool,
}

/// Cell edges: midway between values, half a step beyond the ends (a
/// lone value gets a cell of width 1, or 10% of the value).
fn edges(v: &[f64]) -> Vec<f64> {
    let n = v.len();
    if n == 1 {
        let half = if v[0] == 0.0 { 0.5 } else { 0.05 * v[0].abs() };
        return vec![v[0] - half, v[0] + half];
    }
    let mut e = Vec::with_capacity(n + 1);
    e.push(v[0] - (v[1] - v[0]) / 2.0);
    for w in v.windows(2) {
        e.push((w[0] + w[1]) / 2.0);
    }
    e.push(v[n - 1] + (v[n - 1] - v[n - 2]) / 2.0);
    e
}

fn lerp_color(a: (f64, f64, f64), b: (f64, f64, f64), t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let m = |x: f64, y: f64| (x + (y - x) * t).round().clamp(0.0, 255.0) as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Blue (positive) through near-white (0) to orange (negative); `t` in
/// [-1, 1].
fn diverging(t: f64) -> RGBColor {
    let white = (247.0, 247.0, 247.0);
    if t >= 0.0 {
        lerp_color(white, (0.0, 90.0, 160.0), t)
    } else {
        lerp_color(white, (200.0, 82.0, 0.0), -t)
    }
}

/// The viridis colour map; `t` in [0, 1].
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = t.clamp(0.0, 1.0) * 4.0;
    let i = (t.floor() as usize).min(3);
    lerp_color(STOPS[i], STOPS[i + 1], t - i as f64)
}

fn luminance(c: RGBColor) -> f64 {
    (0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2)) / 255.0
}

/// Segments of the zero contour of `z` over cell centres (marching
/// squares with linear interpolation; saddles split by the centre value).
fn zero_contour(xs: &[f64], ys: &[f64], z: &[Vec<Option<(f64, bool)>>]) -> Vec<[(f64, f64); 2]> {
    let mut segments = Vec::new();
    let val = |i: usize, j: usize| z[i][j].map(|v| v.0);
    for i in 0..xs.len().saturating_sub(1) {
        for j in 0..ys.len().saturating_sub(1) {
            let (Some(a), Some(b), Some(c), Some(d)) =
                (val(i, j), val(i + 1, j), val(i + 1, j + 1), val(i, j + 1))
            else {
                continue;
            };
            // Corners counter-clockwise: (i,j) (i+1,j) (i+1,j+1) (i,j+1).
            let corners = [
                (xs[i], ys[j], a),
                (xs[i + 1], ys[j], b),
                (xs[i + 1], ys[j + 1], c),
                (xs[i], ys[j + 1], d),
            ];
            let mut points = Vec::new();
            for k in 0..4 {
                let (p, q) = (corners[k], corners[(k + 1) % 4]);
                if (p.2 > 0.0) != (q.2 > 0.0) {
                    let t = p.2 / (p.2 - q.2);
                    points.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
                }
            }
            match points.len() {
                2 => segments.push([points[0], points[1]]),
                4 => {
                    let centre = (a + b + c + d) / 4.0;
                    // Pair edges so the centre's side stays connected.
                    if (centre > 0.0) == (a > 0.0) {
                        segments.push([points[0], points[3]]);
                        segments.push([points[1], points[2]]);
                    } else {
                        segments.push([points[0], points[1]]);
                        segments.push([points[2], points[3]]);
                    }
                }
                _ => {}
            }
        }
    }
    segments
}

/// Draws a heatmap: coloured cells, values written in small grids, ticks at
/// the grid's own values, a colour scale, and the zero contour if asked.
pub fn heatmap(spec: &Heatmap) -> Result<Figure, PlotError> {
    let all: Vec<f64> = spec.z.iter().flatten().flatten().map(|v| v.0).collect();
    let (zmin, zmax) = chart::finite_range(all.iter().copied());
    let (zmin, zmax) = if spec.diverging {
        let m = zmin.abs().max(zmax.abs()).max(f64::MIN_POSITIVE);
        (-m, m)
    } else if zmax > zmin {
        (zmin, zmax)
    } else {
        style::padded(zmin, zmax, 0.0)
    };
    let color = |v: f64| {
        if spec.diverging {
            diverging(v / zmax)
        } else {
            viridis((v - zmin) / (zmax - zmin))
        }
    };
    let (xe, ye) = (edges(&spec.xs), edges(&spec.ys));
    let (x0, x1) = (xe[0], xe[xe.len() - 1]);
    let (y0, y1) = (ye[0], ye[ye.len() - 1]);
    let cells = spec.xs.len() * spec.ys.len();
    let mut legend = Vec::new();
    if spec.contour {
        legend.push(Legend::new("Break-even (difference = 0)", INK, Mark::Line));
    }
    Figure::draw(
        &spec.name,
        &spec.title,
        spec.caption.clone(),
        spec.primary,
        |root| {
            let area = chart::frame(root, &spec.title, &spec.subtitle, &legend)?;
            let (w, _) = area.dim_in_pixel();
            let (main, bar) = area.split_horizontally(w.saturating_sub(250));
            let mut ch = chart::cartesian(&main, (x0, x1), (y0, y1), (chart::X_LABELS, 130))?;
            ch.configure_mesh()
                .disable_mesh()
                .axis_style(INK.stroke_width(2))
                .axis_desc_style(font(style::AXIS))
                .x_labels(0)
                .y_labels(0)
                .x_desc(spec.x_desc.clone())
                .y_desc(spec.y_desc.clone())
                .draw()?;
            // Ticks at the grid's own values (at most 12 labelled per axis).
            let (xspan, yspan) = (x1 - x0, y1 - y0);
            let every = |n: usize| n.div_ceil(12).max(1);
            for v in spec.xs.iter().step_by(every(spec.xs.len())) {
                let (px, py) = ch.backend_coord(&(*v, y0));
                root.draw(&PathElement::new(
                    vec![(px, py), (px, py + 8)],
                    INK.stroke_width(2),
                ))?;
                root.draw(&Text::new(
                    style::axis_number(*v, xspan),
                    (px, py + 14),
                    font(TICK).pos(Pos::new(HPos::Center, VPos::Top)),
                ))?;
            }
            for v in spec.ys.iter().step_by(every(spec.ys.len())) {
                let (px, py) = ch.backend_coord(&(x0, *v));
                root.draw(&PathElement::new(
                    vec![(px - 8, py), (px, py)],
                    INK.stroke_width(2),
                ))?;
                root.draw(&Text::new(
                    style::axis_number(*v, yspan),
                    (px - 14, py),
                    font(TICK).pos(Pos::new(HPos::Right, VPos::Center)),
                ))?;
            }
            let mut compact = Cells::new();
            for (i, col) in spec.z.iter().enumerate() {
                for (j, v) in col.iter().enumerate() {
                    let fill = v.map_or(RGBColor(200, 200, 200), |(v, _)| color(v));
                    let corners = [(xe[i], ye[j]), (xe[i + 1], ye[j + 1])];
                    if spec.compact {
                        compact.push(corners[0], corners[1], fill);
                    } else {
                        ch.plotting_area()
                            .draw(&Rectangle::new(corners, fill.filled()))?;
                    }
                }
            }
            if spec.compact {
                ch.plotting_area().draw(&compact)?;
            }
            if spec.contour {
                let segments = zero_contour(&spec.xs, &spec.ys, &spec.z);
                for (style, width) in [(WHITE, 10), (INK, 5)] {
                    ch.draw_series(
                        segments
                            .iter()
                            .map(|s| PathElement::new(s.to_vec(), style.stroke_width(width))),
                    )?;
                }
            }
            let (left, _) = ch.backend_coord(&(xe[0], y0));
            let (right, _) = ch.backend_coord(&(xe[1], y0));
            if cells <= MAX_ANNOTATED_CELLS && right - left >= 70 {
                for (i, col) in spec.z.iter().enumerate() {
                    for (j, v) in col.iter().enumerate() {
                        let Some((v, unclear)) = v else { continue };
                        let mut text = style::axis_number(*v, zmax - zmin);
                        if spec.mark_unclear && *unclear {
                            text = format!("({text})");
                        }
                        let ink = if luminance(color(*v)) < 0.5 {
                            WHITE
                        } else {
                            INK
                        };
                        let (px, py) = ch.backend_coord(&(spec.xs[i], spec.ys[j]));
                        root.draw(&Text::new(
                            text,
                            (px, py),
                            font(NOTE)
                                .color(&ink)
                                .pos(Pos::new(HPos::Center, VPos::Center)),
                        ))?;
                    }
                }
            }
            // Colour scale.
            let mut scale = ChartBuilder::on(&bar)
                .margin_left(20)
                .margin_right(56)
                .margin_top(48)
                .margin_bottom(104)
                .y_label_area_size(0)
                .right_y_label_area_size(140)
                .build_cartesian_2d(0.0..1.0, zmin..zmax)?;
            let zspan = zmax - zmin;
            let z_fmt = |v: &f64| style::axis_number(*v, zspan);
            scale
                .configure_mesh()
                .disable_mesh()
                .disable_x_axis()
                .axis_style(INK.stroke_width(2))
                .label_style(font(NOTE))
                .y_labels(7)
                .y_label_formatter(&z_fmt)
                .draw()?;
            let steps = 120;
            scale.draw_series((0..steps).map(|k| {
                let a = zmin + zspan * k as f64 / steps as f64;
                let b = zmin + zspan * (k + 1) as f64 / steps as f64;
                Rectangle::new([(0.0, a), (1.0, b)], color((a + b) / 2.0).filled())
            }))?;
            let (_, top) = scale.backend_coord(&(0.0, zmax));
            let (_, bottom) = scale.backend_coord(&(0.0, zmin));
            let (width, _) = root.dim_in_pixel();
            root.draw(&Text::new(
                spec.scale_label.clone(),
                (width as i32 - 30, (top + bottom) / 2),
                font(NOTE)
                    .transform(FontTransform::Rotate90)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contour_crosses_between_signs() {
        let xs = [0.0, 1.0];
        let ys = [0.0, 1.0];
        let z = vec![
            vec![Some((1.0, false)), Some((1.0, false))],
            vec![Some((-1.0, false)), Some((-1.0, false))],
        ];
        let segs = zero_contour(&xs, &ys, &z);
        assert_eq!(segs.len(), 1);
        for p in segs[0] {
            assert!((p.0 - 0.5).abs() < 1e-12, "{p:?}");
        }
    }

    #[test]
    fn a_saddle_gives_two_segments() {
        let z = vec![
            vec![Some((1.0, false)), Some((-1.0, false))],
            vec![Some((-1.0, false)), Some((1.0, false))],
        ];
        assert_eq!(zero_contour(&[0.0, 1.0], &[0.0, 1.0], &z).len(), 2);
        let missing = vec![
            vec![None, Some((1.0, false))],
            vec![Some((-1.0, false)), None],
        ];
        assert!(zero_contour(&[0.0, 1.0], &[0.0, 1.0], &missing).is_empty());
    }

    #[test]
    fn cell_edges_lie_between_values() {
        assert_eq!(edges(&[0.0, 1.0, 3.0]), vec![-0.5, 0.5, 2.0, 4.0]);
        assert_eq!(edges(&[0.0]), vec![-0.5, 0.5]);
    }

    #[test]
    fn colour_maps_are_in_range() {
        assert_eq!(diverging(0.0), RGBColor(247, 247, 247));
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(7.0), RGBColor(253, 231, 37));
        assert!(luminance(viridis(0.0)) < 0.5 && luminance(viridis(1.0)) > 0.5);
    }
}
