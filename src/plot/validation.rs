//! The figures and the story of a validation folder (`effectchain
//! validate`): `validation.json` lists every experiment with its criteria
//! and the plot specification of each data set, whose numbers are in
//! `<data set>.csv` beside it.
//!
//! Each data set is drawn as its `kind` asks: `lines` (every y column
//! against the first; `<y>_ci_low`/`<y>_ci_high` columns become a 95% CI
//! band around `<y>`), `scatter_fit` (points with the least-squares line,
//! its slope in the legend), `bars` (one bar per category with 95% CI error
//! bars) or `heatmap` (the third column over the first two). The report
//! answers "Does the model reproduce the literature?" with a PASS/FAIL
//! table and, per experiment, its source, setup, criteria and plots.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

use super::chart::{self, BandChart, Curve, Legend, Mark};
use super::data::{self, Band, Table};
use super::heatmap::{self, Heatmap};
use super::report::{HtmlTable, Section, Story};
use super::run;
use super::style::{self, BLUE, INK, SERIES, TICK, VERMILLION};
use super::{Figure, PlotError};
use crate::output::columns;

pub use crate::output::validation::VALIDATION_FILE;

/// Lines with at most this many points get a dot at each.
const MARKED_POINTS: usize = 15;

/// A data set's plot specification, from `validation.json`.
struct DataSpec {
    name: String,
    title: String,
    kind: String,
    x_label: String,
    y_label: String,
    categories: Vec<String>,
}

impl DataSpec {
    fn of(v: &Value) -> Option<DataSpec> {
        let s = |k: &str| data::text(v, k).unwrap_or_default().to_string();
        let name = data::text(v, "name")?.to_string();
        // The name becomes a file name: never a path.
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            return None;
        }
        Some(DataSpec {
            title: s("title"),
            kind: s("kind"),
            x_label: s("x_label"),
            y_label: s("y_label"),
            categories: data::items(v, "categories")
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            name,
        })
    }
}

