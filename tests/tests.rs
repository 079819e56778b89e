//! Integration tests of the `effectchain` binary, compiled as one test
//! binary (see `[[test]]` in Cargo.toml): command-line behaviour, bad
//! input handling, determinism across thread counts, and the experiment
//! commands (compare, sweep, merge, check), plots and reports, and the
//! what-if page of `serve` (its API, and the page in headless Chromium).

mod bad_input;
mod chain_drivers;
mod cli;
mod configs;
mod determinism;
mod docs;
mod experiments;
mod labour;
mod latitude_sign;
mod msrv;
mod optimize;
mod plot;
mod properties;
mod retention;
mod safety;
mod sensitivity;
#[cfg(feature = "serve")]
mod serve;
mod util;
mod validation;
mod weekday_staff;
