//! The emulator's request handling: routing ARM paths (case-insensitively),
//! the checks Azure makes (bearer token, api-version, names, body shape, preview
//! gate, one operation per cluster, parent exists), and the answers ARM gives
//! (bodies, `Azure-AsyncOperation`/`Location`/`Retry-After`, error bodies).
//! Pure over [`State`]: the HTTP server in `mod.rs` feeds it and applies delays.

use super::azure;
use super::faults::Faults;
use super::rules::{self, Minor, Need, FEATURE_NAMESPACE, PROVIDER_NAMESPACE};
use super::schema;
use super::spec::{self, Root};
use super::state::{key, sync_profiles, ClusterRec, FeatureRec, OpKind, OpRec, ProviderRec, State};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub struct EmuRequest {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
    /// `scheme://host:port` the client used, for URLs we hand back.
    pub base: String,
    /// The `If-None-Match` header (`*` on a create-only PUT).
    pub if_none_match: Option<String>,
    /// The `If-Match` header (an eTag, or `*`).
    pub if_match: Option<String>,
}

/// A response before it becomes HTTP.
#[derive(Debug, Clone)]
pub struct EmuResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    /// Raw body instead of JSON (fault injection).
    pub raw: Option<(String, &'static str)>,
    /// Break the connection after a few bytes of the body (fault injection).
    pub reset: bool,
}

impl EmuResponse {
    pub fn json(status: u16, body: Value) -> Self {
        EmuResponse {
            status,
            headers: vec![],
            body: Some(body),
            raw: None,
            reset: false,
        }
    }
    fn empty(status: u16) -> Self {
        EmuResponse {
            status,
            headers: vec![],
            body: None,
            raw: None,
            reset: false,
        }
    }
    fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        self.headers.push((k.to_string(), v.into()));
        self
    }
    /// The `ETag` header ARM sends with a resource (the body's eTag, quoted as
    /// RFC 9110 writes a strong validator); nothing when there is none.
    fn etag(self, etag: Option<&str>) -> Self {
        match etag.filter(|e| !e.is_empty()) {
            Some(e) => self.header("ETag", format!("\"{}\"", e.trim_matches('"'))),
            None => self,
        }
    }
    /// `Retry-After` only when a fault asks for one (AKS sends none).
    fn op_retry_after(self, secs: Option<u64>) -> Self {
        match secs {
            Some(s) => self.header("Retry-After", s.to_string()),
            None => self,
        }
    }
}

/// An ARM error response.
pub fn error(status: u16, code: &str, message: impl Into<String>) -> EmuResponse {
    EmuResponse::json(
        status,
        json!({"error": {"code": code, "message": message.into()}}),
    )
}

fn error_target(status: u16, code: &str, message: impl Into<String>, target: &str) -> EmuResponse {
    EmuResponse::json(
        status,
        json!({"error": {"code": code, "message": message.into(), "target": target}}),
    )
}

/// Counters for counted faults; lives beside the state.
#[derive(Debug, Default)]
pub struct FaultCounters {
    pub seen: u32,
    pub throttled: u32,
    pub errored: u32,
    pub malformed: u32,
    pub html: u32,
    pub resets: u32,
    pub conflicts: u32,
    /// Resource Graph's per-user quota window.
    pub graph: super::graph::Quota,
}

/// Kubernetes versions the emulated region offers: (version, patches, default, preview, LTS).
const K8S: &[(&str, &[&str], bool, bool, bool)] = &[
    ("1.32", &["1.32.9"], false, false, true),
    ("1.33", &["1.33.5"], false, false, false),
    ("1.34", &["1.34.2", "1.34.3"], false, false, false),
    ("1.35", &["1.35.1", "1.35.2"], true, false, false),
    ("1.36", &["1.36.0", "1.36.1"], false, false, false),
    ("1.37", &["1.37.0"], false, true, false),
];

/// Features the emulated Microsoft.ContainerService knows ([`rules::features`]).
fn known_feature(ns: &str, name: &str) -> Option<String> {
    if !ns.eq_ignore_ascii_case(FEATURE_NAMESPACE) {
        return None;
    }
    rules::features()
        .find(|f| f.eq_ignore_ascii_case(name))
        .map(str::to_string)
}

const KNOWN_PROVIDERS: &[&str] = &[
    "Microsoft.ContainerService",
    "Microsoft.Features",
    "Microsoft.Compute",
    "Microsoft.Network",
];

/// Everything the handler needs besides the request.
pub struct Ctx<'a> {
    pub state: &'a mut State,
    pub faults: &'a Faults,
    pub counters: &'a mut FaultCounters,
    pub now: u64,
    /// Set when the handler changed state that should be saved.
    pub dirty: bool,
}

/// Handles one request.
pub fn handle(ctx: &mut Ctx, req: &EmuRequest) -> EmuResponse {
    if let Some(resp) = inject_fault(ctx, req) {
        return resp;
    }
    match req.authorization.as_deref() {
        Some(h)
            if h.len() > 7
                && h[..7].eq_ignore_ascii_case("bearer ")
                && !h[7..].trim().is_empty() => {}
        Some(_) => {
            return error(
                401,
                "InvalidAuthenticationToken",
                "The access token is invalid.",
            )
        }
        None => {
            return error(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
            )
        }
    }
    // ARM decodes each path segment (`rg%281%29` is resource group `rg(1)`).
    let decoded: Vec<String> = req
        .path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(|s| s.as_str()).collect();
    let Some(api) = req.query.get("api-version").cloned() else {
        return error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        );
    };
    let resp = match super::graph::route(ctx, req, &l, &api)
        .or_else(|| super::compute::route(ctx.state, req, &l, &api))
    {
        Some(resp) => resp,
        None => route(ctx, req, &segs, &l, &api),
    };
    maybe_malform(ctx, req, resp)
}

/// `%XX` escapes of one path segment decoded; a malformed escape or non-UTF-8
/// result leaves the segment as sent (it then matches no name rule).
fn percent_decode(seg: &str) -> String {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| b.get(i + 1..i + 3))
            .flatten()
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(v) => {
                out.push(v);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| seg.to_string())
}

fn inject_fault(ctx: &mut Ctx, _req: &EmuRequest) -> Option<EmuResponse> {
    let f = ctx.faults;
    let c = &mut *ctx.counters;
    c.seen += 1;
    if c.html < f.html {
        c.html += 1;
        return Some(EmuResponse {
            status: 502,
            headers: vec![],
            body: None,
            raw: Some((
                "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
                    .into(),
                "text/html",
            )),
            reset: false,
        });
    }
    if c.throttled < f.throttle {
        c.throttled += 1;
        return Some(
            error(
                429,
                "TooManyRequests",
                "The request is being throttled. Retry after the time in Retry-After.",
            )
            .header("Retry-After", f.retry_after.to_string()),
        );
    }
    if c.errored < f.error {
        c.errored += 1;
        return Some(
            error(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable.",
            )
            .header("Retry-After", f.retry_after.to_string()),
        );
    }
    if c.resets < f.reset {
        c.resets += 1;
        return Some(EmuResponse {
            reset: true,
            ..EmuResponse::json(200, json!({"properties": {"state": "Registered"}}))
        });
    }
    if f.expire_after.is_some_and(|n| c.seen > n) {
        return Some(error(
            401,
            "ExpiredAuthenticationToken",
            "The access token expiry UTC time is earlier than current UTC time.",
        ));
    }
    None
}

