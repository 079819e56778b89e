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
use crate::experiment::sweep::{Analyser, Analysis, PointResult, Shard, Sweep};

use super::owner::{self, Existing, FolderKind, FolderLock};
use super::{OutputError, VERSION};

/// Final rows, in point-id order.
pub const POINTS_FILE: &str = "points.csv";
/// Rows of a running sweep, in completion order.
pub const PARTIAL_FILE: &str = "points.partial.csv";
/// Which sweep and shard a folder belongs to.
pub const STATE_FILE: &str = "sweep-state.json";
/// How the results were made.
pub use super::MANIFEST_FILE;
/// Break-even values and best points.
pub const BREAKEVEN_FILE: &str = "breakeven.json";

/// What identifies a sweep folder; equal in every shard of one sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepState {
    pub kind: String,
    pub version: String,
    pub fingerprint: String,
    /// The resolved base config's digest, part of `fingerprint`: lets a
    /// refusal say that the base config is what changed.
    #[serde(default)]
    pub base_fingerprint: String,
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
            base_fingerprint: sweep.base_fingerprint.clone(),
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
        json(self)
    }

    /// Whether `self` and `other` are the same sweep and shard. The
    /// fingerprint decides (it digests everything a row depends on); the
    /// sweep file's name is only a label, so a renamed file is the same
    /// sweep.
    pub fn same_run(&self, other: &SweepState) -> bool {
        self.fingerprint == other.fingerprint && self.shard == other.shard
    }

    /// What differs between `self` (found) and `other` (expected), in
    /// words, most telling first: version, base config, the sweep's own
    /// settings, the shard split. Empty when they are the same sweep and
    /// shard.
    pub fn differences(&self, other: &SweepState, there: &str, here: &str) -> Vec<String> {
        let mut out = Vec::new();
        let pair = |what: &str, a: &dyn std::fmt::Display, b: &dyn std::fmt::Display| {
            format!("{what} ({a} {there}, {b} {here})")
        };
        if self.sweep_file != other.sweep_file && self.fingerprint != other.fingerprint {
            // A label only (a renamed file is the same sweep), but a
            // telling one when the sweeps differ too.
            out.push(pair(
                "the sweep file",
                &format!("`{}`", self.sweep_file),
                &format!("`{}`", other.sweep_file),
            ));
        }
        if self.version != other.version {
            out.push(pair(
                "the effectchain version",
                &self.version,
                &other.version,
            ));
        }
        if self.base_fingerprint != other.base_fingerprint {
            out.push("the base config".to_string());
        }
        if self.replications != other.replications {
            out.push(pair(
                "replications",
                &self.replications,
                &other.replications,
            ));
        }
        if self.seed != other.seed {
            out.push(pair("the seed", &self.seed, &other.seed));
        }
        if self.parameters != other.parameters {
            out.push(pair(
                "the parameters",
                &self.parameters.join(", "),
                &other.parameters.join(", "),
            ));
        }
        if self.points != other.points {
            out.push(pair("the number of points", &self.points, &other.points));
        }
        if self.kpis != other.kpis {
            out.push("the KPIs".to_string());
        }
        if self.baseline != other.baseline {
            out.push("the baseline".to_string());
        }
        if out.is_empty() && self.fingerprint != other.fingerprint {
            out.push("the parameter values or the design".to_string());
        }
        match (self.shard, other.shard) {
            (Some((_, a)), Some((_, b))) if a != b => {
                out.push(pair("the shard count", &a, &b));
            }
            (a, b) if a != b => out.push(format!(
                "the shard ({} {there}, {} {here})",
                shard_words(a),
                shard_words(b)
            )),
            _ => {}
        }
        out
    }
}

/// `shard 2/4`, or `the whole sweep`.
fn shard_words(shard: Option<(u32, u32)>) -> String {
    match shard {
        Some((i, n)) => format!("shard {i}/{n}"),
        None => "the whole sweep".into(),
    }
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("plain data serialises");
    bytes.push(b'\n');
    bytes
}

