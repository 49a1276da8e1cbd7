//! The one error type every command returns, and the exit code each kind maps to.
//!
//! Exit codes (also in `--help` and the README): 0 success; 1 a check found
//! something (`audit`, `scan --fail-on`); 2 invalid input or usage; 3
//! authentication; 4 Azure rejected the request or an operation failed; 5 timed
//! out waiting (the operation may still be running); 130 interrupted.

use crate::arm::ArmError;
use std::fmt;

/// Process exit codes, as documented in design.md.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FOUND: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const AUTH: u8 = 3;
    pub const AZURE: u8 = 4;
    pub const TIMEOUT: u8 = 5;
    pub const INTERRUPTED: u8 = 130;
}

/// Everything that can end a command early.
#[derive(Debug)]
pub enum AppError {
    /// Invalid input: names the flag and how to fix it. Nothing was sent.
    Usage { flag: String, message: String },
    /// Several invalid inputs found at once (whole-request preflight).
    UsageMany(Vec<AppError>),
    /// No credential could produce a token.
    Auth(String),
    /// Azure (or the network on the way there) said no.
    Arm(Box<ArmError>),
    /// We stopped waiting; `hint` says how to check on it later.
    Timeout { what: String, hint: String },
    /// Ctrl-C while waiting; `hint` says what keeps running in Azure.
    Interrupted { hint: String },
    /// Input that could not be read (a file, the sandbox state, ...).
    Io(String),
}

impl AppError {
    pub fn usage(flag: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Usage {
            flag: flag.into(),
            message: message.into(),
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Usage { .. } | AppError::UsageMany(_) | AppError::Io(_) => exit::USAGE,
            AppError::Auth(_) => exit::AUTH,
            AppError::Arm(e) if e.kind == crate::arm::ArmErrorKind::Interrupted => {
                exit::INTERRUPTED
            }
            AppError::Arm(e) if e.is_auth() => exit::AUTH,
            AppError::Arm(e) if e.is_timeout() => exit::TIMEOUT,
            AppError::Arm(_) => exit::AZURE,
            AppError::Timeout { .. } => exit::TIMEOUT,
            AppError::Interrupted { .. } => exit::INTERRUPTED,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Usage { flag, message } if flag.is_empty() => write!(f, "{message}"),
            AppError::Usage { flag, message } => write!(f, "{flag}: {message}"),
            AppError::UsageMany(all) => {
                writeln!(f, "{} problems with the input:", all.len())?;
                for (i, e) in all.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "  - {e}")?;
                }
                Ok(())
            }
            AppError::Auth(m) => write!(f, "{m}"),
            AppError::Arm(e) => write!(f, "{e}"),
            AppError::Timeout { what, hint } => write!(
                f,
                "timed out waiting for {what}; it may still be running in Azure.\n  check it later with: {hint}"
            ),
            AppError::Interrupted { hint } => write!(f, "interrupted. {hint}"),
            AppError::Io(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for AppError {}

impl From<ArmError> for AppError {
    fn from(e: ArmError) -> Self {
        if e.kind == crate::arm::ArmErrorKind::Interrupted {
            return AppError::Interrupted {
                hint: format!(
                    "stopped at: {}; {}",
                    e.context,
                    e.error.message.as_deref().unwrap_or_default()
                ),
            };
        }
        AppError::Arm(Box::new(e))
    }
}

pub type AppResult<T> = Result<T, AppError>;
