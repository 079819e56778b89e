//! `effectchain sweep` and `effectchain merge`: run a parameter sweep (whole,
//! resumed, or one shard of it) and merge shards into one result.
//!
//! The sweep streams one row per finished point to the output folder (see
//! `effectchain::output::sweep`), so an interrupted sweep loses nothing and
//! `--resume` picks up where it stopped.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::experiment::sweep::{Analysis, Shard, Sweep, SLURM_TASK_ID};
use effectchain::output::owner::read_marker;
use effectchain::output::sweep::{
    self as files, array_list, Mode, Open, Provenance, ShardStatus, SweepWriter,
};
use effectchain::output::{FolderKind, FolderLock};

use super::common::{build_pool, human, output_error, stem_or, Execution};
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

    /// Continue the run in the output folder; refuse if there is none.
    ///
    /// Without it a sweep already continues an interrupted run of the same
    /// sweep and shard in its folder, and exits 0 at once on a finished
    /// one, so running the same command again is always safe (a Slurm
    /// requeue, a resubmitted array). --resume adds one check: a folder
    /// with no run of this sweep is an error instead of a new start.
    /// Finished points are kept and not re-run; a torn last row (power cut)
    /// is dropped and its point re-run. The final points.csv equals an
    /// uninterrupted run's, byte for byte.
    #[arg(long, conflicts_with = "fresh")]
    pub resume: bool,

    /// Discard what effectchain wrote in the output folder and start over.
    ///
    /// Needed to reuse a folder that holds a run of another sweep (the
    /// sweep file, its base config or the effectchain version changed), or
    /// to redo a finished one. Only effectchain's own sweep files are
    /// removed; a folder effectchain did not write is refused as always.
    #[arg(long)]
    pub fresh: bool,

    /// Run only shard I of N (1-based), such as 3/16, or auto/N in Slurm.
    ///
    /// Shard I takes the points whose id leaves remainder I-1 when divided
    /// by N. Run every shard (on as many machines as you like), then
    /// `effectchain merge` their folders into one result equal to the
    /// unsharded run's. auto/N takes I from SLURM_ARRAY_TASK_ID, for a job
    /// array submitted as --array=1-N (a task resubmitted alone, such as
    /// --array=3, still runs shard 3 of N); contrib/slurm/ has the scripts.
    /// N may not exceed the sweep's number of points.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,

    /// Output folder [default: output/<sweep stem>, or
    /// output/<sweep stem>/shard-I-of-N for a shard].
    ///
    /// Receives points.partial.csv while the sweep runs (one row per
    /// finished point), then points.csv in point order, manifest.json and,
    /// for one or two parameters, breakeven.json. A folder holding another
    /// shard or another sweep is refused: give each its own folder.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub execution: Execution,
}

/// Arguments of `effectchain merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders of one sweep (all N of them), or the folder
    /// holding them.
    ///
    /// Each must hold a finished shard (points.csv and manifest.json) of
    /// the same sweep and shard count; a missing, duplicate or foreign
    /// shard is refused, naming what differs. A folder that is not itself
    /// a shard folder stands for the shard folders inside it (such as
    /// output/my-sweep, which holds shard-1-of-4 ...).
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,

    /// List finished, interrupted and missing shards; merge nothing.
    ///
    /// Prints one line per shard and the --array= list of the shards still
    /// to run, to resubmit in Slurm. Exit 0 when every shard is finished, 1
    /// when some are not, 2 when the folders are not shards of one sweep.
    #[arg(long, conflicts_with_all = ["sweep", "out", "no_plots"])]
    pub status: bool,

    /// The sweep file, to analyse the merged result.
    ///
    /// With it, merge also writes breakeven.json (break-even values and
    /// the best point) and refuses shards of another sweep; without it only
    /// points.csv and manifest.json are written.
    #[arg(long, value_name = "SWEEP")]
    pub sweep: Option<PathBuf>,

    /// Output folder [default: the folder holding the shards].
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

