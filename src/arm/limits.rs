//! Bounds on what one ARM call may cost, as `azure_core` per-try policies:
//!
//! - [`ReadPolicy`] (last of ours, just before the transport) reads the body
//!   itself, at most [`MAX_BODY`] bytes and within the per-try time cap. A
//!   body that never ends fails at once with [`Stop::TooLarge`] instead of
//!   growing until the process aborts; a body that breaks off is an I/O error,
//!   which the retry policy retries as before.
//! - [`ThrottleGuard`] looks at each 429/503: when its `Retry-After` (seconds,
//!   milliseconds or an HTTP date) asks for more than the time left before the
//!   command's deadline, it stops with [`Stop::Throttled`] rather than letting
//!   the retry policy sleep past `--timeout`.
//!
//! Both read the per-call [`CallState`] that [`super::http::PipelineClient`]
//! puts in the request's [`Context`]; the client also reads it back to say,
//! when the deadline passes, whether ARM was throttling at the time.
//! [`Stop`] errors are `ErrorKind::Other`, which the retry policy never retries.

use azure_core::error::ErrorKind;
use azure_core::http::headers::Headers;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{AsyncRawResponse, Context, Request};
use futures::StreamExt;
use std::fmt;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// The policies after this one in the pipeline: a policy hands the request on
/// with `next[0].send(ctx, req, &next[1..])`.
pub(super) type Next<'a> = &'a [Arc<dyn Policy>];

/// Largest response body aksos reads. ARM's largest real answers (a page of
/// clusters, a resource SKU list) are a few MB.
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// Per call: the command's deadline, the cap on one try, the last status seen.
#[derive(Debug)]
pub struct CallState {
    pub deadline: Option<Instant>,
    pub per_try: Duration,
    pub max_body: usize,
    last_status: AtomicU16,
}

impl CallState {
    pub fn new(deadline: Option<Instant>, per_try: Duration, max_body: usize) -> Arc<CallState> {
        Arc::new(CallState {
            deadline,
            per_try,
            max_body,
            last_status: AtomicU16::new(0),
        })
    }

    /// Time left before the deadline (`None`: no deadline).
    pub fn left(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// The status of the last answer received in this call (0: none yet).
    pub fn last_status(&self) -> u16 {
        self.last_status.load(Ordering::Relaxed)
    }
}

/// Why a call was stopped by one of these policies.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// 429/503 asking to wait `retry_after`, more than the `left` before the deadline.
    Throttled {
        status: u16,
        retry_after: Duration,
        left: Duration,
    },
    /// The body went past `limit` bytes.
    TooLarge { limit: usize },
    /// One try (headers and body) took longer than `after`.
    TryTimedOut { after: Duration },
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::Throttled {
                status,
                retry_after,
                left,
            } => write!(
                f,
                "HTTP {status} asking to wait {}s, more than the {}s left",
                retry_after.as_secs(),
                left.as_secs()
            ),
            Stop::TooLarge { limit } => write!(
                f,
                "the response body is larger than {} MiB; stopped reading it",
                limit / (1024 * 1024)
            ),
            Stop::TryTimedOut { after } => {
                write!(f, "no answer within {}", humantime::format_duration(*after))
            }
        }
    }
}

impl std::error::Error for Stop {}

/// Finds a [`Stop`] anywhere in an error's source chain.
pub fn find_stop<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a Stop> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(s) = err.downcast_ref::<Stop>() {
            return Some(s);
        }
        if let Some(az) = err.downcast_ref::<azure_core::Error>() {
            if let Some(s) = az.downcast_ref::<Stop>() {
                return Some(s);
            }
        }
        cur = err.source();
    }
    None
}

fn stop(s: Stop) -> azure_core::Error {
    azure_core::Error::new(ErrorKind::Other, s)
}

