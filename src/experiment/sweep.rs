//! Parameter sweeps: a sweep file names a base config and the parameters to
//! vary; this module turns it into numbered points and runs them, streaming
//! one result row per finished point.
//!
//! ```toml
//! base = "../expert-store.toml"    # relative to the sweep file
//! replications = 20
//! seed = 7                          # default: the base config's seed
//! design = "grid"                   # grid | latin_hypercube | list
//! kpis = ["profit", "mean_happiness"]
//! [parameters."policy.latitude"]
//! from = 0.0
//! to = 1.0
//! steps = 11                        # or: values = [0.0, 0.5, 1.0]
//! [baseline]                        # optional: compare each point with
//! "policy.latitude" = 0.2           # itself under these overrides (paired)
//! ```
//!
//! **Point ids** are stable: a grid point's id is its mixed-radix index over
//! the parameters in name order (the last name varies fastest); a Latin
//! hypercube's are its sample numbers; a list's its position. **Common random
//! numbers:** replication k of every point (and of its baseline) uses the
//! streams of (seed, k), so neighbouring points differ by their parameters,
//! not by their luck. A point's row is therefore a function of (sweep file,
//! base config, point id) alone, whatever the threads, shards or resumes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError};
use crate::engine::{run_replication, KPI_DEFS};
use crate::input;
use crate::rng::{Purpose, Stream};

use super::stats::Stats;

/// Most points a sweep may have (a typo in `steps` should not start a
/// billion-point run).
pub const MAX_POINTS: u64 = 10_000_000;

/// KPIs kept when a sweep file names none.
pub const DEFAULT_KPIS: &[&str] = &[
    "profit",
    "revenue",
    "lost_visit_share",
    "active_customers",
    "annual_retention",
    "mean_happiness",
    "staff_satisfaction",
    "exhaustion",
    "annual_turnover",
    "time_per_customer",
    "queue_wait",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    base: PathBuf,
    replications: u32,
    seed: Option<u64>,
    #[serde(default = "default_design")]
    design: String,
    samples: Option<u64>,
    kpis: Option<Vec<String>>,
    #[serde(default)]
    parameters: BTreeMap<String, RawParameter>,
    #[serde(default)]
    baseline: BTreeMap<String, toml::Value>,
    #[serde(default)]
    points: Vec<BTreeMap<String, f64>>,
}

fn default_design() -> String {
    "grid".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    values: Option<Vec<f64>>,
    from: Option<f64>,
    to: Option<f64>,
    steps: Option<u64>,
}

/// How points are laid out.
#[derive(Debug, Clone, PartialEq)]
pub enum Design {
    /// Every combination of every parameter's values.
    Grid,
    /// `samples` points stratified in every parameter (seeded).
    LatinHypercube { samples: u64 },
    /// Points given one by one in the sweep file.
    List(Vec<Vec<f64>>),
}

/// One varied parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Dotted config path, such as `policy.latitude`.
    pub path: String,
    /// Grid values (grid design) or the range ends (Latin hypercube).
    pub values: Vec<f64>,
    /// Whether the key takes whole numbers.
    pub integer: bool,
}

/// A validated sweep.
#[derive(Debug, Clone)]
pub struct Sweep {
    pub file: PathBuf,
    pub base: Config,
    pub replications: u32,
    pub seed: u64,
    pub design: Design,
    pub parameters: Vec<Parameter>,
    pub kpis: Vec<String>,
    /// Overrides that turn a point into its baseline, if any.
    pub baseline: BTreeMap<String, toml::Value>,
    /// Hex digest of the resolved sweep (see [`Sweep::canonical`]) and the
    /// crate version: shards and resumes of different sweeps never mix,
    /// while a moved or re-commented file is the same sweep.
    pub fingerprint: String,
    /// Hex digest of the resolved base config alone (without its seed and
    /// replications, which the sweep sets), so a mismatch can say that the
    /// base changed.
    pub base_fingerprint: String,
    /// The sweep file's text, as read (recorded in manifests, so a result
    /// folder says what made it).
    pub text: String,
    /// The base config's path as the sweep file names it, and its text.
    pub base_file: PathBuf,
    pub base_text: String,
    lhs: Option<Vec<Vec<u32>>>,
}

/// What another experiment that lays out a sweep ([`Sweep::of_rows`]) was
/// made from, recorded in the manifests as a sweep file's are.
#[derive(Debug, Clone)]
pub struct SweepSource {
    /// The experiment file's text.
    pub text: String,
    /// The base config's path as that file names it, and its text.
    pub base_file: PathBuf,
    pub base_text: String,
}

fn err(file: &Path, key: Option<String>, message: String) -> ConfigError {
    ConfigError {
        origin: file.display().to_string(),
        key,
        position: None,
        message,
    }
}

/// Keys a sweep sets itself, which its points may not vary.
pub const CONTROLLED: [&str; 2] = ["simulation.seed", "simulation.replications"];

/// Config keys that decide a run's memory.
const MEMORY_KEYS: [&str; 5] = [
    "chain.stores",
    "policy.staff",
    "store.initial_customers",
    "market.new_customers_per_day",
    "simulation.days",
];

const REPLICATIONS_RANGE: &str = "a whole number from 1 to 1,000,000";
const SEED_RANGE: &str = "a whole number from 0 to 9,223,372,036,854,775,807";

/// Refuses a sweep of more than `MAX_POINTS` points.
fn check_point_count(file: &Path, n: u64) -> Result<(), ConfigError> {
    if n > MAX_POINTS {
        return Err(err(
            file,
            Some("parameters".into()),
            format!(
                "{} points is more than the {} allowed; use fewer values or steps",
                input::group(n),
                input::group(MAX_POINTS)
            ),
        ));
    }
    Ok(())
}

