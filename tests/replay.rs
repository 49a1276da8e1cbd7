//! Replay tests: aksos against traffic recorded from real Azure by the Azure CLI's
//! own scenario tests (MIT; see tests/fixtures/recordings/SOURCES.md).
//!
//! The emulator is partly a mirror of the client, so it cannot tell us how Azure
//! really answers. These recordings can:
//!
//! * (a) every recorded managedCluster / agentPool / feature / provider /
//!   operation-status / error body parses into aksos's models and serialises back
//!   to the same JSON (unknown fields kept);
//! * recorded long-running operations — an absolute `management.azure.com`
//!   `Azure-AsyncOperation` URL carrying a ~3.3 KB signed query, no
//!   `Retry-After`, intermediate statuses such as `ProvisioningControlPlane` —
//!   are followed to `Succeeded`, at Azure's own cadence (in paused virtual time)
//!   and through the real HTTP client (re-based onto a loopback replay server);
//! * recorded paging (`$skipToken` nextLink, then an empty page) is followed to
//!   the end;
//! * (b) for the same intent, the body aksos builds means what az's body meant,
//!   and aksos sends nothing az did not, except the fields it sets on purpose;
//! * a recorded 404 is shown as Azure's error (exit 4, code, message,
//!   correlation id), not as invalid input.
//!
//! [`Replay`] answers each request from the recording by method, path
//! (case-insensitive, as ARM) and query parameters other than `api-version`,
//! in recorded order, and records what aksos sent.

use aksos::arm::lro::{wait_operation, Cadence};
use aksos::arm::models::{
    AgentPool, Feature, ManagedCluster, OperationStatus, Page, Provider, Terminal,
};
use aksos::arm::{Arm, ArmClient, ArmError, ArmErrorKind, ArmRequest, ArmResponse, Method};
use azure_core::http::Url;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const RG: &str = "clitest000001";
const CLUSTER: &str = "cliakstest000002";

// ---------------------------------------------------------------- fixtures

/// One recorded request and its answer.
#[derive(Debug, Clone, serde::Deserialize)]
struct Interaction {
    request: RecordedRequest,
    response: RecordedResponse,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct RecordedRequest {
    method: String,
    uri: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<Value>,
}

#[derive(Debug, Clone, serde::Deserialize)]
struct RecordedResponse {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Option<Value>,
}

#[derive(Debug, serde::Deserialize)]
struct Recording {
    interactions: Vec<Interaction>,
}

fn load(name: &str) -> Vec<Interaction> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recordings")
        .join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
    let rec: Recording = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{p:?}: {e}"));
    rec.interactions
}

const OSGUARD: &str = "aks_nodepool_add_osguard.json";
const AZURELINUX3: &str = "aks_nodepool_add_azurelinux3.json";
const ALL: &[&str] = &[
    OSGUARD,
    AZURELINUX3,
    "provider_register.json",
    "feature_unregister.json",
];

impl Interaction {
    fn url(&self) -> Url {
        Url::parse(&self.request.uri).expect("recorded URI")
    }
    fn is_operation(&self) -> bool {
        self.url().path().contains("/operations/")
    }
    fn is_pool_put(&self) -> bool {
        self.request.method == "PUT" && self.url().path().contains("/agentPools/")
    }
    fn as_response(&self) -> ArmResponse {
        ArmResponse {
            status: self.response.status,
            headers: self
                .response
                .headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
            body: match &self.response.body {
                Some(b) => serde_json::to_vec(b).unwrap(),
                None => vec![],
            },
        }
    }
}

// ---------------------------------------------------------------- the replay client

/// The matching key: method, lower-cased path, and the decoded query parameters
/// other than `api-version`, sorted. A signed operation URL thus only matches if
/// its `t`, `c`, `s` and `h` came back unchanged.
fn key(method: &str, url: &Url) -> String {
    let mut q: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "api-version")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    q.sort();
    let q: Vec<String> = q.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(
        "{method} {}?{}",
        url.path().to_ascii_lowercase(),
        q.join("&")
    )
}

/// What aksos sent.
#[derive(Debug, Clone)]
struct Sent {
    method: String,
    /// As aksos passed it to the client: relative, or absolute as Azure returned it.
    path: String,
    body: Option<Value>,
    /// Virtual (or real) time of sending.
    at: tokio::time::Instant,
}