/// How a sweep was asked for, recorded in its manifest beside what it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The canonical command that makes the folder (see
    /// [`SweepManifest::command_line`]).
    pub command_line: Vec<String>,
    /// Where the shard number came from, when not from the command line
    /// (`SLURM_ARRAY_TASK_ID` for `--shard auto/N`).
    pub shard_from: Option<String>,
}

/// A KPI's name and unit, as recorded in a sweep manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiUnit {
    pub name: String,
    pub unit: String,
}

/// `manifest.json` of a finished sweep or shard folder: what identifies
/// the sweep ([`SweepState`], flattened) and enough to reproduce it from
/// the folder alone: the tool, the generator, the command, the sweep
/// file's and base config's text and the KPI units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepManifest {
    #[serde(default)]
    pub tool: String,
    #[serde(flatten)]
    pub state: SweepState,
    #[serde(default)]
    pub rng: String,
    /// `effectchain sweep FILE [--shard I/N]`: the sweep file as given and
    /// the resolved shard, without the options that cannot change results
    /// (`--out`, `--threads`, `--quiet`, `--no-plots`, `--resume`,
    /// `--fresh`), so that a merged folder records what the unsharded run
    /// records.
    #[serde(default)]
    pub command_line: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_from: Option<String>,
    #[serde(default)]
    pub kpi_units: Vec<KpiUnit>,
    /// The sweep file's text.
    #[serde(default)]
    pub sweep_text: String,
    /// The base config as the sweep file names it, and its text.
    #[serde(default)]
    pub base_config: String,
    #[serde(default)]
    pub base_config_text: String,
}

impl SweepManifest {
    pub fn of(sweep: &Sweep, shard: Shard, provenance: &Provenance) -> SweepManifest {
        SweepManifest {
            tool: super::owner::TOOL.into(),
            state: SweepState::of(sweep, shard),
            rng: super::RNG_NAME.into(),
            command_line: provenance.command_line.clone(),
            shard_from: provenance.shard_from.clone(),
            kpi_units: sweep
                .kpis
                .iter()
                .map(|k| KpiUnit {
                    name: k.clone(),
                    unit: crate::engine::KPI_DEFS
                        .iter()
                        .find(|d| d.name == k)
                        .map_or("", |d| d.unit)
                        .into(),
                })
                .collect(),
            sweep_text: sweep.text.clone(),
            base_config: sweep.base_file.display().to_string(),
            base_config_text: sweep.base_text.clone(),
        }
    }

