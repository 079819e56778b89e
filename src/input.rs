//! Reading what users give, safely: the documented limits on input sizes
//! and counts, checked before anything is allocated; TOML parsing whose
//! errors name the file, line:column, dotted key, the valid range in words
//! and what was found; and an estimate of the memory a run needs.
//!
//! | limit | value |
//! |---|---|
//! | config, sweep and golden file size | [`MAX_FILE_BYTES`] (1 MiB) |
//! | replications (configs, `-r`, sweeps, goldens) | 1 to 1,000,000 (the `simulation.replications` range) |
//! | sweep points (`steps`, `samples`, grid size, list points) | [`crate::experiment::sweep::MAX_POINTS`] |
//! | memory of one run, estimated ([`memory_estimate`]) | [`memory_limit`]: the smaller of 16 GiB and three quarters of the machine's memory |
//! | error messages | [`MAX_MESSAGE_CHARS`] characters, control characters escaped |
//!
//! The `--threads` limit (cores x 4) is checked by the command line.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::config::{Config, ConfigError};
use crate::engine::{DailyPoint, Kpis, Replication, DAILY_DEFS};

/// Largest config, sweep or golden file read (bytes).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Longest error message printed (characters); longer ones are cut.
pub const MAX_MESSAGE_CHARS: usize = 600;

/// Longest piece of user input quoted in a message (characters).
pub const MAX_QUOTE_CHARS: usize = 80;

/// Most replications anywhere (the `simulation.replications` range).
pub const MAX_REPLICATIONS: u64 = 1_000_000;

fn error(origin: &str, key: Option<String>, message: String) -> ConfigError {
    ConfigError {
        origin: origin.to_string(),
        key,
        position: None,
        message,
    }
}

/// Reads a study file (a sweep, sensitivity or optimize file; `what` names
/// it in errors) and parses its text with `parse`. An error about one of the
/// An error about the key `key` of the study file `file` (a sweep,
/// sensitivity or optimize file), to be placed at its line by the caller.
pub fn key_error(file: &Path, key: &str, message: String) -> ConfigError {
    ConfigError {
        origin: file.display().to_string(),
        key: Some(key.to_string()),
        position: None,
        message,
    }
}

/// file's own keys that has no position yet gets that key's line:column.
pub fn read_study_file<T>(
    file: &Path,
    what: &str,
    parse: impl FnOnce(&str) -> Result<T, ConfigError>,
) -> Result<T, ConfigError> {
    let text = read_text(file, what)?;
    let origin = file.display().to_string();
    parse(&text).map_err(|mut e| {
        if e.origin == origin && e.position.is_none() {
            if let Some(key) = &e.key {
                e.position = find_key(&text, key);
            }
        }
        e
    })
}

/// The base config at `base_path` that study file `file` names in its
/// `base` key, and its text (which the study's fingerprint and manifest
/// keep); an unreadable one is an error about that key.
pub fn read_base_config(file: &Path, base_path: &Path) -> Result<(Config, String), ConfigError> {
    let base_text = read_text(base_path, "base config").map_err(|e| {
        error(
            &file.display().to_string(),
            Some("base".into()),
            format!(
                "cannot use base config `{}`: {}",
                base_path.display(),
                e.message
            ),
        )
    })?;
    let base = Config::from_toml_str(&base_text, &base_path.display().to_string())?;
    Ok((base, base_text))
}

/// Reads a text file of at most [`MAX_FILE_BYTES`]; `what` names it in
/// errors ("config file", "sweep file"). A larger file is refused by its
/// size, before it is read.
pub fn read_text(path: &Path, what: &str) -> Result<String, ConfigError> {
    let origin = path.display().to_string();
    let fail = |message: String| error(&origin, None, message);
    let file = File::open(path).map_err(|e| fail(format!("cannot read the {what}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| fail(format!("cannot read the {what}: {e}")))?;
    if meta.is_dir() {
        return Err(fail(format!(
            "cannot read the {what}: it is a folder, not a file"
        )));
    }
    let too_big = |size: String| {
        fail(format!(
            "the {what} is {size}; expected at most {} bytes (1 MiB)",
            group(MAX_FILE_BYTES)
        ))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(format!("{} bytes", group(meta.len()))));
    }
    // Also bounded for files that grow or do not know their size (pipes).
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read the {what}: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big("larger than that".into()));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "the {what} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Parses TOML `text` into `T`, with errors naming `origin`, line:column,
/// the dotted key and (through `range_of`, given a dotted key) the valid
/// range in words.
pub fn parse_toml<T: DeserializeOwned>(
    text: &str,
    origin: &str,
    range_of: &dyn Fn(&str) -> Option<String>,
) -> Result<T, ConfigError> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let position = inner.span().map(|span| line_col(text, span.start));
        let mut key = (!path.is_empty() && path != ".").then_some(path);
        if key.is_none() {
            // A syntax-level error (such as an integer too large for TOML)
            // has no path: take the key from the text at its position.
            key = inner.span().and_then(|span| key_at(text, span.start));
        }
        let message = one_line(inner.message());
        if let Some(instead) = key.as_deref().and_then(|k| retired(k, &message)) {
            return ConfigError {
                origin: origin.to_string(),
                position,
                message: format!("this key {instead}"),
                key,
            };
        }
        let range = key.as_deref().and_then(|k| range_of(&unquote(k)));
        ConfigError {
            origin: origin.to_string(),
            position,
            message: explain(&message, range.as_deref()),
            key,
        }
    })
}

