//! The files of a sweep folder, written so that nothing finished is lost.
//!
//! While a sweep runs, each finished point's row is appended to
//! `points.partial.csv` (completion order) and flushed to the operating
//! system at once, so Ctrl-C or `kill -9` loses no finished point; the file
//! is synced to disk at least once a second, so a power cut loses at most
//! the last second of rows. `sweep-state.json` records which sweep (its
//! fingerprint) and which shard the folder belongs to.
//!
//! `--resume` reads the partial file back, drops a torn last line, and
//! returns the finished point ids, so only the others run. When every point
//! has a row, `points.csv` is written in point-id order (through a
//! temporary file and a rename), with `manifest.json` and, for one- and
//! two-parameter grids, `breakeven.json`; then the partial file goes.
//! Because a row is a function of the sweep and the point id alone, the
//! final files are byte-identical however the run was interrupted, resumed,
//! threaded or sharded. `merge` streams shard files back into one
//! `points.csv` in id order, equal to the unsharded run's.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::experiment::stats::Stats;
use crate::experiment::sweep::{Analysis, PointResult, Shard, Sweep};

use super::owner::{self, Existing, FolderKind, FolderLock};
use super::{OutputError, VERSION};

/// Final rows, in point-id order.
pub const POINTS_FILE: &str = "points.csv";
/// Rows of a running sweep, in completion order.
pub const PARTIAL_FILE: &str = "points.partial.csv";
/// Which sweep and shard a folder belongs to.
pub const STATE_FILE: &str = "sweep-state.json";
/// How the results were made.
pub const MANIFEST_FILE: &str = "manifest.json";
/// Break-even values and best points.
pub const BREAKEVEN_FILE: &str = "breakeven.json";

/// What identifies a sweep folder; equal in every shard of one sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepState {
    pub kind: String,
    pub version: String,
    pub fingerprint: String,
    pub sweep_file: String,
    pub points: u64,
    /// `None` for a whole (unsharded or merged) sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<(u32, u32)>,
    pub seed: u64,
    pub replications: u32,
    pub parameters: Vec<String>,
    pub kpis: Vec<String>,
    pub baseline: Vec<(String, String)>,
    pub header: String,
}

impl SweepState {
    pub fn of(sweep: &Sweep, shard: Shard) -> SweepState {
        SweepState {
            kind: "sweep".into(),
            version: VERSION.into(),
            fingerprint: sweep.fingerprint.clone(),
            // The name only: the same sweep run from another folder (or on
            // another machine) is the same sweep; the fingerprint decides.
            sweep_file: sweep
                .file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            points: sweep.points(),
            shard: (shard != Shard::WHOLE).then_some((shard.index, shard.count)),
            seed: sweep.seed,
            replications: sweep.replications,
            parameters: sweep.parameters.iter().map(|p| p.path.clone()).collect(),
            kpis: sweep.kpis.clone(),
            baseline: sweep
                .baseline
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            header: header(sweep),
        }
    }

