//! `effectchain serve [CONFIG]`: the what-if page for store managers, on a
//! local web server (the library's `serve` module), until Ctrl-C.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};

use clap::Args;
use effectchain::config::Config;
use effectchain::serve::{self, Settings, MAX_REPLICATIONS};

use super::common::build_pool;
use super::CliError;

/// Arguments of `effectchain serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Config of the store as it is today (TOML) [default: the model defaults].
    ///
    /// The page starts from its policy and store; every what-if is compared
    /// with it as `effectchain compare` would, with its simulation.seed and
    /// years_after_switch.
    #[arg(value_name = "CONFIG")]
    pub config: Option<PathBuf>,

    /// Port to listen on [default: 8080; 0 picks a free one].
    ///
    /// The address is printed once the server listens.
    #[arg(short, long, value_name = "P", default_value_t = 8080)]
    pub port: u16,

    /// Address to listen on [default: 127.0.0.1, this machine only].
    ///
    /// Another address (such as 0.0.0.0) lets other machines open the
    /// page and run simulations on this one; only do so on a network you
    /// trust.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,

    /// Replications each answer refines to [default: CONFIG's simulation.replications].
    ///
    /// A first answer comes from 4 replication pairs, then 10, 25, 50, ...
    /// up to this many (at most 1,000). After N pairs the page shows what
    /// `effectchain compare today.toml what-if.toml -r N` reports.
    #[arg(short, long, value_name = "N")]
    pub replications: Option<u32>,

    /// Worker threads [default: all cores].
    ///
    /// Changes only how long an answer takes, never its numbers.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `effectchain serve`.
pub fn execute(args: &ServeArgs) -> Result<(), CliError> {
    let (base, base_name) = match &args.config {
        Some(path) => (
            Config::from_file(path).map_err(|e| CliError::input(e.to_string()))?,
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        ),
        None => (Config::default(), "the model defaults".to_string()),
    };
    let replications = args.replications.unwrap_or(base.simulation.replications);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(CliError::input(format!(
            "--replications: expected a whole number from 1 to {}, found {replications}{}",
            effectchain::input::group(u64::from(MAX_REPLICATIONS)),
            if args.replications.is_none() {
                " (the config's simulation.replications; pass --replications)"
            } else {
                ""
            }
        )));
    }
    let pool = build_pool(args.threads)?;
    // Two jobs may run at once, each holding its replication pairs.
    let origin = args
        .config
        .as_deref()
        .unwrap_or(Path::new("the defaults"))
        .display()
        .to_string();
    effectchain::input::check_memory(
        &base,
        u64::from(replications),
        pool.current_num_threads() as u64,
        2 * serve::jobs::MAX_RUNNING as u64,
        &origin,
    )
    .map_err(|e| CliError::input(e.to_string()))?;
    let listener = TcpListener::bind(SocketAddr::new(args.bind, args.port)).map_err(|e| {
        CliError::failure(format!(
            "cannot listen on {}: {e}",
            SocketAddr::new(args.bind, args.port)
        ))
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::failure(format!("cannot read the listening address: {e}")))?;
    // 0.0.0.0 is not an address to open; this machine's is.
    let shown = if address.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), address.port())
    } else {
        address
    };
    super::print_stdout(&format!(
        "effectchain serve: {base_name}, answers refined to {replications} replications\n\
         Open http://{shown}/ in a browser (Ctrl-C stops the server).\n"
    ))?;
    serve::serve(
        listener,
        Settings {
            base,
            base_name,
            replications,
            pool,
            address,
        },
    )
    .map_err(|e| CliError::failure(format!("the server stopped: {e}")))
}
