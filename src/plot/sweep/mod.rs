//! The figures and the story of a sweep folder (`effectchain sweep`).
//!
//! * one parameter: every KPI against it with its 95% CI band and the
//!   baseline's value, and the profit difference to the baseline with the
//!   break-even points marked;
//! * two parameters on a grid: heatmaps, the profit difference's with its
//!   break-even contour (where the difference is zero, by marching squares);
//! * more parameters (or two off a grid): main-effect plots, the mean of
//!   each KPI per binned value of each parameter.
//!
//! The parameters and KPIs are taken from `points.csv`'s header, so the
//! folder can be plotted without its manifest.

mod points;
mod story;

use std::path::Path;

use plotters::style::RGBColor;
use serde_json::Value;

use super::chart::{self, BandChart, Curve, Rule};
use super::data::{self, Band, Estimate};
use super::effects::{self, Effects, Panel};
use super::heatmap;
use super::report::Story;
use super::run::folder_name;
use super::style::{self, BLUE, INK, VERMILLION};
use super::{Figure, PlotError};
use crate::experiment::sweep::zero_crossings;
use crate::output::columns;

pub use crate::output::sweep::{BREAKEVEN_FILE, MANIFEST_FILE, POINTS_FILE};
use points::{MAX_CURVE_POINTS, MAX_HEATMAP_CELLS};

/// A row as the report's tables list it.
#[derive(Debug, Clone)]
struct Listed {
    values: Vec<f64>,
    /// Profit mean, CI low, CI high (NaN without profit).
    profit: [f64; 3],
    /// The profit difference's (NaN without a baseline).
    diff: [f64; 3],
}

/// A one-parameter sweep's curves: bins of `per_bin` adjacent x values
/// (sorted by x), each column the mean of its bin's values.
struct CurveBins {
    bins: usize,
    per_bin: usize,
    /// Column 0: x; KPI `k`: `1 + 6k ..`, its mean, CI low and high, then
    /// its difference's.
    sums: points::Sums,
}

/// A two-parameter grid drawn in blocks of `bx` × `by` grid points.
struct GridBlocks {
    /// Block centres (mean of their grid values).
    xs: Vec<f64>,
    ys: Vec<f64>,
    /// The grid's size.
    nx: usize,
    ny: usize,
    bx: usize,
    by: usize,
    /// Block `i * ys.len() + j`; column 0 the profit difference, `1 + k`
    /// KPI `k`'s mean.
    sums: points::Sums,
    /// Whether the 95% CI of the profit difference of any of the block's
    /// points includes 0.
    unclear: Vec<bool>,
}

/// What a sweep's figures are drawn from.
enum Shape {
    Curve(CurveBins),
    Grid(GridBlocks),
    /// Main effects: per target (KPI, difference?), one panel per parameter.
    Effects(Vec<(String, bool, Vec<Panel>)>),
}

/// A sweep folder read back: what its story and figures need, never the
/// whole table (see [`points`]).
struct SweepData {
    name: String,
    params: Vec<String>,
    kpis: Vec<String>,
    has_diff: bool,
    baseline: Vec<(String, String)>,
    manifest: Option<Value>,
    breakeven: Option<Value>,
    /// Rows in points.csv.
    points: usize,
    /// The rows of the highest mean profit and profit difference (the last
    /// of equal ones), over all rows.
    best: [Option<(Vec<f64>, Estimate)>; 2],
    /// The rows the report lists, most profitable first: all of them for
    /// at most [`points::MAX_LISTED_POINTS`], else the top ten.
    listed: Vec<Listed>,
    /// One parameter with a baseline: (x, profit difference mean, CI low,
    /// CI high) of every row with a finite x, sorted by x.
    line: Vec<[f64; 4]>,
    shape: Shape,
}

