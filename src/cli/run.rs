//! `effectchain run`: load a config, apply command-line overrides, run the
//! replications on a thread pool of the requested size, write the output
//! folder and print the headline KPIs.
//!
//! Everything is checked before the simulation starts (config, overrides,
//! thread count, output folder), so bad input never leaves a folder behind
//! and never wastes a long run.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::config::Config;
use effectchain::experiment::{self, RunResults};
use effectchain::output::{self, FolderKind, RunInfo};

use super::common::{
    build_pool, human, open_target, output_error, set_integer, write_output, Execution,
};
use super::progress::Progress;
use super::CliError;

/// Arguments of `effectchain run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario config file (TOML).
    ///
    /// Every section and key is optional; a missing key takes its default.
    /// `effectchain init FILE` writes a starter config with every key
    /// documented, and docs/MODEL.md explains the model behind each one.
    /// Unknown keys, wrong types and out-of-range values are errors that
    /// name the file, line and key.
    #[arg(value_name = "CONFIG")]
    pub config: PathBuf,

    /// Replications to run [overrides simulation.replications].
    ///
    /// Each replication is an independent simulation whose random streams
    /// derive from (seed, replication index). The 95% confidence intervals
    /// narrow with the square root of the count: four times as many
    /// replications halve them. Valid range: 1 to 1000000.
    #[arg(short, long, value_name = "N")]
    pub replications: Option<u64>,

    /// Master seed [overrides simulation.seed].
    ///
    /// Results are a function of (config, seed): the same pair gives
    /// byte-identical output files whatever the thread count. Rerun
    /// with another seed to check that a conclusion does not hinge on one
    /// set of draws. Valid range: 0 to 9223372036854775807.
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,

    /// Output folder [default: output/<config file stem>].
    ///
    /// Receives summary.json, daily.csv, replications.csv and
    /// manifest.json. The files are written to a temporary folder first;
    /// a previous output folder at DIR is replaced only once the new one is
    /// complete. An existing DIR that is not an effectchain output folder
    /// (no manifest.json) is never replaced.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub execution: Execution,
}

/// The KPIs printed after a run, with their labels.
const HEADLINE: [(&str, &str); 20] = [
    ("profit", "profit"),
    ("revenue", "revenue"),
    ("profit_margin", "profit margin"),
    ("conversion", "conversion"),
    ("mean_basket", "mean basket"),
    ("paid_hours_per_employee_week", "paid hours/employee"),
    ("abuse_per_employee_year", "abuse/employee/year"),
    ("visits", "visits"),
    ("served", "served"),
    ("lost_visit_share", "balked share"),
    ("active_customers", "active customers"),
    ("annual_retention", "annual retention"),
    ("mean_happiness", "mean happiness"),
    ("staff_satisfaction", "staff satisfaction"),
    ("exhaustion", "exhaustion"),
    ("annual_turnover", "annual turnover"),
    ("time_per_customer", "time per customer"),
    ("service_standard", "service standard"),
    ("queue_wait", "queue wait"),
    ("customer_base_value", "customer base value"),
];

/// Runs `effectchain run`.
pub fn execute(args: &RunArgs) -> Result<(), CliError> {
    let config = load(args)?;
    let pool = build_pool(args.execution.threads)?;
    effectchain::input::check_memory(
        &config,
        u64::from(config.simulation.replications),
        pool.current_num_threads() as u64,
        1,
        &args.config.display().to_string(),
    )
    .map_err(|e| CliError::input(e.to_string()))?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.config));
    let lock = open_target(&out, FolderKind::Run)?;

    let replications = u64::from(config.simulation.replications);
    let progress = Progress::new(replications, args.execution.quiet);
    let results = pool.install(|| experiment::run(&config, &|| progress.tick()));
    progress.finish();

    let command_line = recorded_command_line(args);
    let info = RunInfo {
        config: &config,
        config_path: Some(&args.config),
        command_line: &command_line,
    };
    let files = output::render(&results, &info).map_err(output_error)?;
    // The results are safe on disk; a plot failure prints the KPIs first
    // and then fails with exit code 1.
    let plots = write_output(&lock, FolderKind::Run, &files, args.execution.no_plots)?;
    let mut text = report(&config, &results, &out);
    if let Some(Ok(report_path)) = &plots {
        text.push_str(&format!("Report: {}\n", report_path.display()));
    }
    super::print_stdout(&text)?;
    plots.transpose().map(|_| ())
}

