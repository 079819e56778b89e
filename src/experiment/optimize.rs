//! The best policy: a search over policy levers that refines around the
//! best region, and the set of points statistically tied with its winner.
//!
//! ```toml
//! base = "../seed003-online-rival.toml"  # relative to this file
//! objective = "profit_difference"         # default; or a KPI name to maximise
//! replications = 6                        # per point, common random numbers
//! seed = 3                                # default: the base config's seed
//! rounds = 3                              # the coarse design, then 2 refinements
//! design = "grid"                         # grid (steps per lever) | latin_hypercube (points)
//! steps = 5
//! shrink = 0.5                            # each round's box is this share of the last's
//! finalists = 6                           # best points re-evaluated at the end
//! final_replications = 12                 # their fresh replications
//! [levers."policy.latitude"]
//! from = 0.0
//! to = 1.0
//! [baseline]                              # optional; default: the base config's
//! "policy.latitude" = 0.2                 # values of the levers
//! ```
//!
//! **Search.** Round 1 lays a coarse design over the levers' whole ranges
//! (a grid of `steps` values per lever, or a Latin hypercube of `points`,
//! seeded from [`crate::rng`] and so portable). Every later round lays the
//! same design over a box `shrink` times as wide (in every lever) as the
//! last round's, centred on the best point found so far and shifted, not
//! cut, to stay inside the ranges. Points already evaluated are not run
//! again. Every round is a list-design [`Sweep`] ([`Sweep::of_rows`]), so
//! its points run in parallel, stream to its `points.csv` and resume; all
//! rounds use the same seed, so every point's replication k shares the
//! random streams of (seed, k) with every other point and with the
//! baseline (common random numbers), and the rounds' means are comparable.
//!
//! **Winner's curse.** The highest of many noisy means is biased upwards,
//! and the point that wins the search is partly the luckiest. The
//! `finalists` best points of the search are therefore evaluated again on
//! `final_replications` fresh replications, from a seed no round used
//! ([`final_seed`]), and only those values decide the best point and its
//! ties: the best is the finalist with the highest fresh mean, and the
//! others are compared with it by the paired, Holm-corrected tests of
//! [`super::best`] (for the profit difference it is
//! [`super::best::analyse`] itself).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError};
use crate::engine::{replicate, Start, KPI_DEFS};
use crate::input;
use crate::rng::{Purpose, Stream};

use super::best::{self, Best, Candidate, ALPHA, METHOD};
use super::stats::{t_sf, Stats};
use super::sweep::{fnv1a, Parameter, PointResult, Sweep, SweepSource, DEFAULT_KPIS};

/// The default objective: the paired profit difference to the baseline.
pub const PROFIT_DIFFERENCE: &str = "profit_difference";
/// Most rounds.
pub const MAX_ROUNDS: u32 = 20;
/// Most points one round may lay out.
pub const MAX_ROUND_POINTS: u64 = 10_000;
/// Most finalists.
pub const MAX_FINALISTS: u32 = 1_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOptimize {
    base: PathBuf,
    objective: Option<String>,
    replications: u32,
    seed: Option<u64>,
    rounds: Option<u32>,
    design: Option<String>,
    steps: Option<u64>,
    points: Option<u64>,
    shrink: Option<f64>,
    finalists: Option<u32>,
    final_replications: Option<u32>,
    final_seed: Option<u64>,
    #[serde(default)]
    levers: BTreeMap<String, RawRange>,
    #[serde(default)]
    baseline: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: f64,
    to: f64,
}

/// How a round lays out its points inside its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundDesign {
    /// `steps` evenly spaced values per lever, box ends included, every
    /// combination.
    Grid { steps: u64 },
    /// `points` points stratified in every lever.
    LatinHypercube { points: u64 },
}

impl RoundDesign {
    /// Points one round lays out (before the already evaluated are dropped).
    pub fn points(&self, levers: usize) -> u64 {
        match *self {
            RoundDesign::Grid { steps } => (0..levers).fold(1u64, |a, _| a.saturating_mul(steps)),
            RoundDesign::LatinHypercube { points } => points,
        }
    }
}

