//! Reading and checking a sweep file, and the fingerprint that tells one
//! sweep from another.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{Config, ConfigError};
use crate::engine::KPI_DEFS;
use crate::input;
use crate::rng::{Purpose, Stream};

use super::*;

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

fn err(file: &Path, key: Option<String>, message: String) -> ConfigError {
    ConfigError {
        origin: file.display().to_string(),
        key,
        position: None,
        message,
    }
}

/// Config keys that decide a run's memory.
pub(super) const MEMORY_KEYS: [&str; 5] = [
    "chain.stores",
    "policy.staff",
    "store.initial_customers",
    "market.new_customers_per_day",
    "simulation.days",
];

pub(super) const REPLICATIONS_RANGE: &str = "a whole number from 1 to 1,000,000";
pub(super) const SEED_RANGE: &str = "a whole number from 0 to 9,223,372,036,854,775,807";

/// Refuses a sweep of more than `MAX_POINTS` points.
pub(super) fn check_point_count(file: &Path, n: u64) -> Result<(), ConfigError> {
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

pub(super) fn points_range() -> String {
    format!("a whole number from 1 to {}", input::group(MAX_POINTS))
}

/// The valid range in words of a sweep file's own keys.
pub(super) fn sweep_range(key: &str) -> Option<String> {
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

impl Sweep {
    /// Reads and validates a sweep file.
    ///
    /// Every count is checked against its limit before anything is
    /// allocated (see [`crate::input`]); errors name the file, line:column
    /// and dotted key.
    pub fn from_file(file: &Path) -> Result<Sweep, ConfigError> {
        input::read_study_file(file, "sweep file", |text| Sweep::parse(file, text))
    }

    pub(super) fn parse(file: &Path, text: &str) -> Result<Sweep, ConfigError> {
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
        let (base, base_text) = input::read_base_config(file, &base_path)?;
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
        let kpis = kpis(file, raw.kpis.as_deref())?;
        let mut parameters = parameters(file, &raw, &base, lhs)?;
        let integer_keys = integer_keys(&base);
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
                                    crate::config::params::not_a_numeric_key(n),
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
    pub(super) fn check_memory(&self, file: &Path) -> Result<(), ConfigError> {
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
    pub(super) fn canonical(&self) -> (String, String) {
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
}

/// The KPIs a sweep keeps: the file's `kpis` list (known names, each once)
/// or [`DEFAULT_KPIS`].
fn kpis(file: &Path, raw: Option<&[String]>) -> Result<Vec<String>, ConfigError> {
    let kpis = match raw {
        Some([]) => {
            return Err(err(
                file,
                Some("kpis".into()),
                "expected at least one KPI name".into(),
            ))
        }
        Some(list) => list.to_vec(),
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
    Ok(kpis)
}

/// The varied parameters in name order: each a numeric key of `base`, its
/// values given or stepped (rounded for whole-number keys, distinct) or,
/// for a Latin hypercube, its range, every value valid for the key.
fn parameters(
    file: &Path,
    raw: &RawSweep,
    base: &Config,
    lhs: bool,
) -> Result<Vec<Parameter>, ConfigError> {
    let integer_keys = integer_keys(base);
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
                crate::config::params::not_a_numeric_key(path),
            ));
        };
        if let Some(values) = &p.values {
            if integer {
                if let Some(v) = values.iter().find(|v| v.fract() != 0.0 || !v.is_finite()) {
                    return Err(err(
                        file,
                        Some(format!("{}.values", key_of(path))),
                        format!("`{path}` takes whole numbers, found {v}; give whole numbers only"),
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
        let values =
            match (&p.values, p.from, p.to, p.steps) {
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
    Ok(parameters)
}

/// Every numeric config key of `base`, and whether it takes whole numbers.
fn integer_keys(base: &Config) -> BTreeMap<String, bool> {
    base.params()
        .into_iter()
        .map(|p| (p.path(), p.integer))
        .collect()
}
