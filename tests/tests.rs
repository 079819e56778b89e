//! Integration tests of the `effectchain` binary, compiled as one test
//! binary (see `[[test]]` in Cargo.toml): command-line behaviour, bad
//! input handling, determinism across thread counts, and the experiment
//! commands (compare, sweep, merge, check), plots and reports.

mod bad_input;
mod cli;
mod configs;
mod determinism;
mod experiments;
mod plot;
mod properties;
mod safety;
mod sensitivity;
mod util;
mod validation;
