//! Engine throughput: one replication of `configs/expert-store.toml` on one
//! thread, reported as service encounters per second (criterion's
//! "elements/s"). The target is 10 million encounters per second
//! per core. Run with `cargo bench --bench engine`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use effectchain::config::Config;
use effectchain::engine::run_replication;

fn expert_store() -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/expert-store.toml");
    let mut config = Config::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
    // The measured year only: every served visit is one encounter.
    config.simulation.burn_in_min_years = 0;
    config.simulation.burn_in_max_years = 0;
    config
}

fn one_replication(c: &mut Criterion) {
    let config = expert_store();
    let seed = config.simulation.seed;
    // Encounters of replication 0 (deterministic, so the same every time).
    let encounters = run_replication(&config, seed, 0).kpis.served as u64;

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(encounters));
    group.sample_size(20);
    group.bench_function("expert_store_one_replication", |b| {
        b.iter(|| run_replication(std::hint::black_box(&config), seed, 0))
    });
    group.finish();
}

/// The reference the issue measures against: a stripped-down encounter of
/// seven random draws and a little arithmetic, per element. The ratio of
/// the engine's time per encounter to this one is the figure to compare
/// across machines.
fn seven_draws(c: &mut Criterion) {
    use effectchain::rng::{Purpose, Stream};
    let mut stream = Stream::new(1, 0, 0, Purpose::Encounters);
    let n = 100_000u64;
    let mut group = c.benchmark_group("reference");
    group.throughput(Throughput::Elements(n));
    group.sample_size(20);
    group.bench_function("stripped_encounter_seven_draws", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for _ in 0..n {
                let need = stream.chance(0.4);
                let time = 0.2 * (1.0 + 0.5 * (stream.exp1() - 1.0));
                let resolved = stream.chance(if need { 0.6 } else { 0.95 });
                let buy = stream.uniform() < 0.5;
                let basket = stream.normal();
                let trouble = stream.uniform();
                let next = stream.exp1();
                acc += time + f64::from(u8::from(resolved && buy)) * basket + trouble + next;
            }
            std::hint::black_box(acc)
        })
    });
    group.finish();
}

criterion_group!(benches, one_replication, seven_draws);
criterion_main!(benches);