fn maybe_malform(ctx: &mut Ctx, req: &EmuRequest, resp: EmuResponse) -> EmuResponse {
    if req.method == "GET" && resp.status == 200 && ctx.counters.malformed < ctx.faults.malformed {
        ctx.counters.malformed += 1;
        return EmuResponse {
            raw: Some(("{\"properties\": {\"state\": ".into(), "application/json")),
            body: None,
            ..resp
        };
    }
    resp
}

fn not_found_route(req: &EmuRequest) -> EmuResponse {
    error(
        404,
        "NotFound",
        format!("No route for {} {} in the emulator.", req.method, req.path),
    )
}

fn check_api(api: &str, allowed: &[&str], ns: &str) -> Option<EmuResponse> {
    if allowed.contains(&api) {
        None
    } else {
        Some(error(
            400,
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{api}' is invalid for {ns}. The supported versions are '{}'.",
                allowed.join(",")
            ),
        ))
    }
}

fn method_not_allowed(req: &EmuRequest) -> EmuResponse {
    error(
        405,
        "MethodNotAllowed",
        format!("The method {} is not allowed here.", req.method),
    )
}

fn route(ctx: &mut Ctx, req: &EmuRequest, segs: &[&str], l: &[&str], api: &str) -> EmuResponse {
    if l.len() < 2 || l[0] != "subscriptions" {
        return not_found_route(req);
    }
    let sub = segs[1];
    match &l[2..] {
        ["providers", "microsoft.features", "providers", _, "features"] => {
            if let Some(e) = check_api(api, schema::FEATURES_VERSIONS, "Microsoft.Features") {
                return e;
            }
            list_features(ctx, sub, segs[5])
        }
        ["providers", "microsoft.features", "features"] => {
            if let Some(e) = check_api(api, schema::FEATURES_VERSIONS, "Microsoft.Features") {
                return e;
            }
            list_features(ctx, sub, FEATURE_NAMESPACE)
        }
        ["providers", "microsoft.features", "providers", _, "features", _, rest @ ..] => {
            if let Some(e) = check_api(api, schema::FEATURES_VERSIONS, "Microsoft.Features") {
                return e;
            }
            feature_op(ctx, req, sub, segs[5], segs[7], rest)
        }
        ["providers", "microsoft.containerservice", "managedclusters"] => {
            if let Some(e) = check_api(api, spec::AKS_VERSIONS, "Microsoft.ContainerService") {
                return e;
            }
            list_clusters(ctx, req, sub, None)
        }
        ["providers", "microsoft.containerservice", "locations", location, "kubernetesversions"] => {
            if let Some(e) = check_api(api, spec::AKS_VERSIONS, "Microsoft.ContainerService") {
                return e;
            }
            if !super::regions::served(location) {
                return super::regions::not_available(location);
            }
            kubernetes_versions()
        }
        ["providers", "microsoft.containerservice", "locations", _, kind, _]
            if *kind == "operations" || *kind == "operationresults" =>
        {
            operation_status(ctx, req, segs[7], *kind == "operationresults")
        }
        ["providers", _] | ["providers", _, "register"] => {
            if let Some(e) = check_api(api, schema::PROVIDER_VERSIONS, "Microsoft.Resources") {
                return e;
            }
            provider_op(ctx, req, sub, segs[3], l.len() == 5)
        }
        ["resourcegroups", _, "providers", "microsoft.containerservice", "managedclusters", rest @ ..] =>
        {
            if let Some(e) = check_api(api, spec::AKS_VERSIONS, "Microsoft.ContainerService") {
                return e;
            }
            let rg = segs[3];
            if !schema::valid_resource_group(rg) {
                return error_target(
                    400,
                    "InvalidResourceGroupName",
                    format!("Resource group name '{rg}' is invalid."),
                    "resourceGroupName",
                );
            }
            cluster_routes(ctx, req, sub, rg, &segs[7..], rest, api)
        }
        _ => not_found_route(req),
    }
}

// ---------------------------------------------------------------- features

fn feature_body(sub: &str, f: &FeatureRec) -> Value {
    json!({
        "id": format!("/subscriptions/{sub}/providers/Microsoft.Features/providers/{}/features/{}", f.namespace, f.name),
        "name": format!("{}/{}", f.namespace, f.name),
        "type": "Microsoft.Features/providers/features",
        "properties": {"state": f.state}
    })
}

fn feature_rec<'a>(
    ctx: &'a mut Ctx,
    sub: &str,
    ns: &str,
    name: &str,
) -> Option<&'a mut FeatureRec> {
    let canonical = known_feature(ns, name)?;
    let k = key(&[sub, ns, name]);
    Some(ctx.state.features.entry(k).or_insert_with(|| FeatureRec {
        namespace: FEATURE_NAMESPACE.to_string(),
        name: canonical,
        state: "NotRegistered".into(),
        since_ms: 0,
        registered_ms: None,
    }))
}

fn list_features(ctx: &mut Ctx, sub: &str, ns: &str) -> EmuResponse {
    let names: Vec<&str> = rules::features().collect();
    let mut value = vec![];
    if ns.eq_ignore_ascii_case(FEATURE_NAMESPACE) {
        for n in names {
            if let Some(f) = feature_rec(ctx, sub, ns, n) {
                let f = f.clone();
                value.push(feature_body(sub, &f));
            }
        }
    }
    EmuResponse::json(200, json!({"value": value}))
}

fn feature_op(
    ctx: &mut Ctx,
    req: &EmuRequest,
    sub: &str,
    ns: &str,
    name: &str,
    rest: &[&str],
) -> EmuResponse {
    let now = ctx.now;
    let Some(f) = feature_rec(ctx, sub, ns, name) else {
        return error(
            404,
            "FeatureNotFound",
            format!("The feature '{name}' could not be found."),
        );
    };
    match (req.method.as_str(), rest) {
        ("GET", []) => {}
        ("POST", ["register"]) => {
            if !f.state.eq_ignore_ascii_case("Registered") && f.state != "Registering" {
                f.state = "Registering".into();
                f.since_ms = now;
            }
        }
        ("POST", ["unregister"]) => {
            f.state = "Unregistered".into();
            f.since_ms = now;
            f.registered_ms = None;
        }
        _ => return method_not_allowed(req),
    }
    let body = feature_body(sub, f);
    if req.method == "POST" {
        ctx.dirty = true;
    }
    EmuResponse::json(200, body)
}