fn points_range() -> String {
    format!("a whole number from 1 to {}", input::group(MAX_POINTS))
}

/// The valid range in words of a sweep file's own keys.
fn sweep_range(key: &str) -> Option<String> {
    if key == "replications" {
        Some(REPLICATIONS_RANGE.into())
    } else if key == "seed" {
        Some(SEED_RANGE.into())
    } else if key == "samples" || key.ends_with(".steps") {
        Some(points_range())
    } else if key.ends_with(".from") || key.ends_with(".to") || key.contains(".values") {
        Some("a number".into())
    } else {
        None
    }
}

/// FNV-1a, 64 bit: a stable digest (std's hashers are not stable).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Sweep {
    /// Reads and validates a sweep file.
    ///
    /// Every count is checked against its limit before anything is
    /// allocated (see [`crate::input`]); errors name the file, line:column
    /// and dotted key.
    pub fn from_file(file: &Path) -> Result<Sweep, ConfigError> {
        let text = input::read_text(file, "sweep file")?;
        let origin = file.display().to_string();
        Sweep::parse(file, &text).map_err(|mut e| {
            if e.origin == origin && e.position.is_none() {
                if let Some(key) = &e.key {
                    e.position = input::find_key(&text, key);
                }
            }
            e
        })
    }

    fn parse(file: &Path, text: &str) -> Result<Sweep, ConfigError> {
        let raw: RawSweep = input::parse_toml(text, &file.display().to_string(), &sweep_range)?;
        let base_path = file.parent().unwrap_or(Path::new(".")).join(&raw.base);
        if let (Ok(a), Ok(b)) = (base_path.canonicalize(), file.canonicalize()) {
            if a == b {
                return Err(err(
                    file,
                    Some("base".into()),
                    "names this sweep file itself; expected the scenario config the sweep varies"
                        .into(),
                ));
            }
        }
        let base_text = input::read_text(&base_path, "base config").map_err(|e| {
            err(
                file,
                Some("base".into()),
                format!(
                    "cannot use base config `{}`: {}",
                    base_path.display(),
                    e.message
                ),
            )
        })?;
        let base = Config::from_toml_str(&base_text, &base_path.display().to_string())?;
        if raw.replications == 0 || u64::from(raw.replications) > input::MAX_REPLICATIONS {
            return Err(err(
                file,
                Some("replications".into()),
                format!("expected {REPLICATIONS_RANGE}, found {}", raw.replications),
            ));
        }
        if let Some(seed) = raw.seed.filter(|s| *s > i64::MAX as u64) {
            return Err(err(
                file,
                Some("seed".into()),
                format!("expected {SEED_RANGE}, found {seed}"),
            ));
        }
        let lhs = raw.design == "latin_hypercube";
        if raw.samples.is_some() && !lhs {
            return Err(err(
                file,
                Some("samples".into()),
                format!(
                    "is used only by design = \"latin_hypercube\", and this sweep's design is `{}`; \
                     remove it",
                    input::quote(&raw.design)
                ),
            ));
        }
        if !raw.points.is_empty() && raw.design != "list" {
            return Err(err(
                file,
                Some("points".into()),
                format!(
                    "is used only by design = \"list\", and this sweep's design is `{}`; remove it",
                    input::quote(&raw.design)
                ),
            ));
        }
        if raw.design == "list" && !raw.parameters.is_empty() {
            return Err(err(
                file,
                Some("parameters".into()),
                "a list design takes its keys from `[[points]]`; remove `[parameters]`".into(),
            ));
        }
        if let Some(samples) = raw.samples {
            if samples == 0 || samples > MAX_POINTS {
                return Err(err(
                    file,
                    Some("samples".into()),
                    format!("expected {}, found {samples}", points_range()),
                ));
            }
        }
        for key in raw
            .parameters
            .keys()
            .map(|k| (k, "parameters"))
            .chain(
                raw.points
                    .first()
                    .into_iter()
                    .flat_map(|p| p.keys().map(|k| (k, "points"))),
            )
            .chain(raw.baseline.keys().map(|k| (k, "baseline")))
        {
            if CONTROLLED.contains(&key.0.as_str()) {
                return Err(err(
                    file,
                    Some(format!("{}.\"{}\"", key.1, key.0)),
                    format!(
                        "`{}` cannot be varied: the sweep sets it for every point (top-level `seed` \
                         and `replications`)",
                        key.0
                    ),
                ));
            }
        }
        let kpis = match raw.kpis {
            Some(list) if list.is_empty() => {
                return Err(err(
                    file,
                    Some("kpis".into()),
                    "expected at least one KPI name".into(),
                ))
            }
            Some(list) => list,
            None => DEFAULT_KPIS.iter().map(|s| s.to_string()).collect(),
        };
        for (i, name) in kpis.iter().enumerate() {
            if !KPI_DEFS.iter().any(|d| d.name == name) {
                return Err(err(
                    file,
                    Some("kpis".into()),
                    format!(
                        "unknown KPI `{}` (see the KPI list in docs/MODEL.md)",
                        input::quote(name)
                    ),
                ));
            }
            if kpis[..i].contains(name) {
                return Err(err(
                    file,
                    Some("kpis".into()),
                    format!("`{name}` is listed twice; list each KPI once"),
                ));
            }
        }
        let integer_keys: BTreeMap<String, bool> = base
            .params()
            .into_iter()
            .map(|p| (p.path(), p.integer))
            .collect();
        let key_of = |path: &str| format!("parameters.\"{path}\"");
        for (path, p) in &raw.parameters {
            if let Some(steps) = p.steps.filter(|s| *s == 0 || *s > MAX_POINTS) {
                return Err(err(
                    file,
                    Some(format!("{}.steps", key_of(path))),
                    format!("expected {}, found {steps}", points_range()),
                ));
            }
        }
        // The grid's size from the counts alone, before any value is made.
        if raw.design == "grid" {
            let n = raw
                .parameters
                .values()
                .map(|p| {
                    p.values
                        .as_ref()
                        .map_or(p.steps.unwrap_or(1), |v| v.len() as u64)
                })
                .fold(1u64, |a, b| a.saturating_mul(b.max(1)));
            check_point_count(file, n)?;
        }
        let mut parameters = Vec::new();
        for (path, p) in &raw.parameters {
            let Some(&integer) = integer_keys.get(path) else {
                return Err(err(
                    file,
                    Some(key_of(path)),
                    "not a numeric config key".into(),
                ));
            };
            if let Some(values) = &p.values {
                if integer {
                    if let Some(v) = values.iter().find(|v| v.fract() != 0.0 || !v.is_finite()) {
                        return Err(err(
                            file,
                            Some(format!("{}.values", key_of(path))),
                            format!(
                                "`{path}` takes whole numbers, found {v}; give whole numbers only"
                            ),
                        ));
                    }
                }
                if let Some(v) = values.iter().enumerate().find_map(|(i, v)| {
                    values[..i]
                        .iter()
                        .any(|w| w.to_bits() == v.to_bits())
                        .then_some(v)
                }) {
                    return Err(err(
                        file,
                        Some(format!("{}.values", key_of(path))),
                        format!("{v} is listed twice; list each value once"),
                    ));
                }
            }
            let values = match (&p.values, p.from, p.to, p.steps) {
                // A Latin hypercube samples a range; a grid or list takes values.
                (None, Some(from), Some(to), None) if lhs => vec![from, to],
                _ if lhs => {
                    return Err(err(
                        file,
                        Some(key_of(path)),
                        "a Latin hypercube samples a range: give `from` and `to` only".into(),
                    ))
                }
                (Some(v), None, None, None) if !v.is_empty() => v.clone(),
                (None, Some(from), Some(to), Some(steps)) if steps >= 1 => {
                    if steps == 1 {
                        vec![from]
                    } else {
                        // Computed from the index, not by accumulation, so
                        // no rounding error builds up along the range.
                        (0..steps)
                            .map(|i| from + (to - from) * i as f64 / (steps - 1) as f64)
                            .collect()
                    }
                }
                _ => return Err(err(
                    file,
                    Some(key_of(path)),
                    "expected either `values = [...]` (non-empty) or `from`, `to` and `steps >= 1`"
                        .into(),
                )),
            };
            // Whole-number keys take rounded values (a range in steps), and
            // are checked as run; two steps may not round to one value.
            let values: Vec<f64> = if integer {
                values.iter().map(|v| v.round()).collect()
            } else {
                values
            };
            if !lhs {
                if let Some(w) = values.windows(2).find(|w| w[0] == w[1]) {
                    return Err(err(
                        file,
                        Some(format!("{}.steps", key_of(path))),
                        format!(
                            "two steps give the same value {} (`{path}` takes whole numbers); \
                             use fewer steps",
                            w[0]
                        ),
                    ));
                }
            }
            for v in &values {
                let mut probe = base.clone();
                probe
                    .set(path, toml::Value::Float(*v))
                    .map_err(|e| err(file, Some(key_of(path)), e.message))?;
            }
            parameters.push(Parameter {
                path: path.clone(),
                values,
                integer,
            });
        }
        let design = match raw.design.as_str() {
            "grid" => Design::Grid,
            "latin_hypercube" => Design::LatinHypercube {
                samples: raw.samples.ok_or_else(|| {
                    err(
                        file,
                        Some("samples".into()),
                        format!("a Latin hypercube needs `samples`: {}", points_range()),
                    )
                })?,
            },
            "list" => {
                if raw.points.is_empty() {
                    return Err(err(
                        file,
                        Some("points".into()),
                        "a list design needs `[[points]]`".into(),
                    ));
                }
                let names: Vec<String> = raw.points[0].keys().cloned().collect();
                parameters = names
                    .iter()
                    .map(|n| {
                        integer_keys
                            .get(n)
                            .map(|&integer| Parameter {
                                path: n.clone(),
                                values: Vec::new(),
                                integer,
                            })
                            .ok_or_else(|| {
                                err(
                                    file,
                                    Some(format!("points.\"{n}\"")),
                                    "not a numeric config key".into(),
                                )
                            })
                    })
                    .collect::<Result<_, _>>()?;
                let mut rows = Vec::new();
                for (i, point) in raw.points.iter().enumerate() {
                    if point.keys().ne(names.iter()) {
                        return Err(err(
                            file,
                            Some(format!("points[{i}]")),
                            "every point must set the same keys as the first".into(),
                        ));
                    }
                    for ((name, v), p) in point.iter().zip(&parameters) {
                        if p.integer && v.fract() != 0.0 {
                            return Err(err(
                                file,
                                Some(format!("points[{i}].\"{name}\"")),
                                format!("`{name}` takes whole numbers, found {v}"),
                            ));
                        }
                    }
                    rows.push(point.values().copied().collect());
                }
                Design::List(rows)
            }
            other => {
                return Err(err(
                    file,
                    Some("design".into()),
                    format!(
                        "expected `grid`, `latin_hypercube` or `list`, found `{}`",
                        input::quote(other)
                    ),
                ))
            }
        };
        if parameters.is_empty() {
            return Err(err(
                file,
                Some("parameters".into()),
                "name at least one parameter to vary".into(),
            ));
        }
        for (key, value) in &raw.baseline {
            let mut probe = base.clone();
            probe
                .set(key, value.clone())
                .map_err(|e| err(file, Some(format!("baseline.\"{key}\"")), e.message))?;
        }
        let seed = raw.seed.unwrap_or(base.simulation.seed);
        let mut sweep = Sweep {
            file: file.to_path_buf(),
            base,
            replications: raw.replications,
            seed,
            design,
            parameters,
            kpis,
            baseline: raw.baseline,
            fingerprint: String::new(),
            base_fingerprint: String::new(),
            text: text.to_string(),
            base_file: raw.base.clone(),
            base_text,
            lhs: None,
        };
        let (canonical, base_canonical) = sweep.canonical();
        sweep.fingerprint = format!("{:016x}", fnv1a(canonical.as_bytes()));
        sweep.base_fingerprint = format!("{:016x}", fnv1a(base_canonical.as_bytes()));
        let n = sweep.grid_size();
        check_point_count(file, n)?;
        sweep.check_memory(file)?;
        if let Design::LatinHypercube { samples } = sweep.design {
            // One stratum permutation per parameter, from a stream of its own.
            let mut rng = Stream::new(seed, 0, 0, Purpose::Design);
            sweep.lhs = Some(
                sweep
                    .parameters
                    .iter()
                    .map(|_| {
                        let mut perm: Vec<u32> = (0..samples as u32).collect();
                        for i in (1..perm.len()).rev() {
                            perm.swap(i, rng.index(i + 1));
                        }
                        perm
                    })
                    .collect(),
            );
        }
        // Every point of a list must be a valid config before anything runs
        // (grid values and hypercube ranges were checked key by key).
        if let Design::List(rows) = &sweep.design {
            for (i, row) in rows.iter().enumerate() {
                sweep
                    .configs(row)
                    .map_err(|e| err(file, Some(format!("points[{i}]")), e.to_string()))?;
            }
        }
        Ok(sweep)
    }

    /// A list-design sweep over `rows` that another experiment laid out
    /// (the samples of a sensitivity analysis), so that they run, stream,
    /// shard and resume as any sweep's points do. `file` and `fingerprint`
    /// are that experiment's; every row is checked as a config (and for
    /// memory) before anything runs.
    #[allow(clippy::too_many_arguments)]
    pub fn of_rows(
        file: &Path,
        base: Config,
        replications: u32,
        seed: u64,
        parameters: Vec<Parameter>,
        rows: Vec<Vec<f64>>,
        kpis: Vec<String>,
        baseline: BTreeMap<String, toml::Value>,
        fingerprint: String,
        source: SweepSource,
    ) -> Result<Sweep, ConfigError> {
        check_point_count(file, rows.len() as u64)?;
        let mut sweep = Sweep {
            file: file.to_path_buf(),
            base,
            replications,
            seed,
            design: Design::List(rows),
            parameters,
            kpis,
            baseline,
            fingerprint,
            base_fingerprint: String::new(),
            text: source.text,
            base_file: source.base_file,
            base_text: source.base_text,
            lhs: None,
        };
        let (_, base_canonical) = sweep.canonical();
        sweep.base_fingerprint = format!("{:016x}", fnv1a(base_canonical.as_bytes()));
        if let Design::List(rows) = &sweep.design {
            for (i, row) in rows.iter().enumerate() {
                sweep
                    .configs(row)
                    .map_err(|e| err(file, None, format!("sample {i}: {e}")))?;
            }
        }
        sweep.check_memory(file)?;
        Ok(sweep)
    }

    /// Refuses a sweep whose largest point would need more memory than
    /// allowed: the largest value of every parameter that decides memory,
    /// together (and every point of a list).
    fn check_memory(&self, file: &Path) -> Result<(), ConfigError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
        let sides = if self.baseline.is_empty() { 1 } else { 2 };
        let replications = u64::from(self.replications);
        let check = |config: &Config| {
            crate::input::check_memory(config, replications, cores, sides, "")
                .map_err(|e| err(file, None, format!("at its largest point, {}", e.message)))
        };
        match &self.design {
            Design::List(rows) => {
                for row in rows {
                    if let Ok((config, _)) = self.configs(row) {
                        check(&config)?;
                    }
                }
            }
            _ => {
                let mut worst = self.base.clone();
                for p in &self.parameters {
                    if MEMORY_KEYS.contains(&p.path.as_str()) {
                        let max = p.values.iter().copied().fold(f64::MIN, f64::max);
                        let _ = worst.set(&p.path, toml::Value::Float(max));
                    }
                }
                check(&worst)?;
            }
        }
        Ok(())
    }

    /// The resolved sweep as text, and the resolved base config's part of
    /// it: what the fingerprints digest. Everything a row depends on is in
    /// it (the crate version, the sweep's seed and replications, the base
    /// config with defaults filled in, the design with every value, the
    /// KPIs, the baseline), and nothing else: not the sweep file's path or
    /// its `base =` path, comments or key order.
    fn canonical(&self) -> (String, String) {
        let mut base = self.base.clone();
        // The sweep sets these for every point (its own lines below), so the
        // base's own do not count: they are set to fixed values here, and a
        // change of the sweep's replications is not reported as a change of
        // the base config.
        let _ = base.set("simulation.seed", toml::Value::Integer(0));
        let _ = base.set("simulation.replications", toml::Value::Integer(1));
        let base = base.to_toml();
        let mut text = format!(
            "effectchain {}\nreplications {}\nseed {}\n",
            env!("CARGO_PKG_VERSION"),
            self.replications,
            self.seed
        );
        // `{:?}` of an f64 is its shortest round-trip decimal: equal text,
        // equal bits.
        match &self.design {
            Design::Grid => text.push_str("design grid\n"),
            Design::LatinHypercube { samples } => {
                text.push_str(&format!("design latin_hypercube {samples}\n"))
            }
            Design::List(rows) => {
                text.push_str("design list\n");
                for row in rows {
                    text.push_str(&format!("point {row:?}\n"));
                }
            }
        }
        for p in &self.parameters {
            text.push_str(&format!("parameter {} {:?}\n", p.path, p.values));
        }
        text.push_str(&format!("kpis {:?}\n", self.kpis));
        for (key, value) in &self.baseline {
            text.push_str(&format!("baseline {key} = {value}\n"));
        }
        text.push_str("base\n");
        text.push_str(&base);
        (text, base)
    }

    fn grid_size(&self) -> u64 {
        match &self.design {
            Design::Grid => self
                .parameters
                .iter()
                .map(|p| p.values.len() as u64)
                .fold(1u64, |a, b| a.saturating_mul(b)),
            Design::LatinHypercube { samples } => *samples,
            Design::List(rows) => rows.len() as u64,
        }
    }

    /// Number of points.
    pub fn points(&self) -> u64 {
        self.grid_size()
    }

    /// The parameter values of point `id`, in parameter order.
    pub fn point(&self, id: u64) -> Vec<f64> {
        let round = |p: &Parameter, v: f64| if p.integer { v.round() } else { v };
        match &self.design {
            Design::Grid => {
                let mut rest = id;
                let mut values = vec![0.0; self.parameters.len()];
                for (slot, p) in values.iter_mut().zip(&self.parameters).rev() {
                    let n = p.values.len() as u64;
                    *slot = p.values[(rest % n) as usize];
                    rest /= n;
                }
                values
            }
            Design::LatinHypercube { samples } => {
                let perms = self.lhs.as_ref().expect("built with the design");
                // The position inside a stratum comes from the point's own
                // stream, so it does not depend on other points.
                let mut rng = Stream::new(self.seed, id, 1, Purpose::Design);
                self.parameters
                    .iter()
                    .zip(perms)
                    .map(|(p, perm)| {
                        let u = (f64::from(perm[id as usize]) + rng.uniform()) / *samples as f64;
                        round(p, p.values[0] + (p.values[1] - p.values[0]) * u)
                    })
                    .collect()
            }
            Design::List(rows) => rows[id as usize].clone(),
        }
    }

    /// The config of a point, and of its baseline when the sweep has one.
    pub fn configs(&self, values: &[f64]) -> Result<(Config, Option<Config>), ConfigError> {
        let mut config = self.base.clone();
        for (p, v) in self.parameters.iter().zip(values) {
            config.set(&p.path, toml::Value::Float(*v))?;
        }
        let baseline = if self.baseline.is_empty() {
            None
        } else {
            let mut b = config.clone();
            for (key, value) in &self.baseline {
                b.set(key, value.clone())?;
            }
            Some(b)
        };
        Ok((config, baseline))
    }

    /// What decides a point's baseline: its values of the parameters the
    /// baseline does not override (the rest of the baseline is the same
    /// for every point), as bits. Points with the same key share one
    /// baseline run.
    fn baseline_key(&self, values: &[f64]) -> Vec<u64> {
        self.parameters
            .iter()
            .zip(values)
            .filter(|(p, _)| !self.baseline.contains_key(&p.path))
            .map(|(_, v)| v.to_bits())
            .collect()
    }

    /// KPI values of every replication of `configs`, all run in parallel
    /// (config, replication) by (config, replication); in config order.
    fn kpi_values(&self, configs: &[&Config]) -> Vec<Vec<Vec<f64>>> {
        let n = u64::from(self.replications);
        let flat: Vec<Vec<f64>> = (0..configs.len() as u64 * n)
            .into_par_iter()
            .map(|x| {
                run_replication(configs[(x / n) as usize], self.seed, x % n)
                    .kpis
                    .values()
            })
            .collect();
        flat.chunks(n as usize).map(<[_]>::to_vec).collect()
    }

    /// One point's summaries from its replications' KPI values and, paired
    /// by replication, its baseline's.
    fn point_result(
        &self,
        id: u64,
        values: Vec<f64>,
        point: &[Vec<f64>],
        baseline: Option<&[Vec<f64>]>,
    ) -> PointResult {
        let index: Vec<usize> = self
            .kpis
            .iter()
            .map(|k| {
                KPI_DEFS
                    .iter()
                    .position(|d| d.name == k)
                    .expect("checked on load")
            })
            .collect();
        let kpis = index
            .iter()
            .map(|&i| Stats::of(&point.iter().map(|p| p[i]).collect::<Vec<_>>()))
            .collect();
        let differences = baseline.map(|base| {
            index
                .iter()
                .map(|&i| {
                    Stats::of(
                        &point
                            .iter()
                            .zip(base)
                            .map(|(p, b)| p[i] - b[i])
                            .collect::<Vec<_>>(),
                    )
                })
                .collect()
        });
        PointResult {
            id,
            values,
            kpis,
            differences,
        }
    }

    /// Runs the given points, handing each result to `on_point` as it
    /// finishes (from worker threads, in completion order). Points run in
    /// batches: a batch's distinct baselines run first, each once (a
    /// baseline still needed by the next batch is kept for it), then its
    /// points, in parallel point by point and replication by replication,
    /// so a sweep of few points with many replications fills the cores too.
    /// Stops at the first error after the points in flight finish.
    pub fn run_points(
        &self,
        ids: &[u64],
        on_point: &(dyn Fn(PointResult) -> Result<(), String> + Sync),
    ) -> Result<(), String> {
        type Baselines = BTreeMap<Vec<u64>, Vec<Vec<f64>>>;
        let mut kept: Baselines = BTreeMap::new();
        for batch in ids.chunks(POINTS_PER_BATCH) {
            let mut points = Vec::with_capacity(batch.len());
            for &id in batch {
                let values = self.point(id);
                let (config, baseline) = self.configs(&values).map_err(|e| e.to_string())?;
                let key = baseline.as_ref().map(|_| self.baseline_key(&values));
                points.push((id, values, config, baseline, key));
            }
            let mut baselines: Baselines = BTreeMap::new();
            let mut to_run: Vec<(&Vec<u64>, &Config)> = Vec::new();
            for (_, _, _, baseline, key) in &points {
                let (Some(b), Some(key)) = (baseline, key) else {
                    continue;
                };
                if baselines.contains_key(key) || to_run.iter().any(|(k, _)| *k == key) {
                    continue;
                }
                match kept.remove(key) {
                    Some(values) => {
                        baselines.insert(key.clone(), values);
                    }
                    None => to_run.push((key, b)),
                }
            }
            let configs: Vec<&Config> = to_run.iter().map(|(_, c)| *c).collect();
            for ((key, _), values) in to_run.iter().zip(self.kpi_values(&configs)) {
                baselines.insert((*key).clone(), values);
            }
            points
                .into_par_iter()
                .try_for_each(|(id, values, config, _, key)| {
                    let point = self.kpi_values(&[&config]).remove(0);
                    let base = key.map(|k| &baselines[&k][..]);
                    on_point(self.point_result(id, values, &point, base))
                })?;
            kept = baselines;
        }
        Ok(())
    }
}

