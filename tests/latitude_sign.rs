//! How sure is the sign of the latitude answer? (docs/VALIDATION.md, the
//! section of that name; issue 9). Latitude 0.2 -> 0.7 in the expert store
//! (`configs/latitude-alone.toml` against `configs/expert-store.toml`)
//! pays at the defaults, but three named assumptions can turn it: the
//! extra resolution of non-routine needs at full latitude, the goodwill
//! spend per served customer and the extra service time at full latitude.
//! For each, the profit difference must have one sign just below the
//! break-even documented there and the other just above it (both 95% CIs
//! clear of zero), and the crossing read off those two points must land on
//! the documented break-even. A model change that moves a break-even fails
//! here and must update the table.

use std::path::Path;

use effectchain::config::Config;
use effectchain::experiment::compare;

/// Same seed and replication pairs as the table in docs/VALIDATION.md.
const REPLICATIONS: u32 = 40;

/// Key, a value below and a value above the documented break-even (both
/// rows of the table), and the break-even the table gives (mean profit
/// difference per year over the five years after the switch).
const CASES: &[(&str, f64, f64, f64)] = &[
    ("service.latitude_resolve_gain", 0.1, 0.3, 0.22),
    ("service.goodwill_per_customer", 2.5, 3.5, 2.95),
    ("service.latitude_time_cost", 0.4, 0.6, 0.43),
];

fn base() -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/expert-store.toml");
    Config::from_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// Mean and 95% CI of the profit difference per year after the switch,
/// latitude 0.7 against 0.2, with `key` at `value` in both arms.
fn latitude_pays(key: &str, value: f64) -> (f64, f64, f64) {
    let mut a = base();
    a.set(key, value).expect("a numeric key");
    let mut b = a.clone();
    b.policy.latitude = 0.7;
    let years = f64::from(a.simulation.years_after_switch);
    let c = compare::compare(&a, &b, a.simulation.seed, REPLICATIONS, &|| {});
    let d = c.difference_of("profit").expect("profit");
    (d.mean / years, d.ci_low / years, d.ci_high / years)
}

#[test]
fn the_latitude_answer_flips_sign_at_the_documented_break_even() {
    for &(key, below, above, documented) in CASES {
        let (m0, lo0, hi0) = latitude_pays(key, below);
        let (m1, lo1, hi1) = latitude_pays(key, above);
        assert!(
            (lo0 > 0.0 && hi1 < 0.0) || (hi0 < 0.0 && lo1 > 0.0),
            "{key}: latitude earns {m0:.0} [{lo0:.0}, {hi0:.0}] EUR a year at {below} and \
             {m1:.0} [{lo1:.0}, {hi1:.0}] at {above}: no clear change of sign between them"
        );
        let crossing = below + (above - below) * m0 / (m0 - m1);
        // The table gives the break-even to two or three digits; a tenth of
        // the bracket is the most that rounding explains.
        let tolerance = 0.1 * (above - below);
        assert!(
            (crossing - documented).abs() <= tolerance,
            "{key}: break-even {crossing:.3}, docs/VALIDATION.md says {documented}; \
             update the table"
        );
    }
}