/// The command line recorded in the manifest: the sweep file as given and
/// the resolved shard, nothing that cannot change the results (see
/// `SweepManifest::command_line`).
fn recorded_command_line(args: &SweepArgs, shard: Shard) -> Vec<String> {
    let mut line = vec![
        "effectchain".to_string(),
        "sweep".to_string(),
        args.sweep.display().to_string(),
    ];
    if shard != Shard::WHOLE {
        line.extend([
            "--shard".to_string(),
            format!("{}/{}", shard.index, shard.count),
        ]);
    }
    line
}

/// Runs `effectchain sweep`.
pub fn execute(args: &SweepArgs) -> Result<(), CliError> {
    let sweep = Sweep::from_file(&args.sweep).map_err(|e| CliError::input(e.to_string()))?;
    let task = std::env::var(SLURM_TASK_ID).ok();
    let (shard, from_task) = match &args.shard {
        Some(s) => Shard::resolve(s, task.as_deref())
            .map_err(|e| CliError::input(format!("--shard: {e}")))?,
        None => (Shard::WHOLE, false),
    };
    let total = sweep.points();
    if u64::from(shard.count) > total {
        // An empty shard would write a header-only points.csv, which
        // readers cannot type; and no use for it.
        return Err(CliError::input(format!(
            "--shard: {}/{}: `{}` has {total} point{}, so some of {} shards would have none; \
             use at most {total} shards",
            shard.index,
            shard.count,
            args.sweep.display(),
            if total == 1 { "" } else { "s" },
            shard.count
        )));
    }
    let pool = build_pool(args.execution.threads)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let base = Path::new("output").join(stem_or(&args.sweep, "sweep"));
        if shard == Shard::WHOLE {
            base
        } else {
            base.join(format!("shard-{}-of-{}", shard.index, shard.count))
        }
    });
    let what = if shard == Shard::WHOLE {
        format!("sweep `{}`", args.sweep.display())
    } else {
        format!(
            "shard {}/{} of sweep `{}`",
            shard.index,
            shard.count,
            args.sweep.display()
        )
    };
    let mode = if args.fresh {
        Mode::Fresh
    } else if args.resume {
        Mode::Resume
    } else {
        Mode::Auto
    };
    let provenance = Provenance {
        command_line: recorded_command_line(args, shard),
        shard_from: from_task.then(|| SLURM_TASK_ID.to_string()),
    };
    let lock = FolderLock::acquire(&out).map_err(output_error)?;
    let opened =
        match SweepWriter::open(&lock, &sweep, shard, mode, &provenance).map_err(output_error)? {
            Open::Run(opened) => *opened,
            Open::Finished => {
                return super::print_stdout(&format!(
                    "{what} is already finished in `{}`: nothing to run (--fresh runs it again)\n\
                 \nOutput: {}\n",
                    out.display(),
                    out.display()
                ))
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
    let in_shard = shard.ids(total).count() as u64;
    let writer = opened.writer;
    let progress = Progress::with_unit(in_shard, "points", args.execution.quiet);
    progress.advance(in_shard - todo.len() as u64);
    let result = pool.install(|| {
        sweep.run_points(&todo, &|point| {
            writer.append(&point).map(|()| progress.tick())
        })
    });
    progress.finish();
    let ran = todo.len() as u64;
    drop(todo);
    result.map_err(|e| {
        CliError::failure(format!(
            "{e} (finished points are kept: run the same command again to continue)"
        ))
    })?;
    writer.finish(&sweep, shard).map_err(|e| {
        if e.is_bad_path() {
            output_error(e)
        } else {
            CliError::failure(format!(
                "{e}; every finished point is kept in {}: free some disk space and run the same \
                 command again",
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
        ran,
        in_shard - ran
    );
    if shard == Shard::WHOLE {
        if let Ok(Some(analysis)) = files::analyse_file(&out.join(files::POINTS_FILE), &sweep) {
            report.push_str(&describe(&analysis));
        }
        report.push_str(&pool.install(|| super::best::report(&sweep, &out))?);
    }
    report.push_str(&format!("\nOutput: {}\n", out.display()));
    // Shards are plotted once merged; the results are safe on disk either way.
    // On the sweep's own threads: each draws one figure at a time.
    let plots = (!args.execution.no_plots && shard == Shard::WHOLE)
        .then(|| pool.install(|| super::plot::render_results(&out)));
    if let Some(Ok(report_path)) = &plots {
        report.push_str(&format!("Report: {}\n", report_path.display()));
    }
    super::print_stdout(&report)?;
    plots.transpose().map(|_| ())
}

/// Runs `effectchain merge` (or `merge --status`).
pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    if args.status {
        return status(args);
    }
    let sweep = match &args.sweep {
        Some(p) => Some(Sweep::from_file(p).map_err(|e| CliError::input(e.to_string()))?),
        None => None,
    };
    let out = args.out.clone().unwrap_or_else(|| {
        let first = &args.shards[0];
        if read_marker(first) == Some(FolderKind::Shard) {
            first
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        } else {
            // The folder holding the shards was given.
            first.clone()
        }
    });
    let lock = FolderLock::acquire(&out).map_err(output_error)?;
    let manifest = files::merge(&lock, &args.shards, sweep.as_ref()).map_err(output_error)?;
    let count = manifest.state.shard.map_or(0, |s| s.1);
    let mut report = format!(
        "merged {} shards: {} points\n",
        files::shard_folders(&args.shards).map_or(count as usize, |f| f.len()),
        manifest.state.points
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

/// `effectchain merge --status`: one line per shard, then what to resubmit.
fn status(args: &MergeArgs) -> Result<(), CliError> {
    let survey = files::survey(&args.shards).map_err(output_error)?;
    let n = survey.count;
    let mut text = format!(
        "Sweep `{}` ({} points, fingerprint {}) in {n} shards:\n",
        survey.state.sweep_file, survey.state.points, survey.state.fingerprint
    );
    for (i, s) in survey.shards.iter().enumerate() {
        let label = format!("shard {}/{n}", i + 1);
        text.push_str(&match s {
            ShardStatus::Finished { dir } => {
                format!("  {label:<12} finished     {}\n", dir.display())
            }
            ShardStatus::Interrupted { dir, rows, of } => format!(
                "  {label:<12} interrupted  {} ({rows} of {of} points done)\n",
                dir.display()
            ),
            ShardStatus::Missing => format!("  {label:<12} missing\n"),
        });
    }
    for dir in &survey.unstarted {
        text.push_str(&format!(
            "  (no run recorded yet in `{}`: killed before its first point)\n",
            dir.display()
        ));
    }
    let to_run = survey.to_run();
    if to_run.is_empty() {
        text.push_str(&format!(
            "All {n} shards are finished: merge them with `effectchain merge {}`\n",
            args.shards
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ));
        return super::print_stdout(&text);
    }
    let list = array_list(&to_run);
    text.push_str(&format!(
        "{} of {n} shards finished; to run the others resubmit the whole array (finished shards \
         exit at once), or only these: --array={list}\n",
        n as usize - to_run.len()
    ));
    super::print_stdout(&text)?;
    Err(CliError::failure(format!(
        "{} of {n} shards are not finished (--array={list})",
        to_run.len()
    )))
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
    if let Some(b) = a.best_difference.as_ref().filter(|b| b.mean <= 0.0) {
        s.push_str(&format!(
            "No point beats the baseline; the smallest loss: {} ({} EUR, 95% CI {} to {})\n",
            values(&b.values),
            human(b.mean),
            human(b.ci_low),
            human(b.ci_high)
        ));
    } else if let Some(b) = &a.best_difference {
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
