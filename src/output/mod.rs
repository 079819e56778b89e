//! Output layer: turns a run's [`RunResults`] into the files of an output
//! folder, and writes that folder atomically.
//!
//! One file per format renders bytes in memory ([`csv`] for `daily.csv` and
//! `replications.csv`, [`json`] for `summary.json` and `manifest.json`);
//! this module owns the folder. The folder is locked first ([`owner`]: one
//! writer per folder), then everything is written into a sibling temporary
//! folder `<out>.partial-<pid>`, marker first ([`MARKER_FILE`]); the caller
//! may draw plots into it ([`Staged::dir`]); only when every file is
//! complete does a previous `<out>` of the same kind move aside and the
//! temporary folder take its place. On any error the temporary folder is
//! removed, so a reader never sees a half-written output folder; a folder
//! effectchain did not write, or one of another kind, is never touched.
//!
//! Every file is a function of (config, seed, command line, config path):
//! no timestamps, thread counts or host names are recorded, so two runs of
//! the same scenario produce byte-identical folders.
//!
//! **Invariant:** the library never prints; errors are returned as
//! [`OutputError`] for the caller to report.

pub mod best;
pub mod columns;
pub mod comparison;
pub mod csv;
pub mod discover;
pub mod json;
pub mod optimize;
pub mod owner;
pub mod sensitivity;
pub mod sweep;
pub mod validation;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::experiment::RunResults;

pub use owner::{Existing, FolderKind, FolderLock, MARKER_FILE};

/// Name of the generator recorded in manifests.
pub const RNG_NAME: &str = "xoshiro256++ (SplitMix64-seeded per stream and day)";

/// Crate version recorded in summaries and manifests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// File holding the KPI summaries (mean, sd, 95% CI per KPI).
pub const SUMMARY_FILE: &str = "summary.json";
/// File holding the daily series (mean and 95% CI per variable and day).
pub const DAILY_FILE: &str = "daily.csv";
/// File holding every KPI of every replication.
pub const REPLICATIONS_FILE: &str = "replications.csv";
/// File recording how the run was made (resolved config, seed, version).
pub const MANIFEST_FILE: &str = "manifest.json";
/// File holding every store's drivers and KPIs in every replication
/// (written only for a chain of more than one store).
pub const STORES_FILE: &str = "stores.csv";

/// The files of an output folder, in the order they are written (a chain
/// adds [`STORES_FILE`] before the manifest; see [`files`]).
pub const FILES: [&str; 4] = [SUMMARY_FILE, DAILY_FILE, REPLICATIONS_FILE, MANIFEST_FILE];

/// The files a run of `config` writes, in order: [`FILES`], with
/// [`STORES_FILE`] before the manifest when `config.chain.stores > 1`.
pub fn files(config: &Config) -> Vec<&'static str> {
    let mut files = FILES.to_vec();
    if config.chain.stores > 1 {
        files.insert(files.len() - 1, STORES_FILE);
    }
    files
}

/// What a manifest records besides the results: how the run was asked for.
#[derive(Debug, Clone, Copy)]
pub struct RunInfo<'a> {
    /// The resolved config the run used (defaults and overrides applied).
    pub config: &'a Config,
    /// The config file, if the config came from one (recorded as given).
    pub config_path: Option<&'a Path>,
    /// The command line to record. The caller decides what it contains; the
    /// `effectchain` binary records a canonical form without options that
    /// cannot change results (`--threads`, `--quiet`).
    pub command_line: &'a [String],
}

