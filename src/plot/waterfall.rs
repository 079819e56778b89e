//! A horizontal waterfall: one floating bar per step, each starting where
//! the previous one ended, and a final total bar with its 95% CI as an
//! error bar. Value labels sit right of the bars; the axis is widened until
//! the widest label fits.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{self, Legend, Mark};
use super::data::Estimate;
use super::style::{self, font, BLUE, GREEN, INK, TICK, VERMILLION};
use super::{Figure, PlotError};

/// Width of the category names, in pixels.
const NAME_WIDTH: f64 = 330.0;

/// Everything a waterfall shows.
pub struct Waterfall {
    pub title: String,
    pub subtitle: String,
    pub caption: String,
    pub x_desc: String,
    /// (name, change) of each step, top to bottom.
    pub steps: Vec<(String, f64)>,
    pub total_label: String,
    pub total: Estimate,
}

/// Draws a waterfall.
pub fn figure(spec: &Waterfall) -> Result<Figure, PlotError> {
    let total = spec.total;
    let mut rows: Vec<(String, f64, f64, f64)> = Vec::new(); // label, start, end, change
    let mut at = 0.0;
    for (name, change) in &spec.steps {
        rows.push((name.clone(), at, at + change, *change));
        at += change;
    }
    rows.push((spec.total_label.clone(), 0.0, total.mean, total.mean));
    let n = rows.len();
    let values = rows
        .iter()
        .flat_map(|r| [r.1, r.2])
        .chain([0.0, total.lo, total.hi]);
    let (lo, hi) = chart::finite_range(values);
    let span = (hi - lo).max(1.0);
    let labels: Vec<(String, f64)> = rows
        .iter()
        .enumerate()
        .map(|(i, (_, start, end, mean))| {
            if i == n - 1 {
                (
                    format!(
                        "{} (95% CI {} to {})",
                        style::signed_eur(*mean),
                        style::eur(total.lo),
                        style::eur(total.hi)
                    ),
                    start.max(*end).max(total.hi),
                )
            } else {
                (style::signed_eur(*mean), start.max(*end))
            }
        })
        .collect();
    let faces = super::font::faces().ok_or(PlotError::Fonts)?;
    let plot_width = f64::from(style::SIZE.0) - 16.0 - NAME_WIDTH - 48.0;
    let x0 = lo - 0.04 * span;
    let x1 = labels.iter().fold(hi + 0.04 * span, |x1, (text, at)| {
        let (w, _) = faces.regular.measure(text, TICK as f32);
        let f = ((f64::from(w) + 24.0) / plot_width).min(0.9);
        x1.max((at - f * x0) / (1.0 - f))
    });
    let (title, subtitle) = (&spec.title, &spec.subtitle);
    let legend = vec![
        Legend::new("Adds profit", GREEN, Mark::Box),
        Legend::new("Costs profit", VERMILLION, Mark::Box),
        Legend::new("Total difference", BLUE, Mark::Box),
        Legend::new("95% CI of the total", INK, Mark::Line),
    ];
    Figure::draw("waterfall", title, spec.caption.clone(), true, |root| {
        let area = chart::frame(root, title, subtitle, &legend)?;
        let y = |i: usize| (n - 1 - i) as f64;
        let rows_y = (-0.6, n as f64 - 0.4);
        let areas = (chart::X_LABELS, NAME_WIDTH as u32);
        let mut ch = chart::cartesian(&area, (x0, x1), rows_y, areas)?;
        let x_fmt = |v: &f64| style::axis_number(*v, span);
        let y_fmt = |_: &f64| String::new();
        let y_axis = chart::Axis::new("", 0, &y_fmt).no_grid();
        chart::mesh_of(&mut ch, chart::Axis::new(&spec.x_desc, 8, &x_fmt), y_axis)?;
        ch.plotting_area().draw(&PathElement::new(
            vec![(0.0, -0.6), (0.0, n as f64 - 0.4)],
            INK.stroke_width(2),
        ))?;
        let half = 0.32;
        for (i, (_, start, end, mean)) in rows.iter().enumerate() {
            let color = if i == n - 1 {
                BLUE
            } else if *mean >= 0.0 {
                GREEN
            } else {
                VERMILLION
            };
            ch.plotting_area().draw(&Rectangle::new(
                [(*start, y(i) - half), (*end, y(i) + half)],
                color.filled(),
            ))?;
            if i + 1 < n {
                ch.plotting_area().draw(&DashedPathElement::new(
                    vec![(*end, y(i) - half), (*end, y(i + 1) + half)],
                    6,
                    6,
                    RGBColor(130, 130, 130).stroke_width(2),
                ))?;
            }
        }
        let ty = y(n - 1);
        let cap = 0.16;
        for seg in [
            vec![(total.lo, ty), (total.hi, ty)],
            vec![(total.lo, ty - cap), (total.lo, ty + cap)],
            vec![(total.hi, ty - cap), (total.hi, ty + cap)],
        ] {
            ch.plotting_area()
                .draw(&PathElement::new(seg, INK.stroke_width(4)))?;
        }
        // Category names left of the axis, value labels beside the bars.
        let name_style = font(TICK).pos(Pos::new(HPos::Right, VPos::Center));
        let bold_name = style::bold(TICK).pos(Pos::new(HPos::Right, VPos::Center));
        let left = ch.backend_coord(&(x0, 0.0)).0 - 14;
        for (i, (label, ..)) in rows.iter().enumerate() {
            let (_, py) = ch.backend_coord(&(0.0, y(i)));
            let s = if i == n - 1 { &bold_name } else { &name_style };
            root.draw(&Text::new(label.clone(), (left, py), s.clone()))?;
            let (text, edge) = &labels[i];
            let (px, _) = ch.backend_coord(&(*edge, y(i)));
            let value_style = font(TICK).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(text.clone(), (px + 12, py), value_style))?;
        }
        Ok(())
    })
}
