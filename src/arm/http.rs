//! [`PipelineClient`]: the [`ArmClient`] over HTTP, built on an `azure_core` 1.x
//! pipeline. The pipeline adds `x-ms-client-request-id` to every request and
//! retries 429 and transient 5xx (and connection failures) with exponential
//! back-off plus jitter, honouring `Retry-After`, within bounded attempts and
//! total time. Our own per-try policies add the bearer token (over https, or
//! http to loopback only), log each try at `-v` without the Authorization
//! header, and bound each try ([`super::limits`]: body size, time per try, a
//! `Retry-After` longer than the time left). One deadline (`--timeout`, set
//! with [`PipelineClient::with_deadline`]) bounds every call, retries included.

use super::limits::{self, CallState, Next, Stop};
use super::{ArmClient, ArmError, ArmErrorKind, ArmRequest, ArmResponse, Method};
use azure_core::credentials::TokenCredential;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{
    ClientOptions, Context, ExponentialRetryOptions, Pipeline, PipelineStreamOptions, Request,
    RetryOptions, Url,
};
use azure_core::time::Duration as AzDuration;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Retry bounds for throttling and transient failures.
#[derive(Debug, Clone, Copy)]
pub struct RetrySettings {
    pub max_retries: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
    pub max_total: Duration,
}

impl RetrySettings {
    /// For a loopback endpoint (emulator, local fake): the same number of
    /// attempts with a short base delay; `Retry-After` still sets the floor.
    pub const LOCAL: RetrySettings = RetrySettings {
        max_retries: 5,
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_secs(10),
        max_total: Duration::from_secs(60),
    };
}

impl Default for RetrySettings {
    /// For Azure: 5 retries with exponential back-off from 0.4 s (plus jitter),
    /// at most 30 s apart and 90 s in all, or longer when `Retry-After` says so.
    fn default() -> Self {
        RetrySettings {
            max_retries: 5,
            initial_delay: Duration::from_millis(400),
            max_delay: Duration::from_secs(30),
            max_total: Duration::from_secs(90),
        }
    }
}

/// The HTTP implementation of [`ArmClient`].
pub struct PipelineClient {
    base: Url,
    base_str: String,
    pipeline: Pipeline,
    /// Longest time one try of a request (headers and body) may take.
    request_timeout: Duration,
    /// When the whole command must end (`--timeout` from the start), and that
    /// `--timeout`, for messages.
    deadline: Option<(Instant, Duration)>,
    /// Largest body read (tests lower it).
    max_body: usize,
}

impl PipelineClient {
    /// `base` is the ARM endpoint; `scope` the token scope (`{audience}/.default`).
    pub fn new(
        base: Url,
        credential: Arc<dyn TokenCredential>,
        scope: String,
        retry: RetrySettings,
        request_timeout: Duration,
    ) -> Self {
        let options = ClientOptions {
            retry: RetryOptions::exponential(ExponentialRetryOptions {
                initial_delay: to_az(retry.initial_delay),
                max_retries: retry.max_retries,
                max_total_elapsed: to_az(retry.max_total),
                max_delay: to_az(retry.max_delay),
            }),
            ..Default::default()
        };
        let per_try: Vec<Arc<dyn Policy>> = vec![
            Arc::new(LogPolicy),
            Arc::new(limits::ThrottleGuard),
            Arc::new(BearerPolicy {
                credential,
                scope,
                base_host: base.host_str().unwrap_or_default().to_string(),
            }),
            Arc::new(limits::ReadPolicy),
        ];
        let pipeline = Pipeline::new(
            Some("aksos"),
            Some(env!("CARGO_PKG_VERSION")),
            options,
            Vec::new(),
            per_try,
            None,
        );
        let base_str = base.as_str().trim_end_matches('/').to_string();
        PipelineClient {
            base,
            base_str,
            pipeline,
            request_timeout,
            deadline: None,
            max_body: limits::MAX_BODY,
        }
    }

    /// Every call ends by `timeout` from now, retries and `Retry-After` waits
    /// included (a `timeout` too large to represent means no deadline).
    pub fn with_deadline(mut self, timeout: Duration) -> Self {
        self.deadline = Instant::now().checked_add(timeout).map(|d| (d, timeout));
        self
    }

    /// Lowers the body limit (tests).
    pub fn with_max_body(mut self, max_body: usize) -> Self {
        self.max_body = max_body;
        self
    }

