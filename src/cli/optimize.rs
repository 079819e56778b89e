//! `effectchain optimize`: search the policy levers for the best policy,
//! refining around the best region, then re-evaluate the finalists on
//! fresh replications and report the best with its statistical ties.
//!
//! Each round is a list-design sweep in `rounds/round-N/` of the output
//! folder (streamed, resumable); the finalists' sweep is the output folder
//! itself, so its report is a sweep report with best.json and
//! optimize.json beside points.csv.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::experiment::best::Best;
use effectchain::experiment::optimize::{self, Evaluated, Optimization};
use effectchain::experiment::sweep::{PointResult, Shard, Sweep};
use effectchain::output::best as best_files;
use effectchain::output::optimize::{self as files, Round, Summary, ROUNDS_DIR};
use effectchain::output::owner::{self, Existing};
use effectchain::output::sweep::{self as sweep_files, Mode, Open, Provenance, SweepWriter};
use effectchain::output::{FolderKind, FolderLock};

use super::common::{build_pool, human, output_error, stem_or, Execution};
use super::progress::Progress;
use super::CliError;

/// Arguments of `effectchain optimize`.
#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Optimize file (TOML): base config, policy levers with ranges, the
    /// objective (profit difference to the base policy by default, or a
    /// KPI), the budget (rounds, points, replications) and the seed.
    ///
    /// See configs/optimize/ for an example and docs/EXPERIMENTS.md for
    /// every key.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Continue an interrupted search in the output folder.
    ///
    /// Finished rounds and points are kept and not re-run; the result
    /// equals an uninterrupted run's, byte for byte.
    #[arg(long)]
    pub resume: bool,

    /// Output folder [default: output/<file stem>].
    ///
    /// Receives rounds/round-N/ (each round's points as a sweep folder),
    /// points.csv and manifest.json (the finalists on fresh
    /// replications), best.json and optimize.json.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub execution: Execution,
}

/// Runs (or finishes, or reads back) `sweep` in the locked folder and
/// returns its rows in point-id order.
fn run_sweep(
    lock: &FolderLock,
    sweep: &Sweep,
    provenance: &Provenance,
    label: &str,
    quiet: bool,
) -> Result<Vec<PointResult>, CliError> {
    let out = lock.out();
    match SweepWriter::open(lock, sweep, Shard::WHOLE, Mode::Auto, provenance)
        .map_err(output_error)?
    {
        Open::Finished => {}
        Open::Run(opened) => {
            let opened = *opened;
            let total = sweep.points();
            let done = opened.done;
            let todo: Vec<u64> = (0..total)
                .filter(|id| done.binary_search(id).is_err())
                .collect();
            let writer = opened.writer;
            let progress = Progress::with_unit(total, label, quiet);
            progress.advance(total - todo.len() as u64);
            let result = sweep.run_points(&todo, &|point| {
                writer.append(&point).map(|()| progress.tick())
            });
            progress.finish();
            result.map_err(|e| {
                CliError::failure(format!(
                    "{e} (finished points are kept: rerun with --resume)"
                ))
            })?;
            writer.finish(sweep, Shard::WHOLE).map_err(|e| {
                if e.is_bad_path() {
                    output_error(e)
                } else {
                    CliError::failure(format!(
                        "{e}; every finished point is kept in {}: free some disk space and rerun with --resume",
                        out.join(sweep_files::PARTIAL_FILE).display()
                    ))
                }
            })?;
        }
    }
    best_files::read_rows(&out.join(sweep_files::POINTS_FILE), sweep).map_err(output_error)
}

