//! `effectchain sweep` and `effectchain merge`: run a parameter sweep (whole,
//! resumed, or one shard of it) and merge shards into one result.
//!
//! The sweep streams one row per finished point to the output folder (see
//! `effectchain::output::sweep`), so an interrupted sweep loses nothing and
//! `--resume` picks up where it stopped.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::experiment::sweep::{Analysis, Shard, Sweep};
use effectchain::output::sweep::{self as files, SweepWriter};
use effectchain::output::FolderLock;

use super::common::{build_pool, human, output_error, Execution};
use super::progress::Progress;
use super::CliError;

/// Arguments of `effectchain sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (TOML): base config, parameters to vary, design,
    /// replications, KPIs and an optional baseline.
    ///
    /// See configs/sweeps/ for examples and docs/EXPERIMENTS.md for every
    /// key.
    #[arg(value_name = "SWEEP")]
    pub sweep: PathBuf,

    /// Continue an interrupted sweep in the output folder.
    ///
    /// Finished points are kept and not re-run; a torn last row (power
    /// cut) is dropped and its point re-run. The final points.csv equals an
    /// uninterrupted run's, byte for byte. Refused if the sweep file, its
    /// base config or the effectchain version changed.
    #[arg(long)]
    pub resume: bool,

    /// Run only shard I of N (1-based), such as 3/16.
    ///
    /// Shard I takes the points whose id leaves remainder I-1 when divided
    /// by N. Run every shard (on as many machines as you like), then
    /// `effectchain merge` their folders into one result equal to the
    /// unsharded run's.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,

    /// Output folder [default: output/<sweep stem>, or
    /// output/<sweep stem>/shard-I-of-N for a shard].
    ///
    /// Receives points.partial.csv while the sweep runs (one row per
    /// finished point), then points.csv in point order, manifest.json and,
    /// for one or two parameters, breakeven.json.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub execution: Execution,
}

/// Arguments of `effectchain merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The finished shard folders of one sweep (all N of them).
    ///
    /// Each must hold a finished shard (points.csv and manifest.json) of
    /// the same sweep file, base config and effectchain version; a
    /// missing, duplicate or foreign shard is refused.
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,

    /// The sweep file, to analyse the merged result.
    ///
    /// With it, merge also writes breakeven.json (break-even values and
    /// the best point) and refuses shards of another sweep; without it only
    /// points.csv and manifest.json are written.
    #[arg(long, value_name = "SWEEP")]
    pub sweep: Option<PathBuf>,

    /// Output folder [default: the parent folder of the first shard].
    ///
    /// Receives points.csv and manifest.json (and breakeven.json with
    /// --sweep), equal to what the unsharded sweep would have written.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Do not draw plots or the report of the merged result.
    ///
    /// `effectchain plot DIR` draws them later from the merged folder.
    #[arg(long)]
    pub no_plots: bool,
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "sweep".into(), |s| s.to_string_lossy().into_owned())
}

/// Runs `effectchain sweep`.
pub fn execute(args: &SweepArgs) -> Result<(), CliError> {
    let sweep = Sweep::from_file(&args.sweep).map_err(|e| CliError::input(e.to_string()))?;
    let shard = match &args.shard {
        Some(s) => Shard::parse(s).map_err(|e| CliError::input(format!("--shard: {e}")))?,
        None => Shard::WHOLE,
    };
    let pool = build_pool(args.execution.threads)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let base = Path::new("output").join(stem(&args.sweep));
        if shard == Shard::WHOLE {
            base
        } else {
            base.join(format!("shard-{}-of-{}", shard.index, shard.count))
        }
    });
    let lock = FolderLock::acquire(&out).map_err(output_error)?;
    let opened = SweepWriter::open(&lock, &sweep, shard, args.resume).map_err(output_error)?;
    let total = sweep.points();
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
    let in_shard = shard.ids(total).count() as u64;
    let writer = opened.writer;
    let progress = Progress::with_unit(in_shard, "points", args.execution.quiet);
    progress.advance(in_shard - todo.len() as u64);
    let result = pool.install(|| {
        sweep.run_points(&todo, &|point| {
            writer.append(&point).map_err(|e| e.to_string())?;
            progress.tick();
            Ok(())
        })
    });
    progress.finish();
    result.map_err(|e| {
        CliError::failure(format!(
            "{e} (finished points are kept: rerun with --resume)"
        ))
    })?;
    writer.finish(&sweep, shard).map_err(|e| {
        if e.is_bad_path() {
            output_error(e)
        } else {
            CliError::failure(format!(
                "{e}; every finished point is kept in {}: free some disk space and rerun with --resume",
                files::PARTIAL_FILE
            ))
        }
    })?;
    let mut report = format!(
        "{} points x {} replications{}; {} run now, {} resumed\n",
        in_shard,
        sweep.replications,
        if shard == Shard::WHOLE {
            String::new()
        } else {
            format!(
                " (shard {}/{} of {} points)",
                shard.index, shard.count, total
            )
        },
        todo.len(),
        in_shard - todo.len() as u64
    );
    if shard == Shard::WHOLE {
        if let Ok(Some(analysis)) = files::analyse_file(&out.join(files::POINTS_FILE), &sweep) {
            report.push_str(&describe(&analysis));
        }
        report.push_str(&pool.install(|| super::best::report(&sweep, &out))?);
    }
    report.push_str(&format!("\nOutput: {}\n", out.display()));
    // Shards are plotted once merged; the results are safe on disk either way.
    let plots = (!args.execution.no_plots && shard == Shard::WHOLE)
        .then(|| super::plot::render_results(&out));
    if let Some(Ok(report_path)) = &plots {
        report.push_str(&format!("Report: {}\n", report_path.display()));
    }
    super::print_stdout(&report)?;
    plots.transpose().map(|_| ())
}