    /// The error for a call that ran into the deadline.
    fn deadline_error(&self, req: &ArmRequest, state: &CallState, waited: Duration) -> ArmError {
        let timeout = self.deadline.map(|(_, t)| t).unwrap_or_default();
        let status = state.last_status();
        if matches!(status, 429 | 503) {
            return ArmError::new(
                ArmErrorKind::Throttled {
                    status,
                    retry_after: None,
                    left: Duration::ZERO,
                },
                &req.context,
            );
        }
        // Whole seconds, at least 1 when anything was waited.
        let waited = match waited.as_secs_f64().round() as u64 {
            0 if !waited.is_zero() => Duration::from_secs(1),
            n => Duration::from_secs(n),
        };
        let (code, message) = if waited.is_zero() {
            (
                "DeadlineExceeded",
                format!(
                    "--timeout ({}) ran out before this request could be sent",
                    humantime::format_duration(timeout)
                ),
            )
        } else {
            (
                "RequestTimeout",
                format!(
                    "no answer within {}, when --timeout ({}) ran out",
                    humantime::format_duration(waited),
                    humantime::format_duration(timeout)
                ),
            )
        };
        ArmError::new(ArmErrorKind::Transport, &req.context).with_message(code, message)
    }

    /// Resolves a relative path against the base URL. Absolute URLs from ARM
    /// (`Azure-AsyncOperation`, `Location`, `nextLink`) on another host — e.g.
    /// `management.azure.com` seen through `--arm-endpoint` pointing at a proxy —
    /// are re-based onto the configured endpoint, so the token only ever goes there.
    fn resolve(&self, path: &str) -> Result<Url, String> {
        if path.starts_with("http://") || path.starts_with("https://") {
            let url = Url::parse(path).map_err(|e| format!("invalid URL from ARM: {e}"))?;
            if url.host_str() == self.base.host_str() && url.port() == self.base.port() {
                return Ok(url);
            }
            let rest = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_string(),
            };
            tracing::info!(
                target: "aksos::http",
                "re-basing {} onto the ARM endpoint {}",
                url.host_str().unwrap_or("?"),
                self.base_str
            );
            Url::parse(&format!("{}{rest}", self.base_str))
                .map_err(|e| format!("invalid URL from ARM: {e}"))
        } else {
            self.resolve_relative(path)
        }
    }

    /// A relative reference is an absolute path (`/…`) under the base URL,
    /// joined so that it can never change the scheme, host or port: anything
    /// else (`@host`, `//host`, `\\host`, `x/y`) is refused. The text must also be
    /// what the URL parser keeps — no `.`/`..` segment to fold, nothing to
    /// re-encode — so the URL sent is byte for byte the one `--dry-run` prints.
    fn resolve_relative(&self, path: &str) -> Result<Url, String> {
        let shown = crate::names::shown(path);
        if !path.starts_with('/') || path.starts_with("//") || path.starts_with("/\\") {
            return Err(format!(
                "refusing the relative URL `{shown}`: it must be a path starting with a single '/'"
            ));
        }
        let text = format!("{}{}", self.base_str, path);
        let url = Url::parse(&text).map_err(|e| format!("invalid request path `{shown}`: {e}"))?;
        let same_origin = url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default();
        if !same_origin || url.as_str() != text {
            return Err(format!(
                "refusing the request path `{shown}`: the URL parser would rewrite it (to {}); nothing was sent",
                crate::names::shown(url.as_str())
            ));
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct NoToken;

    #[async_trait::async_trait]
    impl TokenCredential for NoToken {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
        ) -> azure_core::Result<azure_core::credentials::AccessToken> {
            Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "none",
            ))
        }
    }

    #[test]
    fn urls_from_arm_stay_on_the_configured_endpoint() {
        let c = PipelineClient::new(
            Url::parse("http://127.0.0.1:8080").unwrap(),
            Arc::new(NoToken),
            "s".into(),
            RetrySettings::LOCAL,
            Duration::from_secs(1),
        );
        let same = c
            .resolve("http://127.0.0.1:8080/op/1?api-version=x")
            .unwrap();
        assert_eq!(same.as_str(), "http://127.0.0.1:8080/op/1?api-version=x");
        let other = c
            .resolve("https://management.azure.com/subscriptions/s/op/2?api-version=y")
            .unwrap();
        assert_eq!(
            other.as_str(),
            "http://127.0.0.1:8080/subscriptions/s/op/2?api-version=y"
        );
        let rel = c.resolve("/subscriptions/s?api-version=z").unwrap();
        assert_eq!(
            rel.as_str(),
            "http://127.0.0.1:8080/subscriptions/s?api-version=z"
        );
    }

    fn local(base: &str) -> PipelineClient {
        PipelineClient::new(
            Url::parse(base).unwrap(),
            Arc::new(NoToken),
            "s".into(),
            RetrySettings::LOCAL,
            Duration::from_secs(1),
        )
    }

    #[test]
    fn relative_urls_never_change_the_host() {
        let c = local("http://127.0.0.1:8080");
        for evil in [
            "@127.0.0.2:9/op",
            "//127.0.0.2:9/op",
            "/\\127.0.0.2/op",
            "\\\\127.0.0.2/op",
            "op/1",
            "",
            "?x=1",
        ] {
            assert!(c.resolve(evil).is_err(), "{evil:?} must be refused");
        }
        // A path that merely contains '@' stays on the configured host.
        let at = c.resolve("/@127.0.0.2:9/op").unwrap();
        assert_eq!(at.host_str(), Some("127.0.0.1"));
        assert_eq!(at.as_str(), "http://127.0.0.1:8080/@127.0.0.2:9/op");
        // A base path is kept.
        let prefixed = local("http://127.0.0.1:8080/arm/")
            .resolve("/op?a=1")
            .unwrap();
        assert_eq!(prefixed.as_str(), "http://127.0.0.1:8080/arm/op?a=1");
    }

    #[test]
    fn paths_the_parser_would_rewrite_are_refused() {
        let c = local("http://127.0.0.1:8080");
        for folded in [
            "/subscriptions/s/providers/Microsoft.Features/providers/../../../../Microsoft.ContainerService/unregister",
            "/subscriptions/./x",
            "/subscriptions/%2e%2e/x",
            "/subscriptions/s/x y",
        ] {
            let e = c.resolve(folded).unwrap_err();
            assert!(e.contains("nothing was sent"), "{folded}: {e}");
        }
    }
}

