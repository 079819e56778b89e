//! The library's public, validated config ([`Config`] at the crate root).
//!
//! Inside the crate (and for the binary) a scenario is the plain struct
//! [`super::Config`] with one public field per section, which the engine
//! reads directly. Outside it, a scenario is this wrapper: it can only be
//! made by parsing TOML, from the defaults through a [`ConfigBuilder`], or
//! by converting a plain struct with `try_from`, each of which validates;
//! and it can only be changed through [`Config::set`], which validates
//! again and leaves the config as it was when the new value is rejected.
//! So every config that [`crate::run`] is given has passed the same range
//! and cross-key checks as a config file.

use std::path::Path;

use super::{Config as Plain, ConfigError};

/// A validated scenario: one store (or a chain of them), its market and
/// the policy under test.
///
/// Every key is optional in the TOML; missing ones take the defaults
/// documented in `docs/MODEL.md`. Keys are named by their dotted path,
/// `section.key`, such as `policy.latitude` or `simulation.replications`.
///
/// ```
/// use effectchain::Config;
///
/// let mut config = Config::from_toml_str("[policy]\nlatitude = 0.6\n", "store.toml")?;
/// assert_eq!(config.get("policy.latitude"), Some(effectchain::toml::Value::Float(0.6)));
///
/// // Plain Rust values, checked like the file: this one is out of range.
/// let err = config.set("policy.latitude", 5.0).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "<override>: key `policy.latitude`: expected a number from 0 to 1 (0-1 index), found 5"
/// );
/// // A rejected value leaves the config as it was.
/// assert_eq!(config.get("policy.latitude"), Some(effectchain::toml::Value::Float(0.6)));
///
/// config.set("policy.staff", 9)?;
/// config.set("policy.service_approach", "customer_centric")?;
/// assert_eq!(config.get("policy.staff"), Some(effectchain::toml::Value::Integer(9)));
/// # Ok::<(), effectchain::ConfigError>(())
/// ```
///
/// There is no way to reach a section's fields for writing, so a config
/// cannot be changed past the checks:
///
/// ```compile_fail
/// let mut config = effectchain::Config::default();
/// config.policy.latitude = 5.0; // no such field: use `set`
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    pub(crate) inner: Plain,
}

impl Config {
    /// Reads, parses and validates a config file. Errors name the file, the
    /// line, the key and the valid range in words.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        Plain::from_file(path.as_ref()).map(|inner| Config { inner })
    }

    /// Parses and validates TOML text; `origin` names it in errors (a file
    /// name, or a label such as `<string>`).
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigError> {
        Plain::from_toml_str(text, origin).map(|inner| Config { inner })
    }

    /// A builder that starts from the defaults; its keys are checked
    /// together when it is built.
    ///
    /// ```
    /// let config = effectchain::Config::builder()
    ///     .set("simulation.replications", 4)
    ///     .set("policy.latitude", 0.8)
    ///     .build()?;
    /// assert_eq!(config.replications(), 4);
    /// # Ok::<(), effectchain::ConfigError>(())
    /// ```
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            base: Config::default(),
            changes: Vec::new(),
        }
    }

    /// Sets one key by its dotted path from a plain Rust value (`f64`,
    /// integers, `bool`, `&str`) or a [`toml::Value`], then validates the
    /// whole config with the checks a config file gets (same ranges, same
    /// messages; the error's origin is `<override>`). On an error the
    /// config is unchanged. Whole numbers are accepted for number keys, and
    /// numbers with no fractional part for whole-number keys.
    pub fn set(&mut self, key: &str, value: impl Into<toml::Value>) -> Result<(), ConfigError> {
        self.inner.set(key, value).map_err(overridden)
    }

    /// The value of one key by its dotted path, as TOML would write it;
    /// `None` for an unknown key.
    pub fn get(&self, key: &str) -> Option<toml::Value> {
        let (section, name) = key.split_once('.')?;
        let tree = toml::Value::try_from(&self.inner).ok()?;
        tree.get(section)?.get(name).cloned()
    }

    /// The number of seeded replications a run makes
    /// (`simulation.replications`).
    pub fn replications(&self) -> u32 {
        self.inner.simulation.replications
    }

    /// The master seed (`simulation.seed`): replication k draws from
    /// streams derived from (seed, k).
    pub fn seed(&self) -> u64 {
        self.inner.simulation.seed
    }

    /// Every key with its value, as a TOML document with the defaults
    /// filled in (what a run's `config.toml` records). Parsing it back
    /// gives the same config.
    pub fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The plain struct, for the binary and the crate's own tests.
    #[doc(hidden)]
    pub fn as_plain(&self) -> &Plain {
        &self.inner
    }
}

impl TryFrom<Plain> for Config {
    type Error = ConfigError;

    /// Validates a plain struct (the binary's own type).
    fn try_from(inner: Plain) -> Result<Config, ConfigError> {
        inner.validate()?;
        Ok(Config { inner })
    }
}

