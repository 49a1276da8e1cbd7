//! One module per command noun; [`dispatch`] routes a parsed [`Cli`] to it.
//! Commands that talk to Azure get a tokio runtime and a [`Session`]; the others
//! (recommend, audit) run without one, so they start in milliseconds.

pub mod feature;
pub mod provider;
pub mod provision;
pub mod sandbox;

use crate::cli::{Cli, Command};
use crate::config::Session;
use crate::error::{AppError, AppResult};
use crate::output::Ui;

/// Runs the command; returns the exit code on success.
pub fn dispatch(cli: Cli) -> AppResult<u8> {
    let ui = Ui::detect(cli.global.output, cli.global.no_color);
    init_logging(cli.global.verbose);
    match &cli.command {
        Command::Recommend(a) => crate::recommend::run(a, &ui),
        Command::Audit(a) => crate::audit::run(a, &ui),
        Command::Sandbox(a) => runtime()?.block_on(sandbox::run(a, &ui)),
        Command::Export(c) => crate::export::run(c, &ui),
        Command::Apply(a) => crate::apply::run(a, &cli.global, &ui),
        Command::Feature(c) => runtime()?.block_on(async {
            let s = Session::connect(&cli.global).await?;
            feature::run(c, &s, &ui).await
        }),
        Command::Cluster(c) => {
            // Preflight before any runtime, credential or request.
            let pre = provision::preflight_cluster(c)?;
            if let Some((_, f)) = &pre {
                provision::report_findings(f, &ui);
            }
            runtime()?.block_on(async {
                let s = Session::connect(&cli.global).await?;
                provision::cluster(c, &s, &ui, pre).await
            })
        }
        Command::Nodepool(c) => {
            let pre = provision::preflight_nodepool(c)?;
            if let Some((_, f)) = &pre {
                provision::report_findings(f, &ui);
            }
            runtime()?.block_on(async {
                let s = Session::connect(&cli.global).await?;
                provision::nodepool(c, &s, &ui, pre).await
            })
        }
        Command::Provider(c) => runtime()?.block_on(async {
            let s = Session::connect(&cli.global).await?;
            provider::run(c, &s, &ui).await
        }),
    }
}

fn runtime() -> AppResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Io(format!("cannot start the async runtime: {e}")))
}

/// `-v` logs aksos's own events (requests, credential choice); `-vv` adds the
/// libraries'. Nothing logged carries a header value, so tokens never appear.
fn init_logging(verbose: u8) {
    if verbose == 0 {
        return;
    }
    let level = if verbose >= 2 {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .without_time()
        .try_init();
}