    /// The manifest of the whole sweep that this shard's manifest is a part
    /// of: no shard, and the command line without `--shard`.
    fn whole(&self) -> SweepManifest {
        let mut whole = self.clone();
        whole.state.shard = None;
        whole.shard_from = None;
        let mut line = Vec::new();
        let mut words = self.command_line.iter();
        while let Some(w) = words.next() {
            if w == "--shard" {
                words.next();
            } else if !w.starts_with("--shard=") {
                line.push(w.clone());
            }
        }
        whole.command_line = line;
        whole
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

fn bad(path: &Path, message: String) -> OutputError {
    OutputError::Sweep {
        path: path.to_path_buf(),
        message,
    }
}

/// The CSV header of `points.csv` (newline-terminated).
pub fn header(sweep: &Sweep) -> String {
    let parameters: Vec<String> = sweep.parameters.iter().map(|p| p.path.clone()).collect();
    let cols = super::columns::points(&parameters, &sweep.kpis, !sweep.baseline.is_empty());
    super::csv::record(&cols)
}

/// One point's CSV row (newline-terminated).
pub fn row(point: &PointResult) -> String {
    let all = point.kpis.iter().chain(point.differences.iter().flatten());
    let fields = std::iter::once(point.id.to_string())
        .chain(point.values.iter().map(f64::to_string))
        .chain(all.flat_map(|s| [s.mean, s.ci_low, s.ci_high].map(|v| v.to_string())));
    super::csv::record(fields)
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
    manifest: SweepManifest,
}

/// What [`SweepWriter::open`] found.
pub struct Opened {
    pub writer: SweepWriter,
    /// Point ids (of this shard) that already have a row.
    pub done: Vec<u64>,
}

/// How `sweep` treats what its output folder already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Whatever the folder calls for: start in an empty one, continue an
    /// interrupted run of the same sweep and shard, report a finished one.
    /// Running a shard again is then always safe (a requeue, a resubmitted
    /// array).
    Auto,
    /// As `Auto`, but a folder with no run of this sweep is an error: the
    /// user expected one there.
    Resume,
    /// Discard what effectchain wrote there (of any sweep) and start over.
    Fresh,
}

/// The outcome of [`SweepWriter::open`].
pub enum Open {
    /// Points remain to run (boxed: the writer carries the manifest).
    Run(Box<Opened>),
    /// The folder holds this sweep (or shard), finished: nothing to do.
    Finished,
}

/// What a sweep or shard folder holds, read from its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holds {
    /// No run recorded: absent, empty, or nothing but the marker.
    Nothing,
    /// An interrupted run (`points.partial.csv`) of the sweep named in its
    /// `sweep-state.json`, with this many complete rows.
    Interrupted { state: SweepState, rows: u64 },
    /// An interrupted run whose `sweep-state.json` is missing or unreadable.
    Unknown,
    /// A finished run: `points.csv` and a readable `manifest.json`.
    Finished { state: SweepState },
}