// ---------------------------------------------------------------- providers

fn provider_op(
    ctx: &mut Ctx,
    req: &EmuRequest,
    sub: &str,
    ns: &str,
    register: bool,
) -> EmuResponse {
    let Some(canonical) = KNOWN_PROVIDERS.iter().find(|p| p.eq_ignore_ascii_case(ns)) else {
        return error(
            404,
            "InvalidResourceNamespace",
            format!("The resource namespace '{ns}' is invalid."),
        );
    };
    let now = ctx.now;
    let rec = ctx
        .state
        .providers
        .entry(key(&[sub, ns]))
        .or_insert_with(|| ProviderRec {
            namespace: canonical.to_string(),
            state: "Registered".into(),
            since_ms: 0,
            registered_ms: Some(0),
        });
    match (req.method.as_str(), register) {
        ("GET", false) => {}
        ("POST", true) => {
            rec.state = "Registering".into();
            rec.since_ms = now;
            ctx.dirty = true;
        }
        _ => return method_not_allowed(req),
    }
    EmuResponse::json(
        200,
        json!({
            "id": format!("/subscriptions/{sub}/providers/{}", rec.namespace),
            "namespace": rec.namespace,
            "registrationState": rec.state,
            "registrationPolicy": "RegistrationRequired",
            "resourceTypes": [{
                "resourceType": "managedClusters",
                "locations": ["East US", "West Europe"],
                "apiVersions": spec::AKS_VERSIONS,
            }]
        }),
    )
}

// ---------------------------------------------------------------- k8s versions

fn kubernetes_versions() -> EmuResponse {
    let values: Vec<Value> = K8S
        .iter()
        .map(|(v, patches, default, preview, lts)| {
            let mut pv = Map::new();
            for p in *patches {
                pv.insert(p.to_string(), json!({"upgrades": []}));
            }
            let plans = if *lts {
                json!(["KubernetesOfficial", "AKSLongTermSupport"])
            } else {
                json!(["KubernetesOfficial"])
            };
            let mut o =
                json!({"version": v, "capabilities": {"supportPlan": plans}, "patchVersions": pv});
            if *default {
                o["isDefault"] = json!(true);
            }
            if *preview {
                o["isPreview"] = json!(true);
            }
            o
        })
        .collect();
    EmuResponse::json(200, json!({"values": values}))
}

/// Resolves a requested version (`x.y` or `x.y.z`) to a full patch version.
fn resolve_version(v: Option<&str>) -> Result<String, String> {
    let v = match v {
        None | Some("") => {
            let d = K8S.iter().find(|k| k.2).expect("default version");
            return Ok(d.1.last().expect("patch").to_string());
        }
        Some(v) => v,
    };
    for (minor, patches, ..) in K8S {
        if v == *minor {
            return Ok(patches.last().expect("patch").to_string());
        }
        if patches.contains(&v) {
            return Ok(v.to_string());
        }
    }
    Err(format!(
        "Version {v} is not supported in this region. Supported: {}",
        K8S.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
    ))
}

// ---------------------------------------------------------------- operations

fn operation_status(
    ctx: &mut Ctx,
    req: &EmuRequest,
    id: &str,
    location_style: bool,
) -> EmuResponse {
    if req.method != "GET" {
        return method_not_allowed(req);
    }
    let Some(op) = ctx.state.operations.get(&id.to_ascii_lowercase()) else {
        return error(404, "NotFound", format!("Operation {id} not found."));
    };
    if !azure::signature_ok(&op.id, &req.query) {
        // The emulator's own strictness: the signed query (t, c, s, h) must
        // come back exactly as handed out.
        return error(
            401,
            "InvalidAuthenticationToken",
            "The operation URL's signed query (t, c, s, h) is missing or was altered; poll the URL exactly as received.",
        );
    }
    let running = op.running(ctx.now);
    if location_style {
        return if running {
            EmuResponse::empty(202).op_retry_after(ctx.faults.op_retry_after)
        } else if op.outcome == "Succeeded" {
            EmuResponse::empty(204)
        } else {
            error(
                400,
                "OperationFailed",
                format!("The operation ended {}.", op.outcome),
            )
        };
    }
    let mut body =
        json!({"name": op.id, "status": op.outcome, "startTime": rfc3339(op.started_ms)});
    if running {
        let nodes = match &op.kind {
            OpKind::PutPool { pool } => ctx
                .state
                .clusters
                .get(&op.cluster_key)
                .and_then(|c| c.pools.get(pool))
                .and_then(|p| p["properties"]["count"].as_u64()),
            _ => ctx.state.clusters.get(&op.cluster_key).map(|c| {
                c.pools
                    .values()
                    .filter_map(|p| p["properties"]["count"].as_u64())
                    .sum()
            }),
        }
        .unwrap_or(1);
        let steps = azure::running_statuses(&op.kind, nodes);
        let total = (op.done_ms - op.started_ms).max(1);
        let at = ((ctx.now - op.started_ms) * steps.len() as u64 / total) as usize;
        body["status"] = json!(steps[at.min(steps.len() - 1)]);
        return EmuResponse::json(200, body).op_retry_after(ctx.faults.op_retry_after);
    }
    body["endTime"] = json!(rfc3339(op.done_ms));
    if op.outcome == "Failed" {
        body["error"] = json!({
            "code": "VMExtensionProvisioningError",
            "message": "Emulated failure: the node bootstrap extension failed on one or more instances.",
            "details": [{"code": "EmulatedFault", "message": "injected with --faults fail-lro"}]
        });
    }
    EmuResponse::json(200, body)
}

fn rfc3339(ms: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The region of a stored cluster, as operation URLs spell it ("East US" → "eastus").
fn region(cluster: &Value) -> String {
    cluster["location"]
        .as_str()
        .unwrap_or("eastus")
        .replace(' ', "")
        .to_lowercase()
}

/// ARM's answer to an accepted DELETE: 202 with `Azure-AsyncOperation` and
/// `Location` (both absolute and signed), no `Retry-After` unless a fault asks.
fn accepted_delete(ctx: &Ctx, sub: &str, location: &str, op: &str) -> EmuResponse {
    EmuResponse::empty(202)
        .header(
            "Azure-AsyncOperation",
            azure::op_url(sub, location, op, "operations", ctx.now),
        )
        .header(
            "Location",
            azure::op_url(sub, location, op, "operationresults", ctx.now),
        )
        .op_retry_after(ctx.faults.op_retry_after)
}

fn start_op(ctx: &mut Ctx, cluster_key: &str, kind: OpKind) -> OpRec {
    let id = uuid::Uuid::new_v4().to_string();
    let outcome = if ctx.faults.fail_lro {
        "Failed"
    } else if ctx.faults.cancel_lro {
        "Canceled"
    } else {
        "Succeeded"
    };
    let op = OpRec {
        id: id.clone(),
        cluster_key: cluster_key.to_string(),
        kind,
        started_ms: ctx.now,
        done_ms: ctx.now + ctx.faults.op_delay.as_millis() as u64,
        outcome: outcome.into(),
        applied: false,
    };
    ctx.state.operations.insert(id, op.clone());
    ctx.dirty = true;
    op
}

// ---------------------------------------------------------------- clusters

fn list_clusters(ctx: &mut Ctx, req: &EmuRequest, sub: &str, rg: Option<&str>) -> EmuResponse {
    let prefix = match rg {
        Some(rg) => key(&[sub, rg]) + "/",
        None => key(&[sub]) + "/",
    };
    let all: Vec<Value> = ctx
        .state
        .clusters
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(_, c)| c.body.clone())
        .collect();
    page(req, all, ctx.faults.page_size)
}