fn to_az(d: Duration) -> AzDuration {
    AzDuration::milliseconds(d.as_millis().min(i64::MAX as u128) as i64)
}

fn az_method(m: Method) -> azure_core::http::Method {
    match m {
        Method::Get => azure_core::http::Method::Get,
        Method::Put => azure_core::http::Method::Put,
        Method::Post => azure_core::http::Method::Post,
        Method::Delete => azure_core::http::Method::Delete,
    }
}

#[async_trait::async_trait]
impl ArmClient for PipelineClient {
    async fn send(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
        if req.method.is_write() && crate::cancel::is_interrupted() {
            // No write after Ctrl-C, whichever code path asks for one.
            return Err(ArmError::new(ArmErrorKind::Interrupted, &req.context)
                .with_message("Interrupted", "it was not sent, and nothing more was."));
        }
        let url = self.resolve(&req.path).map_err(|m| {
            ArmError::new(ArmErrorKind::Protocol, &req.context).with_message("InvalidUrl", m)
        })?;
        let mut request = Request::new(url, az_method(req.method));
        request.insert_header("accept", "application/json");
        if req.if_none_match {
            request.insert_header("if-none-match", "*");
        }
        match &req.body {
            Some(body) => {
                request.insert_header("content-type", "application/json");
                request.set_body(serde_json::to_vec(body).unwrap_or_default());
            }
            None if req.method != Method::Get => request.set_body(Vec::<u8>::new()),
            None => {}
        }
        let state = CallState::new(
            self.deadline.map(|(d, _)| d),
            self.request_timeout,
            self.max_body,
        );
        let ctx = Context::new().with_value(state.clone());
        let fut = self.pipeline.stream(
            &ctx,
            &mut request,
            Some(PipelineStreamOptions {
                skip_checks: true,
                ..Default::default()
            }),
        );
        // Ctrl-C cuts the call, retry back-off included (see crate::cancel).
        let interrupted = || {
            ArmError::new(ArmErrorKind::Interrupted, &req.context).with_message(
                "Interrupted",
                if req.method.is_write() {
                    "the request may have reached Azure before Ctrl-C (check the resource before re-running); nothing more was sent."
                } else {
                    "nothing more was sent to Azure."
                },
            )
        };
        let started = Instant::now();
        // The command's one deadline bounds the call (retries and waits included).
        let timed = async {
            match state.left() {
                None => Ok(fut.await),
                Some(left) if left.is_zero() => Err(Duration::ZERO),
                Some(left) => tokio::time::timeout(left, fut)
                    .await
                    .map_err(|_| started.elapsed()),
            }
        };
        let result = match tokio::select! {
            biased;
            _ = crate::cancel::interrupted() => return Err(interrupted()),
            r = timed => r,
        } {
            Ok(r) => r,
            Err(elapsed) => return Err(self.deadline_error(req, &state, elapsed)),
        };
        let client_request_id = request
            .headers()
            .get_optional_str(&azure_core::http::headers::CLIENT_REQUEST_ID)
            .map(str::to_string);
        match result {
            Ok(resp) => {
                let (status, headers, body) = resp.deconstruct();
                let headers = headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.as_str().to_string()))
                    .collect();
                // Already read (and bounded) by `ReadPolicy`; this only moves it.
                let body = body.collect().await.map_err(|e| {
                    ArmError::new(ArmErrorKind::Transport, &req.context)
                        .with_message("ConnectionBroken", error_chain(&e))
                })?;
                Ok(ArmResponse {
                    status: u16::from(status),
                    headers,
                    body: body.to_vec(),
                })
            }
            Err(e) => {
                if let Some(stop) = limits::find_stop(&e) {
                    let mut err = stop_error(stop, req);
                    err.client_request_id = client_request_id;
                    return Err(err);
                }
                let kind = match e.kind() {
                    azure_core::error::ErrorKind::Credential => ArmErrorKind::Auth,
                    azure_core::error::ErrorKind::Io | azure_core::error::ErrorKind::Connection => {
                        ArmErrorKind::Transport
                    }
                    _ => ArmErrorKind::Protocol,
                };
                let code = match kind {
                    ArmErrorKind::Auth if crate::auth::is_unreachable(&e) => {
                        "IdentityEndpointUnreachable"
                    }
                    ArmErrorKind::Auth => "CredentialUnavailable",
                    // Connected, then the connection broke (e.g. reset mid-body).
                    ArmErrorKind::Transport
                        if matches!(e.kind(), azure_core::error::ErrorKind::Io) =>
                    {
                        "ConnectionBroken"
                    }
                    ArmErrorKind::Transport => "ConnectionFailed",
                    _ => "ClientError",
                };
                let mut err = ArmError::new(kind, &req.context).with_message(code, error_chain(&e));
                err.client_request_id = client_request_id;
                Err(err)
            }
        }
    }

    fn base_url(&self) -> &str {
        &self.base_str
    }
}