/// The search's geometry, independent of the simulator (so that it can be
/// tested on an analytic function).
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// `(from, to)` of every lever.
    pub ranges: Vec<(f64, f64)>,
    /// Whether each lever takes whole numbers.
    pub integer: Vec<bool>,
    pub design: RoundDesign,
    pub rounds: u32,
    pub shrink: f64,
    pub seed: u64,
}

/// One evaluated point of the search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluated {
    /// 1-based round.
    pub round: u32,
    pub values: Vec<f64>,
    /// Mean objective and its 95% interval.
    pub objective: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The index of the highest objective (the earliest among equals).
fn best_index(evaluated: &[Evaluated]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, e) in evaluated.iter().enumerate() {
        if best.is_none_or(|b| e.objective > evaluated[b].objective) {
            best = Some(i);
        }
    }
    best
}

impl Search {
    /// The box of `round` (1-based): the whole ranges for round 1, then
    /// `shrink^(round-1)` of their widths centred on `centre`, shifted to
    /// lie inside the ranges.
    pub fn bounds(&self, round: u32, centre: Option<&[f64]>) -> Vec<(f64, f64)> {
        let factor = self.shrink.powi(round.saturating_sub(1) as i32);
        self.ranges
            .iter()
            .enumerate()
            .map(|(j, &(lo, hi))| match centre {
                Some(c) if round > 1 => {
                    let w = (hi - lo) * factor;
                    let start = (c[j] - w / 2.0).clamp(lo, hi - w);
                    (start, start + w)
                }
                _ => (lo, hi),
            })
            .collect()
    }

    /// The points of `round` inside `bounds`, whole numbers rounded, those
    /// in `seen` (and repeats) dropped, in design order.
    pub fn rows(&self, round: u32, bounds: &[(f64, f64)], seen: &[Vec<f64>]) -> Vec<Vec<f64>> {
        let k = bounds.len();
        let unit: Vec<Vec<f64>> = match self.design {
            RoundDesign::Grid { steps } => {
                let n = self.design.points(k);
                (0..n)
                    .map(|id| {
                        let mut rest = id;
                        let mut u = vec![0.0; k];
                        for slot in u.iter_mut().rev() {
                            let i = rest % steps;
                            rest /= steps;
                            *slot = if steps == 1 {
                                0.5
                            } else {
                                i as f64 / (steps - 1) as f64
                            };
                        }
                        u
                    })
                    .collect()
            }
            RoundDesign::LatinHypercube { points } => {
                // One permutation of the strata per lever, and one position
                // inside its stratum per point and lever, from streams of
                // (seed, round): portable and independent of thread count.
                let mut rng =
                    Stream::new(self.seed, u64::MAX - u64::from(round), 0, Purpose::Design);
                let perms: Vec<Vec<u64>> = (0..k)
                    .map(|_| {
                        let mut p: Vec<u64> = (0..points).collect();
                        for i in (1..p.len()).rev() {
                            let j = rng.index(i + 1);
                            p.swap(i, j);
                        }
                        p
                    })
                    .collect();
                (0..points as usize)
                    .map(|i| {
                        perms
                            .iter()
                            .map(|p| (p[i] as f64 + rng.uniform()) / points as f64)
                            .collect()
                    })
                    .collect()
            }
        };
        let mut rows: Vec<Vec<f64>> = Vec::new();
        for u in unit {
            let row: Vec<f64> = u
                .iter()
                .zip(bounds)
                .zip(&self.integer)
                .map(|((u, &(lo, hi)), &int)| {
                    let v = lo + (hi - lo) * u;
                    if int {
                        v.round()
                    } else {
                        v
                    }
                })
                .collect();
            let same = |r: &Vec<f64>| r.iter().zip(&row).all(|(a, b)| a.to_bits() == b.to_bits());
            if !seen.iter().any(same) && !rows.iter().any(same) {
                rows.push(row);
            }
        }
        rows
    }