/// A page of a list as AKS pages it: a full page carries a `$skipToken`
/// `nextLink` on the management host, and the list ends with an empty page
/// (recorded agent-pool lists end that way).
fn page(req: &EmuRequest, all: Vec<Value>, size: usize) -> EmuResponse {
    let skip: usize = req
        .query
        .get("$skipToken")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let size = size.max(1);
    let items: Vec<Value> = all.iter().skip(skip).take(size).cloned().collect();
    let api = req.query.get("api-version").cloned().unwrap_or_default();
    let more = !items.is_empty();
    let items: Vec<Value> = items
        .into_iter()
        .map(|v| azure::shown_at(v, &api))
        .collect();
    let mut body = json!({ "value": items });
    if more {
        body["nextLink"] = json!(format!(
            "{}{}?api-version={api}&$skipToken={}",
            azure::MANAGEMENT_HOST,
            req.path,
            skip + size
        ));
    }
    EmuResponse::json(200, body)
}

#[allow(clippy::too_many_arguments)]
fn cluster_routes(
    ctx: &mut Ctx,
    req: &EmuRequest,
    sub: &str,
    rg: &str,
    names: &[&str],
    lower: &[&str],
    api: &str,
) -> EmuResponse {
    match (req.method.as_str(), lower) {
        ("GET", []) => list_clusters(ctx, req, sub, Some(rg)),
        (_, [_]) => {
            let name = names[0];
            if !schema::valid_cluster_name(name) {
                return error_target(
                    400,
                    "InvalidResourceName",
                    format!("Resource name '{name}' is invalid; it must match ^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{{0,61}}[a-zA-Z0-9]$."),
                    "resourceName",
                );
            }
            match req.method.as_str() {
                "GET" => get_cluster(ctx, sub, rg, name, api),
                "PUT" => put_cluster(ctx, req, sub, rg, name, api),
                "DELETE" => delete_cluster(ctx, sub, rg, name),
                _ => method_not_allowed(req),
            }
        }
        ("GET", [_, "agentpools"]) => {
            let ck = key(&[sub, rg, names[0]]);
            match ctx.state.clusters.get(&ck) {
                None => cluster_not_found(rg, names[0]),
                Some(c) => {
                    let all: Vec<Value> = c.pools.values().cloned().collect();
                    page(req, all, ctx.faults.page_size)
                }
            }
        }
        (_, [_, "agentpools", _]) => {
            let (cluster, pool) = (names[0], names[2]);
            if !schema::valid_pool_name(pool) {
                return error_target(
                    400,
                    "InvalidParameter",
                    format!("Agent pool name '{pool}' is invalid; it must match ^[a-z][a-z0-9]{{0,11}}$."),
                    "agentPoolName",
                );
            }
            match req.method.as_str() {
                "GET" => get_pool(ctx, sub, rg, cluster, pool, api),
                "PUT" => put_pool(ctx, req, sub, rg, cluster, pool, api),
                "DELETE" => delete_pool(ctx, sub, rg, cluster, pool),
                _ => method_not_allowed(req),
            }
        }
        ("GET", [_, "operations", _]) | ("GET", [_, "agentpools", _, "operations", _]) => {
            let id = names[names.len() - 1];
            operation_status(ctx, req, id, false)
        }
        _ => not_found_route(req),
    }
}

/// ARM's 404 for a resource that does not exist (recorded: code
/// `ResourceNotFound`, header `x-ms-failure-cause: gateway`).
fn cluster_not_found(rg: &str, name: &str) -> EmuResponse {
    error(
        404,
        "ResourceNotFound",
        format!("The Resource 'Microsoft.ContainerService/managedClusters/{name}' under resource group '{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"),
    )
    .header("x-ms-failure-cause", "gateway")
}

fn get_cluster(ctx: &mut Ctx, sub: &str, rg: &str, name: &str, api: &str) -> EmuResponse {
    match ctx.state.clusters.get(&key(&[sub, rg, name])) {
        Some(c) => EmuResponse::json(200, azure::shown_at(c.body.clone(), api))
            .etag(c.body["eTag"].as_str()),
        None => cluster_not_found(rg, name),
    }
}

fn get_pool(
    ctx: &mut Ctx,
    sub: &str,
    rg: &str,
    cluster: &str,
    pool: &str,
    api: &str,
) -> EmuResponse {
    let Some(c) = ctx.state.clusters.get(&key(&[sub, rg, cluster])) else {
        return cluster_not_found(rg, cluster);
    };
    match c.pools.get(&pool.to_ascii_lowercase()) {
        Some(p) => EmuResponse::json(200, azure::shown_at(p.clone(), api))
            .etag(p["properties"]["eTag"].as_str()),
        None => error(
            404,
            "NotFound",
            format!("Agent pool '{pool}' not found in managed cluster '{cluster}'."),
        )
        .header("x-ms-failure-cause", "gateway"),
    }
}

fn parse_body(req: &EmuRequest) -> Result<Map<String, Value>, EmuResponse> {
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(error(
            400,
            "InvalidRequestContent",
            "The request content must be a JSON object.",
        )),
        Err(e) => Err(error(
            400,
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: {e}"),
        )),
    }
}

/// Validates a PUT body against the generated table of its api-version
/// ([`spec::validate`]).
fn check_spec(api: &str, root: Root, body: &Map<String, Value>) -> Result<(), EmuResponse> {
    let Some(table) = spec::table(api) else {
        return Ok(());
    };
    spec::validate(table, api, root, &Value::Object(body.clone()))
        .map_err(|v| error_target(400, v.code, v.message, &v.target))
}

fn conflict_fault(ctx: &mut Ctx) -> Option<EmuResponse> {
    if ctx.counters.conflicts < ctx.faults.conflict {
        ctx.counters.conflicts += 1;
        return Some(operation_not_allowed("an injected concurrent operation"));
    }
    None
}

