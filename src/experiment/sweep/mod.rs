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

mod analysis;
mod design;
mod file;
mod run;
mod shard;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError};

pub use analysis::{zero_crossings, Analyser, Analysis, BestPoint, BreakEven, CurvePoint};
pub use run::{PointResult, PointsError};
pub use shard::{Shard, SLURM_TASK_ID};

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

impl Parameter {
    /// A study file's range `from` to `to` for the key `path` (written at
    /// `key` of `file`): both ends finite with `from` < `to`, and each a
    /// valid value of the key in `base` (rounded for a whole-number key).
    /// The parameter holds the two ends.
    pub fn range(
        base: &Config,
        file: &Path,
        key: &str,
        path: &str,
        integer: bool,
        (from, to): (f64, f64),
    ) -> Result<Parameter, ConfigError> {
        if !(from.is_finite() && to.is_finite() && from < to) {
            return Err(crate::input::key_error(
                file,
                &format!("{key}.to"),
                format!("expected `from` < `to`, found from = {from} and to = {to}"),
            ));
        }
        for (end, v) in [("from", from), ("to", to)] {
            let mut probe = base.clone();
            probe
                .set(
                    path,
                    toml::Value::Float(if integer { v.round() } else { v }),
                )
                .map_err(|e| crate::input::key_error(file, &format!("{key}.{end}"), e.message))?;
        }
        Ok(Parameter {
            path: path.to_string(),
            values: vec![from, to],
            integer,
        })
    }
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

/// Keys a sweep sets itself, which its points may not vary.
pub const CONTROLLED: [&str; 2] = ["simulation.seed", "simulation.replications"];

/// FNV-1a, 64 bit: a stable digest (std's hashers are not stable).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigError;

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
    fn a_retired_parameter_says_what_to_write_instead() {
        let (_d, sweep) =
            sweep_file("[parameters.\"market.online_pull\"]\nfrom = 0.02\nto = 0.06\nsteps = 2\n");
        let e = sweep.unwrap_err().to_string();
        assert!(e.contains("write `market.online_pull_per_year`"), "{e}");
        let (_d, sweep) =
            sweep_file("design = \"list\"\n[[points]]\n\"customer.defection_max\" = 0.02\n");
        let e = sweep.unwrap_err().to_string();
        assert!(e.contains("write `customer.defection_per_year`"), "{e}");
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
