//! `effectchain discover DIR`: scenario discovery (PRIM) on a finished
//! sweep or sensitivity folder: the box of the parameter space where a
//! condition on an output holds, by default where the profit difference to
//! the baseline is negative (where the policy does not pay).

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::experiment::discover::{prim, BoxStats, Discovery, Settings};
use effectchain::output::columns;
use effectchain::output::discover as files;
use effectchain::output::{owner, FolderKind, FolderLock};

use super::common::{human, output_error};
use super::CliError;

/// Arguments of `effectchain discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// A finished sweep or sensitivity folder.
    ///
    /// Its points.csv is read: the parameter columns are the dimensions
    /// of the boxes, the other columns can be named in --condition.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// The cases of interest, such as "profit_mean < 50000".
    ///
    /// `COLUMN < VALUE` or `COLUMN > VALUE` on a column of points.csv
    /// [default: `profit_diff_mean < 0` when the folder has a baseline:
    /// where the policy loses money against it].
    #[arg(long, value_name = "CONDITION")]
    pub condition: Option<String>,

    /// The least share of the cases the chosen box must cover.
    ///
    /// Of the boxes on the peeling trajectory covering at least this share
    /// of the cases of interest, the densest is chosen (then pasted).
    #[arg(long, value_name = "SHARE", default_value_t = 0.8)]
    pub min_coverage: f64,

    /// Output folder [default: DIR].
    ///
    /// Receives prim-trajectory.csv and prim-box.json; it must be new,
    /// empty or a folder effectchain wrote.
    #[arg(short, long, value_name = "OUT")]
    pub out: Option<PathBuf>,

    /// Print nothing but errors.
    ///
    /// The box is still written to prim-box.json.
    #[arg(short, long)]
    pub quiet: bool,

    /// Do not redraw the folder's report.
    ///
    /// By default the plots and report.html of DIR are drawn again, and
    /// the report then shows the box; `effectchain plot DIR` does it later.
    #[arg(long)]
    pub no_plots: bool,
}

/// A parsed `COLUMN < VALUE` condition.
struct Condition {
    column: String,
    below: bool,
    value: f64,
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    let (op, below) = if text.contains('<') {
        ('<', true)
    } else if text.contains('>') {
        ('>', false)
    } else {
        return Err(format!(
            "expected `COLUMN < VALUE` or `COLUMN > VALUE`, found `{text}`"
        ));
    };
    let (column, value) = text.split_once(op).expect("has the operator");
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("expected a number after `{op}`, found `{}`", value.trim()))?;
    if !value.is_finite() {
        return Err(format!("expected a finite number after `{op}`"));
    }
    Ok(Condition {
        column: column.trim().to_string(),
        below,
        value,
    })
}