    /// Runs the search: `eval(round, box, rows)` evaluates one round's rows
    /// and returns, per row, the mean objective and its 95% interval.
    pub fn run<E>(
        &self,
        mut eval: impl FnMut(u32, &[(f64, f64)], &[Vec<f64>]) -> Result<RoundResults, E>,
    ) -> Result<Vec<Evaluated>, E> {
        let mut evaluated: Vec<Evaluated> = Vec::new();
        for round in 1..=self.rounds {
            let centre = best_index(&evaluated).map(|i| evaluated[i].values.clone());
            let bounds = self.bounds(round, centre.as_deref());
            let seen: Vec<Vec<f64>> = evaluated.iter().map(|e| e.values.clone()).collect();
            let rows = self.rows(round, &bounds, &seen);
            let results = eval(round, &bounds, &rows)?;
            for (values, (objective, ci_low, ci_high)) in rows.into_iter().zip(results) {
                evaluated.push(Evaluated {
                    round,
                    values,
                    objective,
                    ci_low,
                    ci_high,
                });
            }
        }
        Ok(evaluated)
    }
}

/// The `n` best evaluated points, highest objective first (earlier first
/// among equals).
pub fn finalists(evaluated: &[Evaluated], n: usize) -> Vec<Evaluated> {
    let mut order: Vec<usize> = (0..evaluated.len()).collect();
    order.sort_by(|&a, &b| {
        evaluated[b]
            .objective
            .total_cmp(&evaluated[a].objective)
            .then(a.cmp(&b))
    });
    order
        .into_iter()
        .take(n)
        .map(|i| evaluated[i].clone())
        .collect()
}

/// The seed of the finalists' fresh replications when the file names
/// none: a digest of the search seed, so no round's replication shares
/// its streams.
pub fn final_seed(seed: u64) -> u64 {
    fnv1a(format!("effectchain optimize final {seed}").as_bytes()) & (i64::MAX as u64)
}

/// One candidate's test against the best: `None` for the best itself,
/// else its one-sided p-value and whether it is tied after Holm.
pub type Tested = Option<(f64, bool)>;

/// The mean objective and the 95% interval of each row of a round.
pub type RoundResults = Vec<(f64, f64, f64)>;

/// The best of `samples` (per candidate, its per-replication objective
/// values, paired by replication across candidates) and its ties: every
/// other candidate is compared with the best by a one-sided paired t-test,
/// and the family is corrected by Holm's step-down procedure
/// ([`best::holm`]) at [`ALPHA`]. Returns the best's index and, per
/// candidate, `None` for the best, `Some((p, tied))` for the others.
pub fn paired_ties(samples: &[Vec<f64>]) -> Option<(usize, Vec<Tested>)> {
    if samples.len() < 2 || samples.iter().any(|s| s.len() < 2) {
        return None;
    }
    let means: Vec<f64> = samples.iter().map(|s| Stats::of(s).mean).collect();
    let mut b = 0;
    for (i, m) in means.iter().enumerate() {
        if *m > means[b] {
            b = i;
        }
    }
    let n = samples[b].len();
    let df = (n - 1) as f64;
    let p: Vec<f64> = samples
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != b)
        .map(|(_, s)| {
            let gaps: Vec<f64> = samples[b].iter().zip(s).map(|(x, y)| x - y).collect();
            let st = Stats::of(&gaps);
            if st.sd > 0.0 {
                t_sf(st.mean / (st.sd / (n as f64).sqrt()), df)
            } else if st.mean > 0.0 {
                0.0
            } else {
                1.0
            }
        })
        .collect();
    let rejected = best::holm(&p, ALPHA);
    let mut out = Vec::with_capacity(samples.len());
    let mut t = 0;
    for i in 0..samples.len() {
        if i == b {
            out.push(None);
        } else {
            out.push(Some((p[t], !rejected[t])));
            t += 1;
        }
    }
    Some((b, out))
}

/// A validated optimize file.
#[derive(Debug, Clone)]
pub struct Optimization {
    pub file: PathBuf,
    pub base: Config,
    /// The levers, as sweep parameters (`values` holds the range ends).
    pub levers: Vec<Parameter>,
    /// `profit_difference` or a KPI name.
    pub objective: String,
    /// The KPI behind the objective (`profit` for the difference).
    pub kpi: String,
    /// The baseline overrides (profit difference only).
    pub baseline: BTreeMap<String, toml::Value>,
    pub replications: u32,
    pub seed: u64,
    pub search: Search,
    pub finalists: u32,
    pub final_replications: u32,
    pub final_seed: u64,
    /// Digest of the file, its base config and the crate version.
    pub fingerprint: String,
    pub source: SweepSource,
}