impl SweepData {
    /// The baseline's value of the first parameter, if the baseline sets it.
    fn baseline_x(&self) -> Option<f64> {
        self.baseline
            .iter()
            .find(|(k, _)| *k == self.params[0])
            .and_then(|(_, v)| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
    }

    fn has(&self, kpi: &str) -> bool {
        self.kpis.iter().any(|k| k == kpi)
    }

    /// The baseline overrides in words (`latitude = 0.2, staff = 7`).
    fn baseline_text(&self) -> String {
        style::assignments(&self.baseline)
    }

    fn is_grid(&self) -> bool {
        matches!(self.shape, Shape::Grid(_))
    }
}

fn read(dir: &Path) -> Result<SweepData, PlotError> {
    use points::{block_means, block_size, blocks, col, each_row, estimate_cols};
    let path = dir.join(POINTS_FILE);
    let header = points::header(&path)?;
    let manifest = data::read_json_opt(&dir.join(MANIFEST_FILE))?;
    let breakeven = data::read_json_opt(&dir.join(BREAKEVEN_FILE))?;
    let bad = |message: &str| PlotError::Read {
        path: path.clone(),
        message: message.to_string(),
    };
    let columns::Points {
        parameters: params,
        kpis,
        with_baseline: has_diff,
        ..
    } = columns::Points::parse(&header).map_err(bad)?;
    let baseline = data::pairs(manifest.as_ref(), "baseline");
    let name = manifest
        .as_ref()
        .and_then(|m| data::text(m, "sweep_file"))
        .map(data::stem)
        .unwrap_or_else(|| folder_name(dir));
    let has_profit = kpis.iter().any(|k| k == "profit");
    let pcols: Vec<Option<usize>> = params.iter().map(|p| col(&header, p)).collect();
    let profit = estimate_cols(&header, "profit");
    let dprofit = estimate_cols(&header, &columns::difference("profit"));
    let want_line = params.len() == 1 && has_diff && has_profit;

    // Pass 1: the story's facts from every row, and the parameter columns.
    let mut xcols: Vec<Vec<f64>> = vec![Vec::new(); params.len()];
    let mut best: [Option<(Vec<f64>, Estimate)>; 2] = [None, None];
    let mut all: Option<Vec<Listed>> = Some(Vec::new());
    let mut top: Vec<Listed> = Vec::new();
    let mut line: Vec<[f64; 4]> = Vec::new();
    let rows = each_row(&path, |_, row| {
        let values: Vec<f64> = pcols.iter().map(|c| row.get(*c)).collect();
        let p = profit.map(|c| row.get(c));
        let d = dprofit.map(|c| row.get(c));
        for (slot, e) in best.iter_mut().zip([p, d]) {
            // The last of the highest finite means, as `max_by` finds it.
            if e[0].is_finite() && slot.as_ref().is_none_or(|(_, b)| e[0] >= b.mean) {
                let [mean, lo, hi] = e;
                *slot = Some((values.clone(), Estimate { mean, lo, hi }));
            }
        }
        if want_line && values[0].is_finite() {
            line.push([values[0], d[0], d[1], d[2]]);
        }
        for (x, v) in xcols.iter_mut().zip(&values) {
            x.push(*v);
        }
        let listed = Listed {
            values,
            profit: p,
            diff: d,
        };
        // The report's order: by profit, most first, equal ones in row
        // order (a stable sort); without profit, row order.
        let at = if has_profit {
            top.partition_point(|e| e.profit[0].total_cmp(&p[0]).is_ge())
        } else {
            top.len()
        };
        if at < points::TOP_POINTS {
            top.insert(at, listed.clone());
            top.truncate(points::TOP_POINTS);
        }
        if let Some(a) = &mut all {
            if a.len() < points::MAX_LISTED_POINTS {
                a.push(listed);
            } else {
                all = None;
            }
        }
    })?;
    let listed = match all {
        Some(mut a) => {
            if has_profit {
                a.sort_by(|x, y| y.profit[0].total_cmp(&x.profit[0]));
            }
            a
        }
        None => top,
    };
    let by_x = |a: &[f64; 4], b: &[f64; 4]| a[0].total_cmp(&b[0]);
    if !line.is_sorted_by(|a, b| by_x(a, b).is_le()) {
        line.sort_by(by_x);
    }

    // The figure's layout, then pass 2: each row's values summed into it.
    let kcols: Vec<[[Option<usize>; 3]; 2]> = kpis
        .iter()
        .map(|k| {
            [
                estimate_cols(&header, k),
                estimate_cols(&header, &columns::difference(k)),
            ]
        })
        .collect();
    let grid = if params.len() == 2 {
        points::grid_cells(&xcols[0], &xcols[1])
    } else {
        None
    };
    let shape = if params.len() == 1 {
        let x = std::mem::take(&mut xcols[0]);
        let mut order: Vec<u32> = (0..x.len() as u32)
            .filter(|&r| x[r as usize].is_finite())
            .collect();
        // Sorted by x, equal values in row order.
        order.sort_unstable_by(|&a, &b| x[a as usize].total_cmp(&x[b as usize]).then(a.cmp(&b)));
        let per_bin = block_size(order.len(), MAX_CURVE_POINTS);
        let bins = blocks(order.len(), per_bin);
        let mut bin_of = vec![u32::MAX; x.len()];
        for (pos, &r) in order.iter().enumerate() {
            bin_of[r as usize] = (pos / per_bin) as u32;
        }
        drop((x, order));
        let mut sums = points::Sums::new(bins, 1 + 6 * kpis.len());
        each_row(&path, |r, row| {
            let Some(&b) = bin_of.get(r).filter(|b| **b != u32::MAX) else {
                return;
            };
            let b = b as usize;
            sums.add(b, 0, row.get(pcols[0]));
            for (k, [level, diff]) in kcols.iter().enumerate() {
                for j in 0..3 {
                    sums.add(b, 1 + 6 * k + j, row.get(level[j]));
                    sums.add(b, 4 + 6 * k + j, row.get(diff[j]));
                }
            }
        })?;
        Shape::Curve(CurveBins {
            bins,
            per_bin,
            sums,
        })
    } else if let Some((xs, ys, mut cells)) = grid {
        xcols.clear();
        let (nx, ny) = (xs.len(), ys.len());
        let (bx, by) = (
            block_size(nx, MAX_HEATMAP_CELLS),
            block_size(ny, MAX_HEATMAP_CELLS),
        );
        let cy = blocks(ny, by);
        for c in &mut cells {
            let (i, j) = (*c as usize / ny, *c as usize % ny);
            *c = ((i / bx) * cy + j / by) as u32;
        }
        let (xs, ys) = (block_means(&xs, bx), block_means(&ys, by));
        let mut sums = points::Sums::new(xs.len() * ys.len(), 1 + kpis.len());
        let mut unclear = vec![false; xs.len() * ys.len()];
        let diff_col = if has_diff && has_profit {
            dprofit
        } else {
            [None; 3]
        };
        each_row(&path, |r, row| {
            let Some(&b) = cells.get(r) else { return };
            let b = b as usize;
            let d = diff_col.map(|c| row.get(c));
            sums.add(b, 0, d[0]);
            if d[0].is_finite() && !(d[1] > 0.0 || d[2] < 0.0) {
                unclear[b] = true;
            }
            for (k, [level, _]) in kcols.iter().enumerate() {
                sums.add(b, 1 + k, row.get(level[0]));
            }
        })?;
        Shape::Grid(GridBlocks {
            xs,
            ys,
            nx,
            ny,
            bx,
            by,
            sums,
            unclear,
        })
    } else {
        let mut targets: Vec<(String, bool)> = Vec::new();
        if has_diff && has_profit {
            targets.push(("profit".into(), true));
        }
        targets.extend(kpis.iter().map(|k| (k.clone(), false)));
        let cols: Vec<points::EffectTarget> = targets
            .iter()
            .map(|(k, diff)| points::EffectTarget {
                col: col(
                    &header,
                    &columns::estimate(&if *diff {
                        columns::difference(k)
                    } else {
                        k.clone()
                    })[0],
                ),
            })
            .collect();
        let panels = points::effect_panels(&path, &params, &xcols, &cols, rows)?;
        xcols.clear();
        Shape::Effects(
            targets
                .into_iter()
                .zip(panels)
                .map(|((k, d), p)| (k, d, p))
                .collect(),
        )
    };
    Ok(SweepData {
        name,
        params,
        kpis,
        has_diff,
        baseline,
        manifest,
        breakeven,
        points: rows,
        best,
        listed,
        line,
        shape,
    })
}

/// Reads a sweep folder and builds its story and figures.
pub fn build(dir: &Path) -> Result<(Story, Vec<Figure>), PlotError> {
    let s = read(dir)?;
    let figures = match &s.shape {
        Shape::Curve(c) => one_parameter(&s, c)?,
        Shape::Grid(g) => two_parameters(&s, g)?,
        Shape::Effects(e) => main_effects(&s, e)?,
    };
    let mut story = story::story(dir, &s);
    let mut figures = figures;
    super::best::extend(dir, &mut story)?;
    super::discover::extend(dir, &mut story)?;
    super::optimize::extend(dir, &mut story)?;
    super::prim::extend(dir, &mut story, &mut figures)?;
    // A sensitivity study's folder is a sweep folder with its indices.
    super::sensitivity::extend(dir, &mut story, &mut figures)?;
    Ok((story, figures))
}

/// `(x, profit difference band)` of a one-parameter sweep's rows, sorted
/// by x.
fn line_band(s: &SweepData) -> (Vec<f64>, Band) {
    let x = s.line.iter().map(|r| r[0]).collect();
    let [mean, lo, hi] = [1, 2, 3].map(|k| s.line.iter().map(|r| r[k]).collect());
    (x, Band { mean, lo, hi })
}

fn kpi_axis(kpi: &str) -> String {
    style::with_unit(&style::kpi_name(kpi), style::kpi_unit(kpi))
}

/// Break-even points of a one-parameter sweep: where the mean profit
/// difference crosses zero, from breakeven.json or from the rows.
fn crossings(s: &SweepData) -> (Vec<f64>, Vec<f64>) {
    let from_file = |key: &str| -> Option<Vec<f64>> {
        let v = s.breakeven.as_ref()?.get("break_even")?.get(key)?;
        Some(v.as_array()?.iter().filter_map(Value::as_f64).collect())
    };
    let (x, d) = line_band(s);
    let mean = from_file("crossings").unwrap_or_else(|| zero_crossings(&x, &d.mean));
    let mut ci: Vec<f64> = match (
        from_file("ci_low_crossings"),
        from_file("ci_high_crossings"),
    ) {
        (Some(a), Some(b)) => a.into_iter().chain(b).collect(),
        _ => zero_crossings(&x, &d.lo)
            .into_iter()
            .chain(zero_crossings(&x, &d.hi))
            .collect(),
    };
    ci.sort_by(f64::total_cmp);
    // At the baseline's own value the difference is zero by construction:
    // that is no break-even.
    let span = x
        .last()
        .zip(x.first())
        .map_or(1.0, |(l, f)| (l - f).abs().max(1e-12));
    let not_baseline = |c: &f64| s.baseline_x().is_none_or(|b| (c - b).abs() > 1e-9 * span);
    (
        mean.into_iter().filter(not_baseline).collect(),
        ci.into_iter().filter(not_baseline).collect(),
    )
}

/// The sentence a coarsened curve's subtitle and caption end with.
fn binned_words(c: &CurveBins) -> String {
    if c.per_bin > 1 {
        format!(
            " Each plotted point is the mean of {} adjacent swept values (their x, means and CI \
             bounds averaged).",
            c.per_bin
        )
    } else {
        String::new()
    }
}

fn one_parameter(s: &SweepData, c: &CurveBins) -> Result<Vec<Figure>, PlotError> {
    let param = &s.params[0];
    let x: Vec<f64> = (0..c.bins).map(|b| c.sums.mean(b, 0)).collect();
    let k_of = |kpi: &str| s.kpis.iter().position(|k| k == kpi);
    let band = |kpi: &str, diff: bool| -> Band {
        match k_of(kpi) {
            Some(k) => {
                let at = 1 + 6 * k + if diff { 3 } else { 0 };
                points::band(&c.sums, c.bins, [at, at + 1, at + 2])
            }
            None => Band {
                mean: vec![f64::NAN; c.bins],
                lo: vec![f64::NAN; c.bins],
                hi: vec![f64::NAN; c.bins],
            },
        }
    };
    let binned = binned_words(c);
    let short = style::parameter_short(param);
    let mut figures = Vec::new();
    let base_label = format!("Baseline ({})", s.baseline_text());
    if s.has_diff && s.has("profit") {
        let (cross, _) = crossings(s);
        let title = format!(
            "Profit difference to the baseline across {short}: {}",
            s.name
        );
        let spec = BandChart {
            title: title.clone(),
            subtitle: format!(
                "Mean profit difference (point − baseline, paired) over the KPI window, with its \
                 95% confidence band. Above zero, the point makes more profit than the baseline \
                 ({}).{binned}",
                s.baseline_text()
            ),
            x_desc: style::parameter_name(param),
            y_desc: "Profit difference to the baseline (EUR)".into(),
            curves: vec![Curve {
                label: "Mean difference with 95% CI".into(),
                x: x.clone(),
                band: band("profit", true),
                color: BLUE,
                dashed: false,
                markers: true,
            }],
            hlines: vec![Rule {
                at: 0.0,
                label: "No difference".into(),
                color: INK,
            }],
            vlines: cross
                .iter()
                .map(|c| Rule {
                    at: *c,
                    label: format!("Break-even at {short} ≈ {}", style::short(*c)),
                    color: VERMILLION,
                })
                .chain(s.baseline_x().map(|b| Rule {
                    at: b,
                    label: format!("Baseline {short} = {}", style::short(b)),
                    color: RGBColor(150, 150, 150),
                }))
                .collect(),
            ..BandChart::default()
        };
        let caption = if cross.is_empty() {
            format!(
                "How much more (or less) profit each {short} makes than the baseline; the \
                 difference does not cross zero apart from the baseline's own value.{binned}"
            )
        } else {
            format!(
                "How much more (or less) profit each {short} makes than the baseline; the \
                 dashed vertical lines mark the break-even, where the difference crosses \
                 zero.{binned}"
            )
        };
        figures.push(Figure::draw(
            "profit-difference",
            &title,
            caption,
            true,
            |root| chart::band_chart(root, &spec),
        )?);
    }
    for kpi in &s.kpis {
        let level = band(kpi, false);
        let mut curves = vec![Curve {
            label: "Mean with 95% CI".into(),
            x: x.clone(),
            band: level.clone(),
            color: BLUE,
            dashed: false,
            markers: true,
        }];
        if s.has_diff {
            let diff = band(kpi, true);
            let base: Vec<f64> = level
                .mean
                .iter()
                .zip(&diff.mean)
                .map(|(m, d)| m - d)
                .collect();
            curves.push(Curve {
                label: base_label.clone(),
                x: x.clone(),
                band: Band {
                    mean: base.clone(),
                    lo: base.clone(),
                    hi: base,
                },
                color: INK,
                dashed: true,
                markers: false,
            });
        }
        let name = style::kpi_name(kpi);
        let title = format!("{name} across {short}: {}", s.name);
        let doc = style::kpi_doc(kpi);
        let spec = BandChart {
            title: title.clone(),
            subtitle: format!(
                "Mean over the KPI window at each swept value, with its 95% confidence \
                 band.{}{binned}",
                if doc.is_empty() {
                    String::new()
                } else {
                    format!(" {}: {doc}.", style::kpi_name(kpi))
                }
            ),
            x_desc: style::parameter_name(param),
            y_desc: kpi_axis(kpi),
            curves,
            ..BandChart::default()
        };
        let primary = kpi == "profit" && !(s.has_diff && s.has("profit"));
        let caption = format!("{name} at each value of {short}.{binned}");
        figures.push(Figure::draw(
            &format!("kpi-{}", slug(kpi)),
            &title,
            caption,
            primary,
            |root| chart::band_chart(root, &spec),
        )?);
    }
    Ok(figures)
}

fn slug(name: &str) -> String {
    name.replace(['_', '.'], "-")
}

/// The sentence a coarsened heatmap's subtitle and caption end with.
fn block_words(g: &GridBlocks, contour: bool) -> String {
    if g.bx > 1 || g.by > 1 {
        format!(
            " The {} × {} grid is drawn in blocks: each cell is the mean of {} × {} grid points \
             (fewer at the upper edges){}.",
            g.nx,
            g.ny,
            g.bx,
            g.by,
            if contour {
                "; the break-even contour is traced through the block means"
            } else {
                ""
            }
        )
    } else {
        String::new()
    }
}

fn two_parameters(s: &SweepData, g: &GridBlocks) -> Result<Vec<Figure>, PlotError> {
    let (xs, ys) = (&g.xs, &g.ys);
    let mut figures = Vec::new();
    let (px, py) = (&s.params[0], &s.params[1]);
    let (sx, sy) = (style::parameter_short(px), style::parameter_short(py));
    let blocked = block_words(g, false);
    // Column `col` of the blocks as z[i][j]; a block is unclear when the
    // profit difference's CI of any of its points includes 0.
    let values = |col: usize, unclear: bool| -> Vec<Vec<Option<(f64, bool)>>> {
        (0..xs.len())
            .map(|i| {
                (0..ys.len())
                    .map(|j| {
                        let b = i * ys.len() + j;
                        let m = g.sums.mean(b, col);
                        m.is_finite().then_some((m, unclear && g.unclear[b]))
                    })
                    .collect()
            })
            .collect()
    };
    if s.has_diff && s.has("profit") {
        let title = format!("Profit difference to the baseline: {sx} × {sy}");
        let spec = heatmap::Heatmap {
            name: "heatmap-profit-difference".into(),
            title: title.clone(),
            subtitle: format!(
                "Mean profit difference (point − baseline, paired) over the KPI window; blue: \
                 more profit than the baseline ({}), orange: less. The black line is the \
                 break-even (difference 0). Values in parentheses: the 95% CI includes \
                 0.{}",
                s.baseline_text(),
                block_words(g, true)
            ),
            caption: format!(
                "Where the combination of {sx} and {sy} pays against the baseline; the black \
                 contour is the break-even.{}",
                block_words(g, true)
            ),
            x_desc: style::parameter_name(px),
            y_desc: style::parameter_name(py),
            xs: xs.clone(),
            ys: ys.clone(),
            z: values(0, true),
            diverging: true,
            mark_unclear: true,
            contour: true,
            scale_label: "Profit difference (EUR)".into(),
            primary: true,
            compact: g.bx > 1 || g.by > 1,
        };
        figures.push(heatmap::heatmap(&spec)?);
    }
    for (k, kpi) in s.kpis.iter().enumerate() {
        let name = style::kpi_name(kpi);
        let title = format!("{name}: {sx} × {sy}");
        let spec = heatmap::Heatmap {
            name: format!("heatmap-{}", slug(kpi)),
            title: title.clone(),
            subtitle: format!(
                "Mean {} over the KPI window at each grid point (brighter: higher).{blocked}",
                name.to_lowercase()
            ),
            caption: format!("{name} at each combination of {sx} and {sy}.{blocked}"),
            x_desc: style::parameter_name(px),
            y_desc: style::parameter_name(py),
            xs: xs.clone(),
            ys: ys.clone(),
            z: values(1 + k, false),
            diverging: false,
            mark_unclear: false,
            contour: false,
            scale_label: kpi_axis(kpi),
            primary: kpi == "profit" && !s.has_diff,
            compact: g.bx > 1 || g.by > 1,
        };
        figures.push(heatmap::heatmap(&spec)?);
    }
    Ok(figures)
}

fn main_effects(
    s: &SweepData,
    targets: &[(String, bool, Vec<Panel>)],
) -> Result<Vec<Figure>, PlotError> {
    let mut figures = Vec::new();
    for (kpi, diff, panels) in targets {
        let (kpi, diff) = (kpi.clone(), *diff);
        let panels = panels.clone();
        let name = if diff {
            "Profit difference to the baseline".to_string()
        } else {
            style::kpi_name(&kpi)
        };
        let lower = name.to_lowercase();
        figures.push(effects::figure(&Effects {
            stem: if diff {
                "main-effects-profit-difference".to_string()
            } else {
                format!("main-effects-{}", slug(&kpi))
            },
            title: format!("Main effects on {lower}: {}", s.name),
            subtitle: format!(
                "Each panel: the mean {lower} over all sweep points in each range of one \
                 parameter (averaging over the others), with a 95% CI. A steep panel means the \
                 parameter matters."
            ),
            caption: format!(
                "Main effects of the {} swept parameters on {lower}.",
                s.params.len()
            ),
            y_desc: if diff {
                "Profit difference (EUR)".to_string()
            } else {
                kpi_axis(&kpi)
            },
            zero_line: diff,
            primary: kpi == "profit" && (diff || !s.has_diff),
            panels,
        })?);
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::fs;

    use super::*;

    /// points.csv read back as numbers (header skipped).
    fn rows_of(dir: &Path) -> Vec<Vec<f64>> {
        fs::read_to_string(dir.join(POINTS_FILE))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
            .collect()
    }

    /// A 401 × 3 grid (finer than a heatmap shows along x) of profit and
    /// its difference, which vary inside every block.
    fn fine_grid(dir: &Path) {
        let mut csv = String::from(
            "point_id,a.x,b.y,profit_mean,profit_ci_low,profit_ci_high,profit_diff_mean,\
             profit_diff_ci_low,profit_diff_ci_high\n",
        );
        let mut id = 0;
        for i in 0..401 {
            for j in 0..3 {
                let (x, y) = (f64::from(i) / 400.0, f64::from(j));
                let p = f64::from(i * 7 % 13) * 10.1 + y;
                let d = p - 60.0;
                let half = if i == 16 && j == 2 { 100.0 } else { 1.0 };
                writeln!(
                    csv,
                    "{id},{x},{y},{p},{},{},{d},{},{}",
                    p - 1.0,
                    p + 1.0,
                    d - half,
                    d + half
                )
                .unwrap();
                id += 1;
            }
        }
        fs::write(dir.join(POINTS_FILE), csv).unwrap();
    }

    #[test]
    fn a_fine_grid_is_drawn_in_blocks_of_its_points_means() {
        let tmp = tempfile::tempdir().unwrap();
        fine_grid(tmp.path());
        let s = read(tmp.path()).unwrap();
        let Shape::Grid(g) = &s.shape else {
            panic!("a full grid is a grid")
        };
        assert_eq!((g.nx, g.ny, g.bx, g.by), (401, 3, 3, 1));
        // 401 = 133 × 3 + 2: the last block along x holds two grid values.
        assert_eq!((g.xs.len(), g.ys.len()), (134, 3));
        // Block (5, 2): grid points x = 15, 16, 17 (/400) at y = 2, found
        // in points.csv by their values.
        let rows = rows_of(tmp.path());
        let block: Vec<&Vec<f64>> = rows
            .iter()
            .filter(|r| ((r[1] * 400.0).round() as usize) / 3 == 5 && r[2] == 2.0)
            .collect();
        assert_eq!(block.len(), 3);
        let mean = |k: usize| block.iter().map(|r| r[k]).sum::<f64>() / 3.0;
        let b = 5 * g.ys.len() + 2;
        assert_eq!(g.sums.mean(b, 0), mean(6), "profit difference");
        assert_eq!(g.sums.mean(b, 1), mean(3), "profit");
        assert_eq!(g.xs[5], mean(1));
        assert_eq!(g.ys[2], 2.0);
        // The point x = 16/400, y = 2 has a CI that includes 0: its block
        // is unclear, its neighbours are not.
        assert!(g.unclear[b]);
        assert!(!g.unclear[b - 1] && !g.unclear[b + g.ys.len()]);
        // The last block along x: the mean of its two points.
        let last: Vec<&Vec<f64>> = rows
            .iter()
            .filter(|r| (r[1] * 400.0).round() >= 399.0 && r[2] == 0.0)
            .collect();
        assert_eq!(last.len(), 2);
        assert_eq!(
            g.sums.mean(133 * g.ys.len(), 1),
            (last[0][3] + last[1][3]) / 2.0
        );
    }

    #[test]
    fn the_story_of_a_coarsened_grid_keeps_its_best_point_exact() {
        let tmp = tempfile::tempdir().unwrap();
        fine_grid(tmp.path());
        let s = read(tmp.path()).unwrap();
        let rows = rows_of(tmp.path());
        // The first row of the highest profit difference, over all rows
        // (`max_by` keeps the last of equal ones).
        let top = rows
            .iter()
            .filter(|r| r[6].is_finite())
            .max_by(|a, b| a[6].total_cmp(&b[6]))
            .unwrap();
        let (values, e) = s.best[1].clone().unwrap();
        assert_eq!(values, vec![top[1], top[2]]);
        assert_eq!((e.mean, e.lo, e.hi), (top[6], top[7], top[8]));
        assert_eq!(s.points, rows.len());
        // At most 2,000 points are all listed, most profitable first.
        assert_eq!(s.listed.len(), rows.len());
        assert_eq!(s.listed[0].profit[0], top[3]);
        assert!(s
            .listed
            .windows(2)
            .all(|w| w[0].profit[0] >= w[1].profit[0]));
    }

    #[test]
    fn a_long_curve_is_drawn_in_bins_of_adjacent_x_values() {
        let tmp = tempfile::tempdir().unwrap();
        // 2,500 points in a shuffled x order: bins of 3 after sorting.
        let mut csv = String::from("point_id,a.x,profit_mean,profit_ci_low,profit_ci_high\n");
        for id in 0..2500u32 {
            let k = (id * 1237) % 2500;
            let x = f64::from(k) / 100.0;
            let p = (x * 3.0).sin() * 1000.0 + f64::from(id % 7);
            writeln!(csv, "{id},{x},{p},{},{}", p - 10.0, p + 20.0).unwrap();
        }
        fs::write(tmp.path().join(POINTS_FILE), csv).unwrap();
        let s = read(tmp.path()).unwrap();
        let Shape::Curve(c) = &s.shape else {
            panic!("one parameter is a curve")
        };
        assert_eq!((c.per_bin, c.bins), (3, 834));
        let mut rows = rows_of(tmp.path());
        rows.sort_by(|a, b| a[1].total_cmp(&b[1]));
        // Bin 10: the 31st to 33rd smallest x, in row order when summed.
        let mut bin: Vec<&Vec<f64>> = rows[30..33].iter().collect();
        bin.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let mean = |k: usize| bin.iter().map(|r| r[k]).sum::<f64>() / 3.0;
        assert_eq!(c.sums.mean(10, 0), mean(1));
        for k in 0..3 {
            assert_eq!(c.sums.mean(10, 1 + k), mean(2 + k));
        }
        // The last bin holds the one remaining point.
        assert_eq!(c.sums.mean(833, 1), rows[2499][2]);
        // Of more than 2,000 points the ten most profitable are listed, as
        // a stable sort of all rows by profit (most first) orders them.
        let mut by_profit = rows_of(tmp.path());
        by_profit.sort_by(|a, b| b[2].total_cmp(&a[2]));
        let listed: Vec<(f64, f64)> = s
            .listed
            .iter()
            .map(|r| (r.values[0], r.profit[0]))
            .collect();
        let expected: Vec<(f64, f64)> = by_profit[..10].iter().map(|r| (r[1], r[2])).collect();
        assert_eq!(listed, expected);
    }
}
