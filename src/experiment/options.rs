//! The library's run: a validated config, a choice of threads, a
//! cancellation flag and a progress callback ([`crate::run`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::{RunResults, Summary, BATCH_PER_THREAD};
use crate::config::{Checked, ConfigError};
use crate::engine::{replicate, Start};

/// How a run is carried out: on which threads, whether it may be stopped,
/// and who hears of its progress. None of these changes the results, which
/// are a function of the config (and its seed) alone.
///
/// ```
/// use std::sync::atomic::AtomicBool;
/// use effectchain::RunOptions;
///
/// let stop = AtomicBool::new(false);
/// let progress = |done: u64, total: u64| assert!(done <= total);
/// let options = RunOptions::new().threads(2).cancel(&stop).progress(&progress);
/// # let _ = options;
/// ```
#[derive(Clone, Copy, Default)]
#[must_use]
pub struct RunOptions<'a> {
    threads: Threads<'a>,
    cancel: Option<&'a AtomicBool>,
    progress: Option<&'a (dyn Fn(u64, u64) + Sync)>,
}

#[derive(Clone, Copy, Default)]
enum Threads<'a> {
    /// The rayon pool the caller is in (the global pool unless the call is
    /// inside `ThreadPool::install`).
    #[default]
    Current,
    /// A pool of this many threads, built for the run.
    Count(usize),
    /// The caller's pool.
    Pool(&'a rayon::ThreadPool),
}