/// Reads a validation folder and builds its story and figures.
pub fn build(dir: &Path) -> Result<(Story, Vec<Figure>), PlotError> {
    let path = dir.join(VALIDATION_FILE);
    let body = data::read_json(&path)?;
    let manifest = data::read_json_opt(&dir.join(run::MANIFEST_FILE))?;
    let experiments = body
        .get("experiments")
        .and_then(Value::as_array)
        .ok_or_else(|| PlotError::Read {
            path: path.clone(),
            message: "no `experiments` list".into(),
        })?;
    let reduced = data::text(&body, "size") == Some("reduced");

    let mut figures = Vec::new();
    let mut sections = Vec::new();
    let mut summary = Vec::new();
    let (mut met, mut criteria_total) = (0, 0);
    let mut failed = Vec::new();
    for e in experiments {
        let name = data::text(e, "name").unwrap_or("experiment").to_string();
        let title = data::text(e, "title").unwrap_or(&name).to_string();
        let source = data::text(e, "source").unwrap_or_default().to_string();
        let criteria: Vec<&Value> = data::items(e, "criteria").iter().collect();
        let passed = criteria
            .iter()
            .filter(|c| c.get("pass").and_then(Value::as_bool) == Some(true))
            .count();
        let pass = passed == criteria.len();
        met += passed;
        criteria_total += criteria.len();
        if !pass {
            failed.push(title.clone());
        }
        summary.push(vec![
            title.clone(),
            study(&source),
            format!("{passed} of {}", criteria.len()),
            verdict(pass).into(),
        ]);
        let mut section = Section {
            id: format!("experiment-{name}"),
            heading: title.clone(),
            pass: Some(pass),
            ..Section::default()
        };
        if !source.is_empty() {
            section.facts.push(("Source".into(), source.clone()));
        }
        if let Some(setup) = data::text(e, "setup").filter(|s| !s.is_empty()) {
            section.facts.push(("Setup".into(), setup.to_string()));
        }
        section.tables.push(HtmlTable {
            title: "Criteria".into(),
            intro: String::new(),
            header: [
                "Measure",
                "Published target and pass rule",
                "Obtained (95% CI)",
                "Verdict",
            ]
            .map(String::from)
            .to_vec(),
            rows: criteria.iter().map(|c| criterion_row(c)).collect(),
            collapsed: false,
        });
        let specs = e.get("data").and_then(Value::as_array);
        for spec in specs.into_iter().flatten().filter_map(DataSpec::of) {
            let csv = dir.join(format!("{}.csv", spec.name));
            if !csv.is_file() {
                continue;
            }
            let table = data::read_table(&csv)?;
            if let Some(figure) = draw(&spec, &table, &title)? {
                section.figures.push(figure.name.clone());
                figures.push(figure);
            }
        }
        sections.push(section);
    }

    let n = experiments.len();
    let mut story = Story {
        kind: "Validation".into(),
        heading: "Does the model reproduce the literature?".into(),
        question: "Run at its default calibration, does effectchain reproduce what published \
                   field studies of the service-profit chain found?"
            .into(),
        verdict: if failed.is_empty() {
            format!("Yes: all {n} experiments pass ({met} of {criteria_total} criteria met).")
        } else {
            format!(
                "Not entirely: {} of {n} experiments fail ({met} of {criteria_total} criteria \
                 met).",
                failed.len()
            )
        },
        sections_title: "Experiments".into(),
        sections,
        ..Story::default()
    };
    if !failed.is_empty() {
        story.facts.push(format!("Failing: {}.", failed.join("; ")));
    }
    if reduced {
        story.facts.push(
            "These are the reduced experiments (as the test suite runs them): same seeds and \
             pass rules, fewer stores, replications and weeks, so wider confidence intervals. \
             Run effectchain validate without --reduced for the full size."
                .into(),
        );
    }
    story.tables.push(HtmlTable {
        title: "Summary".into(),
        intro: "One row per experiment; an experiment passes when all its criteria do.".into(),
        header: ["Experiment", "Study", "Criteria met", "Verdict"]
            .map(String::from)
            .to_vec(),
        rows: summary,
        collapsed: false,
    });
    story.notes = vec![
        "Each criterion states the published figure and the rule the model's figure must \
         meet; the obtained figure is the model's estimate with its 95% confidence interval \
         across replications."
            .into(),
        "The experiments run the same model a manager runs, configured from the default \
         store with the stated changes; nothing is fitted to the targets."
            .into(),
        "The numbers behind each plot are in the CSV file of the same name beside this page; \
         validation.csv lists every criterion."
            .into(),
    ];
    if let Some(size) = data::text(&body, "size") {
        story.settings.push((
            "Size".into(),
            if reduced {
                "reduced (fewer stores, replications and weeks)".into()
            } else {
                size.to_string()
            },
        ));
    }
    story.settings.push((
        "Experiments".into(),
        experiments
            .iter()
            .filter_map(|e| data::text(e, "name"))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    if let Some(v) = data::text(&body, "version") {
        story
            .settings
            .push(("effectchain version".into(), v.to_string()));
    }
    if let Some(m) = &manifest {
        story.rerun = run::rerun(m);
    }
    Ok((story, figures))
}

/// `PASS` or `FAIL`.
fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "FAIL"
    }
}

/// The study of a source (`Karasek (1979), ...`), before the finding.
fn study(source: &str) -> String {
    source
        .split_once(": ")
        .map_or(source, |(s, _)| s)
        .to_string()
}

/// A criterion as a row of the criteria table.
fn criterion_row(c: &Value) -> Vec<String> {
    let obtained = c.get("obtained").cloned().unwrap_or(Value::Null);
    let value = data::num(&obtained, "value");
    let lo = data::num(&obtained, "ci_low");
    let hi = data::num(&obtained, "ci_high");
    let figure = match (value, lo, hi) {
        (Some(v), Some(l), Some(h)) => {
            format!("{} ({} to {})", number(v), number(l), number(h))
        }
        (Some(v), ..) => number(v),
        _ => "n/a".into(),
    };
    vec![
        sentence(data::text(c, "measure").unwrap_or_default()),
        data::text(c, "target").unwrap_or_default().to_string(),
        figure,
        verdict(c.get("pass").and_then(Value::as_bool) == Some(true)).into(),
    ]
}

