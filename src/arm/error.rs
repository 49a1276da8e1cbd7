//! `ArmError`: one error type for everything that comes back from ARM (or fails on the
//! way there), keeping the ARM error object, the HTTP status and the request ids.
//! Its text is what the user sees of a server's answer, so [`fmt::Display`] passes
//! it through [`crate::sanitize::text`] (no secrets, no control characters) and
//! cuts overlong server strings.

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

/// What went wrong.
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
    /// Ctrl-C: the request was not sent, or its answer no longer awaited.
    Interrupted,
    /// ARM throttled the request (429, or 503 with `Retry-After`) and asked to
    /// wait longer than the time left before `--timeout`: aksos stopped instead.
    Throttled {
        status: u16,
        /// What `Retry-After` asked for, when it said.
        retry_after: Option<std::time::Duration>,
        /// What was left of `--timeout` then.
        left: std::time::Duration,
    },
}

/// Longest server string (code, message, target) shown in full.
const MAX_FIELD_CHARS: usize = 2000;
/// Most `details` entries shown at each level.
const MAX_DETAILS: usize = 20;

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
    /// The command's deadline passed while this answer was being waited out
    /// (e.g. a 409 that never cleared): exit 5, not 4.
    pub at_deadline: bool,
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
            at_deadline: false,
        }
    }

    /// Marks this error as the last answer before `--timeout` ran out.
    pub fn at_deadline(mut self) -> Self {
        self.at_deadline = true;
        self
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

    /// The wait ended on time, not on an answer (no answer in time, or throttled
    /// past the deadline): exit 5.
    pub fn is_timeout(&self) -> bool {
        self.at_deadline
            || matches!(self.kind, ArmErrorKind::Throttled { .. })
            || (matches!(self.kind, ArmErrorKind::Transport)
                && matches!(self.code(), "RequestTimeout" | "DeadlineExceeded"))
    }

    fn hint(&self) -> Option<&'static str> {
        match (&self.kind, self.code()) {
            (ArmErrorKind::Auth, "IdentityEndpointUnreachable") => Some(
                "check the network path to the identity endpoint (proxies, firewall, AZURE_AUTHORITY_HOST), or pick another credential with --auth",
            ),
            (ArmErrorKind::Throttled { .. }, _) => Some(
                "ARM limits requests per subscription and client; wait the time it asked for, or allow longer with --timeout",
            ),
            (ArmErrorKind::Protocol, "ResponseTooLarge") => Some(
                "ARM's answers are a few MB at most: check that --arm-endpoint points at Azure Resource Manager",
            ),
            (ArmErrorKind::Protocol, "PagingLoop" | "TooManyPages") => Some(
                "the endpoint's paging does not end; check that --arm-endpoint points at Azure Resource Manager, or narrow the listing (e.g. -g RG)",
            ),
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
            (ArmErrorKind::Transport, "DeadlineExceeded") => Some(
                "allow longer with --timeout; running the command again continues from the current state",
            ),
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

fn field(s: &str) -> std::borrow::Cow<'_, str> {
    crate::sanitize::truncate(s, MAX_FIELD_CHARS)
}

fn write_details(f: &mut impl fmt::Write, all: &[ErrorDetail], indent: usize) -> fmt::Result {
    // Deeper than this is a server playing games, not a diagnosis.
    if indent > 12 {
        return Ok(());
    }
    let pad = " ".repeat(indent);
    for d in all.iter().take(MAX_DETAILS) {
        write!(
            f,
            "\n{pad}- {}: {}",
            field(d.code.as_deref().unwrap_or("(no code)")),
            field(d.message.as_deref().unwrap_or(""))
        )?;
        if let Some(t) = &d.target {
            write!(f, " (target: {})", field(t))?;
        }
        write_details(f, &d.details, indent + 2)?;
    }
    if all.len() > MAX_DETAILS {
        write!(f, "\n{pad}- … {} more", all.len() - MAX_DETAILS)?;
    }
    Ok(())
}

impl ArmError {
    /// The full text, before cleaning.
    fn render(&self, f: &mut impl fmt::Write) -> fmt::Result {
        let what = match &self.kind {
            ArmErrorKind::Http { status } => format!("Azure returned HTTP {status}"),
            ArmErrorKind::OperationFailed { status } => format!("the operation ended {status}"),
            ArmErrorKind::Transport if self.code() == "DeadlineExceeded" => {
                "timed out: --timeout ran out".to_string()
            }
            ArmErrorKind::Transport if self.code() == "RequestTimeout" => {
                "timed out: no answer from the ARM endpoint in time".to_string()
            }
            ArmErrorKind::Transport if self.code() == "ConnectionBroken" => {
                "the connection to the ARM endpoint broke off".to_string()
            }
            ArmErrorKind::Transport => "could not reach the ARM endpoint".to_string(),
            ArmErrorKind::Protocol => "unexpected response from ARM".to_string(),
            ArmErrorKind::Auth => "authentication failed".to_string(),
            ArmErrorKind::Interrupted => "interrupted (Ctrl-C)".to_string(),
            ArmErrorKind::Throttled {
                status,
                retry_after,
                left,
            } => {
                match retry_after {
                    Some(asked) => format!(
                        "timed out: throttled by ARM (HTTP {status}), which asked to wait {} before retrying, more than the {} left of --timeout; stopped without waiting",
                        approx(*asked),
                        approx(*left)
                    ),
                    None => format!(
                        "timed out: throttled by ARM (HTTP {status}) until --timeout ran out"
                    ),
                }
            }
        };
        write!(f, "{}: {what}", self.context)?;
        if self.at_deadline {
            write!(f, " until --timeout ran out (timed out)")?;
        }
        if let Some(code) = &self.error.code {
            write!(f, "\n  code: {}", field(code))?;
        }
        if let Some(msg) = &self.error.message {
            write!(f, "\n  message: {}", field(msg))?;
        }
        if let Some(t) = &self.error.target {
            write!(f, "\n  target: {}", field(t))?;
        }
        if !self.error.details.is_empty() {
            write!(f, "\n  details:")?;
            write_details(f, &self.error.details, 4)?;
        }
        if let Some(c) = &self.correlation_id {
            write!(f, "\n  correlation id: {}", field(c))?;
        }
        if let Some(r) = &self.client_request_id {
            write!(f, "\n  client request id: {}", field(r))?;
        }
        if let Some(h) = self.hint() {
            write!(f, "\n  next: {h}")?;
        }
        Ok(())
    }
}

/// A duration for people: whole seconds from 10 s up, milliseconds below.
fn approx(d: std::time::Duration) -> humantime::FormattedDuration {
    humantime::format_duration(if d.as_secs() >= 10 {
        std::time::Duration::from_secs(d.as_secs())
    } else {
        std::time::Duration::from_millis(d.as_millis() as u64)
    })
}

impl fmt::Display for ArmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = String::new();
        self.render(&mut raw)?;
        f.write_str(&crate::sanitize::text(&raw))
    }
}

