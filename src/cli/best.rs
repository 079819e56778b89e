//! The best point of a finished sweep with a baseline and its ties, for
//! `effectchain sweep` and `effectchain merge --sweep`: computed, written
//! to best.json and said in words.

use std::path::Path;

use effectchain::experiment::best::{self, Best};
use effectchain::experiment::sweep::Sweep;
use effectchain::output::best as files;
use effectchain::output::sweep::POINTS_FILE;

use super::common::{human, output_error};
use super::CliError;

/// Finds the best point of the sweep in `out` and its ties, writes
/// best.json and returns the sentences for the terminal (empty when the
/// sweep has no baseline, no profit or a single replication).
pub fn report(sweep: &Sweep, out: &Path) -> Result<String, CliError> {
    if !best::applies(sweep) {
        return Ok(String::new());
    }
    let rows = files::read_rows(&out.join(POINTS_FILE), sweep).map_err(output_error)?;
    let Some(b) = best::analyse(sweep, &rows) else {
        return Ok(String::new());
    };
    files::write(out, &b).map_err(output_error)?;
    Ok(describe(
        &b,
        &rows.iter().map(|r| r.values.clone()).collect::<Vec<_>>(),
    ))
}

fn signed(v: f64) -> String {
    if v >= 0.0 {
        format!("+{}", human(v))
    } else {
        format!("-{}", human(-v))
    }
}

fn values(b: &Best, v: &[f64]) -> String {
    b.parameters
        .iter()
        .zip(v)
        .map(|(p, x)| format!("{p} = {}", human(*x)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The best point and its ties in words; `all` holds every point's values.
pub fn describe(b: &Best, all: &[Vec<f64>]) -> String {
    let lo = b.tied.iter().map(|c| c.mean).fold(f64::INFINITY, f64::min);
    let hi = b
        .tied
        .iter()
        .map(|c| c.mean)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut s = format!(
        "Best: {} ({} EUR a year over the baseline, 95% CI {} to {})\n",
        values(b, &b.best.values),
        signed(b.best.mean),
        signed(b.best.ci_low),
        signed(b.best.ci_high)
    );
    if b.tied.len() == 1 {
        s.push_str(&format!(
            "  no other point is tied with it: all {} are worse (Holm-corrected paired tests, 5% familywise)\n",
            b.worse
        ));
        return s;
    }
    let tied_text = if b.parameters.len() == 1 {
        // One parameter: a contiguous run of values reads as a range.
        let mut xs: Vec<f64> = all.iter().map(|v| v[0]).collect();
        xs.sort_by(f64::total_cmp);
        let mut tied: Vec<f64> = b.tied.iter().map(|c| c.values[0]).collect();
        tied.sort_by(f64::total_cmp);
        let first = xs.iter().position(|x| *x == tied[0]);
        let contiguous = first.is_some_and(|f| xs[f..].starts_with(&tied));
        if contiguous {
            format!(
                "{} {}-{} are tied for best",
                b.parameters[0],
                human(tied[0]),
                human(*tied.last().expect("two or more"))
            )
        } else {
            format!(
                "{} = {} are tied for best",
                b.parameters[0],
                tied.iter()
                    .map(|x| human(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    } else {
        let shown: Vec<String> = b
            .tied
            .iter()
            .take(8)
            .map(|c| format!("({})", values(b, &c.values)))
            .collect();
        let more = b.tied.len().saturating_sub(8);
        format!(
            "{} points are tied for best: {}{}",
            b.tied.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more (see best.json)")
            } else {
                String::new()
            }
        )
    };
    s.push_str(&format!(
        "  {tied_text} ({} to {} EUR a year); {} is highest; {} points are worse (Holm-corrected paired tests, 5% familywise)\n",
        signed(lo),
        signed(hi),
        values(b, &b.best.values),
        b.worse
    ));
    s
}