/// Points per batch of [`Sweep::run_points`]: enough to keep every core
/// busy between batches, few enough that a batch's configs and baselines
/// take little memory.
const POINTS_PER_BATCH: usize = 256;

/// One point's summaries, in the sweep's KPI order.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    pub id: u64,
    /// Parameter values, in the sweep's parameter order.
    pub values: Vec<f64>,
    pub kpis: Vec<Stats>,
    /// Paired differences point - baseline, when the sweep has a baseline.
    pub differences: Option<Vec<Stats>>,
}

/// The environment variable Slurm sets to a job array task's id.
pub const SLURM_TASK_ID: &str = "SLURM_ARRAY_TASK_ID";

/// Which points a shard runs: `index` of `count`, 1-based as written
/// (`--shard 3/16`); point ids with `id % count == index - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Parses `I/N` with 1 <= I <= N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected I/N such as 3/16, found `{s}`"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("expected a shard number, found `{i}`"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("expected a shard count, found `{n}`"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "expected 1 <= I <= N in I/N, found {index}/{count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parses `--shard`: `I/N`, or `auto/N`, which takes `I` from the
    /// Slurm array task id `task_id` (the value of [`SLURM_TASK_ID`], for an
    /// array submitted as `--array=1-N`). `N` is always given: a resubmitted
    /// task runs in an array of its own, whose task count is not `N`.
    /// Returns the shard and whether `I` came from the task id.
    pub fn resolve(spec: &str, task_id: Option<&str>) -> Result<(Shard, bool), String> {
        let Some(n) = spec.trim().strip_prefix("auto/") else {
            return Shard::parse(spec).map(|s| (s, false));
        };
        let count: u32 = n
            .trim()
            .parse()
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| format!("expected a shard count from 1 in auto/N, found `{n}`"))?;
        let Some(task) = task_id else {
            return Err(format!(
                "`auto/{count}` takes the shard number from {SLURM_TASK_ID}, which is not set \
                 (not a Slurm array task); submit it with `sbatch --array=1-{count}`, or give \
                 the number, such as 1/{count}"
            ));
        };
        let index = task
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|i| (1..=count).contains(i))
            .ok_or_else(|| {
                format!(
                    "`auto/{count}`: {SLURM_TASK_ID} is `{task}`, expected a whole number from 1 \
                     to {count}; submit the array as --array=1-{count}, or a part of it (each \
                     task id is its shard number)"
                )
            })?;
        Ok((Shard { index, count }, true))
    }

    pub fn contains(&self, id: u64) -> bool {
        id % u64::from(self.count) == u64::from(self.index - 1)
    }

    /// Point ids of this shard among `total`, ascending.
    pub fn ids(&self, total: u64) -> impl Iterator<Item = u64> {
        (u64::from(self.index - 1)..total).step_by(self.count as usize)
    }
}

