//! The column contract of the CSV files effectchain writes, declared once:
//! the names and the order of their columns. `output/` writes the files with
//! these functions; `plot/` and `cli/` read them back with the same ones.
//!
//! An estimate with its 95% confidence interval takes three columns in the
//! order [`ESTIMATE`]: `<name>_mean`, `<name>_ci_low`, `<name>_ci_high`
//! (`mean`, `ci_low`, `ci_high` where a file holds one estimate a row).

use crate::engine::{DAILY_DEFS, KPI_DEFS};
use crate::model::StoreProfile;

/// First column of `daily.csv` and `cumulative-difference.csv`.
pub const DAY: &str = "day";
/// First column of `replications.csv` and `stores.csv`: the replication k.
pub const REPLICATION: &str = "replication";
/// Second column of `stores.csv`: the store's index in the chain.
pub const STORE: &str = "store";
/// First column of a sweep's `points.csv`.
pub const POINT_ID: &str = "point_id";

/// The columns of an estimate, in file order (the suffixes after `_`).
pub const ESTIMATE: [&str; 3] = ["mean", "ci_low", "ci_high"];

/// The three columns of the estimate `name` (`name` empty: the bare
/// suffixes).
pub fn estimate(name: &str) -> [String; 3] {
    ESTIMATE.map(|suffix| {
        if name.is_empty() {
            suffix.to_string()
        } else {
            format!("{name}_{suffix}")
        }
    })
}

/// The interval columns of the estimate `name` whose value column is
/// `name` itself (validation data sets, sensitivity indices):
/// `<name>_ci_low`, `<name>_ci_high`.
pub fn interval(name: &str) -> [String; 2] {
    let [_, low, high] = estimate(name);
    [low, high]
}

/// A validation data set's columns for one value with its 95% CI against
/// `x`: `x`, `value`, `<value>_ci_low`, `<value>_ci_high`.
pub fn value_with_interval(x: &str, value: &str) -> Vec<String> {
    [x.to_string(), value.to_string()]
        .into_iter()
        .chain(interval(value))
        .collect()
}

/// The estimate a column holds the mean of (`profit_mean` -> `profit`).
pub fn mean_of(column: &str) -> Option<&str> {
    column.strip_suffix(ESTIMATE[0])?.strip_suffix('_')
}

/// The name under which a sweep writes a KPI's difference to its baseline
/// (`profit` -> `profit_diff`, so `profit_diff_mean`, ...).
pub fn difference(kpi: &str) -> String {
    format!("{kpi}_diff")
}

/// The KPI a difference name is of (`profit_diff` -> `profit`).
pub fn difference_of(name: &str) -> Option<&str> {
    name.strip_suffix("_diff")
}

/// `daily.csv`: `day`, then every daily variable's estimate.
pub fn daily() -> Vec<String> {
    std::iter::once(DAY.to_string())
        .chain(DAILY_DEFS.iter().flat_map(|d| estimate(d.name)))
        .collect()
}

/// `cumulative-difference.csv`: `day`, then the estimate of the cumulative
/// profit difference.
pub fn cumulative() -> Vec<String> {
    std::iter::once(DAY.to_string())
        .chain(estimate(""))
        .collect()
}

/// `replications.csv`: `replication`, then every KPI.
pub fn replications() -> Vec<String> {
    std::iter::once(REPLICATION)
        .chain(KPI_DEFS.iter().map(|d| d.name))
        .map(str::to_string)
        .collect()
}

/// `stores.csv`: `replication`, `store`, the store's drivers, every KPI.
pub fn stores() -> Vec<String> {
    [REPLICATION, STORE]
        .into_iter()
        .chain(StoreProfile::DRIVERS)
        .chain(KPI_DEFS.iter().map(|d| d.name))
        .map(str::to_string)
        .collect()
}

/// `comparison.csv`: `kpi`, `unit`, then the estimates of A, B and B - A.
pub fn comparison() -> Vec<String> {
    ["kpi", "unit"]
        .into_iter()
        .map(str::to_string)
        .chain(["a", "b", "difference"].into_iter().flat_map(estimate))
        .collect()
}

