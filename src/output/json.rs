//! JSON exports: `summary.json` (the KPI table) and `manifest.json` (how
//! the run was made).
//!
//! Keys appear in a fixed order (KPIs in `KPI_DEFS` order, config sections
//! in file order) because the maps are serialised entry by entry, not
//! through a sorted map. Numbers are written by serde_json as the shortest
//! decimal that reads back to the same `f64`, which is deterministic; a
//! non-finite value (a KPI with no observations) becomes `null`.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::{OutputError, RunInfo, MANIFEST_FILE, RNG_NAME, SUMMARY_FILE, VERSION};
use crate::config::Config;
use crate::engine::KPI_DEFS;
use crate::experiment::RunResults;

/// Describes the run in both files.
#[derive(Serialize)]
struct Meta<'a> {
    tool: &'static str,
    version: &'static str,
    config_path: Option<String>,
    seed: u64,
    replications: usize,
    days: u32,
    burn_in: BurnInMeta,
    stores: u32,
    confidence_level: f64,
    note: &'a str,
}

impl<'a> Meta<'a> {
    fn new(results: &RunResults, info: &RunInfo<'_>) -> Meta<'a> {
        let sim = &info.config.simulation;
        Meta {
            tool: "effectchain",
            version: VERSION,
            config_path: info.config_path.map(|p| p.display().to_string()),
            seed: results.seed,
            replications: results.replications.len(),
            days: sim.days,
            burn_in: BurnInMeta::new(results, sim),
            stores: info.config.chain.stores,
            confidence_level: 0.95,
            note: "KPIs cover the measured days after the burn-in; money is in EUR over that \
                   window; ci_low/ci_high bound the mean across replications (Student's t)",
        }
    }
}

/// How the replications' burn-ins ended (docs/MODEL.md, Burn-in).
#[derive(Serialize)]
struct BurnInMeta {
    criterion: &'static str,
    min_years: u32,
    max_years: u32,
    tolerance: f64,
    replications_settled: usize,
    replications_unsettled: usize,
    mean_days: f64,
    max_days: u32,
    /// With `simulation.shared_burn_in`, the shared design
    /// (`engine::SHARED_BURN_IN`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    shared: Option<&'static str>,
}

impl BurnInMeta {
    fn new(results: &RunResults, sim: &crate::config::Simulation) -> BurnInMeta {
        let reps = &results.replications;
        let settled = reps.iter().filter(|r| r.burn_in.settled).count();
        let days: Vec<u32> = reps.iter().map(|r| r.burn_in.days).collect();
        BurnInMeta {
            criterion: crate::engine::SETTLE_CRITERION,
            min_years: sim.burn_in_min_years,
            max_years: sim.burn_in_max_years,
            tolerance: sim.settle_tolerance,
            replications_settled: settled,
            replications_unsettled: reps.len() - settled,
            mean_days: if days.is_empty() {
                0.0
            } else {
                days.iter().map(|&d| f64::from(d)).sum::<f64>() / days.len() as f64
            },
            max_days: days.iter().copied().max().unwrap_or(0),
            shared: shared_burn_in(sim),
        }
    }
}

/// The shared burn-in's design when the config asks for one.
pub(super) fn shared_burn_in(sim: &crate::config::Simulation) -> Option<&'static str> {
    sim.shared_burn_in.then_some(crate::engine::SHARED_BURN_IN)
}

#[derive(Serialize)]
struct KpiEntry {
    unit: &'static str,
    description: &'static str,
    mean: f64,
    sd: f64,
    ci_low: f64,
    ci_high: f64,
    n: usize,
}

/// The KPI map, serialised in `KPI_DEFS` order.
struct KpiMap<'a>(&'a RunResults);

impl Serialize for KpiMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(KPI_DEFS.len()))?;
        for (def, s) in KPI_DEFS.iter().zip(&self.0.kpis) {
            map.serialize_entry(
                def.name,
                &KpiEntry {
                    unit: def.unit,
                    description: def.doc,
                    mean: s.mean,
                    sd: s.sd,
                    ci_low: s.ci_low,
                    ci_high: s.ci_high,
                    n: s.n,
                },
            )?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    meta: Meta<'a>,
    kpis: KpiMap<'a>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    rng: &'static str,
    command_line: &'a [String],
    config_path: Option<String>,
    seed: u64,
    replications: usize,
    files: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared_burn_in: Option<&'static str>,
    config: &'a Config,
    config_toml: String,
}

/// `summary.json`: `{"meta": {...}, "kpis": {name: {unit, description,
/// mean, sd, ci_low, ci_high, n}}}`.
pub fn summary(results: &RunResults, info: &RunInfo<'_>) -> Result<Vec<u8>, OutputError> {
    to_pretty(
        SUMMARY_FILE,
        &Summary {
            meta: Meta::new(results, info),
            kpis: KpiMap(results),
        },
    )
}

/// `manifest.json`: version, generator, recorded command line, config path,
/// seed, replications, and the resolved config both as a JSON object and as
/// TOML text (loadable with `effectchain run`).
pub fn manifest(results: &RunResults, info: &RunInfo<'_>) -> Result<Vec<u8>, OutputError> {
    to_pretty(
        MANIFEST_FILE,
        &Manifest {
            tool: "effectchain",
            version: VERSION,
            rng: RNG_NAME,
            command_line: info.command_line,
            config_path: info.config_path.map(|p| p.display().to_string()),
            seed: results.seed,
            replications: results.replications.len(),
            files: super::files(info.config),
            shared_burn_in: shared_burn_in(&info.config.simulation),
            config: info.config,
            config_toml: info.config.to_toml(),
        },
    )
}

fn to_pretty<T: Serialize>(file: &'static str, value: &T) -> Result<Vec<u8>, OutputError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| OutputError::Render {
        file,
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
