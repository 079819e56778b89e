//! `effectchain check DIR`: re-run every golden file in DIR and compare
//! its KPIs with the expected values (exit 0 if all match, 1 if any does
//! not), or rewrite them after an intended change with `--bless`.

use std::path::PathBuf;

use clap::Args;
use effectchain::experiment::check;

use super::common::{build_pool, human};
use super::CliError;

/// Arguments of `effectchain check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Folder of golden files (*.toml), such as tests/golden/.
    ///
    /// Each golden file names a config (relative to the golden file), a
    /// seed, a replication count, optional overrides, a mode (`exact`:
    /// bit-identical means; `statistical`: within `tolerance` standard
    /// errors) and the expected KPIs.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Rewrite the expected values from fresh runs.
    ///
    /// Use it after an intended change of the model, then review the diff
    /// of the golden files before committing them: every changed number is
    /// a changed result.
    #[arg(long)]
    pub bless: bool,

    /// Worker threads [default: all cores]; results do not depend on it.
    ///
    /// Each replication (or sweep point) is one unit of work and results
    /// are combined in a fixed order, so every thread count gives
    /// byte-identical files. Use fewer threads to keep cores free.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `effectchain check`.
pub fn execute(args: &CheckArgs) -> Result<(), CliError> {
    let files = check::golden_files(&args.dir).map_err(|e| CliError::input(e.to_string()))?;
    let pool = build_pool(args.threads)?;
    // Load every file first, so a malformed one fails before any run.
    for file in &files {
        let golden = check::load(file).map_err(|e| CliError::input(e.to_string()))?;
        if !args.bless && golden.expected.is_empty() {
            return Err(CliError::input(format!(
                "{}: key `expected`: no expected KPIs to compare: fill them with `effectchain check --bless`",
                file.display()
            )));
        }
        check::config_of(file, &golden).map_err(|e| CliError::input(e.to_string()))?;
    }
    let mut report = String::new();
    let mut failed = 0;
    for file in &files {
        if args.bless {
            pool.install(|| check::bless(file))
                .map_err(|e| CliError::failure(e.to_string()))?;
            report.push_str(&format!("blessed {}\n", file.display()));
            continue;
        }
        let outcome = pool
            .install(|| check::check(file))
            .map_err(|e| CliError::input(e.to_string()))?;
        if outcome.mismatches.is_empty() {
            report.push_str(&format!(
                "ok       {} ({} KPIs)\n",
                file.display(),
                outcome.compared
            ));
        } else {
            failed += 1;
            report.push_str(&format!(
                "MISMATCH {} ({} of {} KPIs)\n  {:<24} {:>16} {:>16} {:>14} {:>12}\n",
                file.display(),
                outcome.mismatches.len(),
                outcome.compared,
                "KPI",
                "expected",
                "got",
                "difference",
                "allowed"
            ));
            for m in &outcome.mismatches {
                report.push_str(&format!(
                    "  {:<24} {:>16} {:>16} {:>14} {:>12}\n",
                    m.kpi,
                    format!("{}", m.expected),
                    format!("{}", m.got),
                    human(m.got - m.expected),
                    human(m.allowed)
                ));
            }
        }
    }
    super::print_stdout(&report)?;
    if failed > 0 {
        return Err(CliError::mismatch(format!(
            "{failed} of {} golden files do not match; if the change is intended, rerun with --bless and review the diff",
            files.len()
        )));
    }
    Ok(())
}
