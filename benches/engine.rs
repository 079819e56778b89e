//! Engine throughput: one replication of `configs/expert-store.toml` on one
//! thread, as service encounters per second, against a fixed reference
//! workload measured in the same run. The target is 10 million
//! encounters per second per core, an `engine/reference` ratio of 0.25.
//! Run with `cargo bench --bench engine`.
//!
//! Criterion reports each of the two in wall-clock time. Because the
//! machines this runs on are often shared, the headline figures are
//! measured apart from criterion: rounds that run the engine and the
//! reference one after the other, timed in CPU time of the bench thread,
//! so that load from other processes slows both alike and cancels in the
//! ratio. The last three lines printed are the engine's encounters per
//! CPU-second, the reference's, and `engine/reference ratio: X` (medians
//! over the rounds).

use std::path::Path;

use criterion::{Criterion, Throughput};
use effectchain::config::Config;
use effectchain::engine::run_replication;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Exp1, StandardNormal};

fn expert_store() -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/expert-store.toml");
    let mut config = Config::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
    // The measured year only: every served visit is one encounter.
    config.simulation.burn_in_min_years = 0;
    config.simulation.burn_in_max_years = 0;
    config
}

/// Encounters in one replication of `config` (deterministic, so the same
/// every time).
fn encounters(config: &Config) -> u64 {
    run_replication(config, config.simulation.seed, 0)
        .kpis
        .served as u64
}

/// Elements of the reference per timing.
const REFERENCE_ELEMENTS: u64 = 100_000;

/// The yardstick: a stripped-down encounter of seven random draws and a
/// little arithmetic per element, with the generator the issue measured it
/// with (ChaCha8 from rand_chacha, rand_distr's ziggurat samplers). It is
/// deliberately not the engine's own generator, so that making the engine's
/// generator faster does not move the yardstick.
fn reference(rng: &mut ChaCha8Rng, n: u64) -> f64 {
    let mut acc = 0.0;
    for _ in 0..n {
        let need = rng.random::<f64>() < 0.4;
        let exp: f64 = rng.sample(Exp1);
        let time = 0.2 * (1.0 + 0.5 * (exp - 1.0));
        let resolved = rng.random::<f64>() < if need { 0.6 } else { 0.95 };
        let buy = rng.random::<f64>() < 0.5;
        let basket: f64 = rng.sample(StandardNormal);
        let trouble = rng.random::<f64>();
        let next: f64 = rng.sample(Exp1);
        acc += time + f64::from(u8::from(resolved && buy)) * basket + trouble + next;
    }
    acc
}

fn criterion_benches(c: &mut Criterion, config: &Config) {
    let seed = config.simulation.seed;
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(encounters(config)));
    group.sample_size(20);
    group.bench_function("expert_store_one_replication", |b| {
        b.iter(|| run_replication(std::hint::black_box(config), seed, 0))
    });
    group.finish();

    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut group = c.benchmark_group("reference");
    group.throughput(Throughput::Elements(REFERENCE_ELEMENTS));
    group.sample_size(20);
    group.bench_function("stripped_encounter_seven_draws", |b| {
        b.iter(|| reference(&mut rng, REFERENCE_ELEMENTS))
    });
    group.finish();
}

/// CPU seconds this thread has used.
fn thread_cpu_seconds() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Elements per CPU-second of `work`, which handles `elements` elements.
fn rate(elements: u64, work: impl FnOnce()) -> f64 {
    let start = thread_cpu_seconds();
    work();
    elements as f64 / (thread_cpu_seconds() - start)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Interleaved rounds: in each, one replication of the engine and as many
/// reference elements as it has encounters, each in CPU time.
fn ratio_lines(config: &Config) {
    const ROUNDS: usize = 15;
    let seed = config.simulation.seed;
    let n = encounters(config);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (mut engine, mut refs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let e = rate(n, || {
            std::hint::black_box(run_replication(std::hint::black_box(config), seed, 0));
        });
        let r = rate(n, || {
            std::hint::black_box(reference(&mut rng, n));
        });
        engine.push(e);
        refs.push(r);
        ratios.push(e / r);
    }
    println!(
        "engine: {:.2} M encounters per CPU-second (one replication of expert-store, \
         {n} encounters; median of {ROUNDS} interleaved rounds)",
        median(engine) / 1e6
    );
    println!(
        "reference: {:.2} M encounters per CPU-second (stripped seven-draw encounter, ChaCha8)",
        median(refs) / 1e6
    );
    println!("engine/reference ratio: {:.3}", median(ratios));
}

fn main() {
    let config = expert_store();
    let mut c = Criterion::default().configure_from_args();
    criterion_benches(&mut c, &config);
    c.final_summary();
    ratio_lines(&config);
}
