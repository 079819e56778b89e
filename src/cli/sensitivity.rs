//! `effectchain sensitivity`: run a global sensitivity study (Morris or
//! Sobol) and print its ranked indices.
//!
//! The samples run as the points of a sweep (see
//! `effectchain::experiment::sensitivity`), so they stream to the output
//! folder, resume after an interruption and shard across machines exactly
//! like `effectchain sweep`; the indices are computed once every sample has
//! a row.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::experiment::sensitivity::{Analysis, Indices, Study};
use effectchain::experiment::sweep::Shard;
use effectchain::output::sensitivity as files;
use effectchain::output::sweep::{
    self as sweep_files, Mode, Open, Provenance, SweepState, SweepWriter,
};
use effectchain::output::{owner, FolderKind, FolderLock};

use super::common::{build_pool, human, output_error, stem_or, Execution};
use super::progress::Progress;
use super::CliError;

/// Arguments of `effectchain sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Sensitivity file (TOML): base config, method (morris or sobol),
    /// parameters with ranges, output KPI and an optional baseline.
    ///
    /// See configs/sensitivity/ for examples and docs/EXPERIMENTS.md for
    /// every key.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Continue an interrupted study in the output folder (or analyse a
    /// folder that `effectchain merge` filled from its shards).
    ///
    /// Finished samples are kept and not re-run; the result equals an
    /// uninterrupted run's, byte for byte.
    #[arg(long)]
    pub resume: bool,

    /// Run only shard I of N (1-based), such as 3/16.
    ///
    /// Shard I takes the samples whose id leaves remainder I-1 when
    /// divided by N. Merge the shard folders with `effectchain merge`, then
    /// run this command with --resume -o MERGED_DIR to compute the indices.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,

    /// Output folder [default: output/<file stem>, or
    /// output/<file stem>/shard-I-of-N for a shard].
    ///
    /// Receives points.csv (every evaluated sample), manifest.json,
    /// indices.csv, sensitivity.json and, with second_order,
    /// indices-second-order.csv.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub execution: Execution,
}

/// Whether `out` holds this study's finished (or merged) samples.
fn finished_here(out: &Path, study: &Study) -> bool {
    owner::read_marker(out) == Some(FolderKind::Sweep)
        && out.join(sweep_files::POINTS_FILE).is_file()
        && std::fs::read(out.join(sweep_files::MANIFEST_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<SweepState>(&b).ok())
            .is_some_and(|s| s == SweepState::of(&study.sweep, Shard::WHOLE))
}

/// Runs `effectchain sensitivity`.
pub fn execute(args: &SensitivityArgs) -> Result<(), CliError> {
    let study = Study::from_file(&args.file).map_err(|e| CliError::input(e.to_string()))?;
    let sweep = &study.sweep;
    let shard = match &args.shard {
        Some(s) => Shard::parse(s).map_err(|e| CliError::input(format!("--shard: {e}")))?,
        None => Shard::WHOLE,
    };
    let pool = build_pool(args.execution.threads)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let base = Path::new("output").join(stem_or(&args.file, "sensitivity"));
        if shard == Shard::WHOLE {
            base
        } else {
            base.join(format!("shard-{}-of-{}", shard.index, shard.count))
        }
    });
    let lock = FolderLock::acquire(&out).map_err(output_error)?;
    let total = sweep.points();
    let in_shard = shard.ids(total).count() as u64;
    let mut report = String::new();
    if args.resume && shard == Shard::WHOLE && finished_here(&out, &study) {
        report.push_str(&format!(
            "{total} samples already evaluated in {}; computing the indices\n",
            out.display()
        ));
    } else {
        let mode = if args.resume {
            Mode::Resume
        } else {
            Mode::Auto
        };
        let mut command_line = vec![
            "effectchain".to_string(),
            "sensitivity".to_string(),
            args.file.display().to_string(),
        ];
        if let Some(s) = &args.shard {
            command_line.extend(["--shard".to_string(), s.clone()]);
        }
        let provenance = Provenance {
            command_line,
            shard_from: None,
        };
        let opened = match SweepWriter::open(&lock, sweep, shard, mode, &provenance)
            .map_err(output_error)?
        {
            Open::Run(opened) => *opened,
            Open::Finished => {
                // A finished run of this study: only the indices are left.
                return finish(args, &study, &out, lock, String::new(), shard);
            }
        };
        let mut done = opened.done.into_iter().peekable();
        let todo: Vec<u64> = shard
            .ids(total)
            .filter(|id| {
                while done.peek().is_some_and(|d| d < id) {
                    done.next();
                }
                done.peek() != Some(id)
            })
            .collect();
        let writer = opened.writer;
        let progress = Progress::with_unit(in_shard, "samples", args.execution.quiet);
        progress.advance(in_shard - todo.len() as u64);
        let result = pool.install(|| {
            sweep.run_points(&todo, &|point| {
                writer.append(&point).map(|()| progress.tick())
            })
        });
        progress.finish();
        result.map_err(|e| {
            CliError::failure(format!(
                "{e} (finished samples are kept: rerun with --resume)"
            ))
        })?;
        writer.finish(sweep, shard).map_err(|e| {
            if e.is_bad_path() {
                output_error(e)
            } else {
                CliError::failure(format!(
                    "{e}; every finished sample is kept in {}: free some disk space and rerun with --resume",
                    sweep_files::PARTIAL_FILE
                ))
            }
        })?;
        report.push_str(&format!(
            "{} samples x {} replications{}; {} run now, {} resumed\n",
            in_shard,
            sweep.replications,
            if shard == Shard::WHOLE {
                String::new()
            } else {
                format!(
                    " (shard {}/{} of {} samples; merge the shards, then rerun with --resume -o MERGED)",
                    shard.index, shard.count, total
                )
            },
            todo.len(),
            in_shard - todo.len() as u64
        ));
    }
    finish(args, &study, &out, lock, report, shard)
}