/// Loads the config and applies the overrides, each re-validated.
fn load(args: &RunArgs) -> Result<Config, CliError> {
    let mut config = Config::from_file(&args.config).map_err(|e| CliError::input(e.to_string()))?;
    if let Some(n) = args.replications {
        set_integer(&mut config, "--replications", "simulation.replications", n)?;
    }
    if let Some(seed) = args.seed {
        set_integer(&mut config, "--seed", "simulation.seed", seed)?;
    }
    Ok(config)
}

/// `output/<config file stem>`.
fn default_out(config: &Path) -> PathBuf {
    let stem = config
        .file_stem()
        .filter(|s| !s.is_empty())
        .map_or_else(|| "run".into(), |s| s.to_os_string());
    Path::new("output").join(stem)
}

/// The command line recorded in the manifest: a canonical form of this
/// invocation without `--threads` and `--quiet` (they cannot change the
/// results), so that runs differing only in them write identical files.
fn recorded_command_line(args: &RunArgs) -> Vec<String> {
    let mut line = vec![
        "effectchain".to_string(),
        "run".to_string(),
        args.config.display().to_string(),
    ];
    if let Some(n) = args.replications {
        line.extend(["--replications".to_string(), n.to_string()]);
    }
    if let Some(s) = args.seed {
        line.extend(["--seed".to_string(), s.to_string()]);
    }
    if let Some(out) = &args.out {
        line.extend(["--out".to_string(), out.display().to_string()]);
    }
    line
}

/// The human-readable summary printed after a run.
fn report(config: &Config, results: &RunResults, out: &Path) -> String {
    let sim = &config.simulation;
    let reps = &results.replications;
    let settled = reps.iter().filter(|r| r.burn_in.settled).count();
    let burn_years = reps
        .iter()
        .map(|r| f64::from(r.burn_in.days) / f64::from(effectchain::model::DAYS_PER_YEAR))
        .sum::<f64>()
        / reps.len().max(1) as f64;
    let mut s = if sim.shared_burn_in {
        format!(
            "{} replications of {} measured days after one shared burn-in of {:.1} years \
             ({}; simulation.shared_burn_in), seed {}\n\n",
            reps.len(),
            sim.days,
            burn_years,
            if settled > 0 {
                "settled"
            } else {
                "not settled"
            },
            results.seed
        )
    } else {
        format!(
            "{} replications of {} measured days after a burn-in of {:.1} years on average \
             ({settled} of {} settled), seed {}\n\n",
            reps.len(),
            sim.days,
            burn_years,
            reps.len(),
            results.seed
        )
    };
    s.push_str(&format!(
        "{:<20} {:>13}  {:<29} {}\n",
        "KPI", "mean", "95% CI", "unit"
    ));
    for (name, label) in HEADLINE {
        let (Some(stats), Some(def)) = (
            results.kpi(name),
            effectchain::engine::KPI_DEFS
                .iter()
                .find(|d| d.name == name),
        ) else {
            continue;
        };
        let ci = format!("[{}, {}]", human(stats.ci_low), human(stats.ci_high));
        s.push_str(&format!(
            "{:<20} {:>13}  {:<29} {}\n",
            label,
            human(stats.mean),
            ci,
            def.unit
        ));
    }
    s.push_str(&format!("\nOutput: {}\n", out.display()));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use effectchain::engine::KPI_DEFS;

    #[test]
    fn headline_kpis_exist() {
        for (name, _) in HEADLINE {
            assert!(KPI_DEFS.iter().any(|d| d.name == name), "{name}");
        }
    }

    #[test]
    fn default_out_uses_the_config_stem() {
        assert_eq!(
            default_out(Path::new("configs/expert-store.toml")),
            Path::new("output").join("expert-store")
        );
    }

    #[test]
    fn recorded_command_line_omits_threads_and_quiet() {
        let args = RunArgs {
            config: "a.toml".into(),
            replications: Some(3),
            seed: None,
            out: Some("o".into()),
            execution: Execution {
                threads: Some(4),
                quiet: true,
                no_plots: true,
            },
        };
        assert_eq!(
            recorded_command_line(&args),
            [
                "effectchain",
                "run",
                "a.toml",
                "--replications",
                "3",
                "--out",
                "o"
            ]
        );
    }
}
