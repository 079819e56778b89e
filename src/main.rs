//! The `effectchain` command: parses the command line, dispatches to a
//! subcommand, and maps errors to exit codes (0 ok, 2 bad input or usage,
//! 1 other failures), printing each error once as one line
//! `effectchain: error: ...` on stderr.
//!
//! Everything a user sees lives in the binary-only [`cli`] module; the
//! library never prints.

mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let result = match cli::parse(std::env::args_os()) {
        Ok(cli::Parsed::Command(command)) => cli::execute(command),
        Ok(cli::Parsed::Shown) => Ok(()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Ignore a failure to write to stderr: the exit code still tells.
            let _ = writeln!(std::io::stderr(), "effectchain: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