/// Computes and writes the indices of a whole study's samples (a shard has
/// none to compute), then prints the report and draws the plots.
fn finish(
    args: &SensitivityArgs,
    study: &Study,
    out: &Path,
    lock: FolderLock,
    mut report: String,
    shard: Shard,
) -> Result<(), CliError> {
    if shard == Shard::WHOLE {
        let rows = files::read_points(out, study).map_err(output_error)?;
        let analysis = study.analyse(&rows);
        files::write(out, study, &analysis).map_err(output_error)?;
        report.push_str(&describe(study, &analysis));
    }
    report.push_str(&format!("\nOutput: {}\n", out.display()));
    let plots = (!args.execution.no_plots && shard == Shard::WHOLE)
        .then(|| super::plot::render_results(out));
    if let Some(Ok(report_path)) = &plots {
        report.push_str(&format!("Report: {}\n", report_path.display()));
    }
    drop(lock);
    super::print_stdout(&report)?;
    plots.transpose().map(|_| ())
}

/// What the study's output is, in words.
pub fn output_words(study: &Study) -> String {
    if study.sweep.baseline.is_empty() {
        study.output.clone()
    } else {
        let base = study
            .sweep
            .baseline
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let set = study
            .set
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        if set.is_empty() {
            format!("{} difference to the baseline ({base})", study.output)
        } else {
            format!("{} difference of {set} against {base}", study.output)
        }
    }
}

fn interval(value: f64, lo: f64, hi: f64) -> String {
    format!("{} [{}, {}]", human(value), human(lo), human(hi))
}

/// The ranked table of indices.
fn describe(study: &Study, a: &Analysis) -> String {
    let width = a
        .parameters
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(9)
        .max(9);
    let mut s = String::new();
    let (title, cols) = match &a.indices {
        Indices::Sobol(_) => ("Sobol indices", "S1 [95% CI]              ST [95% CI]"),
        Indices::Morris(_) => (
            "Morris elementary effects",
            "mu* [95% CI]                       sigma [95% CI]",
        ),
    };
    s.push_str(&format!(
        "{title} of the {} ({} evaluations x {} replications), most important first:\n",
        output_words(study),
        study.unit_rows.len(),
        study.sweep.replications
    ));
    s.push_str(&format!(
        "  {:<4} {:<width$}  {cols}\n",
        "rank", "parameter"
    ));
    for (rank, j) in a.ranking().into_iter().enumerate() {
        let text = match &a.indices {
            Indices::Sobol(ix) => {
                let (s1, st) = (ix.s1[j], ix.st[j]);
                format!(
                    "{:<24} {}",
                    interval(s1.value, s1.ci_low, s1.ci_high),
                    interval(st.value, st.ci_low, st.ci_high)
                )
            }
            Indices::Morris(m) => {
                let m = m[j];
                format!(
                    "{:<34} {}",
                    interval(m.mu_star.value, m.mu_star.ci_low, m.mu_star.ci_high),
                    interval(m.sigma.value, m.sigma.ci_low, m.sigma.ci_high)
                )
            }
        };
        s.push_str(&format!(
            "  {:<4} {:<width$}  {text}\n",
            rank + 1,
            a.parameters[j]
        ));
    }
    if let Indices::Morris(_) = a.indices {
        s.push_str(
            "  (mu*: mean absolute change of the output when the parameter moves across its whole range; sigma: its spread, from nonlinearity or interactions)\n",
        );
    }
    let noise = a.noise_share();
    if noise.is_finite() {
        s.push_str(&format!(
            "Replication noise: {:.1}% of the output variance (mean {}, sd of the sample means {})\n",
            100.0 * noise,
            human(a.mean),
            human(a.variance.sqrt())
        ));
    } else {
        s.push_str("Replication noise: not estimable with 1 replication per sample\n");
    }
    s
}
