//! Which folders are effectchain's, and one writer per folder.
//!
//! **Ownership.** Every output folder effectchain writes carries a marker
//! file, [`MARKER_FILE`] (`.effectchain.json`: tool name, folder kind and
//! format version), written before anything else. A command writes into or
//! replaces only an absent folder, an empty one, or one whose marker names
//! the command's own [`FolderKind`]; anything else (a user's folder, even
//! one holding a `manifest.json`, or an effectchain folder of another kind)
//! is refused before anything is written.
//!
//! **One writer.** [`FolderLock::acquire`] takes an advisory lock (`flock`
//! through the `fs2` crate) on a lock file next to the folder,
//! `.<name>.effectchain-lock`, held until the lock is dropped (the end of
//! the process). It covers the folder and its temporary siblings
//! (`<name>.partial-<pid>`, `<name>.old-<pid>`); a second writer fails at
//! once with the holder's pid. The operating system releases the lock when
//! its holder dies, also after `kill -9`.
//!
//! **Leftovers.** A process killed while swapping a folder into place leaves
//! `<name>.partial-<pid>` and/or `<name>.old-<pid>` behind. Both carry the
//! marker (or are empty), so the next writer of that path, holding the
//! lock, recognises them as ours and removes them ([`clean_leftovers`]);
//! siblings without a marker are never touched.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use fs2::FileExt;
use serde::{Deserialize, Serialize};

use super::OutputError;

/// The marker file in every folder effectchain writes.
pub const MARKER_FILE: &str = ".effectchain.json";
/// Tool name recorded in the marker.
pub const TOOL: &str = "effectchain";
/// Version of the folder format recorded in the marker.
pub const FORMAT: u32 = 1;

/// What kind of output a folder holds; each command writes only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderKind {
    /// `effectchain run`.
    Run,
    /// `effectchain compare`.
    Comparison,
    /// `effectchain sweep` (whole) or `effectchain merge`.
    Sweep,
    /// `effectchain sweep --shard I/N`.
    Shard,
    /// `effectchain validate`.
    Validation,
}

impl FolderKind {
    /// The kind's name as recorded in the marker.
    pub fn name(self) -> &'static str {
        match self {
            FolderKind::Run => "run",
            FolderKind::Comparison => "comparison",
            FolderKind::Sweep => "sweep",
            FolderKind::Shard => "shard",
            FolderKind::Validation => "validation",
        }
    }

    /// The command that writes folders of this kind.
    pub fn command(self) -> &'static str {
        match self {
            FolderKind::Run => "run",
            FolderKind::Comparison => "compare",
            FolderKind::Sweep => "sweep",
            FolderKind::Shard => "sweep --shard",
            FolderKind::Validation => "validate",
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Marker {
    tool: String,
    kind: FolderKind,
    format: u32,
}

/// The bytes of the marker of a folder of `kind`.
pub fn marker_bytes(kind: FolderKind) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&Marker {
        tool: TOOL.into(),
        kind,
        format: FORMAT,
    })
    .expect("plain data serialises");
    bytes.push(b'\n');
    bytes
}

/// Writes the marker of `kind` into the existing folder `dir` (synced).
pub fn write_marker(dir: &Path, kind: FolderKind) -> Result<(), OutputError> {
    let path = dir.join(MARKER_FILE);
    let write = || -> io::Result<()> {
        let mut f = File::create(&path)?;
        f.write_all(&marker_bytes(kind))?;
        f.sync_all()
    };
    write().map_err(|source| OutputError::Io { path, source })
}

/// The kind named by the marker in `dir`, if it has a readable one.
pub fn read_marker(dir: &Path) -> Option<FolderKind> {
    let path = dir.join(MARKER_FILE);
    let meta = fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 4096 {
        return None;
    }
    let marker: Marker = serde_json::from_slice(&fs::read(&path).ok()?).ok()?;
    (marker.tool == TOOL).then_some(marker.kind)
}

/// What an output path holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing.
    Absent,
    /// An empty folder.
    Empty,
    /// A folder of the expected kind, written by effectchain.
    Ours,
}

