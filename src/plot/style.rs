//! The look of every plot: canvas and font sizes, the colour-blind-safe
//! Okabe-Ito palette, human names and units of the reported variables, and
//! number formats for axes and sentences.

use plotters::style::{FontDesc, FontStyle, IntoFont, RGBColor, TextStyle};

use crate::config::Config;
use crate::engine::{DAILY_DEFS, KPI_DEFS};

/// Canvas size in pixels (the PNG's size; the SVG displays at half).
pub const SIZE: (u32, u32) = (1600, 900);
/// Title size (em, pixels).
pub const TITLE: f64 = 38.0;
/// Axis description size.
pub const AXIS: f64 = 29.0;
/// Tick label and legend size.
pub const TICK: f64 = 25.0;
/// Small annotations.
pub const NOTE: f64 = 23.0;
/// Width of data lines.
pub const LINE: u32 = 4;
/// Opacity of 95% CI ribbons.
pub const RIBBON: f64 = 0.22;

/// Okabe-Ito colours (orange, sky blue and yellow are left out: too pale
/// for lines on white).
pub const BLACK: RGBColor = RGBColor(0, 0, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
/// Text and axes.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);
/// Shading of the warm-up period.
pub const SHADE: RGBColor = RGBColor(238, 238, 238);

/// Colours of successive series (policy A, policy B, ...).
pub const SERIES: [RGBColor; 4] = [BLUE, VERMILLION, GREEN, PURPLE];

/// The plot font at `size`.
pub fn font(size: f64) -> TextStyle<'static> {
    FontDesc::from(("sans-serif", size)).color(&INK)
}

/// The bold plot font at `size`.
pub fn bold(size: f64) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&INK)
}

/// A daily variable's axis name, e.g. `Profit per day`.
pub fn daily_name(name: &str) -> String {
    match name {
        "profit" => "Profit per day".into(),
        "revenue" => "Revenue per day".into(),
        "visits" => "Visits per day".into(),
        "served" => "Customers served per day".into(),
        "balked" => "Customers lost from the queue per day".into(),
        "active_customers" => "Active customers".into(),
        "happiness" => "Customer happiness".into(),
        "staff_satisfaction" => "Staff satisfaction".into(),
        "exhaustion" => "Staff exhaustion".into(),
        "turnover" => "Staff who quit per day".into(),
        "time_per_customer" => "Service time per customer".into(),
        "service_standard" => "Service standard T*".into(),
        "queue_wait" => "Queue wait".into(),
        other => sentence_case(other),
    }
}

/// A KPI's name for people, e.g. `Annual retention`.
pub fn kpi_name(name: &str) -> String {
    match name {
        "profit" => "Profit".into(),
        "lost_visit_share" => "Share of visits lost in the queue".into(),
        "mean_happiness" => "Customer happiness".into(),
        "annual_turnover" => "Annual staff turnover".into(),
        "time_per_customer" => "Service time per customer".into(),
        "service_standard" => "Service standard T*".into(),
        "clv_multiple" => "Customer lifetime value multiple".into(),
        "customer_base_value" => "Customer base value".into(),
        "on_spot_recoveries" => "On-the-spot recoveries".into(),
        other => sentence_case(other),
    }
}

/// A mechanism's name for people, e.g. `Conversion & basket`.
pub fn mechanism_name(name: &str) -> String {
    match name {
        "margin_per_served_visit" => "Margin per served visit".into(),
        "staffing_and_overtime" => "Wages & overtime (not training)".into(),
        "giveaways_and_discounts" => "Giveaways & discounts".into(),
        "hiring_and_training" => "Hiring & training".into(),
        other => sentence_case(other),
    }
}

