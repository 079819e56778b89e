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
    Config::from_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn one_replication(c: &mut Criterion) {
    let config = expert_store();
    let seed = config.simulation.seed;
    // Encounters of replication 0 (deterministic, so the same every time).
    let served = run_replication(&config, seed, 0).kpis.served;
    let warmup_served: f64 = run_replication(&config, seed, 0)
        .daily
        .iter()
        .take(config.simulation.warmup_days as usize)
        .map(|d| d.served)
        .sum();
    let encounters = (served + warmup_served) as u64;

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(encounters));
    group.sample_size(20);
    group.bench_function("expert_store_one_replication", |b| {
        b.iter(|| run_replication(std::hint::black_box(&config), seed, 0))
    });
    group.finish();
}

criterion_group!(benches, one_replication);
criterion_main!(benches);