/// Whether `out` may be written as a folder of `kind`: absent, empty, or
/// marked with that kind. Anything else is [`OutputError::NotOurs`].
pub fn check_owned(out: &Path, kind: FolderKind) -> Result<Existing, OutputError> {
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(source) => {
            return Err(OutputError::Io {
                path: out.to_path_buf(),
                source,
            })
        }
    };
    let refuse = |what: String| OutputError::NotOurs {
        path: out.to_path_buf(),
        kind,
        what,
    };
    if meta.file_type().is_symlink() {
        return Err(refuse("a symbolic link".into()));
    }
    if !meta.is_dir() {
        return Err(refuse("a file, not a folder".into()));
    }
    match read_marker(out) {
        Some(found) if found == kind => return Ok(Existing::Ours),
        Some(found) => {
            return Err(refuse(format!(
                "an effectchain {} folder (made by `effectchain {}`)",
                found.name(),
                found.command()
            )))
        }
        None => {}
    }
    let mut entries = fs::read_dir(out).map_err(|source| OutputError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    if entries.next().is_none() {
        Ok(Existing::Empty)
    } else {
        Err(refuse(format!(
            "a folder effectchain did not write (it has no {MARKER_FILE})"
        )))
    }
}

/// The parent folder and the folder name of `out` (`runs/a/.` names folder
/// `a` in `runs`).
pub fn split(out: &Path) -> Result<(PathBuf, OsString), OutputError> {
    let name = out
        .file_name()
        .filter(|n| !n.is_empty() && *n != "." && *n != "..")
        .ok_or_else(|| OutputError::BadPath {
            path: out.to_path_buf(),
        })?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name.to_os_string()))
}

/// `name` followed by `suffix`.
pub fn suffixed(name: &std::ffi::OsStr, suffix: &str) -> OsString {
    let mut s = name.to_os_string();
    s.push(suffix);
    s
}

/// The exclusive right to write one output folder and its temporary
/// siblings, for as long as it is held.
#[derive(Debug)]
pub struct FolderLock {
    out: PathBuf,
    path: PathBuf,
    file: Option<File>,
    /// Parent folders created to hold the lock file, deepest last; removed
    /// again on drop when they are still empty.
    created: Vec<PathBuf>,
}

impl FolderLock {
    /// Locks output folder `out` (which need not exist; missing parent
    /// folders are created, and removed again on drop if still empty). A
    /// folder held by another process is [`OutputError::Locked`].
    pub fn acquire(out: &Path) -> Result<FolderLock, OutputError> {
        let (parent, name) = split(out)?;
        // `a/.` is folder `a`; a bare name stays bare, for messages.
        let out = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => parent.join(&name),
            _ => PathBuf::from(&name),
        };
        let mut created = Vec::new();
        let mut missing = Vec::new();
        let mut p = parent.as_path();
        while !p.as_os_str().is_empty() && !p.exists() {
            missing.push(p.to_path_buf());
            match p.parent() {
                Some(up) => p = up,
                None => break,
            }
        }
        for dir in missing.into_iter().rev() {
            match fs::create_dir(&dir) {
                Ok(()) => created.push(dir),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => {
                    remove_empty(&created);
                    return Err(OutputError::Io { path: dir, source });
                }
            }
        }
        let path = parent.join(suffixed(
            &suffixed(std::ffi::OsStr::new("."), &name.to_string_lossy()),
            ".effectchain-lock",
        ));
        let mut lock = FolderLock {
            out,
            path: path.clone(),
            file: None,
            created,
        };
        let io_err = |source| OutputError::Io {
            path: path.clone(),
            source,
        };
        for _ in 0..20 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err)?;
            if file.try_lock_exclusive().is_err() {
                let mut text = String::new();
                let _ = Read::by_ref(&mut file).take(200).read_to_string(&mut text);
                let pid = text
                    .trim()
                    .strip_prefix("effectchain pid ")
                    .and_then(|p| p.parse::<u32>().ok());
                return Err(OutputError::Locked {
                    path: lock.out.clone(),
                    pid,
                });
            }
            // The previous holder may have removed the file between our
            // open and our lock: then the lock is on a dead inode; retry.
            if !same_file(&file, &path) {
                continue;
            }
            let mut text = String::new();
            let _ = Read::by_ref(&mut file).take(200).read_to_string(&mut text);
            if !text.is_empty() && !text.starts_with("effectchain pid ") {
                return Err(OutputError::NotOurs {
                    path: path.clone(),
                    kind: FolderKind::Run,
                    what: "a file effectchain did not write, where it keeps its lock".into(),
                });
            }
            file.set_len(0).map_err(io_err)?;
            file.seek(SeekFrom::Start(0)).map_err(io_err)?;
            file.write_all(format!("effectchain pid {}\n", std::process::id()).as_bytes())
                .map_err(io_err)?;
            lock.file = Some(file);
            return Ok(lock);
        }
        Err(OutputError::Locked {
            path: lock.out.clone(),
            pid: None,
        })
    }

    /// The output folder this lock covers.
    pub fn out(&self) -> &Path {
        &self.out
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            // Removed while still locked; a waiting process that opened the
            // old file sees that it is gone and retries.
            let _ = fs::remove_file(&self.path);
            drop(file);
        }
        remove_empty(&self.created);
    }
}