impl std::fmt::Debug for RunOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let threads = match self.threads {
            Threads::Current => "current pool".to_string(),
            Threads::Count(n) => format!("{n} threads"),
            Threads::Pool(p) => format!("given pool of {} threads", p.current_num_threads()),
        };
        f.debug_struct("RunOptions")
            .field("threads", &threads)
            .field("cancel", &self.cancel.map(|c| c.load(Ordering::Relaxed)))
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl<'a> RunOptions<'a> {
    /// Runs on the current rayon pool (the global one, with a thread per
    /// CPU, unless called inside [`rayon::ThreadPool::install`]), with no
    /// cancellation and no progress reports.
    pub fn new() -> RunOptions<'a> {
        RunOptions::default()
    }

    /// Runs on a pool of `n` worker threads built for this run (`0`: one
    /// per CPU, rayon's default).
    pub fn threads(mut self, n: usize) -> RunOptions<'a> {
        self.threads = Threads::Count(n);
        self
    }

    /// Runs on the caller's rayon pool.
    pub fn pool(mut self, pool: &'a rayon::ThreadPool) -> RunOptions<'a> {
        self.threads = Threads::Pool(pool);
        self
    }

    /// Stops the run once `flag` is true: no replication starts after the
    /// flag is seen, the ones under way finish (a replication is not
    /// interrupted), and [`crate::run`] returns [`Error::Cancelled`] with
    /// how many were done. A run whose replications all finished before the
    /// flag was seen returns its results.
    pub fn cancel(mut self, flag: &'a AtomicBool) -> RunOptions<'a> {
        self.cancel = Some(flag);
        self
    }

    /// Calls `callback(done, total)` after each finished replication, from
    /// the worker threads: every `done` from 1 to `total` once, though not
    /// necessarily in order when threads finish together.
    pub fn progress(mut self, callback: &'a (dyn Fn(u64, u64) + Sync)) -> RunOptions<'a> {
        self.progress = Some(callback);
        self
    }
}

/// What can go wrong in the library's documented API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A config that could not be read, parsed or validated.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The run was cancelled through [`RunOptions::cancel`] before all its
    /// replications were done; no results are returned (a partial set of
    /// replications would not be the config's results).
    #[error("run cancelled after {done} of {total} replications")]
    Cancelled {
        /// Replications that finished.
        done: u64,
        /// Replications the config asks for.
        total: u64,
    },
    /// The worker threads asked for with [`RunOptions::threads`] could not
    /// be started.
    #[error("could not start {threads} worker threads: {message}")]
    ThreadPool {
        /// The thread count asked for.
        threads: usize,
        /// The operating system's or rayon's reason.
        message: String,
    },
}

/// Runs the config's `simulation.replications` seeded replications in
/// parallel and summarises them; see the [crate docs](crate) for an
/// example. The results are the same whatever the options.
pub fn run(config: &Checked, options: RunOptions<'_>) -> Result<RunResults, Error> {
    match options.threads {
        Threads::Current => run_here(config, &options),
        Threads::Pool(pool) => pool.install(|| run_here(config, &options)),
        Threads::Count(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::ThreadPool {
                threads,
                message: e.to_string(),
            })?
            .install(|| run_here(config, &options)),
    }
}

/// [`run`] on the current rayon pool.
fn run_here(config: &Checked, options: &RunOptions<'_>) -> Result<RunResults, Error> {
    let config = &config.inner;
    let seed = config.simulation.seed;
    let total = u64::from(config.simulation.replications);
    let cancelled = || options.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let done = AtomicU64::new(0);
    if cancelled() {
        return Err(Error::Cancelled { done: 0, total });
    }
    let settled = Start::of(config, seed);
    let mut summary = Summary::new(seed);
    let batch = BATCH_PER_THREAD * rayon::current_num_threads() as u64;
    let mut start = 0;
    while start < total {
        let end = total.min(start + batch);
        let results: Vec<Option<_>> = {
            use rayon::prelude::*;
            (start..end)
                .into_par_iter()
                .map(|k| {
                    if cancelled() {
                        return None;
                    }
                    let r = replicate(config, &settled, seed, k);
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if let Some(progress) = options.progress {
                        progress(d, total);
                    }
                    Some(r)
                })
                .collect()
        };
        if results.iter().any(Option::is_none) {
            return Err(Error::Cancelled {
                done: done.load(Ordering::Relaxed),
                total,
            });
        }
        results.into_iter().flatten().for_each(|r| summary.push(r));
        start = end;
    }
    Ok(summary.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn small(replications: u32) -> Checked {
        Checked::builder()
            .set("simulation.days", 14)
            .set("simulation.burn_in_min_years", 0)
            .set("simulation.burn_in_max_years", 0)
            .set("simulation.replications", replications)
            .set("store.initial_customers", 100)
            .build()
            .unwrap()
    }

    #[test]
    fn options_do_not_change_results() {
        let config = small(5);
        let plain = run(&config, RunOptions::new()).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let seen = Mutex::new(Vec::new());
        let progress = |done: u64, total: u64| seen.lock().unwrap().push((done, total));
        let flag = AtomicBool::new(false);
        let pooled = run(
            &config,
            RunOptions::new()
                .pool(&pool)
                .cancel(&flag)
                .progress(&progress),
        )
        .unwrap();
        let one = run(&config, RunOptions::new().threads(1)).unwrap();
        assert_eq!(plain.replications, pooled.replications);
        assert_eq!(plain.replications, one.replications);
        assert_eq!(plain.kpis, one.kpis);
        // The old entry point gives the same results.
        let old = super::super::run(&config.inner, &|| {});
        assert_eq!(old.replications, plain.replications);
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        assert_eq!(seen, (1..=5).map(|d| (d, 5)).collect::<Vec<_>>());
    }

    #[test]
    fn a_set_flag_cancels_before_any_replication() {
        let config = small(4);
        let flag = AtomicBool::new(true);
        match run(&config, RunOptions::new().cancel(&flag)) {
            Err(Error::Cancelled { done, total }) => assert_eq!((done, total), (0, 4)),
            other => panic!("expected a cancelled run, got {other:?}"),
        }
    }

    #[test]
    fn cancelling_midway_reports_what_was_done() {
        // One thread, so replications run one after the other: the flag
        // raised after the second one stops the third from starting.
        let config = small(6);
        let flag = AtomicBool::new(false);
        let progress = |done: u64, _total: u64| {
            if done == 2 {
                flag.store(true, Ordering::Relaxed);
            }
        };
        let result = run(
            &config,
            RunOptions::new()
                .threads(1)
                .cancel(&flag)
                .progress(&progress),
        );
        match result {
            Err(e @ Error::Cancelled { .. }) => {
                assert_eq!(e.to_string(), "run cancelled after 2 of 6 replications");
            }
            other => panic!("expected a cancelled run, got {other:?}"),
        }
    }
}
