//! Building blocks shared by every figure: the frame (title, subtitle and a
//! legend row above the chart, so the legend never hides data), the axis
//! style, and the line-with-95%-CI-band chart used for daily series and
//! one-parameter sweeps.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{Area, Canvas, DrawResult};
use super::data::Band;
use super::style::{self, font, GRID, INK, LINE, NOTE, RIBBON, SHADE, TICK, TITLE};

/// The chart type of a two-axis numeric chart.
pub type Chart<'a> = ChartContext<'a, Canvas, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A solid line.
    Line,
    /// A solid line over a light band (a mean with its 95% CI).
    LineBand,
    /// A dashed line.
    Dashed,
    /// A filled box.
    Box,
    /// A pale filled box (a shaded region).
    Shade,
    /// A filled dot (a data point).
    Dot,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct Legend {
    pub label: String,
    pub color: RGBColor,
    pub mark: Mark,
}

impl Legend {
    pub fn new(label: impl Into<String>, color: RGBColor, mark: Mark) -> Legend {
        Legend {
            label: label.into(),
            color,
            mark,
        }
    }
}

const LEFT: i32 = 40;

/// Draws the white background, the title, the subtitle (wrapped) and the
/// legend row, and returns the area left for the chart.
pub fn frame(
    root: &Area,
    title: &str,
    subtitle: &str,
    legend: &[Legend],
) -> Result<DrawingArea<Canvas, Shift>, DrawingAreaErrorKind<std::convert::Infallible>> {
    root.fill(&WHITE)?;
    let (width, _) = root.dim_in_pixel();
    let max_width = width as i32 - 2 * LEFT;
    let mut y = 22;
    let title_style = style::bold(TITLE).pos(Pos::new(HPos::Left, VPos::Top));
    for line in wrap(root, title, &title_style, max_width)? {
        root.draw(&Text::new(line, (LEFT, y), title_style.clone()))?;
        y += (TITLE * 1.25) as i32;
    }
    let sub_style = font(NOTE)
        .color(&RGBColor(85, 85, 85))
        .pos(Pos::new(HPos::Left, VPos::Top));
    if !subtitle.is_empty() {
        y += 4;
        for line in wrap(root, subtitle, &sub_style, max_width)? {
            root.draw(&Text::new(line, (LEFT, y), sub_style.clone()))?;
            y += (NOTE * 1.3) as i32;
        }
    }
    if !legend.is_empty() {
        y += 14;
        let label_style = font(TICK).pos(Pos::new(HPos::Left, VPos::Center));
        let row_h = (TICK * 1.5) as i32;
        let mut x = LEFT;
        let cy = y + row_h / 2;
        let mut cy = cy;
        for entry in legend {
            let (tw, _) = root.estimate_text_size(&entry.label, &label_style)?;
            let item = 46 + 10 + tw as i32 + 36;
            if x > LEFT && x + item > width as i32 - LEFT {
                x = LEFT;
                cy += row_h;
                y += row_h;
            }
            draw_mark(root, entry, (x, cy))?;
            root.draw(&Text::new(
                entry.label.clone(),
                (x + 56, cy),
                label_style.clone(),
            ))?;
            x += item;
        }
        y += row_h;
    }
    y += 12;
    Ok(root.split_vertically(y).1)
}

fn draw_mark(root: &Area, entry: &Legend, (x, y): (i32, i32)) -> DrawResult {
    let c = entry.color;
    match entry.mark {
        Mark::Line => root.draw(&PathElement::new(
            vec![(x, y), (x + 46, y)],
            c.stroke_width(LINE),
        )),
        Mark::LineBand => {
            root.draw(&Rectangle::new(
                [(x, y - 12), (x + 46, y + 12)],
                c.mix(RIBBON).filled(),
            ))?;
            root.draw(&PathElement::new(
                vec![(x, y), (x + 46, y)],
                c.stroke_width(LINE),
            ))
        }
        Mark::Dashed => {
            for (a, b) in [(0, 12), (18, 30), (36, 46)] {
                root.draw(&PathElement::new(
                    vec![(x + a, y), (x + b, y)],
                    c.stroke_width(LINE),
                ))?;
            }
            Ok(())
        }
        Mark::Box => root.draw(&Rectangle::new(
            [(x + 6, y - 12), (x + 40, y + 12)],
            c.filled(),
        )),
        Mark::Shade => {
            root.draw(&Rectangle::new(
                [(x + 6, y - 12), (x + 40, y + 12)],
                c.filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(x + 6, y - 12), (x + 40, y + 12)],
                GRID.stroke_width(2),
            ))
        }
        Mark::Dot => root.draw(&Circle::new((x + 23, y), 8, c.filled())),
    }
}

