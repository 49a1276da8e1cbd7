//! The emulator behaves as Azure does where a client can notice it:
//! conditional writes (`If-Match`, `If-None-Match`) and the `ETag` header,
//! properties that may not change on an update, the spec's numeric limits,
//! operation status for failed and deleted resources, `Retry-After` only when a
//! fault asks for it, and compute usages that follow the pools created.

use aksos_emulator::faults::Faults;
use aksos_emulator::routes::{EmuRequest, EmuResponse};
use aksos_emulator::Shared;
use serde_json::{json, Value};

const SUB: &str = "00000000-0000-0000-0000-000000000001";
const API: &str = "2026-08-01";

fn cluster_path(name: &str) -> String {
    format!("/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/{name}")
}

fn pool_path(cluster: &str, pool: &str) -> String {
    format!("{}/agentPools/{pool}", cluster_path(cluster))
}

/// A request; `uri` may be an absolute operation URL handed out by the emulator.
fn request(method: &str, uri: &str, body: Option<&Value>) -> EmuRequest {
    let url = uri
        .strip_prefix("https://management.azure.com")
        .unwrap_or(uri);
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut query: std::collections::BTreeMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    query
        .entry("api-version".into())
        .or_insert_with(|| API.into());
    EmuRequest {
        method: method.into(),
        path: path.into(),
        query,
        authorization: Some("Bearer t".into()),
        body: body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default(),
        base: "http://127.0.0.1:1".into(),
        if_none_match: None,
        if_match: None,
    }
}

fn send(emu: &Shared, method: &str, uri: &str, body: Option<&Value>) -> EmuResponse {
    emu.handle(request(method, uri, body))
}

fn header<'a>(r: &'a EmuResponse, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn code(r: &EmuResponse) -> String {
    r.body.as_ref().unwrap()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn cluster_body(dns: &str) -> Value {
    json!({
        "location": "eastus",
        "properties": {
            "dnsPrefix": dns,
            "agentPoolProfiles": [
                {"name": "sys", "mode": "System", "count": 1, "vmSize": "Standard_D4s_v5"}
            ]
        }
    })
}

fn pool_body(count: u64, vm: &str) -> Value {
    json!({"properties": {"mode": "User", "count": count, "vmSize": vm}})
}

fn emulator(spec: &str) -> Shared {
    Shared::new(
        Default::default(),
        Faults::instant().parse_onto(spec).unwrap(),
        None,
    )
}

/// A created cluster, its operation finished.
fn with_cluster(spec: &str) -> Shared {
    let emu = emulator(spec);
    let r = send(&emu, "PUT", &cluster_path("c1"), Some(&cluster_body("c1")));
    assert_eq!(r.status, 201, "{:?}", r.body);
    emu
}

#[test]
fn get_and_put_carry_an_etag_header_matching_the_body() {
    let emu = with_cluster("");
    let got = send(&emu, "GET", &cluster_path("c1"), None);
    let etag = got.body.as_ref().unwrap()["eTag"].as_str().unwrap();
    assert_eq!(header(&got, "ETag"), Some(format!("\"{etag}\"").as_str()));

    let put = send(
        &emu,
        "PUT",
        &pool_path("c1", "np1"),
        Some(&pool_body(1, "Standard_D4s_v5")),
    );
    assert_eq!(put.status, 201);
    let pool_etag = put.body.as_ref().unwrap()["properties"]["eTag"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        header(&put, "ETag"),
        Some(format!("\"{pool_etag}\"").as_str())
    );
    let got = send(&emu, "GET", &pool_path("c1", "np1"), None);
    assert_eq!(
        header(&got, "ETag"),
        Some(format!("\"{pool_etag}\"").as_str())
    );
    // A cluster PUT answers with the new eTag in both places.
    let put = send(&emu, "PUT", &cluster_path("c1"), Some(&cluster_body("c1")));
    let etag = put.body.as_ref().unwrap()["eTag"].as_str().unwrap();
    assert_eq!(header(&put, "ETag"), Some(format!("\"{etag}\"").as_str()));
}

#[test]
fn if_match_with_the_current_etag_succeeds_and_a_stale_one_gets_412() {
    let emu = with_cluster("");
    let got = send(&emu, "GET", &cluster_path("c1"), None);
    let current = header(&got, "ETag").unwrap().to_string();

    // The header exactly as the GET gave it (quoted) is accepted.
    let mut ok = request("PUT", &cluster_path("c1"), Some(&cluster_body("c1")));
    ok.if_match = Some(current.clone());
    let r = emu.handle(ok);
    assert_eq!(r.status, 200, "{:?}", r.body);

    // That PUT changed the eTag: the old one is now stale.
    let mut stale = request("PUT", &cluster_path("c1"), Some(&cluster_body("c1")));
    stale.if_match = Some(current);
    let r = emu.handle(stale);
    assert_eq!(r.status, 412);
    let body = r.body.unwrap();
    assert_eq!(body["error"]["code"], "PreconditionFailed");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("If-Match"));

    // `If-Match: *` on a resource that does not exist: 412, nothing created.
    let mut any = request("PUT", &cluster_path("ghost"), Some(&cluster_body("ghost")));
    any.if_match = Some("*".into());
    let r = emu.handle(any);
    assert_eq!((r.status, code(&r).as_str()), (412, "PreconditionFailed"));
    assert_eq!(send(&emu, "GET", &cluster_path("ghost"), None).status, 404);

    // Pools too: the current eTag passes, a made-up one does not.
    send(
        &emu,
        "PUT",
        &pool_path("c1", "np1"),
        Some(&pool_body(1, "Standard_D4s_v5")),
    );
    let etag = header(&send(&emu, "GET", &pool_path("c1", "np1"), None), "ETag")
        .unwrap()
        .to_string();
    let mut ok = request(
        "PUT",
        &pool_path("c1", "np1"),
        Some(&pool_body(2, "Standard_D4s_v5")),
    );
    ok.if_match = Some(etag);
    assert_eq!(emu.handle(ok).status, 200);
    let mut bad = request(
        "PUT",
        &pool_path("c1", "np1"),
        Some(&pool_body(3, "Standard_D4s_v5")),
    );
    bad.if_match = Some("\"not-the-etag\"".into());
    assert_eq!(emu.handle(bad).status, 412);
}

