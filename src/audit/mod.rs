//! Workload audit (placeholder; see issue 6).

use crate::error::AppResult;
use crate::output::Ui;

/// Arguments of `aksos audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Files, directories or - for stdin
    pub paths: Vec<std::path::PathBuf>,
}

/// Runs `aksos audit`; returns the exit code.
pub fn run(_args: &AuditArgs, _ui: &Ui) -> AppResult<u8> {
    Ok(0)
}