/// The valid range of a config key in words, from the parameter table:
/// `a whole number from 1 to 1,000,000 (count)`.
pub fn config_range(dotted: &str) -> Option<String> {
    if let Some(words) = crate::config::params::list_element_range(dotted) {
        return Some(words);
    }
    Config::default()
        .params()
        .into_iter()
        .find(|p| p.path() == dotted)
        .map(|p| {
            format!(
                "{} from {} to {} ({})",
                if p.integer {
                    "a whole number"
                } else {
                    "a number"
                },
                number(p.min),
                number(p.max),
                p.unit
            )
        })
}

/// What to write instead, when serde's "unknown field" error at `key` is a
/// retired config key.
fn retired(key: &str, message: &str) -> Option<&'static str> {
    let field = message.strip_prefix("unknown field `")?.split('`').next()?;
    let dotted = if key.ends_with(field) {
        key.to_string()
    } else {
        format!("{key}.{field}")
    };
    crate::config::params::retired_key(&dotted)
}

/// `policy.latitude` from `parameters."policy.latitude"` and the like.
fn unquote(key: &str) -> String {
    key.replace('"', "")
}

/// Rewrites serde's "invalid type: X, expected Y" into "expected (the
/// range in words), found X", and names what Rust type names mean.
pub fn explain(message: &str, range: Option<&str>) -> String {
    let words = |expected: &str| -> String {
        if let Some(range) = range {
            return range.to_string();
        }
        match expected.trim() {
            "u8" => "a whole number from 0 to 255".into(),
            "u16" => "a whole number from 0 to 65,535".into(),
            "u32" => "a whole number from 0 to 4,294,967,295".into(),
            "u64" | "usize" | "i64" => "a whole number from 0 to 9,223,372,036,854,775,807".into(),
            "f64" | "f32" => "a number".into(),
            "a boolean" | "bool" => "true or false".into(),
            other => other.to_string(),
        }
    };
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.rsplit_once(", expected ") {
                return format!("expected {}, found {}", words(expected), quote(found));
            }
        }
    }
    if message.contains("number too large to fit in target type")
        || message.contains("number too small to fit in target type")
    {
        return format!(
            "expected {}, found a number outside the range of whole numbers TOML can hold",
            range.unwrap_or("a whole number from 0 to 9,223,372,036,854,775,807")
        );
    }
    match (message.strip_prefix("expected "), range) {
        (Some(_), Some(range)) if message.contains(" u") || message.contains(" i") => {
            format!("expected {range}")
        }
        _ => message.to_string(),
    }
}

/// A piece of user input for a message: at most [`MAX_QUOTE_CHARS`]
/// characters, control characters escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX_QUOTE_CHARS {
            out.push_str("...");
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