/// Splits `text` into lines no wider than `max_width` pixels.
pub fn wrap(
    root: &Area,
    text: &str,
    style: &TextStyle,
    max_width: i32,
) -> Result<Vec<String>, DrawingAreaErrorKind<std::convert::Infallible>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        let (w, _) = root.estimate_text_size(&candidate, style)?;
        if w as i32 > max_width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Height of the area under a chart for its x tick labels and description.
pub const X_LABELS: u32 = 92;

/// Builds a numeric chart on `area` with `(below, left)` pixels for the x
/// and y tick labels and descriptions.
pub fn cartesian<'a>(
    area: &'a DrawingArea<Canvas, Shift>,
    x: (f64, f64),
    y: (f64, f64),
    (below, left): (u32, u32),
) -> Result<Chart<'a>, DrawingAreaErrorKind<std::convert::Infallible>> {
    ChartBuilder::on(area)
        .margin_left(16)
        .margin_right(48)
        .margin_bottom(12)
        .margin_top(8)
        .x_label_area_size(below)
        .y_label_area_size(left)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)
}

/// One axis of a [`mesh`]: its description (empty for none), how many tick
/// labels it gets, whether they get grid lines, and how they are written.
pub struct Axis<'a> {
    pub desc: &'a str,
    pub labels: usize,
    pub grid: bool,
    pub fmt: &'a dyn Fn(&f64) -> String,
}

impl<'a> Axis<'a> {
    /// An axis with grid lines at its `labels` ticks.
    pub fn new(desc: &'a str, labels: usize, fmt: &'a dyn Fn(&f64) -> String) -> Axis<'a> {
        Axis {
            desc,
            labels,
            grid: true,
            fmt,
        }
    }

    /// The same axis without grid lines.
    pub fn no_grid(self) -> Axis<'a> {
        Axis {
            grid: false,
            ..self
        }
    }
}

/// Draws grid, axes, tick labels and axis descriptions (the x axis with
/// 10 labels, the y axis with 7).
pub fn mesh(
    chart: &mut Chart,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> DrawResult {
    mesh_of(
        chart,
        Axis::new(x_desc, 10, x_fmt),
        Axis::new(y_desc, 7, y_fmt),
    )
}

/// Draws grid, axes, tick labels and axis descriptions as `x` and `y` say.
pub fn mesh_of(chart: &mut Chart, x: Axis, y: Axis) -> DrawResult {
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(2))
        .axis_style(INK.stroke_width(2))
        .label_style(font(TICK))
        .axis_desc_style(font(style::AXIS))
        .set_all_tick_mark_size(8)
        .x_labels(x.labels)
        .y_labels(y.labels)
        .x_desc(x.desc)
        .y_desc(y.desc)
        .x_label_formatter(x.fmt)
        .y_label_formatter(y.fmt);
    if !x.grid {
        mesh.disable_x_mesh();
    }
    if !y.grid {
        mesh.disable_y_mesh();
    }
    mesh.draw()
}

/// A vertical error bar at `x` from `lo` to `hi`, its caps `cap` wide on
/// either side, in ink of `width` pixels.
pub fn error_bar(chart: &Chart, x: f64, (lo, hi): (f64, f64), cap: f64, width: u32) -> DrawResult {
    for seg in [
        vec![(x, lo), (x, hi)],
        vec![(x - cap, lo), (x + cap, lo)],
        vec![(x - cap, hi), (x + cap, hi)],
    ] {
        chart
            .plotting_area()
            .draw(&PathElement::new(seg, INK.stroke_width(width)))?;
    }
    Ok(())
}

