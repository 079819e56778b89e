//! Helpers every subcommand shares: the worker pool, error mapping for
//! output folders, overrides of whole-number keys, and numbers for people.

use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::config::{Config, ConfigError};
use effectchain::output::{self, FolderKind, FolderLock};

use super::CliError;

/// How a simulating command runs, shared by `run`, `compare` and `sweep`:
/// none of these flags changes a result, only how it is produced.
#[derive(Debug, Args)]
pub struct Execution {
    /// Worker threads [default: SLURM_CPUS_PER_TASK when set, else all
    /// cores].
    ///
    /// Changes only how long the work takes: each replication (or sweep
    /// point) is one unit of work and results are combined in a fixed
    /// order, so every thread count gives byte-identical files, and no
    /// output file records it. Use fewer threads to keep cores free. In a
    /// Slurm job the default is the job's `--cpus-per-task` (`-c`), which
    /// Slurm passes as SLURM_CPUS_PER_TASK.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Do not draw the progress bar.
    ///
    /// The bar is drawn on stderr only when stderr is a terminal, so
    /// scripts and pipes never see it; this flag hides it on a terminal
    /// too. Results still go to stdout, errors to stderr.
    #[arg(short, long)]
    pub quiet: bool,

    /// Do not draw plots or the report.
    ///
    /// By default PNG and SVG plots (plot-*.png, plot-*.svg) and
    /// report.html are written into the output folder once the results are
    /// safely written; `effectchain plot DIR` draws them later.
    #[arg(long)]
    pub no_plots: bool,
}

/// Sets a whole-number key from a command-line flag, re-validated, with
/// the flag named in the error.
pub fn set_integer(config: &mut Config, flag: &str, key: &str, value: u64) -> Result<(), CliError> {
    // TOML integers are signed 64-bit; larger values could not be recorded
    // in the manifest's TOML.
    let Ok(v) = i64::try_from(value) else {
        return Err(CliError::input(format!(
            "{flag}: key `{key}`: expected a whole number up to {}, found {value}",
            i64::MAX
        )));
    };
    config
        .set(key, toml::Value::Integer(v))
        .map_err(|e: ConfigError| {
            CliError::input(
                ConfigError {
                    origin: flag.to_string(),
                    ..e
                }
                .to_string(),
            )
        })
}

/// Most worker threads per core `--threads` accepts: more only slow the
/// work down (a million would take minutes just to start).
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The variable through which Slurm tells a job how many CPUs it has.
pub const SLURM_CPUS: &str = "SLURM_CPUS_PER_TASK";

/// The thread count when `--threads` is not given: Slurm's
/// `--cpus-per-task` when the job sets it (`value` is SLURM_CPUS_PER_TASK),
/// else `None` (all cores). A job's CPU affinity does not always bind its
/// threads (a `-c 1` job saw every core), so the count Slurm granted is
/// used instead of what the machine shows.
pub fn default_threads(value: Option<&std::ffi::OsStr>) -> Result<Option<usize>, CliError> {
    let Some(value) = value else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(CliError::input(format!(
            "{SLURM_CPUS} is `{}`, expected a whole number of CPUs from 1 (Slurm sets it from \
             --cpus-per-task); unset it or give --threads N",
            effectchain::input::quote(&text)
        ))),
    }
}

