pub mod config;
pub mod engine;
pub mod experiment;
pub mod model;
pub mod rng;
