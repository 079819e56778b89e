//! `effectchain init`: writes a commented starter config.
//!
//! The file is generated from the parameter tables (`Config::params` and
//! `Config::other_params`) and the values of `Config::default()`, so it
//! lists every section and key, each under its meaning, unit and valid
//! range, and loads back as exactly the default config.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::config::Config;

use super::CliError;

/// Arguments of `effectchain init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the starter config (TOML).
    ///
    /// The file lists every section and key at its default value, each
    /// under a comment with its meaning, unit and valid range. Run it as is
    /// with `effectchain run FILE`, or edit the keys of your scenario and
    /// delete the others (a missing key takes its default).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Overwrite FILE if it already exists.
    ///
    /// Without this flag an existing file is never touched, so a scenario
    /// you edited cannot be lost by re-running init. With it, the file is
    /// replaced by a fresh starter config.
    #[arg(short, long)]
    pub force: bool,
}

/// Runs `effectchain init`.
pub fn execute(args: &InitArgs) -> Result<(), CliError> {
    let text = starter_config()?;
    write(&args.file, &text, args.force)?;
    super::print_stdout(&format!(
        "Wrote {}: every key at its default. Edit it, then run `effectchain run {}`.\n",
        args.file.display(),
        args.file.display()
    ))
}

fn write(path: &Path, text: &str, force: bool) -> Result<(), CliError> {
    let io_error = |e: io::Error| {
        let message = format!("{}: cannot write the config file: {e}", path.display());
        match e.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => CliError::input(message),
            _ => CliError::failure(message),
        }
    };
    if path.is_dir() {
        return Err(CliError::input(format!(
            "{}: is a folder; give a file name such as {}",
            path.display(),
            path.join("my-store.toml").display()
        )));
    }
    let mut file = if force {
        fs::File::create(path).map_err(io_error)?
    } else {
        // `create_new` refuses atomically, even if the file appears between
        // a check and the write.
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                return Err(CliError::input(format!(
                    "{}: file already exists; pass --force to overwrite it",
                    path.display()
                )))
            }
            Err(e) => return Err(io_error(e)),
        }
    };
    file.write_all(text.as_bytes()).map_err(io_error)
}

/// The starter config text.
pub fn starter_config() -> Result<String, CliError> {
    let config = Config::default();
    let tree = toml::Value::try_from(&config)
        .map_err(|e| CliError::failure(format!("cannot render the default config: {e}")))?;
    let params = config.params();
    let others = Config::other_params();

    let mut sections: Vec<&str> = Vec::new();
    for s in params
        .iter()
        .map(|p| p.section)
        .chain(others.iter().map(|o| o.section))
    {
        if !sections.contains(&s) {
            sections.push(s);
        }
    }

    let mut out = String::new();
    out.push_str(&format!(
        "# effectchain {} starter config, written by `effectchain init`.\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(
        "#\n\
         # Every section and key is listed at its default value. Every key is\n\
         # optional: edit the ones your scenario changes and delete the rest.\n\
         # Unknown keys are errors, so a typo never silently falls back to a\n\
         # default. docs/MODEL.md explains the model behind each key.\n\
         #\n\
         # Run it with: effectchain run <this file>\n",
    );
    for section in sections {
        out.push('\n');
        let doc = Config::sections()
            .into_iter()
            .find(|(s, _)| *s == section)
            .map(|(_, d)| d);
        match doc {
            Some(doc) => out.push_str(&format!("# [{section}]: {doc}.\n")),
            None => out.push_str(&format!("# [{section}]\n")),
        }
        out.push_str(&format!("[{section}]\n"));
        for p in params.iter().filter(|p| p.section == section) {
            out.push('\n');
            push_comment(&mut out, p.doc);
            out.push_str(&format!(
                "# Unit: {}. Valid range: {} to {}{}.\n",
                p.unit,
                bound(p.min, p.integer),
                bound(p.max, p.integer),
                if p.integer { ", whole number" } else { "" }
            ));
            out.push_str(&format!("{} = {}\n", p.key, value(&tree, section, p.key)?));
        }
        for o in others.iter().filter(|o| o.section == section) {
            out.push('\n');
            push_comment(&mut out, o.doc);
            out.push_str(&format!("{} = {}\n", o.key, value(&tree, section, o.key)?));
        }
    }
    Ok(out)
}

/// The TOML text of a default value.
fn value(tree: &toml::Value, section: &str, key: &str) -> Result<String, CliError> {
    tree.get(section)
        .and_then(|t| t.get(key))
        .map(|v| v.to_string())
        .ok_or_else(|| {
            CliError::failure(format!(
                "internal error: `{section}.{key}` is missing from the default config"
            ))
        })
}

/// A range bound as a user would write it.
fn bound(v: f64, integer: bool) -> String {
    if integer && v >= i64::MAX as f64 {
        // The largest integer a TOML file can hold.
        i64::MAX.to_string()
    } else if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Appends `text` as `# ` comment lines wrapped at 78 columns.
fn push_comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 78 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every `section.key` of a TOML tree, for completeness checks.
    fn all_keys(tree: &toml::Value) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        if let Some(table) = tree.as_table() {
            for (section, inner) in table {
                if let Some(inner) = inner.as_table() {
                    for key in inner.keys() {
                        keys.insert(format!("{section}.{key}"));
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn starter_config_loads_back_as_the_default() {
        let text = starter_config().unwrap();
        let loaded = Config::from_toml_str(&text, "starter.toml").unwrap();
        assert_eq!(loaded, Config::default());
    }

    #[test]
    fn starter_config_lists_every_key_of_the_default_config() {
        let text = starter_config().unwrap();
        let written: toml::Value = toml::from_str(&text).unwrap();
        let default = toml::Value::try_from(Config::default()).unwrap();
        assert_eq!(all_keys(&written), all_keys(&default));
    }

    #[test]
    fn every_section_has_a_header_doc_and_lines_fit() {
        for p in Config::default().params() {
            assert!(
                Config::sections().iter().any(|(s, _)| *s == p.section),
                "{}",
                p.section
            );
        }
        let text = starter_config().unwrap();
        for line in text.lines().filter(|l| l.starts_with('#')) {
            assert!(line.len() <= 80, "{line}");
        }
    }

    #[test]
    fn bounds_print_as_written() {
        assert_eq!(bound(36_500.0, true), "36500");
        assert_eq!(bound(0.001, false), "0.001");
        assert_eq!(bound(u64::MAX as f64, true), "9223372036854775807");
    }
}
