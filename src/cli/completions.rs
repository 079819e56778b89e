//! `effectchain completions SHELL` and `effectchain man`: shell completions
//! (clap_complete) and the man page (clap_mangen), both generated from the
//! same clap definitions as `--help`, so they cannot drift from it.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CliError};

/// Arguments of `effectchain completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    ///
    /// The script is written to stdout. To install it, for example:
    /// `effectchain completions bash > ~/.local/share/bash-completion/completions/effectchain`,
    /// `effectchain completions zsh > ~/.zfunc/_effectchain` (with `~/.zfunc` in
    /// `fpath`), or `effectchain completions fish > ~/.config/fish/completions/effectchain.fish`.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Arguments of `effectchain man`.
#[derive(Debug, Args)]
pub struct ManArgs {}

/// Writes the completion script for the chosen shell to stdout.
pub fn completions(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "effectchain", &mut script);
    super::print_stdout(&String::from_utf8_lossy(&script))
}

/// Writes the man page (roff) to stdout.
pub fn man(_: &ManArgs) -> Result<(), CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| CliError::failure(format!("cannot render the man page: {e}")))?;
    super::print_stdout(&String::from_utf8_lossy(&page))
}
