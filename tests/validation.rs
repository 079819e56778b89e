//! The validation experiments at reduced size (same seeds and criteria as
//! `effectchain validate`, fewer stores, replications and weeks): the model
//! must keep reproducing the published figures.

use effectchain::validate::{Size, EXPERIMENTS};

fn check(name: &str) {
    let experiment = EXPERIMENTS
        .iter()
        .find(|e| e.name == name)
        .expect("a known experiment");
    let outcome = (experiment.run)(Size::Reduced);
    let failed: Vec<String> = outcome
        .criteria
        .iter()
        .filter(|c| !c.pass)
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

#[test]
fn sears_chain() {
    check("sears");
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
    check("balance");
}

#[test]
fn customer_lifetime_value() {
    check("clv");
}

#[test]
fn karasek_job_strain() {
    check("strain");
}
