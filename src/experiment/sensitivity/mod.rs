//! Global sensitivity analysis: which uncertain parameters drive an output
//! (a KPI, or its paired difference against a baseline policy).
//!
//! ```toml
//! base = "../expert-store.toml"   # relative to this file
//! method = "sobol"                # sobol | morris
//! output = "profit"               # a KPI (default profit)
//! replications = 4                # per sample, common random numbers
//! seed = 3                        # default: the base config's seed
//! bootstrap = 1000                # resamples for the 95% intervals
//! samples = 64                    # sobol: base samples N
//! second_order = false            # sobol: also S2 (2k + 2 rows per sample)
//! # trajectories = 10             # morris: r
//! # levels = 4                    # morris: p (even)
//! [parameters."market.relationship"]
//! from = 0.0
//! to = 1.0
//! [set]                           # optional: set for every sample
//! "policy.latitude" = 0.8
//! [baseline]                      # optional: the output becomes the
//! "policy.latitude" = 0.2         # paired difference point - baseline
//! ```
//!
//! The method lays out unit-cube samples ([`sobol::design`],
//! [`morris::design`]); each is scaled to its parameter's range and run as
//! one point of a list-design [`Sweep`], so evaluations stream to
//! `points.csv`, resume and shard exactly as a sweep's points do. The
//! analysis reads the point means back in point-id (= sample) order.
//!
//! **Replication noise.** Each sample's output is a mean over
//! `replications` runs; its sampling variance (from the row's 95% CI)
//! averaged over the samples, divided by the variance of the sample means,
//! is the noise share: the part of the variance the indices are computed
//! from that is simulation noise, not the parameters. With common random
//! numbers the noise is shared by all samples of one replication, so this
//! share is an upper bound on what it adds to each index.

pub mod distribution;
pub mod morris;
pub mod sobol;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::ConfigError;
use crate::engine::KPI_DEFS;
use crate::input;

use super::stats::t_975;
use super::sweep::{fnv1a, Parameter, PointResult, Sweep, SweepSource, CONTROLLED};
use distribution::Distribution;

/// Most evaluated samples (rows) of one study.
pub const MAX_ROWS: u64 = 200_000;
/// Most bootstrap resamples.
pub const MAX_BOOTSTRAP: u32 = 100_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStudy {
    base: PathBuf,
    method: String,
    replications: u32,
    seed: Option<u64>,
    output: Option<String>,
    bootstrap: Option<u32>,
    samples: Option<u64>,
    second_order: Option<bool>,
    trajectories: Option<u64>,
    levels: Option<u32>,
    #[serde(default)]
    parameters: BTreeMap<String, RawRange>,
    #[serde(default)]
    set: BTreeMap<String, toml::Value>,
    #[serde(default)]
    baseline: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: f64,
    to: f64,
    distribution: Option<String>,
    mean: Option<f64>,
    sd: Option<f64>,
    mode: Option<f64>,
    median: Option<f64>,
    sigma: Option<f64>,
}

impl RawRange {
    /// The distribution the range names (uniform by default), with only
    /// its own parameters given.
    fn distribution(&self, file: &Path, key: &str) -> Result<Distribution, ConfigError> {
        let name = self.distribution.as_deref().unwrap_or("uniform");
        let given = [
            ("mean", self.mean),
            ("sd", self.sd),
            ("mode", self.mode),
            ("median", self.median),
            ("sigma", self.sigma),
        ];
        let (wanted, d): (&[&str], Option<Distribution>) = match name {
            "uniform" => (&[], Some(Distribution::Uniform)),
            "normal" => (
                &["mean", "sd"],
                self.mean
                    .zip(self.sd)
                    .map(|(mean, sd)| Distribution::Normal { mean, sd }),
            ),
            "triangular" => (
                &["mode"],
                self.mode.map(|mode| Distribution::Triangular { mode }),
            ),
            "lognormal" => (
                &["median", "sigma"],
                self.median
                    .zip(self.sigma)
                    .map(|(median, sigma)| Distribution::LogNormal { median, sigma }),
            ),
            other => {
                return Err(input::key_error(
                    file,
                    &format!("{key}.distribution"),
                    format!(
                        "expected `uniform`, `normal`, `triangular` or `lognormal`, found `{}`",
                        input::quote(other)
                    ),
                ))
            }
        };
        for (k, v) in given {
            if v.is_some() && !wanted.contains(&k) {
                return Err(input::key_error(
                    file,
                    &format!("{key}.{k}"),
                    format!("is not used by distribution = \"{name}\"; remove it"),
                ));
            }
        }
        let d = d.ok_or_else(|| {
            input::key_error(
                file,
                &format!("{key}.distribution"),
                format!(
                    "distribution = \"{name}\" needs {}",
                    wanted
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )
        })?;
        d.check(self.from, self.to)
            .map_err(|m| input::key_error(file, &format!("{key}.distribution"), m))?;
        Ok(d)
    }
}

/// How the samples are laid out and analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Sobol { samples: u64, second_order: bool },
    Morris { trajectories: u64, levels: u32 },
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::Sobol { .. } => "sobol",
            Method::Morris { .. } => "morris",
        }
    }
}