fn lever_values(opt: &Optimization, v: &[f64]) -> String {
    opt.levers
        .iter()
        .zip(v)
        .map(|(l, x)| format!("{} = {}", l.path, human(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn signed(v: f64) -> String {
    if v >= 0.0 {
        format!("+{}", human(v))
    } else {
        format!("-{}", human(-v))
    }
}

/// Runs `effectchain optimize`.
pub fn execute(args: &OptimizeArgs) -> Result<(), CliError> {
    let opt = Optimization::from_file(&args.file).map_err(|e| CliError::input(e.to_string()))?;
    let pool = build_pool(args.execution.threads)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(stem_or(&args.file, "optimize")));
    let lock = FolderLock::acquire(&out).map_err(output_error)?;
    let rounds_dir = out.join(ROUNDS_DIR);
    match owner::check_owned(&out, FolderKind::Sweep).map_err(output_error)? {
        Existing::Absent | Existing::Empty => {
            if args.resume {
                return Err(CliError::input(format!(
                    "`{}` holds no search to resume; run without --resume to start it",
                    out.display()
                )));
            }
            std::fs::create_dir_all(&out)
                .map_err(|e| CliError::input(format!("cannot create `{}`: {e}", out.display())))?;
            owner::write_marker(&out, FolderKind::Sweep).map_err(output_error)?;
        }
        Existing::Ours => {
            if !rounds_dir.is_dir() && sweep_files::holds(&out) != sweep_files::Holds::Nothing {
                return Err(CliError::input(format!(
                    "`{}` holds a sweep that `effectchain optimize` did not make; use another --out",
                    out.display()
                )));
            }
        }
    }
    let command_line = vec![
        "effectchain".to_string(),
        "optimize".to_string(),
        args.file.display().to_string(),
    ];
    let provenance = Provenance {
        command_line,
        shard_from: None,
    };
    let quiet = args.execution.quiet;
    let mut report = String::new();
    let mut rounds: Vec<Round> = Vec::new();
    let evaluated: Vec<Evaluated> = pool.install(|| {
        opt.search.run(|round, bounds, rows| {
            rounds.push(Round {
                round,
                bounds: bounds.to_vec(),
                points: rows.len(),
            });
            if rows.is_empty() {
                return Ok(Vec::new());
            }
            let sweep = opt
                .round_sweep(round, rows.to_vec())
                .map_err(|e| CliError::input(e.to_string()))?;
            let dir = files::round_dir(&out, round);
            let round_lock = FolderLock::acquire(&dir).map_err(output_error)?;
            let result = run_sweep(
                &round_lock,
                &sweep,
                &provenance,
                &format!("points (round {round})"),
                quiet,
            )?;
            let objectives: Vec<(f64, f64, f64)> =
                result.iter().map(|r| opt.objective_of(&sweep, r)).collect();
            let (i, best) = objectives
                .iter()
                .enumerate()
                .fold(
                    (0, objectives[0]),
                    |b, (i, o)| if o.0 > b.1 .0 { (i, *o) } else { b },
                );
            report.push_str(&format!(
                "Round {round}: {} points in {}; best of the round {} ({})\n",
                rows.len(),
                opt.levers
                    .iter()
                    .zip(bounds)
                    .map(|(l, (lo, hi))| format!("{} {}-{}", l.path, human(*lo), human(*hi)))
                    .collect::<Vec<_>>()
                    .join(", "),
                lever_values(&opt, &rows[i]),
                signed(best.0)
            ));
            Ok::<_, CliError>(objectives)
        })
    })?;
    // The finalists, re-evaluated on fresh replications.
    let finalists = optimize::finalists(&evaluated, opt.finalists as usize);
    let final_sweep = opt
        .final_sweep(finalists.iter().map(|f| f.values.clone()).collect())
        .map_err(|e| CliError::input(e.to_string()))?;
    let rows = pool.install(|| run_sweep(&lock, &final_sweep, &provenance, "finalists", quiet))?;
    let best: Best = pool
        .install(|| opt.rank(&final_sweep, &rows))
        .ok_or_else(|| {
            CliError::failure("too few finalists to rank (the search found fewer than two points)")
        })?;
    best_files::write(&out, &best).map_err(output_error)?;
    report.push_str(&format!(
        "{} points searched in {} rounds x {} replications; the best {} re-evaluated on {} fresh replications (seed {}):\n",
        evaluated.len(),
        rounds.len(),
        opt.replications,
        finalists.len(),
        opt.final_replications,
        opt.final_seed
    ));
    let values: Vec<Vec<f64>> = rows.iter().map(|r| r.values.clone()).collect();
    let text = if opt.baseline.is_empty() {
        describe_kpi(&opt, &best)
    } else {
        super::best::describe(&best, &values)
    };
    report.push_str(&text);
    let sentence = text
        .lines()
        .nth(1)
        .unwrap_or_else(|| text.lines().next().unwrap_or(""))
        .trim()
        .to_string();
    let summary = Summary::of(&opt, rounds, evaluated, finalists, best, sentence);
    files::write(&out, &summary).map_err(output_error)?;
    report.push_str(&format!("\nOutput: {}\n", out.display()));
    let plots = (!args.execution.no_plots).then(|| super::plot::render_results(&out));
    if let Some(Ok(report_path)) = &plots {
        report.push_str(&format!("Report: {}\n", report_path.display()));
    }
    drop(lock);
    super::print_stdout(&report)?;
    plots.transpose().map(|_| ())
}

/// The best point and its ties for a KPI objective.
fn describe_kpi(opt: &Optimization, b: &Best) -> String {
    let lo = b.tied.iter().map(|c| c.mean).fold(f64::INFINITY, f64::min);
    let hi = b
        .tied
        .iter()
        .map(|c| c.mean)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut s = format!(
        "Best: {} ({} {}, 95% CI {} to {})\n",
        lever_values(opt, &b.best.values),
        opt.kpi,
        human(b.best.mean),
        human(b.best.ci_low),
        human(b.best.ci_high)
    );
    if b.tied.len() == 1 {
        s.push_str(&format!(
            "  no other finalist is tied with it: all {} are worse (Holm-corrected paired tests, 5% familywise)\n",
            b.worse
        ));
    } else {
        s.push_str(&format!(
            "  {} finalists are tied for best ({} {} to {}): {}; {} is highest; {} are worse (Holm-corrected paired tests, 5% familywise)\n",
            b.tied.len(),
            opt.kpi,
            human(lo),
            human(hi),
            b.tied
                .iter()
                .map(|c| format!("({})", lever_values(opt, &c.values)))
                .collect::<Vec<_>>()
                .join(", "),
            lever_values(opt, &b.best.values),
            b.worse
        ));
    }
    s
}
