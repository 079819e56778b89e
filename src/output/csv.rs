//! CSV exports: `daily.csv` (the mean daily path with its 95% CI),
//! `replications.csv` (every KPI of every replication) and, for a chain,
//! `stores.csv` (every store's drivers and KPIs in every replication).
//!
//! Columns are those of [`super::columns`] (from the `DAILY_DEFS` and
//! `KPI_DEFS` tables), so a new variable appears in the files without
//! touching this module. Numbers are
//! written with Rust's `Display` for `f64`: the shortest decimal that reads
//! back to the same value, never in exponent notation, and the same on
//! every platform. Records end in `\n`.

use super::{columns, OutputError, DAILY_FILE, REPLICATIONS_FILE, STORES_FILE};
use crate::experiment::RunResults;

/// `daily.csv`: one row per simulated day (day 0 is the first, warm-up
/// included): `day`, then `<name>_mean,<name>_ci_low,<name>_ci_high` for
/// every daily variable.
pub fn daily(results: &RunResults) -> Result<Vec<u8>, OutputError> {
    let header = columns::daily();
    let rows = results.daily.iter().enumerate().map(|(day, vars)| {
        let mut row = Vec::with_capacity(1 + 3 * vars.len());
        row.push(day.to_string());
        for s in vars {
            row.extend([num(s.mean), num(s.ci_low), num(s.ci_high)]);
        }
        row
    });
    write(DAILY_FILE, header, rows)
}

/// `replications.csv`: one row per replication: `replication` (its index
/// k), then every KPI in `KPI_DEFS` order.
pub fn replications(results: &RunResults) -> Result<Vec<u8>, OutputError> {
    let header = columns::replications();
    let rows = results.replications.iter().map(|r| {
        std::iter::once(r.index.to_string())
            .chain(r.kpis.values().into_iter().map(num))
            .collect()
    });
    write(REPLICATIONS_FILE, header, rows)
}

/// `stores.csv`: one row per (replication, store), in that order:
/// `replication` (its index k), `store` (its index in the chain, from 0),
/// the store's drivers in [`crate::model::StoreProfile::DRIVERS`] order, then every KPI of
/// the store in `KPI_DEFS` order.
pub fn stores(results: &RunResults) -> Result<Vec<u8>, OutputError> {
    let header = columns::stores();
    let rows = results.replications.iter().flat_map(|r| {
        r.stores.iter().enumerate().map(move |(i, store)| {
            [r.index.to_string(), i.to_string()]
                .into_iter()
                .chain(store.profile.values().into_iter().map(num))
                .chain(store.kpis.values().into_iter().map(num))
                .collect()
        })
    });
    write(STORES_FILE, header, rows)
}

fn num(v: f64) -> String {
    format!("{v}")
}

/// The CSV writer every file is written with: `\n` line ends, fields quoted
/// only where they must be.
fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

/// One CSV record of `fields`, newline-terminated, written like the files
/// of this module (for files written a record at a time, such as a
/// sweep's `points.csv`, and the validation data sets).
pub fn record<T: AsRef<[u8]>>(fields: impl IntoIterator<Item = T>) -> String {
    let mut w = writer();
    // Writing to memory has no I/O to fail, and every field is text.
    w.write_record(fields)
        .expect("a CSV record is written to memory");
    let bytes = w.into_inner().expect("a CSV buffer in memory flushes");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

fn write(
    file: &'static str,
    header: Vec<String>,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, OutputError> {
    let fail = |e: &dyn std::fmt::Display| OutputError::Render {
        file,
        message: e.to_string(),
    };
    let mut w = writer();
    w.write_record(&header).map_err(|e| fail(&e))?;
    for row in rows {
        w.write_record(&row).map_err(|e| fail(&e))?;
    }
    w.into_inner().map_err(|e| fail(&e))
}
