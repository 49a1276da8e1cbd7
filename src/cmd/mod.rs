//! Commands like gh's `pkg/cmd/<noun>/<verb>`: one module per noun, one file
//! per verb where a noun has several; [`dispatch`] routes a parsed [`Cli`] to
//! it. Commands receive their collaborators (writer, ARM session, prompter,
//! clock) from a [`factory::Factory`], so they run in unit tests over a fake
//! ARM client.
//! Commands that talk to Azure get a tokio runtime and take their
//! [`crate::config::Session`] from the factory; the others (recommend, audit,
//! export) use only its writer and clock and run without a runtime, so they
//! start in milliseconds.

pub mod apply;
pub mod audit;
pub mod choices;
pub mod cluster;
pub mod factory;
pub mod feature;
pub mod inputs;
pub mod migrate;
pub mod nodepool;
pub mod provider;
pub mod provision;
pub mod recommend;
pub mod sandbox;
pub mod scan;
pub mod tenant;
pub mod wizard;

use crate::cli::{Cli, Command};
use crate::error::{AppError, AppResult};
use crate::io::output::Ui;

/// Runs the command; returns the exit code on success.
pub fn dispatch(cli: Cli) -> AppResult<u8> {
    let ui = Ui::detect(cli.global.output, cli.global.no_color);
    // Logs are plain text: every line is cleaned of control characters (and so
    // of colour codes) on its way to stderr.
    init_logging(cli.global.verbose);
    // Names reach URL paths: every one is checked before anything else runs.
    inputs::check(&cli.command)?;
    if cli.global.output == crate::io::output::Format::Csv
        && !matches!(cli.command, Command::Scan(_))
    {
        return Err(AppError::usage(
            "--output",
            "csv is only offered by `aksos scan`; use -o text or -o json here",
        ));
    }
    let factory = factory::Factory::new(ui, cli.global.clone());
    match &cli.command {
        Command::Recommend(a) => recommend::run(a, &factory),
        Command::Audit(a) => audit::run(a, &factory),
        Command::Completions { shell } => {
            let mut cmd = crate::cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "aksos", &mut buf);
            ui.raw(&buf);
            Ok(0)
        }
        Command::Man => {
            let cmd = crate::cli::command();
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut buf)
                .map_err(|e| AppError::Io(e.to_string()))?;
            ui.raw(&buf);
            Ok(0)
        }
        Command::Sandbox(a) => runtime()?.block_on(sandbox::run(a, &factory)),
        Command::Wizard(a) => {
            // Refuse before any runtime, credential or request.
            if !ui.can_prompt {
                return Err(wizard::needs_a_terminal());
            }
            runtime()?.block_on(wizard::run(a, &factory))
        }
        Command::Export(c) => crate::export::run(c, &factory),
        Command::Apply(a) => apply::run(a, &factory),
        Command::Feature(c) => runtime()?.block_on(feature::run(c, &factory)),
        Command::Cluster(c) => {
            // Preflight before any runtime, credential or request.
            let checked = cluster::preflight(c, &ui)?;
            runtime()?.block_on(cluster::run(c, checked, &factory))
        }
        Command::Nodepool(c) => {
            let checked = nodepool::preflight(c, &ui)?;
            runtime()?.block_on(nodepool::run(c, checked, &factory))
        }
        Command::Scan(a) => runtime()?.block_on(scan::run(a, &factory)),
        Command::Migrate(a) => runtime()?.block_on(migrate::run(a, &factory)),
        Command::Provider(c) => runtime()?.block_on(provider::run(c, &factory)),
    }
}

/// The runtime network commands run on, with the Ctrl-C listener
/// ([`crate::cancel`]) already registered, so no Ctrl-C is ever missed.
pub fn runtime() -> AppResult<tokio::runtime::Runtime> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AppError::Io(format!("cannot start the async runtime: {e}")))?;
    {
        let _in = rt.enter();
        crate::cancel::install()
            .map_err(|e| AppError::Io(format!("cannot watch for Ctrl-C: {e}")))?;
    }
    Ok(rt)
}

/// `-v` logs aksos's own events (requests, credential choice); `-vv` adds the
/// libraries'. Nothing logged carries a header value, and every line passes
/// through [`crate::sanitize::text`] on its way to stderr, so neither a token
/// nor a server's escape sequence reaches the terminal.
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
        .with_writer(|| CleanStderr)
        .with_ansi(false)
        .with_max_level(level)
        .with_target(false)
        .without_time()
        .try_init();
}

/// stderr for log lines, each cleaned of secrets and control characters (the
/// formatter writes one whole event per `write`).
struct CleanStderr;

impl std::io::Write for CleanStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = crate::sanitize::text(&String::from_utf8_lossy(buf));
        std::io::stderr().lock().write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
