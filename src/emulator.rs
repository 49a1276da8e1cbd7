//! The local ARM emulator behind `aksos sandbox` and `--sandbox`. It lives in
//! its own crate (`crates/aksos-emulator`), which depends on nothing of aksos so
//! that it can disagree with the client; it is re-exported here under its old
//! path. This module adds only what belongs to aksos: where the sandbox keeps
//! its state and how `--sandbox` starts it.

pub use aksos_emulator::*;

use crate::error::{AppError, AppResult};
use std::path::PathBuf;

/// Where `--sandbox` keeps its state (`$AKSOS_SANDBOX_STATE`, else the user's
/// state/data directory).
pub fn sandbox_state_path() -> PathBuf {
    if let Some(p) = std::env::var_os("AKSOS_SANDBOX_STATE") {
        return PathBuf::from(p);
    }
    dirs::state_dir()
        .or_else(dirs::data_local_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("aksos")
        .join("sandbox.json")
}

/// The `--sandbox` instance: persisted state, sandbox timings, faults from
/// `AKSOS_SANDBOX_FAULTS` if set.
pub async fn start_sandbox() -> AppResult<Running> {
    let path = sandbox_state_path();
    let state = state::State::load(&path).map_err(AppError::Io)?;
    let mut faults = faults::Faults::sandbox();
    if let Ok(spec) = std::env::var("AKSOS_SANDBOX_FAULTS") {
        faults = faults
            .parse_onto(&spec)
            .map_err(|m| AppError::usage("AKSOS_SANDBOX_FAULTS", m))?;
    }
    Running::start(0, Shared::new(state, faults, Some(path)))
        .await
        .map_err(|e| AppError::Io(e.to_string()))
}
