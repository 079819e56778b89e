//! A config that loads runs without panicking: simulated briefly (its days,
//! replications, stores, staff and customers capped so each input is fast)
//! and every KPI is a number or NaN, never a crash.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut config) = effectchain::config::Config::from_toml_str(text, "fuzz.toml") else {
        return;
    };
    let caps = [
        ("simulation.burn_in_min_years", 0.0),
        ("simulation.burn_in_max_years", f64::from(config.simulation.burn_in_max_years).min(1.0)),
        ("simulation.days", f64::from(config.simulation.days).min(28.0)),
        ("simulation.years_after_switch", 1.0),
        ("simulation.replications", 1.0),
        ("chain.stores", f64::from(config.chain.stores).min(2.0)),
        ("policy.staff", f64::from(config.policy.staff).min(12.0)),
        ("store.initial_customers", f64::from(config.store.initial_customers).min(300.0)),
        ("market.households", config.market.households.min(3_000.0)),
    ];    for (key, value) in caps {
        if config.set(key, toml::Value::Float(value)).is_err() {
            return;
        }
    }
    let results = effectchain::experiment::run(&config, &|| {});
    assert_eq!(results.replications.len(), 1);
});
