//! The ARM layer: a small [`ArmClient`] trait (send one request, get one response),
//! its `azure_core` 1.x implementation ([`http::PipelineClient`]), typed operations
//! over it ([`ops::Arm`]), long-running-operation polling ([`lro`]), the serde
//! models ([`models`]) and the one error type ([`ArmError`]).
//!
//! The trait is deliberately low-level: the executor, `--dry-run` and tests all
//! speak in [`ArmRequest`]s, so what is printed is exactly what is sent.

pub mod error;
pub mod http;
pub mod limits;
pub mod lro;
pub mod models;
pub mod ops;

pub use error::{ArmError, ArmErrorKind, ErrorDetail};
pub use ops::Arm;

use std::collections::BTreeMap;

/// HTTP methods aksos uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }

    pub fn is_write(self) -> bool {
        !matches!(self, Method::Get)
    }
}

/// One request to ARM. `path` is either a path + query relative to the ARM base
/// URL (`/subscriptions/...?api-version=...`) or an absolute URL returned by ARM
/// (an `Azure-AsyncOperation` or `nextLink`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArmRequest {
    pub method: Method,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// What this request does, for messages ("register feature AKSFlatcarPreview").
    #[serde(skip)]
    pub context: String,
    /// Create only: sent with `If-None-Match: *`, so ARM answers 412 instead of
    /// overwriting a resource that appeared since the plan was made.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub if_none_match: bool,
}

impl ArmRequest {
    pub fn new(method: Method, path: impl Into<String>, context: impl Into<String>) -> Self {
        ArmRequest {
            method,
            path: path.into(),
            body: None,
            context: context.into(),
            if_none_match: false,
        }
    }

    /// Marks the request create-only (`If-None-Match: *`).
    pub fn create_only(mut self) -> Self {
        self.if_none_match = true;
        self
    }

    pub fn with_body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// The api-version query parameter, if present.
    pub fn api_version(&self) -> Option<&str> {
        self.path
            .split_once('?')?
            .1
            .split('&')
            .find_map(|kv| kv.strip_prefix("api-version="))
    }
}

/// One response from ARM: status, lower-cased headers, raw body.
#[derive(Debug, Clone, Default)]
pub struct ArmResponse {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl ArmResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(|s| s.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends requests to ARM. Implemented over HTTP by [`http::PipelineClient`]; tests
/// may implement it with canned responses. Retries of 429/5xx happen inside.
#[async_trait::async_trait]
pub trait ArmClient: Send + Sync {
    /// Sends one request. Transport failures are errors; HTTP error statuses are
    /// returned as responses for the caller to map.
    async fn send(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError>;

    /// The ARM base URL requests are relative to (for display in `--dry-run`).
    fn base_url(&self) -> &str;
}
