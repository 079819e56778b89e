//! The validation experiments at reduced size (same seeds and criteria as
//! `effectchain validate`, fewer stores, replications and weeks): the model
//! must keep reproducing the published figures.

use effectchain::validate::{Size, EXPERIMENTS};

/// Runs an experiment at reduced size; every criterion must pass except
/// the `known_departures`, the criteria docs/VALIDATION.md lists as failing
/// with the current model (an honest fail is reported, not hidden: the
/// printed table in docs/VALIDATION.md is checked by .ci/run).
fn check_except(name: &str, known_departures: &[&str]) {
    let experiment = EXPERIMENTS
        .iter()
        .find(|e| e.name == name)
        .expect("a known experiment");
    let outcome = (experiment.run)(Size::Reduced);
    let failed: Vec<String> = outcome
        .criteria
        .iter()
        .filter(|c| !c.pass && !known_departures.iter().any(|k| c.measure.starts_with(k)))
        .map(|c| {
            format!(
                "{}: target {}, obtained {} (95% CI {} to {})",
                c.measure, c.target, c.obtained.value, c.obtained.ci_low, c.obtained.ci_high
            )
        })
        .collect();
    assert!(failed.is_empty(), "{name} failed:\n{}", failed.join("\n"));
    assert!(!outcome.data.is_empty() && outcome.data.iter().all(|d| !d.rows.is_empty()));
}

fn check(name: &str) {
    check_except(name, &[]);
}

#[test]
fn sears_chain() {
    // In the year after the programme, customers' happiness has moved only
    // part of the way: see docs/VALIDATION.md, Known departures. The growth
    // slope must stay in its band.
    check_except(
        "sears",
        &["customer impression per +5 employee-attitude units"],
    );
}

#[test]
fn oliva_sterman_erosion() {
    check("erosion");
}

#[test]
fn bowen_lawler_contingencies() {
    check("contingencies");
}

#[test]
fn interior_optimum_of_latitude() {
    // No optimum survives fresh replications (docs/VALIDATION.md, Known
    // departures): the profit curve is flat at high latitude. The full
    // result is checked exactly by .ci/run against docs/VALIDATION.md.
    check_except("balance", &["profit at the best latitude"]);
}

#[test]
fn customer_lifetime_value() {
    check("clv");
}

#[test]
fn karasek_job_strain() {
    check("strain");
}

#[test]
fn reichheld_sasser_retention_leverage() {
    check("reichheld");
}

#[test]
fn jones_sasser_top_box() {
    // Frequent store visits make a return within a year near certain in
    // both bands: see docs/VALIDATION.md, Known departures.
    check_except(
        "jones_sasser_topbox",
        &["return within a year, totally satisfied over satisfied"],
    );
}

#[test]
fn loss_aversion_in_retention() {
    // A rise gains more retention than an equal fall costs: see
    // docs/VALIDATION.md, Known departures.
    check_except(
        "loss_aversion",
        &["retention lost after a drop minus retention gained"],
    );
}

#[test]
fn de_matos_recovery_paradox() {
    check("de_matos");
}

#[test]
fn harter_business_unit_correlations() {
    // Staff and customer satisfaction are linked more tightly than in the
    // field, even with stores that differ in their offer, and satisfied
    // staff are not more productive (docs/VALIDATION.md, Known departures:
    // both fail the full run). The reduced run's four chains of 20 stores
    // cannot resolve the turnover correlation (its CI spans about 0.4), so
    // it is listed too; the full run's table is checked by .ci/run against
    // docs/VALIDATION.md.
    check_except(
        "harter",
        &[
            "correlation across stores of staff satisfaction with customer satisfaction",
            "correlation across stores of staff satisfaction with turnover",
            "correlation across stores of staff satisfaction with productivity",
        ],
    );
}

#[test]
fn busyness_weakens_the_staff_customer_link() {
    // Falling at every step, but not markedly weaker: the demand range
    // makes few more encounters queued (docs/VALIDATION.md, Known
    // departures).
    check_except("busyness", &["slope at the busiest level"]);
}

#[test]
fn ton_huckman_process_conformance() {
    // Passes near the edge of its band (docs/VALIDATION.md).
    check("ton_huckman");
}

#[test]
fn the_committed_defaults_meet_their_calibration_targets() {
    // The defaults fitted by `effectchain calibrate` are current: the
    // default store shows each calibration figure (docs/VALIDATION.md,
    // Calibration), within each target's stated tolerance.
    for fit in effectchain::calibrate::calibrate(effectchain::validate::Size::Reduced) {
        assert!(
            (fit.kpi_at_default - fit.target.value).abs() < fit.target.tolerance,
            "{} = {} gives {} = {}, target {}; rerun `effectchain calibrate`",
            fit.target.parameter,
            fit.default,
            fit.target.kpi,
            fit.kpi_at_default,
            fit.target.value
        );
    }
}