/// A number for tables and legends: about four significant digits, tiny
/// values in scientific notation, a true minus sign.
fn number(v: f64) -> String {
    let text = if v != 0.0 && v.is_finite() && v.abs() < 1e-3 {
        format!("{v:.2e}")
    } else {
        style::human(v)
    };
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

/// `text` with a capital first letter.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A column's name for a legend (`standard_tau_i_equal_tau_d` ->
/// `Standard tau i = tau d`).
fn column_label(column: &str) -> String {
    style::sentence_case(column).replace(" equal ", " = ")
}

/// Draws one data set as its kind asks, or `None` when it has too few
/// columns or rows to draw.
fn draw(spec: &DataSpec, table: &Table, experiment: &str) -> Result<Option<Figure>, PlotError> {
    if table.header.len() < 2 || table.rows.is_empty() {
        return Ok(None);
    }
    match spec.kind.as_str() {
        "scatter_fit" => scatter_fit(spec, table, experiment),
        "bars" => bars(spec, table, experiment),
        "heatmap" if table.header.len() >= 3 => heat(spec, table, experiment),
        _ => lines(spec, table, experiment),
    }
}

/// Every y column against the first, with 95% CI bands where the table
/// has `<y>_ci_low` and `<y>_ci_high`.
fn lines(spec: &DataSpec, table: &Table, experiment: &str) -> Result<Option<Figure>, PlotError> {
    let x = table.column(&table.header[0]).unwrap_or_default();
    let ys: Vec<&String> = table.header[1..]
        .iter()
        .filter(|h| {
            !table
                .header
                .iter()
                .any(|y| columns::interval(y).contains(h))
        })
        .collect();
    let mut curves = Vec::new();
    let mut banded = false;
    for (i, y) in ys.iter().enumerate() {
        let mean = table.column(y).unwrap_or_default();
        let band = match table.interval(y) {
            Some((lo, hi)) => {
                banded = true;
                Band { mean, lo, hi }
            }
            _ => Band {
                lo: mean.clone(),
                hi: mean.clone(),
                mean,
            },
        };
        let label = if ys.len() == 1 && banded {
            "Mean with 95% CI".to_string()
        } else {
            column_label(y)
        };
        curves.push(Curve {
            label,
            x: x.clone(),
            band,
            color: SERIES[i % SERIES.len()],
            dashed: false,
            markers: x.len() <= MARKED_POINTS,
        });
    }
    let integer_x = x.iter().all(|v| !v.is_finite() || v.fract() == 0.0);
    let what = if banded {
        "Means across replications; the shaded bands are their 95% confidence intervals."
    } else {
        "One line per column of the data set's CSV."
    };
    let chart = BandChart {
        title: spec.title.clone(),
        subtitle: format!("{experiment}. {what}"),
        x_desc: sentence(&spec.x_label),
        y_desc: sentence(&spec.y_label),
        curves,
        integer_x,
        ..BandChart::default()
    };
    let caption = format!("{}. {what}", spec.title);
    Figure::draw(&spec.name, &spec.title, caption, false, |root| {
        chart::band_chart(root, &chart)
    })
    .map(Some)
}

/// Least-squares intercept and slope of y on x (`None` with fewer than two
/// distinct x).
fn fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    (sxx > 0.0).then(|| {
        let slope = sxy / sxx;
        (my - slope * mx, slope)
    })
}

/// Points of the second column against the first with the least-squares
/// line.
fn scatter_fit(
    spec: &DataSpec,
    table: &Table,
    experiment: &str,
) -> Result<Option<Figure>, PlotError> {
    let x = table.column(&table.header[0]).unwrap_or_default();
    let y = table.column(&table.header[1]).unwrap_or_default();
    let points: Vec<(f64, f64)> = x
        .into_iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .collect();
    if points.is_empty() {
        return Ok(None);
    }
    let line = fit(&points);
    let (x0, x1) = style::padded(
        points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min),
        points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
        0.05,
    );
    let fitted = line.map(|(a, b)| [(x0, a + b * x0), (x1, a + b * x1)]);
    let ys = points
        .iter()
        .map(|p| p.1)
        .chain(fitted.iter().flatten().map(|p| p.1));
    let (y0, y1) = chart::finite_range(ys);
    let (y0, y1) = style::padded(y0, y1, 0.08);
    let n = points.len();
    let mut legend = vec![Legend::new(
        format!("{} (n = {n})", column_label(&table.header[1])),
        BLUE,
        Mark::Dot,
    )];
    let slope_text = line.map(|(_, b)| {
        let sign = if b > 0.0 { "+" } else { "" };
        format!("{sign}{}", number(b))
    });
    if let Some(s) = &slope_text {
        legend.push(Legend::new(
            format!("Least-squares line, slope {s} per unit of x"),
            VERMILLION,
            Mark::Line,
        ));
    }
    let subtitle = format!(
        "{experiment}. One point per row of {}.csv; the line is the least-squares fit of y on x.",
        spec.name
    );
    let caption = match &slope_text {
        Some(s) => format!("{}. Least-squares slope {s}.", spec.title),
        None => format!("{}.", spec.title),
    };
    let (xd, yd) = (sentence(&spec.x_label), sentence(&spec.y_label));
    Figure::draw(&spec.name, &spec.title, caption, false, |root| {
        let area = chart::frame(root, &spec.title, &subtitle, &legend)?;
        let mut c = chart::cartesian(&area, (x0, x1), (y0, y1), (chart::X_LABELS, 150))?;
        let (xs, ys) = (x1 - x0, y1 - y0);
        chart::mesh(&mut c, &xd, &yd, &|v| style::axis_number(*v, xs), &|v| {
            style::axis_number(*v, ys)
        })?;
        c.draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, 8, BLUE.mix(0.7).filled())),
        )?;
        if let Some(ends) = fitted {
            c.plotting_area().draw(&PathElement::new(
                ends.to_vec(),
                VERMILLION.stroke_width(style::LINE),
            ))?;
        }
        Ok(())
    })
    .map(Some)
}