#[test]
fn a_changed_dns_prefix_is_property_change_not_allowed() {
    let emu = with_cluster("");
    let r = send(
        &emu,
        "PUT",
        &cluster_path("c1"),
        Some(&cluster_body("other")),
    );
    assert_eq!(r.status, 400);
    let e = &r.body.unwrap()["error"];
    assert_eq!(e["code"], "PropertyChangeNotAllowed");
    assert!(e["message"].as_str().unwrap().contains("dnsPrefix"));
    // Same value (case aside) is an ordinary update.
    assert_eq!(
        send(&emu, "PUT", &cluster_path("c1"), Some(&cluster_body("C1"))).status,
        200
    );
}

#[test]
fn create_only_properties_from_the_spec_may_not_change() {
    let emu = with_cluster("");
    // `location` is x-ms-mutability [read, create] in the spec.
    let mut moved = cluster_body("c1");
    moved["location"] = json!("westus");
    let r = send(&emu, "PUT", &cluster_path("c1"), Some(&moved));
    assert_eq!(r.status, 400);
    let e = &r.body.unwrap()["error"];
    assert_eq!(
        (e["code"].as_str(), e["target"].as_str()),
        (Some("PropertyChangeNotAllowed"), Some("location"))
    );
    // Azure's display name of the same region is not a change.
    let mut same = cluster_body("c1");
    same["location"] = json!("East US");
    assert_eq!(
        send(&emu, "PUT", &cluster_path("c1"), Some(&same)).status,
        200
    );
}

#[test]
fn values_outside_the_specs_limits_are_invalid_parameter() {
    let emu = with_cluster("");
    let cases = [
        // (property, value, target) — spec minimum/maximum …
        ("osDiskSizeGB", json!(4096), "properties.osDiskSizeGB"),
        // … and the documented AKS limits the spec leaves to prose.
        ("maxPods", json!(5), "properties.maxPods"),
        ("maxPods", json!(300), "properties.maxPods"),
        ("count", json!(1001), "properties.count"),
    ];
    for (prop, value, target) in cases {
        let mut body = pool_body(1, "Standard_D4s_v5");
        body["properties"][prop] = value.clone();
        let r = send(&emu, "PUT", &pool_path("c1", "np1"), Some(&body));
        assert_eq!(r.status, 400, "{prop}={value}");
        let e = &r.body.unwrap()["error"];
        assert_eq!(e["code"], "InvalidParameter", "{prop}={value}");
        assert_eq!(e["target"], target, "{prop}={value}");
    }
    // A nested limit, inside a cluster's pool profile.
    let mut body = cluster_body("c2");
    body["properties"]["agentPoolProfiles"][0]["upgradeSettings"] =
        json!({"drainTimeoutInMinutes": 0});
    let r = send(&emu, "PUT", &cluster_path("c2"), Some(&body));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body.unwrap()["error"]["target"],
        "properties.agentPoolProfiles[0].upgradeSettings.drainTimeoutInMinutes"
    );
    // The edges are allowed.
    let mut body = pool_body(1, "Standard_D4s_v5");
    body["properties"]["osDiskSizeGB"] = json!(2048);
    body["properties"]["maxPods"] = json!(250);
    assert_eq!(
        send(&emu, "PUT", &pool_path("c1", "np1"), Some(&body)).status,
        201
    );
}

