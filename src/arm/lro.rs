//! Waiting on ARM: long-running operations (poll `Azure-AsyncOperation`, else
//! `Location`, until Succeeded / Failed / Canceled, compared case-insensitively)
//! and registrations (poll the feature or provider until Registered). Intervals
//! follow `Retry-After` when ARM sends it, else a gentle back-off ([`Cadence`]).
//! Deadlines and Ctrl-C are the caller's: these futures are cancel-safe.
//!
//! # Why not `azure_core`'s `Poller`
//!
//! Paging uses `azure_core`'s `PageIterator` (see [`super::ops`]); polling is
//! written here by hand, because `azure_core::http::poller::Poller` (1.1) cannot
//! say four things aksos promises:
//!
//! 1. **Progress when it happens.** `Poller`'s stream sleeps the `retry_after`
//!    of a `PollerResult::InProgress` *before* it yields that response, and the
//!    callback given to `Poller::new` must be `Fn + Send + 'static`, so it cannot
//!    call the caller's borrowed `on_progress`. An intermediate status such as
//!    `ProvisioningControlPlane` would reach the progress line one interval late
//!    (15 s against Azure). Here `on_progress` runs as soon as a poll answers
//!    (test: `progress_is_reported_when_polled_not_after_the_next_wait`).
//! 2. **Azure's error on Failed / Canceled.** Awaiting a `Poller` yields a
//!    result only through `PollerResult::Succeeded { target }`; an operation that
//!    ends with `PollerResult::Done` makes the await fail with the generic
//!    "poller completed without defining a target" (`ErrorKind::Other`), and the
//!    status body's `error {code, message, details}` is gone. (The unreleased
//!    upstream ARM helper `poller::resource_manager::new_poller` replaces it with
//!    the fixed text "Resource Manager long-running operation failed".) aksos
//!    shows Azure's code and message, which name the fix.
//! 3. **A back-off when `Retry-After` is absent.** `PollerOptions::frequency` is
//!    one fixed interval (default 30 s) and `Poller::new` asserts it is at least
//!    1 s, and `PollerState` carries no poll count to grow it from. Azure sends
//!    no `Retry-After` on AKS operations (tests/replay.rs), so the interval is
//!    the whole cadence: [`Cadence::REMOTE`] starts at 2 s and backs off ×1.5 to
//!    15 s; [`Cadence::LOCAL`] polls a loopback emulator every 20–500 ms.
//! 4. **Polling from a URL, through [`Arm`].** `Poller`'s `PollerState::Initial`
//!    sends the initial request itself, and its items are
//!    `azure_core::Result<Response<M>>`. Our PUT/DELETE is sent first by
//!    [`Arm::put`] / [`Arm::delete`] (so `--no-wait` can print the poll URL and a
//!    412 is handled before any wait), and each poll goes through
//!    [`super::ArmClient`], which reads a bounded body, scrubs control
//!    characters, re-bases absolute URLs onto the configured endpoint and keeps
//!    the signed query byte for byte. Rebuilding a `RawResponse` from that, so
//!    `Response::into_model` can parse the JSON again — with no JSON at all for a
//!    `Location` poll's empty 202 — and boxing every [`ArmError`] into an
//!    `azure_core::Error`, would add code, not remove it.
//!
//! What is left is one small loop per kind of wait, each a plain `async fn`.

use super::models::{terminal_state, Feature, OperationStatus, Provider, Terminal};
use super::ops::{decode, retry_after};
use super::{Arm, ArmError, ArmErrorKind, ArmRequest, Method};
use std::time::Duration;

/// Poll intervals when ARM gives no `Retry-After`: start, growth ×1.5, cap.
#[derive(Debug, Clone, Copy)]
pub struct Cadence {
    pub first: Duration,
    pub max: Duration,
}

impl Cadence {
    /// For Azure: operations take minutes.
    pub const REMOTE: Cadence = Cadence {
        first: Duration::from_secs(2),
        max: Duration::from_secs(15),
    };
    /// For a loopback emulator: notice completion within a few tens of milliseconds.
    pub const LOCAL: Cadence = Cadence {
        first: Duration::from_millis(20),
        max: Duration::from_millis(500),
    };

    fn next(&self, current: Duration) -> Duration {
        (current.mul_f32(1.5)).min(self.max)
    }
}

/// What a progress callback is told after each poll.
#[derive(Debug, Clone)]
pub struct Progress {
    pub state: String,
    pub percent: Option<f64>,
}

