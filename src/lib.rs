//! effectchain: an agent-based Monte Carlo simulator of the
//! service-excellence effect chain.
//!
//! A scenario ([`config::Config`], read from TOML) describes a store or a
//! chain of stores, its market and the policy under test: latitude,
//! staffing, service approach, recovery policy, training. The engine
//! simulates customers and employees day by day (happiness, loyalty, word
//! of mouth; satisfaction, exhaustion, turnover; the erosion of the service
//! standard under work pressure) and reports KPIs from visits to profit and
//! customer base value. [`experiment::run`] runs many seeded replications in
//! parallel and summarises them with 95% confidence intervals; results are a
//! function of (config, seed) alone, whatever the thread count. [`output`]
//! writes them as CSV and JSON.
//!
//! ```
//! use effectchain::config::Config;
//! use effectchain::experiment;
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
//!
//!     [policy]
//!     latitude = 0.6
//! "#;
//! let config = Config::from_toml_str(toml, "example.toml").expect("a valid config");
//! assert_eq!(config.simulation.replications, 3);
//!
//! // The callback runs once per finished replication (progress reporting).
//! let results = experiment::run(&config, &|| {});
//! assert_eq!(results.replications.len(), 3);
//!
//! let profit = results.kpi("profit").expect("profit is a KPI");
//! assert!(profit.ci_low <= profit.mean && profit.mean <= profit.ci_high);
//!
//! // Nobody is served who did not come.
//! let visits = results.kpi("visits").unwrap();
//! let served = results.kpi("served").unwrap();
//! assert!(served.mean > 0.0 && served.mean <= visits.mean);
//! ```

pub mod calibrate;
pub mod config;
pub mod engine;
pub mod experiment;
pub mod input;
pub mod model;
pub mod output;
pub mod plot;
pub mod rng;
#[cfg(feature = "serve")]
pub mod serve;
pub mod validate;
