//! The chain's store drivers of issue 9's validation work: the offer and
//! premises (`chain.offer_quality_sd`), drawn per store from the chain's own
//! stream and written to stores.csv, raises customer happiness; the
//! turnaround programme (`chain.manager_change_sd`) moves manager quality
//! at a switch; and the Sears design's regression reads known slopes
//! (docs/MODEL.md, M12; docs/VALIDATION.md, section 1).

use std::fs;

use effectchain::config::Config;
use effectchain::model::{Store, StoreProfile};
use effectchain::validate::sears;

use crate::util::{effectchain, scenario, TINY};

fn chain(extra: &str) -> Config {
    Config::from_toml_str(&format!("[chain]\nstores = 5\n{extra}"), "chain.toml").unwrap()
}

#[test]
fn the_offer_is_drawn_per_store_from_the_chains_stream_after_the_other_drivers() {
    let with = chain("offer_quality_sd = 0.05\nmanager_quality_sd = 0.2\n");
    let double = chain("offer_quality_sd = 0.1\nmanager_quality_sd = 0.2\n");
    let without = chain("manager_quality_sd = 0.2\n");
    let offers: Vec<f64> = (0..5)
        .map(|i| StoreProfile::draw(&with, 7, 3, i).offer_quality)
        .collect();
    for i in 0..5u32 {
        let p = StoreProfile::draw(&with, 7, 3, i);
        // Deterministic: the same (seed, replication, store) draws the same.
        assert_eq!(p, StoreProfile::draw(&with, 7, 3, i));
        // Linear in its spread, and 0 without it.
        let q = StoreProfile::draw(&double, 7, 3, i);
        assert!((q.offer_quality - 2.0 * p.offer_quality).abs() < 1e-12);
        let r = StoreProfile::draw(&without, 7, 3, i);
        assert_eq!(r.offer_quality, 0.0);
        // Drawn after the six older drivers: theirs are unchanged by it.
        assert_eq!(p.values()[..6], r.values()[..6]);
        assert_eq!(p.values()[6], p.offer_quality);
    }
    // Stores differ, and another replication draws another chain.
    assert!(offers.windows(2).all(|w| w[0] != w[1]), "{offers:?}");
    assert_ne!(
        StoreProfile::draw(&with, 7, 4, 0),
        StoreProfile::draw(&with, 7, 3, 0)
    );
    // The template store has none.
    assert_eq!(StoreProfile::typical(&with).offer_quality, 0.0);
}

#[test]
fn stores_csv_has_the_offer_column_with_each_stores_draw() {
    let text = format!("{TINY}\n[chain]\nstores = 3\noffer_quality_sd = 0.05\n");
    let (dir, path) = scenario("chain.toml", &text);
    let config = Config::from_toml_str(&text, "chain.toml").unwrap();
    let out = dir.path().join("out");
    let output = effectchain()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--no-plots"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let csv = fs::read_to_string(out.join("stores.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header.iter().position(|h| *h == "offer_quality").unwrap();
    let mut rows = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let k: u64 = cells[0].parse().unwrap();
        let s: u32 = cells[1].parse().unwrap();
        let value: f64 = cells[column].parse().unwrap();
        let drawn = StoreProfile::draw(&config, config.simulation.seed, k, s).offer_quality;
        assert!(drawn != 0.0);
        assert!(
            (value - drawn).abs() <= 1e-9 * drawn.abs().max(1.0),
            "{value} vs {drawn}"
        );
        rows += 1;
    }
    assert_eq!(rows, 3 * 6);
}

#[test]
fn a_store_with_a_better_offer_has_happier_customers() {
    let config = Config::default();
    let typical = StoreProfile::typical(&config);
    let better = StoreProfile {
        offer_quality: 0.05,
        ..typical
    };
    let mean_happiness = |profile: StoreProfile, replication: u64| {
        let mut store = Store::new(&config, profile, 5, replication, 0);
        let (mut sum, mut n) = (0.0, 0.0);
        for d in 0..364 {
            let day = store.step(d);
            if d >= 364 - 28 {
                sum += day.happiness_sum;
                n += day.active_customers;
            }
        }
        sum / n
    };
    for replication in 0..3 {
        let (a, b) = (
            mean_happiness(typical, replication),
            mean_happiness(better, replication),
        );
        // Other things equal (same streams, staff, market), the offer alone
        // raises happiness, by no more than it adds to each visit.
        assert!(
            b > a && b - a <= 0.05,
            "replication {replication}: {a} -> {b}"
        );
    }
}