const REPLICATIONS_RANGE: &str = "a whole number from 2 to 1,000,000";
const SEED_RANGE: &str = "a whole number from 0 to 9,223,372,036,854,775,807";
const ROUNDS_RANGE: &str = "a whole number from 1 to 20";
const STEPS_RANGE: &str = "a whole number from 2 to 10,000 (steps per lever, so that one round has at most 10,000 points)";
const POINTS_RANGE: &str = "a whole number from 2 to 10,000";
const SHRINK_RANGE: &str = "a number above 0 and below 1";
const FINALISTS_RANGE: &str = "a whole number from 2 to 1,000";

fn range_of(key: &str) -> Option<String> {
    match key {
        "replications" | "final_replications" => Some(REPLICATIONS_RANGE.into()),
        "seed" | "final_seed" => Some(SEED_RANGE.into()),
        "rounds" => Some(ROUNDS_RANGE.into()),
        "steps" => Some(STEPS_RANGE.into()),
        "points" => Some(POINTS_RANGE.into()),
        "shrink" => Some(SHRINK_RANGE.into()),
        "finalists" => Some(FINALISTS_RANGE.into()),
        k if k.ends_with(".from") || k.ends_with(".to") => Some("a number".into()),
        _ => None,
    }
}

/// The numeric policy keys of `config` with whether each is whole.
pub fn policy_levers(config: &Config) -> Vec<(String, bool)> {
    config
        .params()
        .into_iter()
        .filter(|p| p.section == "policy")
        .map(|p| (p.path(), p.integer))
        .collect()
}

impl Optimization {
    /// Reads and validates an optimize file; errors name the file,
    /// line:column and key, and the valid range in words.
    pub fn from_file(file: &Path) -> Result<Optimization, ConfigError> {
        input::read_study_file(file, "optimize file", |text| {
            Optimization::parse(file, text)
        })
    }

