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
        Progress::with_unit(total, "replications", quiet)
    }

    /// A bar counting `total` items called `unit` (such as "points").
    pub fn with_unit(total: u64, unit: &str, quiet: bool) -> Progress {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        if let Ok(style) = ProgressStyle::with_template(&format!(
            "{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {unit} (eta {{eta}})"
        )) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress { bar }
    }

    /// `n` items were already done before this run (a resumed sweep).
    pub fn advance(&self, n: u64) {
        self.bar.inc(n);
        self.bar.reset_eta();
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