/// A sweep's `points.csv`: `point_id`, the parameters' values, every KPI's
/// estimate, then, with a baseline, every KPI's difference to it.
pub fn points(parameters: &[String], kpis: &[String], with_baseline: bool) -> Vec<String> {
    let differences = kpis.iter().filter(|_| with_baseline).map(|k| difference(k));
    std::iter::once(POINT_ID.to_string())
        .chain(parameters.iter().cloned())
        .chain(
            kpis.iter()
                .cloned()
                .chain(differences)
                .flat_map(|k| estimate(&k)),
        )
        .collect()
}

/// The layout of a `points.csv` header, read back (the inverse of
/// [`points`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    /// The parameter columns, in order.
    pub parameters: Vec<String>,
    /// The KPIs, in order.
    pub kpis: Vec<String>,
    /// Whether the differences to a baseline follow.
    pub with_baseline: bool,
    /// The index of the first estimate column (one after the parameters).
    pub first_estimate: usize,
}

impl Points {
    /// Reads a `points.csv` header, or says in a few words why it is not
    /// one.
    pub fn parse(header: &[String]) -> Result<Points, &'static str> {
        if header.first().map(String::as_str) != Some(POINT_ID) {
            return Err("the header does not start with `point_id`");
        }
        // A parameter column is a dotted config key, which may itself end
        // in `_mean` (`service.basket_mean`); an estimate column has no dot.
        fn estimate_of(h: &str) -> Option<&str> {
            mean_of(h).filter(|_| !h.contains('.'))
        }
        let first_estimate = header
            .iter()
            .position(|h| estimate_of(h).is_some())
            .ok_or("no `<kpi>_mean` columns")?;
        if first_estimate < 2 {
            return Err("no parameter columns before the KPI columns");
        }
        let means: Vec<&str> = header.iter().filter_map(|h| estimate_of(h)).collect();
        let kpis: Vec<String> = means
            .iter()
            .filter(|k| difference_of(k).is_none())
            .map(|k| k.to_string())
            .collect();
        let with_baseline = means.iter().any(|k| difference_of(k).is_some());
        Ok(Points {
            parameters: header[1..first_estimate].to_vec(),
            kpis,
            with_baseline,
            first_estimate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parameter_ending_in_mean_is_a_parameter() {
        let parameters = vec!["service.basket_mean".to_string()];
        let kpis = vec!["profit".to_string()];
        let read = Points::parse(&points(&parameters, &kpis, true)).unwrap();
        assert_eq!(read.parameters, parameters);
        assert_eq!(read.kpis, kpis);
        assert!(read.with_baseline);
    }

    #[test]
    fn a_points_header_reads_back_as_written() {
        let parameters = vec!["policy.latitude".to_string(), "policy.staff".to_string()];
        let kpis = vec!["profit".to_string(), "queue_wait".to_string()];
        for with_baseline in [false, true] {
            let header = points(&parameters, &kpis, with_baseline);
            assert_eq!(header.len(), 3 + 3 * 2 * if with_baseline { 2 } else { 1 });
            assert_eq!(header[3], "profit_mean");
            assert_eq!(header[5], "profit_ci_high");
            let read = Points::parse(&header).unwrap();
            assert_eq!(read.parameters, parameters);
            assert_eq!(read.kpis, kpis);
            assert_eq!(read.with_baseline, with_baseline);
            assert_eq!(read.first_estimate, 3);
        }
        let with = points(&parameters, &kpis, true);
        assert_eq!(with[9], "profit_diff_mean");
        assert!(Points::parse(&with[1..]).is_err());
    }

    #[test]
    fn estimates_are_named_in_file_order() {
        assert_eq!(estimate("x"), ["x_mean", "x_ci_low", "x_ci_high"]);
        assert_eq!(estimate(""), ["mean", "ci_low", "ci_high"]);
        assert_eq!(interval("share"), ["share_ci_low", "share_ci_high"]);
        assert_eq!(mean_of("profit_diff_mean"), Some("profit_diff"));
        assert_eq!(mean_of("mean"), None);
        assert_eq!(mean_of("profitmean"), None);
        assert_eq!(comparison()[2..5], estimate("a"));
    }
}