/// Runs `effectchain discover`.
pub fn execute(args: &DiscoverArgs) -> Result<(), CliError> {
    if !(args.min_coverage > 0.0 && args.min_coverage <= 1.0) {
        return Err(CliError::input(format!(
            "--min-coverage: expected a share above 0 and at most 1, found {}",
            args.min_coverage
        )));
    }
    let table = files::read_points(&args.dir).map_err(|e| CliError::input(e.to_string()))?;
    let losses = loss_column();
    let condition = match &args.condition {
        Some(c) => parse_condition(c).map_err(|e| CliError::input(format!("--condition: {e}")))?,
        None if table.columns.contains(&losses) => Condition {
            column: losses,
            below: true,
            value: 0.0,
        },
        None => {
            return Err(CliError::input(format!(
                "{}: the folder has no baseline; give --condition such as \"profit_mean < 0\"",
                args.dir.display()
            )))
        }
    };
    let Some(col) = table.columns.iter().position(|c| *c == condition.column) else {
        return Err(CliError::input(format!(
            "--condition: `{}` is not a column of {}; expected one of {}",
            condition.column,
            args.dir
                .join(effectchain::output::sweep::POINTS_FILE)
                .display(),
            table.columns.join(", ")
        )));
    };
    let y: Vec<bool> = table
        .outputs
        .iter()
        .map(|r| {
            if condition.below {
                r[col] < condition.value
            } else {
                r[col] > condition.value
            }
        })
        .collect();
    let settings = Settings {
        min_coverage: args.min_coverage,
        ..Settings::default()
    };
    let out = args.out.clone().unwrap_or_else(|| args.dir.clone());
    let lock = FolderLock::acquire(&out).map_err(output_error)?;
    owner::check_owned(&out, FolderKind::Sweep).map_err(output_error)?;
    let discovery = prim(&table.parameters, &y, settings);
    let text = match &discovery {
        None => format!(
            "No point satisfies `{} {} {}`: nothing to discover.\n",
            condition.column,
            if condition.below { "<" } else { ">" },
            condition.value
        ),
        Some(d) => {
            std::fs::create_dir_all(&out)
                .map_err(|e| CliError::failure(format!("{}: {e}", out.display())))?;
            if owner::read_marker(&out).is_none() {
                owner::write_marker(&out, FolderKind::Sweep).map_err(output_error)?;
            }
            files::write(
                &out,
                &table.names,
                &condition.column,
                condition.below,
                condition.value,
                d,
            )
            .map_err(output_error)?;
            describe(&table.names, &condition, d, &out)
        }
    };
    // The report of the folder shows the box once redrawn; only where
    // the results are (an -o folder holds no points to plot).
    let plots = (!args.no_plots && discovery.is_some() && out == args.dir)
        .then(|| super::plot::render_results(&out));
    let mut text = text;
    if let Some(Ok(report)) = &plots {
        text.push_str(&format!("Report: {}\n", report.display()));
    }
    drop(lock);
    if !args.quiet {
        super::print_stdout(&text)?;
    }
    plots.transpose().map(|_| ())
}

/// The box's restrictions in words: `nonroutine_share < 0.18 and ...`.
pub fn restrictions(names: &[String], b: &BoxStats, full_low: &[f64], full_high: &[f64]) -> String {
    b.restricted
        .iter()
        .map(|&j| {
            let (lo, hi) = (b.limits.low[j], b.limits.high[j]);
            let name = &names[j];
            match (lo > full_low[j], hi < full_high[j]) {
                (true, true) => format!("{} <= {name} <= {}", human(lo), human(hi)),
                (true, false) => format!("{name} >= {}", human(lo)),
                _ => format!("{name} <= {}", human(hi)),
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The column of the default condition: the mean profit difference to the
/// baseline (`profit_diff_mean`).
fn loss_column() -> String {
    let [mean, ..] = columns::estimate(&columns::difference("profit"));
    mean
}

fn describe(names: &[String], c: &Condition, d: &Discovery, out: &Path) -> String {
    let full = &d.trajectory[0].limits;
    let b = &d.pasted;
    let what = if c.column == loss_column() && c.below && c.value == 0.0 {
        "The policy loses money against the baseline".to_string()
    } else {
        format!(
            "`{} {} {}` holds",
            c.column,
            if c.below { "<" } else { ">" },
            human(c.value)
        )
    };
    let mut s = format!(
        "{} in {:.0}% of the points. PRIM ({} peeling steps, box {} of the trajectory, pasted):\n",
        what,
        100.0 * d.base_density,
        d.trajectory.len() - 1,
        d.chosen
    );
    if b.restricted.is_empty() {
        s.push_str(
            "  no box restricts any parameter: the cases are not concentrated in one region\n",
        );
    } else {
        s.push_str(&format!(
            "  {} when {}: {:.0}% of those cases (coverage), {:.0}% of the points in the box (density), {:.0}% of all points (mass)\n",
            what.split(" in ").next().unwrap_or(&what),
            restrictions(names, b, &full.low, &full.high),
            100.0 * b.coverage,
            100.0 * b.density,
            100.0 * b.mass
        ));
    }
    s.push_str(&format!(
        "\nOutput: {} and {} in {}\n",
        files::TRAJECTORY_FILE,
        files::BOX_FILE,
        out.display()
    ));
    s
}
