//! `effectchain plot DIR`: draw the plots and the report of an existing
//! output folder, and the helper `run`, `compare`, `sweep` and `validate`
//! call after their results are written.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::output::{owner, FolderKind, FolderLock};
use effectchain::plot::{self, PlotError};

use super::CliError;

/// Arguments of `effectchain plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// Output folder of a run, comparison, sweep or validation.
    ///
    /// The folder's files decide what is drawn: summary.json and daily.csv
    /// (a run), comparison.json (a comparison), points.csv (a sweep) or
    /// validation.json (a validation).
    /// PNG and SVG plots (plot-*.png, plot-*.svg) and report.html are
    /// written into the folder; the result files are not changed.
    #[arg(value_name = "OUTPUT_DIR")]
    pub dir: PathBuf,

    /// Do not print what was written.
    ///
    /// Without it, one line on stdout gives the number of plots and the
    /// report's path; errors still go to stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `effectchain plot`.
pub fn execute(args: &PlotArgs) -> Result<(), CliError> {
    // Plots are written into the folder: never while another process
    // writes it (or is about to swap it into place).
    let _lock = FolderLock::acquire(&args.dir).map_err(super::common::output_error)?;
    if !args.dir.is_dir() {
        return Err(CliError::input(format!(
            "`{}` is not a folder; give the output folder of a run, comparison, sweep or validation",
            args.dir.display()
        )));
    }
    let written = plot::render_folder_as(&args.dir, marker_kind(&args.dir)).map_err(|e| {
        if e.is_bad_input() {
            CliError::input(e.to_string())
        } else {
            CliError::failure(e.to_string())
        }
    })?;
    if args.quiet {
        return Ok(());
    }
    let plots = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .count();
    super::print_stdout(&format!(
        "Wrote {plots} plots (PNG and SVG) and the report: {}\n",
        args.dir.join(plot::REPORT_FILE).display()
    ))
}

/// Draws the plots and the report of a folder whose results were just
/// written, returning the report's path. A failure is an error of kind
/// `Failure` (exit code 1) whose message says the results are safe.
pub fn render_results(out: &Path) -> Result<PathBuf, CliError> {
    plot::render_folder_as(out, marker_kind(out))
        .map(|_| out.join(plot::REPORT_FILE))
        .map_err(|e| plot_failure(out, &e))
}

/// The error of plots that failed after the results of `out` were written.
pub fn plot_failure(out: &Path, e: &PlotError) -> CliError {
    CliError::failure(format!(
        "the results are complete in `{}`, but the plots failed: {e} \
         (retry with `effectchain plot {}`)",
        out.display(),
        out.display()
    ))
}

/// What the ownership marker of `dir` says it holds, as a plot kind.
fn marker_kind(dir: &Path) -> Option<plot::Kind> {
    owner::read_marker(dir).map(|k| match k {
        FolderKind::Run => plot::Kind::Run,
        FolderKind::Comparison => plot::Kind::Compare,
        FolderKind::Sweep | FolderKind::Shard => plot::Kind::Sweep,
        FolderKind::Validation => plot::Kind::Validation,
    })
}