/// A validated sensitivity study.
#[derive(Debug, Clone)]
pub struct Study {
    pub method: Method,
    /// The KPI analysed (its paired difference when there is a baseline).
    pub output: String,
    pub bootstrap: u32,
    /// `(from, to)` of every parameter, in the sweep's parameter order.
    pub ranges: Vec<(f64, f64)>,
    /// Every parameter's distribution on its range (by inverse CDF).
    pub distributions: Vec<Distribution>,
    /// The samples in the unit cube, in point-id order.
    pub unit_rows: Vec<Vec<f64>>,
    /// The `[set]` overrides every sample runs with, as written.
    pub set: Vec<(String, String)>,
    /// The samples as sweep points.
    pub sweep: Sweep,
}

const REPLICATIONS_RANGE: &str = "a whole number from 1 to 1,000,000";
const SEED_RANGE: &str = "a whole number from 0 to 9,223,372,036,854,775,807";
const SAMPLES_RANGE: &str = "a whole number from 2 to 65,536";
const TRAJECTORIES_RANGE: &str = "a whole number from 2 to 100,000";
const LEVELS_RANGE: &str = "an even whole number from 2 to 100";
const BOOTSTRAP_RANGE: &str = "a whole number from 0 to 100,000";

fn range_of(key: &str) -> Option<String> {
    match key {
        "replications" => Some(REPLICATIONS_RANGE.into()),
        "seed" => Some(SEED_RANGE.into()),
        "samples" => Some(SAMPLES_RANGE.into()),
        "trajectories" => Some(TRAJECTORIES_RANGE.into()),
        "levels" => Some(LEVELS_RANGE.into()),
        "bootstrap" => Some(BOOTSTRAP_RANGE.into()),
        "second_order" => Some("true or false".into()),
        k if [".from", ".to", ".mean", ".sd", ".mode", ".median", ".sigma"]
            .iter()
            .any(|e| k.ends_with(e)) =>
        {
            Some("a number".into())
        }
        _ => None,
    }
}

impl Study {
    /// Reads and validates a sensitivity file; errors name the file,
    /// line:column and key, and the valid range in words.
    pub fn from_file(file: &Path) -> Result<Study, ConfigError> {
        input::read_study_file(file, "sensitivity file", |text| Study::parse(file, text))
    }

