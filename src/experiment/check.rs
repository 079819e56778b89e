//! Seeded regression checks against golden files (`effectchain check`).
//!
//! A golden file is TOML: a config (path relative to the golden file), a
//! seed, a replication count, optional overrides, a mode and the expected
//! KPIs. `exact` goldens must match bit for bit (every run is a function of
//! config and seed, so any change of a value is a change of the model);
//! `statistical` goldens accept a difference of the means within
//! `tolerance` standard errors, for checks that should survive intended
//! changes of the random streams.
//!
//! ```toml
//! config = "../../configs/expert-store.toml"
//! seed = 42
//! replications = 4
//! mode = "exact"            # or "statistical"
//! tolerance = 4.0           # standard errors, statistical mode only
//! [overrides]
//! "simulation.days" = 120
//! [expected.profit]
//! mean = 123456.789
//! sd = 2345.6
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError};
use crate::engine::KPI_DEFS;
use crate::input;

use super::run;

/// How expected and obtained values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Bit-identical means.
    Exact,
    /// Means within `tolerance` standard errors of the difference.
    Statistical,
}

/// One expected KPI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub mean: f64,
    pub sd: f64,
}

/// A golden file as written on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Golden {
    pub config: PathBuf,
    pub seed: u64,
    pub replications: u32,
    pub mode: Mode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub expected: BTreeMap<String, Expected>,
}

/// One KPI that did not match.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub kpi: String,
    pub expected: f64,
    pub got: f64,
    /// Allowed absolute difference (0 in exact mode).
    pub allowed: f64,
}

/// The outcome of checking one golden file.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub file: PathBuf,
    pub mismatches: Vec<Mismatch>,
    /// KPIs compared.
    pub compared: usize,
}

fn error(file: &Path, key: Option<&str>, message: String) -> ConfigError {
    ConfigError {
        origin: file.display().to_string(),
        key: key.map(str::to_string),
        position: None,
        message,
    }
}

/// Reads a golden file.
///
/// Errors name the file, line:column and dotted key; counts are bounded
/// (see [`crate::input`]) and expectations must be finite.
pub fn load(file: &Path) -> Result<Golden, ConfigError> {
    let text = input::read_text(file, "golden file")?;
    validate(file, &text).map_err(|mut e| {
        if e.position.is_none() {
            if let Some(key) = &e.key {
                e.position = input::find_key(&text, key);
            }
        }
        e
    })
}

/// The valid range in words of a golden file's keys.
fn golden_range(key: &str) -> Option<String> {
    match key {
        "replications" => Some("a whole number from 1 to 1,000,000".into()),
        "seed" => Some("a whole number from 0 to 9,223,372,036,854,775,807".into()),
        "tolerance" => Some("a positive number (standard errors)".into()),
        k if k.ends_with(".mean") => Some("a finite number".into()),
        k if k.ends_with(".sd") => Some("a finite number, 0 or more".into()),
        _ => None,
    }
}

fn validate(file: &Path, text: &str) -> Result<Golden, ConfigError> {
    let golden: Golden = input::parse_toml(text, &file.display().to_string(), &golden_range)?;
    if golden.replications == 0 || u64::from(golden.replications) > input::MAX_REPLICATIONS {
        return Err(error(
            file,
            Some("replications"),
            format!(
                "expected a whole number from 1 to 1,000,000, found {}",
                golden.replications
            ),
        ));
    }
    if golden.seed > i64::MAX as u64 {
        return Err(error(
            file,
            Some("seed"),
            format!(
                "expected a whole number from 0 to 9,223,372,036,854,775,807, found {}",
                golden.seed
            ),
        ));
    }
    if let Some(t) = golden.tolerance {
        if !(t.is_finite() && t > 0.0) {
            return Err(error(
                file,
                Some("tolerance"),
                format!("expected a positive number (standard errors), found {t}"),
            ));
        }
    }
    for key in golden.overrides.keys() {
        if key == "simulation.seed" || key == "simulation.replications" {
            return Err(error(
                file,
                Some(&format!("overrides.\"{key}\"")),
                format!(
                    "`{key}` cannot be overridden: the golden file sets it (top-level `seed` and \
                     `replications`)"
                ),
            ));
        }
    }
    for (name, expected) in &golden.expected {
        if !KPI_DEFS.iter().any(|d| d.name == name) {
            return Err(error(
                file,
                Some(&format!("expected.{name}")),
                "unknown KPI (see the KPI list in docs/MODEL.md)".into(),
            ));
        }
        if !expected.mean.is_finite() {
            return Err(error(
                file,
                Some(&format!("expected.{name}.mean")),
                format!(
                    "expected a finite number, found {} (a check against it could never fail); \
                     rerun `effectchain check --bless`",
                    expected.mean
                ),
            ));
        }
        if !(expected.sd.is_finite() && expected.sd >= 0.0) {
            return Err(error(
                file,
                Some(&format!("expected.{name}.sd")),
                format!(
                    "expected a finite number, 0 or more, found {}; rerun `effectchain check --bless`",
                    expected.sd
                ),
            ));
        }
    }
    Ok(golden)
}