    fn json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("plain data serialises");
        bytes.push(b'\n');
        bytes
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` through a synced temporary file and a rename.
pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    let temp = path.with_file_name(name);
    let result = (|| {
        let mut f = File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(io(path))
}

/// Whether a partial file holds anything after its header line.
fn has_rows(path: &Path) -> Result<bool, OutputError> {
    let mut reader = BufReader::new(File::open(path).map_err(io(path))?);
    let mut header = Vec::new();
    reader.read_until(b'\n', &mut header).map_err(io(path))?;
    let mut byte = [0u8; 1];
    Ok(reader.read(&mut byte).map_err(io(path))? > 0)
}

fn bad(path: &Path, message: String) -> OutputError {
    OutputError::Sweep {
        path: path.to_path_buf(),
        message,
    }
}

/// The CSV header of `points.csv` (newline-terminated).
pub fn header(sweep: &Sweep) -> String {
    let mut cols = vec!["point_id".to_string()];
    cols.extend(sweep.parameters.iter().map(|p| p.path.clone()));
    for k in &sweep.kpis {
        cols.extend([
            format!("{k}_mean"),
            format!("{k}_ci_low"),
            format!("{k}_ci_high"),
        ]);
    }
    if !sweep.baseline.is_empty() {
        for k in &sweep.kpis {
            cols.extend([
                format!("{k}_diff_mean"),
                format!("{k}_diff_ci_low"),
                format!("{k}_diff_ci_high"),
            ]);
        }
    }
    cols.join(",") + "\n"
}

/// One point's CSV row (newline-terminated).
pub fn row(point: &PointResult) -> String {
    let mut row = point.id.to_string();
    let mut push = |v: f64| {
        row.push(',');
        row.push_str(&v.to_string());
    };
    for v in &point.values {
        push(*v);
    }
    let all = point.kpis.iter().chain(point.differences.iter().flatten());
    for s in all {
        push(s.mean);
        push(s.ci_low);
        push(s.ci_high);
    }
    row.push('\n');
    row
}

/// Parses a row back (the inverse of [`row`]), or `None` if it is torn.
pub fn parse_row(
    line: &str,
    parameters: usize,
    kpis: usize,
    with_baseline: bool,
) -> Option<PointResult> {
    let fields: Vec<&str> = line.split(',').collect();
    let groups = kpis * if with_baseline { 2 } else { 1 };
    if fields.len() != 1 + parameters + 3 * groups {
        return None;
    }
    let id: u64 = fields[0].parse().ok()?;
    let nums: Vec<f64> = fields[1..]
        .iter()
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let stats = |chunk: &[f64]| Stats {
        n: 0,
        mean: chunk[0],
        sd: f64::NAN,
        ci_low: chunk[1],
        ci_high: chunk[2],
    };
    let all: Vec<Stats> = nums[parameters..].chunks(3).map(stats).collect();
    Some(PointResult {
        id,
        values: nums[..parameters].to_vec(),
        kpis: all[..kpis].to_vec(),
        differences: with_baseline.then(|| all[kpis..].to_vec()),
    })
}

/// Appends rows of a running sweep to its folder.
pub struct SweepWriter {
    dir: PathBuf,
    partial: Mutex<(File, Instant)>,
    state: SweepState,
}

/// What [`SweepWriter::open`] found.
pub struct Opened {
    pub writer: SweepWriter,
    /// Point ids (of this shard) that already have a row.
    pub done: Vec<u64>,
}

impl SweepWriter {
    /// Opens the locked folder `lock.out()` for `sweep` and `shard`. The
    /// folder must be absent, empty or a sweep folder (a shard folder for a
    /// shard) that effectchain wrote. Without `resume` an interrupted run
    /// there with finished rows is an error (they would be lost); with it,
    /// its finished points are returned and kept. A partial file without a
    /// finished row (a run killed before its first point) is started over
    /// either way.
    pub fn open(
        lock: &FolderLock,
        sweep: &Sweep,
        shard: Shard,
        resume: bool,
    ) -> Result<Opened, OutputError> {
        let dir = lock.out();
        let kind = if shard == Shard::WHOLE {
            FolderKind::Sweep
        } else {
            FolderKind::Shard
        };
        let existing = owner::check_owned(dir, kind)?;
        let state = SweepState::of(sweep, shard);
        let partial_path = dir.join(PARTIAL_FILE);
        let state_path = dir.join(STATE_FILE);
        if existing == Existing::Ours && partial_path.exists() {
            let rows = has_rows(&partial_path)?;
            if !resume && rows {
                return Err(bad(
                    dir,
                    "holds an interrupted run of a sweep: add --resume to continue it, or delete the folder \
                     to start over"
                        .into(),
                ));
            }
            if resume {
                let found: SweepState = fs::read(&state_path)
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok())
                    .ok_or_else(|| {
                        bad(
                            dir,
                            format!("cannot resume: {STATE_FILE} is missing or unreadable"),
                        )
                    })?;
                if found != state {
                    return Err(bad(
                        dir,
                        "cannot resume: the folder holds a different sweep (the sweep file, its base config, \
                         the shard or the effectchain version changed); use another --out or delete it"
                            .into(),
                    ));
                }
                let (file, done) = recover(&partial_path, sweep, shard)?;
                return Ok(Opened {
                    writer: SweepWriter {
                        dir: dir.to_path_buf(),
                        partial: Mutex::new((file, Instant::now())),
                        state,
                    },
                    done,
                });
            }
        }
        if resume && existing == Existing::Ours && dir.join(POINTS_FILE).exists() {
            let found: Option<SweepState> = fs::read(dir.join(MANIFEST_FILE))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            if found.as_ref() == Some(&state) {
                return Err(bad(
                    dir,
                    "nothing to resume: this sweep already finished here".into(),
                ));
            }
        }
        fs::create_dir_all(dir).map_err(io(dir))?;
        if existing != Existing::Ours {
            owner::write_marker(dir, kind)?;
        }
        write_synced(&state_path, &state.json())?;
        owner::pause_point("sweep-state-written");
        let mut file = File::create(&partial_path).map_err(io(&partial_path))?;
        owner::pause_point("sweep-partial-created");
        file.write_all(state.header.as_bytes())
            .map_err(io(&partial_path))?;
        file.sync_data().map_err(io(&partial_path))?;
        owner::pause_point("sweep-header-written");
        Ok(Opened {
            writer: SweepWriter {
                dir: dir.to_path_buf(),
                partial: Mutex::new((file, Instant::now())),
                state,
            },
            done: Vec::new(),
        })
    }

    /// Appends one finished point.
    pub fn append(&self, point: &PointResult) -> Result<(), OutputError> {
        let line = row(point);
        let path = self.dir.join(PARTIAL_FILE);
        let mut guard = self.partial.lock().unwrap_or_else(|e| e.into_inner());
        let (file, last_sync) = &mut *guard;
        // One write call per row: a crash leaves whole rows and at most one
        // torn last line, which resume drops.
        file.write_all(line.as_bytes()).map_err(io(&path))?;
        if last_sync.elapsed() >= Duration::from_secs(1) {
            file.sync_data().map_err(io(&path))?;
            *last_sync = Instant::now();
        }
        Ok(())
    }

    /// Writes the final files once every point of the shard has a row.
    pub fn finish(self, sweep: &Sweep, shard: Shard) -> Result<(), OutputError> {
        let partial_path = self.dir.join(PARTIAL_FILE);
        {
            let guard = self.partial.lock().unwrap_or_else(|e| e.into_inner());
            guard.0.sync_data().map_err(io(&partial_path))?;
        }
        // Index (id, offset, length) of every row; memory is 24 bytes per
        // point, never the rows themselves.
        let mut index: Vec<(u64, u64, u64)> = Vec::new();
        {
            let mut reader = BufReader::new(File::open(&partial_path).map_err(io(&partial_path))?);
            let mut line = String::new();
            let mut offset = reader.read_line(&mut line).map_err(io(&partial_path))? as u64;
            loop {
                line.clear();
                let n = reader.read_line(&mut line).map_err(io(&partial_path))? as u64;
                if n == 0 {
                    break;
                }
                let id = line
                    .split(',')
                    .next()
                    .and_then(|f| f.parse().ok())
                    .unwrap_or(u64::MAX);
                index.push((id, offset, n));
                offset += n;
            }
        }
        index.sort_unstable();
        let expected: Vec<u64> = shard.ids(sweep.points()).collect();
        let ids: Vec<u64> = index.iter().map(|r| r.0).collect();
        if ids != expected {
            return Err(bad(
                &self.dir,
                format!(
                    "{} of {} points have rows; the sweep is incomplete",
                    ids.len(),
                    expected.len()
                ),
            ));
        }
        let temp = self.dir.join(format!("{POINTS_FILE}.tmp"));
        let written = (|| -> Result<(), OutputError> {
            let mut source = File::open(&partial_path).map_err(io(&partial_path))?;
            let mut out = std::io::BufWriter::new(File::create(&temp).map_err(io(&temp))?);
            out.write_all(self.state.header.as_bytes())
                .map_err(io(&temp))?;
            let mut buf = Vec::new();
            for (_, offset, len) in &index {
                source
                    .seek(SeekFrom::Start(*offset))
                    .map_err(io(&partial_path))?;
                buf.resize(*len as usize, 0);
                source.read_exact(&mut buf).map_err(io(&partial_path))?;
                out.write_all(&buf).map_err(io(&temp))?;
            }
            let file = out.into_inner().map_err(|e| io(&temp)(e.into_error()))?;
            file.sync_all().map_err(io(&temp))
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        finish_folder(&self.dir, &temp, &self.state, sweep)?;
        owner::pause_point("sweep-finish-written");
        fs::remove_file(&partial_path).map_err(io(&partial_path))?;
        owner::pause_point("sweep-finish-partial-removed");
        let _ = fs::remove_file(self.dir.join(STATE_FILE));
        Ok(())
    }
}

/// Renames the complete `points.csv` into place and writes the manifest and
/// the break-even analysis beside it.
fn finish_folder(
    dir: &Path,
    temp_points: &Path,
    state: &SweepState,
    sweep: &Sweep,
) -> Result<(), OutputError> {
    let points = dir.join(POINTS_FILE);
    fs::rename(temp_points, &points).map_err(io(&points))?;
    owner::pause_point("sweep-finish-renamed");
    let manifest = dir.join(MANIFEST_FILE);
    write_synced(&manifest, &state.json())?;
    let breakeven = dir.join(BREAKEVEN_FILE);
    if state.shard.is_none() {
        if let Some(analysis) = analyse_file(&points, sweep)? {
            let mut bytes = serde_json::to_vec_pretty(&analysis).expect("plain data serialises");
            bytes.push(b'\n');
            write_synced(&breakeven, &bytes)?;
        }
    }
    Ok(())
}

/// Reads `points.csv` and analyses it when the design allows.
pub fn analyse_file(points: &Path, sweep: &Sweep) -> Result<Option<Analysis>, OutputError> {
    if !Analysis::applies(sweep) {
        return Ok(None);
    }
    let reader = BufReader::new(File::open(points).map_err(io(points))?);
    let mut rows = Vec::new();
    for line in reader.lines().skip(1) {
        let line = line.map_err(io(points))?;
        let r = parse_row(
            &line,
            sweep.parameters.len(),
            sweep.kpis.len(),
            !sweep.baseline.is_empty(),
        )
        .ok_or_else(|| bad(points, "holds a malformed row".into()))?;
        rows.push(r);
    }
    Ok(Some(Analysis::of(sweep, &rows)))
}

/// Reads the partial file, truncates a torn last line and returns the
/// appendable file and the finished ids.
fn recover(path: &Path, sweep: &Sweep, shard: Shard) -> Result<(File, Vec<u64>), OutputError> {
    let mut text = String::new();
    File::open(path)
        .map_err(io(path))?
        .read_to_string(&mut text)
        .map_err(io(path))?;
    let params = sweep.parameters.len();
    let kpis = sweep.kpis.len();
    let with_baseline = !sweep.baseline.is_empty();
    let header = header(sweep);
    if header.starts_with(&text) {
        // Killed before the header (or its first row) was complete: an
        // empty file, a torn header, or the header alone. Start it over.
        let mut file = File::create(path).map_err(io(path))?;
        file.write_all(header.as_bytes()).map_err(io(path))?;
        file.sync_data().map_err(io(path))?;
        return Ok((file, Vec::new()));
    }
    if !text.starts_with(&header) {
        return Err(bad(
            path,
            "cannot resume: the partial file's header does not match the sweep".into(),
        ));
    }
    let mut keep = header.len();
    let mut seen = vec![false; sweep.points() as usize];
    let mut done = Vec::new();
    for line in text[header.len()..].split_inclusive('\n') {
        let complete = line.ends_with('\n');
        let parsed = complete
            .then(|| parse_row(line.trim_end_matches('\n'), params, kpis, with_baseline))
            .flatten();
        match parsed {
            Some(r) if r.id < sweep.points() && shard.contains(r.id) && !seen[r.id as usize] => {
                seen[r.id as usize] = true;
                done.push(r.id);
                keep += line.len();
            }
            // A torn or foreign line can only be the last one written.
            _ => break,
        }
    }
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io(path))?;
    file.set_len(keep as u64).map_err(io(path))?;
    let mut file = OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(io(path))?;
    file.flush().map_err(io(path))?;
    done.sort_unstable();
    Ok((file, done))
}

/// Merges complete shard folders into `out`, refusing missing, duplicate or
/// foreign shards. The merged folder equals the unsharded run's.
pub fn merge(
    lock: &FolderLock,
    shards: &[PathBuf],
    sweep: Option<&Sweep>,
) -> Result<SweepState, OutputError> {
    let out = lock.out();
    // The merged folder is a sweep folder, or the folder the shards were
    // written into (by default their parent), holding only shard folders.
    let existing = match owner::check_owned(out, FolderKind::Sweep) {
        Ok(e) => e,
        Err(e) if only_shards(out) => {
            let _ = e;
            Existing::Empty
        }
        Err(e) => return Err(e),
    };
    let mut states = Vec::new();
    for dir in shards {
        let manifest = dir.join(MANIFEST_FILE);
        let state: SweepState = fs::read(&manifest)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| {
                bad(dir, format!("is not a finished sweep shard (no readable {MANIFEST_FILE}); finish it with --resume"))
            })?;
        if state.kind != "sweep" || state.shard.is_none() {
            return Err(bad(dir, "is not a sweep shard folder".into()));
        }
        let points = dir.join(POINTS_FILE);
        if let Err(source) = File::open(&points) {
            return Err(bad(
                dir,
                format!(
                    "is not a finished sweep shard: cannot read `{}`: {source}; finish it with --resume",
                    points.display()
                ),
            ));
        }
        states.push(state);
    }
    let first = states
        .first()
        .ok_or_else(|| bad(out, "no shard folders given".into()))?
        .clone();
    let count = first.shard.expect("checked").1;
    let mut by_index: Vec<Option<usize>> = vec![None; count as usize];
    for (i, s) in states.iter().enumerate() {
        let (index, n) = s.shard.expect("checked");
        let mut plain = s.clone();
        plain.shard = first.shard;
        if plain != first || n != count {
            return Err(bad(
                &shards[i],
                format!(
                    "is a shard of a different sweep or version than `{}` (fingerprint {} vs {})",
                    shards[0].display(),
                    s.fingerprint,
                    first.fingerprint
                ),
            ));
        }
        if let Some(j) = by_index[(index - 1) as usize] {
            return Err(bad(
                &shards[i],
                format!(
                    "duplicates shard {index}/{count} of `{}`",
                    shards[j].display()
                ),
            ));
        }
        by_index[(index - 1) as usize] = Some(i);
    }
    if let Some(missing) = by_index.iter().position(Option::is_none) {
        return Err(bad(
            out,
            format!("shard {}/{count} is missing", missing + 1),
        ));
    }
    if let Some(sweep) = sweep {
        if sweep.fingerprint != first.fingerprint {
            return Err(bad(
                &sweep.file,
                format!(
                    "is not the sweep these shards ran (fingerprint {} vs {}); merge without --sweep or \
                     give the sweep file they ran",
                    sweep.fingerprint, first.fingerprint
                ),
            ));
        }
    }
    let order: Vec<usize> = by_index.into_iter().map(|i| i.expect("checked")).collect();
    let mut readers: Vec<_> = order
        .iter()
        .map(|&i| {
            let path = shards[i].join(POINTS_FILE);
            let read = |source| OutputError::Read {
                path: path.clone(),
                source,
            };
            let mut r = BufReader::new(File::open(&path).map_err(read)?);
            let mut header = String::new();
            r.read_line(&mut header).map_err(read)?;
            Ok((r, path))
        })
        .collect::<Result<_, OutputError>>()?;
    fs::create_dir_all(out).map_err(io(out))?;
    if existing != Existing::Ours {
        owner::write_marker(out, FolderKind::Sweep)?;
    }
    let temp = out.join(format!("{POINTS_FILE}.tmp"));
    {
        let mut w = std::io::BufWriter::new(File::create(&temp).map_err(io(&temp))?);
        w.write_all(first.header.as_bytes()).map_err(io(&temp))?;
        let mut line = String::new();
        for id in 0..first.points {
            let (r, path) = &mut readers[(id % u64::from(count)) as usize];
            line.clear();
            if let Err(source) = r.read_line(&mut line) {
                let _ = fs::remove_file(&temp);
                return Err(OutputError::Read {
                    path: path.clone(),
                    source,
                });
            }
            let got = line.split(',').next().and_then(|f| f.parse::<u64>().ok());
            if got != Some(id) || !line.ends_with('\n') {
                let _ = fs::remove_file(&temp);
                return Err(bad(
                    path,
                    format!("expected the row of point {id}; the shard is incomplete or damaged"),
                ));
            }
            w.write_all(line.as_bytes()).map_err(io(&temp))?;
        }
        let file = w.into_inner().map_err(|e| io(&temp)(e.into_error()))?;
        file.sync_all().map_err(io(&temp))?;
    }
    let mut whole = first;
    whole.shard = None;
    match sweep {
        Some(sweep) => finish_folder(out, &temp, &whole, sweep)?,
        None => {
            let points = out.join(POINTS_FILE);
            fs::rename(&temp, &points).map_err(io(&points))?;
            let manifest = out.join(MANIFEST_FILE);
            write_synced(&manifest, &whole.json())?;
        }
    }
    Ok(whole)
}

/// Whether `dir` holds nothing but shard folders effectchain wrote (and
/// lock files of their runs).
fn only_shards(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().all(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let path = e.path();
        (name.starts_with('.') && name.ends_with(".effectchain-lock") && path.is_file())
            || (fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir())
                && owner::read_marker(&path) == Some(FolderKind::Shard))
    })
}
