//! Command-line interface: the clap definitions, error kinds and exit
//! codes, and dispatch to the subcommands (`run`, `init`).
//!
//! **Invariant:** only this module (binary-only, declared from `main.rs`)
//! knows clap and indicatif and writes to the terminal.

mod best;
mod calibrate;
mod check;
mod common;
mod compare;
mod completions;
mod discover;
mod init;
mod optimize;
mod plot;
mod progress;
mod run;
mod sensitivity;
#[cfg(feature = "serve")]
mod serve;
mod sweep;
mod validate;

use std::ffi::OsString;
use std::fmt;
use std::io::Write;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Agent-based Monte Carlo simulator of the service-excellence effect
/// chain.
///
/// A scenario file (TOML) describes a store, its market and the policy
/// under test. `effectchain run` simulates it many times with independent
/// seeded random streams and reports each KPI with a 95% confidence
/// interval; `effectchain init` writes a starter scenario with every key
/// documented. Results depend on the config and the seed only: the same
/// pair gives byte-identical output files whatever the thread count (and,
/// by design, on every platform).
///
/// Exit codes: 0 success, 2 bad input or usage, 1 any other failure.
#[derive(Debug, Parser)]
#[command(
    name = "effectchain",
    version,
    help_expected = true,
    max_term_width = 80,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write its results.
    ///
    /// Loads CONFIG, runs its replications in parallel, writes
    /// summary.json, daily.csv, replications.csv and manifest.json into
    /// the output folder, and prints the headline KPIs with their 95%
    /// confidence intervals. Then it draws the plots (plot-*.png,
    /// plot-*.svg) and report.html into the same folder, unless
    /// --no-plots.
    ///
    /// Example: effectchain run configs/expert-store.toml --replications 200
    Run(run::RunArgs),
    /// Write a commented starter config.
    ///
    /// Every section and key is written at its default value, each under a
    /// comment giving its meaning, unit and valid range. Edit the keys you
    /// want to change and delete the rest: a missing key takes its default.
    ///
    /// Example: effectchain init my-store.toml && effectchain run my-store.toml
    Init(init::InitArgs),
    /// Compare two policies with common random numbers.
    ///
    /// Runs A and B as paired replications sharing their random streams,
    /// and reports every KPI's difference B - A with its 95% CI, the
    /// probability that B beats A on profit, and the profit difference
    /// split into terms (returning visits, margin per served visit, failure
    /// visits kept, first visits, lost visits, staffing and overtime,
    /// giveaways and discounts, hiring and training, other), and what the
    /// switch is worth by year, its payback day, its long-run difference per
    /// year and its NPV.
    ///
    /// Example: effectchain compare configs/expert-store.toml configs/empowered.toml -r 500
    Compare(compare::CompareArgs),
    /// Run a parameter sweep (or one shard of it), resumable.
    ///
    /// Varies config keys over a grid, a Latin hypercube or a list of
    /// points; every point runs its replications (paired with a baseline
    /// when the sweep names one) and its row is appended to the output
    /// folder as soon as it finishes. For one or two parameters against a
    /// baseline it reports where the profit difference crosses zero. The
    /// same command run again continues an interrupted sweep and exits 0 at
    /// once on a finished one, so a requeued or resubmitted cluster job is
    /// always safe (contrib/slurm/ runs one as a Slurm job array).
    ///
    /// Example: effectchain sweep configs/sweeps/latitude-by-contingency.toml
    Sweep(sweep::SweepArgs),
    /// Merge the shard folders of a sweep into one result.
    ///
    /// Refuses missing, duplicate or foreign shards, naming what differs.
    /// The merged points.csv equals the unsharded run's, byte for byte.
    /// With --status it lists the finished, interrupted and missing shards
    /// and the --array= list to resubmit instead.
    ///
    /// Example: effectchain merge output/my-sweep --sweep my-sweep.toml
    Merge(sweep::MergeArgs),
    /// Global sensitivity: which uncertain parameters drive an output.
    ///
    /// Morris elementary effects (mu*, sigma) for screening, or Sobol'
    /// first-order and total indices (Saltelli sampling, Jansen and
    /// Saltelli 2010 estimators), with bootstrap 95% intervals and the
    /// share of replication noise. The samples stream to points.csv and
    /// resume and shard like a sweep's points.
    ///
    /// Example: effectchain sensitivity configs/sensitivity/latitude-payoff-sobol.toml
    Sensitivity(sensitivity::SensitivityArgs),
    /// Scenario discovery (PRIM) on a finished sweep or sensitivity folder.
    ///
    /// Finds the box of the parameter space where a condition on an
    /// output holds (by default: the profit difference to the baseline is
    /// negative, where the policy does not pay), with its coverage and
    /// density, by peeling and pasting (Friedman & Fisher 1999).
    ///
    /// Example: effectchain discover output/latitude-payoff-sobol
    Discover(discover::DiscoverArgs),
    /// Search the policy levers for the best policy, with its ties.
    ///
    /// A coarse design over the levers' ranges, then rounds that refine
    /// around the best point, all paired with the base policy (common
    /// random numbers); the best points are re-evaluated on fresh
    /// replications and the best is reported with every point not
    /// distinguishable from it (Holm-corrected paired tests).
    ///
    /// Example: effectchain optimize configs/optimize/latitude-online-rival.toml
    Optimize(optimize::OptimizeArgs),
    /// Draw the plots and the report of an output folder.
    ///
    /// Reads the results in OUTPUT_DIR (a run, comparison, sweep or
    /// validation folder) and writes PNG and SVG plots beside them, plus
    /// report.html: one self-contained page with the question, the
    /// verdict, the key plots and tables, the config used and how to re-run
    /// it. `run`, `compare`, `sweep` and `validate` do this by default
    /// (unless --no-plots).
    ///
    /// Example: effectchain plot output/expert-store
    Plot(plot::PlotArgs),
    /// Re-run seeded golden files and compare their KPIs (for CI).
    ///
    /// Exit 0 if every golden file matches, 1 if any does not (a table of
    /// KPI, expected, got and difference is printed), 2 on bad input.
    /// `--bless` rewrites the expected values after an intended change.
    ///
    /// Example: effectchain check tests/golden/
    Check(check::CheckArgs),
    /// Open the what-if page for store managers in a browser.
    ///
    /// Starts a local web server (this machine only, unless --bind) and
    /// prints its address. The page shows the store of CONFIG and a
    /// control for every policy lever and for what kind of store it is; on
    /// every change it compares the changed policy with today's from the
    /// settled store, as `compare` does, refining the answer as more
    /// replications finish, and offers the config and the report to
    /// download.
    ///
    /// Example: effectchain serve configs/expert-store.toml --port 8080
    #[cfg(feature = "serve")]
    Serve(serve::ServeArgs),
    /// Check the model against the published figures it must reproduce.
    ///
    /// Runs the thirteen validation experiments (Sears chain, Oliva &
    /// Sterman erosion, Bowen & Lawler contingencies, interior optimum of
    /// latitude, customer lifetime value, Karasek job strain, Reichheld &
    /// Sasser, Jones & Sasser, loss aversion, de Matos et al., Harter et al.,
    /// busyness, Ton & Huckman) and prints each target, the figure obtained
    /// with its 95% CI, and pass or fail. Exit 0 when all pass, 1 otherwise
    /// (docs/VALIDATION.md lists the known fails and why). docs/VALIDATION.md
    /// explains each experiment.
    ///
    /// Example: effectchain validate --only sears
    Validate(validate::ValidateArgs),
    /// Re-run the calibration of the defaults fitted to a figure.
    ///
    /// Each calibration target names one parameter, one KPI of the default
    /// store and the figure it should show (docs/VALIDATION.md,
    /// Calibration); the parameter is searched by bisection, target after
    /// target, and the table shows the value found next to the committed
    /// default. Writes no files. Calibration figures are never validation
    /// targets.
    ///
    /// Example: effectchain calibrate --reduced
    Calibrate(calibrate::CalibrateArgs),
    /// Print a shell completion script.
    ///
    /// Generated from the same definitions as --help, for bash, zsh, fish,
    /// powershell or elvish; see `effectchain completions --help` for where
    /// to put it.
    ///
    /// Example: effectchain completions bash > ~/.local/share/bash-completion/completions/effectchain
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff).
    ///
    /// Generated from the same definitions as --help.
    ///
    /// Example: effectchain man > ~/.local/share/man/man1/effectchain.1
    Man(completions::ManArgs),
}