/// Builds a [`Config`] from the defaults (or a given config) and a list of
/// keys to set; made by [`Config::builder`].
///
/// Unlike a sequence of [`Config::set`] calls, the keys are checked
/// together in [`ConfigBuilder::build`], so keys that depend on each other
/// (such as `simulation.burn_in_min_years` and `burn_in_max_years`) can be
/// set in any order.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ConfigBuilder {
    base: Config,
    changes: Vec<(String, toml::Value)>,
}

impl ConfigBuilder {
    /// Starts from `config` instead of the defaults.
    pub fn from(mut self, config: Config) -> ConfigBuilder {
        self.base = config;
        self
    }

    /// Sets one key by its dotted path (applied in order at build time).
    pub fn set(mut self, key: &str, value: impl Into<toml::Value>) -> ConfigBuilder {
        self.changes.push((key.to_string(), value.into()));
        self
    }

    /// Applies the keys and validates the result: the first unknown key,
    /// wrong type or range violation is the error.
    pub fn build(self) -> Result<Config, ConfigError> {
        let mut inner = self.base.inner;
        for (key, value) in self.changes {
            inner.apply(&key, value)?;
        }
        Config::try_from(inner).map_err(overridden)
    }
}

/// Names a value set from code as the error's origin.
fn overridden(mut e: ConfigError) -> ConfigError {
    e.origin = "<override>".into();
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issue's case: a latitude of 5 once ran through a pub field.
    #[test]
    fn out_of_range_set_is_refused_and_leaves_the_config() {
        let mut config = Config::default();
        let before = config.clone();
        let err = config.set("policy.latitude", 5.0).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("policy.latitude"));
        assert_eq!(config, before);
    }

    /// A value set from Rust gets the message the same value gets in a file.
    #[test]
    fn set_messages_match_the_file_path() {
        let cases: [(&str, toml::Value, &str); 4] = [
            ("policy.latitude", 5.0.into(), "[policy]\nlatitude = 5.0\n"),
            ("policy.staff", 0.into(), "[policy]\nstaff = 0\n"),
            (
                "policy.staff",
                "many".into(),
                "[policy]\nstaff = \"many\"\n",
            ),
            (
                "policy.service_approach",
                "fawning".into(),
                "[policy]\nservice_approach = \"fawning\"\n",
            ),
        ];
        for (key, value, text) in cases {
            let from_set = Config::default().set(key, value).unwrap_err();
            let from_file = Config::from_toml_str(text, "t.toml").unwrap_err();
            assert_eq!(from_set.key, from_file.key, "{key}");
            assert_eq!(from_set.message, from_file.message, "{key}");
        }
    }

    #[test]
    fn plain_values_of_every_kind_are_accepted() {
        let mut config = Config::default();
        config.set("policy.latitude", 0.25).unwrap();
        config.set("policy.staff", 7).unwrap();
        config.set("policy.staff", 8_i64).unwrap();
        config.set("simulation.seed", 11_u32).unwrap();
        config.set("policy.latitude", 1).unwrap();
        config
            .set("policy.service_approach", "customer_centric")
            .unwrap();
        assert_eq!(config.inner.policy.latitude, 1.0);
        assert_eq!(config.inner.policy.staff, 8);
        assert_eq!(config.seed(), 11);
        // No key holds a boolean today; one given is refused as in a file.
        let err = config.set("policy.latitude", true).unwrap_err();
        let file = Config::from_toml_str("[policy]\nlatitude = true\n", "t.toml").unwrap_err();
        assert_eq!(err.message, file.message);
    }

    #[test]
    fn builder_checks_keys_together() {
        // A minimum above the default maximum (12) would fail alone; with
        // the maximum raised after it, the two are fine together.
        let config = Config::builder()
            .set("simulation.burn_in_min_years", 20)
            .set("simulation.burn_in_max_years", 25)
            .build()
            .unwrap();
        assert_eq!(
            config.get("simulation.burn_in_min_years"),
            Some(toml::Value::Integer(20))
        );
        let err = Config::builder()
            .set("simulation.burn_in_min_years", 30)
            .set("simulation.burn_in_max_years", 1)
            .build()
            .unwrap_err();
        assert_eq!(err.key.as_deref(), Some("simulation.burn_in_min_years"));
        let err = Config::builder().set("policy.nope", 1).build().unwrap_err();
        assert_eq!(err.key.as_deref(), Some("policy.nope"));
    }

    #[test]
    fn try_from_a_plain_struct_validates() {
        let mut plain = Plain::default();
        plain.policy.latitude = 5.0;
        let err = Config::try_from(plain).unwrap_err();
        assert_eq!(err.key.as_deref(), Some("policy.latitude"));
    }

    #[test]
    fn to_toml_round_trips() {
        let mut config = Config::default();
        config.set("policy.latitude", 0.3).unwrap();
        let back = Config::from_toml_str(&config.to_toml(), "<round trip>").unwrap();
        assert_eq!(back, config);
    }
}