/// The name of the category at slot `x` of a chart whose slots are one
/// unit wide, wrapped to the slot less `pad` pixels, under the x axis at
/// `y0`.
pub fn category_name(
    root: &Area,
    chart: &Chart,
    (x, y0): (f64, f64),
    name: &str,
    pad: i32,
) -> DrawResult {
    let slot = chart.backend_coord(&(0.5, 0.0)).0 - chart.backend_coord(&(-0.5, 0.0)).0;
    let (cx, axis_y) = chart.backend_coord(&(x, y0));
    let style = font(TICK).pos(Pos::new(HPos::Center, VPos::Top));
    let mut y = axis_y + 14;
    for line in wrap(root, name, &style, slot - pad)? {
        root.draw(&Text::new(line, (cx, y), style.clone()))?;
        y += (TICK * 1.2) as i32;
    }
    Ok(())
}

/// A mean with its 95% CI band against x.
#[derive(Debug, Clone)]
pub struct Curve {
    pub label: String,
    pub x: Vec<f64>,
    pub band: Band,
    pub color: RGBColor,
    pub dashed: bool,
    /// Draw a dot at every point (few points, such as a sweep's).
    pub markers: bool,
}

/// A labelled straight line across the chart.
#[derive(Debug, Clone)]
pub struct Rule {
    pub at: f64,
    pub label: String,
    pub color: RGBColor,
}

/// Everything a band chart shows.
#[derive(Debug, Clone, Default)]
pub struct BandChart {
    pub title: String,
    pub subtitle: String,
    pub x_desc: String,
    pub y_desc: String,
    pub curves: Vec<Curve>,
    /// A shaded x range with its legend label (the warm-up).
    pub shade: Option<(f64, f64, String)>,
    /// Horizontal dashed lines (a baseline, zero).
    pub hlines: Vec<Rule>,
    /// Vertical dashed lines (break-even points), labelled at the top.
    pub vlines: Vec<Rule>,
    /// Whether x values are whole days (ticks without decimals).
    pub integer_x: bool,
}

