//! Reads result files back for plotting: the daily series, per-replication
//! KPIs, sweep points and the JSON files. Plots are drawn from these files
//! alone, never from the model, so any output folder can be re-plotted.
//!
//! Readers are lenient where a file may come from a newer or older version
//! (unknown columns are kept or ignored, missing optional files are `None`)
//! and return [`PlotError::Read`] for files that cannot be parsed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

use super::PlotError;
use crate::output::columns;

/// A variable's daily mean with its 95% CI bounds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Band {
    pub mean: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

/// The contents of a `daily.csv`.
#[derive(Debug, Clone, Default)]
pub struct Daily {
    pub days: Vec<f64>,
    pub vars: BTreeMap<String, Band>,
}

impl Daily {
    /// The band of `name`, if the file has it.
    pub fn get(&self, name: &str) -> Option<&Band> {
        self.vars.get(name)
    }
}

pub(super) fn read_error(path: &Path, message: impl std::fmt::Display) -> PlotError {
    PlotError::Read {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// A CSV file as its header and rows of numbers (unparsable cells are NaN).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

impl Table {
    /// The column named `name`, if there is one.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let i = self.header.iter().position(|h| h == name)?;
        Some(
            self.rows
                .iter()
                .map(|r| r.get(i).copied().unwrap_or(f64::NAN))
                .collect(),
        )
    }

    /// The estimate `name` (its `<name>_mean`, `_ci_low` and `_ci_high`
    /// columns, the bare `mean`, ... for an empty name), if the table has
    /// all three.
    pub fn band(&self, name: &str) -> Option<Band> {
        let [mean, lo, hi] = columns::estimate(name).map(|c| self.column(&c));
        Some(Band {
            mean: mean?,
            lo: lo?,
            hi: hi?,
        })
    }

    /// The 95% CI columns (`<name>_ci_low`, `<name>_ci_high`) of the value
    /// column `name`, if the table has both.
    pub fn interval(&self, name: &str) -> Option<(Vec<f64>, Vec<f64>)> {
        let [lo, hi] = columns::interval(name).map(|c| self.column(&c));
        Some((lo?, hi?))
    }
}

/// Opens `path` as a CSV file of numbers with a header line, and reads the
/// header (trimmed); the rows are left to the caller, to stream or keep.
pub(super) fn open_csv(path: &Path) -> Result<(csv::Reader<fs::File>, Vec<String>), PlotError> {
    let file = fs::File::open(path).map_err(|e| read_error(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| read_error(path, e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.is_empty() || header.iter().all(String::is_empty) {
        return Err(read_error(path, "the file has no header line"));
    }
    Ok((reader, header))
}

/// Reads a CSV file of numbers with a header line.
pub fn read_table(path: &Path) -> Result<Table, PlotError> {
    let (mut reader, header) = open_csv(path)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| read_error(path, e))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(
            record
                .iter()
                .map(|c| c.trim().parse::<f64>().unwrap_or(f64::NAN))
                .collect(),
        );
    }
    Ok(Table { header, rows })
}

/// Reads a `daily.csv` (`day`, then `<var>_mean,<var>_ci_low,<var>_ci_high`).
pub fn read_daily(path: &Path) -> Result<Daily, PlotError> {
    let table = read_table(path)?;
    let days = table
        .column(columns::DAY)
        .ok_or_else(|| read_error(path, "no `day` column"))?;
    let vars: BTreeMap<String, Band> = (table.header.iter())
        .filter_map(|h| columns::mean_of(h))
        .filter_map(|name| Some((name.to_string(), table.band(name)?)))
        .collect();
    if vars.is_empty() {
        return Err(read_error(path, "no `<variable>_mean` columns"));
    }
    Ok(Daily { days, vars })
}

/// The items of the array `key` of `json` (none when it is missing or not
/// an array).
pub fn items<'a>(json: &'a Value, key: &str) -> &'a [Value] {
    json.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The `[key, value]` pairs of the array `key` of `json` (such as a
/// manifest's baseline overrides), values as text.
pub fn pairs(json: Option<&Value>, key: &str) -> Vec<(String, String)> {
    let pairs = json.map(|j| items(j, key));
    let pair = |p: &Value| {
        let p = p.as_array()?;
        let value = match p.get(1)? {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        Some((p.first()?.as_str()?.to_string(), value))
    };
    pairs.unwrap_or_default().iter().filter_map(pair).collect()
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Result<Value, PlotError> {
    let bytes = fs::read(path).map_err(|e| read_error(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| read_error(path, e))
}

/// Reads a JSON file if it exists; a file that exists but does not parse
/// is an error.
pub fn read_json_opt(path: &Path) -> Result<Option<Value>, PlotError> {
    if path.is_file() {
        read_json(path).map(Some)
    } else {
        Ok(None)
    }
}

/// A number at `key` of a JSON object (null and missing are `None`).
pub fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key)?.as_f64().filter(|x| x.is_finite())
}

/// A string at `key` of a JSON object.
pub fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)?.as_str()
}

/// Mean and 95% CI read from an object `{mean, ci_low, ci_high}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// The `{ci_low, ci_high}` of `v` (NaN where one is missing).
pub fn ci(v: &Value) -> (f64, f64) {
    let bound = |key: &str| num(v, key).unwrap_or(f64::NAN);
    (bound("ci_low"), bound("ci_high"))
}

impl Estimate {
    /// Reads `{mean, ci_low, ci_high}`; the bounds default to the mean.
    pub fn of(v: &Value) -> Option<Estimate> {
        let mean = num(v, "mean")?;
        Some(Estimate {
            mean,
            lo: num(v, "ci_low").unwrap_or(mean),
            hi: num(v, "ci_high").unwrap_or(mean),
        })
    }

    /// Whether the CI excludes zero.
    pub fn clear(&self) -> bool {
        self.lo > 0.0 || self.hi < 0.0
    }
}

/// The file stem of a config path, as a policy label (`configs/a.toml`
/// -> `a`).
pub fn stem(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_files_group_their_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("daily.csv");
        fs::write(
            &path,
            "day,profit_mean,profit_ci_low,profit_ci_high,odd\n0,1,0.5,1.5,x\n1,NaN,1,3,y\n",
        )
        .unwrap();
        let d = read_daily(&path).unwrap();
        assert_eq!(d.days, vec![0.0, 1.0]);
        let p = d.get("profit").unwrap();
        assert_eq!(p.lo, vec![0.5, 1.0]);
        assert!(p.mean[1].is_nan());
        assert!(d.get("odd").is_none());
    }

    #[test]
    fn bad_files_are_read_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("daily.csv");
        fs::write(&path, "a,b\n1,2\n").unwrap();
        assert!(matches!(read_daily(&path), Err(PlotError::Read { .. })));
        fs::write(&path, "{not json").unwrap();
        assert!(matches!(read_json(&path), Err(PlotError::Read { .. })));
        assert!(read_json_opt(&dir.path().join("missing.json"))
            .unwrap()
            .is_none());
        assert_eq!(stem("configs/expert-store.toml"), "expert-store");
    }
}