/// Runs `effectchain merge`.
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let sweep = match &args.sweep {
        Some(p) => Some(Sweep::from_file(p).map_err(|e| CliError::input(e.to_string()))?),
        None => None,
    };
    let out = args.out.clone().unwrap_or_else(|| {
        args.shards[0]
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let lock = FolderLock::acquire(&out).map_err(output_error)?;
    let state = files::merge(&lock, &args.shards, sweep.as_ref()).map_err(output_error)?;
    let mut report = format!(
        "merged {} shards: {} points\n",
        args.shards.len(),
        state.points
    );
    if let Some(sweep) = &sweep {
        if let Ok(Some(analysis)) = files::analyse_file(&out.join(files::POINTS_FILE), sweep) {
            report.push_str(&describe(&analysis));
        }
        report.push_str(&super::best::report(sweep, &out)?);
    }
    report.push_str(&format!("\nOutput: {}\n", out.display()));
    let plots = (!args.no_plots).then(|| super::plot::render_results(&out));
    if let Some(Ok(report_path)) = &plots {
        report.push_str(&format!("Report: {}\n", report_path.display()));
    }
    super::print_stdout(&report)?;
    plots.transpose().map(|_| ())
}

/// The manager's answer in words.
fn describe(a: &Analysis) -> String {
    let mut s = String::new();
    let values = |v: &[f64]| {
        a.parameters
            .iter()
            .zip(v)
            .map(|(p, x)| format!("{p} = {}", human(*x)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(b) = &a.best {
        s.push_str(&format!(
            "Highest profit: {} (profit {}, 95% CI {} to {})\n",
            values(&b.values),
            human(b.mean),
            human(b.ci_low),
            human(b.ci_high)
        ));
    }
    if let Some(b) = &a.best_difference {
        s.push_str(&format!(
            "Largest gain over the baseline: {} ({} EUR, 95% CI {} to {})\n",
            values(&b.values),
            human(b.mean),
            human(b.ci_low),
            human(b.ci_high)
        ));
    }
    if let Some(be) = &a.break_even {
        let list = |v: &[f64]| {
            if v.is_empty() {
                "none in the swept range".to_string()
            } else {
                v.iter().map(|x| human(*x)).collect::<Vec<_>>().join(", ")
            }
        };
        s.push_str(&format!(
            "Break-even ({} where the profit difference crosses zero): {}; the 95% band crosses zero at {} (lower bound) and {} (upper bound)\n",
            a.parameters[0],
            list(&be.crossings),
            list(&be.ci_low_crossings),
            list(&be.ci_high_crossings)
        ));
    }
    if !a.break_even_curve.is_empty() {
        s.push_str(&format!(
            "Break-even curve ({} -> {} where the difference crosses zero):\n",
            a.parameters[0], a.parameters[1]
        ));
        for p in &a.break_even_curve {
            let second = if p.second.is_empty() {
                "none".to_string()
            } else {
                p.second
                    .iter()
                    .map(|x| human(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            s.push_str(&format!("  {} -> {}\n", human(p.first), second));
        }
    }
    s
}