/// The manager's answers from a one- or two-parameter sweep: the value
/// with the highest profit and, against a baseline, where the profit
/// difference crosses zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub parameters: Vec<String>,
    /// The point with the highest mean profit.
    pub best: Option<BestPoint>,
    /// The point with the highest mean profit difference to the baseline.
    pub best_difference: Option<BestPoint>,
    /// One parameter with a baseline: where the difference crosses zero.
    pub break_even: Option<BreakEven>,
    /// Two grid parameters with a baseline: for each value of the first,
    /// where the difference crosses zero along the second.
    pub break_even_curve: Vec<CurvePoint>,
}

/// A point and its profit (or profit difference) with its 95% CI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BestPoint {
    pub values: Vec<f64>,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// Where the mean profit difference crosses zero along one parameter, and
/// where the bounds of its 95% CI do (the break-even interval).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakEven {
    pub crossings: Vec<f64>,
    pub ci_low_crossings: Vec<f64>,
    pub ci_high_crossings: Vec<f64>,
}

/// One point of a two-parameter break-even curve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Value of the first parameter.
    pub first: f64,
    /// Values of the second parameter where the difference crosses zero.
    pub second: Vec<f64>,
}

impl Analysis {
    /// Whether a sweep's rows can be analysed: profit is kept and there are
    /// one parameter, or two on a grid.
    pub fn applies(sweep: &Sweep) -> bool {
        sweep.kpis.iter().any(|k| k == "profit")
            && (sweep.parameters.len() == 1
                || (sweep.parameters.len() == 2 && sweep.design == Design::Grid))
    }

