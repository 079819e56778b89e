//! Daily series with 95% CI ribbons (one run, or two policies overlaid)
//! and the distribution of total profit across replications.

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::chart::{self, BandChart, Curve, Legend, Mark};
use super::data::{Band, Daily, Estimate};
use super::style::{self, BLACK, BLUE, INK, SERIES, VERMILLION};
use super::{Figure, PlotError};

/// The daily-series figures: file stem and the variables drawn together
/// (same unit; the second dashed).
pub const PANELS: &[(&str, &[&str])] = &[
    ("profit", &["profit"]),
    ("active-customers", &["active_customers"]),
    ("happiness", &["happiness"]),
    ("staff-satisfaction", &["staff_satisfaction"]),
    ("exhaustion", &["exhaustion"]),
    ("service-time", &["time_per_customer", "service_standard"]),
    ("queue-wait", &["queue_wait"]),
];

/// Daily flows with a weekday pattern, drawn as 7-day moving averages.
const FLOWS: &[&str] = &[
    "profit",
    "revenue",
    "visits",
    "served",
    "balked",
    "turnover",
    "queue_wait",
];

/// One set of daily series and its label (a policy or a scenario).
pub struct Source<'a> {
    pub label: String,
    pub daily: &'a Daily,
}

/// What the series figures are about.
pub struct Context {
    /// What was simulated or compared, for titles.
    pub what: String,
    /// Replications behind each mean.
    pub replications: Option<u64>,
    /// Warm-up days (shaded; KPIs exclude them).
    pub warmup: Option<f64>,
    /// A sentence added to every subtitle.
    pub note: String,
}

/// Draws one figure per panel of [`PANELS`] that the sources have data for.
pub fn daily_figures(sources: &[Source], context: &Context) -> Result<Vec<Figure>, PlotError> {
    let mut figures = Vec::new();
    for (stem, vars) in PANELS {
        let present: Vec<&str> = vars
            .iter()
            .copied()
            .filter(|v| sources.iter().any(|s| s.daily.get(v).is_some()))
            .collect();
        let Some(first) = present.first() else {
            continue;
        };
        let unit = style::daily_unit(first);
        let (name, y_name) = if present.len() > 1 {
            (
                "Service time per customer and service standard".to_string(),
                "Time per customer".to_string(),
            )
        } else {
            (style::daily_name(first), style::daily_name(first))
        };
        let smooth = FLOWS.contains(first) && sources.iter().all(|s| s.daily.days.len() >= 28);
        let mut curves = Vec::new();
        for (si, source) in sources.iter().enumerate() {
            for (vi, var) in present.iter().enumerate() {
                let Some(band) = source.daily.get(var) else {
                    continue;
                };
                let label = match (sources.len() > 1, present.len() > 1) {
                    (true, true) => format!("{}: {}", source.label, var_label(var)),
                    (true, false) => source.label.clone(),
                    (false, true) => var_label(var),
                    (false, false) => "Mean with 95% CI".to_string(),
                };
                curves.push(Curve {
                    label,
                    x: source.daily.days.clone(),
                    band: if smooth { weekly(band) } else { band.clone() },
                    color: SERIES[si % SERIES.len()],
                    dashed: vi > 0,
                    markers: false,
                });
            }
        }
        let reps = context
            .replications
            .map_or("replications".to_string(), |n| format!("{n} replications"));
        let mut subtitle = if smooth {
            format!(
                "7-day moving average of the daily mean across {reps} (smooths out the weekday \
                 pattern), with the 95% confidence band averaged the same way. {}",
                describe(first)
            )
        } else {
            format!(
                "Mean across {reps} for each day, with its 95% confidence band. {}",
                describe(first)
            )
        };
        if !context.note.is_empty() {
            subtitle.push(' ');
            subtitle.push_str(&context.note);
        }
        let title = format!("{name}: {}", context.what);
        let spec = BandChart {
            title: title.clone(),
            subtitle,
            x_desc: "Day of the simulation".into(),
            y_desc: style::with_unit(&y_name, unit),
            curves,
            shade: context
                .warmup
                .filter(|w| *w > 0.0)
                .map(|w| (0.0, w, "Warm-up (not in the KPIs)".to_string())),
            hlines: Vec::new(),
            vlines: Vec::new(),
            integer_x: true,
        };
        let caption = format!("{name} over the simulated days. {}", describe(first));
        figures.push(Figure::draw(
            stem,
            &title,
            caption,
            *stem == "profit",
            |root| chart::band_chart(root, &spec),
        )?);
    }
    Ok(figures)
}

/// Centred 7-day moving averages of a band (shorter windows at the ends;
/// missing values are left out of each average).
fn weekly(band: &Band) -> Band {
    let average = |v: &[f64]| -> Vec<f64> {
        (0..v.len())
            .map(|i| {
                let window = &v[i.saturating_sub(3)..(i + 4).min(v.len())];
                let finite: Vec<f64> = window.iter().copied().filter(|x| x.is_finite()).collect();
                if finite.is_empty() {
                    f64::NAN
                } else {
                    finite.iter().sum::<f64>() / finite.len() as f64
                }
            })
            .collect()
    };
    Band {
        mean: average(&band.mean),
        lo: average(&band.lo),
        hi: average(&band.hi),
    }
}