#[test]
fn a_turnaround_programme_moves_manager_quality_by_each_stores_own_draw() {
    let before = chain("manager_quality_sd = 0.2\n");
    let after = chain("manager_quality_sd = 0.2\nmanager_change_sd = 0.3\n");
    let mut changes = Vec::new();
    for i in 0..5 {
        let p = StoreProfile::draw(&before, 1, 0, i);
        let q = p.after_switch(&after);
        assert!((q.manager_quality - p.manager_quality - 0.3 * p.programme_draw).abs() < 1e-12);
        assert_eq!(q.values()[1..], p.values()[1..]);
        // Without a programme nothing changes.
        assert_eq!(p.after_switch(&before), p);
        changes.push(q.manager_quality - p.manager_quality);
    }
    assert!(changes.windows(2).all(|w| w[0] != w[1]), "{changes:?}");
    // A single store keeps the template's values.
    let single = Config::from_toml_str("[chain]\nmanager_change_sd = 0.3\n", "one.toml").unwrap();
    let p = StoreProfile::typical(&single);
    assert_eq!(p.after_switch(&single), p);
}

/// `compare X X` is zero even when X carries a turnaround programme: the
/// programme starts at the switch in both arms, from the same draws. Only
/// a B whose programme differs from A's makes the arms differ.
#[test]
fn a_programme_in_both_arms_leaves_the_comparison_of_a_config_with_itself_at_zero() {
    let tiny = |extra: &str| {
        Config::from_toml_str(
            &format!(
                "[simulation]\ndays = 28\nburn_in_min_years = 0\nburn_in_max_years = 0\n\
                 years_after_switch = 1\n[store]\ninitial_customers = 400\n\
                 [chain]\nstores = 3\nmanager_quality_sd = 0.2\n{extra}"
            ),
            "tiny-chain.toml",
        )
        .unwrap()
    };
    let with = tiny("manager_change_sd = 0.3\n");
    let without = tiny("");
    let (a, b) = effectchain::engine::run_switch(&with, &with, 5, 0);
    assert_eq!(a, b, "the same config in both arms");
    let (a, b) = effectchain::engine::run_switch(&without, &with, 5, 0);
    assert_ne!(a.kpis, b.kpis, "only B's arm has the programme");
    let moved = |r: &effectchain::engine::Replication, s: &effectchain::engine::Replication| {
        r.stores
            .iter()
            .zip(&s.stores)
            .map(|(x, y)| y.profile.manager_quality - x.profile.manager_quality)
            .collect::<Vec<f64>>()
    };
    assert!(
        moved(&a, &b).iter().all(|d| d.abs() > 0.0),
        "{:?}",
        moved(&a, &b)
    );
}

#[test]
fn the_sears_regression_reads_known_slopes_from_store_changes() {
    // Stores whose impression rises 0.26 and revenue 0.1 per attitude unit
    // (1.3 and 0.5 per five units), plus noise with no part along attitude
    // (it sums to zero and is orthogonal to the attitude changes).
    let attitude = [-6.0, -3.0, 0.0, 3.0, 6.0];
    let noise = [1.0, -2.0, 2.0, -2.0, 1.0];
    let changes: Vec<[f64; 3]> = attitude
        .iter()
        .zip(&noise)
        .map(|(&x, &e)| [x, 0.26 * x + 0.5 + e, 0.1 * x - 0.2 - 0.3 * e])
        .collect();
    let (impression, growth) = sears::per_five_units(&changes);
    assert!((impression - 1.3).abs() < 1e-12, "{impression}");
    assert!((growth - 0.5).abs() < 1e-12, "{growth}");
    // A chain whose attitude did not move has no slope to read.
    let flat: Vec<[f64; 3]> = noise.iter().map(|&e| [1.0, e, e]).collect();
    assert!(sears::per_five_units(&flat).0.is_nan());
}
