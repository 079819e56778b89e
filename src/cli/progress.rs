//! The progress bar of `effectchain run`: an indicatif bar on stderr,
//! advanced by the library's per-replication callback.
//!
//! The bar is hidden when stderr is not a terminal (pipes, CI, tests) or
//! with `--quiet`, so non-interactive output stays clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Counts finished replications; safe to tick from worker threads.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` replications, hidden if `quiet` or if stderr is
    /// not a terminal.
    pub fn new(total: u64, quiet: bool) -> Progress {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        if let Ok(style) = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} replications (eta {eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar }
    }

    /// One more replication finished.
    pub fn tick(&self) {
        self.bar.inc(1);
    }

    /// Removes the bar before the report is printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
