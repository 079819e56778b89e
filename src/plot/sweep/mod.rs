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

mod story;

use std::path::Path;

use plotters::style::RGBColor;
use serde_json::Value;

use super::chart::{self, BandChart, Curve, Rule};
use super::data::{self, Band, Table};
use super::effects::{self, distinct, Effects, Panel};
use super::heatmap;
use super::report::Story;
use super::run::folder_name;
use super::style::{self, BLUE, INK, VERMILLION};
use super::{Figure, PlotError};
use crate::experiment::sweep::zero_crossings;
use crate::output::columns;

pub use crate::output::sweep::{BREAKEVEN_FILE, MANIFEST_FILE, POINTS_FILE};

/// A sweep folder read back.
struct SweepData {
    name: String,
    params: Vec<String>,
    kpis: Vec<String>,
    has_diff: bool,
    table: Table,
    baseline: Vec<(String, String)>,
    manifest: Option<Value>,
    breakeven: Option<Value>,
}

impl SweepData {
    fn column(&self, name: &str) -> Vec<f64> {
        self.table
            .column(name)
            .unwrap_or_else(|| vec![f64::NAN; self.table.rows.len()])
    }

    /// A KPI's (or, with `diff`, its difference's) band over all rows.
    fn band(&self, kpi: &str, diff: bool) -> Band {
        let name = if diff {
            columns::difference(kpi)
        } else {
            kpi.to_string()
        };
        let [mean, lo, hi] = columns::estimate(&name).map(|c| self.column(&c));
        Band { mean, lo, hi }
    }

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
}

fn read(dir: &Path) -> Result<SweepData, PlotError> {
    let points = dir.join(POINTS_FILE);
    let table = data::read_table(&points)?;
    let manifest = data::read_json_opt(&dir.join(MANIFEST_FILE))?;
    let breakeven = data::read_json_opt(&dir.join(BREAKEVEN_FILE))?;
    let header = &table.header;
    let bad = |message: &str| PlotError::Read {
        path: points.clone(),
        message: message.to_string(),
    };
    let columns::Points {
        parameters: params,
        kpis,
        with_baseline: has_diff,
        ..
    } = columns::Points::parse(header).map_err(bad)?;
    let baseline = data::pairs(manifest.as_ref(), "baseline");
    let name = manifest
        .as_ref()
        .and_then(|m| data::text(m, "sweep_file"))
        .map(data::stem)
        .unwrap_or_else(|| folder_name(dir));
    Ok(SweepData {
        name,
        params,
        kpis,
        has_diff,
        table,
        baseline,
        manifest,
        breakeven,
    })
}

