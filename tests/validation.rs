//! The validation experiments at reduced size (same seeds and criteria as
//! `effectchain validate`, fewer stores, replications and weeks): the model
//! must keep reproducing the published figures.

use effectchain::validate::{Size, EXPERIMENTS};

/// Runs an experiment at reduced size; every criterion must pass except
/// the `known_departures`, the criteria docs/VALIDATION.md lists as failing
/// with the current model (an honest fail is reported, not hidden: the
/// printed table in docs/VALIDATION.md is checked by .ci/run).
fn check_except(name: &str, known_departures: &[&str]) -> effectchain::validate::Outcome {
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
    outcome
}

fn check(name: &str) {
    check_except(name, &[]);
}

#[test]
fn sears_chain() {
    // Both criteria must pass as in the full run: the impression (a survey
    // of the year's shoppers) and the revenue growth. (Before annual leave
    // was modelled the reduced run's 10 chains put the growth slope above
    // the band, 1.05, CI 0.72 to 1.37; with it, 0.84, CI 0.47 to 1.21.)
    check("sears");
}

/// Asserts `holds(ci_low, ci_high)` of a criterion's figure, saying `what`
/// went wrong with the figure and its interval.
fn assert_ci(c: &effectchain::validate::Criterion, holds: fn(f64, f64) -> bool, what: &str) {
    let o = &c.obtained;
    assert!(
        holds(o.ci_low, o.ci_high),
        "{what}: {} (95% CI {} to {})",
        o.value,
        o.ci_low,
        o.ci_high
    );
}

/// The criterion of `outcome` whose measure starts with `measure`.
fn criterion<'a>(
    outcome: &'a effectchain::validate::Outcome,
    measure: &str,
) -> &'a effectchain::validate::Criterion {
    outcome
        .criteria
        .iter()
        .find(|c| c.measure.starts_with(measure))
        .unwrap_or_else(|| panic!("no criterion {measure}"))
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
    // The full run's profit change sits in the lower half of its band
    // (docs/VALIDATION.md); the reduced run's CI (about 14 points wide)
    // straddles the band's edge at 25%, so only its direction is checked
    // here: five points less defection raise profit. The full table is
    // checked by .ci/run against docs/VALIDATION.md.
    let outcome = check_except("reichheld", &["long-run profit change"]);
    let profit = criterion(&outcome, "long-run profit change");
    assert_ci(
        profit,
        |lo, _| lo > 0.0,
        "less defection does not raise profit",
    );
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
    // A fall costs no more retention than an equal rise gains (with the
    // defection hazard per visit, a rise gained more): see
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
    // The full run fails two of the four correlations (docs/VALIDATION.md,
    // Known departures): customer satisfaction is linked more tightly than
    // in the field and productivity shows no link beyond noise; profit
    // passes at its band's lower edge.
    // The reduced run's four chains of 20 stores cannot resolve turnover or
    // profit either (CIs about 0.4 and 0.6 wide), so all four are listed and
    // the full run's table is checked by .ci/run against docs/VALIDATION.md.
    // What the reduced run can resolve is the chain's direction: stores with
    // more satisfied staff have more satisfied customers.
    let outcome = check_except(
        "harter",
        &[
            "correlation across stores of staff satisfaction with customer satisfaction",
            "correlation across stores of staff satisfaction with turnover",
            "correlation across stores of staff satisfaction with productivity",
            "correlation across stores of staff satisfaction with profit",
        ],
    );
    let customers = criterion(
        &outcome,
        "correlation across stores of staff satisfaction with customer satisfaction",
    );
    assert_ci(
        customers,
        |lo, _| lo > 0.0,
        "staff and customer satisfaction are not positively linked across stores",
    );
}

#[test]
fn busyness_runs_and_reports_its_unresolved_moderation() {
    // The moderation is a few per cent of the link in the model, too small
    // for the experiment to resolve (docs/VALIDATION.md, Known departures:
    // the ratio reads 0.89 to 1.01 across seeds), so neither criterion is
    // asserted here; the per-encounter mechanism is tested in
    // tests/properties.rs (a_line_waiting_weakens_the_lift_of_satisfied_staff)
    // and the full table by .ci/run against docs/VALIDATION.md. What is
    // checked here is that the experiment runs and reports its data.
    check_except(
        "busyness",
        &["slope at the busiest level", "steps of demand"],
    );
}

#[test]
fn ton_huckman_process_conformance() {
    // The ratio sits at the edge of its band, passing or failing with the
    // draws (docs/VALIDATION.md, Known departures); what must hold is the
    // direction: conformance shrinks the damage of turnover.
    let outcome = check_except("ton_huckman", &["damage at conformance 0.8"]);
    let ratio = criterion(&outcome, "damage at conformance 0.8");
    assert_ci(
        ratio,
        |_, hi| hi < 1.0,
        "conformance does not shrink the damage",
    );
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
