//! Integration tests of the `effectchain` binary, compiled as one test
//! binary (see `[[test]]` in Cargo.toml): command-line behaviour, bad
//! input handling and determinism across thread counts.

mod bad_input;
mod cli;
mod determinism;
mod util;
