//! The local ARM emulator: a real HTTP server on 127.0.0.1 (axum) implementing
//! the subset of ARM in arm-specs/README.md, with state transitions, the preview
//! gate and fault injection ([`faults`]). [`Running`] serves it in-process (the
//! `--sandbox` flag, persisted state) or in the foreground (`aksos sandbox`);
//! [`Background`] runs it on its own thread for integration tests, which can read
//! the requests it recorded.
//!
//! Test-only paths (no auth): `GET /_emulator/requests` lists recorded requests,
//! `DELETE /_emulator/requests` clears them, `GET /_emulator/state` dumps state,
//! `POST /_emulator/fleet/{subscriptions}/{clusters}` clones the first cluster
//! into a fleet across many subscriptions ([`graph::clone_fleet`]).

pub mod compute;
pub mod faults;
pub mod graph;
pub mod regions;
pub mod routes;
pub mod schema;
pub mod state;

use crate::error::{AppError, AppResult};
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use faults::Faults;
use routes::{EmuRequest, FaultCounters};
use serde::Serialize;
use state::{State, Timings};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// One request the emulator received (for tests and `--verbose` debugging).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub api_version: Option<String>,
    pub body: Option<serde_json::Value>,
    pub status: u16,
}

struct Inner {
    state: State,
    counters: FaultCounters,
    recorded: Vec<Recorded>,
}

/// Shared emulator state.
#[derive(Clone)]
pub struct Shared {
    inner: Arc<Mutex<Inner>>,
    faults: Arc<Faults>,
    persist: Option<PathBuf>,
}

impl Shared {
    pub fn new(state: State, faults: Faults, persist: Option<PathBuf>) -> Shared {
        Shared {
            inner: Arc::new(Mutex::new(Inner {
                state,
                counters: FaultCounters::default(),
                recorded: vec![],
            })),
            faults: Arc::new(faults),
            persist,
        }
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().expect("lock").recorded.clone()
    }

    /// A copy of the current state.
    pub fn state(&self) -> State {
        self.inner.lock().expect("lock").state.clone()
    }

    /// Replaces the state (seeding tests).
    pub fn set_state(&self, state: State) {
        self.inner.lock().expect("lock").state = state;
    }

    fn timings(&self) -> Timings {
        Timings {
            reg_delay_ms: self.faults.reg_delay.as_millis() as u64,
            provider_delay_ms: self.faults.provider_delay.as_millis() as u64,
            stuck: self.faults.stuck,
        }
    }

    /// Handles one request end to end (tick, route, record, persist).
    pub fn handle(&self, req: EmuRequest) -> routes::EmuResponse {
        let timings = self.timings();
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let inner = &mut *guard;
        // A persisted state is shared with other processes: lock it, and work
        // on what is on disk now, not on what this process read earlier.
        let _lock = match &self.persist {
            Some(p) => match state::StateLock::acquire(p).and_then(|l| Ok((l, State::load(p)?))) {
                Ok((lock, fresh)) => {
                    inner.state = fresh;
                    Some(lock)
                }
                Err(e) => {
                    tracing::warn!("{e}");
                    return routes::error(500, "SandboxStateUnavailable", e);
                }
            },
            None => None,
        };
        let now = state::now_ms();
        inner.state.tick(now, &timings);
        let mut ctx = routes::Ctx {
            state: &mut inner.state,
            faults: &self.faults,
            counters: &mut inner.counters,
            now,
            dirty: false,
        };
        let resp = routes::handle(&mut ctx, &req);
        let dirty = ctx.dirty;
        inner.recorded.push(Recorded {
            method: req.method.clone(),
            path: req.path.clone(),
            api_version: req.query.get("api-version").cloned(),
            body: serde_json::from_slice(&req.body).ok(),
            status: resp.status,
        });
        if dirty {
            if let Some(p) = &self.persist {
                if let Err(e) = inner.state.save(p) {
                    tracing::warn!("sandbox state not saved: {e}");
                }
            }
        }
        resp
    }
}