/// An [`ArmClient`] that answers from a recording.
struct Replay {
    base: String,
    answers: Mutex<HashMap<String, VecDeque<ArmResponse>>>,
    sent: Mutex<Vec<Sent>>,
}

impl Replay {
    fn new(interactions: &[Interaction]) -> Arc<Replay> {
        let mut answers: HashMap<String, VecDeque<ArmResponse>> = HashMap::new();
        for i in interactions {
            answers
                .entry(key(&i.request.method, &i.url()))
                .or_default()
                .push_back(i.as_response());
        }
        Arc::new(Replay {
            base: "http://127.0.0.1:9".into(),
            answers: Mutex::new(answers),
            sent: Mutex::new(vec![]),
        })
    }

    /// Answers one request; an unrecorded one is a 599 the test will notice.
    fn answer(&self, method: &str, url: &Url) -> ArmResponse {
        let k = key(method, url);
        let mut answers = self.answers.lock().unwrap();
        match answers.get_mut(&k).and_then(VecDeque::pop_front) {
            Some(r) => r,
            None => ArmResponse {
                status: 599,
                headers: Default::default(),
                body: format!("no recorded answer left for {k}").into_bytes(),
            },
        }
    }

    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().clone()
    }

    fn unused(&self) -> usize {
        self.answers
            .lock()
            .unwrap()
            .values()
            .map(VecDeque::len)
            .sum()
    }
}

#[async_trait::async_trait]
impl ArmClient for Replay {
    async fn send(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
        self.sent.lock().unwrap().push(Sent {
            method: req.method.as_str().into(),
            path: req.path.clone(),
            body: req.body.clone(),
            at: tokio::time::Instant::now(),
        });
        // Absolute URLs from Azure are used as given (the HTTP client re-bases
        // them onto its endpoint, keeping path and query); relative paths go
        // under the base.
        let url = if req.path.starts_with("https://") || req.path.starts_with("http://") {
            Url::parse(&req.path)
        } else {
            Url::parse(&format!("{}{}", self.base, req.path))
        }
        .map_err(|e| {
            ArmError::new(ArmErrorKind::Protocol, &req.context)
                .with_message("BadUrl", e.to_string())
        })?;
        Ok(self.answer(req.method.as_str(), &url))
    }

    fn base_url(&self) -> &str {
        &self.base
    }
}

fn arm(replay: &Arc<Replay>) -> Arm {
    Arm::new(replay.clone(), SUB)
}

// ---------------------------------------------------------------- (a) lossless parsing

/// Parses `v` as `T`, serialises it back, and requires the same JSON.
fn round_trip<T: DeserializeOwned + Serialize>(v: &Value, what: &str) {
    let t: T = serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("{what}: does not parse: {e}\n{v}"));
    let back = serde_json::to_value(&t).unwrap();
    assert_eq!(
        &back, v,
        "{what}: lost or changed something on the way back"
    );
}

/// The model a recorded body belongs to, from its URL.
fn model_of(method: &str, url: &Url, status: u16) -> &'static str {
    let path = url.path().to_ascii_lowercase();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if status >= 400 {
        "error"
    } else if path.contains("/operations/") {
        "operation"
    } else if path.contains("/microsoft.features/") {
        "feature"
    } else if segs.last() == Some(&"agentpools") {
        "pool page"
    } else if path.contains("/agentpools/") {
        "pool"
    } else if path.contains("/managedclusters/") {
        "cluster"
    } else if segs.len() == 4 && segs[2] == "providers" || path.ends_with("/register") {
        "provider"
    } else {
        panic!("no model for {method} {url}")
    }
}

fn check_lossless(model: &str, v: &Value, what: &str) {
    match model {
        "error" => round_trip::<aksos::arm::error::ErrorResponse>(v, what),
        "operation" => round_trip::<OperationStatus>(v, what),
        "feature" => round_trip::<Feature>(v, what),
        "pool page" => round_trip::<Page<AgentPool>>(v, what),
        "pool" => round_trip::<AgentPool>(v, what),
        "cluster" => round_trip::<ManagedCluster>(v, what),
        "provider" => round_trip::<Provider>(v, what),
        _ => unreachable!(),
    }
}

