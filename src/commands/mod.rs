//! One module per command noun; `dispatch` routes a parsed [`Cli`] to it.

use crate::cli::{Cli, Command};
use crate::error::AppResult;
use crate::output::Ui;

/// Runs the command; returns the exit code on success.
pub fn dispatch(cli: Cli) -> AppResult<u8> {
    let ui = Ui::detect(cli.global.output, cli.global.no_color);
    match &cli.command {
        Command::Recommend(a) => crate::recommend::run(a, &ui),
        Command::Audit(a) => crate::audit::run(a, &ui),
        _ => Err(crate::error::AppError::usage("", "not implemented yet")),
    }
}
