//! `aksos nodepool add|show|list`. [`preflight`] runs before any runtime,
//! credential or request (dispatch calls it first, so invalid input exits 2
//! with nothing sent); [`run`] then hands the verb its factory.

use crate::cli::NodepoolCommand;
use crate::cmd::cluster::Checked;
use crate::cmd::factory::Factory;
use crate::error::AppResult;
use crate::io::output::Ui;

mod add;
mod list;
mod show;

/// Checks `add`'s flags and reports the findings; nothing is sent.
pub fn preflight(c: &NodepoolCommand, ui: &Ui) -> AppResult<Checked> {
    match c {
        NodepoolCommand::Add(a) => add::preflight(a, ui).map(Some),
        _ => Ok(None),
    }
}

/// Runs one verb with the session and writer from `f`; `checked` is what
/// [`preflight`] returned for the same command.
pub async fn run(c: &NodepoolCommand, checked: Checked, f: &Factory) -> AppResult<u8> {
    match (c, checked) {
        (NodepoolCommand::Add(a), Some(checked)) => {
            crate::cmd::provision::run_checked(checked, &a.write, f).await
        }
        (NodepoolCommand::Add(a), None) => {
            let checked = add::preflight(a, f.ui())?;
            crate::cmd::provision::run_checked(checked, &a.write, f).await
        }
        (NodepoolCommand::Show(a), _) => show::run(a, f).await,
        (NodepoolCommand::List(a), _) => list::run(a, f).await,
    }
}