/// `word_of_mouth` -> `Word of mouth`.
pub fn sentence_case(name: &str) -> String {
    let spaced = name.replace(['_', '.'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Unit of a daily variable (from `DAILY_DEFS`).
pub fn daily_unit(name: &str) -> &'static str {
    DAILY_DEFS
        .iter()
        .find(|d| d.name == name)
        .map_or("", |d| d.unit)
}

/// Unit of a KPI (from `KPI_DEFS`).
pub fn kpi_unit(name: &str) -> &'static str {
    KPI_DEFS
        .iter()
        .find(|d| d.name == name)
        .map_or("", |d| d.unit)
}

/// Meaning of a daily variable (from `DAILY_DEFS`).
pub fn daily_doc(name: &str) -> &'static str {
    DAILY_DEFS
        .iter()
        .find(|d| d.name == name)
        .map_or("", |d| d.doc)
}

/// `color` at opacity `alpha` over white, as an opaque colour.
pub fn tint(color: RGBColor, alpha: f64) -> RGBColor {
    let mix = |c: u8| (f64::from(c) * alpha + 255.0 * (1.0 - alpha)).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}

/// Meaning of a KPI (from `KPI_DEFS`).
pub fn kpi_doc(name: &str) -> &'static str {
    KPI_DEFS
        .iter()
        .find(|d| d.name == name)
        .map_or("", |d| d.doc)
}

/// A unit as an axis reads it.
pub fn unit_text(unit: &str) -> String {
    match unit {
        "0-1" => "index, 0 to 1".into(),
        "fraction" => "share, 0 to 1".into(),
        "fraction/year" => "share per year".into(),
        other => other.into(),
    }
}

/// `Name (unit)`, or the name alone when there is no unit or the name
/// already says it (`Active customers`).
pub fn with_unit(name: &str, unit: &str) -> String {
    if unit.is_empty() || name.to_lowercase().contains(&unit.to_lowercase()) {
        name.to_string()
    } else {
        format!("{name} ({})", unit_text(unit))
    }
}

/// A config parameter's axis name with its unit, e.g.
/// `Latitude (policy.latitude, 0-1 index)`.
pub fn parameter_name(path: &str) -> String {
    let info = Config::default()
        .params()
        .into_iter()
        .find(|p| p.path() == path);
    let key = path.rsplit('.').next().unwrap_or(path);
    match info {
        Some(p) if !p.unit.is_empty() => {
            format!("{} ({path}, {})", sentence_case(key), p.unit)
        }
        _ => format!("{} ({path})", sentence_case(key)),
    }
}

/// A parameter's short name, e.g. `latitude`.
pub fn parameter_short(path: &str) -> String {
    path.rsplit('.').next().unwrap_or(path).replace('_', " ")
}

/// Axis tick label for `v` on an axis spanning `span`: thousands as `k`,
/// millions as `M`, decimals as the span needs.
pub fn axis_number(v: f64, span: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let span = span.abs().max(f64::MIN_POSITIVE);
    let (scaled, suffix, scaled_span) = if span >= 5e6 || v.abs() >= 1e7 {
        (v / 1e6, "M", span / 1e6)
    } else if span >= 5e3 || v.abs() >= 1e4 {
        (v / 1e3, "k", span / 1e3)
    } else {
        (v, "", span)
    };
    let step = scaled_span / 6.0;
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    }
    .min(5)
        + 1;
    let mut text = format!("{scaled:.decimals$}");
    while text.contains('.') && (text.ends_with('0') || text.ends_with('.')) {
        text.pop();
    }
    if text == "-0" || text == "0" {
        return "0".into();
    }
    let text = group(&text);
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}{suffix}"),
        None => format!("{text}{suffix}"),
    }
}

/// A number for sentences and tables: about four significant digits,
/// thousands grouped.
pub fn human(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let decimals = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    let text = format!("{v:.decimals$}");
    if text.starts_with('-') && text.bytes().all(|b| b == b'-' || b == b'0' || b == b'.') {
        return group(&text[1..]);
    }
    group(&text)
}

/// A value with its unit for sentences: `€1,234`, `55.0%` (shares),
/// `0.612` (indices), `12.5 minutes`.
pub fn value(v: f64, unit: &str) -> String {
    match unit {
        "EUR" => eur(v),
        "fraction" | "fraction/year" => format!("{:.1}%", 100.0 * v),
        "0-1" | "multiple" | "" => human(v),
        other => format!("{} {other}", human(v)),
    }
}

