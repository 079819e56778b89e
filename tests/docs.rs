//! Every `effectchain` command shown in README.md and docs/*.md runs as
//! written (exit status 0), except the slow or illustrative ones named in
//! [`SKIPPED`], and writes nothing outside its temporary folder.
//!
//! The commands are the lines of the ```sh blocks and the inline
//! `` `effectchain ...` `` spans that name a file or a flag. `cargo run
//! --release -- ARGS` is the same command as `effectchain ARGS` (README's
//! set-up) and runs as the built binary. The commands of one document run
//! in order in one temporary folder, holding a copy of `configs/` and
//! `tests/golden/`, so a `merge` finds the sweep run before it. To keep
//! this test at seconds, the copied configs and sweeps ask for at most
//! [`REPLICATIONS`] replications and `-r N` becomes `-r REPLICATIONS`;
//! everything else is as written.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::util::effectchain;

/// The replications each command asks for at most here.
const REPLICATIONS: u32 = 2;

/// Commands not run, by the start of their arguments, and why.
const SKIPPED: &[(&str, &str)] = &[
    (
        "validate",
        "the thirteen experiments take minutes (tests/validation.rs runs them reduced)",
    ),
    (
        "calibrate",
        "minutes of fitting (tests/validation.rs runs it reduced)",
    ),
    (
        "sensitivity",
        "a study takes one to several minutes (tests/sensitivity.rs runs small ones)",
    ),
    (
        "discover output/latitude-payoff-sobol",
        "needs the Sobol study's output (skipped above)",
    ),
    (
        "discover output/my-sweep",
        "illustrative: names a sweep the reader ran",
    ),
    (
        "serve",
        "a web server runs until stopped (tests/serve.rs drives it)",
    ),
    ("compare today.toml", "illustrative file names"),
];

/// A command found in a document: its line and its arguments.
#[derive(Debug)]
struct Shown {
    line: usize,
    args: Vec<String>,
}

/// The arguments of `effectchain` in one shown command line, or `None` for
/// another program (`cd`, `cargo install`, `cargo test`).
fn effectchain_args(command: &str) -> Option<Vec<String>> {
    let command = command.split(" #").next().unwrap_or("").trim();
    let command = command.strip_prefix("$ ").unwrap_or(command);
    let rest = command
        .strip_prefix("effectchain ")
        .or_else(|| command.strip_prefix("cargo run --release -- "))?;
    // An output redirect (`> ~/.local/...`) is the reader's business: the
    // command runs, its output is discarded here.
    let rest = rest.split(" > ").next().unwrap_or("");
    let args: Vec<String> = rest.split_whitespace().map(str::to_string).collect();
    (!args.is_empty()).then_some(args)
}

/// Placeholders such as `SHARD_DIR...`, `STUDY`, `[--sweep SWEEP]`, `A B`.
fn is_placeholder(args: &[String]) -> bool {
    args.iter().any(|a| {
        a.starts_with('[')
            || a.contains("...")
            || a.len() == 1 && a.chars().all(|c| c.is_ascii_uppercase())
            || a.len() > 1
                && a.chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c == '/')
            || a.contains("-I-of-N")
    })
}

/// The commands of a Markdown document, in order.
fn commands(text: &str) -> Vec<Shown> {
    let mut found = Vec::new();
    let mut block: Option<bool> = None; // Some(is_sh) inside a fence
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(tag) = line.trim_start().strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => Some(tag.trim() == "sh"),
            };
            continue;
        }
        match block {
            Some(true) => {
                if let Some(args) = effectchain_args(line) {
                    found.push(Shown {
                        line: line_no,
                        args,
                    });
                }
            }
            Some(false) => {}
            None => {
                // Inline spans that name a file or folder, ask for help or
                // write completions or the man page; bare names such as
                // `effectchain run` or `effectchain merge --status` are
                // words, not commands.
                for span in line.split('`').skip(1).step_by(2) {
                    if let Some(args) = effectchain_args(span) {
                        let operand = args[1..]
                            .iter()
                            .any(|a| a.contains('/') || a.ends_with(".toml") || a == "--help");
                        if operand || matches!(args[0].as_str(), "completions" | "man") {
                            found.push(Shown {
                                line: line_no,
                                args,
                            });
                        }
                    }
                }
            }
        }
    }
    found
}

/// Copies a folder tree (configs and goldens: small text files).
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Lowers `replications = N` in the copied configs and sweeps.
fn fewer_replications(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            fewer_replications(&path);
        } else if path.extension().is_some_and(|e| e == "toml") {
            let text = fs::read_to_string(&path).unwrap();
            let lowered: Vec<String> = text
                .lines()
                .map(|line| match line.split_once('=') {
                    Some((key, value)) if key.trim() == "replications" => {
                        let n: u32 = value.split('#').next().unwrap().trim().parse().unwrap();
                        format!("replications = {}", n.min(REPLICATIONS))
                    }
                    _ => line.to_string(),
                })
                .collect();
            fs::write(&path, lowered.join("\n") + "\n").unwrap();
        }
    }
}

