//! The shipped configs: each is valid, each headline KPI of each stays in
//! its documented plausible range (the sanity envelope, docs/MODEL.md), and
//! each policy config's comment states the finding `compare` gives for it.

use std::path::{Path, PathBuf};

use effectchain::config::Config;
use effectchain::experiment::{self, compare};

fn configs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("configs/")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
}

fn load(path: &Path) -> Config {
    Config::from_file(path).unwrap_or_else(|e| panic!("{e}"))
}

/// KPI, lowest and highest plausible value for a single store of the
/// shipped configs, and the source of the range (docs/MODEL.md, Sanity
/// envelope).
const ENVELOPE: &[(&str, f64, f64)] = &[
    // Store profit before head-office costs: -5% to +10% of sales.
    ("profit_margin", -0.05, 0.10),
    // Consumer-electronics store conversion of served visits.
    ("conversion", 0.15, 0.60),
    ("mean_basket", 80.0, 400.0),
    // Paid hours at contract level: part-time and full-time mix, within
    // the Dutch working-time limits (at most 48 a week on average).
    ("paid_hours_per_employee_week", 15.0, 40.0),
    // Between recorded incidents (BRC) and self-reported abuse (USDAW).
    ("abuse_per_employee_year", 0.1, 15.0),
    ("lost_visit_share", 0.0, 0.30),
    ("annual_turnover", 0.02, 1.0),
    ("annual_retention", 0.5, 0.95),
    ("time_per_customer", 5.0, 30.0),
    ("queue_wait", 0.0, 10.0),
    ("staff_satisfaction", 0.3, 0.9),
    ("exhaustion", 0.0, 0.6),
];

#[test]
fn every_shipped_config_stays_in_the_sanity_envelope() {
    for path in configs() {
        let mut c = load(&path);
        c.simulation.replications = 4;
        // A chain's stores are checked one by one below; a few suffice.
        c.chain.stores = c.chain.stores.min(4);
        let r = experiment::run(&c, &|| {});
        let per_store = c.chain.stores as f64;
        for &(kpi, lo, hi) in ENVELOPE {
            let v = r.kpi(kpi).expect("a KPI").mean;
            assert!(
                (lo..=hi).contains(&v),
                "{}: {kpi} = {v} outside its plausible range [{lo}, {hi}]",
                path.display()
            );
        }
        let revenue = r.kpi("revenue").expect("revenue").mean / per_store;
        assert!(
            (0.5e6..=5.0e6).contains(&revenue),
            "{}: revenue per store {revenue} EUR a year outside [0.5 M, 5 M]",
            path.display()
        );
    }
}

/// The `# Finding` statement of a config: mean and 95% CI in EUR a year.
fn finding(text: &str) -> Option<(f64, f64, f64)> {
    let start = text.find("# Finding (")?;
    let rest: String = text[start..]
        .lines()
        .take(4)
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ");
    let num = |s: &str| -> f64 { s.replace(',', "").parse().expect("a number") };
    let after = |key: &str| rest.split(key).nth(1).map(str::trim);
    let mean = num(after("profit ")?.split(' ').next()?);
    let ci = after("(95% CI ")?;
    let lo = num(ci.split(' ').next()?);
    let hi = num(ci
        .split(" to ")
        .nth(1)?
        .split(' ')
        .next()?
        .trim_end_matches([')', '.']));
    Some((mean, lo, hi))
}

#[test]
fn each_policy_configs_finding_is_what_compare_gives() {
    // The statement is re-made exactly (same seed, same 40 replications) and
    // must match to the euro it is written in.
    let base = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/expert-store.toml"));
    let years = f64::from(base.simulation.years_after_switch);
    let mut checked = 0;
    for path in configs() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let Some((mean, lo, hi)) = finding(&text) else {
            continue;
        };
        let b = load(&path);
        let c = compare::compare(&base, &b, base.simulation.seed, 40, &|| {});
        let d = c.difference_of("profit").expect("profit");
        for (what, stated, got) in [
            ("mean", mean, d.mean / years),
            ("ci_low", lo, d.ci_low / years),
            ("ci_high", hi, d.ci_high / years),
        ] {
            assert!(
                (stated - got).abs() <= 1.0,
                "{}: the comment says {what} {stated} EUR a year, compare gives {got}; \
                 update the comment",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} configs state a finding");
}

#[test]
fn the_settled_answer_does_not_depend_on_the_year_read() {
    // Issue 8: for expert-store against a latitude-1 store, the profit
    // differences of years 4 and 5 after the switch agree within their CIs.
    let base = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/expert-store.toml"));
    let mut b = base.clone();
    b.policy.latitude = 1.0;
    let c = compare::compare(&base, &b, base.simulation.seed, 10, &|| {});
    let year = |y: usize| c.switch.by_year[y - 1].difference;
    let (y4, y5) = (year(4), year(5));
    assert!(
        y4.ci_low <= y5.ci_high && y5.ci_low <= y4.ci_high,
        "year 4 {y4:?} vs year 5 {y5:?}"
    );
}
