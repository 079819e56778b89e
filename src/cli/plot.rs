//! `effectchain plot DIR`: draw the plots and the report of an existing
//! output folder, and the helper `run`, `compare`, `sweep` and `validate`
//! call after their results are written.

use std::path::{Path, PathBuf};

use clap::Args;
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
}

/// Runs `effectchain plot`.
pub fn execute(args: &PlotArgs) -> Result<(), CliError> {
    if !args.dir.is_dir() {
        return Err(CliError::input(format!(
            "`{}` is not a folder; give the output folder of a run, comparison, sweep or validation",
            args.dir.display()
        )));
    }
    let written = plot::render_folder(&args.dir).map_err(|e| {
        if e.is_bad_input() {
            CliError::input(e.to_string())
        } else {
            CliError::failure(e.to_string())
        }
    })?;
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
    plot::render_folder(out)
        .map(|_| out.join(plot::REPORT_FILE))
        .map_err(|e: PlotError| {
            CliError::failure(format!(
                "the results are complete in `{}`, but the plots failed: {e} \
                 (retry with `effectchain plot {}`)",
                out.display(),
                out.display()
            ))
        })
}
