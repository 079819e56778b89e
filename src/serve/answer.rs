//! The answer the page shows, from the first `n` replication pairs of a
//! what-if: the comparison `effectchain compare` makes of the same two
//! configs with `n` replications, in words and numbers ready to show.
//!
//! Amounts over the horizon after the switch (the KPI window, the
//! mechanism terms) are shown per year, divided by the horizon's years;
//! the headline is the long-run difference per year of the verdict.

use serde::Serialize;

use crate::config::Config;
use crate::engine::{Replication, KPI_DEFS};
use crate::experiment::compare::{Comparison, ComparisonRuns, MECHANISMS};
use crate::experiment::stats::Stats;
use crate::experiment::switch::DAYS_PER_YEAR;
use crate::experiment::RunResults;
use crate::output::comparison::{self, eur, horizon_text, payback_text, years_text, Side};

use super::scenario::{TODAY, WHAT_IF};

/// A number with its 95% CI and the words to show.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// The mean as the page shows it (`+1,234 EUR`).
    pub text: String,
    /// `95% CI -200 EUR to 2,600 EUR`.
    pub ci_text: String,
    /// Whether the CI excludes zero (the change is clear).
    pub clear: bool,
}

impl Shown {
    fn of(s: &Stats, format: &dyn Fn(f64) -> String, signed: bool) -> Shown {
        let text = format(s.mean);
        let plus = signed && s.mean > 0.0 && !text.starts_with('-') && text != format(0.0);
        Shown {
            mean: s.mean,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
            text: if plus { format!("+{text}") } else { text },
            ci_text: format!("95% CI {} to {}", format(s.ci_low), format(s.ci_high)),
            clear: s.ci_low > 0.0 || s.ci_high < 0.0,
        }
    }

    fn scaled(s: &Stats, factor: f64) -> Stats {
        Stats {
            mean: s.mean * factor,
            sd: s.sd * factor.abs(),
            ci_low: s.ci_low * factor,
            ci_high: s.ci_high * factor,
            n: s.n,
        }
    }
}

/// One mechanism term, per year over the horizon.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub name: &'static str,
    /// What it measures, in words.
    pub label: String,
    pub per_year: Shown,
}

/// A KPI of both arms and its paired difference.
#[derive(Debug, Clone, Serialize)]
pub struct KpiShown {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub today: String,
    pub what_if: String,
    pub difference: Shown,
}

/// Everything the page shows for a what-if.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub replications: usize,
    pub seed: u64,
    /// The sentence `effectchain compare` prints after `Verdict:`.
    pub verdict: String,
    /// Days after the switch both arms run.
    pub horizon_days: usize,
    /// `the 5-year horizon`.
    pub horizon: String,
    /// The long-run profit difference per year, over the second half of
    /// the horizon (None for a horizon under a year), with the years it
    /// covers and whether they start late enough to call it settled
    /// (`comparison::SETTLED_FROM_YEAR`).
    pub long_run: Option<Shown>,
    pub long_run_years: Option<String>,
    pub long_run_settled: bool,
    /// The paired profit difference over the horizon (the KPI `profit`),
    /// and per year over it.
    pub profit_difference: Shown,
    pub profit_difference_per_year: Shown,
    pub payback_day: Option<usize>,
    pub payback: String,
    pub npv: Shown,
    pub prob_better: f64,
    pub share_better: f64,
    /// Weekly points `[day, mean, ci_low, ci_high]` of the cumulative
    /// profit difference after the switch (EUR), and its last day.
    pub cumulative: Vec<[f64; 4]>,
    pub terms: Vec<Term>,
    pub kpis: Vec<KpiShown>,
    /// Today's store over the horizon: profit and a few figures per year.
    pub today: Vec<(String, String)>,
}

/// The KPIs the page can show: name, label, unit shown, scale (`per
/// year` divides a total by the horizon's years; `percent` multiplies a
/// fraction by 100) and decimals.
#[derive(Clone, Copy)]
enum Scale {
    PerYear,
    Percent,
    AsIs,
}

const KPIS: &[(&str, &str, &str, Scale, usize)] = &[
    ("profit", "Profit", "EUR a year", Scale::PerYear, 0),
    ("revenue", "Revenue", "EUR a year", Scale::PerYear, 0),
    ("served", "Customers served", "a year", Scale::PerYear, 0),
    (
        "lost_visit_share",
        "Visitors who left unserved",
        "% of visits",
        Scale::Percent,
        1,
    ),
    (
        "conversion",
        "Served customers who bought",
        "%",
        Scale::Percent,
        1,
    ),
    ("mean_basket", "Average purchase", "EUR", Scale::AsIs, 2),
    (
        "annual_retention",
        "Customers kept a year",
        "%",
        Scale::Percent,
        1,
    ),
    (
        "active_customers",
        "Customers at the end",
        "customers",
        Scale::AsIs,
        0,
    ),
    (
        "mean_happiness",
        "Customer happiness",
        "0 to 1",
        Scale::AsIs,
        3,
    ),
    (
        "staff_satisfaction",
        "Staff satisfaction",
        "0 to 1",
        Scale::AsIs,
        3,
    ),
    ("exhaustion", "Staff exhaustion", "0 to 1", Scale::AsIs, 3),
    (
        "annual_turnover",
        "Staff who quit",
        "% a year",
        Scale::Percent,
        1,
    ),
    (
        "time_per_customer",
        "Time per customer",
        "minutes",
        Scale::AsIs,
        1,
    ),
    (
        "queue_wait",
        "Wait before being served",
        "minutes",
        Scale::AsIs,
        2,
    ),
    (
        "paid_hours_per_employee_week",
        "Paid hours per employee",
        "hours a week",
        Scale::AsIs,
        1,
    ),
    (
        "abuse_per_employee_year",
        "Abuse incidents per employee",
        "a year",
        Scale::AsIs,
        2,
    ),
];