fn remove_empty(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        if fs::remove_dir(dir).is_err() {
            break;
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Removes the leftovers of interrupted swaps of the locked folder:
/// siblings `<name>.partial-<pid>` and `<name>.old-<pid>` that carry a
/// marker or are empty. Returns the paths removed.
pub fn clean_leftovers(lock: &FolderLock) -> Result<Vec<PathBuf>, OutputError> {
    let (parent, name) = split(lock.out())?;
    let name = name.to_string_lossy().into_owned();
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(Vec::new());
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some(rest) = file_name.strip_prefix(&name) else {
            continue;
        };
        let pid = rest
            .strip_prefix(".partial-")
            .or_else(|| rest.strip_prefix(".old-"));
        if !pid.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        if read_marker(&path).is_some() {
            fs::remove_dir_all(&path).map_err(|source| OutputError::Io {
                path: path.clone(),
                source,
            })?;
            removed.push(path);
        } else if fs::remove_dir(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    Ok(removed)
}

/// Test hook: when the environment variable `EFFECTCHAIN_PAUSE_AT` equals
/// `window`, prints `effectchain: paused at <window>` on stderr and sleeps
/// (up to ten minutes), so a test can kill the process at that moment.
/// Without the variable this does nothing.
pub fn pause_point(window: &str) {
    if std::env::var_os("EFFECTCHAIN_PAUSE_AT").is_some_and(|w| w == window) {
        let _ = writeln!(io::stderr(), "effectchain: paused at {window}");
        std::thread::sleep(std::time::Duration::from_secs(600));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_folder_is_refused_with_the_pid() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("a").join("run");
        let first = FolderLock::acquire(&out).unwrap();
        match FolderLock::acquire(&out) {
            Err(OutputError::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Locked, got {other:?}"),
        }
        // Another folder in the same parent is independent.
        let other = FolderLock::acquire(&tmp.path().join("a").join("other")).unwrap();
        drop(other);
        drop(first);
        // Released: the lock file and the created parent are gone.
        assert!(!tmp.path().join("a").exists());
        let again = FolderLock::acquire(&out).unwrap();
        drop(again);
    }

    #[test]
    fn ownership_needs_the_marker_of_the_same_kind() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("d");
        assert_eq!(
            check_owned(&dir, FolderKind::Run).unwrap(),
            Existing::Absent
        );
        fs::create_dir(&dir).unwrap();
        assert_eq!(check_owned(&dir, FolderKind::Run).unwrap(), Existing::Empty);
        fs::write(dir.join("manifest.json"), "{}").unwrap();
        let e = check_owned(&dir, FolderKind::Run).unwrap_err();
        assert!(e.to_string().contains("did not write"), "{e}");
        write_marker(&dir, FolderKind::Sweep).unwrap();
        let e = check_owned(&dir, FolderKind::Run).unwrap_err();
        assert!(e.to_string().contains("sweep folder"), "{e}");
        assert_eq!(
            check_owned(&dir, FolderKind::Sweep).unwrap(),
            Existing::Ours
        );
        fs::write(dir.join(MARKER_FILE), "{\"tool\":\"other\"}").unwrap();
        assert!(check_owned(&dir, FolderKind::Sweep).is_err());
    }

    #[test]
    fn leftovers_with_a_marker_are_removed_others_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("p");
        let ours = tmp.path().join("p.old-12");
        let empty = tmp.path().join("p.partial-13");
        let foreign = tmp.path().join("p.partial-14");
        let unrelated = tmp.path().join("p.partial-x");
        for d in [&ours, &empty, &foreign, &unrelated] {
            fs::create_dir(d).unwrap();
        }
        write_marker(&ours, FolderKind::Run).unwrap();
        write_marker(&unrelated, FolderKind::Run).unwrap();
        fs::write(foreign.join("thesis.tex"), "keep").unwrap();
        let lock = FolderLock::acquire(&out).unwrap();
        let removed = clean_leftovers(&lock).unwrap();
        assert_eq!(removed, vec![ours.clone(), empty.clone()]);
        assert!(foreign.join("thesis.tex").exists() && unrelated.exists());
    }
}