/// Conditional writes (RFC 9110 §13.1): `If-None-Match: *` on a resource that
/// exists, or `If-Match` naming another eTag (or any, `*`, on a resource that
/// does not exist), is refused with 412 as ARM does. `etag` is the current
/// resource's eTag, `None` when it does not exist.
fn precondition(req: &EmuRequest, etag: Option<&str>, what: &str) -> Option<EmuResponse> {
    let exists = etag.is_some();
    if exists
        && req
            .if_none_match
            .as_deref()
            .is_some_and(|v| v.trim() == "*")
    {
        return Some(error(
            412,
            "PreconditionFailed",
            format!("The condition specified in the request header 'If-None-Match: *' was not met: {what} already exists."),
        ));
    }
    let want = req
        .if_match
        .as_deref()
        .map(|v| v.trim().trim_matches('"'))?;
    let ok = match etag {
        None => false,
        Some(_) if want == "*" => true,
        Some(have) => have.trim_matches('"') == want,
    };
    (!ok).then(|| {
        error(
            412,
            "PreconditionFailed",
            format!("The condition specified in the request header 'If-Match: {want}' was not met for {what}."),
        )
    })
}

/// A create-only property (the generated table's `x-ms-mutability`) changed by
/// an update of `old`: 400 `PropertyChangeNotAllowed` ([`spec::create_only_change`]).
fn immutable_change(
    api: &str,
    root: Root,
    old: &Value,
    new: &Map<String, Value>,
) -> Option<EmuResponse> {
    let v = spec::create_only_change(spec::table(api)?, root, old, &Value::Object(new.clone()))?;
    Some(error_target(400, v.code, v.message, &v.target))
}

/// AKS's quota check before it creates VMs: a write that would take the
/// region's `cores` or a size family's vCPUs past the limit the usages API
/// shows (and raises what is used) is refused with 400
/// `ErrCode_InsufficientVCPUQuota`, AKS's code (AKS docs, "Troubleshoot
/// InsufficientVCPUQuota"). `after` is the state with the write applied.
/// Only with the `enforce-quota` fault ([`Faults::enforce_quota`]).
fn over_quota(before: &State, after: &State, sub: &str, region: &str) -> Option<EmuResponse> {
    use super::compute;
    let (was, now) = (
        compute::usage(before, sub, region),
        compute::usage(after, sub, region),
    );
    let (cores_limit, _) = compute::limits("", region);
    if now.cores > cores_limit && now.cores > was.cores {
        return Some(error(
            400,
            "ErrCode_InsufficientVCPUQuota",
            format!(
                "Insufficient regional vcpu quota left for location {region}. left regional vcpu quota {}, requested quota {}.",
                (cores_limit - was.cores).max(0),
                now.cores - was.cores
            ),
        ));
    }
    now.family_vcpus.iter().find_map(|(family, used)| {
        let before = was.family_vcpus.get(family).copied().unwrap_or(0);
        let (_, limit) = compute::limits(family, region);
        (*used > limit && *used > before).then(|| {
            error(
                400,
                "ErrCode_InsufficientVCPUQuota",
                format!(
                    "Insufficient vcpu quota requested {}, remaining {} for family {family} for region {region}.",
                    used - before,
                    (limit - before).max(0)
                ),
            )
        })
    })
}

fn operation_not_allowed(what: &str) -> EmuResponse {
    error(
        409,
        "OperationNotAllowed",
        format!("Operation is not allowed because there's an in progress operation ({what}) on the managed cluster. Please wait for it to finish."),
    )
}

/// Validates one pool's properties against the schema and AKS's OS rules.
fn check_pool_properties(
    props: &Map<String, Value>,
    at: &str,
    api: &str,
    kubernetes: Option<&str>,
    node_os_channel: Option<&str>,
) -> Result<(), EmuResponse> {
    let mode = props.get("mode").and_then(Value::as_str).unwrap_or("User");
    if let Some(count) = props.get("count") {
        let Some(n) = count.as_i64() else {
            return Err(error_target(
                400,
                "InvalidParameter",
                "count must be an integer.",
                &format!("{at}.count"),
            ));
        };
        let min = if mode.eq_ignore_ascii_case("System") {
            1
        } else {
            0
        };
        let max = rules::POOL_COUNT.1;
        if !(min..=max).contains(&n) {
            return Err(error_target(
                400,
                "InvalidParameter",
                format!("The value of parameter {at}.count is invalid: {n} is outside {min}–{max} for a {mode} agent pool. Please see https://aka.ms/aks-naming-rules for more details."),
                &format!("{at}.count"),
            ));
        }
    }
    if let Some(n) = props.get("maxPods").and_then(Value::as_i64) {
        let (min, max) = rules::MAX_PODS;
        if !(min..=max).contains(&n) {
            return Err(error_target(
                400,
                "InvalidParameter",
                format!("The value of parameter {at}.maxPods is invalid: {n} is outside {min}–{max}. Please see https://aka.ms/aks/maxpods for more details."),
                &format!("{at}.maxPods"),
            ));
        }
    }
    let sku = props
        .get("osSKU")
        .and_then(Value::as_str)
        .unwrap_or("Ubuntu");
    let in_enum = spec::os_sku_introduced(api, sku)
        || schema::OFF_ENUM_ACCEPTED
            .iter()
            .any(|s| s.eq_ignore_ascii_case(sku));
    if !in_enum {
        return Err(error_target(
            400,
            "InvalidParameter",
            format!("The value '{sku}' of osSKU is not supported at api-version {api}."),
            &format!("{at}.osSKU"),
        ));
    }
    let Some(os) = rules::find(sku) else {
        return Ok(());
    };
    let flag = |name: &str| props.get(name).and_then(Value::as_bool);
    let sec = |name: &str| {
        props
            .get("securityProfile")
            .and_then(|s| s.get(name))
            .and_then(Value::as_bool)
    };
    let reject = |msg: String, target: &str| {
        Err(error_target(
            400,
            "InvalidParameter",
            msg,
            &format!("{at}.{target}"),
        ))
    };
    match os.fips {
        Need::Required if flag("enableFIPS") != Some(true) => {
            return reject(
                format!("osSKU {sku} requires enableFIPS=true."),
                "enableFIPS",
            )
        }
        Need::Refused if flag("enableFIPS") == Some(true) => {
            return reject(
                format!("FIPS is not supported with osSKU {sku}."),
                "enableFIPS",
            )
        }
        _ => {}
    }
    match os.trusted_launch {
        Need::Required if sec("enableSecureBoot") != Some(true) || sec("enableVTPM") != Some(true) => {
            return reject(
                format!("osSKU {sku} requires Trusted Launch: securityProfile.enableSecureBoot and enableVTPM must be true."),
                "securityProfile",
            )
        }
        Need::Refused if sec("enableSecureBoot") == Some(true) || sec("enableVTPM") == Some(true) => {
            return reject(format!("Trusted Launch is not supported with osSKU {sku}."), "securityProfile")
        }
        _ => {}
    }
    if let Some(disk) = os.os_disk {
        // Absent is fine: AKS then picks the disk it needs (the recorded OS
        // Guard pool was sent without osDiskType and accepted).
        let sent = props.get("osDiskType").and_then(Value::as_str);
        if sent.is_some_and(|s| !s.eq_ignore_ascii_case(disk)) {
            return reject(
                format!("osSKU {sku} requires osDiskType {disk}."),
                "osDiskType",
            );
        }
    }
    let version = props
        .get("orchestratorVersion")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .or(kubernetes);
    if let Some(m) = version.and_then(Minor::parse) {
        if !os.supports_kubernetes(m) {
            return reject(
                format!(
                    "osSKU {sku} supports Kubernetes {}, not {m}.",
                    os.kubernetes_range()
                ),
                "orchestratorVersion",
            );
        }
    }
    if let Some(ch) = node_os_channel {
        if !os.channels.is_empty() && !os.channels.iter().any(|c| c.eq_ignore_ascii_case(ch)) {
            return Err(error_target(
                400,
                "InvalidParameter",
                format!(
                    "osSKU {sku} requires nodeOSUpgradeChannel {}, the cluster uses {ch}.",
                    os.channels.join(" or ")
                ),
                "properties.autoUpgradeProfile.nodeOSUpgradeChannel",
            ));
        }
    }
    Ok(())
}

