//! Scenario configuration: TOML in, a validated [`Config`] out.
//!
//! This module is the only place user input is checked. A config is parsed
//! with unknown keys rejected (a typo must never silently fall back to a
//! default), then every numeric key is range-checked against the table in
//! [`params`]. Errors name the file, the dotted key, the line and column
//! where known, and what was expected (see [`ConfigError`]).
//!
//! **Invariant:** a `Config` handed to the engine has passed
//! [`Config::validate`]; the model never re-checks its inputs.

mod checked;
pub mod params;

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use checked::{Config as Checked, ConfigBuilder};
pub use params::{
    AbuseResponse, Chain, Customer, Economics, Erosion, ErosionStep, Market, OtherParamInfo,
    ParamInfo, Policy, Recovery, RecoveryPolicy, Service, ServiceApproach, Simulation,
    StaffingRule, Store, Workforce,
};

/// A whole scenario: one store (or a chain of them), its market and the
/// policy under test. Every section and key is optional in the TOML; missing
/// ones take the defaults documented in `docs/MODEL.md`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub simulation: Simulation,
    pub store: Store,
    pub market: Market,
    pub customer: Customer,
    pub service: Service,
    pub recovery: Recovery,
    pub workforce: Workforce,
    pub economics: Economics,
    pub policy: Policy,
    pub erosion: Erosion,
    pub chain: Chain,
}