fn read_state(path: &Path) -> Option<SweepState> {
    let meta = fs::symlink_metadata(path).ok()?;
    // A state or manifest holds the two texts (each at most the input
    // limit) and little else; anything far bigger is not ours.
    if !meta.is_file() || meta.len() > 16 * crate::input::MAX_FILE_BYTES {
        return None;
    }
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

/// Reads what `dir` holds. An interrupted run counts first: a run killed
/// while finishing has its final files and still its partial file, which
/// resuming finishes again.
pub fn holds(dir: &Path) -> Holds {
    let partial = dir.join(PARTIAL_FILE);
    if partial.is_file() {
        return match read_state(&dir.join(STATE_FILE)) {
            Some(state) => {
                let rows = fs::read(&partial).map_or(0, |b| {
                    (b.iter().filter(|&&c| c == b'\n').count() as u64).saturating_sub(1)
                });
                Holds::Interrupted { state, rows }
            }
            None => Holds::Unknown,
        };
    }
    match read_state(&dir.join(MANIFEST_FILE)) {
        Some(state) if dir.join(POINTS_FILE).is_file() => Holds::Finished { state },
        _ => Holds::Nothing,
    }
}

/// The refusal of a folder holding another shard or another sweep.
fn refuse_other(
    dir: &Path,
    found: &SweepState,
    wanted: &SweepState,
    finished: bool,
) -> OutputError {
    let run = if finished {
        "a finished"
    } else {
        "an interrupted"
    };
    if found.fingerprint == wanted.fingerprint {
        // Another shard of this very sweep: never offer to discard it.
        let name = wanted
            .shard
            .map_or_else(String::new, |(i, n)| format!("shard-{i}-of-{n}"));
        return bad(
            dir,
            format!(
                "holds {run} run of {} of this sweep, not of {}; give each shard its own --out \
                 (such as `{}`)",
                shard_words(found.shard),
                shard_words(wanted.shard),
                dir.parent()
                    .map_or_else(|| PathBuf::from(&name), |p| p.join(&name))
                    .display()
            ),
        );
    }
    bad(
        dir,
        format!(
            "holds {run} run of another sweep (`{}`; it differs in {}); use another --out, or \
             add --fresh to discard it and start over",
            found.sweep_file,
            found.differences(wanted, "in the folder", "now").join(", ")
        ),
    )
}

impl SweepWriter {
    /// Opens the locked folder `lock.out()` for `sweep` and `shard`. The
    /// folder must be absent, empty or a sweep folder (a shard folder for a
    /// shard) that effectchain wrote; what it holds then decides, with
    /// `mode` (see [`Mode`]): an interrupted run of this sweep and shard
    /// continues (its finished points are returned and kept), a finished
    /// one is [`Open::Finished`], another shard's or sweep's run is
    /// refused unless [`Mode::Fresh`]. `provenance` goes into the manifest.
    pub fn open(
        lock: &FolderLock,
        sweep: &Sweep,
        shard: Shard,
        mode: Mode,
        provenance: &Provenance,
    ) -> Result<Open, OutputError> {
        let dir = lock.out();
        let kind = if shard == Shard::WHOLE {
            FolderKind::Sweep
        } else {
            FolderKind::Shard
        };
        let existing = owner::check_owned(dir, kind)?;
        let manifest = SweepManifest::of(sweep, shard, provenance);
        let state = &manifest.state;
        let partial_path = dir.join(PARTIAL_FILE);
        let state_path = dir.join(STATE_FILE);
        let found = if existing == Existing::Ours && mode != Mode::Fresh {
            holds(dir)
        } else {
            Holds::Nothing
        };
        match found {
            Holds::Interrupted { state: found, .. } if found.same_run(state) => {
                let (file, done) = recover(&partial_path, sweep, shard)?;
                return Ok(Open::Run(Box::new(Opened {
                    writer: SweepWriter {
                        dir: dir.to_path_buf(),
                        partial: Mutex::new((file, Instant::now())),
                        manifest,
                    },
                    done,
                })));
            }
            Holds::Interrupted { state: found, .. } => {
                return Err(refuse_other(dir, &found, state, false))
            }
            Holds::Unknown => {
                return Err(bad(
                    dir,
                    format!(
                        "holds an interrupted run whose {STATE_FILE} is missing or unreadable, so \
                         which sweep it belongs to is unknown; add --fresh to discard it and start \
                         over, or use another --out"
                    ),
                ))
            }
            Holds::Finished { state: found } if found.same_run(state) => return Ok(Open::Finished),
            Holds::Finished { state: found } => return Err(refuse_other(dir, &found, state, true)),
            Holds::Nothing if mode == Mode::Resume => {
                return Err(bad(
                    dir,
                    "holds no run of this sweep, so there is nothing to resume; run without \
                     --resume to start it"
                        .into(),
                ))
            }
            Holds::Nothing => {}
        }
        fs::create_dir_all(dir).map_err(io(dir))?;
        if existing == Existing::Ours {
            // Starting over in a folder of ours: the old results go first,
            // the manifest before the rest, so that the folder never claims
            // a finished run it does not hold.
            for name in [
                MANIFEST_FILE,
                POINTS_FILE,
                BREAKEVEN_FILE,
                STATE_FILE,
                PARTIAL_FILE,
            ] {
                let path = dir.join(name);
                match fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&path)(e)),
                    _ => {}
                }
            }
        } else {
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
        Ok(Open::Run(Box::new(Opened {
            writer: SweepWriter {
                dir: dir.to_path_buf(),
                partial: Mutex::new((file, Instant::now())),
                manifest,
            },
            done: Vec::new(),
        })))
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
        // Index (id, offset, length) of every row; memory is 16 bytes per
        // point (ids below MAX_POINTS and row lengths fit 32 bits), never
        // the rows themselves.
        let expected = shard.ids(sweep.points()).count();
        let mut index: Vec<(u32, u64, u32)> = Vec::with_capacity(expected);
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
                    .unwrap_or(u32::MAX);
                let len = u32::try_from(n)
                    .map_err(|_| bad(&partial_path, "holds a row longer than 4 GB".into()))?;
                index.push((id, offset, len));
                offset += n;
            }
        }
        index.sort_unstable();
        // Compared as they come: neither list is materialised beside the
        // index.
        if !index
            .iter()
            .map(|r| u64::from(r.0))
            .eq(shard.ids(sweep.points()))
        {
            return Err(bad(
                &self.dir,
                format!(
                    "{} of {expected} points have rows; the sweep is incomplete",
                    index.len(),
                ),
            ));
        }
        let temp = self.dir.join(format!("{POINTS_FILE}.tmp"));
        let written = (|| -> Result<(), OutputError> {
            let mut source = File::open(&partial_path).map_err(io(&partial_path))?;
            let mut out = std::io::BufWriter::new(File::create(&temp).map_err(io(&temp))?);
            out.write_all(self.manifest.state.header.as_bytes())
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
        drop(index);
        if let Err(e) = written {
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        finish_folder(&self.dir, &temp, &self.manifest, Some(sweep))?;
        owner::pause_point("sweep-finish-written");
        fs::remove_file(&partial_path).map_err(io(&partial_path))?;
        owner::pause_point("sweep-finish-partial-removed");
        let _ = fs::remove_file(self.dir.join(STATE_FILE));
        Ok(())
    }
}

/// Renames the complete `points.csv` into place and writes the manifest and,
/// for a whole sweep whose file is known, the break-even analysis beside it.
fn finish_folder(
    dir: &Path,
    temp_points: &Path,
    manifest: &SweepManifest,
    sweep: Option<&Sweep>,
) -> Result<(), OutputError> {
    let points = dir.join(POINTS_FILE);
    fs::rename(temp_points, &points).map_err(io(&points))?;
    owner::pause_point("sweep-finish-renamed");
    write_synced(&dir.join(MANIFEST_FILE), &json(manifest))?;
    let breakeven = dir.join(BREAKEVEN_FILE);
    if let (None, Some(sweep)) = (manifest.state.shard, sweep) {
        if let Some(analysis) = analyse_file(&points, sweep)? {
            write_synced(&breakeven, &json(&analysis))?;
        }
    }
    Ok(())
}

/// Reads `points.csv` and analyses it when the design allows, in one
/// streaming pass: a row is parsed, handed to the [`Analyser`] and dropped.
pub fn analyse_file(points: &Path, sweep: &Sweep) -> Result<Option<Analysis>, OutputError> {
    if !Analysis::applies(sweep) {
        return Ok(None);
    }
    let mut reader = BufReader::new(File::open(points).map_err(io(points))?);
    let mut analyser = Analyser::new(sweep);
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io(points))? == 0 {
            break;
        }
        if std::mem::take(&mut first) {
            continue;
        }
        let text = line.strip_suffix('\n').unwrap_or(&line);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let r = parse_row(
            text,
            sweep.parameters.len(),
            sweep.kpis.len(),
            !sweep.baseline.is_empty(),
        )
        .ok_or_else(|| bad(points, "holds a malformed row".into()))?;
        analyser.push(&r);
    }
    Ok(Some(analyser.finish()))
}

