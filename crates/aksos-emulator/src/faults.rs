//! Fault injection for the emulator, parsed from a SPEC such as
//! `throttle=3,error=1,fail-lro,stuck,delay=100ms`. Counted faults apply to the
//! first N requests that reach the emulator (after the test-only `/_emulator` paths).
//! Resource Graph faults (`graph-refuse`, `graph-page-size`, `graph-quota`) are
//! described in [`super::graph`].

use std::time::Duration;

/// Which faults to inject and the emulator's timings.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// The first N requests get 429 with `Retry-After: retry_after`.
    pub throttle: u32,
    /// The next N requests get 503 with `Retry-After: retry_after`.
    pub error: u32,
    /// `Retry-After` seconds on 429/503.
    pub retry_after: u64,
    /// `Retry-After` seconds on AKS operations (PUT/DELETE answers and status
    /// polls). Azure sends none there (recorded), so none by default.
    pub op_retry_after: Option<u64>,
    /// Writes that would take a vCPU quota past the limit the usages API shows
    /// are refused (400 `ErrCode_InsufficientVCPUQuota`), as AKS refuses them.
    /// Off by default: the usages are a fixed fixture sized for a few
    /// clusters, and test fleets are larger.
    pub enforce_quota: bool,
    /// Long-running operations end `Failed` with an error.
    pub fail_lro: bool,
    /// Long-running operations end `Canceled`.
    pub cancel_lro: bool,
    /// Feature registrations never leave `Registering`.
    pub stuck: bool,
    /// Added latency on every request.
    pub delay: Duration,
    /// How long a long-running operation takes.
    pub op_delay: Duration,
    /// How long a feature registration takes.
    pub reg_delay: Duration,
    /// How long a provider registration takes.
    pub provider_delay: Duration,
    /// The next N successful GETs answer malformed JSON.
    pub malformed: u32,
    /// The next N requests answer a proxy's HTML error page (502).
    pub html: u32,
    /// The next N requests get a 200 whose body breaks off after a few bytes
    /// (the connection is reset mid-body); the request is not processed.
    pub reset: u32,
    /// After N requests, every request gets 401 ExpiredAuthenticationToken.
    pub expire_after: Option<u32>,
    /// The next N writes get 409 OperationNotAllowed.
    pub conflict: u32,
    /// Items per page of a list (then `nextLink`).
    pub page_size: usize,
    /// Resource Graph refuses queries: `403` (AuthorizationFailed, the default),
    /// `unregistered` (409 MissingSubscriptionRegistration) or `policy` (403
    /// RequestDisallowedByPolicy).
    pub graph_refuse: Option<String>,
    /// Resource Graph rows per page at most (Azure: `$top`, up to 1000).
    pub graph_page_size: usize,
    /// Resource Graph queries per 5 s window (Azure's per-user quota: 15).
    pub graph_quota: u32,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            throttle: 0,
            error: 0,
            retry_after: 1,
            op_retry_after: None,
            enforce_quota: false,
            fail_lro: false,
            cancel_lro: false,
            stuck: false,
            delay: Duration::ZERO,
            op_delay: Duration::from_millis(300),
            reg_delay: Duration::from_millis(300),
            provider_delay: Duration::from_millis(100),
            malformed: 0,
            html: 0,
            reset: 0,
            expire_after: None,
            conflict: 0,
            page_size: 100,
            graph_refuse: None,
            graph_page_size: 1000,
            graph_quota: 15,
        }
    }
}

impl Faults {
    /// Timings of the `--sandbox` instance: short but visible.
    pub fn sandbox() -> Faults {
        Faults {
            op_delay: Duration::from_secs(4),
            reg_delay: Duration::from_secs(3),
            provider_delay: Duration::from_secs(1),
            ..Faults::default()
        }
    }

    /// No delays at all (benchmarks).
    pub fn instant() -> Faults {
        Faults {
            retry_after: 0,
            op_delay: Duration::ZERO,
            reg_delay: Duration::ZERO,
            provider_delay: Duration::ZERO,
            ..Faults::default()
        }
    }

    /// Applies a SPEC on top of `self`.
    pub fn parse_onto(mut self, spec: &str) -> Result<Faults, String> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (item, None),
            };
            let count = |v: Option<&str>| -> Result<u32, String> {
                v.unwrap_or("1")
                    .parse()
                    .map_err(|_| format!("`{item}`: expected a count"))
            };
            let dur = |v: Option<&str>| -> Result<Duration, String> {
                let v = v.ok_or(format!("`{key}` needs a duration, e.g. {key}=200ms"))?;
                humantime::parse_duration(v).map_err(|e| format!("`{item}`: {e}"))
            };
            match key {
                "throttle" => self.throttle = count(value)?,
                "error" => self.error = count(value)?,
                "retry-after" => self.retry_after = count(value)? as u64,
                "op-retry-after" => self.op_retry_after = Some(count(value)? as u64),
                "fail-lro" => self.fail_lro = true,
                "enforce-quota" => self.enforce_quota = true,
                "cancel-lro" => self.cancel_lro = true,
                "stuck" => self.stuck = true,
                "delay" => self.delay = dur(value)?,
                "op-delay" => self.op_delay = dur(value)?,
                "reg-delay" => self.reg_delay = dur(value)?,
                "provider-delay" => self.provider_delay = dur(value)?,
                "malformed" => self.malformed = count(value)?,
                "html" => self.html = count(value)?,
                "reset" => self.reset = count(value)?,
                "expire-after" => self.expire_after = Some(count(value)?),
                "conflict" => self.conflict = count(value)?,
                "page-size" => self.page_size = count(value)?.max(1) as usize,
                "graph-refuse" => {
                    self.graph_refuse = Some(match value.unwrap_or("403") {
                        v @ ("403" | "unregistered" | "policy") => v.to_string(),
                        v => {
                            return Err(format!(
                                "`graph-refuse={v}`: use 403, unregistered or policy"
                            ))
                        }
                    })
                }
                "graph-page-size" => self.graph_page_size = count(value)?.max(1) as usize,
                "graph-quota" => self.graph_quota = count(value)?,
                other => {
                    return Err(format!(
                        "unknown fault `{other}`; known: throttle=N, error=N, retry-after=S, op-retry-after=S, enforce-quota, fail-lro, cancel-lro, stuck, delay=D, op-delay=D, reg-delay=D, provider-delay=D, malformed=N, html=N, reset=N, expire-after=N, conflict=N, page-size=N, graph-refuse[=403|unregistered|policy], graph-page-size=N, graph-quota=N"
                    ))
                }
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_spec() {
        let f = Faults::default()
            .parse_onto("throttle=3, error=2,fail-lro,stuck,delay=100ms,retry-after=0")
            .unwrap();
        assert_eq!((f.throttle, f.error, f.retry_after), (3, 2, 0));
        assert!(f.fail_lro && f.stuck);
        assert_eq!(f.delay, Duration::from_millis(100));
        assert_eq!(Faults::default().parse_onto("reset=4").unwrap().reset, 4);
        assert!(Faults::default().parse_onto("explode").is_err());
        assert!(Faults::default().parse_onto("delay").is_err());
    }
}