    fn parse(file: &Path, text: &str) -> Result<Optimization, ConfigError> {
        let raw: RawOptimize = input::parse_toml(text, &file.display().to_string(), &range_of)?;
        let base_path = file.parent().unwrap_or(Path::new(".")).join(&raw.base);
        let (base, base_text) = input::read_base_config(file, &base_path)?;
        let check = |key: &str, ok: bool, range: &str, found: String| {
            if ok {
                Ok(())
            } else {
                Err(input::key_error(
                    file,
                    key,
                    format!("expected {range}, found {found}"),
                ))
            }
        };
        let max_reps = input::MAX_REPLICATIONS;
        check(
            "replications",
            (2..=max_reps).contains(&u64::from(raw.replications)),
            REPLICATIONS_RANGE,
            raw.replications.to_string(),
        )?;
        let final_replications = raw.final_replications.unwrap_or(raw.replications);
        check(
            "final_replications",
            (2..=max_reps).contains(&u64::from(final_replications)),
            REPLICATIONS_RANGE,
            final_replications.to_string(),
        )?;
        for (key, seed) in [("seed", raw.seed), ("final_seed", raw.final_seed)] {
            if let Some(s) = seed {
                check(key, s <= i64::MAX as u64, SEED_RANGE, s.to_string())?;
            }
        }
        let rounds = raw.rounds.unwrap_or(3);
        check(
            "rounds",
            (1..=MAX_ROUNDS).contains(&rounds),
            ROUNDS_RANGE,
            rounds.to_string(),
        )?;
        let shrink = raw.shrink.unwrap_or(0.5);
        check(
            "shrink",
            shrink > 0.0 && shrink < 1.0,
            SHRINK_RANGE,
            shrink.to_string(),
        )?;
        let finalists = raw.finalists.unwrap_or(8);
        check(
            "finalists",
            (2..=MAX_FINALISTS).contains(&finalists),
            FINALISTS_RANGE,
            finalists.to_string(),
        )?;
        // Levers: numeric policy keys only.
        let valid = policy_levers(&base);
        let valid_words = valid
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if raw.levers.is_empty() {
            return Err(input::key_error(
                file,
                "levers",
                format!("name at least one lever with `from` and `to`: one of {valid_words}"),
            ));
        }
        let mut levers = Vec::new();
        for (path, r) in &raw.levers {
            let key = format!("levers.\"{path}\"");
            let Some(&(_, integer)) = valid.iter().find(|(p, _)| p == path) else {
                return Err(input::key_error(
                    file,
                    &key,
                    format!(
                        "`{}` is not a policy lever; optimize varies only the numeric policy keys: {valid_words}",
                        input::quote(path)
                    ),
                ));
            };
            levers.push(Parameter::range(
                &base,
                file,
                &key,
                path,
                integer,
                (r.from, r.to),
            )?);
        }
        let k = levers.len();
        let design = match raw.design.as_deref().unwrap_or("grid") {
            "grid" => {
                if raw.points.is_some() {
                    return Err(input::key_error(
                        file,
                        "points",
                        "is not used by design = \"grid\" (it takes `steps`); remove it".into(),
                    ));
                }
                let steps = raw.steps.unwrap_or(5);
                let d = RoundDesign::Grid { steps };
                check(
                    "steps",
                    steps >= 2 && d.points(k) <= MAX_ROUND_POINTS,
                    STEPS_RANGE,
                    format!("{steps} ({} points a round)", input::group(d.points(k))),
                )?;
                d
            }
            "latin_hypercube" => {
                if raw.steps.is_some() {
                    return Err(input::key_error(
                        file,
                        "steps",
                        "is not used by design = \"latin_hypercube\" (it takes `points`); remove it"
                            .into(),
                    ));
                }
                let points = raw.points.ok_or_else(|| {
                    input::key_error(
                        file,
                        "points",
                        format!("design = \"latin_hypercube\" needs `points`: {POINTS_RANGE}"),
                    )
                })?;
                check(
                    "points",
                    (2..=MAX_ROUND_POINTS).contains(&points),
                    POINTS_RANGE,
                    points.to_string(),
                )?;
                RoundDesign::LatinHypercube { points }
            }
            other => {
                return Err(input::key_error(
                    file,
                    "design",
                    format!(
                        "expected `grid` or `latin_hypercube`, found `{}`",
                        input::quote(other)
                    ),
                ))
            }
        };
        let objective = raw
            .objective
            .clone()
            .unwrap_or_else(|| PROFIT_DIFFERENCE.into());
        let kpi = if objective == PROFIT_DIFFERENCE {
            "profit".to_string()
        } else if KPI_DEFS.iter().any(|d| d.name == objective) {
            objective.clone()
        } else {
            return Err(input::key_error(
                file,
                "objective",
                format!(
                    "expected `{PROFIT_DIFFERENCE}` or a KPI name such as `profit` (see docs/MODEL.md), found `{}`",
                    input::quote(&objective)
                ),
            ));
        };
        let baseline = if objective == PROFIT_DIFFERENCE {
            if raw.baseline.is_empty() {
                // The base policy: the base config's value of every lever.
                let current: BTreeMap<String, f64> = base
                    .params()
                    .into_iter()
                    .map(|p| (p.path(), p.value))
                    .collect();
                levers
                    .iter()
                    .map(|l| {
                        let v = current[&l.path];
                        let value = if l.integer {
                            toml::Value::Integer(v.round() as i64)
                        } else {
                            toml::Value::Float(v)
                        };
                        (l.path.clone(), value)
                    })
                    .collect()
            } else {
                for (key, value) in &raw.baseline {
                    let name = format!("baseline.\"{key}\"");
                    if !valid.iter().any(|(p, _)| p == key) {
                        return Err(input::key_error(
                            file,
                            &name,
                            format!(
                                "`{}` is not a policy lever; the baseline is a policy: {valid_words}",
                                input::quote(key)
                            ),
                        ));
                    }
                    let mut probe = base.clone();
                    probe
                        .set(key, value.clone())
                        .map_err(|e| input::key_error(file, &name, e.message))?;
                }
                raw.baseline.clone()
            }
        } else {
            if !raw.baseline.is_empty() {
                return Err(input::key_error(
                    file,
                    "baseline",
                    format!("is used only by objective = \"{PROFIT_DIFFERENCE}\"; remove it"),
                ));
            }
            BTreeMap::new()
        };
        let seed = raw.seed.unwrap_or(base.simulation.seed);
        let final_seed_value = raw.final_seed.unwrap_or_else(|| final_seed(seed));
        if final_seed_value == seed {
            return Err(input::key_error(
                file,
                "final_seed",
                "must differ from `seed`: the finalists are re-evaluated on fresh replications"
                    .into(),
            ));
        }
        let fingerprint = format!(
            "{:016x}",
            fnv1a(format!("{text}\u{0}{base_text}\u{0}{}", env!("CARGO_PKG_VERSION")).as_bytes())
        );
        let search = Search {
            ranges: levers.iter().map(|l| (l.values[0], l.values[1])).collect(),
            integer: levers.iter().map(|l| l.integer).collect(),
            design,
            rounds,
            shrink,
            seed,
        };
        let opt = Optimization {
            file: file.to_path_buf(),
            base,
            levers,
            objective,
            kpi,
            baseline,
            replications: raw.replications,
            seed,
            search,
            finalists,
            final_replications,
            final_seed: final_seed_value,
            fingerprint,
            source: SweepSource {
                text: text.to_string(),
                base_file: raw.base.clone(),
                base_text,
            },
        };
        // The levers' extremes are checked as configs (validity, memory)
        // before anything runs.
        opt.round_sweep(0, opt.extremes())?;
        Ok(opt)
    }