/// The result of parsing: a command to execute, or help/version text that
/// was already printed.
pub enum Parsed {
    Command(Cli),
    Shown,
}

/// How a command failed; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's input is wrong (usage, config, paths): exit code 2.
    Input,
    /// Anything else (I/O, resources), or a regression check that found a
    /// mismatch: exit code 1.
    Failure,
}

/// A one-line error message and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
}

impl CliError {
    pub fn input(message: impl Into<String>) -> CliError {
        CliError {
            kind: ErrorKind::Input,
            message: one_line(&message.into()),
        }
    }

    /// A golden check that did not match (exit code 1).
    pub fn mismatch(message: impl Into<String>) -> CliError {
        CliError::failure(message)
    }

    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            kind: ErrorKind::Failure,
            message: one_line(&message.into()),
        }
    }

    /// 2 for bad input or usage, 1 for other failures.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Input => 2,
            ErrorKind::Failure => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses the command line. Help and version requests are printed here
/// (to stdout) and reported as [`Parsed::Shown`]; usage errors become a
/// one-line [`CliError`] of kind [`ErrorKind::Input`].
pub fn parse<I, T>(args: I) -> Result<Parsed, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = Cli::command().try_get_matches_from(args);
    let parsed = matches.and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => Ok(Parsed::Command(cli)),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                match e.print() {
                    Err(io) if io.kind() != std::io::ErrorKind::BrokenPipe => {
                        Err(CliError::failure(format!("cannot print the help: {io}")))
                    }
                    _ => Ok(Parsed::Shown),
                }
            }
            clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Err(CliError::input(
                    "missing command: use `effectchain run CONFIG` or `effectchain init FILE` \
                     (see `effectchain --help`)",
                ))
            }
            clap::error::ErrorKind::InvalidSubcommand => Err(CliError::input(
                unknown_subcommand(&e).unwrap_or_else(|| clap_message(&e)),
            )),
            _ => Err(CliError::input(clap_message(&e))),
        },
    }
}

