//! Recommendation (placeholder; see issue 5).

use crate::error::AppResult;
use crate::output::Ui;

/// Arguments of `aksos recommend`.
#[derive(Debug, clap::Args)]
pub struct RecommendArgs {}

/// Runs `aksos recommend`; returns the exit code.
pub fn run(_args: &RecommendArgs, _ui: &Ui) -> AppResult<u8> {
    Ok(0)
}