#[test]
fn operations_carry_no_retry_after_unless_the_fault_asks() {
    // Default: no Retry-After on the PUT, the poll, or a DELETE.
    let emu = emulator("op-delay=1h");
    let put = send(&emu, "PUT", &cluster_path("c1"), Some(&cluster_body("c1")));
    assert_eq!(put.status, 201);
    assert_eq!(header(&put, "Retry-After"), None);
    let poll = send(
        &emu,
        "GET",
        header(&put, "Azure-AsyncOperation").unwrap(),
        None,
    );
    assert_eq!(poll.status, 200);
    assert_eq!(header(&poll, "Retry-After"), None);

    let emu = emulator("op-delay=1h,op-retry-after=7");
    let put = send(&emu, "PUT", &cluster_path("c1"), Some(&cluster_body("c1")));
    assert_eq!(header(&put, "Retry-After"), Some("7"));
    let poll = send(
        &emu,
        "GET",
        header(&put, "Azure-AsyncOperation").unwrap(),
        None,
    );
    assert_eq!(poll.body.as_ref().unwrap()["status"], "InProgress");
    assert_eq!(header(&poll, "Retry-After"), Some("7"));
}

#[test]
fn a_failed_operation_reports_azures_status_shape() {
    let emu = emulator("fail-lro");
    let put = send(&emu, "PUT", &cluster_path("c1"), Some(&cluster_body("c1")));
    assert_eq!(put.status, 201);
    let poll = send(
        &emu,
        "GET",
        header(&put, "Azure-AsyncOperation").unwrap(),
        None,
    );
    assert_eq!(poll.status, 200);
    let body = poll.body.unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["name", "status", "startTime", "endTime", "error"]);
    assert_eq!(body["status"], "Failed");
    assert!(body["error"]["code"]
        .as_str()
        .is_some_and(|c| !c.is_empty()));
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert!(body.get("percentComplete").is_none());
    let cluster = send(&emu, "GET", &cluster_path("c1"), None);
    assert_eq!(
        cluster.body.unwrap()["properties"]["provisioningState"],
        "Failed"
    );
}

#[test]
fn a_delete_is_202_with_signed_urls_then_the_resource_is_gone() {
    let emu = with_cluster("");
    let del = send(&emu, "DELETE", &cluster_path("c1"), None);
    assert_eq!(del.status, 202);
    assert!(del.body.is_none());
    let op = header(&del, "Azure-AsyncOperation").unwrap().to_string();
    let loc = header(&del, "Location").unwrap().to_string();
    for url in [&op, &loc] {
        assert!(
            url.starts_with("https://management.azure.com/subscriptions/"),
            "{url}"
        );
        for k in ["t=", "c=", "s=", "h="] {
            assert!(url.contains(&format!("&{k}")), "{k} missing in {url}");
        }
    }
    assert!(op.contains("/operations/") && loc.contains("/operationresults/"));
    assert_eq!(header(&del, "Retry-After"), None);

    let status = send(&emu, "GET", &op, None);
    assert_eq!(status.status, 200);
    let body = status.body.unwrap();
    assert_eq!(body["status"], "Succeeded");
    assert!(body["startTime"].is_string() && body["endTime"].is_string());
    assert_eq!(send(&emu, "GET", &loc, None).status, 204);

    let gone = send(&emu, "GET", &cluster_path("c1"), None);
    assert_eq!(gone.status, 404);
    assert_eq!(code(&gone), "ResourceNotFound");
    assert_eq!(header(&gone, "x-ms-failure-cause"), Some("gateway"));

    // An altered signature is refused.
    let tampered = op.replace("&s=", "&s=x");
    assert_eq!(send(&emu, "GET", &tampered, None).status, 401);
}

