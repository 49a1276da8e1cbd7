//! The emulator against real Azure traffic: every request body the Azure CLI
//! sent in the recordings kept in `tests/fixtures/recordings` (see SOURCES.md)
//! is accepted at its recorded api-version, and the answer has the recorded
//! shape: the recorded status, an absolute `https://management.azure.com`
//! operation URL with a signed query, no `Retry-After`, and every top-level
//! property the recorded response body had.

use aksos_emulator::faults::Faults;
use aksos_emulator::routes::{EmuRequest, EmuResponse};
use aksos_emulator::rules::{FEATURE_NAMESPACE, PROVIDER_NAMESPACE};
use aksos_emulator::state::{key, FeatureRec, ProviderRec, State};
use aksos_emulator::Shared;
use serde_json::Value;

fn recordings() -> Vec<(String, Value)> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/recordings"
    );
    let mut out = vec![];
    for e in std::fs::read_dir(dir).expect("recordings") {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), v));
        }
    }
    out
}

/// Every preview feature Registered and the provider re-registered after.
fn registered(sub: &str) -> State {
    let mut s = State::default();
    for f in aksos_emulator::rules::features() {
        s.features.insert(
            key(&[sub, FEATURE_NAMESPACE, f]),
            FeatureRec {
                namespace: FEATURE_NAMESPACE.into(),
                name: f.into(),
                state: "Registered".into(),
                since_ms: 0,
                registered_ms: Some(0),
            },
        );
    }
    s.providers.insert(
        key(&[sub, PROVIDER_NAMESPACE]),
        ProviderRec {
            namespace: PROVIDER_NAMESPACE.into(),
            state: "Registered".into(),
            since_ms: 1,
            registered_ms: Some(1),
        },
    );
    s
}

fn send(shared: &Shared, method: &str, uri: &str, body: Option<&Value>) -> EmuResponse {
    let url = uri
        .strip_prefix("https://management.azure.com")
        .unwrap_or(uri);
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    shared.handle(EmuRequest {
        method: method.into(),
        path: path.into(),
        query: query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        authorization: Some("Bearer t".into()),
        body: body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default(),
        base: "http://127.0.0.1:1".into(),
        if_none_match: None,
        if_match: None,
    })
}

fn header<'a>(r: &'a EmuResponse, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn every_recorded_az_put_is_accepted_and_answered_in_the_recorded_shape() {
    let mut puts = 0;
    for (file, rec) in recordings() {
        let interactions = rec["interactions"].as_array().unwrap();
        if !interactions.iter().any(|i| {
            i["request"]["uri"]
                .as_str()
                .unwrap()
                .contains("/managedClusters/")
        }) {
            continue;
        }
        let shared = Shared::new(
            registered("00000000-0000-0000-0000-000000000000"),
            Faults::instant(),
            None,
        );
        for i in interactions {
            let (req, resp) = (&i["request"], &i["response"]);
            let uri = req["uri"].as_str().unwrap();
            let method = req["method"].as_str().unwrap();
            let is_resource = uri.contains("/managedClusters/") && !uri.contains("/operations/");
            let path = uri.split('?').next().unwrap();
            let is_cluster = path.rsplit('/').nth(1) == Some("managedClusters");
            if method == "GET" && is_cluster && resp["status"] == 200 {
                // A cluster that exists before the recording starts: create it
                // from what Azure answered (read-only properties are ignored).
                let exists = send(&shared, "GET", uri, None);
                if exists.status == 404 {
                    let made = send(&shared, "PUT", uri, Some(&resp["body"]));
                    assert!(
                        made.status < 300,
                        "{file}: seeding from GET: {:?}",
                        made.body
                    );
                }
                continue;
            }
            if method != "PUT" || !is_resource {
                continue;
            }
            if path.contains("/agentPools/") {
                // The recording may start after the cluster was made: make one.
                let cluster = path.rsplitn(3, '/').nth(2).unwrap();
                let api = uri.split("api-version=").nth(1).unwrap();
                let curl = format!("{cluster}?api-version={api}");
                if send(&shared, "GET", &curl, None).status == 404 {
                    let minimal = serde_json::json!({
                        "location": "eastus2euap",
                        "properties": {"dnsPrefix": "seed", "agentPoolProfiles": [
                            {"name": "nodepool1", "mode": "System", "count": 1, "vmSize": "Standard_D4s_v5"}
                        ]}
                    });
                    let made = send(&shared, "PUT", &curl, Some(&minimal));
                    assert_eq!(
                        made.status, 201,
                        "{file}: seeding a cluster: {:?}",
                        made.body
                    );
                }
            }
            puts += 1;
            let got = send(&shared, "PUT", uri, Some(&req["body"]));
            let body = got.body.clone().unwrap_or_default();
            assert_eq!(
                got.status,
                resp["status"].as_u64().unwrap() as u16,
                "{file} PUT {uri}: {body}"
            );
            let op = header(&got, "Azure-AsyncOperation").expect("Azure-AsyncOperation");
            assert!(op.starts_with("https://management.azure.com/"), "{op}");
            for q in ["api-version=", "&t=", "&c=", "&s=", "&h="] {
                assert!(op.contains(q), "{q} in {op}");
            }
            assert!(
                header(&got, "Retry-After").is_none(),
                "{file}: no Retry-After on AKS PUT"
            );
            let recorded = resp["body"].as_object().unwrap();
            for k in recorded.keys() {
                assert!(
                    body.get(k).is_some(),
                    "{file}: top-level {k} missing from {body}"
                );
            }
            // Pools: every property Azure answered. Clusters: the server
            // defaults (profiles such as networkProfile or storageProfile are
            // not emulated).
            let is_pool = path.contains("/agentPools/");
            let cluster_defaults = [
                "provisioningState",
                "powerState",
                "kubernetesVersion",
                "currentKubernetesVersion",
                "dnsPrefix",
                "fqdn",
                "azurePortalFQDN",
                "agentPoolProfiles",
                "nodeResourceGroup",
                "enableRBAC",
                "supportPlan",
                "maxAgentPools",
                "resourceUID",
            ];
            for k in recorded["properties"].as_object().unwrap().keys() {
                if !is_pool && !cluster_defaults.contains(&k.as_str()) {
                    continue;
                }
                assert!(
                    body["properties"].get(k).is_some(),
                    "{file}: properties.{k} missing from the emulator's answer"
                );
            }
        }
    }
    assert!(puts >= 3, "recorded PUTs replayed: {puts}");
}
