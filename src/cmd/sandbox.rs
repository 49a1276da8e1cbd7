//! `aksos sandbox`: the emulator in the foreground, or `--reset` of the
//! `--sandbox` state.

use crate::cli::SandboxArgs;
use crate::cmd::factory::Factory;
use crate::emulator::{faults::Faults, sandbox_state_path, state::State, Running, Shared};
use crate::error::{AppError, AppResult};

pub async fn run(a: &SandboxArgs, f: &Factory) -> AppResult<u8> {
    let ui = f.ui();
    let path = a.state.clone().unwrap_or_else(sandbox_state_path);
    if a.reset {
        match std::fs::remove_file(&path) {
            Ok(()) => ui.note(&format!("sandbox state cleared ({})", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                ui.note("sandbox state was already empty")
            }
            Err(e) => return Err(AppError::Io(format!("{}: {e}", path.display()))),
        }
        return Ok(0);
    }
    let mut faults = Faults::sandbox();
    if let Some(spec) = &a.faults {
        faults = faults
            .parse_onto(spec)
            .map_err(|m| AppError::usage("--faults", m))?;
    }
    let state = State::load(&path).map_err(AppError::Io)?;
    let running = Running::start(a.port, Shared::new(state, faults, Some(path.clone())))
        .await
        .map_err(|e| AppError::usage("--port", e.to_string()))?;
    if ui.json() {
        ui.print_json(&serde_json::json!({"url": running.url, "state": path}));
    } else {
        ui.line(&running.url);
    }
    ui.note(&format!(
        "ARM emulator listening on {url} (state: {state}).\nUse it with: AKSOS_ACCESS_TOKEN=any aksos --arm-endpoint {url} --subscription 00000000-0000-0000-0000-000000000000 feature list\nCtrl-C stops it.",
        url = running.url,
        state = path.display()
    ));
    crate::cancel::interrupted().await;
    drop(running);
    Ok(0)
}
