//! `effectchain compare A B`: run two policies with common random numbers
//! from the same settled store and report what the switch to B is worth by
//! year, its payback day, its long-run difference per year and its NPV, the
//! paired difference of every KPI, the probability that B beats A on
//! profit, and the terms the profit difference splits into.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::config::Config;
use effectchain::engine::{HEADLINE_KPIS, KPI_DEFS};
use effectchain::experiment::compare::{
    compare_runs, differences_fixed_before_the_switch, ComparisonRuns, MECHANISMS,
};
use effectchain::experiment::switch::DAYS_PER_YEAR;
use effectchain::output::{comparison, FolderKind};

use super::common::{
    build_pool, human, open_target, output_error, set_integer, stem_or, write_output, Execution,
};
use super::progress::Progress;
use super::CliError;

/// Arguments of `effectchain compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Config of policy A, the reference (TOML).
    ///
    /// Usually the store as it is today, such as
    /// configs/expert-store.toml. Its simulation.replications and
    /// simulation.seed are used unless --replications or --seed are given.
    #[arg(value_name = "A")]
    pub a: PathBuf,

    /// Config of policy B, the alternative (TOML).
    ///
    /// Differences are reported as B - A. The two configs may differ in
    /// any key that can change in a running store, not only the policy
    /// section; a difference in a key that only sets up the stores before
    /// the switch (the chain's stores and spreads except
    /// chain.manager_change_sd, the initial base, the staff's initial
    /// exhaustion and utilisation) is an error. B's [simulation] is not
    /// used: A's decides the run.
    #[arg(value_name = "B")]
    pub b: PathBuf,

    /// Replication pairs [default: A's simulation.replications].
    ///
    /// Pair k runs A and B with the same random streams (seed, k), so the
    /// difference B_k - A_k is far less noisy than two independent runs.
    #[arg(short, long, value_name = "N")]
    pub replications: Option<u64>,

    /// Master seed [default: A's simulation.seed].
    ///
    /// Both policies use it, B's own seed is ignored: pairing needs the
    /// same streams. Rerun with another seed to check that a verdict does
    /// not hinge on one set of draws.
    #[arg(short, long, value_name = "S")]
    pub seed: Option<u64>,

    /// Output folder [default: output/compare-<A stem>-vs-<B stem>].
    ///
    /// Receives comparison.json, comparison.csv, cumulative-difference.csv,
    /// daily-a.csv, daily-b.csv and manifest.json, written atomically like
    /// `run`'s folder.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub execution: Execution,
}

/// `LINE:COLUMN` of `key` in the config file at `path`, if the file
/// writes it.
fn line_of(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    effectchain::input::find_key(&text, key).map(|(line, col)| format!("{line}:{col}"))
}

/// The error for a key that B sets differently from A although it only
/// sets up the stores before the switch: placed at B's line when B writes
/// the key, else at A's (B then has the default).
fn fixed_key_error((a, in_a): (&Path, f64), (b, in_b): (&Path, f64), key: &str) -> String {
    let line_in = |path: &Path| line_of(path, key);
    let number = effectchain::input::number;
    let (va, vb) = (number(in_a), number(in_b));
    let what = match (line_in(b), line_in(a)) {
        (Some(at), _) => format!(
            "{}:{at}: key `{key}`: {vb} here but {va} in {}",
            b.display(),
            a.display()
        ),
        (None, Some(at)) => format!(
            "{}: key `{key}`: not set here, so {vb} (its default), but {va} in {}:{at}",
            b.display(),
            a.display()
        ),
        (None, None) => format!(
            "{}: key `{key}`: {vb} here but {va} in {}",
            b.display(),
            a.display()
        ),
    };
    format!(
        "{what}; compare switches one running store from A to B, and this key \
         sets up the stores before the switch, so B's value would be ignored. \
         Give both configs the same value, or run each with `effectchain run`"
    )
}

/// The error for a B that asks for the shared burn-in A does not have:
/// the run's design is A's `[simulation]`, which B's other keys routinely
/// leave at their defaults, but a B that turns this key on means it, and
/// ignoring it would change what the comparison's intervals mean without
/// a word (docs/EXPERIMENTS.md, Shared burn-in).
fn shared_burn_in_in_b_error(a: &Path, b: &Path) -> String {
    let key = "simulation.shared_burn_in";
    let at = line_of(b, key)
        .map(|at| format!(":{at}"))
        .unwrap_or_default();
    format!(
        "{}{at}: key `{key}`: true here but false in {}; compare runs the design of A's \
         [simulation] (seed, replications, burn-in), so B's value would be ignored. Set \
         `shared_burn_in = true` under [simulation] in A, or remove it from B",
        b.display(),
        a.display()
    )
}

