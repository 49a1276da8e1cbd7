//! The emulator is not a mirror of the client. Each test changes one catalog
//! fact on purpose — in a copy of a catalog row made here, never in the shipped
//! table — lets that wrong belief pick what to send, and shows the emulator
//! refusing it as AKS would. Had the emulator read the client's catalog, it
//! would have agreed with the mistake.

use aksos::core::catalog::{self, ApiChannel, Minor, OsSku};
use aksos::emulator::routes::{EmuRequest, EmuResponse};
use aksos::emulator::{faults::Faults, state::State, Shared};
use serde_json::json;

const CLUSTER: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1";

fn send(shared: &Shared, path: &str, api: &str, body: serde_json::Value) -> EmuResponse {
    shared.handle(EmuRequest {
        method: "PUT".into(),
        path: path.into(),
        query: [("api-version".to_string(), api.to_string())].into(),
        authorization: Some("Bearer t".into()),
        body: serde_json::to_vec(&body).unwrap(),
        base: "http://127.0.0.1:1".into(),
        if_none_match: None,
        if_match: None,
    })
}

/// An emulator with cluster c1 on Kubernetes `version`.
fn with_cluster(version: &str) -> Shared {
    let shared = Shared::new(State::default(), Faults::instant(), None);
    let made = send(
        &shared,
        CLUSTER,
        catalog::api_version::AKS_STABLE,
        json!({"location": "eastus", "properties": {"kubernetesVersion": version, "dnsPrefix": "c1",
            "agentPoolProfiles": [{"name": "sys", "mode": "System", "count": 1, "vmSize": "Standard_D4s_v5"}]}}),
    );
    assert_eq!(made.status, 201, "{:?}", made.body);
    shared
}

/// What a client believing `row` sends for a pool of that SKU on `version`.
fn pool_put(shared: &Shared, row: &OsSku, version: Minor) -> EmuResponse {
    let body = json!({"properties": {"osSKU": row.api_value, "mode": "User", "count": 1,
        "vmSize": "Standard_D4s_v5", "orchestratorVersion": version.to_string()}});
    send(
        shared,
        &format!("{CLUSTER}/agentPools/np1"),
        row.api_version(),
        body,
    )
}

fn refused_at(resp: &EmuResponse, target: &str) {
    let body = resp.body.clone().unwrap_or_default();
    assert_eq!(resp.status, 400, "{body}");
    assert!(
        body["error"]["target"]
            .as_str()
            .unwrap_or_default()
            .ends_with(target),
        "{target}: {body}"
    );
}

#[test]
fn a_too_low_minimum_kubernetes_in_the_catalog_is_refused_by_the_emulator() {
    let mut wrong = catalog::find("Ubuntu2604").unwrap().clone();
    wrong.min_kubernetes = Some(Minor(1, 30));
    let v = Minor(1, 32);
    assert!(
        wrong.supports_kubernetes(v),
        "the wrong belief lets 1.32 through"
    );
    assert!(!catalog::find("Ubuntu2604").unwrap().supports_kubernetes(v));
    let shared = with_cluster("1.37");
    refused_at(&pool_put(&shared, &wrong, v), "orchestratorVersion");
}

#[test]
fn a_too_high_maximum_kubernetes_in_the_catalog_is_refused_by_the_emulator() {
    let mut wrong = catalog::find("Ubuntu2204").unwrap().clone();
    wrong.max_kubernetes = Some(Minor(1, 40));
    let v = Minor(1, 37);
    assert!(wrong.supports_kubernetes(v));
    let shared = with_cluster("1.37");
    refused_at(&pool_put(&shared, &wrong, v), "orchestratorVersion");
}

#[test]
fn a_wrong_api_channel_in_the_catalog_is_refused_by_the_emulator() {
    // Flatcar is in preview osSKU enums only; a catalog that says "stable"
    // sends it at the stable api-version, whose enum lacks it.
    let mut wrong = catalog::find("Flatcar").unwrap().clone();
    wrong.api_channel = ApiChannel::Stable;
    let shared = with_cluster("1.35");
    refused_at(&pool_put(&shared, &wrong, Minor(1, 35)), "osSKU");
}

#[test]
fn a_wrong_fips_fact_in_the_catalog_is_refused_by_the_emulator() {
    // Ubuntu 24.04 has no FIPS image: a catalog claiming one sends enableFIPS.
    let row = catalog::find("Ubuntu2404").unwrap();
    let shared = with_cluster("1.35");
    let body = json!({"properties": {"osSKU": row.api_value, "mode": "User", "count": 1,
        "vmSize": "Standard_D4s_v5", "enableFIPS": true}});
    let resp = send(
        &shared,
        &format!("{CLUSTER}/agentPools/np1"),
        row.api_version(),
        body,
    );
    refused_at(&resp, "enableFIPS");
}