/// A message for the terminal: one line, control characters and escape
/// sequences escaped (`\u{1b}`), at most [`MAX_MESSAGE_CHARS`] characters.
pub fn clean_message(s: &str) -> String {
    let mut out = String::new();
    for (count, c) in s.chars().enumerate() {
        if count == MAX_MESSAGE_CHARS {
            out.push_str("... (cut)");
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    if c.is_control() || ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{2028}' || c == '\u{2029}' {
        out.extend(c.escape_default());
    } else {
        out.push(c);
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The dotted key assigned on the line at `offset` (`section.key` under a
/// `[section]` header), when the line reads `key = value`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let (line_no, _) = line_col(text, offset);
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if i + 1 == line_no {
            let (lhs, _) = line.split_once('=')?;
            let lhs = lhs.trim();
            if lhs.is_empty() || lhs.len() > MAX_QUOTE_CHARS {
                return None;
            }
            return Some(if section.is_empty() {
                lhs.to_string()
            } else {
                format!("{section}.{lhs}")
            });
        }
        if let Some(rest) = line.strip_prefix('[') {
            section = rest
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
        }
    }
    None
}

/// Finds the line and column where a dotted key (`policy.latitude`,
/// `parameters.x.steps`) is assigned, for errors found after parsing.
pub fn find_key(text: &str, dotted: &str) -> Option<(usize, usize)> {
    let target = unquote(dotted);
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        if let Some(rest) = line.strip_prefix('[') {
            section = unquote(
                rest.trim_start_matches('[')
                    .split(']')
                    .next()
                    .unwrap_or("")
                    .trim(),
            );
            if section == target {
                return Some((i + 1, raw.len() - line.len() + 1));
            }
            continue;
        }
        let Some((lhs, _)) = line.split_once('=') else {
            continue;
        };
        let lhs = unquote(lhs.trim());
        let full = if section.is_empty() {
            lhs.clone()
        } else {
            format!("{section}.{lhs}")
        };
        if full == target {
            return Some((i + 1, raw.len() - line.len() + 1));
        }
    }
    None
}

/// A whole number with thousands grouped: `10,000`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            s.push(',');
        }
        s.push(c);
    }
    s
}

/// A range bound in words: whole numbers grouped, others as written.
pub fn number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        let s = group(v.abs() as u64);
        if v < 0.0 {
            format!("-{s}")
        } else {
            s
        }
    } else {
        format!("{v}")
    }
}

/// Bytes per customer, employee and store the estimate assumes (agent
/// state, free lists and calendars), and per store a fixed overhead.
const CUSTOMER_BYTES: u64 = 96;
const EMPLOYEE_BYTES: u64 = 64;
const STORE_BYTES: u64 = 16 << 10;

/// An upper estimate of the memory (bytes) of running `replications`
/// replications of `config` with `concurrent` replications in flight at
/// once (`sides` = 2 for paired runs): the agents of the replications in
/// flight (customers counted as if none ever left); the results of one
/// batch waiting to be folded, each with its daily series; the running
/// per-day summaries the series are folded into; and every finished
/// replication's KPIs (its daily series are not kept). A paired run
/// (`compare`) measures `years_after_switch` years and also keeps, per
/// replication, its daily profit difference.
pub fn memory_estimate(config: &Config, replications: u64, concurrent: u64, sides: u64) -> u64 {
    let sim = &config.simulation;
    let paired = sides > 1;
    let mut days = u64::from(sim.days);
    if paired {
        let year = u64::from(crate::model::DAYS_PER_YEAR);
        days = days.max(u64::from(sim.years_after_switch).saturating_mul(year));
    }
    let stores = u64::from(config.chain.stores);
    let customers = most_customers(config);
    let per_store = STORE_BYTES
        .saturating_add(u64::from(config.policy.staff).saturating_mul(EMPLOYEE_BYTES))
        .saturating_add(customers.saturating_mul(CUSTOMER_BYTES));
    let agents = stores.saturating_mul(per_store);
    let in_flight = concurrent.clamp(1, replications.max(1));
    let batch = replications.min(crate::experiment::BATCH_PER_THREAD.saturating_mul(in_flight));
    let series = days.saturating_mul(std::mem::size_of::<DailyPoint>() as u64);
    let summaries = days.saturating_mul(
        (DAILY_DEFS.len() * std::mem::size_of::<crate::experiment::stats::Running>()) as u64,
    );
    let kept = (std::mem::size_of::<Replication>() as u64)
        .saturating_add(stores.saturating_mul(2 * std::mem::size_of::<Kpis>() as u64));
    let differences = if paired {
        replications.saturating_mul(days.saturating_mul(8))
    } else {
        0
    };
    sides
        .saturating_mul(
            in_flight
                .saturating_mul(agents)
                .saturating_add(batch.saturating_mul(series))
                .saturating_add(summaries)
                .saturating_add(replications.saturating_mul(kept)),
        )
        .saturating_add(differences)
}

/// Most customers one store can hold: its initial base plus every household
/// of its catchment (the finite market bounds the base, docs/MODEL.md M1).
fn most_customers(config: &Config) -> u64 {
    u64::from(config.store.initial_customers)
        .saturating_add(config.market.households.clamp(0.0, 1e15) as u64)
}