impl std::error::Error for ArmError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_is_cleaned_and_cut_when_displayed() {
        let mut e = ArmError::new(ArmErrorKind::Http { status: 400 }, "get cluster rg/c");
        e.error.code = Some("Bad\u{1b}[2JCode".into());
        e.error.message = Some(format!("{}\u{1b}]0;t\u{7}", "m".repeat(5000)));
        e.error.details = (0..50)
            .map(|i| ErrorDetail {
                code: Some(format!("D{i}\u{9b}2J")),
                ..Default::default()
            })
            .collect();
        let text = e.to_string();
        assert!(text.contains("code: BadCode"), "{text}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        assert!(text.contains("more bytes"), "long message cut");
        assert!(text.contains("… 30 more"), "detail list cut");
    }

    #[test]
    fn throttling_past_the_deadline_is_a_timeout_that_says_so() {
        let e = ArmError::new(
            ArmErrorKind::Throttled {
                status: 429,
                retry_after: Some(std::time::Duration::from_secs(999_999)),
                left: std::time::Duration::from_secs(30),
            },
            "get cluster rg/c",
        );
        assert!(e.is_timeout() && !e.is_auth());
        let text = e.to_string();
        assert!(text.contains("throttled by ARM (HTTP 429)"), "{text}");
        assert!(
            text.contains("11days 13h 46m 39s") && text.contains("30s left"),
            "{text}"
        );
    }
}