/// A bar: category label, value and 95% CI.
type BarRow = (String, f64, Option<(f64, f64)>);

/// One bar per row (the first column indexes the categories), the second
/// column's value with its 95% CI as an error bar, the value written above.
fn bars(spec: &DataSpec, table: &Table, experiment: &str) -> Result<Option<Figure>, PlotError> {
    let ycol = &table.header[1];
    let index = table.column(&table.header[0]).unwrap_or_default();
    let mean = table.column(ycol).unwrap_or_default();
    let (lo, hi) = table.interval(ycol).unzip();
    let rows: Vec<BarRow> = (0..mean.len())
        .filter(|&r| mean[r].is_finite())
        .map(|r| {
            let label = index
                .get(r)
                .filter(|i| i.is_finite() && **i >= 0.0 && i.fract() == 0.0)
                .and_then(|i| spec.categories.get(*i as usize))
                .cloned()
                .unwrap_or_else(|| style::short(index.get(r).copied().unwrap_or(r as f64)));
            let ci = match (&lo, &hi) {
                (Some(l), Some(h)) if l[r].is_finite() && h[r].is_finite() => Some((l[r], h[r])),
                _ => None,
            };
            (label, mean[r], ci)
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let n = rows.len();
    let values = rows
        .iter()
        .flat_map(|(_, v, ci)| [Some(*v), ci.map(|c| c.0), ci.map(|c| c.1)])
        .flatten()
        .chain([0.0]);
    let (y0, y1) = chart::finite_range(values);
    let span = (y1 - y0).max(f64::MIN_POSITIVE);
    // Room for the value labels above positive and below negative bars.
    let y0 = if y0 < 0.0 { y0 - 0.14 * span } else { 0.0 };
    let y1 = if y1 > 0.0 { y1 + 0.14 * span } else { 0.0 };
    let has_ci = rows.iter().any(|r| r.2.is_some_and(|(l, h)| l != h));
    let mut legend = Vec::new();
    if has_ci {
        legend.push(Legend::new("95% confidence interval", INK, Mark::Line));
    }
    let subtitle = if has_ci {
        format!("{experiment}. Bar heights are means across replications; the black whiskers their 95% confidence intervals.")
    } else {
        format!("{experiment}.")
    };
    let caption = format!(
        "{}: {}.",
        spec.title,
        rows.iter()
            .map(|(l, v, _)| format!("{l} {}", number(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (xd, yd) = (sentence(&spec.x_label), sentence(&spec.y_label));
    Figure::draw(&spec.name, &spec.title, caption, false, |root| {
        let area = chart::frame(root, &spec.title, &subtitle, &legend)?;
        let below = if xd.is_empty() { 70 } else { 110 };
        let slots = (-0.5, n as f64 - 0.5);
        let mut c = chart::cartesian(&area, slots, (y0, y1), (below, 150))?;
        let ys = y1 - y0;
        let y_fmt = |v: &f64| style::axis_number(*v, ys);
        let x_fmt = |_: &f64| String::new();
        let x = chart::Axis::new(&xd, 0, &x_fmt).no_grid();
        chart::mesh_of(&mut c, x, chart::Axis::new(&yd, 7, &y_fmt))?;
        if y0 < 0.0 {
            c.plotting_area().draw(&PathElement::new(
                vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
                INK.stroke_width(2),
            ))?;
        }
        let half = 0.3_f64.min(0.4 * n as f64 / (n as f64 + 1.0));
        for (i, (label, v, ci)) in rows.iter().enumerate() {
            let x = i as f64;
            let color = SERIES[i % SERIES.len()];
            c.plotting_area().draw(&Rectangle::new(
                [(x - half, 0.0), (x + half, *v)],
                color.filled(),
            ))?;
            let mut top = v.max(0.0);
            let mut bottom = v.min(0.0);
            if let Some((l, h)) = ci.filter(|(l, h)| l != h) {
                chart::error_bar(&c, x, (l, h), half * 0.3, 4)?;
                top = top.max(h);
                bottom = bottom.min(l);
            }
            let text = number(*v);
            let (px, py) = if *v >= 0.0 {
                let (px, py) = c.backend_coord(&(x, top));
                (px, py - 12)
            } else {
                let (px, py) = c.backend_coord(&(x, bottom));
                (px, py + 12)
            };
            let vpos = if *v >= 0.0 { VPos::Bottom } else { VPos::Top };
            root.draw(&Text::new(
                text,
                (px, py),
                style::bold(TICK).pos(Pos::new(HPos::Center, vpos)),
            ))?;
            chart::category_name(root, &c, (x, y0), label, 24)?;
        }
        Ok(())
    })
    .map(Some)
}

/// The third column over a grid of the first two.
fn heat(spec: &DataSpec, table: &Table, experiment: &str) -> Result<Option<Figure>, PlotError> {
    let col = |i: usize| table.column(&table.header[i]).unwrap_or_default();
    let (cx, cy, cz) = (col(0), col(1), col(2));
    let distinct = |v: &[f64]| {
        let mut d: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        d.sort_by(f64::total_cmp);
        d.dedup();
        d
    };
    let (xs, ys) = (distinct(&cx), distinct(&cy));
    if xs.is_empty() || ys.is_empty() {
        return Ok(None);
    }
    let mut z = vec![vec![None; ys.len()]; xs.len()];
    for r in 0..cz.len().min(cx.len()).min(cy.len()) {
        let (Some(i), Some(j)) = (
            xs.iter().position(|v| *v == cx[r]),
            ys.iter().position(|v| *v == cy[r]),
        ) else {
            continue;
        };
        if cz[r].is_finite() {
            z[i][j] = Some((cz[r], false));
        }
    }
    let values = z.iter().flatten().flatten().map(|v| v.0);
    let (lo, hi) = chart::finite_range(values);
    let zname = &table.header[2];
    let unit = [style::kpi_unit(zname), style::daily_unit(zname)]
        .into_iter()
        .find(|u| !u.is_empty())
        .unwrap_or_default();
    let scale = style::with_unit(&column_label(zname), unit);
    let diverging = lo < 0.0 && hi > 0.0;
    let map = Heatmap {
        name: spec.name.clone(),
        title: spec.title.clone(),
        subtitle: format!(
            "{experiment}. {} in each cell (mean across replications){}.",
            column_label(zname),
            if diverging {
                "; blue above zero, orange below"
            } else {
                "; brighter is higher"
            }
        ),
        caption: format!(
            "{}: {} ranges from {} to {}.",
            spec.title,
            column_label(zname).to_lowercase(),
            number(lo),
            number(hi)
        ),
        x_desc: sentence(&spec.x_label),
        y_desc: sentence(&spec.y_label),
        xs,
        ys,
        z,
        diverging,
        mark_unclear: false,
        contour: false,
        scale_label: scale,
        compact: false,
        primary: false,
    };
    heatmap::heatmap(&map).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_fits_a_line() {
        let (a, b) = fit(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]).unwrap();
        assert!((a - 1.0).abs() < 1e-12 && (b - 2.0).abs() < 1e-12);
        assert!(fit(&[(1.0, 0.0), (1.0, 2.0)]).is_none());
    }

    #[test]
    fn labels_and_numbers_read_well() {
        assert_eq!(
            column_label("standard_tau_i_equal_tau_d"),
            "Standard tau i = tau d"
        );
        assert_eq!(number(-74137.8), "−74,138");
        assert_eq!(number(4.44e-16), "4.44e-16");
        assert_eq!(
            study("Karasek (1979), ASQ: strain is highest"),
            "Karasek (1979), ASQ"
        );
        assert_eq!(sentence("latitude (0-1)"), "Latitude (0-1)");
    }
}