/// Why an output folder could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A filesystem operation failed.
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// The file or folder the failing operation concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A file the command had to read (given by the user) cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The target exists and is not an effectchain folder of the command's
    /// kind, so it is neither written into nor replaced.
    #[error(
        "refusing to write `{}`: it is {what}, and `effectchain {}` writes only its own {} \
         folders; choose another output folder",
        path.display(),
        kind.command(),
        kind.name()
    )]
    NotOurs {
        /// The existing path.
        path: PathBuf,
        /// The kind of folder the command writes.
        kind: FolderKind,
        /// What the path is.
        what: String,
    },
    /// Another process holds the folder's lock.
    #[error(
        "`{}` is being written by another effectchain process ({}); wait for it to finish \
         or choose another output folder",
        path.display(),
        pid.map_or_else(|| "pid unknown".to_string(), |p| format!("pid {p}"))
    )]
    Locked {
        /// The output folder.
        path: PathBuf,
        /// The holder's process id, when it could be read.
        pid: Option<u32>,
    },
    /// The target path cannot name a folder (such as `/` or `..`).
    #[error("cannot use `{}` as an output folder: it has no final folder name", path.display())]
    BadPath {
        /// The path given.
        path: PathBuf,
    },
    /// A sweep folder cannot be used as asked (an interrupted run without
    /// `--resume`, a foreign or missing shard, ...).
    #[error("`{}` {message}", path.display())]
    Sweep {
        /// The folder concerned.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// A set of shard folders cannot be merged as given (a shard is
    /// missing); the message names the set.
    #[error("{message}")]
    Shards {
        /// What is wrong with the set and what to do.
        message: String,
    },
    /// Serialising a file's contents failed (not expected for valid results).
    #[error("cannot render `{file}`: {message}")]
    Render {
        /// The file being rendered.
        file: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl OutputError {
    /// Whether the error is the caller's choice of path (bad input) rather
    /// than a failure of the system.
    pub fn is_bad_path(&self) -> bool {
        matches!(
            self,
            OutputError::NotOurs { .. }
                | OutputError::Locked { .. }
                | OutputError::Read { .. }
                | OutputError::BadPath { .. }
                | OutputError::Sweep { .. }
                | OutputError::Shards { .. }
        )
    }
}

/// Renders every output file in memory, as `(file name, contents)` pairs in
/// the order of [`files`].
pub fn render(
    results: &RunResults,
    info: &RunInfo<'_>,
) -> Result<Vec<(&'static str, Vec<u8>)>, OutputError> {
    let mut files = vec![
        (SUMMARY_FILE, json::summary(results, info)?),
        (DAILY_FILE, csv::daily(results)?),
        (REPLICATIONS_FILE, csv::replications(results)?),
    ];
    if info.config.chain.stores > 1 {
        files.push((STORES_FILE, csv::stores(results)?));
    }
    files.push((MANIFEST_FILE, json::manifest(results, info)?));
    Ok(files)
}

/// Writes all output files of a run into the folder `out`, atomically:
/// `out` either keeps its previous contents or holds the complete new set.
/// See [`write_folder_atomically`].
pub fn write_run(out: &Path, results: &RunResults, info: &RunInfo<'_>) -> Result<(), OutputError> {
    let files = render(results, info)?;
    write_folder_atomically(out, FolderKind::Run, &files)
}

/// Writes `files` (name, contents) as the only files of folder `out`, a
/// folder of `kind`, replacing a previous folder of that kind there: locks
/// `out`, checks it ([`check_target`]), stages the files and swaps them in.
/// Anything at `out` that is not an empty folder or an effectchain folder
/// of `kind` is refused before anything is written. Missing parent folders
/// are created.
pub fn write_folder_atomically(
    out: &Path,
    kind: FolderKind,
    files: &[(&str, Vec<u8>)],
) -> Result<(), OutputError> {
    let lock = FolderLock::acquire(out)?;
    check_target(&lock, kind)?;
    let staged = stage(&lock, kind, files)?;
    staged.commit()
}

/// What [`check_target`] found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// What the output path holds now.
    pub existing: Existing,
    /// Leftovers of interrupted swaps that were removed.
    pub removed: Vec<PathBuf>,
}

/// Checks, before a run, that folder `lock.out()` may be written as a
/// folder of `kind` (absent, empty, or an effectchain folder of that kind),
/// and removes the leftovers of earlier interrupted swaps to that path (see
/// [`owner::clean_leftovers`]).
pub fn check_target(lock: &FolderLock, kind: FolderKind) -> Result<Target, OutputError> {
    let existing = owner::check_owned(lock.out(), kind)?;
    let removed = owner::clean_leftovers(lock)?;
    Ok(Target { existing, removed })
}

/// A complete output folder written next to its target, not yet swapped
/// into place; removed on drop unless committed.
#[derive(Debug)]
pub struct Staged<'a> {
    lock: &'a FolderLock,
    kind: FolderKind,
    temp: PathBuf,
    committed: bool,
}

/// Writes `files` into the temporary sibling `<out>.partial-<pid>` of the
/// locked folder (its marker first), synced; [`Staged::commit`] swaps it in.
pub fn stage<'a>(
    lock: &'a FolderLock,
    kind: FolderKind,
    files: &[(&str, Vec<u8>)],
) -> Result<Staged<'a>, OutputError> {
    let (parent, name) = owner::split(lock.out())?;
    fs::create_dir_all(&parent).map_err(|source| OutputError::Io {
        path: parent.clone(),
        source,
    })?;
    let pid = std::process::id();
    let temp = parent.join(owner::suffixed(&name, &format!(".partial-{pid}")));
    if fs::symlink_metadata(&temp).is_ok() {
        // Only a leftover that clean_leftovers did not recognise as ours.
        return Err(OutputError::NotOurs {
            path: temp,
            kind,
            what: "in the way of the temporary folder, and effectchain did not write it".into(),
        });
    }
    let staged = Staged {
        lock,
        kind,
        temp,
        committed: false,
    };
    fill_folder(&staged.temp, kind, files)?;
    Ok(staged)
}