async fn serve_request(
    AxState(shared): AxState<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    if let Some(rest) = path.strip_prefix("/_emulator/") {
        return control(&shared, &method, rest);
    }
    if !shared.faults.delay.is_zero() {
        tokio::time::sleep(shared.faults.delay).await;
    }
    let query = uri
        .query()
        .map(|q| {
            q.split('&')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_string(), v.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let client_request_id = headers
        .get("x-ms-client-request-id")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let req = EmuRequest {
        method: method.as_str().to_string(),
        path,
        query,
        authorization: headers
            .get("authorization")
            .and_then(|h| h.to_str().ok())
            .map(str::to_string),
        body: body.to_vec(),
        base: format!("http://{host}"),
        if_none_match: headers
            .get("if-none-match")
            .and_then(|h| h.to_str().ok())
            .map(str::to_string),
    };
    let resp = shared.handle(req);
    to_http(resp, client_request_id)
}

fn to_http(resp: routes::EmuResponse, client_request_id: Option<String>) -> Response {
    let status = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder().status(status);
    let corr = uuid::Uuid::new_v4().to_string();
    builder = builder
        .header("x-ms-correlation-request-id", &corr)
        .header("x-ms-request-id", uuid::Uuid::new_v4().to_string());
    if let Some(id) = client_request_id {
        builder = builder.header("x-ms-client-request-id", id);
    }
    for (k, v) in &resp.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let (body, ctype) = match (resp.raw, resp.body) {
        (Some((raw, ctype)), _) => (raw.into_bytes(), ctype),
        (None, Some(v)) => (
            serde_json::to_vec(&v).unwrap_or_default(),
            "application/json; charset=utf-8",
        ),
        (None, None) => (Vec::new(), "application/json; charset=utf-8"),
    };
    if !body.is_empty() {
        builder = builder.header("content-type", ctype);
    }
    if resp.reset {
        // The status line and a few bytes go out; then the body stream fails
        // and hyper aborts the connection mid-body.
        use futures::StreamExt;
        let head = Bytes::from(body[..body.len().min(8)].to_vec());
        let chunks = futures::stream::iter([true, false]).then(move |first| {
            let head = head.clone();
            async move {
                if first {
                    return Ok(head);
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "emulator fault: connection reset mid-body",
                ))
            }
        });
        return builder
            .body(axum::body::Body::from_stream(chunks))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    builder
        .body(axum::body::Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn control(shared: &Shared, method: &Method, rest: &str) -> Response {
    match (method.as_str(), rest) {
        ("GET", "requests") => axum::Json(shared.requests()).into_response(),
        ("DELETE", "requests") => {
            shared.inner.lock().expect("lock").recorded.clear();
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", "state") => axum::Json(shared.state()).into_response(),
        ("POST", r) if r.starts_with("fleet/") => fleet(shared, r),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /_emulator/fleet/{subscriptions}/{clusters}`: clones the first cluster
/// into a fleet ([`graph::clone_fleet`]); answers how many clusters were added.
fn fleet(shared: &Shared, rest: &str) -> Response {
    let mut it = rest.split('/').skip(1).map(str::parse::<usize>);
    let (Some(Ok(subs)), Some(Ok(clusters)), None) = (it.next(), it.next(), it.next()) else {
        return (
            StatusCode::BAD_REQUEST,
            "use /_emulator/fleet/{subscriptions}/{clusters}",
        )
            .into_response();
    };
    let mut guard = shared.inner.lock().expect("lock");
    match graph::clone_fleet(&mut guard.state, subs, clusters) {
        Ok(n) => {
            if let Some(p) = &shared.persist {
                if let Err(e) = guard.state.save(p) {
                    tracing::warn!("sandbox state not saved: {e}");
                }
            }
            axum::Json(serde_json::json!({ "added": n })).into_response()
        }
        Err(m) => (StatusCode::CONFLICT, m).into_response(),
    }
}

/// A running emulator in the current tokio runtime.
pub struct Running {
    pub url: String,
    pub shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

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

impl Running {
    /// Binds 127.0.0.1:`port` and serves in the background of this runtime.
    pub async fn start(port: u16, shared: Shared) -> AppResult<Running> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| {
                AppError::usage("--port", format!("cannot listen on 127.0.0.1:{port}: {e}"))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| AppError::Io(e.to_string()))?;
        let app = axum::Router::new()
            .fallback(serve_request)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Running {
            url: format!("http://{addr}"),
            shared,
            task,
        })
    }

    /// The `--sandbox` instance: persisted state, sandbox timings, faults from
    /// `AKSOS_SANDBOX_FAULTS` if set.
    pub async fn start_sandbox() -> AppResult<Running> {
        let path = sandbox_state_path();
        let state = State::load(&path).map_err(AppError::Io)?;
        let mut faults = Faults::sandbox();
        if let Ok(spec) = std::env::var("AKSOS_SANDBOX_FAULTS") {
            faults = faults
                .parse_onto(&spec)
                .map_err(|m| AppError::usage("AKSOS_SANDBOX_FAULTS", m))?;
        }
        Running::start(0, Shared::new(state, faults, Some(path))).await
    }
}

/// An emulator on its own thread and runtime, for blocking tests.
pub struct Background {
    pub url: String,
    pub shared: Shared,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    pub fn start(faults: Faults) -> Background {
        Background::with_state(State::default(), faults)
    }

    pub fn with_state(state: State, faults: Faults) -> Background {
        let shared = Shared::new(state, faults, None);
        let (tx_url, rx_url) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let sh = shared.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let running = Running::start(0, sh).await.expect("bind emulator");
                tx_url.send(running.url.clone()).expect("send url");
                let _ = stop_rx.await;
                drop(running);
            });
        });
        let url = rx_url.recv().expect("emulator started");
        Background {
            url,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// Requests received that were not test-only, optionally only writes.
    pub fn writes(&self) -> Vec<Recorded> {
        self.shared
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