/// A config that could not be read, parsed or validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// The file, or a label such as `<string>` for in-memory configs.
    pub origin: String,
    /// Dotted key such as `policy.latitude`, when the error concerns one.
    pub key: Option<String>,
    /// 1-based line and column, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads, parses and validates a config file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let origin = path.display().to_string();
        let text = crate::input::read_text(path, "config file")?;
        Config::from_toml_str(&text, &origin)
    }

    /// Parses and validates TOML text; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let config: Config = crate::input::parse_toml(text, origin, &crate::input::config_range)?;
        config.validate().map_err(|mut e| {
            e.origin = origin.to_string();
            if let Some(key) = &e.key {
                e.position = find_key(text, key);
            }
            e
        })?;
        Ok(config)
    }

    /// The opening hours, opening times and the hourly arrival profile:
    /// seven days that fit in a day, and arrivals possible in every open
    /// day.
    fn validate_opening(
        &self,
        fail: &dyn Fn(String, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let st = &self.store;
        let seven = |key: &str, v: &[f64]| {
            if v.len() == 7 {
                Ok(())
            } else {
                Err(fail(
                    format!("store.{key}"),
                    format!("expected 7 values (Monday to Sunday), found {}", v.len()),
                ))
            }
        };
        seven("opening_hours", &st.opening_hours)?;
        seven("opening_time", &st.opening_time)?;
        if st.hourly_profile.len() != 24 {
            return Err(fail(
                "store.hourly_profile".into(),
                format!(
                    "expected 24 values (clock hours 0 to 23), found {}",
                    st.hourly_profile.len()
                ),
            ));
        }
        if let Some(v) = st
            .hourly_profile
            .iter()
            .find(|v| !v.is_finite() || **v < 0.0 || **v > 100.0)
        {
            return Err(fail(
                "store.hourly_profile".into(),
                format!("expected numbers from 0 to 100, found {v}"),
            ));
        }
        if st.opening_hours.iter().all(|h| *h == 0.0) {
            return Err(fail(
                "store.opening_hours".into(),
                "expected the store to open on at least one day, found 0 hours on every day".into(),
            ));
        }
        for (d, (&hours, &from)) in st.opening_hours.iter().zip(&st.opening_time).enumerate() {
            let day = crate::model::WEEKDAYS[d];
            if !(0.0..=24.0).contains(&hours) || !hours.is_finite() {
                return Err(fail(
                    "store.opening_hours".into(),
                    format!("expected hours from 0 to 24 on {day}, found {hours}"),
                ));
            }
            if !(0.0..24.0).contains(&from) || from + hours > 24.0 {
                return Err(fail(
                    "store.opening_time".into(),
                    format!(
                        "expected an opening time from 0 to 24 with the day's opening hours \
                         ending by midnight on {day}, found {from} + {hours} hours"
                    ),
                ));
            }
            if hours > 0.0 && crate::model::intraday_mass(&st.hourly_profile, from, hours) <= 0.0 {
                return Err(fail(
                    "store.hourly_profile".into(),
                    format!(
                        "expected some arrivals in the open hours of {day}, found 0 in every \
                         hour from {from} to {}",
                        from + hours
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `policy.extra_staff_by_weekday`: seven whole numbers in range, none
    /// on a day the store is closed.
    fn validate_extra_staff(
        &self,
        fail: &dyn Fn(String, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        let key = || "policy.extra_staff_by_weekday".to_string();
        let extra = &self.policy.extra_staff_by_weekday;
        if extra.len() != 7 {
            return Err(fail(
                key(),
                format!(
                    "expected 7 whole numbers (Monday to Sunday), found {}",
                    extra.len()
                ),
            ));
        }
        for (d, &n) in extra.iter().enumerate() {
            let day = crate::model::WEEKDAYS[d];
            if n > params::MAX_EXTRA_STAFF {
                return Err(fail(
                    key(),
                    format!("expected {}, found {n}", params::extra_staff_range(day)),
                ));
            }
            if n > 0 && self.store.opening_hours[d] == 0.0 {
                return Err(fail(
                    key(),
                    format!(
                        "expected 0 on {day}, a day the store is closed \
                         (store.opening_hours is 0), found {n}"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks every range and cross-key rule; the first violation is
    /// returned (with no origin or position: the caller knows the file).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let fail = |key: String, message: String| ConfigError {
            origin: "<config>".into(),
            key: Some(key),
            position: None,
            message,
        };
        for p in self.params() {
            if !p.value.is_finite() {
                return Err(fail(
                    p.path(),
                    format!(
                        "expected a finite value: {}, found {}",
                        range_in_words(&p),
                        p.value
                    ),
                ));
            }
            if p.value < p.min || p.value > p.max {
                return Err(fail(
                    p.path(),
                    format!(
                        "expected {}, found {}",
                        range_in_words(&p),
                        fmt_num(p.value)
                    ),
                ));
            }
        }
        let profile = &self.store.weekday_profile;
        if profile.len() != 7 {
            return Err(fail(
                "store.weekday_profile".into(),
                format!(
                    "expected 7 multipliers (Monday to Sunday), found {}",
                    profile.len()
                ),
            ));
        }
        if let Some(v) = profile
            .iter()
            .find(|v| !v.is_finite() || **v <= 0.0 || **v > 100.0)
        {
            return Err(fail(
                "store.weekday_profile".into(),
                format!("expected positive finite multipliers up to 100, found {v}"),
            ));
        }
        if self.simulation.burn_in_min_years > self.simulation.burn_in_max_years {
            return Err(fail(
                "simulation.burn_in_min_years".into(),
                format!(
                    "expected at most simulation.burn_in_max_years ({}), found {}",
                    self.simulation.burn_in_max_years, self.simulation.burn_in_min_years
                ),
            ));
        }
        self.validate_opening(&fail)?;
        self.validate_extra_staff(&fail)?;
        if self.market.pulse_weeks > 0 && self.market.pulse_start_week < 4 {
            return Err(fail(
                "market.pulse_start_week".into(),
                format!(
                    "expected at least 4 (the pulse is sized on the four weeks before it), found {}",
                    self.market.pulse_start_week
                ),
            ));
        }
        if self.erosion.min_hours > self.erosion.standard_hours {
            return Err(fail(
                "erosion.min_hours".into(),
                format!(
                    "expected at most erosion.standard_hours ({}), found {}",
                    self.erosion.standard_hours, self.erosion.min_hours
                ),
            ));
        }
        if self.customer.wom_negative_threshold > self.customer.wom_positive_threshold {
            return Err(fail(
                "customer.wom_negative_threshold".into(),
                "expected at most customer.wom_positive_threshold".into(),
            ));
        }
        Ok(())
    }

    /// Every numeric parameter, section by section, in file order.
    pub fn params(&self) -> Vec<ParamInfo> {
        let mut all = Vec::new();
        all.extend(self.simulation.params());
        all.extend(self.store.params());
        all.extend(self.market.params());
        all.extend(self.customer.params());
        all.extend(self.service.params());
        all.extend(self.recovery.params());
        all.extend(self.workforce.params());
        all.extend(self.economics.params());
        all.extend(self.policy.params());
        all.extend(self.erosion.params());
        all.extend(self.chain.params());
        all
    }

    /// Every section's table name and one-line meaning, in file order.
    pub fn sections() -> Vec<(&'static str, String)> {
        [
            (Simulation::SECTION, Simulation::DOC),
            (Store::SECTION, Store::DOC),
            (Market::SECTION, Market::DOC),
            (Customer::SECTION, Customer::DOC),
            (Service::SECTION, Service::DOC),
            (Recovery::SECTION, Recovery::DOC),
            (Workforce::SECTION, Workforce::DOC),
            (Economics::SECTION, Economics::DOC),
            (Policy::SECTION, Policy::DOC),
            (Erosion::SECTION, Erosion::DOC),
            (Chain::SECTION, Chain::DOC),
        ]
        .into_iter()
        .map(|(name, doc)| {
            // Docs read " `[name]`: meaning."; keep the meaning.
            let doc = doc.trim();
            let meaning = doc.split_once(": ").map_or(doc, |(_, m)| m);
            (name, meaning.trim_end_matches('.').to_string())
        })
        .collect()
    }

    /// Every non-numeric parameter.
    pub fn other_params() -> Vec<OtherParamInfo> {
        let mut all = Simulation::other_params();
        all.extend(Store::other_params());
        all.extend(Policy::other_params());
        all.extend(Erosion::other_params());
        all
    }

    /// Sets one key by its dotted path (`policy.latitude`) from a TOML
    /// value or a plain Rust value (`f64`, integers, `bool`, `&str`), then
    /// re-validates; on an error the config is unchanged. Used by sweeps and
    /// by the public [`checked::Config::set`].
    pub fn set(&mut self, path: &str, value: impl Into<toml::Value>) -> Result<(), ConfigError> {
        let mut updated = self.clone();
        updated.apply(path, value.into())?;
        updated.validate()?;
        *self = updated;
        Ok(())
    }

    /// Sets one key without validating the whole config (the caller does,
    /// once all keys are set); the value's type is checked, with the words
    /// a config file's error uses.
    pub(crate) fn apply(&mut self, path: &str, value: toml::Value) -> Result<(), ConfigError> {
        let fail = |message: String| ConfigError {
            origin: "<override>".into(),
            key: Some(path.to_string()),
            position: None,
            message,
        };
        let mut tree = toml::Value::try_from(&*self).map_err(|e| fail(e.to_string()))?;
        let mut parts = path.split('.');
        let (Some(section), Some(key), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(fail("expected a dotted path `section.key`".into()));
        };
        let table = tree
            .get_mut(section)
            .and_then(|t| t.as_table_mut())
            .ok_or_else(|| fail(format!("unknown section `{section}`")))?;
        let slot = table.get_mut(key).ok_or_else(|| {
            fail(match params::retired_key(path) {
                Some(instead) => format!("this key {instead}"),
                None => format!("unknown key `{key}` in section `{section}`"),
            })
        })?;
        // Integers given for float keys and floats for integer keys are
        // converted when exact, so a sweep can write `2` or `2.0` alike.
        let value = match (&*slot, value) {
            (toml::Value::Float(_), toml::Value::Integer(i)) => toml::Value::Float(i as f64),
            (toml::Value::Integer(_), toml::Value::Float(f))
                if f.fract() == 0.0 && f.abs() < 9.0e15 =>
            {
                toml::Value::Integer(f as i64)
            }
            (_, v) => v,
        };
        *slot = value;
        *self = tree.try_into().map_err(|e: toml::de::Error| {
            fail(crate::input::explain(
                &one_line(e.message()),
                crate::input::config_range(path).as_deref(),
            ))
        })?;
        Ok(())
    }

    /// The resolved config as TOML text (defaults filled in).
    pub fn to_toml(&self) -> String {
        let text = toml::to_string(self).expect("a Config always serialises to TOML");
        // `simulation.shared_burn_in` is written only when set, so the
        // resolved config of a run without it (in manifests, reports and a
        // sweep's fingerprints) reads as before the key existed. It is the
        // last key of `[simulation]`, a line of its own.
        if self.simulation.shared_burn_in {
            text
        } else {
            text.replacen("\nshared_burn_in = false\n", "\n", 1)
        }
    }
}

/// Formats a range bound without noise such as `1e0`.
/// `a number from 0 to 1 (0-1 index)`, the words every range error uses.
fn range_in_words(p: &ParamInfo) -> String {
    crate::input::config_range(&p.path())
        .unwrap_or_else(|| format!("a number from {} to {}", fmt_num(p.min), fmt_num(p.max)))
}

fn fmt_num(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds where `section.key` is assigned, for range errors (the parser has
/// no span for a value that parsed fine). Handles the usual layout: a
/// `[section]` header followed by `key = value` lines.
fn find_key(text: &str, dotted: &str) -> Option<(usize, usize)> {
    let (section, key) = dotted.split_once('.')?;
    let mut current = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if let Some(rest) = line.strip_prefix('[') {
            current = rest.split(']').next().unwrap_or("").trim().to_string();
            continue;
        }
        let lhs = line.split('=').next().unwrap_or("").trim();
        let matches = (current == section && lhs == key) || (current.is_empty() && lhs == dotted);
        if matches && line.contains('=') {
            let col = raw.len() - line.len() + 1;
            return Some((i + 1, col));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Config::from_toml_str(text, "t.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn empty_config_is_all_defaults() {
        assert_eq!(Config::from_toml_str("", "t").unwrap(), Config::default());
    }

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn unknown_key_names_key_and_position() {
        let e = err("[policy]\nlatitud = 0.3\n");
        assert!(e.starts_with("t.toml:2:1"), "{e}");
        assert!(e.contains("unknown field `latitud`"), "{e}");
    }

    #[test]
    fn a_retired_key_says_what_to_write_instead() {
        let e = err("[customer]\ndefection_max = 0.02\n");
        assert!(
            e.starts_with("t.toml:2:1: key `customer.defection_max`"),
            "{e}"
        );
        assert!(e.contains("write `customer.defection_per_year`"), "{e}");
        let mut c = Config::default();
        let e = c
            .apply("market.online_pull", toml::Value::Float(0.05))
            .unwrap_err()
            .to_string();
        assert!(e.contains("write `market.online_pull_per_year`"), "{e}");
    }

    #[test]
    fn out_of_range_names_key_line_and_range() {
        let e = err("[policy]\nlatitude = 1.5\n");
        assert_eq!(
            e,
            "t.toml:2:1: key `policy.latitude`: expected a number from 0 to 1 (0-1 index), found 1.5"
        );
    }

    #[test]
    fn nan_is_rejected() {
        let e = err("[market]\nrelationship = nan\n");
        assert!(
            e.contains("market.relationship") && e.contains("finite"),
            "{e}"
        );
    }

    #[test]
    fn wrong_type_names_key() {
        let e = err("[policy]\nstaff = \"many\"\n");
        assert!(e.contains("policy.staff"), "{e}");
        assert!(e.starts_with("t.toml:2:9"), "{e}");
    }

    #[test]
    fn negative_staff_is_rejected() {
        let e = err("[policy]\nstaff = -3\n");
        assert!(e.contains("policy.staff"), "{e}");
    }

    #[test]
    fn set_by_path_validates() {
        let mut c = Config::default();
        c.set("policy.latitude", toml::Value::Float(0.8)).unwrap();
        assert_eq!(c.policy.latitude, 0.8);
        c.set("policy.staff", toml::Value::Float(9.0)).unwrap();
        assert_eq!(c.policy.staff, 9);
        assert!(c.set("policy.latitude", toml::Value::Float(2.0)).is_err());
        assert!(c.set("policy.nope", toml::Value::Float(2.0)).is_err());
        assert_eq!(c.policy.latitude, 0.8);
    }
}

/// The model documentation must name every config key (a model change
/// without its doc is not done).
#[cfg(test)]
mod doc_tests {
    use super::Config;

    #[test]
    fn every_key_is_documented_in_model_md() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/MODEL.md");
        let doc = std::fs::read_to_string(&path).expect("docs/MODEL.md exists");
        let mut missing: Vec<String> = Config::default()
            .params()
            .iter()
            .map(|p| p.path())
            .chain(
                Config::other_params()
                    .iter()
                    .map(|p| format!("{}.{}", p.section, p.key)),
            )
            .filter(|key| !doc.contains(&format!("`{key}`")))
            .collect();
        missing.sort();
        assert!(
            missing.is_empty(),
            "keys missing from docs/MODEL.md: {missing:?}"
        );
    }
}