/// Azure's preview gate: a flagged osSKU needs its feature Registered and the
/// provider re-registered after that.
fn preview_gate(state: &State, sub: &str, sku: &str) -> Result<(), EmuResponse> {
    let Some(flag) = rules::find(sku).and_then(|s| s.feature_flag) else {
        return Ok(());
    };
    let feature = state.features.get(&key(&[sub, FEATURE_NAMESPACE, flag]));
    let provider = state.providers.get(&key(&[sub, PROVIDER_NAMESPACE]));
    let ok = match (feature.and_then(|f| f.registered_ms), feature) {
        (Some(at), Some(f)) if f.state == "Registered" => provider
            .is_some_and(|p| p.state == "Registered" && p.registered_ms.is_some_and(|r| r >= at)),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(error(
            400,
            "PreviewFeatureNotRegistered",
            // Azure's own wording, word for word (issue 15): the client, not the
            // server, explains the fix.
            format!("Preview feature {FEATURE_NAMESPACE}/{flag} not registered."),
        ))
    }
}

fn resource_id(sub: &str, rg: &str, cluster: &str, pool: Option<&str>) -> String {
    let base = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}");
    match pool {
        Some(p) => format!("{base}/agentPools/{p}"),
        None => base,
    }
}

fn pool_resource(
    sub: &str,
    rg: &str,
    cluster: &str,
    name: &str,
    props: Map<String, Value>,
) -> Value {
    json!({
        "id": resource_id(sub, rg, cluster, Some(name)),
        "name": name,
        "type": "Microsoft.ContainerService/managedClusters/agentPools",
        "properties": props,
    })
}

fn put_cluster(
    ctx: &mut Ctx,
    req: &EmuRequest,
    sub: &str,
    rg: &str,
    name: &str,
    api: &str,
) -> EmuResponse {
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Err(e) = check_spec(api, Root::ManagedCluster, &body) {
        return e;
    }
    let Some(location) = body
        .get("location")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return error_target(400, "InvalidParameter", "location is required.", "location");
    };
    let location = location.to_string();
    if !super::regions::served(&location) {
        return super::regions::not_available(&location);
    }
    let Some(props) = body.get("properties").and_then(Value::as_object) else {
        return error_target(
            400,
            "InvalidParameter",
            "properties is required.",
            "properties",
        );
    };
    // The spec's enum is extensible, but AKS answers only the channels it has.
    let channels = spec::table(api)
        .and_then(|t| {
            t.node(
                Root::ManagedCluster,
                "properties.autoUpgradeProfile.nodeOSUpgradeChannel",
            )
        })
        .map(|n| n.values.clone())
        .unwrap_or_default();
    let channel = match props
        .get("autoUpgradeProfile")
        .and_then(|a| a.get("nodeOSUpgradeChannel"))
        .and_then(Value::as_str)
    {
        Some(c) if !channels.iter().any(|k| k == c) => {
            return error_target(
                400,
                "InvalidParameter",
                format!(
                    "nodeOSUpgradeChannel '{c}' is not one of {}.",
                    channels.join(", ")
                ),
                "properties.autoUpgradeProfile.nodeOSUpgradeChannel",
            )
        }
        c => c.map(str::to_string),
    };
    let version = match resolve_version(props.get("kubernetesVersion").and_then(Value::as_str)) {
        Ok(v) => v,
        Err(m) => {
            return error_target(
                400,
                "K8sVersionNotSupported",
                m,
                "properties.kubernetesVersion",
            )
        }
    };
    let ck = key(&[sub, rg, name]);
    let current = ctx.state.clusters.get(&ck).map(|c| c.body.clone());
    let exists = current.is_some();
    let etag = current
        .as_ref()
        .map(|b| b["eTag"].as_str().unwrap_or_default());
    if let Some(refused) = precondition(req, etag, &format!("managed cluster '{name}'")) {
        return refused;
    }
    if let Some(old) = current
        .as_ref()
        .and_then(|b| b["properties"]["dnsPrefix"].as_str())
    {
        if let Some(new) = props
            .get("dnsPrefix")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(old))
        {
            return error_target(
                400,
                "PropertyChangeNotAllowed",
                format!("Changing property 'dnsPrefix' is not allowed. Existing value: '{old}', new value: '{new}'."),
                "dnsPrefix",
            );
        }
    }
    if let Some(refused) = current
        .as_ref()
        .and_then(|old| immutable_change(api, Root::ManagedCluster, old, &body))
    {
        return refused;
    }
    if exists {
        if let Some(op) = ctx.state.running_op(&ck, ctx.now) {
            return operation_not_allowed(&format!("{:?}", op.kind));
        }
    }
    if let Some(c) = conflict_fault(ctx) {
        return c;
    }
    let profiles = props
        .get("agentPoolProfiles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !exists
        && !profiles
            .iter()
            .any(|p| p.get("mode").and_then(Value::as_str) == Some("System"))
    {
        return error_target(
            400,
            "InvalidParameter",
            "A new cluster needs at least one agent pool with mode System.",
            "properties.agentPoolProfiles",
        );
    }
    let mut pools = BTreeMap::new();
    for (i, p) in profiles.iter().enumerate() {
        let at = format!("properties.agentPoolProfiles[{i}]");
        let Some(obj) = p.as_object() else {
            return error_target(
                400,
                "InvalidRequestContent",
                "agent pool profile must be an object",
                &at,
            );
        };
        let pname = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if !schema::valid_pool_name(&pname) {
            return error_target(
                400,
                "InvalidParameter",
                format!(
                    "Agent pool name '{pname}' is invalid; it must match ^[a-z][a-z0-9]{{0,11}}$."
                ),
                &format!("{at}.name"),
            );
        }
        let mut pprops = obj.clone();
        pprops.remove("name");
        if let Err(e) = check_pool_properties(&pprops, &at, api, Some(&version), channel.as_deref())
        {
            return e;
        }
        let sku = pprops
            .get("osSKU")
            .and_then(Value::as_str)
            .unwrap_or("Ubuntu");
        if let Err(e) = preview_gate(ctx.state, sub, sku) {
            return e;
        }
        pprops.insert(
            "provisioningState".into(),
            json!(if exists { "Updating" } else { "Creating" }),
        );
        azure::pool_defaults(&mut pprops, &version);
        pools.insert(
            pname.to_ascii_lowercase(),
            pool_resource(sub, rg, name, &pname, pprops),
        );
    }
    let mut stored = body.clone();
    stored.insert("id".into(), json!(resource_id(sub, rg, name, None)));
    stored.insert("name".into(), json!(name));
    stored.insert(
        "type".into(),
        json!("Microsoft.ContainerService/ManagedClusters"),
    );
    let sp = stored
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .expect("checked above");
    sp.insert(
        "provisioningState".into(),
        json!(if exists { "Updating" } else { "Creating" }),
    );
    sp.insert("currentKubernetesVersion".into(), json!(version));
    sp.insert("kubernetesVersion".into(), json!(version));
    let region = region(&json!({ "location": location }));
    sp.insert(
        "fqdn".into(),
        json!(format!("{name}-dns.hcp.{region}.azmk8s.io")),
    );
    azure::cluster_defaults(&mut stored, rg, name, &region);
    let mut rec = ClusterRec {
        body: Value::Object(stored),
        pools,
    };
    if exists && rec.pools.is_empty() {
        rec.pools = ctx.state.clusters[&ck].pools.clone();
    }
    sync_profiles(&mut rec);
    let mut trial = ctx.state.clone();
    trial.clusters.insert(ck.clone(), rec.clone());
    if let Some(refused) = ctx
        .faults
        .enforce_quota
        .then(|| over_quota(ctx.state, &trial, sub, &region))
        .flatten()
    {
        return refused;
    }
    let response_body = rec.body.clone();
    ctx.state.clusters.insert(ck.clone(), rec);
    let op = start_op(ctx, &ck, OpKind::PutCluster);
    let url = azure::op_url(sub, &region, &op.id, "operations", ctx.now);
    let etag = response_body["eTag"].as_str().map(str::to_string);
    EmuResponse::json(
        if exists { 200 } else { 201 },
        azure::shown_at(response_body, api),
    )
    .etag(etag.as_deref())
    .header("Azure-AsyncOperation", url)
    .op_retry_after(ctx.faults.op_retry_after)
}