/// Draws a [`BandChart`].
pub fn band_chart(root: &Area, spec: &BandChart) -> DrawResult {
    let mut legend: Vec<Legend> = spec
        .curves
        .iter()
        .filter(|c| !c.label.is_empty())
        .map(|c| {
            let mark = if c.dashed {
                Mark::Dashed
            } else if has_band(c) {
                Mark::LineBand
            } else {
                Mark::Line
            };
            Legend::new(c.label.clone(), c.color, mark)
        })
        .collect();
    for rule in spec.hlines.iter().chain(&spec.vlines) {
        if !rule.label.is_empty() {
            legend.push(Legend::new(rule.label.clone(), rule.color, Mark::Dashed));
        }
    }
    if let Some((_, _, label)) = &spec.shade {
        legend.push(Legend::new(label.clone(), SHADE, Mark::Shade));
    }
    let area = frame(root, &spec.title, &spec.subtitle, &legend)?;

    let xs = spec.curves.iter().flat_map(|c| c.x.iter().copied());
    let (x0, x1) = finite_range(xs);
    let (x0, x1) = if spec.integer_x {
        style::padded(x0, x1, 0.0)
    } else {
        style::padded(x0, x1, 0.03)
    };
    let ys = spec
        .curves
        .iter()
        .flat_map(|c| {
            c.band
                .mean
                .iter()
                .chain(&c.band.lo)
                .chain(&c.band.hi)
                .copied()
        })
        .chain(spec.hlines.iter().map(|r| r.at));
    let (y0, y1) = finite_range(ys);
    let (y0, y1) = style::padded(y0, y1, 0.06);
    let y_span = y1 - y0;
    let x_span = x1 - x0;
    let mut chart = cartesian(&area, (x0, x1), (y0, y1), (X_LABELS, 150))?;

    if let Some((a, b, _)) = &spec.shade {
        let (a, b) = (a.max(x0), b.min(x1));
        if b > a {
            chart
                .plotting_area()
                .draw(&Rectangle::new([(a, y0), (b, y1)], SHADE.filled()))?;
        }
    }
    let x_fmt = |v: &f64| {
        if spec.integer_x {
            format!("{v:.0}")
        } else {
            style::axis_number(*v, x_span)
        }
    };
    let y_fmt = |v: &f64| style::axis_number(*v, y_span);
    mesh(&mut chart, &spec.x_desc, &spec.y_desc, &x_fmt, &y_fmt)?;

    for curve in &spec.curves {
        for run in finite_runs(curve) {
            let upper = run.iter().map(|&i| (curve.x[i], curve.band.hi[i]));
            let lower = run.iter().rev().map(|&i| (curve.x[i], curve.band.lo[i]));
            let ribbon: Vec<(f64, f64)> = upper.chain(lower).collect();
            if run.len() >= 2 {
                chart
                    .plotting_area()
                    .draw(&Polygon::new(ribbon, curve.color.mix(RIBBON).filled()))?;
            }
        }
    }
    for rule in &spec.hlines {
        chart.plotting_area().draw(&DashedPathElement::new(
            vec![(x0, rule.at), (x1, rule.at)],
            14,
            10,
            rule.color.stroke_width(3),
        ))?;
    }
    for rule in &spec.vlines {
        if rule.at >= x0 && rule.at <= x1 {
            chart.plotting_area().draw(&DashedPathElement::new(
                vec![(rule.at, y0), (rule.at, y1)],
                14,
                10,
                rule.color.stroke_width(3),
            ))?;
        }
    }
    for curve in &spec.curves {
        for run in finite_runs(curve) {
            let points: Vec<(f64, f64)> = run
                .iter()
                .map(|&i| (curve.x[i], curve.band.mean[i]))
                .collect();
            if curve.dashed {
                chart.plotting_area().draw(&DashedPathElement::new(
                    points.clone(),
                    18,
                    10,
                    curve.color.stroke_width(LINE),
                ))?;
            } else {
                chart.plotting_area().draw(&PathElement::new(
                    points.clone(),
                    curve.color.stroke_width(LINE),
                ))?;
            }
            if curve.markers {
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| Circle::new(p, 7, curve.color.filled())),
                )?;
            }
        }
    }
    Ok(())
}

/// Whether a curve's band has any width (else it is a plain line).
fn has_band(curve: &Curve) -> bool {
    let b = &curve.band;
    b.mean
        .iter()
        .zip(&b.lo)
        .zip(&b.hi)
        .any(|((m, lo), hi)| drawable(*lo) && drawable(*hi) && (lo != m || hi != m))
}

/// Index runs of a curve where mean and both bounds are finite.
fn finite_runs(curve: &Curve) -> Vec<Vec<usize>> {
    let n = curve
        .x
        .len()
        .min(curve.band.mean.len())
        .min(curve.band.lo.len())
        .min(curve.band.hi.len());
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for i in 0..n {
        let ok = [
            curve.x[i],
            curve.band.mean[i],
            curve.band.lo[i],
            curve.band.hi[i],
        ]
        .iter()
        .all(|v| drawable(*v));
        if ok {
            run.push(i);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Largest magnitude drawn: beyond it a value is treated as missing, so
/// that no axis range (or its span) overflows and plotters' tick search
/// always ends.
pub const MAX_DRAWN: f64 = 1e100;

/// Whether a value can be drawn: finite and at most [`MAX_DRAWN`] in size.
pub fn drawable(v: f64) -> bool {
    v.is_finite() && v.abs() <= MAX_DRAWN
}

/// Smallest and largest drawable value (0, 1 when there is none).
pub fn finite_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| drawable(*v))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo <= hi {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_skip_missing_values() {
        let curve = Curve {
            label: String::new(),
            x: vec![0.0, 1.0, 2.0, 3.0],
            band: Band {
                mean: vec![1.0, f64::NAN, 1.0, 1.0],
                lo: vec![0.0; 4],
                hi: vec![2.0; 4],
            },
            color: INK,
            dashed: false,
            markers: false,
        };
        assert_eq!(finite_runs(&curve), vec![vec![0], vec![2, 3]]);
        assert_eq!(finite_range([f64::NAN].into_iter()), (0.0, 1.0));
    }
}
