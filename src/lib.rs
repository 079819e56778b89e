//! effectchain: an agent-based Monte Carlo simulator of the
//! service-excellence effect chain.
//!
//! A scenario ([`Config`], read from TOML) describes a store or a chain of
//! stores, its market and the policy under test: latitude, staffing,
//! service approach, recovery policy, training. The engine simulates
//! customers and employees day by day (happiness, loyalty, word of mouth;
//! satisfaction, exhaustion, turnover; the erosion of the service standard
//! under work pressure) and reports KPIs from visits to profit and customer
//! base value. [`run`] runs many seeded replications in parallel and
//! summarises them with 95% confidence intervals ([`RunResults`],
//! [`Stats`]); results are a function of (config, seed) alone, whatever
//! the thread count.
//!
//! Every config that reaches [`run`] has been validated: a [`Config`] is
//! made only by parsing TOML ([`Config::from_toml_str`],
//! [`Config::from_file`]), from the defaults ([`Config::default`],
//! [`Config::builder`]), and changed only through [`Config::set`], each
//! with the range checks and messages a config file gets.
//!
//! ```
//! use effectchain::{Config, RunOptions};
//!
//! let toml = r#"
//!     [simulation]
//!     days = 42
//!     burn_in_min_years = 0
//!     burn_in_max_years = 0
//!     replications = 3
//!     seed = 7
//!
//!     [store]
//!     initial_customers = 300
//! "#;
//! let mut config = Config::from_toml_str(toml, "example.toml")?;
//! config.set("policy.latitude", 0.6)?;
//! assert!(config.set("policy.latitude", 5.0).is_err()); // out of range
//!
//! let results = effectchain::run(&config, RunOptions::new().threads(2))?;
//! assert_eq!(results.replications.len(), 3);
//!
//! let profit = results.kpi("profit").expect("profit is a KPI");
//! assert!(profit.ci_low <= profit.mean && profit.mean <= profit.ci_high);
//!
//! // Nobody is served who did not come.
//! let visits = results.kpi("visits").unwrap();
//! let served = results.kpi("served").unwrap();
//! assert!(served.mean > 0.0 && served.mean <= visits.mean);
//! # Ok::<(), effectchain::Error>(())
//! ```
//!
//! A long run can report progress and be cancelled from another thread
//! (a user's Stop button, a deadline):
//!
//! ```
//! use std::sync::atomic::{AtomicBool, Ordering};
//! use effectchain::{Config, Error, RunOptions};
//!
//! let config = Config::builder()
//!     .set("simulation.days", 14)
//!     .set("simulation.burn_in_max_years", 0)
//!     .set("simulation.burn_in_min_years", 0)
//!     .set("simulation.replications", 50)
//!     .build()?;
//! let stop = AtomicBool::new(false);
//! // Here the progress callback itself gives up after ten replications.
//! let progress = |done: u64, _total: u64| {
//!     if done >= 10 {
//!         stop.store(true, Ordering::Relaxed);
//!     }
//! };
//! let options = RunOptions::new().threads(1).cancel(&stop).progress(&progress);
//! match effectchain::run(&config, options) {
//!     Err(Error::Cancelled { done, total }) => assert_eq!((done, total), (10, 50)),
//!     other => panic!("expected a cancelled run, got {other:?}"),
//! }
//! # Ok::<(), effectchain::Error>(())
//! ```
//!
//! # Features
//!
//! - `cli` (default): the `effectchain` command's parser, completions, man
//!   page and progress bars (clap, clap_complete, clap_mangen, strsim,
//!   indicatif).
//! - `plots` (default): figures and `report.html`.
//! - `serve` (default): `effectchain serve`, the what-if web page (axum,
//!   tokio; implies `plots`).
//!
//! A crate that only runs scenarios can depend on
//! `effectchain = { path = "...", default-features = false }` and builds
//! none of them.
//!
//! The modules hidden from these docs serve the `effectchain` binary and
//! the project's own tests; they are not part of the library's API and
//! change without notice.

#![warn(missing_docs)]

#[doc(hidden)]
pub mod calibrate;
#[doc(hidden)]
pub mod config;
#[doc(hidden)]
pub mod engine;
#[doc(hidden)]
// Internals' docs may link to private items (for --document-private-items).
#[allow(rustdoc::private_intra_doc_links)]
pub mod experiment;
#[doc(hidden)]
pub mod input;
#[doc(hidden)]
// Internals' docs may link to private items (for --document-private-items).
#[allow(rustdoc::private_intra_doc_links)]
pub mod model;
#[doc(hidden)]
pub mod output;
#[cfg(feature = "plots")]
#[doc(hidden)]
#[allow(rustdoc::private_intra_doc_links)]
pub mod plot;
pub(crate) mod rng;
#[cfg(feature = "serve")]
#[doc(hidden)]
pub mod serve;
#[doc(hidden)]
pub mod validate;

pub use config::{Checked as Config, ConfigBuilder, ConfigError};
pub use engine::{
    BurnIn, DailyPoint, Kpis, Replication, StoreResult, ValueDef, DAILY_DEFS, KPI_DEFS,
};
pub use experiment::{run_with as run, Error, RunOptions, RunResults, Stats};
pub use model::StoreProfile;
/// The TOML crate whose [`toml::Value`] [`Config::set`] and
/// [`Config::get`] take and give.
pub use toml;

/// README.md's Rust example runs as a doctest (`cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