#[allow(clippy::too_many_arguments)]
fn put_pool(
    ctx: &mut Ctx,
    req: &EmuRequest,
    sub: &str,
    rg: &str,
    cluster: &str,
    pool: &str,
    api: &str,
) -> EmuResponse {
    let ck = key(&[sub, rg, cluster]);
    let Some(c) = ctx.state.clusters.get(&ck) else {
        return cluster_not_found(rg, cluster);
    };
    let location = region(&c.body);
    let cluster_version = c.body["properties"]["currentKubernetesVersion"]
        .as_str()
        .map(str::to_string);
    let channel = c.body["properties"]["autoUpgradeProfile"]["nodeOSUpgradeChannel"]
        .as_str()
        .map(str::to_string);
    let existing = c.pools.get(&pool.to_ascii_lowercase()).cloned();
    let etag = existing
        .as_ref()
        .map(|p| p["properties"]["eTag"].as_str().unwrap_or_default());
    if let Some(refused) = precondition(req, etag, &format!("agent pool '{pool}'")) {
        return refused;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Err(e) = check_spec(api, Root::AgentPool, &body) {
        return e;
    }
    let Some(props) = body.get("properties").and_then(Value::as_object) else {
        return error_target(
            400,
            "InvalidParameter",
            "properties is required.",
            "properties",
        );
    };
    if let Err(e) = check_pool_properties(
        props,
        "properties",
        api,
        cluster_version.as_deref(),
        channel.as_deref(),
    ) {
        return e;
    }
    if let (Some(want), Some(have)) = (
        props
            .get("orchestratorVersion")
            .and_then(Value::as_str)
            .and_then(Minor::parse),
        cluster_version.as_deref().and_then(Minor::parse),
    ) {
        if want > have {
            return error_target(
                400,
                "InvalidParameter",
                format!("orchestratorVersion {want} is newer than the control plane ({have})."),
                "properties.orchestratorVersion",
            );
        }
    }
    if let Some(refused) = existing
        .as_ref()
        .and_then(|old| immutable_change(api, Root::AgentPool, old, &body))
    {
        return refused;
    }
    let sku = props
        .get("osSKU")
        .and_then(Value::as_str)
        .unwrap_or("Ubuntu")
        .to_string();
    if let Some(old) = &existing {
        let old_sku = old["properties"]["osSKU"].as_str().unwrap_or("Ubuntu");
        if !old_sku.eq_ignore_ascii_case(&sku) {
            let allowed = rules::find(&sku).is_some_and(|t| t.migrates_in_place_from(old_sku));
            if !allowed {
                return error_target(400, "InvalidParameter", format!("Changing osSKU from {old_sku} to {sku} in place is not supported; create a new node pool."), "properties.osSKU");
            }
        }
    }
    if let Some(op) = ctx.state.running_op(&ck, ctx.now) {
        return operation_not_allowed(&format!("{:?}", op.kind));
    }
    if let Some(c) = conflict_fault(ctx) {
        return c;
    }
    if let Err(e) = preview_gate(ctx.state, sub, &sku) {
        return e;
    }
    let mut pprops = props.clone();
    let version = pprops
        .get("orchestratorVersion")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .and_then(|v| resolve_version(Some(v)).ok())
        .or(cluster_version)
        .unwrap_or_default();
    pprops.insert(
        "provisioningState".into(),
        json!(if existing.is_some() {
            "Updating"
        } else {
            "Creating"
        }),
    );
    azure::pool_defaults(&mut pprops, &version);
    let resource = pool_resource(sub, rg, cluster, pool, pprops);
    let mut trial = ctx.state.clone();
    if let Some(c) = trial.clusters.get_mut(&ck) {
        c.pools.insert(pool.to_ascii_lowercase(), resource.clone());
    }
    if let Some(refused) = ctx
        .faults
        .enforce_quota
        .then(|| over_quota(ctx.state, &trial, sub, &location))
        .flatten()
    {
        return refused;
    }
    let rec = ctx.state.clusters.get_mut(&ck).expect("checked");
    rec.pools
        .insert(pool.to_ascii_lowercase(), resource.clone());
    sync_profiles(rec);
    let op = start_op(
        ctx,
        &ck,
        OpKind::PutPool {
            pool: pool.to_ascii_lowercase(),
        },
    );
    let etag = resource["properties"]["eTag"].as_str().map(str::to_string);
    EmuResponse::json(
        if existing.is_some() { 200 } else { 201 },
        azure::shown_at(resource, api),
    )
    .etag(etag.as_deref())
    .header(
        "Azure-AsyncOperation",
        azure::op_url(sub, &location, &op.id, "operations", ctx.now),
    )
    .op_retry_after(ctx.faults.op_retry_after)
}

#[allow(clippy::too_many_arguments)]
fn delete_pool(ctx: &mut Ctx, sub: &str, rg: &str, cluster: &str, pool: &str) -> EmuResponse {
    let ck = key(&[sub, rg, cluster]);
    let Some(c) = ctx.state.clusters.get(&ck) else {
        return cluster_not_found(rg, cluster);
    };
    let location = region(&c.body);
    let Some(target) = c.pools.get(&pool.to_ascii_lowercase()) else {
        return EmuResponse::empty(204);
    };
    let is_system = |p: &Value| p["properties"]["mode"].as_str() == Some("System");
    if is_system(target) && c.pools.values().filter(|p| is_system(p)).count() == 1 {
        return error_target(
            400,
            "InvalidParameter",
            "The last System agent pool of a cluster cannot be deleted.",
            "agentPoolName",
        );
    }
    if let Some(op) = ctx.state.running_op(&ck, ctx.now) {
        return operation_not_allowed(&format!("{:?}", op.kind));
    }
    let rec = ctx.state.clusters.get_mut(&ck).expect("checked");
    if let Some(p) = rec.pools.get_mut(&pool.to_ascii_lowercase()) {
        p["properties"]["provisioningState"] = json!("Deleting");
    }
    let op = start_op(
        ctx,
        &ck,
        OpKind::DeletePool {
            pool: pool.to_ascii_lowercase(),
        },
    );
    accepted_delete(ctx, sub, &location, &op.id)
}

/// `ManagedClusters_Delete`: 202 with `Azure-AsyncOperation` + `Location`, or 204
/// when there is nothing to delete; the cluster goes when the operation ends.
fn delete_cluster(ctx: &mut Ctx, sub: &str, rg: &str, name: &str) -> EmuResponse {
    let ck = key(&[sub, rg, name]);
    let Some(c) = ctx.state.clusters.get_mut(&ck) else {
        return EmuResponse::empty(204);
    };
    let location = region(&c.body);
    if let Some(op) = ctx.state.running_op(&ck, ctx.now) {
        return operation_not_allowed(&format!("{:?}", op.kind));
    }
    let c = ctx.state.clusters.get_mut(&ck).expect("checked");
    c.body["properties"]["provisioningState"] = json!("Deleting");
    let op = start_op(ctx, &ck, OpKind::DeleteCluster);
    accepted_delete(ctx, sub, &location, &op.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Timings;

    fn req(method: &str, path: &str, body: &str) -> EmuRequest {
        EmuRequest {
            method: method.into(),
            path: path.into(),
            query: [("api-version".to_string(), "2026-08-01".to_string())].into(),
            authorization: Some("Bearer t".into()),
            body: body.as_bytes().to_vec(),
            base: "http://127.0.0.1:1".into(),
            if_none_match: None,
            if_match: None,
        }
    }

    #[test]
    fn create_only_puts_are_refused_with_412_when_the_resource_exists() {
        let mut state = State::default();
        let mut counters = FaultCounters::default();
        let faults = Faults::instant();
        let path = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1";
        let body = r#"{"location":"eastus","properties":{"agentPoolProfiles":[{"name":"np1","mode":"System","count":1,"vmSize":"Standard_D4s_v5"}]}}"#;
        let pool = format!("{path}/agentPools/np2");
        let pool_body = r#"{"properties":{"mode":"User","count":1,"vmSize":"Standard_D4s_v5"}}"#;
        let t = Timings {
            reg_delay_ms: 0,
            provider_delay_ms: 0,
            stuck: false,
        };
        let mut call = |state: &mut State, r: EmuRequest, now: u64| {
            state.tick(now, &t);
            let mut ctx = Ctx {
                state,
                faults: &faults,
                counters: &mut counters,
                now,
                dirty: false,
            };
            handle(&mut ctx, &r)
        };
        let create_only = |r: EmuRequest| EmuRequest {
            if_none_match: Some("*".into()),
            ..r
        };
        assert_eq!(
            call(&mut state, create_only(req("PUT", path, body)), 1).status,
            201
        );
        let again = call(&mut state, create_only(req("PUT", path, body)), 2);
        assert_eq!(again.status, 412);
        assert_eq!(
            again.body.unwrap()["error"]["code"],
            json!("PreconditionFailed")
        );
        assert_eq!(
            call(&mut state, create_only(req("PUT", &pool, pool_body)), 3).status,
            201
        );
        assert_eq!(
            call(&mut state, create_only(req("PUT", &pool, pool_body)), 4).status,
            412
        );
        // Without the header a PUT on an existing pool is an update.
        assert_eq!(
            call(&mut state, req("PUT", &pool, pool_body), 5).status,
            200
        );
    }

    #[test]
    fn cluster_delete_is_a_long_running_operation() {
        let mut state = State::default();
        let mut counters = FaultCounters::default();
        let faults = Faults::instant();
        let path = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c1";
        let body = r#"{"location":"eastus","properties":{"agentPoolProfiles":[{"name":"np1","mode":"System","count":1,"vmSize":"Standard_D4s_v5"}]}}"#;
        let mut call = |state: &mut State, r: EmuRequest, now: u64| {
            let mut ctx = Ctx {
                state,
                faults: &faults,
                counters: &mut counters,
                now,
                dirty: false,
            };
            handle(&mut ctx, &r)
        };
        assert_eq!(call(&mut state, req("PUT", path, body), 1).status, 201);
        let t = Timings {
            reg_delay_ms: 0,
            provider_delay_ms: 0,
            stuck: false,
        };
        state.tick(2, &t);
        let del = call(&mut state, req("DELETE", path, ""), 3);
        assert_eq!(del.status, 202);
        assert!(del.headers.iter().any(|(k, _)| k == "Azure-AsyncOperation"));
        assert!(del.headers.iter().any(|(k, _)| k == "Location"));
        state.tick(4, &t);
        assert_eq!(call(&mut state, req("GET", path, ""), 5).status, 404);
        assert_eq!(call(&mut state, req("DELETE", path, ""), 6).status, 204);
    }
}