/// The [`ArmError`] for a call one of the [`limits`] policies stopped.
fn stop_error(stop: &Stop, req: &ArmRequest) -> ArmError {
    match stop {
        Stop::Throttled {
            status,
            retry_after,
            left,
        } => ArmError::new(
            ArmErrorKind::Throttled {
                status: *status,
                retry_after: Some(*retry_after),
                left: *left,
            },
            &req.context,
        ),
        Stop::TooLarge { .. } => ArmError::new(ArmErrorKind::Protocol, &req.context)
            .with_message("ResponseTooLarge", stop.to_string()),
        Stop::TryTimedOut { .. } => ArmError::new(ArmErrorKind::Transport, &req.context)
            .with_message("RequestTimeout", stop.to_string()),
    }
}

/// The error and its sources on one line (credential errors carry the chain).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        src = s.source();
    }
    out
}

/// Adds `Authorization: Bearer ...` to each try. Refuses plain http except to
/// loopback (checked again here, whatever the caller validated).
#[derive(Debug)]
struct BearerPolicy {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    base_host: String,
}

#[async_trait::async_trait]
impl Policy for BearerPolicy {
    async fn send(&self, ctx: &Context, req: &mut Request, next: Next<'_>) -> PolicyResult {
        let url = req.url();
        let host = url.host_str().unwrap_or_default();
        if url.scheme() != "https" && !crate::config::is_loopback_host(host) {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                "refusing to send a token over plain http to a non-loopback host",
            ));
        }
        if host != self.base_host {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                "refusing to send a token to a host other than the ARM endpoint",
            ));
        }
        let token = self
            .credential
            .get_token(&[self.scope.as_str()], None)
            .await?;
        // Whatever the server echoes back, this value is never shown.
        crate::sanitize::register_secret(token.token.secret());
        req.insert_header("authorization", format!("Bearer {}", token.token.secret()));
        next[0].send(ctx, req, &next[1..]).await
    }
}

/// Logs method, URL, status, duration and request ids of every try at `-v`.
/// Headers are never logged, so the token cannot leak.
#[derive(Debug)]
struct LogPolicy;

#[async_trait::async_trait]
impl Policy for LogPolicy {
    async fn send(&self, ctx: &Context, req: &mut Request, next: Next<'_>) -> PolicyResult {
        let start = Instant::now();
        let method = req.method();
        let url = req.url().to_string();
        let client_id = req
            .headers()
            .get_optional_string(&azure_core::http::headers::CLIENT_REQUEST_ID)
            .unwrap_or_default();
        let result = next[0].send(ctx, req, &next[1..]).await;
        let ms = start.elapsed().as_millis();
        match &result {
            Ok(resp) => {
                let corr = resp
                    .headers()
                    .get_optional_string(&azure_core::http::headers::HeaderName::from_static(
                        "x-ms-correlation-req-id",
                    ))
                    .unwrap_or_default();
                tracing::info!(
                    target: "aksos::http",
                    "{method} {url} -> {} in {ms} ms (client-req-id {client_id}, correlation-id {corr})",
                    u16::from(resp.status())
                );
            }
            Err(e) => tracing::info!(
                target: "aksos::http",
                "{method} {url} -> error after {ms} ms (client-req-id {client_id}): {e}"
            ),
        }
        result
    }
}
