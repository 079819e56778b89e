//! `effectchain validate`: run the validation experiments (the model
//! against the published figures), print a table of target, obtained figure
//! and verdict, and write the results and plots.

use std::path::PathBuf;

use clap::Args;
use effectchain::output::{validation, FolderKind};
use effectchain::validate::{Outcome, Size, EXPERIMENTS};

use super::common::{build_pool, open_target, output_error, write_output};
use super::CliError;

/// Arguments of `effectchain validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Run one experiment only.
    ///
    /// NAME is one of sears, erosion, contingencies, balance, clv, strain,
    /// reichheld, jones_sasser_topbox, loss_aversion, de_matos, harter,
    /// busyness or ton_huckman; docs/VALIDATION.md describes each.
    #[arg(long, value_name = "NAME")]
    pub only: Option<String>,

    /// Run the reduced versions, as the test suite does.
    ///
    /// Same seeds and pass criteria, fewer stores, replications and weeks:
    /// seconds instead of minutes, with wider confidence intervals.
    #[arg(long)]
    pub reduced: bool,

    /// Output folder [default: output/validation].
    ///
    /// Receives validation.json, validation.csv, one CSV per plot and
    /// manifest.json, written atomically, then the plots and report.html.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Worker threads [default: all cores]; results do not depend on it.
    ///
    /// Each replication (or sweep point) is one unit of work and results
    /// are combined in a fixed order, so every thread count gives
    /// byte-identical files. Use fewer threads to keep cores free.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Do not draw plots or the report.
    ///
    /// `effectchain plot DIR` draws them later.
    #[arg(long)]
    pub no_plots: bool,

    /// Do not print which experiment is running.
    ///
    /// The "running NAME ..." lines go to stderr; the table of results
    /// still goes to stdout and errors to stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `effectchain validate`.
pub fn execute(args: &ValidateArgs) -> Result<(), CliError> {
    let chosen: Vec<_> = match &args.only {
        Some(name) => {
            let e = EXPERIMENTS.iter().find(|e| e.name == name).ok_or_else(|| {
                let names: Vec<_> = EXPERIMENTS.iter().map(|e| e.name).collect();
                CliError::input(format!(
                    "--only: unknown experiment `{name}`; expected one of {}",
                    names.join(", ")
                ))
            })?;
            vec![e]
        }
        None => EXPERIMENTS.iter().collect(),
    };
    let pool = build_pool(args.threads)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/validation"));
    let lock = open_target(&out, FolderKind::Validation)?;
    let size = if args.reduced {
        Size::Reduced
    } else {
        Size::Full
    };
    let mut outcomes: Vec<Outcome> = Vec::new();
    for e in chosen {
        if !args.quiet {
            eprintln!("running {} ...", e.name);
        }
        outcomes.push(pool.install(|| (e.run)(size)));
    }
    let mut command_line = vec!["effectchain".to_string(), "validate".to_string()];
    if let Some(o) = &args.only {
        command_line.extend(["--only".into(), o.clone()]);
    }
    if args.reduced {
        command_line.push("--reduced".into());
    }
    let files = validation::render(
        &outcomes,
        if args.reduced { "reduced" } else { "full" },
        &command_line,
    )
    .map_err(output_error)?;
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let plots = write_output(&lock, FolderKind::Validation, &refs, args.no_plots)?;
    let mut text = table(&outcomes);
    text.push_str(&format!("\nOutput: {}\n", out.display()));
    if let Some(Ok(report)) = &plots {
        text.push_str(&format!("Report: {}\n", report.display()));
    }
    super::print_stdout(&text)?;
    plots.transpose()?;
    let failed = outcomes.iter().filter(|o| !o.pass()).count();
    if failed > 0 {
        return Err(CliError::mismatch(format!(
            "{failed} of {} validation experiments failed",
            outcomes.len()
        )));
    }
    Ok(())
}

/// The table printed after a validation run.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    for o in outcomes {
        s.push_str(&format!(
            "{} [{}]: {}\n",
            o.title,
            o.name,
            if o.pass() { "PASS" } else { "FAIL" }
        ));
        for c in &o.criteria {
            s.push_str(&format!(
                "  {} {}\n      target: {}\n      obtained: {} (95% CI {} to {})\n",
                if c.pass { "pass" } else { "FAIL" },
                c.measure,
                c.target,
                num(c.obtained.value),
                num(c.obtained.ci_low),
                num(c.obtained.ci_high)
            ));
        }
    }
    s
}

fn num(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1e-3 || v == 0.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    }
}
