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

/// Scans manifests and returns one line per resource that modifies its node
/// (a finding of severity "breaks" or "may misbehave"), e.g.
/// `DaemonSet logging/fluent-bit (manifests/ds.yaml:12): writable hostPath /var/log`.
/// Used by `recommend --audit` and the wizard.
pub fn node_modifying_resources(_paths: &[std::path::PathBuf]) -> AppResult<Vec<String>> {
    Ok(Vec::new())
}