/// Reads the partial file, truncates a torn last line and returns the
/// appendable file and the finished ids.
fn recover(path: &Path, sweep: &Sweep, shard: Shard) -> Result<(File, Vec<u64>), OutputError> {
    // Read line by line: a million-point partial file is never held whole.
    let file = File::open(path).map_err(io(path))?;
    let len = file.metadata().map_err(io(path))?.len();
    let mut reader = BufReader::new(file);
    let params = sweep.parameters.len();
    let kpis = sweep.kpis.len();
    let with_baseline = !sweep.baseline.is_empty();
    let header = header(sweep);
    let mut head = Vec::with_capacity(header.len());
    (&mut reader)
        .take(header.len() as u64)
        .read_to_end(&mut head)
        .map_err(io(path))?;
    if len <= header.len() as u64 && header.as_bytes().starts_with(&head) {
        // Killed before the header (or its first row) was complete: an
        // empty file, a torn header, or the header alone. Start it over.
        let mut file = File::create(path).map_err(io(path))?;
        file.write_all(header.as_bytes()).map_err(io(path))?;
        file.sync_data().map_err(io(path))?;
        return Ok((file, Vec::new()));
    }
    if head != header.as_bytes() {
        return Err(bad(
            path,
            "cannot resume: the partial file's header does not match the sweep".into(),
        ));
    }
    let mut keep = header.len() as u64;
    let mut seen = vec![false; sweep.points() as usize];
    let mut done = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(io(path))?;
        if n == 0 {
            break;
        }
        let complete = line.ends_with('\n');
        let parsed = complete
            .then(|| parse_row(line.trim_end_matches('\n'), params, kpis, with_baseline))
            .flatten();
        match parsed {
            Some(r) if r.id < sweep.points() && shard.contains(r.id) && !seen[r.id as usize] => {
                seen[r.id as usize] = true;
                done.push(r.id);
                keep += n as u64;
            }
            // A torn or foreign line can only be the last one written.
            _ => break,
        }
    }
    drop(reader);
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io(path))?;
    file.set_len(keep).map_err(io(path))?;
    let mut file = OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(io(path))?;
    file.flush().map_err(io(path))?;
    done.sort_unstable();
    Ok((file, done))
}

