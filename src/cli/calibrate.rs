//! `effectchain calibrate`: re-run the calibration procedure and print
//! what it finds next to the committed defaults.

use clap::Args;
use effectchain::calibrate;
use effectchain::validate::Size;

use super::common::build_pool;
use super::{print_stdout, CliError};

/// Arguments of `effectchain calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Fewer replications and bisection steps, as the test suite runs it.
    ///
    /// 8 bisection steps instead of 14 (the same 20 replications): a
    /// coarser found value in about half the time.
    #[arg(long)]
    pub reduced: bool,

    /// Worker threads [default: all cores]; results do not depend on it.
    ///
    /// Replications run in parallel and are combined in a fixed order, so
    /// every thread count finds the same values.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `effectchain calibrate`.
pub fn execute(args: &CalibrateArgs) -> Result<(), CliError> {
    let pool = build_pool(args.threads)?;
    let size = if args.reduced {
        Size::Reduced
    } else {
        Size::Full
    };
    let fits = pool.install(|| calibrate::calibrate(size));
    print_stdout(&calibrate::table(&fits, size))
}