    /// Analyses rows given in point-id order.
    pub fn of(sweep: &Sweep, rows: &[PointResult]) -> Analysis {
        let profit = sweep
            .kpis
            .iter()
            .position(|k| k == "profit")
            .expect("checked by applies");
        let best_by = |stat: &dyn Fn(&PointResult) -> Option<Stats>| {
            rows.iter()
                .filter_map(|r| stat(r).map(|s| (r, s)))
                .fold(None::<(&PointResult, Stats)>, |best, (r, s)| match best {
                    Some((_, b)) if b.mean >= s.mean => best,
                    _ => Some((r, s)),
                })
                .map(|(r, s)| BestPoint {
                    values: r.values.clone(),
                    mean: s.mean,
                    ci_low: s.ci_low,
                    ci_high: s.ci_high,
                })
        };
        let best = best_by(&|r| Some(r.kpis[profit]));
        let best_difference = best_by(&|r| r.differences.as_ref().map(|d| d[profit]));
        let has_baseline = rows.first().is_some_and(|r| r.differences.is_some());
        // A point identical to its baseline (the baseline itself lies on
        // the sweep) differs by exactly zero in every replication; it is
        // not a break-even, so crossings are found between its neighbours.
        let informative = |r: &&PointResult| {
            r.differences.as_ref().is_some_and(|d| {
                let p = &d[profit];
                !(p.mean == 0.0 && p.ci_low == p.ci_high)
            })
        };
        let mut break_even = None;
        let mut break_even_curve = Vec::new();
        if has_baseline && sweep.parameters.len() == 1 {
            let mut sorted: Vec<&PointResult> = rows.iter().filter(informative).collect();
            sorted.sort_by(|a, b| a.values[0].total_cmp(&b.values[0]));
            let x: Vec<f64> = sorted.iter().map(|r| r.values[0]).collect();
            let d = |f: fn(&Stats) -> f64| -> Vec<f64> {
                sorted
                    .iter()
                    .map(|r| f(&r.differences.as_ref().expect("baseline")[profit]))
                    .collect()
            };
            // When the baseline sets the swept parameter to x_b, the mean
            // difference is zero there by construction, so a sign change
            // between x_b's neighbours is the baseline itself, not a
            // break-even: crossings inside that bracket (of the mean and of
            // its band, pinned to zero there too) are dropped.
            let at_baseline = baseline_value(sweep).map(|xb| {
                let below = x
                    .iter()
                    .copied()
                    .filter(|v| *v < xb)
                    .fold(f64::NEG_INFINITY, f64::max);
                let above = x
                    .iter()
                    .copied()
                    .filter(|v| *v > xb)
                    .fold(f64::INFINITY, f64::min);
                (below, above)
            });
            let real = |c: Vec<f64>| -> Vec<f64> {
                c.into_iter()
                    .filter(|c| !matches!(at_baseline, Some((lo, hi)) if lo < *c && *c < hi))
                    .collect()
            };
            break_even = Some(BreakEven {
                crossings: real(zero_crossings(&x, &d(|s| s.mean))),
                ci_low_crossings: real(zero_crossings(&x, &d(|s| s.ci_low))),
                ci_high_crossings: real(zero_crossings(&x, &d(|s| s.ci_high))),
            });
        } else if has_baseline && sweep.parameters.len() == 2 {
            for &first in &sweep.parameters[0].values {
                let mut line: Vec<&PointResult> = rows
                    .iter()
                    .filter(|r| r.values[0] == first)
                    .filter(informative)
                    .collect();
                line.sort_by(|a, b| a.values[1].total_cmp(&b.values[1]));
                let x: Vec<f64> = line.iter().map(|r| r.values[1]).collect();
                let y: Vec<f64> = line
                    .iter()
                    .map(|r| r.differences.as_ref().expect("baseline")[profit].mean)
                    .collect();
                break_even_curve.push(CurvePoint {
                    first,
                    second: zero_crossings(&x, &y),
                });
            }
        }
        Analysis {
            parameters: sweep.parameters.iter().map(|p| p.path.clone()).collect(),
            best,
            best_difference,
            break_even,
            break_even_curve,
        }
    }
}