/// The worker pool of `--threads N` (without it, SLURM_CPUS_PER_TASK or
/// all cores). Every command with `--threads` goes through here, so 0 is
/// refused in one place.
pub fn build_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, CliError> {
    let threads = match threads {
        Some(n) => Some(n),
        None => default_threads(std::env::var_os(SLURM_CPUS).as_deref())?,
    };
    if threads == Some(0) {
        return Err(CliError::input(
            "--threads: expected at least 1 thread, found 0",
        ));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let limit = cores.saturating_mul(MAX_THREADS_PER_CORE);
    if let Some(n) = threads.filter(|&n| n > limit) {
        return Err(CliError::input(format!(
            "--threads: expected a whole number from 1 to {} ({MAX_THREADS_PER_CORE} per core \
             on this machine's {cores} cores), found {n}",
            effectchain::input::group(limit as u64)
        )));
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        builder = builder.num_threads(n);
    }
    builder
        .build()
        .map_err(|e| CliError::failure(format!("cannot start the worker threads: {e}")))
}

/// Locks output folder `out` for the rest of the command and checks that
/// it may be written as a folder of `kind`; leftovers of an interrupted
/// A file's name without its extension, for labels and default output
/// folders; `fallback` when the path has none.
pub fn stem_or(path: &Path, fallback: &str) -> String {
    path.file_stem()
        .map_or_else(|| fallback.into(), |s| s.to_string_lossy().into_owned())
}

/// earlier run to that path are removed and reported on stderr.
pub fn open_target(out: &Path, kind: FolderKind) -> Result<FolderLock, CliError> {
    let lock = FolderLock::acquire(out).map_err(output_error)?;
    let target = output::check_target(&lock, kind).map_err(output_error)?;
    for path in &target.removed {
        eprintln!(
            "effectchain: removed `{}`, left over from an interrupted run",
            path.display()
        );
    }
    Ok(lock)
}

/// Writes `files` as the folder of `lock` (a folder of `kind`): staged
/// next to it, plots and report drawn into the staged folder unless
/// `no_plots`, then swapped into place, so the folder is always complete
/// and from one run. Returns the report's path, or the plot failure (the
/// results are in place either way) for the caller to report after its
/// summary.
pub fn write_output(
    lock: &FolderLock,
    kind: FolderKind,
    files: &[(&str, Vec<u8>)],
    no_plots: bool,
) -> Result<Option<Result<PathBuf, CliError>>, CliError> {
    let staged = output::stage(lock, kind, files).map_err(output_error)?;
    let out = lock.out();
    let plots = (!no_plots).then(|| {
        effectchain::plot::render_folder(staged.dir())
            .map(|_| out.join(effectchain::plot::REPORT_FILE))
            .map_err(|e| super::plot::plot_failure(out, &e))
    });
    staged.commit().map_err(output_error)?;
    Ok(plots)
}

pub fn output_error(e: output::OutputError) -> CliError {
    if e.is_bad_path() {
        CliError::input(e.to_string())
    } else {
        CliError::failure(e.to_string())
    }
}

/// A number for people: thousands grouped, about four significant digits.
pub fn human(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".to_string();
    }
    let a = v.abs();
    // A whole number (a head count, a count of days) reads as one:
    // `policy.staff = 9`, not `9.00`.
    let decimals = if a >= 100.0 || v.fract() == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    let text = format!("{:.*}", decimals, a);
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_print_without_decimals() {
        assert_eq!(human(9.0), "9");
        assert_eq!(human(-3.0), "-3");
        assert_eq!(human(0.0), "0");
        assert_eq!(human(9.5), "9.50");
    }

    #[test]
    fn slurm_cpus_set_the_default_thread_count() {
        use std::ffi::OsStr;
        assert_eq!(default_threads(None).unwrap(), None);
        assert_eq!(default_threads(Some(OsStr::new("1"))).unwrap(), Some(1));
        assert_eq!(default_threads(Some(OsStr::new("3"))).unwrap(), Some(3));
        for bad in ["0", "", "two", "-1"] {
            let e = default_threads(Some(OsStr::new(bad))).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.message.contains("SLURM_CPUS_PER_TASK"), "{}", e.message);
        }
    }

    #[test]
    fn human_numbers() {
        assert_eq!(human(1_234_567.4), "1,234,567");
        assert_eq!(human(-1_234.6), "-1,235");
        assert_eq!(human(12.345), "12.3");
        assert_eq!(human(0.73449), "0.734");
        assert_eq!(human(-0.0001), "0.000");
        assert_eq!(human(f64::NAN), "n/a");
    }
}