/// Polls a long-running operation URL until it ends. `first_wait` is the
/// `Retry-After` of the response that started it.
pub async fn wait_operation(
    arm: &Arm,
    url: &str,
    context: &str,
    first_wait: Option<u64>,
    cadence: Cadence,
    mut on_progress: impl FnMut(&Progress),
) -> Result<OperationStatus, ArmError> {
    let mut backoff = cadence.first;
    let mut wait = first_wait.map(Duration::from_secs).unwrap_or(backoff);
    loop {
        tokio::time::sleep(wait).await;
        let req = ArmRequest::new(Method::Get, url, format!("{context} (status)"));
        let resp = arm.call(&req).await?;
        let status = if resp.status == 202 || resp.body.is_empty() {
            // A Location URL answers 202 while running, 200/204 when done.
            OperationStatus {
                status: if resp.status == 202 {
                    "InProgress".into()
                } else {
                    "Succeeded".into()
                },
                ..Default::default()
            }
        } else {
            decode::<OperationStatus>(&resp, &req.context)?
        };
        on_progress(&Progress {
            state: status.status.clone(),
            percent: status.percent(),
        });
        match status.terminal() {
            Some(Terminal::Succeeded) => return Ok(status),
            Some(t) => {
                let mut err = ArmError::new(
                    ArmErrorKind::OperationFailed {
                        status: if t == Terminal::Failed {
                            "Failed".into()
                        } else {
                            "Canceled".into()
                        },
                    },
                    context,
                );
                err.error = status.error.clone().unwrap_or_default();
                err.correlation_id = resp
                    .header("x-ms-correlation-request-id")
                    .map(str::to_string);
                return Err(err);
            }
            None => {}
        }
        wait = match retry_after(&resp) {
            Some(s) => Duration::from_secs(s).max(cadence.first),
            None => {
                backoff = cadence.next(backoff);
                backoff
            }
        };
    }
}