/// Runs `effectchain compare`.
pub fn execute(args: &CompareArgs) -> Result<(), CliError> {
    let load = |p: &Path| Config::from_file(p).map_err(|e| CliError::input(e.to_string()));
    let mut a = load(&args.a)?;
    let b = load(&args.b)?;
    if let Some(n) = args.replications {
        set_integer(&mut a, "--replications", "simulation.replications", n)?;
    }
    if let Some(seed) = args.seed {
        set_integer(&mut a, "--seed", "simulation.seed", seed)?;
    }
    if let Some((key, in_a, in_b)) = differences_fixed_before_the_switch(&a, &b).first() {
        return Err(CliError::input(fixed_key_error(
            (&args.a, *in_a),
            (&args.b, *in_b),
            key,
        )));
    }

    if b.simulation.shared_burn_in && !a.simulation.shared_burn_in {
        return Err(CliError::input(shared_burn_in_in_b_error(&args.a, &args.b)));
    }

    let pool = build_pool(args.execution.threads)?;
    for (config, path) in [(&a, &args.a), (&b, &args.b)] {
        effectchain::input::check_memory(
            config,
            u64::from(a.simulation.replications),
            pool.current_num_threads() as u64,
            2,
            &path.display().to_string(),
        )
        .map_err(|e| CliError::input(e.to_string()))?;
    }
    let (label_a, label_b) = (stem_or(&args.a, "config"), stem_or(&args.b, "config"));
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("compare-{label_a}-vs-{label_b}")));
    let lock = open_target(&out, FolderKind::Comparison)?;

    let seed = a.simulation.seed;
    let replications = a.simulation.replications;
    let progress = Progress::new(u64::from(replications), args.execution.quiet);
    let runs = pool.install(|| compare_runs(&a, &b, seed, replications, &|| progress.tick()));
    progress.finish();

    let side_a = comparison::Side {
        label: label_a,
        config_path: args.a.display().to_string(),
        config: &a,
    };
    let side_b = comparison::Side {
        label: label_b,
        config_path: args.b.display().to_string(),
        config: &b,
    };
    let mut command_line = vec![
        "effectchain".to_string(),
        "compare".to_string(),
        args.a.display().to_string(),
        args.b.display().to_string(),
    ];
    if let Some(n) = args.replications {
        command_line.extend(["--replications".into(), n.to_string()]);
    }
    if let Some(s) = args.seed {
        command_line.extend(["--seed".into(), s.to_string()]);
    }
    if let Some(o) = &args.out {
        command_line.extend(["--out".into(), o.display().to_string()]);
    }
    let files = comparison::render(&runs, &side_a, &side_b, &command_line).map_err(output_error)?;
    // The results are safe on disk; a plot failure prints the report first
    // and then fails with exit code 1.
    let plots = write_output(
        &lock,
        FolderKind::Comparison,
        &files,
        args.execution.no_plots,
    )?;
    let mut text = report(&runs, &side_a, &side_b, &out);
    if let Some(Ok(report_path)) = &plots {
        text.push_str(&format!("Report: {}\n", report_path.display()));
    }
    super::print_stdout(&text)?;
    plots.transpose().map(|_| ())
}

fn report(
    runs: &ComparisonRuns,
    a: &comparison::Side<'_>,
    b: &comparison::Side<'_>,
    out: &Path,
) -> String {
    let c = &runs.comparison;
    let mut s = format!(
        "{} paired replications (common random numbers), seed {}: B = {} vs A = {}\n\n",
        c.replications, c.seed, b.label, a.label
    );
    s.push_str(&format!(
        "{:<20} {:>12} {:>12} {:>12}  {:<27}\n",
        "KPI", "A", "B", "B - A", "95% CI of B - A"
    ));
    for name in HEADLINE_KPIS {
        let i = KPI_DEFS
            .iter()
            .position(|d| d.name == *name)
            .expect("known KPI");
        let d = &c.difference[i];
        s.push_str(&format!(
            "{:<20} {:>12} {:>12} {:>12}  [{}, {}]\n",
            name,
            human(c.a[i].mean),
            human(c.b[i].mean),
            human(d.mean),
            human(d.ci_low),
            human(d.ci_high)
        ));
    }
    s.push_str("\nProfit difference by term (EUR, the terms add up to the total):\n");
    for ((name, _), m) in MECHANISMS.iter().zip(&c.mechanisms) {
        s.push_str(&format!(
            "  {:<24} {:>12}  [{}, {}]\n",
            name,
            human(m.mean),
            human(m.ci_low),
            human(m.ci_high)
        ));
    }
    let w = &c.switch;
    s.push_str(&format!(
        "\nProfit difference B - A after the switch ({} days, EUR):\n",
        w.days
    ));
    for y in &w.by_year {
        let part = if y.days == DAYS_PER_YEAR {
            String::new()
        } else {
            format!(" ({} days)", y.days)
        };
        s.push_str(&format!(
            "  {:<30} {:>12}  [{}, {}]\n",
            format!("year {}{part}", y.year),
            human(y.difference.mean),
            human(y.difference.ci_low),
            human(y.difference.ci_high)
        ));
    }
    if let Some(l) = &w.long_run {
        s.push_str(&format!(
            "  {:<30} {:>12}  [{}, {}]\n",
            format!(
                "long run, per year ({})",
                comparison::years_text(l.first_year, l.last_year)
            ),
            human(l.per_year.mean),
            human(l.per_year.ci_low),
            human(l.per_year.ci_high)
        ));
    }
    s.push_str(&format!(
        "  {:<30} {:>12}  [{}, {}]\n",
        format!("NPV at {}%", (1000.0 * w.discount_rate).round() / 10.0),
        human(w.npv.mean),
        human(w.npv.ci_low),
        human(w.npv.ci_high)
    ));
    let day = |d: Option<usize>| d.map_or("never".to_string(), |d| d.to_string());
    s.push_str(&format!(
        "  {:<30} {:>12}  [{}, {}]  (first day from which the cumulative difference stays > 0)\n",
        "payback day",
        day(w.payback.day),
        day(w.payback.ci_early),
        day(w.payback.ci_late)
    ));
    s.push_str(&format!(
        "\nB made more profit than A in {:.0}% of paired replications; P(B's expected profit > A's) = {:.3}.\n",
        100.0 * c.share_b_better,
        c.prob_b_better
    ));
    s.push_str(&format!("Verdict: {}\n", comparison::verdict(runs, a, b)));
    s.push_str(&format!("\nOutput: {}\n", out.display()));
    s
}