    /// Every lever at its lowest, and every lever at its highest (whole
    /// numbers rounded): the points that bound a run's memory.
    fn extremes(&self) -> Vec<Vec<f64>> {
        [0, 1]
            .iter()
            .map(|&e| {
                self.levers
                    .iter()
                    .map(|l| {
                        if l.integer {
                            l.values[e].round()
                        } else {
                            l.values[e]
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn kpis(&self, all: bool) -> Vec<String> {
        let mut kpis: Vec<String> = if all {
            DEFAULT_KPIS.iter().map(|k| k.to_string()).collect()
        } else {
            Vec::new()
        };
        if !kpis.contains(&self.kpi) {
            kpis.insert(0, self.kpi.clone());
        }
        kpis
    }

    /// The sweep of one round's rows (`round` 1-based; 0 only checks).
    pub fn round_sweep(&self, round: u32, rows: Vec<Vec<f64>>) -> Result<Sweep, ConfigError> {
        Sweep::of_rows(
            &self.file,
            self.base.clone(),
            self.replications,
            self.seed,
            self.levers.clone(),
            rows,
            self.kpis(false),
            self.baseline.clone(),
            format!("{}-round-{round}", self.fingerprint),
            self.source.clone(),
        )
    }

    /// The sweep that re-evaluates the finalists on fresh replications.
    pub fn final_sweep(&self, rows: Vec<Vec<f64>>) -> Result<Sweep, ConfigError> {
        Sweep::of_rows(
            &self.file,
            self.base.clone(),
            self.final_replications,
            self.final_seed,
            self.levers.clone(),
            rows,
            self.kpis(true),
            self.baseline.clone(),
            format!("{}-final", self.fingerprint),
            self.source.clone(),
        )
    }

    /// A row's objective: its mean and 95% interval.
    pub fn objective_of(&self, sweep: &Sweep, row: &PointResult) -> (f64, f64, f64) {
        let i = sweep
            .kpis
            .iter()
            .position(|k| *k == self.kpi)
            .expect("the objective's KPI is kept");
        let s = match &row.differences {
            Some(d) => d[i],
            None => row.kpis[i],
        };
        (s.mean, s.ci_low, s.ci_high)
    }

    /// The best finalist and its ties, from the final sweep's rows (in
    /// point-id order). The profit difference is ranked by
    /// [`best::analyse`]; a KPI by the same paired Holm-corrected tests on
    /// its per-replication values (run again: a point's replication k is
    /// a function of the sweep, the point and k alone).
    pub fn rank(&self, sweep: &Sweep, rows: &[PointResult]) -> Option<Best> {
        if !self.baseline.is_empty() {
            return best::analyse(sweep, rows);
        }
        let index = KPI_DEFS.iter().position(|d| d.name == self.kpi)?;
        let samples: Vec<Vec<f64>> = rows
            .par_iter()
            .map(|r| {
                let (config, _) = sweep.configs(&r.values).expect("checked on load");
                let start = Start::of(&config, sweep.seed);
                (0..u64::from(sweep.replications))
                    .into_par_iter()
                    .map(|k| replicate(&config, &start, sweep.seed, k).kpis.values()[index])
                    .collect()
            })
            .collect();
        let (b, tests) = paired_ties(&samples)?;
        let stats: Vec<Stats> = samples.iter().map(|s| Stats::of(s)).collect();
        let candidate = |i: usize, p: Option<f64>| Candidate {
            point_id: rows[i].id,
            values: rows[i].values.clone(),
            mean: stats[i].mean,
            ci_low: stats[i].ci_low,
            ci_high: stats[i].ci_high,
            gap: stats[b].mean - stats[i].mean,
            p_value: p,
        };
        let mut tied = vec![candidate(b, None)];
        let mut worse = 0;
        for (i, t) in tests.iter().enumerate() {
            if let Some((p, is_tied)) = t {
                if *is_tied {
                    tied.push(candidate(i, Some(*p)));
                } else {
                    worse += 1;
                }
            }
        }
        tied[1..].sort_by(|a, b| b.mean.total_cmp(&a.mean).then(a.point_id.cmp(&b.point_id)));
        Some(Best {
            kpi: self.kpi.clone(),
            parameters: self.levers.iter().map(|l| l.path.clone()).collect(),
            replications: sweep.replications,
            alpha: ALPHA,
            method: METHOD.replace("profit differences", "KPI values"),
            best: candidate(b, None),
            tied,
            worse,
            rerun: rows.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(ranges: Vec<(f64, f64)>, integer: Vec<bool>, design: RoundDesign) -> Search {
        Search {
            ranges,
            integer,
            design,
            rounds: 4,
            shrink: 0.5,
            seed: 7,
        }
    }

    /// Evaluates `f` with noise of sd `noise` (seeded, per round and row).
    #[allow(clippy::type_complexity)]
    fn noisy(
        f: impl Fn(&[f64]) -> f64,
        noise: f64,
    ) -> impl FnMut(u32, &[(f64, f64)], &[Vec<f64>]) -> Result<RoundResults, ()> {
        move |round, _, rows| {
            let mut rng = Stream::new(11, u64::from(round), 0, Purpose::Design);
            Ok(rows
                .iter()
                .map(|r| {
                    let y = f(r) + noise * rng.normal();
                    (y, y - 1.0, y + 1.0)
                })
                .collect())
        }
    }

    #[test]
    fn grid_search_refines_onto_a_noisy_optimum() {
        let s = search(
            vec![(0.0, 1.0)],
            vec![false],
            RoundDesign::Grid { steps: 5 },
        );
        let all = s
            .run(noisy(|x| -(x[0] - 0.37).powi(2), 1e-4))
            .expect("no error");
        let best = &all[best_index(&all).unwrap()];
        // Round 4's grid spacing is 1/32: the best lies within half of it.
        assert!(
            (best.values[0] - 0.37).abs() <= 1.0 / 64.0 + 1e-9,
            "{best:?}"
        );
        assert_eq!(all.iter().map(|e| e.round).max(), Some(4));
        // No point is evaluated twice.
        for (i, a) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|b| b.values != a.values));
        }
    }

    #[test]
    fn latin_hypercube_search_finds_a_two_lever_optimum_with_a_whole_lever() {
        let s = Search {
            rounds: 6,
            ..search(
                vec![(0.0, 1.0), (2.0, 20.0)],
                vec![false, true],
                RoundDesign::LatinHypercube { points: 12 },
            )
        };
        let all = s
            .run(noisy(
                |x| -(x[0] - 0.7).powi(2) - ((x[1] - 13.0) / 18.0).powi(2),
                1e-4,
            ))
            .expect("no error");
        let best = &all[best_index(&all).unwrap()];
        assert!((best.values[0] - 0.7).abs() < 0.06, "{best:?}");
        assert!((best.values[1] - 13.0).abs() <= 1.0, "{best:?}");
        assert!(all.iter().all(|e| e.values[1].fract() == 0.0));
    }

    #[test]
    fn latin_hypercube_rows_fill_every_stratum_once() {
        let s = search(
            vec![(0.0, 1.0), (10.0, 20.0), (-1.0, 1.0)],
            vec![false; 3],
            RoundDesign::LatinHypercube { points: 9 },
        );
        let bounds = s.bounds(1, None);
        let rows = s.rows(1, &bounds, &[]);
        assert_eq!(rows.len(), 9);
        for (j, &(lo, hi)) in bounds.iter().enumerate() {
            let mut strata: Vec<usize> = rows
                .iter()
                .map(|r| ((r[j] - lo) / (hi - lo) * 9.0).floor() as usize)
                .collect();
            strata.sort();
            assert_eq!(strata, (0..9).collect::<Vec<_>>());
        }
        // Seeded: the same rows again, other rows with another seed.
        assert_eq!(rows, s.rows(1, &bounds, &[]));
        let other = Search {
            seed: 8,
            ..s.clone()
        };
        assert_ne!(rows, other.rows(1, &bounds, &[]));
    }

    #[test]
    fn boxes_shrink_around_the_centre_and_stay_inside_the_ranges() {
        let s = search(
            vec![(0.0, 1.0), (0.0, 10.0)],
            vec![false; 2],
            RoundDesign::Grid { steps: 3 },
        );
        assert_eq!(
            s.bounds(1, Some(&[0.5, 5.0])),
            vec![(0.0, 1.0), (0.0, 10.0)]
        );
        assert_eq!(
            s.bounds(2, Some(&[0.5, 5.0])),
            vec![(0.25, 0.75), (2.5, 7.5)]
        );
        // Near an end the box is shifted, keeping its width.
        assert_eq!(
            s.bounds(3, Some(&[0.95, 0.0])),
            vec![(0.75, 1.0), (0.0, 2.5)]
        );
        // A grid round drops what was seen.
        let seen = vec![vec![0.25, 2.5]];
        let rows = s.rows(2, &s.bounds(2, Some(&[0.5, 5.0])), &seen);
        assert_eq!(rows.len(), 8);
        assert!(!rows.contains(&seen[0]));
    }

    #[test]
    fn paired_ties_keep_the_equal_and_reject_the_worse() {
        let mut rng = Stream::new(5, 0, 0, Purpose::Design);
        // Common random numbers: a shared per-replication term of sd 50,
        // small own noise; A and B are equal in truth, C is 10 worse.
        let shared: Vec<f64> = (0..30).map(|_| 50.0 * rng.normal()).collect();
        let own = |rng: &mut Stream, shift: f64| -> Vec<f64> {
            shared.iter().map(|s| s + shift + rng.normal()).collect()
        };
        let samples = vec![
            own(&mut rng, 0.0),
            own(&mut rng, 100.0),
            own(&mut rng, 100.0),
            own(&mut rng, 90.0),
        ];
        let (b, tests) = paired_ties(&samples).expect("enough data");
        assert!(b == 1 || b == 2, "best {b}");
        let other = 3 - b;
        assert_eq!(tests[b], None);
        assert!(tests[other].expect("tested").1, "equal point tied");
        assert!(!tests[0].expect("tested").1, "100 worse is not tied");
        assert!(
            !tests[3].expect("tested").1,
            "10 worse is not tied: the pairing removes the shared sd"
        );
    }

    #[test]
    fn finalists_are_the_highest_first() {
        let e = |v: f64, o: f64| Evaluated {
            round: 1,
            values: vec![v],
            objective: o,
            ci_low: o,
            ci_high: o,
        };
        let all = vec![e(0.0, 1.0), e(0.1, 3.0), e(0.2, 2.0), e(0.3, 3.0)];
        let f = finalists(&all, 3);
        assert_eq!(
            f.iter().map(|x| x.values[0]).collect::<Vec<_>>(),
            vec![0.1, 0.3, 0.2]
        );
        assert_ne!(final_seed(3), 3);
        assert!(final_seed(3) <= i64::MAX as u64);
    }
}