/// `1,234.5` with `decimals` decimals and thousands separators; no minus
/// sign on a value that rounds to zero.
pub fn grouped(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let text = format!("{:.*}", decimals, v.abs());
    if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        crate::plot::style::group(&format!("-{text}"))
    } else {
        crate::plot::style::group(&text)
    }
}

/// The answer from replication pairs in index order (what `compare`
/// computes for `pairs.len()` replications with master seed `seed`).
pub fn of(
    pairs: &[(Replication, Replication)],
    today: &Config,
    what_if: &Config,
    seed: u64,
) -> Answer {
    let c = Comparison::from_pairs(seed, pairs, today.economics.discount_rate);
    let side = |label: &str, config| Side {
        label: label.to_string(),
        config_path: format!("{label}.toml"),
        config,
    };
    let (a, b) = (side(TODAY, today), side(WHAT_IF, what_if));
    // The verdict reads only the comparison; the run summaries it is
    // handed carry the KPI summaries and no replications.
    let summary = |kpis: &[Stats]| RunResults {
        seed,
        replications: Vec::new(),
        kpis: kpis.to_vec(),
        daily: Vec::new(),
    };
    let runs = ComparisonRuns {
        a: summary(&c.a),
        b: summary(&c.b),
        comparison: c,
    };
    let verdict = comparison::verdict(&runs, &a, &b);
    let c = runs.comparison;
    let w = &c.switch;
    let years = (w.days as f64 / DAYS_PER_YEAR as f64).max(f64::MIN_POSITIVE);
    let money = |v: f64| eur(v);
    let profit_index = KPI_DEFS
        .iter()
        .position(|d| d.name == "profit")
        .expect("profit is a KPI");
    let profit = c.difference[profit_index];

    let mut cumulative: Vec<[f64; 4]> = w
        .cumulative
        .iter()
        .enumerate()
        .filter(|(t, _)| (t + 1) % 7 == 0 || t + 1 == w.days || *t == 0)
        .map(|(t, s)| [(t + 1) as f64, s.mean, s.ci_low, s.ci_high])
        .collect();
    cumulative.dedup_by(|x, y| x[0] == y[0]);

    let terms = MECHANISMS
        .iter()
        .zip(&c.mechanisms)
        .map(|((name, description), s)| Term {
            name,
            label: description.to_string(),
            per_year: Shown::of(&Shown::scaled(s, 1.0 / years), &money, true),
        })
        .collect();

    let kpis = KPIS
        .iter()
        .filter_map(|&(name, label, unit, scale, decimals)| {
            let i = KPI_DEFS.iter().position(|d| d.name == name)?;
            let factor = match scale {
                Scale::PerYear => 1.0 / years,
                Scale::Percent => 100.0,
                Scale::AsIs => 1.0,
            };
            let fmt = move |v: f64| grouped(v, decimals);
            Some(KpiShown {
                name,
                label,
                unit,
                today: fmt(c.a[i].mean * factor),
                what_if: fmt(c.b[i].mean * factor),
                difference: Shown::of(&Shown::scaled(&c.difference[i], factor), &fmt, true),
            })
        })
        .collect();

    let today_kpi = |name: &str| {
        KPI_DEFS
            .iter()
            .position(|d| d.name == name)
            .map_or(f64::NAN, |i| c.a[i].mean)
    };
    let today_facts = vec![
        (
            "Profit".to_string(),
            format!("{} a year", eur(today_kpi("profit") / years)),
        ),
        (
            "Revenue".to_string(),
            format!("{} a year", eur(today_kpi("revenue") / years)),
        ),
        (
            "Customers".to_string(),
            format!("{} active", grouped(today_kpi("active_customers"), 0)),
        ),
        (
            "Staff who quit".to_string(),
            format!(
                "{}% a year",
                grouped(100.0 * today_kpi("annual_turnover"), 0)
            ),
        ),
    ];

    Answer {
        replications: c.replications,
        seed,
        verdict,
        horizon_days: w.days,
        horizon: horizon_text(w.days),
        long_run: w.long_run.map(|l| Shown::of(&l.per_year, &money, true)),
        long_run_years: w.long_run.map(|l| years_text(l.first_year, l.last_year)),
        long_run_settled: w
            .long_run
            .is_some_and(|l| l.first_year >= comparison::SETTLED_FROM_YEAR),
        profit_difference: Shown::of(&profit, &money, true),
        profit_difference_per_year: Shown::of(&Shown::scaled(&profit, 1.0 / years), &money, true),
        payback_day: w.payback.day,
        payback: payback_text(w),
        npv: Shown::of(&w.npv, &money, true),
        prob_better: c.prob_b_better,
        share_better: c.share_b_better,
        cumulative,
        terms,
        kpis,
        today: today_facts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_numbers() {
        assert_eq!(grouped(1234567.891, 2), "1,234,567.89");
        assert_eq!(grouped(-1234.4, 0), "-1,234");
        assert_eq!(grouped(-0.2, 0), "0");
        assert_eq!(grouped(999.0, 1), "999.0");
        assert_eq!(grouped(f64::NAN, 1), "n/a");
    }
}