/// The config a golden file describes, overrides applied.
pub fn config_of(file: &Path, golden: &Golden) -> Result<Config, ConfigError> {
    let base = file.parent().unwrap_or(Path::new(".")).join(&golden.config);
    let mut config = Config::from_file(&base)?;
    for (key, value) in &golden.overrides {
        config.set(key, value.clone()).map_err(|mut e| {
            e.origin = file.display().to_string();
            e.key = Some(format!("overrides.\"{key}\""));
            e
        })?;
    }
    config.simulation.seed = golden.seed;
    config.simulation.replications = golden.replications;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    input::check_memory(
        &config,
        u64::from(golden.replications),
        cores,
        1,
        &file.display().to_string(),
    )?;
    Ok(config)
}

/// Re-runs a golden file and compares.
pub fn check(file: &Path) -> Result<Outcome, ConfigError> {
    let golden = load(file)?;
    if golden.expected.is_empty() {
        return Err(error(
            file,
            Some("expected"),
            "no expected KPIs to compare: fill them with `effectchain check --bless`".into(),
        ));
    }
    let config = config_of(file, &golden)?;
    let results = run(&config, &|| {});
    let tolerance = golden.tolerance.unwrap_or(4.0);
    let n = f64::from(golden.replications);
    let mut mismatches = Vec::new();
    for (name, expected) in &golden.expected {
        let got = results.kpi(name).expect("names were checked on load");
        let (differs, allowed) = match golden.mode {
            Mode::Exact => (got.mean.to_bits() != expected.mean.to_bits(), 0.0),
            Mode::Statistical => {
                let se = ((expected.sd * expected.sd + got.sd * got.sd) / n).sqrt();
                let allowed = tolerance * se;
                (
                    (got.mean - expected.mean).abs() > allowed || got.mean.is_nan(),
                    allowed,
                )
            }
        };
        if differs {
            mismatches.push(Mismatch {
                kpi: name.clone(),
                expected: expected.mean,
                got: got.mean,
                allowed,
            });
        }
    }
    Ok(Outcome {
        file: file.to_path_buf(),
        mismatches,
        compared: golden.expected.len(),
    })
}

/// Re-runs a golden file and rewrites its expected values (all KPIs when
/// it lists none), keeping everything else.
pub fn bless(file: &Path) -> Result<(), ConfigError> {
    let mut golden = load(file)?;
    let config = config_of(file, &golden)?;
    let results = run(&config, &|| {});
    let names: Vec<String> = if golden.expected.is_empty() {
        KPI_DEFS.iter().map(|d| d.name.to_string()).collect()
    } else {
        golden.expected.keys().cloned().collect()
    };
    golden.expected = names
        .into_iter()
        .map(|name| {
            let s = results.kpi(&name).expect("known KPI");
            (
                name,
                Expected {
                    mean: s.mean,
                    sd: s.sd,
                },
            )
        })
        .collect();
    let text = format!(
        "# Golden file for `effectchain check`; rewrite with `effectchain check --bless`.\n{}",
        toml::to_string(&golden).map_err(|e| error(file, None, e.to_string()))?
    );
    std::fs::write(file, text)
        .map_err(|e| error(file, None, format!("cannot write the golden file: {e}")))
}

/// The golden files (`*.toml`) in a directory, sorted by name.
pub fn golden_files(dir: &Path) -> Result<Vec<PathBuf>, ConfigError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| error(dir, None, format!("cannot read the golden directory: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(error(
            dir,
            None,
            "no golden files (*.toml) in this directory".into(),
        ));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_golden(dir: &Path, mode: &str) -> PathBuf {
        std::fs::write(
            dir.join("base.toml"),
            "[simulation]\ndays = 42\nburn_in_min_years = 0\nburn_in_max_years = 0\n[store]\ninitial_customers = 800\n",
        )
        .unwrap();
        let file = dir.join("g.toml");
        std::fs::write(
            &file,
            format!("config = \"base.toml\"\nseed = 3\nreplications = 3\nmode = \"{mode}\"\n"),
        )
        .unwrap();
        file
    }

    #[test]
    fn bless_then_check_passes_and_a_change_fails() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_golden(dir.path(), "exact");
        bless(&file).unwrap();
        let outcome = check(&file).unwrap();
        assert_eq!(outcome.compared, KPI_DEFS.len());
        assert!(outcome.mismatches.is_empty(), "{:?}", outcome.mismatches);
        // A different model input must be caught.
        std::fs::write(
            dir.path().join("base.toml"),
            "[simulation]\ndays = 42\nburn_in_min_years = 0\nburn_in_max_years = 0\n[store]\ninitial_customers = 800\n[policy]\nlatitude = 0.25\n",
        )
        .unwrap();
        let outcome = check(&file).unwrap();
        assert!(outcome.mismatches.iter().any(|m| m.kpi == "profit"));
    }

    #[test]
    fn unknown_kpi_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_golden(dir.path(), "exact");
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push_str("[expected.proft]\nmean = 1.0\nsd = 0.0\n");
        std::fs::write(&file, text).unwrap();
        let e = check(&file).unwrap_err().to_string();
        assert!(
            e.contains("expected.proft") && e.contains("unknown KPI"),
            "{e}"
        );
    }
}