#[test]
fn a_pool_delete_is_202_then_404() {
    let emu = with_cluster("");
    send(
        &emu,
        "PUT",
        &pool_path("c1", "np1"),
        Some(&pool_body(1, "Standard_D4s_v5")),
    );
    let del = send(&emu, "DELETE", &pool_path("c1", "np1"), None);
    assert_eq!(del.status, 202);
    let status = send(
        &emu,
        "GET",
        header(&del, "Azure-AsyncOperation").unwrap(),
        None,
    );
    assert_eq!(status.body.unwrap()["status"], "Succeeded");
    let gone = send(&emu, "GET", &pool_path("c1", "np1"), None);
    assert_eq!(gone.status, 404);
}

fn usages(emu: &Shared, region: &str) -> Value {
    let path = format!("/subscriptions/{SUB}/providers/Microsoft.Compute/locations/{region}/usages?api-version=2024-11-01");
    let r = send(emu, "GET", &path, None);
    assert_eq!(r.status, 200);
    r.body.unwrap()
}

fn current(usages: &Value, name: &str) -> (i64, i64) {
    let u = usages["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"]["value"] == name)
        .unwrap();
    (
        u["currentValue"].as_i64().unwrap(),
        u["limit"].as_i64().unwrap(),
    )
}

#[test]
fn usages_follow_the_pools_created_until_the_quota_is_exhausted() {
    let emu = with_cluster("enforce-quota");
    // The system pool: 1 × Standard_D4s_v5 (4 vCPUs, DSv5 family).
    let u = usages(&emu, "eastus");
    assert_eq!(current(&u, "standardDSv5Family"), (4, 1000));
    assert_eq!(current(&u, "cores").0, 4);
    assert_eq!(current(&u, "virtualMachineScaleSets").0, 1);
    // Another region is untouched.
    assert_eq!(current(&usages(&emu, "westus"), "cores").0, 0);

    // 2 × NC4as_T4_v3 = 8 vCPUs: exactly the T4 family's eastus limit.
    let r = send(
        &emu,
        "PUT",
        &pool_path("c1", "gpu"),
        Some(&pool_body(2, "Standard_NC4as_T4_v3")),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    let u = usages(&emu, "eastus");
    assert_eq!(current(&u, "standardNCASv3_T4Family"), (8, 8));
    assert_eq!(current(&u, "cores").0, 12);
    assert_eq!(current(&u, "virtualMachines").0, 3);

    // The quota is exhausted: one more GPU node is refused as AKS refuses it,
    // and nothing changes.
    let r = send(
        &emu,
        "PUT",
        &pool_path("c1", "gpu2"),
        Some(&pool_body(1, "Standard_NC4as_T4_v3")),
    );
    assert_eq!(r.status, 400);
    assert_eq!(code(&r), "ErrCode_InsufficientVCPUQuota");
    assert!(r.body.unwrap()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("standardNCASv3_T4Family"));
    assert_eq!(
        send(&emu, "GET", &pool_path("c1", "gpu2"), None).status,
        404
    );
    assert_eq!(
        current(&usages(&emu, "eastus"), "standardNCASv3_T4Family").0,
        8
    );

    // Without `enforce-quota` the write goes through (usages still count it).
    let lax = with_cluster("");
    send(
        &lax,
        "PUT",
        &pool_path("c1", "gpu"),
        Some(&pool_body(2, "Standard_NC4as_T4_v3")),
    );
    let r = send(
        &lax,
        "PUT",
        &pool_path("c1", "gpu2"),
        Some(&pool_body(1, "Standard_NC4as_T4_v3")),
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        current(&usages(&lax, "eastus"), "standardNCASv3_T4Family"),
        (12, 8)
    );

    // Scaling down frees quota; deleting the pool gives it back.
    let r = send(
        &emu,
        "PUT",
        &pool_path("c1", "gpu"),
        Some(&pool_body(1, "Standard_NC4as_T4_v3")),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        current(&usages(&emu, "eastus"), "standardNCASv3_T4Family").0,
        4
    );
    assert_eq!(
        send(&emu, "DELETE", &pool_path("c1", "gpu"), None).status,
        202
    );
    // The next request sees the finished delete.
    assert_eq!(
        current(&usages(&emu, "eastus"), "standardNCASv3_T4Family").0,
        0
    );
}