/// The memory a run may be estimated to need: the smaller of 16 GiB and
/// three quarters of the machine's memory (4 GiB where that is unknown).
pub fn memory_limit() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo").ok().and_then(|t| {
        t.lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map(|kib| kib.saturating_mul(1024))
    });
    let limit = 16u64 << 30;
    total.map_or(4 << 30, |t| (t / 4 * 3).min(limit))
}

/// Refuses a run whose [`memory_estimate`] exceeds [`memory_limit`], with
/// both in the message.
pub fn check_memory(
    config: &Config,
    replications: u64,
    concurrent: u64,
    sides: u64,
    origin: &str,
) -> Result<(), ConfigError> {
    let need = memory_estimate(config, replications, concurrent, sides);
    let limit = memory_limit();
    if need > limit {
        return Err(error(
            origin,
            None,
            format!(
                "this run would need about {} of memory ({} stores x {} staff and up to {} customers \
                 each, {} replications of {} days), more than the {} allowed; use fewer stores, \
                 customers, replications, days or threads",
                bytes(need),
                group(u64::from(config.chain.stores)),
                group(u64::from(config.policy.staff)),
                group(most_customers(config)),
                group(replications),
                group(u64::from(config.simulation.days)),
                bytes(limit)
            ),
        ));
    }
    Ok(())
}

/// Bytes for people: `4.8 GiB`.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    let (gib, tib) = (f64::from(1u32 << 30), f64::from(1u32 << 30) * 1024.0);
    if n >= tib {
        format!("{:.1} TiB", n / tib)
    } else if n >= gib {
        format!("{:.1} GiB", n / gib)
    } else {
        format!("{:.0} MiB", (n / f64::from(1u32 << 20)).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_become_ranges_in_words() {
        assert_eq!(
            explain(
                "invalid value: integer `-1`, expected u32",
                Some("a whole number from 1 to 1,000,000 (count)")
            ),
            "expected a whole number from 1 to 1,000,000 (count), found integer `-1`"
        );
        assert_eq!(
            explain("invalid type: string \"1\", expected f64", None),
            "expected a number, found string \"1\""
        );
    }

    #[test]
    fn messages_are_cut_and_escaped() {
        let long = "x".repeat(10_000);
        assert!(clean_message(&long).chars().count() < MAX_MESSAGE_CHARS + 20);
        assert_eq!(clean_message("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(quote("\u{7}"), "\\u{7}");
    }

    #[test]
    fn keys_are_found_by_line() {
        let text = "a = 1\n[parameters.\"policy.staff\"]\nsteps = 3\n";
        assert_eq!(
            find_key(text, "parameters.\"policy.staff\".steps"),
            Some((3, 1))
        );
        assert_eq!(find_key(text, "a"), Some((1, 1)));
        assert_eq!(
            key_at(text, text.find("steps").unwrap()),
            Some("parameters.\"policy.staff\".steps".into())
        );
    }

    #[test]
    fn big_files_are_refused_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        std::fs::write(&path, vec![b'#'; MAX_FILE_BYTES as usize + 1]).unwrap();
        let e = read_text(&path, "config file").unwrap_err().to_string();
        assert!(
            e.contains("1,048,577 bytes") && e.contains("at most"),
            "{e}"
        );
    }

    #[test]
    fn memory_grows_with_stores_staff_and_replications() {
        let c = Config::default();
        let one = memory_estimate(&c, 100, 2, 1);
        let mut big = c.clone();
        big.chain.stores = 10_000;
        big.policy.staff = 10_000;
        assert!(memory_estimate(&big, 100, 2, 1) > 100 * one);
        assert!(memory_estimate(&c, 1_000_000, 2, 1) > memory_estimate(&c, 1000, 2, 1));
        assert!(check_memory(&big, 100, 2, 1, "t").is_err());
        assert!(check_memory(&c, 100, 2, 1, "t").is_ok());
    }

    /// Daily series are folded as replications finish: a long run of many
    /// replications is estimated at far less than keeping every series,
    /// and a paired run counts its years after the switch.
    #[test]
    fn memory_does_not_count_kept_daily_series() {
        let mut c = Config::default();
        c.simulation.days = 3640;
        let kept_series = 20_000 * 3640 * std::mem::size_of::<DailyPoint>() as u64;
        assert!(memory_estimate(&c, 20_000, 2, 1) < kept_series / 10);
        c.simulation.days = 7;
        let paired = memory_estimate(&c, 200, 2, 2);
        assert!(paired > 200 * u64::from(c.simulation.years_after_switch) * 364 * 8);
    }
}