#[test]
fn every_recorded_body_parses_and_round_trips_losslessly() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for file in ALL {
        for (n, i) in load(file).iter().enumerate() {
            let url = i.url();
            let model = model_of(&i.request.method, &url, i.response.status);
            if let Some(body) = &i.response.body {
                check_lossless(model, body, &format!("{file} #{n} response ({model})"));
                *seen.entry(model).or_default() += 1;
            }
            // az's request bodies are resources too: aksos reads them as well.
            if let Some(body) = &i.request.body {
                check_lossless(model, body, &format!("{file} #{n} request ({model})"));
                *seen.entry("az request body").or_default() += 1;
            }
        }
    }
    for model in [
        "cluster",
        "pool",
        "pool page",
        "operation",
        "feature",
        "provider",
        "error",
        "az request body",
    ] {
        assert!(
            seen.get(model).copied().unwrap_or(0) > 0,
            "no {model} in {seen:?}"
        );
    }
}

#[test]
fn recorded_server_defaults_are_read_through_the_typed_fields() {
    let rec = load(OSGUARD);
    let get = rec
        .iter()
        .rfind(|i| i.request.method == "GET" && i.url().path().ends_with(CLUSTER))
        .unwrap();
    let mc: ManagedCluster = serde_json::from_value(get.response.body.clone().unwrap()).unwrap();
    assert_eq!(mc.kubernetes_version(), Some("1.32.6"), "current wins");
    assert_eq!(mc.node_os_upgrade_channel(), Some("NodeImage"));
    assert_eq!(
        mc.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    for field in ["nodeResourceGroup", "supportPlan", "powerState"] {
        assert!(mc.properties.extra.contains_key(field), "{field} kept");
    }
    assert!(
        mc.extra.contains_key("eTag") && mc.sku.as_ref().and_then(|s| s.tier.as_deref()).is_some()
    );
    let pool = rec
        .iter()
        .rfind(|i| i.url().path().ends_with("/c000004"))
        .unwrap();
    let pool: AgentPool = serde_json::from_value(pool.response.body.clone().unwrap()).unwrap();
    let p = &pool.properties;
    assert_eq!(p.os_sku.as_deref(), Some("AzureLinuxOSGuard"));
    assert_eq!(p.os_disk_type.as_deref(), Some("Managed"));
    assert_eq!(p.max_pods, Some(250));
    assert_eq!(p.current_orchestrator_version.as_deref(), Some("1.32.6"));
    assert_eq!(p.enable_fips, Some(true));
    assert!(p.os_disk_size_gb.is_some(), "osDiskSizeGB read");
    for field in ["nodeImageVersion", "powerState", "eTag"] {
        assert!(p.extra.contains_key(field), "{field} kept");
    }
}

// ---------------------------------------------------------------- LROs and paging

/// The recorded Azure-AsyncOperation URL of the PUT matching `pred`.
fn operation_url(rec: &[Interaction], pred: impl Fn(&Interaction) -> bool) -> String {
    let put = rec.iter().find(|i| pred(i)).expect("recorded PUT");
    assert!(!put.response.headers.contains_key("retry-after"));
    put.response.headers["azure-asyncoperation"].clone()
}

#[test]
fn recorded_operation_urls_are_absolute_signed_and_carry_no_retry_after() {
    for file in [OSGUARD, AZURELINUX3] {
        for i in load(file).iter().filter(|i| i.request.method == "PUT") {
            let op = Url::parse(&i.response.headers["azure-asyncoperation"]).unwrap();
            assert_eq!(op.host_str(), Some("management.azure.com"), "{file}");
            let names: Vec<String> = op.query_pairs().map(|(k, _)| k.into_owned()).collect();
            assert_eq!(names, ["api-version", "t", "c", "s", "h"], "{file}");
            assert!(
                op.query().unwrap().len() > 3000,
                "{file}: the signed query is long"
            );
            assert!(!i.response.headers.contains_key("retry-after"), "{file}");
            assert_eq!(i.response.status, 201, "{file}: a create answers 201");
        }
    }
}

/// A cluster PUT as aksos sends it (its own path and api-version), answered from
/// the recording, then the recorded operation followed to Succeeded at the
/// cadence aksos uses against Azure, in paused virtual time.
#[tokio::test(start_paused = true)]
async fn recorded_cluster_create_is_followed_to_succeeded_at_azures_cadence() {
    let rec = load(OSGUARD);
    let op_url = operation_url(&rec, |i| {
        i.request.method == "PUT" && i.url().path().ends_with(CLUSTER)
    });
    let wanted: Vec<&Interaction> = rec
        .iter()
        .filter(|i| {
            (i.request.method == "PUT" && i.url().path().ends_with(CLUSTER))
                || i.request.uri == op_url
        })
        .collect();
    let recorded_states: Vec<String> = wanted
        .iter()
        .filter(|i| i.is_operation())
        .map(|i| {
            i.response.body.as_ref().unwrap()["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(recorded_states.len() >= 3, "{recorded_states:?}");
    let replay = Replay::new(&wanted.into_iter().cloned().collect::<Vec<_>>());
    let arm = arm(&replay);

    let req = arm
        .get_cluster_request(RG, CLUSTER)
        .with_body(serde_json::json!({"location": "eastus2euap"}));
    let req = ArmRequest {
        method: Method::Put,
        ..req
    };
    let accepted = arm.put::<ManagedCluster>(&req).await.expect("recorded 201");
    assert_eq!(accepted.status, 201);
    assert_eq!(accepted.retry_after, None, "Azure sent no Retry-After");
    let poll = accepted.poll_url.expect("Azure-AsyncOperation");
    assert_eq!(poll, op_url);

    let start = tokio::time::Instant::now();
    let mut states = vec![];
    let op = wait_operation(
        &arm,
        &poll,
        "create cluster",
        accepted.retry_after,
        Cadence::REMOTE,
        |p| states.push(p.state.clone()),
    )
    .await
    .expect("operation succeeds");
    assert_eq!(op.terminal(), Some(Terminal::Succeeded));
    assert_eq!(
        states, recorded_states,
        "every intermediate status reported"
    );
    assert_eq!(replay.unused(), 0, "every recorded answer used");

    // What was sent: the PUT, then the signed URL exactly as Azure gave it.
    let sent = replay.sent();
    assert_eq!(sent[0].method, "PUT");
    assert!(sent[0].body.is_some(), "the PUT carried its body");
    let polls: Vec<&Sent> = sent[1..].iter().collect();
    assert!(polls.iter().all(|s| s.method == "GET" && s.path == op_url));
    // No Retry-After: the first poll waits the cadence's first step, later ones
    // back off, and no wait exceeds the cadence's cap (bounded for Azure).
    let mut last = start;
    for (n, s) in polls.iter().enumerate() {
        let waited = s.at - last;
        if n == 0 {
            assert_eq!(waited, Cadence::REMOTE.first);
        }
        assert!(waited >= Cadence::REMOTE.first && waited <= Cadence::REMOTE.max);
        last = s.at;
    }
    let total = last - start;
    assert!(
        total <= Cadence::REMOTE.max * polls.len() as u32,
        "bounded: {total:?} for {} polls",
        polls.len()
    );
}

#[tokio::test]
async fn recorded_agent_pool_paging_is_followed_to_the_trailing_empty_page() {
    let rec = load(OSGUARD);
    let pages: Vec<Interaction> = rec
        .iter()
        .filter(|i| i.request.method == "GET" && i.url().path().ends_with("/agentPools"))
        .cloned()
        .collect();
    assert_eq!(pages.len(), 2);
    let next = pages[0].response.body.as_ref().unwrap()["nextLink"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(next.contains("%24skipToken="), "{next}");
    let replay = Replay::new(&pages);
    let pools = arm(&replay).list_pools(RG, CLUSTER).await.expect("pages");
    assert_eq!(pools.len(), 1);
    assert_eq!(pools[0].name.as_deref(), Some("c000003"));
    let sent = replay.sent();
    assert_eq!(sent.len(), 2, "first page, then the empty page: {sent:?}");
    assert_eq!(sent[1].path, next, "the nextLink is followed as given");
    assert_eq!(replay.unused(), 0);
}

// ---------------------------------------------------------------- through the real HTTP client

/// Serves a [`Replay`] over loopback HTTP, so the real client (azure_core
/// pipeline, URL re-basing, header parsing) meets the recorded answers.
async fn serve(replay: Arc<Replay>) -> (String, tokio::task::JoinHandle<()>) {
    use axum::body::Bytes;
    use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
    use axum::response::{IntoResponse, Response};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handler = move |method: axum::http::Method, uri: Uri, body: Bytes| {
        let replay = replay.clone();
        async move {
            let url = Url::parse(&format!("http://replay{uri}")).unwrap();
            replay.sent.lock().unwrap().push(Sent {
                method: method.to_string(),
                path: uri.to_string(),
                body: serde_json::from_slice(&body).ok(),
                at: tokio::time::Instant::now(),
            });
            let r = replay.answer(method.as_str(), &url);
            let mut resp: Response =
                (StatusCode::from_u16(r.status).unwrap(), r.body).into_response();
            for (k, v) in &r.headers {
                if k == "content-length" || k == "transfer-encoding" {
                    continue; // the server frames the body itself
                }
                resp.headers_mut().insert(
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                );
            }
            resp
        }
    };
    let app = axum::Router::new().fallback(handler);
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (base, task)
}

fn http_arm(base: &str) -> Arm {
    use aksos::arm::http::{PipelineClient, RetrySettings};
    let client = PipelineClient::new(
        Url::parse(base).unwrap(),
        Arc::new(aksos::auth::StaticToken::new("t".into())),
        "https://management.azure.com/.default".into(),
        RetrySettings::LOCAL,
        Duration::from_secs(30),
    );
    Arm::new(Arc::new(client), SUB)
}

const QUICK: Cadence = Cadence {
    first: Duration::from_millis(1),
    max: Duration::from_millis(5),
};

#[tokio::test]
async fn the_http_client_follows_a_recorded_pool_create_and_paging_onto_its_own_endpoint() {
    let rec = load(OSGUARD);
    let op_url = operation_url(&rec, Interaction::is_pool_put);
    let wanted: Vec<Interaction> = rec
        .iter()
        .filter(|i| {
            i.is_pool_put()
                || i.request.uri == op_url
                || i.url().path().ends_with("/agentPools/c000004")
                || i.url().path().ends_with("/agentPools")
        })
        .cloned()
        .collect();
    let replay = Replay::new(&wanted);
    let (base, server) = serve(replay.clone()).await;
    let arm = http_arm(&base);

    let recorded_put = rec.iter().find(|i| i.is_pool_put()).unwrap();
    let req = ArmRequest::new(
        Method::Put,
        aksos::arm::ops::paths::pool(SUB, RG, CLUSTER, "c000004", "2026-08-02-preview"),
        "create node pool",
    )
    .with_body(recorded_put.request.body.clone().unwrap());
    let accepted = arm.put::<AgentPool>(&req).await.expect("recorded 201");
    let poll = accepted.poll_url.expect("Azure-AsyncOperation");
    assert!(poll.starts_with("https://management.azure.com/"), "{poll}");
    let mut states = vec![];
    let op = wait_operation(&arm, &poll, "create pool", None, QUICK, |p| {
        states.push(p.state.clone())
    })
    .await
    .expect("operation succeeds through the real client");
    assert_eq!(op.terminal(), Some(Terminal::Succeeded));
    assert_eq!(states.last().map(String::as_str), Some("Succeeded"));
    assert!(
        states.iter().any(|s| s.starts_with("CreatingAgentPool")),
        "{states:?}"
    );

    let pool = arm.get_pool(RG, CLUSTER, "c000004").await.unwrap().unwrap();
    assert_eq!(
        pool.properties.provisioning_state.as_deref(),
        Some("Succeeded")
    );
    let pools = arm.list_pools(RG, CLUSTER).await.expect("both pages");
    assert_eq!(pools.len(), 1);
    assert_eq!(replay.unused(), 0, "every recorded answer used");

    // On the wire: the signed query arrived byte for byte, re-based onto the
    // client's own endpoint; the nextLink's $skipToken too.
    let op = Url::parse(&op_url).unwrap();
    let want = format!("{}?{}", op.path(), op.query().unwrap());
    let polls: Vec<Sent> = replay
        .sent()
        .into_iter()
        .filter(|s| s.path.contains("/operations/"))
        .collect();
    assert!(!polls.is_empty());
    assert!(
        polls.iter().all(|s| s.path == want),
        "signed query unchanged"
    );
    assert!(replay
        .sent()
        .iter()
        .any(|s| s.path.contains("agentPools?%24skipToken=3144536")));
    server.abort();
}

// ---------------------------------------------------------------- (b) same intent, same meaning

/// aksos's node pool body and api-version for an `aksos nodepool add` line.
fn aksos_pool_body(args: &str) -> (Value, &'static str) {
    use aksos::cli::{Cli, Command, NodepoolCommand};
    use clap::Parser;
    let line: Vec<&str> = ["aksos", "nodepool", "add", "-g", RG, "--cluster", CLUSTER]
        .into_iter()
        .chain(args.split_whitespace())
        .collect();
    let cli = Cli::try_parse_from(line).expect("flags parse");
    let Command::Nodepool(NodepoolCommand::Add(a)) = &cli.command else {
        unreachable!()
    };
    let (req, _) = a
        .fields
        .check(aksos::core::preflight::pool)
        .expect("preflight accepts");
    (
        serde_json::to_value(req.body()).unwrap(),
        req.pool.api_version(),
    )
}

/// The value at a dotted path.
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// Every leaf path of a JSON object ("properties.securityProfile.enableVTPM").
fn leaves(v: &Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                leaves(v, &p, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

/// What a field means when a body leaves it out (Azure's default).
fn meaning(v: Option<&Value>, path: &str) -> Value {
    match v {
        Some(v) => v.clone(),
        None if path.ends_with("enableFIPS")
            || path.ends_with("enableSecureBoot")
            || path.ends_with("enableVTPM") =>
        {
            Value::Bool(false)
        }
        None => Value::Null,
    }
}

/// Fields aksos sets on purpose although az's recorded body left them out,
/// with why; each must equal what Azure answered for az's request.
const DELIBERATE: &[(&str, &str)] = &[(
    "properties.osDiskType",
    "the catalog requires a managed OS disk for OS Guard; Azure chose Managed for az too",
)];

/// Compares aksos's body for `args` with az's recorded body for the same intent.
fn same_meaning(file: &str, args: &str, fields: &[&str]) {
    let rec = load(file);
    let put = rec
        .iter()
        .find(|i| i.is_pool_put())
        .expect("recorded pool PUT");
    let az = put.request.body.clone().unwrap();
    let azure = put.response.body.clone().unwrap();
    let (ours, api) = aksos_pool_body(args);
    for f in fields {
        assert_eq!(
            meaning(at(&ours, f), f),
            meaning(at(&az, f), f),
            "{file}: {f} differs from az's body\naksos: {ours}\naz: {az}"
        );
    }
    // Nothing az did not send, unless deliberate, and then Azure agrees.
    let mut ours_paths = vec![];
    leaves(&ours, "", &mut ours_paths);
    for p in ours_paths {
        if at(&az, &p).is_some() {
            continue;
        }
        let why = DELIBERATE.iter().find(|(d, _)| *d == p);
        assert!(
            why.is_some(),
            "{file}: aksos sends {p} = {}, which az did not send",
            at(&ours, &p).unwrap()
        );
        assert_eq!(
            at(&ours, &p),
            at(&azure, &p),
            "{file}: {p}: {}",
            why.unwrap().1
        );
    }
    // Both send the SKU at the channel Azure's own client uses.
    let az_api = put
        .url()
        .query_pairs()
        .find(|(k, _)| k == "api-version")
        .unwrap()
        .1
        .into_owned();
    // A SKU behind a preview feature goes at a preview api-version, as az's does.
    let sku = at(&ours, "properties.osSKU")
        .and_then(Value::as_str)
        .unwrap();
    let gated = aksos::core::catalog::find(sku).is_some_and(|s| s.feature_flag.is_some());
    if gated {
        assert!(az_api.ends_with("-preview"), "{file}: az sent {az_api}");
        assert!(
            api.ends_with("-preview"),
            "{file}: aksos sends {api}, az {az_api}"
        );
    }
}

#[test]
fn os_guard_pool_body_means_what_az_sent() {
    same_meaning(
        OSGUARD,
        "-n c000004 --os-sku AzureLinuxOSGuard --node-vm-size Standard_D2s_v5 --node-count 3",
        &[
            "properties.osSKU",
            "properties.osType",
            "properties.vmSize",
            "properties.count",
            "properties.mode",
            "properties.type",
            "properties.enableFIPS",
            "properties.securityProfile.enableSecureBoot",
            "properties.securityProfile.enableVTPM",
        ],
    );
    let (_, api) = aksos_pool_body("-n c000004 --os-sku AzureLinuxOSGuard");
    assert!(
        api.ends_with("-preview"),
        "OS Guard goes at a preview api-version: {api}"
    );
    // az named the feature in a header; aksos registers the same feature first.
    let rec = load(OSGUARD);
    let put = rec.iter().find(|i| i.is_pool_put()).unwrap();
    let header = &put.request.headers["AKSHTTPCustomFeatures"];
    let flag = aksos::core::catalog::find("AzureLinuxOSGuard")
        .unwrap()
        .feature_flag
        .unwrap();
    assert_eq!(
        header,
        &format!("{}/{flag}", aksos::core::catalog::FEATURE_NAMESPACE)
    );
}

#[test]
fn azure_linux_3_pool_body_means_what_az_sent() {
    same_meaning(
        AZURELINUX3,
        "-n c000004 --os-sku AzureLinux3 --node-count 3",
        &[
            "properties.osSKU",
            "properties.osType",
            "properties.count",
            "properties.mode",
            "properties.type",
            "properties.enableFIPS",
            "properties.securityProfile.enableSecureBoot",
            "properties.securityProfile.enableVTPM",
        ],
    );
}

// ---------------------------------------------------------------- item 7: Azure's 404

#[tokio::test]
async fn a_recorded_404_on_cluster_show_is_azures_error_with_code_and_correlation_id() {
    use aksos::cli::{Cli, Command};
    use clap::Parser;
    let rec = load(OSGUARD);
    let mut not_found = rec
        .iter()
        .find(|i| i.response.status == 404)
        .cloned()
        .expect("recorded 404");
    assert_eq!(not_found.response.headers["x-ms-failure-cause"], "gateway");
    // The Azure CLI test framework strips correlation ids from recordings; put
    // one back so that the test sees what Azure sends.
    not_found.response.headers.insert(
        "x-ms-correlation-request-id".into(),
        "6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f".into(),
    );
    let replay = Replay::new(&[not_found]);
    let cli = Cli::try_parse_from(["aksos", "cluster", "show", "-g", RG, "-n", CLUSTER]).unwrap();
    let Command::Cluster(c) = &cli.command else {
        unreachable!()
    };
    let ui = aksos::io::output::Ui::detect(aksos::io::output::Format::Text, true);
    let factory = aksos::cmd::factory::Factory::with_arm(ui, arm(&replay));
    let err = aksos::cmd::cluster::run(c, None, &factory)
        .await
        .expect_err("404");
    assert_eq!(err.exit_code(), aksos::error::exit::AZURE, "{err}");
    let text = err.to_string();
    for needle in [
        "HTTP 404",
        "code: ResourceNotFound",
        "was not found",
        "correlation id: 6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

// ---------------------------------------------------------------- the emulator's preview gate

#[test]
fn the_emulators_preview_gate_speaks_azures_words() {
    use aksos::emulator::routes::EmuRequest;
    use aksos::emulator::{faults::Faults, state::State, Shared};
    let shared = Shared::new(State::default(), Faults::instant(), None);
    let (body, api) = aksos_pool_body("-n guard --os-sku AzureLinuxOSGuard");
    let mut cluster = serde_json::json!({
        "location": "eastus",
        "identity": {"type": "SystemAssigned"},
        "properties": {"dnsPrefix": "c1", "agentPoolProfiles": [body["properties"].clone()]}
    });
    cluster["properties"]["agentPoolProfiles"][0]["name"] = "guard".into();
    cluster["properties"]["agentPoolProfiles"][0]["mode"] = "System".into();
    let resp = shared.handle(EmuRequest {
        method: "PUT".into(),
        path: format!("/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1"),
        query: [("api-version".to_string(), api.to_string())].into(),
        authorization: Some("Bearer t".into()),
        body: serde_json::to_vec(&cluster).unwrap(),
        base: "http://127.0.0.1:1".into(),
        if_none_match: None,
        if_match: None,
    });
    let body = resp.body.expect("error body");
    assert_eq!(resp.status, 400, "{body}");
    assert_eq!(
        body["error"]["code"], "PreviewFeatureNotRegistered",
        "{body}"
    );
    assert_eq!(
        body["error"]["message"],
        "Preview feature Microsoft.ContainerService/AzureLinuxOSGuardPreview not registered."
    );
}
