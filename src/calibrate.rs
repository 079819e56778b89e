//! Calibration: the repeatable procedure that sets the defaults which are
//! fitted to a figure, kept apart from validation (docs/VALIDATION.md,
//! Calibration). Each target names one parameter, one KPI of the default
//! store and the figure it should show; the parameter is searched by
//! bisection over a bracket in which the KPI is monotone, one target after
//! another, each with the earlier ones at their found values. A figure used
//! here is never a validation target.
//!
//! Every evaluation is a run of the default store through the same path as
//! a manager's run (`experiment::run`, burn-in included) with a fixed seed,
//! so the KPI is a deterministic function of the parameter and bisection is
//! well defined.

use crate::config::Config;
use crate::experiment;
use crate::model::DAYS_PER_YEAR;
use crate::validate::Size;

/// One calibration target.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The dotted parameter searched.
    pub parameter: &'static str,
    /// The KPI it is fitted to.
    pub kpi: &'static str,
    /// The figure the KPI should show.
    pub value: f64,
    /// How far the default store's KPI may be from the figure before the
    /// committed default counts as stale (about the KPI's noise at the
    /// procedure's size).
    pub tolerance: f64,
    /// Measured years per evaluation: more for a KPI made of rare events.
    pub measured_years: u32,
    /// Bracket of the search.
    pub lo: f64,
    pub hi: f64,
    /// Where the figure comes from.
    pub source: &'static str,
    set: fn(&mut Config, f64),
    get: fn(&Config) -> f64,
}

/// The calibration targets, in the order they are fitted.
pub const TARGETS: &[Target] = &[
    Target {
        parameter: "workforce.quit_rate",
        kpi: "annual_turnover",
        value: 0.22,
        tolerance: 0.03,
        measured_years: 5,
        lo: 0.05,
        hi: 1.0,
        source: "about 20-25% a year: between European retail staff turnover and US retail \
                 quits (BLS JOLTS, retail trade)",
        set: |c, v| c.workforce.quit_rate = v,
        get: |c| c.workforce.quit_rate,
    },
    Target {
        parameter: "market.online_pull_per_year",
        kpi: "annual_retention",
        value: 0.80,
        tolerance: 0.01,
        measured_years: 1,
        lo: 0.0,
        hi: 0.4,
        source: "Gupta & Lehmann 2003: retention r = 0.8 behind the CLV multiple 2.67; retail \
                 customer retention of 0.6 to 0.85",
        set: |c, v| c.market.online_pull_per_year = v,
        get: |c| c.market.online_pull_per_year,
    },
    Target {
        parameter: "recovery.escalation_rate",
        kpi: "abuse_per_employee_year",
        value: 4.5,
        tolerance: 0.5,
        measured_years: 1,
        lo: 0.0,
        hi: 0.05,
        source: "between recorded incidents (BRC Crime Survey 2024) and self-reported verbal \
                 abuse (USDAW 2023) of retail staff",
        set: |c, v| c.recovery.escalation_rate = v,
        get: |c| c.recovery.escalation_rate,
    },
];

/// What the search found for one target.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub target: Target,
    /// The parameter value that meets the target.
    pub found: f64,
    /// The KPI at the found value.
    pub kpi_at_found: f64,
    /// The committed default and the KPI it gives.
    pub default: f64,
    pub kpi_at_default: f64,
}

/// Seed of every calibration run (apart from the validation seeds).
pub const SEED: u64 = 2026;

fn kpi(config: &Config, target: &Target) -> f64 {
    let mut config = config.clone();
    config.simulation.days = target.measured_years * DAYS_PER_YEAR;
    experiment::run(&config, &|| {})
        .kpi(target.kpi)
        .expect("a calibration KPI")
        .mean
}

/// Runs the procedure: fits every target in turn on the default store.
pub fn calibrate(size: Size) -> Vec<Fit> {
    let mut config = Config::default();
    config.simulation.seed = SEED;
    config.simulation.replications = 20;
    let steps = size.pick(14, 8);
    let committed = config.clone();
    let mut fits = Vec::new();
    for &target in TARGETS {
        let default = (target.get)(&committed);
        let kpi_at_default = kpi(&committed, &target);
        let at = |v: f64| {
            let mut c = config.clone();
            (target.set)(&mut c, v);
            kpi(&c, &target)
        };
        // The KPI is monotone in the parameter over the bracket: find the
        // direction from the ends, then bisect.
        let (mut lo, mut hi) = (target.lo, target.hi);
        let rising = at(hi) > at(lo);
        for _ in 0..steps {
            let mid = 0.5 * (lo + hi);
            if (at(mid) < target.value) == rising {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let found = 0.5 * (lo + hi);
        let kpi_at_found = at(found);
        (target.set)(&mut config, found);
        fits.push(Fit {
            target,
            found,
            kpi_at_found,
            default,
            kpi_at_default,
        });
    }
    fits
}

/// The table `effectchain calibrate` prints.
pub fn table(fits: &[Fit], size: Size) -> String {
    let mut s = format!(
        "Calibration of the default store (seed {SEED}, 20 replications, bisection in {} steps)\n",
        size.pick(14, 8)
    );
    for f in fits {
        s.push_str(&format!(
            "  {} -> {} = {}\n      source: {}\n      found: {:.4} (gives {:.3}); default: {} (gives {:.3})\n",
            f.target.parameter,
            f.target.kpi,
            f.target.value,
            f.target.source,
            f.found,
            f.kpi_at_found,
            f.default,
            f.kpi_at_default
        ));
    }
    s
}
