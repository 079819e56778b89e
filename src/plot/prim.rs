//! PRIM's figures for a folder `effectchain discover` wrote into: the
//! peeling trade-off (coverage against density at every step, coloured by
//! the number of restricted parameters, the chosen box ringed) from
//! `prim-trajectory.csv`, and the chosen box (its limits on each restricted
//! parameter against the parameter's sampled range) from `prim-box.json`.
//! Drawn with the plotters API the other figures use.

use std::path::Path;

use plotters::prelude::*;

use super::chart::{self, Legend, Mark};
use super::data;
use super::report::Story;
use super::style::{self, BLUE, GREEN, INK, PURPLE, SHADE, VERMILLION};
use super::{Figure, PlotError};
use crate::output::discover::{BOX_FILE, TRAJECTORY_FILE};
use crate::output::sweep::POINTS_FILE;

const COLORS: [RGBColor; 4] = [BLUE, GREEN, VERMILLION, PURPLE];

/// Adds the trade-off and box figures when `dir` holds PRIM's files.
pub fn extend(dir: &Path, _story: &mut Story, figures: &mut Vec<Figure>) -> Result<(), PlotError> {
    let path = dir.join(TRAJECTORY_FILE);
    if !path.is_file() {
        return Ok(());
    }
    let t = data::read_table(&path)?;
    let col = |c: &str| t.column(c).unwrap_or_default();
    let (coverage, density, restricted) = (col("coverage"), col("density"), col("restricted"));
    let b = data::read_json_opt(&dir.join(BOX_FILE))?;
    let chosen = b
        .as_ref()
        .and_then(|b| data::num(b, "chosen_step"))
        .map(|v| v as usize);
    let condition = b
        .as_ref()
        .and_then(|b| data::text(b, "condition"))
        .unwrap_or("the condition")
        .to_string();
    figures.push(tradeoff(
        &coverage,
        &density,
        &restricted,
        chosen,
        &condition,
    )?);
    if let Some(b) = &b {
        let limits: Vec<(String, f64, f64)> = data::items(b, "limits")
            .iter()
            .map(|l| {
                (
                    data::text(l, "parameter").unwrap_or("?").to_string(),
                    data::num(l, "low").unwrap_or(f64::NAN),
                    data::num(l, "high").unwrap_or(f64::NAN),
                )
            })
            .collect();
        if !limits.is_empty() && dir.join(POINTS_FILE).is_file() {
            let points = data::read_table(&dir.join(POINTS_FILE))?;
            let ranges: Vec<(f64, f64)> = limits
                .iter()
                .map(|(p, _, _)| {
                    chart::finite_range(points.column(p).unwrap_or_default().into_iter())
                })
                .collect();
            figures.push(box_figure(&limits, &ranges, &condition)?);
        }
    }
    Ok(())
}

fn tradeoff(
    coverage: &[f64],
    density: &[f64],
    restricted: &[f64],
    chosen: Option<usize>,
    condition: &str,
) -> Result<Figure, PlotError> {
    let title = format!("PRIM peeling trajectory for `{condition}`");
    let subtitle = "Each dot is one peeling step: share of the cases inside the box (coverage) against the share of the box's points that are cases (density); the ring is the chosen box.".to_string();
    let most = restricted.iter().fold(0.0f64, |a, b| a.max(*b)) as usize;
    let legend: Vec<Legend> = (0..=most.min(3))
        .map(|k| {
            let label = if k == 3 && most > 3 {
                "3 or more restricted".to_string()
            } else {
                format!("{k} restricted")
            };
            Legend::new(label, COLORS[k], Mark::Dot)
        })
        .collect();
    let caption = format!(
        "{} peeling steps; coverage falls from {:.0}% as density rises to {:.0}%.",
        coverage.len(),
        100.0 * coverage.first().copied().unwrap_or(f64::NAN),
        100.0 * density.iter().fold(f64::NAN, |a, b| a.max(*b))
    );
    Figure::draw("prim-tradeoff", &title, caption, false, |root| {
        let area = chart::frame(root, &title, &subtitle, &legend)?;
        let mut c = chart::cartesian(&area, (0.0, 1.02), (0.0, 1.02), (90, 130))?;
        let pct = |v: &f64| format!("{:.0}%", 100.0 * v);
        let (x, y) = (
            chart::Axis::new("Coverage", 6, &pct),
            chart::Axis::new("Density", 6, &pct),
        );
        chart::mesh_of(&mut c, x, y)?;
        for (i, (x, y)) in coverage.iter().zip(density).enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let k = restricted.get(i).copied().unwrap_or(0.0) as usize;
            c.plotting_area()
                .draw(&Circle::new((*x, *y), 7, COLORS[k.min(3)].filled()))?;
            if chosen == Some(i) {
                c.plotting_area()
                    .draw(&Circle::new((*x, *y), 16, INK.stroke_width(3)))?;
            }
        }
        Ok(())
    })
}

fn box_figure(
    limits: &[(String, f64, f64)],
    ranges: &[(f64, f64)],
    condition: &str,
) -> Result<Figure, PlotError> {
    let n = limits.len();
    let title = format!("Where `{condition}` concentrates (PRIM box)");
    let subtitle = "Each bar is a restricted parameter's sampled range (grey) and the box's limits on it (blue).".to_string();
    let legend = vec![
        Legend::new("Sampled range", SHADE, Mark::Box),
        Legend::new("Box", BLUE, Mark::Box),
    ];
    let caption = limits
        .iter()
        .map(|(p, lo, hi)| {
            format!(
                "{} from {} to {}",
                style::parameter_short(p),
                style::short(*lo),
                style::short(*hi)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    Figure::draw("prim-box", &title, caption, false, |root| {
        let area = chart::frame(root, &title, &subtitle, &legend)?;
        let rows_y = (-0.5, n as f64 - 0.5);
        let mut c = chart::cartesian(&area, (-0.02, 1.02), rows_y, (90, 260))?;
        let names: Vec<String> = limits
            .iter()
            .map(|l| style::parameter_short(&l.0))
            .collect();
        let y_fmt = |v: &f64| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                names[n - 1 - i as usize].clone()
            } else {
                String::new()
            }
        };
        let pct = |v: &f64| format!("{:.0}%", 100.0 * v);
        let x = chart::Axis::new("Position in the parameter's sampled range", 6, &pct);
        let y = chart::Axis::new("", n.max(1), &y_fmt).no_grid();
        chart::mesh_of(&mut c, x, y)?;
        for (i, ((_, lo, hi), (r0, r1))) in limits.iter().zip(ranges).enumerate() {
            let y = (n - 1 - i) as f64;
            let span = (r1 - r0).max(f64::MIN_POSITIVE);
            let unit = |v: f64| ((v - r0) / span).clamp(0.0, 1.0);
            let (a, b) = (
                if lo.is_finite() { unit(*lo) } else { 0.0 },
                if hi.is_finite() { unit(*hi) } else { 1.0 },
            );
            c.plotting_area().draw(&Rectangle::new(
                [(0.0, y - 0.3), (1.0, y + 0.3)],
                SHADE.filled(),
            ))?;
            c.plotting_area()
                .draw(&Rectangle::new([(a, y - 0.3), (b, y + 0.3)], BLUE.filled()))?;
        }
        Ok(())
    })
}