/// The value the baseline gives a one-parameter sweep's parameter, if it
/// sets it.
fn baseline_value(sweep: &Sweep) -> Option<f64> {
    let value = sweep.baseline.get(&sweep.parameters.first()?.path)?;
    value
        .as_float()
        .or_else(|| value.as_integer().map(|i| i as f64))
}

/// Zero crossings of `y(x)` by linear interpolation between neighbours.
pub fn zero_crossings(x: &[f64], y: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    for j in 0..x.len().saturating_sub(1) {
        let (y0, y1) = (y[j], y[j + 1]);
        if y0 == 0.0 {
            out.push(x[j]);
        } else if (y0 < 0.0) != (y1 < 0.0) && y1 != 0.0 {
            out.push(x[j] + (x[j + 1] - x[j]) * y0 / (y0 - y1));
        }
    }
    if let (Some(&xl), Some(&yl)) = (x.last(), y.last()) {
        if yl == 0.0 {
            out.push(xl);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep_file(body: &str) -> (tempfile::TempDir, Result<Sweep, ConfigError>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("base.toml"), "").unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(
            &file,
            format!("base = \"base.toml\"\nreplications = 1\n{body}"),
        )
        .unwrap();
        let sweep = Sweep::from_file(&file);
        (dir, sweep)
    }

    #[test]
    fn latin_hypercube_fills_every_stratum_once() {
        let (_d, sweep) = sweep_file(
            "design = \"latin_hypercube\"\nsamples = 50\n\
             [parameters.\"policy.latitude\"]\nfrom = 0.2\nto = 0.7\n\
             [parameters.\"market.relationship\"]\nfrom = 0.0\nto = 1.0\n",
        );
        let sweep = sweep.unwrap();
        for (p, (lo, hi)) in [(0.0, 1.0), (0.2, 0.7)].iter().enumerate() {
            let mut strata = vec![0; 50];
            for id in 0..50 {
                let v = sweep.point(id)[p];
                assert!(v >= *lo && v < *hi, "{v}");
                strata[((v - lo) / (hi - lo) * 50.0) as usize] += 1;
            }
            assert!(strata.iter().all(|&n| n == 1), "{strata:?}");
        }
        let (_d, bad) = sweep_file(
            "design = \"latin_hypercube\"\nsamples = 5\n[parameters.\"policy.latitude\"]\nvalues = [0.5]\n",
        );
        assert!(bad.unwrap_err().message.contains("from` and `to` only"));
    }

    #[test]
    fn whole_number_keys_take_rounded_grid_values() {
        let (_d, sweep) =
            sweep_file("[parameters.\"policy.staff\"]\nfrom = 2\nto = 5\nsteps = 3\n");
        let sweep = sweep.unwrap();
        let values: Vec<f64> = (0..3).map(|id| sweep.point(id)[0]).collect();
        assert_eq!(values, vec![2.0, 4.0, 5.0]);
        for id in 0..3 {
            sweep.configs(&sweep.point(id)).unwrap();
        }
    }

    #[test]
    fn the_fingerprint_is_of_the_resolved_sweep_not_of_paths() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("base.toml"), "[policy]\nstaff = 4\n").unwrap();
        // The same config, written another way (a default spelled out, a
        // comment) and elsewhere.
        std::fs::write(
            d.join("sub/copy.toml"),
            "# a copy\n[simulation]\nseed = 42\n\n[policy]\nstaff   = 4  # four\n",
        )
        .unwrap();
        let body = "replications = 2\n[parameters.\"policy.latitude\"]\nvalues = [0.1, 0.5]\n";
        let load = |name: &str, text: &str| {
            let file = d.join(name);
            std::fs::write(&file, text).unwrap();
            Sweep::from_file(&file).unwrap()
        };
        let a = load("a.toml", &format!("base = \"base.toml\"\n{body}"));
        let b = load(
            "sub/b.toml",
            &format!("# moved, commented\nbase = \"copy.toml\"\n{body}"),
        );
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.base_fingerprint, b.base_fingerprint);
        let more = load(
            "c.toml",
            &format!("base = \"base.toml\"\n{}", body.replace("= 2", "= 3")),
        );
        assert_ne!(a.fingerprint, more.fingerprint);
        assert_eq!(a.base_fingerprint, more.base_fingerprint);
        std::fs::write(d.join("base.toml"), "[policy]\nstaff = 5\n").unwrap();
        let rebased = load("a.toml", &format!("base = \"base.toml\"\n{body}"));
        assert_ne!(a.fingerprint, rebased.fingerprint);
        assert_ne!(a.base_fingerprint, rebased.base_fingerprint);
    }

    #[test]
    fn crossings_interpolate() {
        assert_eq!(
            zero_crossings(&[0.0, 1.0, 2.0], &[1.0, -1.0, -2.0]),
            vec![0.5]
        );
        assert!(zero_crossings(&[0.0, 1.0], &[1.0, 2.0]).is_empty());
    }

    #[test]
    fn shards_partition_the_points() {
        let total = 23;
        let mut seen = vec![0; total as usize];
        for i in 1..=4 {
            for id in (Shard { index: i, count: 4 }).ids(total) {
                seen[id as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1));
        assert!(
            Shard::parse("0/3").is_err()
                && Shard::parse("4/3").is_err()
                && Shard::parse("x").is_err()
        );
        let auto = |task: Option<&str>| Shard::resolve("auto/4", task);
        assert_eq!(
            auto(Some("3")).unwrap(),
            (Shard { index: 3, count: 4 }, true)
        );
        assert!(auto(None)
            .unwrap_err()
            .contains("SLURM_ARRAY_TASK_ID, which is not set"));
        for bad in ["0", "5", "x", ""] {
            let e = auto(Some(bad)).unwrap_err();
            assert!(e.contains("--array=1-4"), "{e}");
        }
        assert!(Shard::resolve("auto/0", Some("1")).is_err());
        // An explicit I/N ignores the task id.
        assert_eq!(
            Shard::resolve("2/4", Some("3")).unwrap(),
            (Shard { index: 2, count: 4 }, false)
        );
        assert_eq!(
            Shard::parse("3/16").unwrap(),
            Shard {
                index: 3,
                count: 16
            }
        );
    }
}
