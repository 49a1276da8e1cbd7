//! `ArmError`: one error type for everything that comes back from ARM (or fails on the
//! way there), keeping the ARM error object, the HTTP status and the request ids.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The ARM error object (`{"error": {code, message, target, details, additionalInfo}}`).
/// Every field is optional in the spec; unknown fields are kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ErrorDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
    #[serde(
        default,
        rename = "additionalInfo",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_info: Vec<serde_json::Value>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Wrapper as sent on the wire.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorDetail,
}

/// What went wrong, in one of four shapes.
#[derive(Debug, Clone, PartialEq)]
pub enum ArmErrorKind {
    /// ARM answered with an error status (and usually an error body).
    Http { status: u16 },
    /// A long-running operation ended `Failed` or `Canceled`.
    OperationFailed { status: String },
    /// The connection failed (refused, reset, DNS, TLS).
    Transport,
    /// A response that is not what the API promises (bad JSON, HTML page, missing header).
    Protocol,
    /// No token could be obtained.
    Auth,
}

/// An error from ARM with everything needed to act on it.
#[derive(Debug, Clone)]
pub struct ArmError {
    pub kind: ArmErrorKind,
    pub error: ErrorDetail,
    /// `x-ms-correlation-request-id`, when ARM sent one.
    pub correlation_id: Option<String>,
    /// `x-ms-request-id`, when ARM sent one.
    pub request_id: Option<String>,
    /// `x-ms-client-request-id` we sent.
    pub client_request_id: Option<String>,
    /// What we were doing, e.g. "GET feature AKSFlatcarPreview".
    pub context: String,
}

impl ArmError {
    pub fn new(kind: ArmErrorKind, context: impl Into<String>) -> Self {
        ArmError {
            kind,
            error: ErrorDetail::default(),
            correlation_id: None,
            request_id: None,
            client_request_id: None,
            context: context.into(),
        }
    }

    pub fn with_message(mut self, code: &str, message: impl Into<String>) -> Self {
        self.error.code = Some(code.to_string());
        self.error.message = Some(message.into());
        self
    }

    pub fn status(&self) -> Option<u16> {
        match self.kind {
            ArmErrorKind::Http { status } => Some(status),
            _ => None,
        }
    }

    pub fn code(&self) -> &str {
        self.error.code.as_deref().unwrap_or("")
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// 401/403 and credential failures: exit 3.
    pub fn is_auth(&self) -> bool {
        matches!(self.kind, ArmErrorKind::Auth) || self.status() == Some(401)
    }

    fn hint(&self) -> Option<&'static str> {
        match (&self.kind, self.code()) {
            (ArmErrorKind::Auth, _) | (ArmErrorKind::Http { status: 401 }, _) => Some(
                "the token was refused or has expired: sign in again (az login) or refresh AKSOS_ACCESS_TOKEN",
            ),
            (ArmErrorKind::Http { status: 404 }, _) => Some(
                "check the names, the resource group and --subscription (a resource in another subscription answers 404 too)",
            ),
            (ArmErrorKind::Http { status: 403 }, _) => {
                Some("the identity lacks permission for this operation on this scope")
            }
            (_, "PreviewFeatureNotRegistered") | (_, "FeatureNotRegistered") => Some(
                "register the feature and refresh the provider first: aksos feature register NAME --wait --refresh-provider",
            ),
            (_, "OperationNotAllowed") => {
                Some("another operation is running on this cluster; wait for it and try again")
            }
            (ArmErrorKind::Transport, "RequestTimeout") => Some(
                "the ARM endpoint answered too slowly; run the command again, or allow longer with --timeout",
            ),
            (ArmErrorKind::Transport, _) => {
                Some("check the network path to the ARM endpoint (--arm-endpoint, proxies)")
            }
            (ArmErrorKind::Http { status: 429 }, _) => {
                Some("ARM kept throttling after several retries; wait a minute and run again")
            }
            _ => None,
        }
    }
}

fn write_detail(f: &mut fmt::Formatter<'_>, d: &ErrorDetail, indent: usize) -> fmt::Result {
    let pad = " ".repeat(indent);
    write!(
        f,
        "\n{pad}- {}: {}",
        d.code.as_deref().unwrap_or("(no code)"),
        d.message.as_deref().unwrap_or("")
    )?;
    if let Some(t) = &d.target {
        write!(f, " (target: {t})")?;
    }
    for sub in &d.details {
        write_detail(f, sub, indent + 2)?;
    }
    Ok(())
}

impl fmt::Display for ArmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.kind {
            ArmErrorKind::Http { status } => format!("Azure returned HTTP {status}"),
            ArmErrorKind::OperationFailed { status } => format!("the operation ended {status}"),
            ArmErrorKind::Transport if self.code() == "RequestTimeout" => {
                "timed out: no answer from the ARM endpoint in time".to_string()
            }
            ArmErrorKind::Transport if self.code() == "ConnectionBroken" => {
                "the connection to the ARM endpoint broke off".to_string()
            }
            ArmErrorKind::Transport => "could not reach the ARM endpoint".to_string(),
            ArmErrorKind::Protocol => "unexpected response from ARM".to_string(),
            ArmErrorKind::Auth => "authentication failed".to_string(),
        };
        write!(f, "{}: {what}", self.context)?;
        if let Some(code) = &self.error.code {
            write!(f, "\n  code: {code}")?;
        }
        if let Some(msg) = &self.error.message {
            write!(f, "\n  message: {msg}")?;
        }
        if let Some(t) = &self.error.target {
            write!(f, "\n  target: {t}")?;
        }
        if !self.error.details.is_empty() {
            write!(f, "\n  details:")?;
            for d in &self.error.details {
                write_detail(f, d, 4)?;
            }
        }
        if let Some(c) = &self.correlation_id {
            write!(f, "\n  correlation id: {c}")?;
        }
        if let Some(r) = &self.client_request_id {
            write!(f, "\n  client request id: {r}")?;
        }
        if let Some(h) = self.hint() {
            write!(f, "\n  next: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ArmError {}