/// `Retry-After` as ARM and HTTP allow it: `x-ms-retry-after-ms`,
/// `retry-after-ms`, then `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &Headers, now: SystemTime) -> Option<Duration> {
    let get = |name: &'static str| {
        headers.get_optional_str(&azure_core::http::headers::HeaderName::from_static(name))
    };
    for ms in ["x-ms-retry-after-ms", "retry-after-ms"] {
        if let Some(v) = get(ms).and_then(|v| v.trim().parse::<u64>().ok()) {
            return Some(Duration::from_millis(v));
        }
    }
    parse_retry_after(get("retry-after")?, now)
}

/// One `Retry-After` value: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc2822)
        .ok()
        .or_else(|| {
            // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is RFC 2822 with "GMT",
            // which the parser accepts; also accept it without the weekday.
            let no_day = v.split_once(", ").map(|(_, rest)| rest).unwrap_or(v);
            time::OffsetDateTime::parse(
                &format!("Mon, {no_day}"),
                &time::format_description::well_known::Rfc2822,
            )
            .ok()
        })?;
    let now = time::OffsetDateTime::from(now);
    let secs = (at - now).whole_seconds().max(0);
    Some(Duration::from_secs(secs as u64))
}

/// Stops a call at a 429/503 whose `Retry-After` outlasts the deadline, and
/// notes each try's status in the [`CallState`].
#[derive(Debug)]
pub struct ThrottleGuard;

#[async_trait::async_trait]
impl Policy for ThrottleGuard {
    async fn send(&self, ctx: &Context, req: &mut Request, next: Next<'_>) -> PolicyResult {
        let resp = next[0].send(ctx, req, &next[1..]).await?;
        let status = u16::from(resp.status());
        let Some(state) = ctx.value::<Arc<CallState>>() else {
            return Ok(resp);
        };
        state.last_status.store(status, Ordering::Relaxed);
        if matches!(status, 429 | 503) {
            let asked = retry_after(resp.headers(), SystemTime::now());
            if let (Some(asked), Some(left)) = (asked, state.left()) {
                if asked >= left {
                    tracing::info!(
                        target: "aksos::http",
                        "HTTP {status} asks to wait {}s; only {}s left before --timeout",
                        asked.as_secs(),
                        left.as_secs()
                    );
                    return Err(stop(Stop::Throttled {
                        status,
                        retry_after: asked,
                        left,
                    }));
                }
            }
        }
        Ok(resp)
    }
}

/// Reads the whole body within the per-try cap and the size limit.
#[derive(Debug)]
pub struct ReadPolicy;

#[async_trait::async_trait]
impl Policy for ReadPolicy {
    async fn send(&self, ctx: &Context, req: &mut Request, next: Next<'_>) -> PolicyResult {
        let (per_try, max_body) = match ctx.value::<Arc<CallState>>() {
            Some(s) => (s.per_try, s.max_body),
            None => (Duration::from_secs(120), MAX_BODY),
        };
        let read = async {
            let resp = next[0].send(ctx, req, &next[1..]).await?;
            let (status, headers, mut body) = resp.deconstruct();
            let declared = headers
                .get_optional_str(&azure_core::http::headers::CONTENT_LENGTH)
                .and_then(|v| v.trim().parse::<u64>().ok());
            if declared.is_some_and(|n| n > max_body as u64) {
                return Err(stop(Stop::TooLarge { limit: max_body }));
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                if bytes.len() + chunk.len() > max_body {
                    return Err(stop(Stop::TooLarge { limit: max_body }));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(AsyncRawResponse::from_bytes(status, headers, bytes))
        };
        match tokio::time::timeout(per_try, read).await {
            Ok(r) => r,
            Err(_) => Err(stop(Stop::TryTimedOut { after: per_try })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // 1994-11-06 08:49:37 UTC
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("999999", now),
            Some(Duration::from_secs(999_999))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        // A date in the past means "now".
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn millisecond_headers_come_first() {
        let mut h = Headers::new();
        h.insert("retry-after", "100");
        h.insert("retry-after-ms", "250");
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_millis(250))
        );
    }

    #[test]
    fn a_stop_is_found_through_wrapping() {
        let e = stop(Stop::TooLarge { limit: MAX_BODY }).with_context("wrapped by retry");
        assert_eq!(find_stop(&e), Some(&Stop::TooLarge { limit: MAX_BODY }));
    }
}