/// Polls a feature until it is Registered. Fails fast on a state that can no
/// longer become Registered (Unregistered, NotRegistered after a register).
pub async fn wait_feature(
    arm: &Arm,
    ns: &str,
    name: &str,
    cadence: Cadence,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Feature, ArmError> {
    let mut wait = cadence.first;
    loop {
        tokio::time::sleep(wait).await;
        let feature = arm.get_feature(ns, name).await?;
        on_progress(&Progress {
            state: feature.state().to_string(),
            percent: None,
        });
        if feature.is_registered() {
            return Ok(feature);
        }
        if !feature.is_pending() {
            return Err(ArmError::new(
                ArmErrorKind::OperationFailed {
                    status: feature.state().to_string(),
                },
                format!("register feature {ns}/{name}"),
            )
            .with_message(
                "RegistrationNotInProgress",
                format!(
                    "the feature is {} and no longer moving toward Registered",
                    feature.state()
                ),
            ));
        }
        wait = cadence.next(wait);
    }
}

/// Polls a provider until it is Registered.
pub async fn wait_provider(
    arm: &Arm,
    ns: &str,
    cadence: Cadence,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Provider, ArmError> {
    let mut wait = cadence.first;
    loop {
        tokio::time::sleep(wait).await;
        let provider = arm.get_provider(ns).await?;
        on_progress(&Progress {
            state: provider.state().to_string(),
            percent: None,
        });
        if provider.is_registered() {
            return Ok(provider);
        }
        if terminal_state(provider.state()).is_some()
            || provider.state().eq_ignore_ascii_case("Unregistered")
        {
            return Err(ArmError::new(
                ArmErrorKind::OperationFailed {
                    status: provider.state().to_string(),
                },
                format!("register provider {ns}"),
            ));
        }
        wait = cadence.next(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::{ArmClient, ArmResponse};
    use std::sync::{Arc, Mutex};

    /// Answers each request with the next canned response and records the paths.
    struct Canned {
        responses: Mutex<Vec<ArmResponse>>,
        seen: Mutex<Vec<String>>,
    }

    #[async_trait::async_trait]
    impl ArmClient for Canned {
        async fn send(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
            self.seen.lock().unwrap().push(req.path.clone());
            Ok(self.responses.lock().unwrap().remove(0))
        }
        fn base_url(&self) -> &str {
            "http://127.0.0.1"
        }
    }

    fn json(status: u16, body: &str) -> ArmResponse {
        ArmResponse {
            status,
            headers: [("retry-after".to_string(), "0".to_string())].into(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn canned_arm(responses: Vec<ArmResponse>) -> (Arm, Arc<Canned>) {
        let c = Arc::new(Canned {
            responses: Mutex::new(responses),
            seen: Mutex::new(vec![]),
        });
        (Arm::new(c.clone(), "sub"), c)
    }

    const FAST: Cadence = Cadence {
        first: Duration::from_millis(1),
        max: Duration::from_millis(2),
    };

    #[tokio::test]
    async fn operation_polls_until_succeeded_reporting_progress() {
        let (arm, canned) = canned_arm(vec![
            json(200, r#"{"status":"InProgress","percentComplete":40}"#),
            json(200, r#"{"status":"succeeded"}"#),
        ]);
        let mut seen = vec![];
        let op = wait_operation(
            &arm,
            "http://127.0.0.1/op/1",
            "create",
            Some(0),
            FAST,
            |p| seen.push((p.state.clone(), p.percent)),
        )
        .await
        .unwrap();
        assert_eq!(op.terminal(), Some(Terminal::Succeeded));
        assert_eq!(seen[0], ("InProgress".to_string(), Some(40.0)));
        assert_eq!(canned.seen.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn failed_operation_carries_azures_error() {
        let (arm, _) = canned_arm(vec![json(
            200,
            r#"{"status":"Failed","error":{"code":"VMExtensionProvisioningError","message":"boom"}}"#,
        )]);
        let err = wait_operation(
            &arm,
            "http://127.0.0.1/op",
            "create pool",
            None,
            FAST,
            |_| {},
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "VMExtensionProvisioningError");
        assert!(err.to_string().contains("ended Failed"));
    }

    #[tokio::test]
    async fn canceled_and_location_style_polls() {
        let (arm, _) = canned_arm(vec![json(200, r#"{"status":"Canceled"}"#)]);
        let err = wait_operation(&arm, "u", "x", None, FAST, |_| {})
            .await
            .unwrap_err();
        assert!(err.to_string().contains("Canceled"));
        let (arm, _) = canned_arm(vec![json(202, ""), json(204, "")]);
        let op = wait_operation(&arm, "u", "x", None, FAST, |_| {})
            .await
            .unwrap();
        assert_eq!(op.terminal(), Some(Terminal::Succeeded));
    }

    /// Answers in order, recording when each poll was sent (virtual time).
    struct Timed {
        responses: Mutex<Vec<ArmResponse>>,
        sent: Mutex<Vec<tokio::time::Instant>>,
    }

    #[async_trait::async_trait]
    impl ArmClient for Timed {
        async fn send(&self, _: &ArmRequest) -> Result<ArmResponse, ArmError> {
            self.sent.lock().unwrap().push(tokio::time::Instant::now());
            Ok(self.responses.lock().unwrap().remove(0))
        }
        fn base_url(&self) -> &str {
            "http://127.0.0.1"
        }
    }

    fn timed_arm(responses: Vec<ArmResponse>) -> (Arm, Arc<Timed>) {
        let c = Arc::new(Timed {
            responses: Mutex::new(responses),
            sent: Mutex::new(vec![]),
        });
        (Arm::new(c.clone(), "sub"), c)
    }

    fn status(body: &str, retry_after: Option<&str>) -> ArmResponse {
        ArmResponse {
            status: 200,
            headers: retry_after
                .map(|s| ("retry-after".to_string(), s.to_string()))
                .into_iter()
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn progress_is_reported_when_polled_not_after_the_next_wait() {
        let (arm, c) = timed_arm(vec![
            status(r#"{"status":"ProvisioningControlPlane"}"#, Some("10")),
            status(r#"{"status":"SUCCEEDED"}"#, None),
        ]);
        let mut reported = vec![];
        let op = wait_operation(&arm, "u", "create", None, Cadence::REMOTE, |p| {
            reported.push((p.state.clone(), tokio::time::Instant::now()))
        })
        .await
        .unwrap();
        assert_eq!(op.terminal(), Some(Terminal::Succeeded));
        let sent = c.sent.lock().unwrap().clone();
        assert_eq!(reported[0].0, "ProvisioningControlPlane");
        assert_eq!(reported[0].1, sent[0], "shown as soon as Azure said it");
        assert_eq!(sent[1] - sent[0], Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_sets_the_wait_and_its_absence_the_cadence() {
        let running = r#"{"status":"InProgress"}"#;
        let (arm, c) = timed_arm(vec![
            status(running, None),
            status(running, Some("7")),
            status(running, None),
            status(r#"{"status":"Succeeded"}"#, None),
        ]);
        let start = tokio::time::Instant::now();
        wait_operation(&arm, "u", "create", None, Cadence::REMOTE, |_| {})
            .await
            .unwrap();
        let at: Vec<f64> = c
            .sent
            .lock()
            .unwrap()
            .iter()
            .map(|t| (*t - start).as_secs_f64())
            .collect();
        // 2 s first, then ×1.5 (3 s), then Azure's 7 s, then the back-off resumes (4.5 s).
        assert_eq!(at, [2.0, 5.0, 12.0, 16.5]);
        // The Retry-After of the response that started it sets the first wait.
        let (arm, c) = timed_arm(vec![status(r#"{"status":"Succeeded"}"#, None)]);
        let start = tokio::time::Instant::now();
        wait_operation(&arm, "u", "create", Some(4), Cadence::REMOTE, |_| {})
            .await
            .unwrap();
        assert_eq!(c.sent.lock().unwrap()[0] - start, Duration::from_secs(4));
    }

    #[tokio::test]
    async fn feature_wait_stops_on_registered_and_fails_on_dead_state() {
        let (arm, _) = canned_arm(vec![
            json(200, r#"{"properties":{"state":"Registering"}}"#),
            json(200, r#"{"properties":{"state":"registered"}}"#),
        ]);
        let f = wait_feature(&arm, "ns", "F", FAST, |_| {}).await.unwrap();
        assert!(f.is_registered());
        let (arm, _) = canned_arm(vec![json(
            200,
            r#"{"properties":{"state":"Unregistered"}}"#,
        )]);
        let e = wait_feature(&arm, "ns", "F", FAST, |_| {})
            .await
            .unwrap_err();
        assert!(e.to_string().contains("Unregistered"));
    }
}