/// Every file under `dir` (but target/ and .git/) with its size and time.
fn snapshot(dir: &Path, into: &mut BTreeMap<PathBuf, (u64, SystemTime)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            snapshot(&entry.path(), into);
        } else {
            into.insert(entry.path(), (meta.len(), meta.modified().unwrap()));
        }
    }
}

/// Runs one document's commands; returns what ran and what was skipped.
fn run_document(name: &str, repo: &Path) -> (Vec<String>, Vec<String>) {
    let text = fs::read_to_string(repo.join(name)).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let work = scratch.path().join("effectchain");
    copy_tree(&repo.join("configs"), &work.join("configs"));
    copy_tree(&repo.join("tests/golden"), &work.join("tests/golden"));
    fewer_replications(&work.join("configs"));
    let home = scratch.path().join("home");
    fs::create_dir_all(&home).unwrap();
    let (mut ran, mut skipped) = (Vec::new(), Vec::new());
    for shown in commands(&text) {
        let shown_as = format!(
            "{name}:{}: effectchain {}",
            shown.line,
            shown.args.join(" ")
        );
        let joined = shown.args.join(" ");
        if let Some((_, why)) = SKIPPED.iter().find(|(start, _)| joined.starts_with(start)) {
            skipped.push(format!("{shown_as} ({why})"));
            continue;
        }
        if is_placeholder(&shown.args) {
            skipped.push(format!("{shown_as} (placeholders)"));
            continue;
        }
        let mut args = shown.args.clone();
        if let Some(i) = args.iter().position(|a| a == "-r" || a == "--replications") {
            args[i + 1] = REPLICATIONS.to_string();
        } else if matches!(args[0].as_str(), "run" | "compare") && !args.contains(&"--help".into())
        {
            args.extend(["-r".to_string(), REPLICATIONS.to_string()]);
        }
        let output = effectchain()
            .args(&args)
            .current_dir(&work)
            .env("HOME", &home)
            .timeout(std::time::Duration::from_secs(300))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{shown_as} (run as `effectchain {}`) failed with {:?}:\n{}",
            args.join(" "),
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        ran.push(shown_as);
    }
    // Nothing was written beside the scratch folder's `effectchain/`.
    let mut outside: Vec<_> = fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    outside.sort();
    assert_eq!(outside, ["effectchain", "home"], "{name}");
    assert!(
        fs::read_dir(&home).unwrap().next().is_none(),
        "{name}: a command wrote into HOME"
    );
    (ran, skipped)
}

#[test]
fn every_documented_command_runs_as_written() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut before = BTreeMap::new();
    snapshot(repo, &mut before);
    let mut documents = vec!["README.md".to_string()];
    let mut docs: Vec<String> = fs::read_dir(repo.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    documents.extend(docs);
    let (mut ran, mut skipped) = (Vec::new(), Vec::new());
    for document in &documents {
        let (r, s) = run_document(document, repo);
        ran.extend(r);
        skipped.extend(s);
    }
    println!("ran:\n  {}", ran.join("\n  "));
    println!("skipped:\n  {}", skipped.join("\n  "));
    // The documents show commands, and most of them run here.
    assert!(ran.len() >= 20, "only {} commands ran: {ran:?}", ran.len());
    assert!(
        ran.len() > skipped.len(),
        "ran {ran:?}, skipped {skipped:?}"
    );
    // The repository is as it was (the commands ran in copies).
    let mut after = BTreeMap::new();
    snapshot(repo, &mut after);
    let changed: Vec<_> = after
        .iter()
        .filter(|(path, stamp)| before.get(*path) != Some(*stamp))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        changed.is_empty(),
        "files written in the repository: {changed:?}"
    );
}

#[test]
fn commands_are_found_in_blocks_and_spans() {
    let text = "Run `effectchain run configs/a.toml`, not `effectchain run` or `effectchain merge --status`.\n\
                ```sh\n\
                cargo run --release -- sweep configs/s.toml   # output/s/\n\
                cd fuzz && cargo +nightly fuzz run config\n\
                effectchain merge SHARD_DIR... [--sweep SWEEP]\n\
                ```\n\
                ```toml\n\
                effectchain = 1\n\
                ```\n";
    let found = commands(text);
    let args: Vec<Vec<&str>> = found
        .iter()
        .map(|c| c.args.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        args,
        [
            vec!["run", "configs/a.toml"],
            vec!["sweep", "configs/s.toml"],
            vec!["merge", "SHARD_DIR...", "[--sweep", "SWEEP]"],
        ]
    );
    assert_eq!(found[1].line, 3);
    assert!(!is_placeholder(&found[1].args));
    assert!(is_placeholder(&found[2].args));
}
