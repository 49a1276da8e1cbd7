//! `aksos cluster create|show`. [`preflight`] runs before any runtime,
//! credential or request (dispatch calls it first, so invalid input exits 2
//! with nothing sent); [`run`] then hands the verb its factory.

use crate::cli::ClusterCommand;
use crate::cmd::factory::Factory;
use crate::core::plan::Target;
use crate::core::preflight::Findings;
use crate::error::AppResult;
use crate::io::output::Ui;

mod create;
mod show;

/// What preflight made of `create`'s flags: the target and its findings
/// (already reported on stderr). `None` for the verbs without preflight.
pub type Checked = Option<(Target, Findings)>;

/// Checks `create`'s flags and reports the findings; nothing is sent.
pub fn preflight(c: &ClusterCommand, ui: &Ui) -> AppResult<Checked> {
    match c {
        ClusterCommand::Create(a) => create::preflight(a, ui).map(Some),
        ClusterCommand::Show(_) => Ok(None),
    }
}

/// Runs one verb with the session and writer from `f`; `checked` is what
/// [`preflight`] returned for the same command.
pub async fn run(c: &ClusterCommand, checked: Checked, f: &Factory) -> AppResult<u8> {
    match (c, checked) {
        (ClusterCommand::Create(a), Some(checked)) => {
            crate::cmd::provision::run_checked(checked, &a.write, f).await
        }
        (ClusterCommand::Create(a), None) => {
            let checked = create::preflight(a, f.ui())?;
            crate::cmd::provision::run_checked(checked, &a.write, f).await
        }
        (ClusterCommand::Show(a), _) => show::run(a, f).await,
    }
}
