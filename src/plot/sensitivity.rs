//! The figure and the story of a sensitivity folder (`effectchain
//! sensitivity`): it is a sweep folder (its samples are the points) with
//! `indices.csv` and `sensitivity.json` beside `points.csv`. The sweep's
//! main-effect plots stay; this adds a bar chart of the indices (S1 and
//! ST, or mu* and sigma) with their 95% intervals as whiskers, most
//! important parameter first, and puts the ranking in the verdict.

use std::path::Path;

use plotters::prelude::*;
use serde_json::Value;

use super::chart::{self, Legend, Mark};
use super::data::{self, Table};
use super::report::{HtmlTable, Section, Story};
use super::style::{self, BLUE, INK, VERMILLION};
use super::{Figure, PlotError};
use crate::output::columns;
use crate::output::sensitivity::{INDICES_FILE, SUMMARY_FILE};

/// One measure drawn as a bar series: column stem and label.
struct Measure {
    column: &'static str,
    label: &'static str,
}

/// Adds the indices figure and section when `dir` holds a study's results.
pub fn extend(dir: &Path, story: &mut Story, figures: &mut Vec<Figure>) -> Result<(), PlotError> {
    let Some(summary) = data::read_json_opt(&dir.join(SUMMARY_FILE))? else {
        return Ok(());
    };
    let path = dir.join(INDICES_FILE);
    let table = read_indices(&path)?;
    let sobol = data::text(&summary, "method") == Some("sobol");
    let measures = if sobol {
        [
            Measure {
                column: "S1",
                label: "First order S1",
            },
            Measure {
                column: "ST",
                label: "Total ST",
            },
        ]
    } else {
        [
            Measure {
                column: "mu_star",
                label: "mu* (importance)",
            },
            Measure {
                column: "sigma",
                label: "sigma (nonlinearity, interactions)",
            },
        ]
    };
    let names = &table.0;
    let col = |c: &str| {
        table
            .1
            .column(c)
            .unwrap_or_else(|| vec![f64::NAN; names.len()])
    };
    // Ranked by the total index (Sobol) or mu* (Morris), as the terminal.
    let key = if sobol { col("ST") } else { col("mu_star") };
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| key[b].total_cmp(&key[a]).then(a.cmp(&b)));
    let output = data::text(&summary, "output")
        .unwrap_or("profit")
        .to_string();
    let difference = summary.get("difference").and_then(Value::as_bool) == Some(true);
    let unit = if output == "profit" {
        " (EUR a year)"
    } else {
        ""
    };
    let pairs_of = |key: &str| style::assignments(&data::pairs(Some(&summary), key));
    let (baseline, set) = (pairs_of("baseline"), pairs_of("set"));
    let kpi = style::kpi_name(&output).to_lowercase();
    let output_words = if difference && !set.is_empty() {
        format!("the {kpi} difference of {set} against {baseline}")
    } else if difference {
        format!("the {kpi} difference to the baseline ({baseline})")
    } else {
        format!("the {}", style::kpi_name(&output).to_lowercase())
    };
    let method = if sobol { "Sobol'" } else { "Morris" };
    let short = |j: usize| style::parameter_short(&names[j]);
    let top = order.first().copied();
    story.kind = "Sensitivity analysis".into();
    story.heading = format!("What drives {output_words}?");
    story.question = format!(
        "Which of {} drive {output_words}, and how much of its variance does each explain?",
        names
            .iter()
            .map(|n| style::parameter_short(n))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(t) = top {
        let v = key[t];
        story.verdict = if sobol {
            format!(
                "{} matters most: with its interactions it explains {:.0}% of the variance of {output_words} (total index ST = {:.2}).",
                style::sentence_case(&short(t)),
                100.0 * v,
                v
            )
        } else {
            format!(
                "{} matters most: moving it across its range changes {output_words} by {}{unit} on average (mu*).",
                style::sentence_case(&short(t)),
                style::human(v)
            )
        };
    }
    let noise = data::num(&summary, "noise_share");
    story.facts.insert(
        0,
        format!(
            "Ranking ({method}, most important first): {}.",
            order
                .iter()
                .map(|&j| short(j))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    if let Some(n) = noise {
        story.facts.insert(
            1,
            format!(
                "Replication noise is {:.1}% of the variance of the sample outputs; indices are computed on the sample means, so noise inflates every total index by at most that share.",
                100.0 * n
            ),
        );
    }
    let mut header = vec!["Rank".to_string(), "Parameter".to_string()];
    for m in &measures {
        header.push(format!("{} [95% CI]", m.column));
    }
    let rows = order
        .iter()
        .enumerate()
        .map(|(rank, &j)| {
            let mut row = vec![(rank + 1).to_string(), names[j].clone()];
            for m in &measures {
                let [lo, hi] = columns::interval(m.column).map(|c| col(&c)[j]);
                let v = col(m.column)[j];
                row.push(format!(
                    "{} [{}, {}]",
                    style::human(v),
                    style::human(lo),
                    style::human(hi)
                ));
            }
            row
        })
        .collect();
    let table_html = HtmlTable {
        title: format!("{method} indices"),
        intro: if sobol {
            "S1: share of the output variance explained by the parameter alone; ST: with all its interactions (Saltelli 2010; Jansen). Intervals: bootstrap over the base samples.".into()
        } else {
            "mu*: mean absolute elementary effect, the output's change when the parameter moves across its whole range; sigma: its spread (nonlinearity or interactions). Intervals: bootstrap over the trajectories.".into()
        },
        header,
        rows,
        collapsed: false,
    };
    let figure = bars(
        names,
        &order,
        &measures,
        &col,
        method,
        &output_words,
        !sobol,
    )?;
    story.sections_title = "Sensitivity".into();
    story.sections.insert(
        0,
        Section {
            id: "indices".into(),
            heading: format!("{method} indices of {output_words}"),
            pass: None,
            facts: Vec::new(),
            tables: vec![table_html],
            figures: vec![figure.name.clone()],
        },
    );
    figures.insert(0, figure);
    Ok(())
}

fn read_indices(path: &Path) -> Result<(Vec<String>, Table), PlotError> {
    let table = data::read_table(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| PlotError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let names = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::to_string)
        .collect();
    Ok((names, table))
}

#[allow(clippy::too_many_arguments)]
fn bars(
    names: &[String],
    order: &[usize],
    measures: &[Measure; 2],
    col: &dyn Fn(&str) -> Vec<f64>,
    method: &str,
    output_words: &str,
    money: bool,
) -> Result<Figure, PlotError> {
    let n = order.len();
    let series: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = measures
        .iter()
        .map(|m| {
            let [lo, hi] = columns::interval(m.column).map(|c| col(&c));
            (col(m.column), lo, hi)
        })
        .collect();
    let values = series
        .iter()
        .flat_map(|(v, l, h)| v.iter().chain(l).chain(h).copied())
        .chain([0.0]);
    let (y0, y1) = chart::finite_range(values);
    let span = (y1 - y0).max(f64::MIN_POSITIVE);
    let (y0, y1) = (y0.min(0.0) - 0.04 * span, y1 + 0.08 * span);
    let title = format!("{method} sensitivity of {output_words}");
    let subtitle =
        "Parameters from most to least important; the black whiskers are bootstrap 95% intervals."
            .to_string();
    let legend = vec![
        Legend::new(measures[0].label, BLUE, Mark::Box),
        Legend::new(measures[1].label, VERMILLION, Mark::Box),
    ];
    let caption = format!(
        "{method} indices, most important first: {}.",
        order
            .iter()
            .map(|&j| format!(
                "{} {} {}",
                style::parameter_short(&names[j]),
                measures[0].column,
                style::human(series[0].0[j])
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let y_desc = if money {
        "Elementary effect per whole range".to_string()
    } else {
        "Share of the output variance".to_string()
    };
    Figure::draw("sensitivity-indices", &title, caption, true, |root| {
        let area = chart::frame(root, &title, &subtitle, &legend)?;
        let slots = (-0.5, n as f64 - 0.5);
        let mut c = chart::cartesian(&area, slots, (y0, y1), (110, 170))?;
        let ys = y1 - y0;
        let y_fmt = |v: &f64| style::axis_number(*v, ys);
        let x_fmt = |_: &f64| String::new();
        let x = chart::Axis::new("", 0, &x_fmt).no_grid();
        chart::mesh_of(&mut c, x, chart::Axis::new(&y_desc, 7, &y_fmt))?;
        c.plotting_area().draw(&PathElement::new(
            vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
            INK.stroke_width(2),
        ))?;
        let width = 0.36;
        for (i, &j) in order.iter().enumerate() {
            let x = i as f64;
            for (s, ((v, lo, hi), color)) in series.iter().zip([BLUE, VERMILLION]).enumerate() {
                let left = x - width + s as f64 * width;
                let mid = left + width / 2.0;
                if v[j].is_finite() {
                    c.plotting_area().draw(&Rectangle::new(
                        [(left + 0.02, 0.0), (left + width - 0.02, v[j])],
                        color.filled(),
                    ))?;
                }
                if lo[j].is_finite() && hi[j].is_finite() && lo[j] != hi[j] {
                    chart::error_bar(&c, mid, (lo[j], hi[j]), width * 0.2, 3)?;
                }
            }
            let label = style::parameter_short(&names[j]);
            chart::category_name(root, &c, (x, y0), &label, 16)?;
        }
        Ok(())
    })
}