/// The message for a mistyped subcommand, with the nearest one when clap's
/// own similarity (Jaro) finds none: it misses transpositions such as
/// `rnu` for `run`, which an edit distance catches.
fn unknown_subcommand(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    if e.get(ContextKind::SuggestedSubcommand).is_some() {
        return None;
    }
    let Some(ContextValue::String(typed)) = e.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let nearest = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .map(|name| (strsim::osa_distance(typed, &name), name))
        .filter(|(d, name)| *d <= 2 && *d < name.len())
        .min()?;
    Some(format!(
        "unrecognized subcommand '{typed}'; did you mean `{}`? (see `effectchain --help`)",
        nearest.1
    ))
}

/// Runs a parsed command.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run::execute(&args),
        Command::Init(args) => init::execute(&args),
        Command::Compare(args) => compare::execute(&args),
        Command::Sweep(args) => sweep::execute(&args),
        Command::Merge(args) => sweep::merge(&args),
        Command::Sensitivity(args) => sensitivity::execute(&args),
        Command::Discover(args) => discover::execute(&args),
        Command::Optimize(args) => optimize::execute(&args),
        Command::Plot(args) => plot::execute(&args),
        Command::Check(args) => check::execute(&args),
        #[cfg(feature = "serve")]
        Command::Serve(args) => serve::execute(&args),
        Command::Validate(args) => validate::execute(&args),
        Command::Calibrate(args) => calibrate::execute(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
    }
}

/// Writes `text` to stdout. A closed pipe (`effectchain run ... | head`)
/// is not an error: the reader has what it wanted.
pub fn print_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::failure(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Condenses clap's multi-line error (message, tips, usage) into one line.
fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut message = String::new();
    for part in text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
    {
        if !message.is_empty() {
            message.push_str(if message.ends_with(':') { " " } else { "; " });
        }
        message.push_str(part);
    }
    format!("{message} (see `effectchain --help`)")
}

/// Joins the lines of a message so every error stays one line.
/// Control characters and escape sequences from the input are escaped and
/// an overlong message is cut ([`effectchain::input::clean_message`]).
fn one_line(s: &str) -> String {
    let joined = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    effectchain::input::clean_message(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent_and_fully_documented() {
        // `help_expected` makes this fail for any argument without help.
        Cli::command().debug_assert();
    }

    #[test]
    fn usage_errors_are_one_line_input_errors() {
        let Err(e) = parse(["effectchain", "run", "x.toml", "--sed", "3"]) else {
            panic!("expected an error");
        };
        assert_eq!(e.exit_code(), 2);
        assert!(!e.message.contains('\n'), "{}", e.message);
        assert!(e.message.contains("--sed"), "{}", e.message);
        let Err(e) = parse(["effectchain"]) else {
            panic!("expected an error");
        };
        assert_eq!(e.exit_code(), 2);
        assert!(!e.message.contains('\n'), "{}", e.message);
    }

    #[test]
    fn mistyped_subcommands_get_a_suggestion() {
        for (typed, meant) in [("rnu", "run"), ("swep", "sweep"), ("comapre", "compare")] {
            let Err(e) = parse(["effectchain", typed]) else {
                panic!("expected an error for {typed}");
            };
            assert_eq!(e.exit_code(), 2);
            assert!(
                e.message.contains(&format!("'{meant}'"))
                    || e.message.contains(&format!("`{meant}`")),
                "{typed}: {}",
                e.message
            );
        }
    }

    #[test]
    fn every_flag_has_a_long_help_that_says_more() {
        let mut cmd = Cli::command();
        cmd.build();
        for sub in cmd.get_subcommands() {
            for arg in sub.get_arguments() {
                if arg.get_id() == "help" || arg.get_id() == "version" {
                    continue;
                }
                let short = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                let long = arg
                    .get_long_help()
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                assert!(!short.is_empty(), "{}: no help", arg.get_id());
                assert!(long.len() > short.len(), "{}: no long help", arg.get_id());
            }
        }
    }
}