/// Shard numbers as Slurm's `--array` takes them: `1-3,5,7-9`.
pub fn array_list(indices: &[u32]) -> String {
    let mut sorted = indices.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            sorted[i].to_string()
        } else {
            format!("{}-{}", sorted[i], sorted[j])
        });
        i = j + 1;
    }
    parts.join(",")
}

/// The shard folders named by `dirs`: each is a shard folder, or a folder
/// holding shard folders (the parent of `shard-I-of-N`, which may also
/// hold the merged result and logs), which stands for those, in name
/// order.
pub fn shard_folders(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, OutputError> {
    let mut out = Vec::new();
    for dir in dirs {
        if owner::read_marker(dir) == Some(FolderKind::Shard) {
            out.push(dir.clone());
            continue;
        }
        let entries =
            match fs::read_dir(dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(bad(
                    dir,
                    "does not exist; give the shard folders of a sweep (`sweep --shard` writes \
                     them) or the folder holding them"
                        .into(),
                )),
                Err(source) => {
                    return Err(OutputError::Read {
                        path: dir.clone(),
                        source,
                    })
                }
            };
        let mut inside: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
                    && owner::read_marker(p) == Some(FolderKind::Shard)
            })
            .collect();
        if inside.is_empty() {
            return Err(bad(
                dir,
                "is not a shard folder and holds none; give the shard folders of a sweep \
                 (`sweep --shard` writes them) or the folder holding them"
                    .into(),
            ));
        }
        inside.sort();
        out.extend(inside);
    }
    Ok(out)
}

/// `the 3 shard folders in `out/s``, or `the 3 shard folders given`.
fn set_words(shards: &[PathBuf]) -> String {
    let parent = shards.first().and_then(|s| s.parent());
    let n = shards.len();
    let folders = if n == 1 {
        "shard folder"
    } else {
        "shard folders"
    };
    match parent {
        Some(p) if shards.iter().all(|s| s.parent() == Some(p)) && !p.as_os_str().is_empty() => {
            format!("the {n} {folders} in `{}`", p.display())
        }
        _ => format!("the {n} {folders} given"),
    }
}

/// What `merge --status` reports for one shard number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShardStatus {
    /// No folder given holds it.
    Missing,
    /// Interrupted in `dir` with `rows` of `of` points done.
    Interrupted { dir: PathBuf, rows: u64, of: u64 },
    /// Finished in `dir`.
    Finished { dir: PathBuf },
}