    fn parse(file: &Path, text: &str) -> Result<Study, ConfigError> {
        let raw: RawStudy = input::parse_toml(text, &file.display().to_string(), &range_of)?;
        let base_path = file.parent().unwrap_or(Path::new(".")).join(&raw.base);
        let (mut base, base_text) = input::read_base_config(file, &base_path)?;
        // `[set]`: the treatment every sample runs (the baseline, if any,
        // then overrides it back), such as a latitude of 0.8.
        for (key, value) in &raw.set {
            let name = format!("set.\"{key}\"");
            if CONTROLLED.contains(&key.as_str()) || raw.parameters.contains_key(key) {
                return Err(input::key_error(
                    file,
                    &name,
                    format!("`{key}` cannot be set here: it is varied, or set by the study's `seed` and `replications`"),
                ));
            }
            base.set(key, value.clone())
                .map_err(|e| input::key_error(file, &name, e.message))?;
        }
        if raw.replications == 0 || u64::from(raw.replications) > input::MAX_REPLICATIONS {
            return Err(input::key_error(
                file,
                "replications",
                format!("expected {REPLICATIONS_RANGE}, found {}", raw.replications),
            ));
        }
        if let Some(seed) = raw.seed.filter(|s| *s > i64::MAX as u64) {
            return Err(input::key_error(
                file,
                "seed",
                format!("expected {SEED_RANGE}, found {seed}"),
            ));
        }
        let bootstrap = raw.bootstrap.unwrap_or(1000);
        if bootstrap > MAX_BOOTSTRAP {
            return Err(input::key_error(
                file,
                "bootstrap",
                format!("expected {BOOTSTRAP_RANGE}, found {bootstrap}"),
            ));
        }
        let output = raw.output.unwrap_or_else(|| "profit".into());
        if !KPI_DEFS.iter().any(|d| d.name == output) {
            return Err(input::key_error(
                file,
                "output",
                format!(
                    "unknown KPI `{}`; expected a KPI name such as `profit` (see docs/MODEL.md)",
                    input::quote(&output)
                ),
            ));
        }
        let unused = |key: &str, method: &str| {
            input::key_error(
                file,
                key,
                format!("is not used by method = \"{method}\"; remove it"),
            )
        };
        let k = raw.parameters.len();
        let method = match raw.method.as_str() {
            "sobol" => {
                if raw.trajectories.is_some() {
                    return Err(unused("trajectories", "sobol"));
                }
                if raw.levels.is_some() {
                    return Err(unused("levels", "sobol"));
                }
                let samples = raw.samples.ok_or_else(|| {
                    input::key_error(
                        file,
                        "samples",
                        format!("method = \"sobol\" needs `samples`: {SAMPLES_RANGE}"),
                    )
                })?;
                if !(2..=sobol::MAX_SAMPLES).contains(&samples) {
                    return Err(input::key_error(
                        file,
                        "samples",
                        format!("expected {SAMPLES_RANGE}, found {samples}"),
                    ));
                }
                if k > sobol::MAX_PARAMETERS {
                    return Err(input::key_error(
                        file,
                        "parameters",
                        format!(
                            "{k} parameters; method = \"sobol\" takes at most {}",
                            sobol::MAX_PARAMETERS
                        ),
                    ));
                }
                Method::Sobol {
                    samples,
                    second_order: raw.second_order.unwrap_or(false),
                }
            }
            "morris" => {
                for (key, set) in [
                    ("samples", raw.samples.is_some()),
                    ("second_order", raw.second_order.is_some()),
                ] {
                    if set {
                        return Err(unused(key, "morris"));
                    }
                }
                let trajectories = raw.trajectories.ok_or_else(|| {
                    input::key_error(
                        file,
                        "trajectories",
                        format!("method = \"morris\" needs `trajectories`: {TRAJECTORIES_RANGE}"),
                    )
                })?;
                if !(2..=100_000).contains(&trajectories) {
                    return Err(input::key_error(
                        file,
                        "trajectories",
                        format!("expected {TRAJECTORIES_RANGE}, found {trajectories}"),
                    ));
                }
                let levels = raw.levels.unwrap_or(4);
                if !(2..=100).contains(&levels) || levels % 2 != 0 {
                    return Err(input::key_error(
                        file,
                        "levels",
                        format!("expected {LEVELS_RANGE}, found {levels}"),
                    ));
                }
                Method::Morris {
                    trajectories,
                    levels,
                }
            }
            other => {
                return Err(input::key_error(
                    file,
                    "method",
                    format!(
                        "expected `sobol` or `morris`, found `{}`",
                        input::quote(other)
                    ),
                ))
            }
        };
        if k < 2 {
            return Err(input::key_error(
                file,
                "parameters",
                format!("name at least two parameters with `from` and `to`, found {k}"),
            ));
        }
        let rows_needed = match method {
            Method::Sobol {
                samples,
                second_order,
            } => samples.saturating_mul(sobol::block(k, second_order) as u64),
            Method::Morris { trajectories, .. } => trajectories.saturating_mul(k as u64 + 1),
        };
        if rows_needed > MAX_ROWS {
            return Err(input::key_error(
                file,
                "parameters",
                format!(
                    "{} evaluations is more than the {} allowed; use fewer samples, trajectories or parameters",
                    input::group(rows_needed),
                    input::group(MAX_ROWS)
                ),
            ));
        }
        let integer_keys: BTreeMap<String, bool> = base
            .params()
            .into_iter()
            .map(|p| (p.path(), p.integer))
            .collect();
        let mut parameters = Vec::new();
        let mut ranges = Vec::new();
        let mut distributions = Vec::new();
        for (path, r) in &raw.parameters {
            let key = format!("parameters.\"{path}\"");
            if CONTROLLED.contains(&path.as_str()) {
                return Err(input::key_error(
                    file,
                    &key,
                    format!("`{path}` cannot be varied: the study sets it (top-level `seed` and `replications`)"),
                ));
            }
            let Some(&integer) = integer_keys.get(path) else {
                return Err(input::key_error(
                    file,
                    &key,
                    crate::config::params::not_a_numeric_key(path),
                ));
            };
            parameters.push(Parameter::range(
                &base,
                file,
                &key,
                path,
                integer,
                (r.from, r.to),
            )?);
            ranges.push((r.from, r.to));
            distributions.push(r.distribution(file, &key)?);
        }
        for (key, value) in &raw.baseline {
            let mut probe = base.clone();
            probe
                .set(key, value.clone())
                .map_err(|e| input::key_error(file, &format!("baseline.\"{key}\""), e.message))?;
        }
        let seed = raw.seed.unwrap_or(base.simulation.seed);
        let unit_rows = match method {
            Method::Sobol {
                samples,
                second_order,
            } => sobol::design(samples, k, second_order, seed),
            Method::Morris {
                trajectories,
                levels,
            } => morris::design(trajectories, k, levels, seed),
        };
        let rows: Vec<Vec<f64>> = unit_rows
            .iter()
            .map(|u| {
                u.iter()
                    .zip(&parameters)
                    .zip(&distributions)
                    .map(|((u, p), d)| {
                        let v = d.quantile(*u, p.values[0], p.values[1]);
                        if p.integer {
                            v.round()
                        } else {
                            v
                        }
                    })
                    .collect()
            })
            .collect();
        let fingerprint = format!(
            "{:016x}",
            fnv1a(format!("{text}\u{0}{base_text}\u{0}{}", env!("CARGO_PKG_VERSION")).as_bytes())
        );
        let set = raw.set;
        let sweep = Sweep::of_rows(
            file,
            base,
            raw.replications,
            seed,
            parameters,
            rows,
            vec![output.clone()],
            raw.baseline,
            fingerprint,
            SweepSource {
                text: text.to_string(),
                base_file: raw.base.clone(),
                base_text: base_text.clone(),
            },
        )?;
        Ok(Study {
            method,
            output,
            bootstrap,
            ranges,
            distributions,
            unit_rows,
            set: set
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            sweep,
        })
    }