impl Staged<'_> {
    /// The temporary folder, to draw plots into before the swap.
    pub fn dir(&self) -> &Path {
        &self.temp
    }

    /// Swaps the staged folder into place: a previous folder of the same
    /// kind moves aside to `<out>.old-<pid>`, the staged one takes its
    /// place, the old one is removed.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let out = self.lock.out().to_path_buf();
        let previous = match owner::check_owned(&out, self.kind)? {
            Existing::Absent => false,
            Existing::Empty | Existing::Ours => true,
        };
        owner::pause_point("swap-staged");
        if previous {
            let (parent, name) = owner::split(&out)?;
            let pid = std::process::id();
            let aside = parent.join(owner::suffixed(&name, &format!(".old-{pid}")));
            if fs::symlink_metadata(&aside).is_ok() {
                return Err(OutputError::NotOurs {
                    path: aside,
                    kind: self.kind,
                    what: "in the way of the previous folder, and effectchain did not write it"
                        .into(),
                });
            }
            fs::rename(&out, &aside).map_err(|source| OutputError::Io {
                path: out.clone(),
                source,
            })?;
            owner::pause_point("swap-aside");
            if let Err(source) = fs::rename(&self.temp, &out) {
                let _ = fs::rename(&aside, &out);
                return Err(OutputError::Io { path: out, source });
            }
            self.committed = true;
            owner::pause_point("swap-done");
            // The new folder is complete and in place; a `.old-<pid>`
            // folder whose removal failed is cleaned by the next run.
            let _ = fs::remove_dir_all(&aside);
        } else {
            fs::rename(&self.temp, &out).map_err(|source| OutputError::Io {
                path: out.clone(),
                source,
            })?;
            self.committed = true;
        }
        Ok(())
    }
}