/// Reads a sweep folder and builds its story and figures.
pub fn build(dir: &Path) -> Result<(Story, Vec<Figure>), PlotError> {
    let s = read(dir)?;
    let figures = match s.params.len() {
        1 => one_parameter(&s)?,
        2 if grid(&s).is_some() => two_parameters(&s)?,
        _ => main_effects(&s)?,
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

/// For a full two-parameter grid: the distinct values of each parameter
/// and the row of every cell (`cells[i][j]` for x value i, y value j).
type Grid = (Vec<f64>, Vec<f64>, Vec<Vec<Option<usize>>>);

fn grid(s: &SweepData) -> Option<Grid> {
    let x = s.column(&s.params[0]);
    let y = s.column(&s.params[1]);
    let (xs, ys) = (distinct(&x), distinct(&y));
    if xs.len() < 2 || ys.len() < 2 || xs.len() * ys.len() != s.table.rows.len() {
        return None;
    }
    let mut cells = vec![vec![None; ys.len()]; xs.len()];
    for (row, (a, b)) in x.iter().zip(&y).enumerate() {
        let i = xs.iter().position(|v| v == a)?;
        let j = ys.iter().position(|v| v == b)?;
        if cells[i][j].replace(row).is_some() {
            return None;
        }
    }
    Some((xs, ys, cells))
}

/// Rows sorted by the first parameter.
fn sorted_rows(s: &SweepData) -> Vec<usize> {
    let x = s.column(&s.params[0]);
    let mut rows: Vec<usize> = (0..x.len()).filter(|&r| x[r].is_finite()).collect();
    rows.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    rows
}

fn pick(band: &Band, rows: &[usize]) -> Band {
    Band {
        mean: rows.iter().map(|&r| band.mean[r]).collect(),
        lo: rows.iter().map(|&r| band.lo[r]).collect(),
        hi: rows.iter().map(|&r| band.hi[r]).collect(),
    }
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
    let rows = sorted_rows(s);
    let x: Vec<f64> = rows.iter().map(|&r| s.column(&s.params[0])[r]).collect();
    let d = pick(&s.band("profit", true), &rows);
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

fn one_parameter(s: &SweepData) -> Result<Vec<Figure>, PlotError> {
    let param = &s.params[0];
    let rows = sorted_rows(s);
    let all_x = s.column(param);
    let x: Vec<f64> = rows.iter().map(|&r| all_x[r]).collect();
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
                 ({}).",
                s.baseline_text()
            ),
            x_desc: style::parameter_name(param),
            y_desc: "Profit difference to the baseline (EUR)".into(),
            curves: vec![Curve {
                label: "Mean difference with 95% CI".into(),
                x: x.clone(),
                band: pick(&s.band("profit", true), &rows),
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
                 difference does not cross zero apart from the baseline's own value."
            )
        } else {
            format!(
                "How much more (or less) profit each {short} makes than the baseline; the \
                 dashed vertical lines mark the break-even, where the difference crosses zero."
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
        let band = pick(&s.band(kpi, false), &rows);
        let mut curves = vec![Curve {
            label: "Mean with 95% CI".into(),
            x: x.clone(),
            band: band.clone(),
            color: BLUE,
            dashed: false,
            markers: true,
        }];
        if s.has_diff {
            let diff = pick(&s.band(kpi, true), &rows);
            let base: Vec<f64> = band
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
                "Mean over the KPI window at each swept value, with its 95% confidence band.{}",
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
        let caption = format!("{name} at each value of {short}.");
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

fn two_parameters(s: &SweepData) -> Result<Vec<Figure>, PlotError> {
    let Some((xs, ys, cells)) = grid(s) else {
        return Ok(Vec::new());
    };
    let mut figures = Vec::new();
    let (px, py) = (&s.params[0], &s.params[1]);
    let (sx, sy) = (style::parameter_short(px), style::parameter_short(py));
    let values = |band: &Band| -> Vec<Vec<Option<(f64, bool)>>> {
        cells
            .iter()
            .map(|col| {
                col.iter()
                    .map(|r| {
                        let r = (*r)?;
                        let m = band.mean[r];
                        let unclear = !(band.lo[r] > 0.0 || band.hi[r] < 0.0);
                        m.is_finite().then_some((m, unclear))
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
                 break-even (difference 0). Values in parentheses: the 95% CI includes 0.",
                s.baseline_text()
            ),
            caption: format!(
                "Where the combination of {sx} and {sy} pays against the baseline; the black \
                 contour is the break-even."
            ),
            x_desc: style::parameter_name(px),
            y_desc: style::parameter_name(py),
            xs: xs.clone(),
            ys: ys.clone(),
            z: values(&s.band("profit", true)),
            diverging: true,
            mark_unclear: true,
            contour: true,
            scale_label: "Profit difference (EUR)".into(),
            primary: true,
        };
        figures.push(heatmap::heatmap(&spec)?);
    }
    for kpi in &s.kpis {
        let name = style::kpi_name(kpi);
        let title = format!("{name}: {sx} × {sy}");
        let spec = heatmap::Heatmap {
            name: format!("heatmap-{}", slug(kpi)),
            title: title.clone(),
            subtitle: format!(
                "Mean {} over the KPI window at each grid point (brighter: higher).",
                name.to_lowercase()
            ),
            caption: format!("{name} at each combination of {sx} and {sy}."),
            x_desc: style::parameter_name(px),
            y_desc: style::parameter_name(py),
            xs: xs.clone(),
            ys: ys.clone(),
            z: values(&s.band(kpi, false)),
            diverging: false,
            mark_unclear: false,
            contour: false,
            scale_label: kpi_axis(kpi),
            primary: kpi == "profit" && !s.has_diff,
        };
        figures.push(heatmap::heatmap(&spec)?);
    }
    Ok(figures)
}

fn main_effects(s: &SweepData) -> Result<Vec<Figure>, PlotError> {
    let mut targets: Vec<(String, bool)> = Vec::new();
    if s.has_diff && s.has("profit") {
        targets.push(("profit".into(), true));
    }
    targets.extend(s.kpis.iter().map(|k| (k.clone(), false)));
    let mut figures = Vec::new();
    for (kpi, diff) in targets {
        let y = s.band(&kpi, diff).mean;
        let panels = s
            .params
            .iter()
            .map(|p| Panel::of(p, &s.column(p), &y))
            .collect();
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
