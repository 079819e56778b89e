//! The files of a sensitivity folder beside the sweep machinery's
//! (`points.csv`, one row per evaluated sample, resumable and shardable
//! like a sweep's, and `manifest.json`): the indices and a summary.
//!
//! * `indices.csv`: one row per parameter, in the study's parameter order;
//!   Sobol: `parameter,S1,S1_ci_low,S1_ci_high,ST,ST_ci_low,ST_ci_high`;
//!   Morris: `parameter,mu,mu_star,mu_star_ci_low,mu_star_ci_high,sigma,
//!   sigma_ci_low,sigma_ci_high`.
//! * `indices-second-order.csv` (Sobol with `second_order = true`):
//!   `parameter_a,parameter_b,S2,S2_ci_low,S2_ci_high`.
//! * `sensitivity.json`: method, output, evaluations, the output's mean
//!   and variance, the replication noise and its share, the ranking.

use std::path::Path;

use serde::Serialize;

use crate::experiment::sensitivity::{Analysis, Indices, Study};
use crate::experiment::sweep::PointResult;

use super::sweep::{write_synced, POINTS_FILE};
use super::OutputError;

/// First-order and total indices (or Morris measures), one row per parameter.
pub const INDICES_FILE: &str = "indices.csv";
/// Second-order Sobol indices, one row per pair.
pub const SECOND_ORDER_FILE: &str = "indices-second-order.csv";
/// The study's summary.
pub const SUMMARY_FILE: &str = "sensitivity.json";

/// Header of [`INDICES_FILE`] for a method (newline-terminated).
pub fn indices_header(indices: &Indices) -> String {
    let (plain, with_ci): (&[&str], &[&str]) = match indices {
        Indices::Sobol(_) => (&[], &["S1", "ST"]),
        Indices::Morris(_) => (&["mu"], &["mu_star", "sigma"]),
    };
    let with_ci = with_ci.iter().flat_map(|n| {
        let [low, high] = super::columns::interval(n);
        [n.to_string(), low, high]
    });
    let names = std::iter::once("parameter".to_string())
        .chain(plain.iter().map(|n| n.to_string()))
        .chain(with_ci);
    super::csv::record(names.collect::<Vec<_>>())
}

fn indices_csv(a: &Analysis) -> String {
    let mut s = indices_header(&a.indices);
    for (j, name) in a.parameters.iter().enumerate() {
        let values: Vec<f64> = match &a.indices {
            Indices::Sobol(ix) => {
                let (s1, st) = (ix.s1[j], ix.st[j]);
                vec![
                    s1.value, s1.ci_low, s1.ci_high, st.value, st.ci_low, st.ci_high,
                ]
            }
            Indices::Morris(m) => {
                let m = m[j];
                vec![
                    m.mu,
                    m.mu_star.value,
                    m.mu_star.ci_low,
                    m.mu_star.ci_high,
                    m.sigma.value,
                    m.sigma.ci_low,
                    m.sigma.ci_high,
                ]
            }
        };
        s.push_str(name);
        for v in values {
            s.push(',');
            s.push_str(&v.to_string());
        }
        s.push('\n');
    }
    s
}

fn second_order_csv(a: &Analysis) -> Option<String> {
    let Indices::Sobol(ix) = &a.indices else {
        return None;
    };
    if ix.s2.is_empty() {
        return None;
    }
    let names = ["parameter_a", "parameter_b", "S2"].map(str::to_string);
    let mut s = super::csv::record(names.into_iter().chain(super::columns::interval("S2")));
    for (j, l, e) in &ix.s2 {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            a.parameters[*j], a.parameters[*l], e.value, e.ci_low, e.ci_high
        ));
    }
    Some(s)
}

#[derive(Serialize)]
struct Summary<'a> {
    kind: &'static str,
    method: &'static str,
    output: &'a str,
    /// Whether the output is the paired difference to the baseline.
    difference: bool,
    /// Overrides every sample runs with (the treatment).
    set: Vec<(String, String)>,
    baseline: Vec<(String, String)>,
    parameters: Vec<(String, f64, f64)>,
    evaluations: usize,
    replications: u32,
    seed: u64,
    bootstrap: u32,
    mean: f64,
    variance: f64,
    noise_variance: Option<f64>,
    noise_share: Option<f64>,
    ranking: Vec<String>,
}

/// Reads the evaluated samples of a finished study back, in point-id order.
pub fn read_points(dir: &Path, study: &Study) -> Result<Vec<PointResult>, OutputError> {
    super::best::read_rows(&dir.join(POINTS_FILE), &study.sweep)
}

/// Writes the indices and the summary of `analysis` into `dir`.
pub fn write(dir: &Path, study: &Study, analysis: &Analysis) -> Result<(), OutputError> {
    write_synced(&dir.join(INDICES_FILE), indices_csv(analysis).as_bytes())?;
    if let Some(s2) = second_order_csv(analysis) {
        write_synced(&dir.join(SECOND_ORDER_FILE), s2.as_bytes())?;
    }
    let finite = |v: f64| v.is_finite().then_some(v);
    let summary = Summary {
        kind: "sensitivity",
        method: study.method.name(),
        output: &study.output,
        difference: !study.sweep.baseline.is_empty(),
        set: study.set.clone(),
        baseline: study
            .sweep
            .baseline
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect(),
        parameters: analysis
            .parameters
            .iter()
            .zip(&study.ranges)
            .map(|(p, (a, b))| (p.clone(), *a, *b))
            .collect(),
        evaluations: study.unit_rows.len(),
        replications: study.sweep.replications,
        seed: study.sweep.seed,
        bootstrap: study.bootstrap,
        mean: analysis.mean,
        variance: analysis.variance,
        noise_variance: finite(analysis.noise_variance),
        noise_share: finite(analysis.noise_share()),
        ranking: analysis
            .ranking()
            .into_iter()
            .map(|j| analysis.parameters[j].clone())
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&summary).expect("plain data serialises");
    bytes.push(b'\n');
    write_synced(&dir.join(SUMMARY_FILE), &bytes)
}