fn var_label(var: &str) -> String {
    match var {
        "time_per_customer" => "Time per customer (actual)".into(),
        "service_standard" => "Service standard T* (target, dashed)".into(),
        other => style::daily_name(other),
    }
}

/// A short explanation of a daily variable for managers.
fn describe(var: &str) -> String {
    match var {
        "profit" => "Profit is the gross margin minus all costs (wages, overtime, giveaways, \
                     discounts, hiring, training)."
            .into(),
        "active_customers" => "Customers who still shop at the store (have not defected).".into(),
        "happiness" => "Mean happiness of the active customers, on a 0 to 1 scale.".into(),
        "staff_satisfaction" => "Mean satisfaction of the staff, on a 0 to 1 scale.".into(),
        "exhaustion" => "Mean exhaustion of the staff, on a 0 to 1 scale.".into(),
        "queue_wait" => "Mean wait in the queue of the customers who were served.".into(),
        "service_standard" | "time_per_customer" => {
            "Actual time spent per customer served, and the service standard: the time staff \
             aim to give a customer, which erodes when they are under pressure."
                .into()
        }
        other => {
            let doc = style::daily_doc(other);
            if doc.is_empty() {
                String::new()
            } else {
                format!("{}.", style::sentence_case(doc))
            }
        }
    }
}

/// Opacity of the CI band over the histogram's bars.
const CI_ALPHA: f64 = 0.16;

/// The histogram of total profit across replications, with the mean and
/// its 95% CI.
pub fn profit_histogram(
    values: &[f64],
    mean: Option<Estimate>,
    what: &str,
    window_days: Option<f64>,
) -> Result<Option<Figure>, PlotError> {
    let values: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        return Ok(None);
    }
    let n = values.len();
    let (lo, hi) = chart::finite_range(values.iter().copied());
    let bins = ((n as f64).sqrt().max((n as f64).log2() + 1.0).ceil() as usize).clamp(3, 30);
    let (lo, hi) = style::padded(lo, hi, 0.02);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for v in &values {
        let i = (((v - lo) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(1) as f64 * 1.15;
    let window = window_days.map_or("the KPI window".to_string(), |d| {
        format!("the {d:.0}-day KPI window")
    });
    let title = format!("Total profit per replication: {what}");
    let subtitle = format!(
        "How total profit over {window} varies across {n} replications (each one an equally \
         likely history of the same store). The band is the 95% confidence interval of the \
         mean, not of a single outcome."
    );
    let mut legend = vec![
        Legend::new("Replications", style::tint(BLUE, 0.55), Mark::Box),
        Legend::new("Mean", BLACK, Mark::Line),
    ];
    if mean.is_some() {
        legend.push(Legend::new(
            "95% CI of the mean",
            style::tint(INK, CI_ALPHA),
            Mark::Shade,
        ));
    }
    let break_even = lo < 0.0 && hi > 0.0;
    if break_even {
        legend.push(Legend::new(
            "Break-even (profit 0)",
            VERMILLION,
            Mark::Dashed,
        ));
    }
    let sample_mean = values.iter().sum::<f64>() / n as f64;
    let caption = format!(
        "Spread of total profit over {window} across {n} replications; the mean is {}.",
        style::eur(mean.map_or(sample_mean, |m| m.mean))
    );
    let figure = Figure::draw("profit-histogram", &title, caption, false, |root| {
        let area = chart::frame(root, &title, &subtitle, &legend)?;
        let mut c = chart::cartesian(&area, (lo, hi), (0.0, top), (chart::X_LABELS, 110))?;
        let span = hi - lo;
        let x_fmt = |v: &f64| style::axis_number(*v, span);
        let y_fmt = |v: &f64| {
            if (v - v.round()).abs() < 1e-9 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        };
        chart::mesh(
            &mut c,
            "Total profit over the KPI window (EUR)",
            "Replications (count)",
            &x_fmt,
            &y_fmt,
        )?;
        c.draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|(_, k)| **k > 0)
                .map(|(i, k)| {
                    let x0 = lo + i as f64 * width;
                    Rectangle::new(
                        [(x0 + width * 0.04, 0.0), (x0 + width * 0.96, *k as f64)],
                        style::tint(BLUE, 0.55).filled(),
                    )
                }),
        )?;
        if let Some(m) = mean {
            c.plotting_area().draw(&Rectangle::new(
                [(m.lo.max(lo), 0.0), (m.hi.min(hi), top)],
                INK.mix(CI_ALPHA).filled(),
            ))?;
        }
        let m = mean.map_or(sample_mean, |m| m.mean);
        c.plotting_area().draw(&PathElement::new(
            vec![(m, 0.0), (m, top)],
            BLACK.stroke_width(4),
        ))?;
        if break_even {
            c.plotting_area().draw(&DashedPathElement::new(
                vec![(0.0, 0.0), (0.0, top)],
                14,
                10,
                VERMILLION.stroke_width(3),
            ))?;
        }
        Ok(())
    })?;
    Ok(Some(figure))
}
