//! Bad input to `effectchain run`: every case exits with code 2, prints one
//! line naming the file and the key, and creates no output folder.

use crate::util::{assert_one_line_error, effectchain, entries, scenario};

/// Runs `effectchain run bad.toml --out out` on `text` and checks the
/// failure contract; `needles` must all appear in the error line.
fn rejects(text: &str, needles: &[&str]) {
    let (dir, _) = scenario("bad.toml", text);
    let output = effectchain()
        .current_dir(dir.path())
        .args(["run", "bad.toml", "--out", "out", "--quiet"])
        .output()
        .expect("the binary runs");
    let mut all = vec!["bad.toml"];
    all.extend_from_slice(needles);
    assert_one_line_error(&output, 2, &all);
    assert_eq!(
        entries(dir.path()),
        ["bad.toml"],
        "no output (or partial) folder may be created"
    );
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = effectchain()
        .current_dir(dir.path())
        .args(["run", "missing.toml", "--out", "out"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, &["missing.toml", "cannot read"]);
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn toml_syntax_error() {
    rejects(
        "[simulation]\ndays = 56\nburn_in_min_years = = 7\n",
        &["bad.toml:3:"],
    );
}

#[test]
fn unknown_key() {
    rejects(
        "[policy]\nlatitud = 0.3\n",
        &["bad.toml:2:1", "policy", "latitud"],
    );
}

#[test]
fn wrong_type() {
    rejects(
        "[policy]\nstaff = \"many\"\n",
        &["bad.toml:2:", "policy.staff"],
    );
}

#[test]
fn out_of_range_probability() {
    rejects(
        "[service]\nfailure_rate = 1.5\n",
        &["bad.toml:2:1", "service.failure_rate", "from 0 to 1", "1.5"],
    );
}

#[test]
fn busy_display_loss_above_one() {
    rejects(
        "[service]\nbusy_display_loss = 1.2\n",
        &[
            "bad.toml:2:1",
            "service.busy_display_loss",
            "from 0 to 1",
            "1.2",
        ],
    );
}

#[test]
fn out_of_range_chain_spreads() {
    rejects(
        "[chain]\nstores = 3\noffer_quality_sd = 2.0\n",
        &[
            "bad.toml:3:1",
            "chain.offer_quality_sd",
            "from 0 to 1",
            "found 2",
        ],
    );
    rejects(
        "[chain]\nstores = 3\nmanager_change_sd = -0.1\n",
        &[
            "bad.toml:3:1",
            "chain.manager_change_sd",
            "from 0 to 1",
            "-0.1",
        ],
    );
}

#[test]
fn negative_staff_count() {
    rejects("[policy]\nstaff = -3\n", &["policy.staff"]);
}

#[test]
fn zero_days() {
    rejects("[simulation]\ndays = 0\n", &["simulation.days"]);
}

#[test]
fn shared_burn_in_that_is_not_a_boolean() {
    rejects(
        "[simulation]\nshared_burn_in = 1\n",
        &["bad.toml:2:", "simulation.shared_burn_in", "true or false"],
    );
}

#[test]
fn nan() {
    rejects(
        "[market]\nrelationship = nan\n",
        &["market.relationship", "finite"],
    );
}

#[test]
fn zero_replications_override() {
    let (dir, _) = scenario("ok.toml", crate::util::TINY);
    let output = effectchain()
        .current_dir(dir.path())
        .args(["run", "ok.toml", "--replications", "0", "--out", "out"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, &["--replications", "simulation.replications"]);
    assert_eq!(entries(dir.path()), ["ok.toml"]);
}

#[test]
fn zero_threads() {
    let (dir, _) = scenario("ok.toml", crate::util::TINY);
    let output = effectchain()
        .current_dir(dir.path())
        .args(["run", "ok.toml", "--threads", "0", "--out", "out"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, &["--threads"]);
    assert_eq!(entries(dir.path()), ["ok.toml"]);
}

#[test]
fn unknown_flag_is_a_one_line_usage_error() {
    let output = effectchain()
        .args(["run", "x.toml", "--sed", "3"])
        .output()
        .unwrap();
    assert_one_line_error(&output, 2, &["--sed", "--seed"]);
}

/// `compare a.toml b.toml` in a fresh folder holding the two configs.
fn compare_configs(a: &str, b: &str) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), a).unwrap();
    std::fs::write(dir.path().join("b.toml"), b).unwrap();
    let output = effectchain()
        .current_dir(dir.path())
        .args(["compare", "a.toml", "b.toml", "--out", "out", "--quiet"])
        .output()
        .unwrap();
    (dir, output)
}

#[test]
fn compare_refuses_a_shared_burn_in_asked_for_in_b_only() {
    // The design is A's [simulation]; B turning the shared burn-in on would
    // be ignored silently.
    let (dir, output) = compare_configs(
        "[simulation]\ndays = 7\n",
        "[policy]\nlatitude = 0.5\n\n[simulation]\nshared_burn_in = true\n",
    );
    assert_one_line_error(
        &output,
        2,
        &[
            "b.toml:5:1",
            "simulation.shared_burn_in",
            "a.toml",
            "ignored",
        ],
    );
    assert_eq!(entries(dir.path()), ["a.toml", "b.toml"]);
}

#[test]
fn compare_refuses_a_b_that_differs_before_the_switch() {
    // B's chain spreads set up the stores on day 0; a comparison switches
    // one running chain from A to B, so they would be ignored silently.
    let (dir, output) = compare_configs(
        "[chain]\nstores = 3\n",
        "[policy]\nlatitude = 0.5\n\n[chain]\nstores = 3\noffer_quality_sd = 0.2\n",
    );
    assert_one_line_error(
        &output,
        2,
        &[
            "b.toml:6:1",
            "chain.offer_quality_sd",
            "0.2",
            "a.toml",
            "before the switch",
        ],
    );
    assert_eq!(entries(dir.path()), ["a.toml", "b.toml"]);
    // A key B leaves at its default is placed at A's line.
    let (dir, output) = compare_configs(
        "[chain]\nstores = 2\ngrowth_need_sd = 0.1\n",
        "[chain]\nstores = 2\n",
    );
    assert_one_line_error(
        &output,
        2,
        &[
            "b.toml",
            "chain.growth_need_sd",
            "its default",
            "a.toml:3:1",
        ],
    );
    assert_eq!(entries(dir.path()), ["a.toml", "b.toml"]);
}