/// The state of every shard of one sweep, for `merge --status`.
#[derive(Debug, Clone)]
pub struct Survey {
    /// The sweep, as its first shard folder found records it (no shard).
    pub state: SweepState,
    /// Shard count.
    pub count: u32,
    /// By shard number − 1.
    pub shards: Vec<ShardStatus>,
    /// Shard folders without a recorded run (killed before they started).
    pub unstarted: Vec<PathBuf>,
}

impl Survey {
    /// Shard numbers still to run (interrupted or missing).
    pub fn to_run(&self) -> Vec<u32> {
        (1..=self.count)
            .filter(|i| !matches!(self.shards[*i as usize - 1], ShardStatus::Finished { .. }))
            .collect()
    }
}

/// Surveys the shard folders `dirs` (see [`shard_folders`]): which shards
/// of their sweep are finished, interrupted or missing. Folders of
/// different sweeps or splits, or two of one shard, are refused as `merge`
/// refuses them.
pub fn survey(dirs: &[PathBuf]) -> Result<Survey, OutputError> {
    let folders = shard_folders(dirs)?;
    let mut found: Vec<(PathBuf, SweepState, Option<u64>)> = Vec::new();
    let mut unstarted = Vec::new();
    for dir in folders {
        match holds(&dir) {
            Holds::Finished { state } => found.push((dir, state, None)),
            Holds::Interrupted { state, rows } => found.push((dir, state, Some(rows))),
            Holds::Nothing | Holds::Unknown => unstarted.push(dir),
        }
    }
    let Some((first_dir, first, _)) = found.first().cloned() else {
        return Err(OutputError::Shards {
            message: format!(
                "{} hold no started shard yet; run the shards first (`effectchain sweep SWEEP \
                 --shard I/N`)",
                set_words(&unstarted)
            ),
        });
    };
    let count = check_shard(&first_dir, &first)?.1;
    let mut shards = vec![ShardStatus::Missing; count as usize];
    let mut seen: Vec<Option<PathBuf>> = vec![None; count as usize];
    for (dir, state, rows) in &found {
        let (index, _) = same_sweep(&first_dir, &first, dir, state)?;
        let slot = (index - 1) as usize;
        if let Some(other) = &seen[slot] {
            return Err(bad(
                dir,
                format!("duplicates shard {index}/{count} of `{}`", other.display()),
            ));
        }
        seen[slot] = Some(dir.clone());
        let of = Shard { index, count }.ids(state.points).count() as u64;
        shards[slot] = match rows {
            None => ShardStatus::Finished { dir: dir.clone() },
            Some(rows) => ShardStatus::Interrupted {
                dir: dir.clone(),
                rows: (*rows).min(of),
                of,
            },
        };
    }
    let mut state = first;
    state.shard = None;
    Ok(Survey {
        state,
        count,
        shards,
        unstarted,
    })
}

/// The shard of a shard folder's state, or why it is not one.
fn check_shard(dir: &Path, state: &SweepState) -> Result<(u32, u32), OutputError> {
    match state.shard {
        Some((i, n)) if state.kind == "sweep" && n >= 1 && (1..=n).contains(&i) => Ok((i, n)),
        _ => Err(bad(dir, "is not a sweep shard folder".into())),
    }
}

/// Checks that `state` (of `dir`) is a shard of the same sweep and split
/// as `first` (of `first_dir`), naming what differs; returns its shard.
fn same_sweep(
    first_dir: &Path,
    first: &SweepState,
    dir: &Path,
    state: &SweepState,
) -> Result<(u32, u32), OutputError> {
    let (index, n) = check_shard(dir, state)?;
    let count = first.shard.map_or(0, |s| s.1);
    if state.fingerprint != first.fingerprint || n != count {
        let there = format!("in `{}`", dir.display());
        let here = format!("in `{}`", first_dir.display());
        return Err(bad(
            dir,
            format!(
                "is not a shard of the same sweep and split as `{}`: they differ in {}; merge the \
                 shards of one sweep, all run with the same --shard count",
                first_dir.display(),
                state.differences(first, &there, &here).join(", ")
            ),
        ));
    }
    Ok((index, n))
}