    /// The parameters' dotted paths.
    pub fn names(&self) -> Vec<String> {
        self.sweep
            .parameters
            .iter()
            .map(|p| p.path.clone())
            .collect()
    }

    /// Analyses the evaluated samples, given in point-id order.
    pub fn analyse(&self, rows: &[PointResult]) -> Analysis {
        let stat = |r: &PointResult| match &r.differences {
            Some(d) => d[0],
            None => r.kpis[0],
        };
        let y: Vec<f64> = rows.iter().map(|r| stat(r).mean).collect();
        let k = self.sweep.parameters.len();
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let variance = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        let reps = self.sweep.replications as usize;
        // The variance of a sample's mean, from its CI's half-width.
        let noise_variance = if reps > 1 {
            let t = t_975(reps - 1);
            rows.iter()
                .map(|r| (stat(r).half_width() / t).powi(2))
                .sum::<f64>()
                / n
        } else {
            f64::NAN
        };
        let indices = match self.method {
            Method::Sobol { second_order, .. } => Indices::Sobol(sobol::analyse(
                &y,
                k,
                second_order,
                self.bootstrap,
                self.sweep.seed,
            )),
            Method::Morris { .. } => Indices::Morris(morris::analyse(
                &self.unit_rows,
                &y,
                k,
                self.bootstrap,
                self.sweep.seed,
            )),
        };
        Analysis {
            parameters: self.names(),
            mean,
            variance,
            noise_variance,
            indices,
        }
    }
}

/// The indices a method estimates.
#[derive(Debug, Clone, PartialEq)]
pub enum Indices {
    Sobol(sobol::Indices),
    Morris(Vec<morris::Measures>),
}

/// The result of a study.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub parameters: Vec<String>,
    /// Mean and (population) variance of the sample outputs.
    pub mean: f64,
    pub variance: f64,
    /// Mean sampling variance of a sample's output (replication noise);
    /// NaN with one replication.
    pub noise_variance: f64,
    pub indices: Indices,
}

impl Analysis {
    /// Replication noise as a share of the output variance.
    pub fn noise_share(&self) -> f64 {
        self.noise_variance / self.variance
    }

    /// Parameter indices from most to least important: by ST (Sobol) or
    /// mu* (Morris), ties by name order.
    pub fn ranking(&self) -> Vec<usize> {
        let key = |j: usize| match &self.indices {
            Indices::Sobol(ix) => ix.st[j].value,
            Indices::Morris(m) => m[j].mu_star.value,
        };
        let mut order: Vec<usize> = (0..self.parameters.len()).collect();
        order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
        order
    }
}