/// A signed change with its unit: `+€1,234`, `+5.0 points` (shares),
/// `−0.012`, `+1.5 minutes`.
pub fn change(v: f64, unit: &str) -> String {
    let sign = if v > 0.0 { "+" } else { "" };
    let text = match unit {
        "EUR" => return signed_eur(v),
        "fraction" | "fraction/year" => format!("{sign}{:.1} points", 100.0 * v),
        "0-1" | "multiple" | "" => format!("{sign}{}", human(v)),
        other => format!("{sign}{} {other}", human(v)),
    };
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

/// A parameter value for people: [`human`] without trailing zeros
/// (`0.2`, `7`, `1,500`).
pub fn short(v: f64) -> String {
    let mut text = human(v);
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    text
}

/// `€12,345`, `€12.35` (or `−€1,234` with a true minus sign).
pub fn eur(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let text = if a == 0.0 {
        "0".to_string()
    } else if a >= 100.0 {
        group(&format!("{a:.0}"))
    } else {
        format!("{a:.2}")
    };
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        format!("−€{text}")
    } else {
        format!("€{text}")
    }
}

/// A signed amount, `+€1,234` or `−€1,234`.
pub fn signed_eur(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", eur(v))
    } else {
        eur(v)
    }
}

/// Inserts thousands separators into the integer part of a decimal.
pub(crate) fn group(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A range `[lo, hi]` padded by a fraction of its span, never empty.
pub fn padded(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let span = hi - lo;
    if span <= f64::EPSILON * lo.abs().max(1.0) {
        let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        return (lo - d, hi + d);
    }
    (lo - pad * span, hi + pad * span)
}

/// Parameter settings in words (`latitude = 0.2, staff = 7`).
pub fn assignments(pairs: &[(String, String)]) -> String {
    let words: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{} = {v}", parameter_short(k)))
        .collect();
    words.join(", ")
}

/// An interval in words (`12,000 EUR to 15,000 EUR`), each end written by
/// `fmt`.
pub fn range((lo, hi): (f64, f64), fmt: fn(f64) -> String) -> String {
    format!("{} to {}", fmt(lo), fmt(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_numbers_are_compact() {
        assert_eq!(axis_number(120_000.0, 200_000.0), "120k");
        assert_eq!(axis_number(1_500_000.0, 10_000_000.0), "1.5M");
        assert_eq!(axis_number(0.25, 1.0), "0.25");
        assert_eq!(axis_number(-0.0, 1.0), "0");
        assert_eq!(axis_number(0.2, 1.0), "0.2");
        assert_eq!(axis_number(1500.0, 3000.0), "1,500");
        assert_eq!(axis_number(f64::NAN, 1.0), "");
    }

    #[test]
    fn human_numbers_and_money() {
        assert_eq!(human(1_234_567.4), "1,234,567");
        assert_eq!(human(-0.0001), "0.000");
        assert_eq!(eur(-1234.6), "−€1,235");
        assert_eq!(signed_eur(12.0), "+€12.00");
        assert_eq!(eur(0.0), "€0");
        assert_eq!(short(0.2), "0.2");
        assert_eq!(value(0.55, "fraction/year"), "55.0%");
        assert_eq!(change(0.05, "fraction/year"), "+5.0 points");
        assert_eq!(change(-0.0123, "0-1"), "−0.012");
        assert_eq!(short(7.0), "7");
        assert_eq!(axis_number(-5000.0, 20000.0), "−5k");
    }

    #[test]
    fn names_have_units() {
        assert_eq!(daily_unit("profit"), "EUR");
        assert_eq!(with_unit("Profit per day", "EUR"), "Profit per day (EUR)");
        assert_eq!(
            with_unit("Active customers", "customers"),
            "Active customers"
        );
        assert_eq!(sentence_case("word_of_mouth"), "Word of mouth");
        assert!(parameter_name("policy.latitude").contains("policy.latitude"));
        assert_eq!(padded(1.0, 1.0, 0.1), (0.95, 1.05));
    }
}