/// Merges complete shard folders into `out`, refusing missing, duplicate or
/// foreign shards. `shards` may name the folder holding them (see
/// [`shard_folders`]). The merged folder equals the unsharded run's: its
/// `points.csv` byte for byte, and its manifest too when the shards and
/// that run were given the sweep file by the same path.
pub fn merge(
    lock: &FolderLock,
    shards: &[PathBuf],
    sweep: Option<&Sweep>,
) -> Result<SweepManifest, OutputError> {
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
    let shards = shard_folders(shards)?;
    let mut manifests: Vec<SweepManifest> = Vec::new();
    for dir in &shards {
        let manifest: SweepManifest = match holds(dir) {
            Holds::Interrupted { rows, state } => {
                let of = state.shard.map_or(state.points, |(index, count)| {
                    Shard { index, count }.ids(state.points).count() as u64
                });
                return Err(bad(
                    dir,
                    format!(
                        "is an interrupted shard ({} of {of} points done): run the same `sweep` \
                         command again to finish it (it resumes), then merge",
                        rows.min(of)
                    ),
                ));
            }
            _ => fs::read(dir.join(MANIFEST_FILE))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or_else(|| {
                    bad(
                        dir,
                        format!(
                            "is not a finished sweep shard (no readable {MANIFEST_FILE}); run its \
                             `sweep --shard` command again to finish it"
                        ),
                    )
                })?,
        };
        let points = dir.join(POINTS_FILE);
        if let Err(source) = File::open(&points) {
            return Err(bad(
                dir,
                format!(
                    "is not a finished sweep shard: cannot read `{}`: {source}; run its `sweep \
                     --shard` command again with --fresh to redo it",
                    points.display()
                ),
            ));
        }
        manifests.push(manifest);
    }
    let first = manifests
        .first()
        .ok_or_else(|| bad(out, "no shard folders given".into()))?
        .state
        .clone();
    let count = check_shard(&shards[0], &first)?.1;
    let mut by_index: Vec<Option<usize>> = vec![None; count as usize];
    for (i, m) in manifests.iter().enumerate() {
        let (index, _) = same_sweep(&shards[0], &first, &shards[i], &m.state)?;
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
    let missing: Vec<u32> = (1..=count)
        .filter(|i| by_index[*i as usize - 1].is_none())
        .collect();
    if !missing.is_empty() {
        let have: Vec<u32> = (1..=count)
            .filter(|i| by_index[*i as usize - 1].is_some())
            .collect();
        let list = array_list(&missing);
        return Err(OutputError::Shards {
            message: format!(
                "{} hold shards {} of the {count} of sweep `{}`; missing: {list}. Run {} (in a \
                 Slurm array: resubmit it, or --array={list}), then merge again; `effectchain \
                 merge --status` shows every shard",
                set_words(&shards),
                array_list(&have),
                first.sweep_file,
                if missing.len() == 1 {
                    format!("it with --shard {list}/{count}")
                } else {
                    "them".to_string()
                },
            ),
        });
    }
    if let Some(sweep) = sweep {
        let given = SweepState::of(sweep, Shard::WHOLE);
        if sweep.fingerprint != first.fingerprint {
            return Err(bad(
                &sweep.file,
                format!(
                    "is not the sweep these shards ran: it differs in {}; merge without --sweep, \
                     or give the sweep file they ran",
                    given
                        .differences(&first, "here", "in the shards")
                        .join(", ")
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
    // Shard 1's record stands for the set (all have the same fingerprint).
    let whole = manifests[order[0]].whole();
    finish_folder(out, &temp, &whole, sweep)?;
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