impl Drop for Staged<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// Creates folder `dir` and writes the marker of `kind`, then every file,
/// synced.
fn fill_folder(dir: &Path, kind: FolderKind, files: &[(&str, Vec<u8>)]) -> Result<(), OutputError> {
    fs::create_dir(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    owner::write_marker(dir, kind)?;
    for (name, contents) in files {
        let path = dir.join(name);
        let write = || -> io::Result<()> {
            let mut file = fs::File::create(&path)?;
            file.write_all(contents)?;
            file.sync_all()
        };
        write().map_err(|source| OutputError::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(&'static str, Vec<u8>)> {
        vec![("a.txt", b"new".to_vec()), (MANIFEST_FILE, b"{}".to_vec())]
    }

    #[test]
    fn writes_a_fresh_folder_with_missing_parents() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("x").join("run");
        write_folder_atomically(&out, FolderKind::Run, &files()).unwrap();
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(out.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("run")],
            "no temporary or lock left"
        );
        assert!(out.join(MARKER_FILE).is_file());
    }

    #[test]
    fn replaces_a_previous_output_folder_entirely() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("run");
        fs::create_dir(&out).unwrap();
        owner::write_marker(&out, FolderKind::Run).unwrap();
        fs::write(out.join(MANIFEST_FILE), "old").unwrap();
        fs::write(out.join("stale.csv"), "old").unwrap();
        write_folder_atomically(&out, FolderKind::Run, &files()).unwrap();
        assert!(!out.join("stale.csv").exists());
        assert_eq!(fs::read(out.join(MANIFEST_FILE)).unwrap(), b"{}");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
        // A user's folder with a manifest.json, or a folder of another
        // kind, is not ours to replace.
        let e = write_folder_atomically(&out, FolderKind::Sweep, &files()).unwrap_err();
        assert!(
            e.is_bad_path() && e.to_string().contains("run folder"),
            "{e}"
        );
        let fake = tmp.path().join("fake");
        fs::create_dir(&fake).unwrap();
        fs::write(fake.join(MANIFEST_FILE), "{}").unwrap();
        fs::write(fake.join("precious.txt"), "keep").unwrap();
        let e = write_folder_atomically(&fake, FolderKind::Run, &files()).unwrap_err();
        assert!(e.is_bad_path(), "{e}");
        assert_eq!(fs::read(fake.join("precious.txt")).unwrap(), b"keep");
    }

    #[test]
    fn refuses_to_replace_a_foreign_folder_or_file() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("mine");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("thesis.tex"), "precious").unwrap();
        let e = write_folder_atomically(&folder, FolderKind::Run, &files()).unwrap_err();
        assert!(e.is_bad_path(), "{e}");
        assert_eq!(fs::read(folder.join("thesis.tex")).unwrap(), b"precious");
        let file = tmp.path().join("file.txt");
        fs::write(&file, "precious").unwrap();
        assert!(write_folder_atomically(&file, FolderKind::Run, &files())
            .unwrap_err()
            .is_bad_path());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 2);
    }

    #[test]
    fn failed_write_leaves_no_partial_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("run");
        // A file name with a path separator into a missing folder fails.
        let bad = vec![("ok.txt", b"1".to_vec()), ("missing/x.txt", b"2".to_vec())];
        let e = write_folder_atomically(&out, FolderKind::Run, &bad).unwrap_err();
        assert!(matches!(e, OutputError::Io { .. }), "{e}");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn renders_every_file_with_columns_from_the_tables() {
        use crate::engine::{DAILY_DEFS, KPI_DEFS};
        let text = "[simulation]\ndays = 20\nburn_in_min_years = 0\nburn_in_max_years = 0\nreplications = 3\n\
                    [store]\ninitial_customers = 100\n";
        let config = Config::from_toml_str(text, "t.toml").unwrap();
        let results = crate::experiment::run(&config, &|| {});
        let line = vec!["effectchain".to_string()];
        let info = RunInfo {
            config: &config,
            config_path: Some(Path::new("t.toml")),
            command_line: &line,
        };
        let files = render(&results, &info).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, FILES);
        assert_eq!(
            super::files(&config),
            FILES,
            "a single store: no stores.csv"
        );
        let text = |name: &str| {
            let (_, bytes) = files.iter().find(|(n, _)| *n == name).unwrap();
            String::from_utf8(bytes.clone()).unwrap()
        };
        let daily = text(DAILY_FILE);
        assert_eq!(daily.lines().count(), 1 + 20);
        assert_eq!(
            daily.lines().next().unwrap().split(',').count(),
            1 + 3 * DAILY_DEFS.len()
        );
        let reps = text(REPLICATIONS_FILE);
        assert_eq!(reps.lines().count(), 1 + 3);
        let summary = text(SUMMARY_FILE);
        let positions: Vec<usize> = KPI_DEFS
            .iter()
            .map(|d| summary.find(&format!("\"{}\": {{", d.name)).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "KPI_DEFS order");
        let manifest = text(MANIFEST_FILE);
        assert!(manifest.contains(RNG_NAME) && manifest.contains("\"config_toml\""));
        assert!(!manifest.contains("thread"));
    }

    #[test]
    fn a_chain_writes_one_stores_row_per_replication_and_store() {
        use crate::engine::KPI_DEFS;
        use crate::model::StoreProfile;
        let text = "[simulation]\ndays = 20\nburn_in_min_years = 0\nburn_in_max_years = 0\nreplications = 2\n\
                    [store]\ninitial_customers = 100\n[chain]\nstores = 3\n";
        let config = Config::from_toml_str(text, "t.toml").unwrap();
        let results = crate::experiment::run(&config, &|| {});
        let line = vec!["effectchain".to_string()];
        let info = RunInfo {
            config: &config,
            config_path: None,
            command_line: &line,
        };
        let files = render(&results, &info).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, super::files(&config));
        assert_eq!(
            names,
            [
                SUMMARY_FILE,
                DAILY_FILE,
                REPLICATIONS_FILE,
                STORES_FILE,
                MANIFEST_FILE
            ]
        );
        let (_, bytes) = files.iter().find(|(n, _)| *n == STORES_FILE).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let expected: Vec<&str> = ["replication", "store"]
            .into_iter()
            .chain(StoreProfile::DRIVERS)
            .chain(KPI_DEFS.iter().map(|d| d.name))
            .collect();
        assert_eq!(header, expected);
        let keys: Vec<(String, String)> = lines
            .map(|l| {
                let mut cells = l.split(',');
                assert_eq!(l.split(',').count(), expected.len());
                (
                    cells.next().unwrap().to_string(),
                    cells.next().unwrap().to_string(),
                )
            })
            .collect();
        let order: Vec<(String, String)> = (0..2)
            .flat_map(|k| (0..3).map(move |s| (k.to_string(), s.to_string())))
            .collect();
        assert_eq!(keys, order, "3 x 2 rows in (replication, store) order");
    }

    #[test]
    fn rejects_paths_without_a_folder_name() {
        assert!(
            write_folder_atomically(Path::new(".."), FolderKind::Run, &files())
                .unwrap_err()
                .is_bad_path()
        );
    }
}
