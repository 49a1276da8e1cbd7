//! How Azure answers, beyond what the specs say: the absolute, signed
//! operation URLs AKS hands out, the intermediate statuses of its operations,
//! and the server defaults a GET shows. Each piece is modelled on responses
//! recorded from real Azure by the Azure CLI's scenario tests
//! (`tests/fixtures/recordings`, see SOURCES.md there).

use serde_json::{json, Map, Value};

/// The host AKS puts in `Azure-AsyncOperation`, `Location` and `nextLink`
/// (clients re-base it onto the endpoint they use).
pub const MANAGEMENT_HOST: &str = "https://management.azure.com";

/// The api-version AKS writes into operation URLs, whatever the request used
/// (recorded: a 2025-07-02-preview PUT answered with `…?api-version=2025-03-01&t=…`).
pub const OPERATION_API_VERSION: &str = "2025-03-01";

/// URL-safe base64 without padding (as the recorded `c`, `s`, `h` values).
fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Deterministic bytes from a seed (xorshift): stands in for a signature.
fn bytes(seed: &str, n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in seed.bytes() {
        x = (x ^ u64::from(b)).wrapping_mul(0x1000_0000_01B3);
    }
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// The signed query of an operation URL: `t` (.NET ticks), `c` (a ~1.6 KB
/// certificate), `s` (a 256-byte signature), `h` (a 32-byte hash) — about
/// 2.5 KB, like Azure's. [`signature_ok`] checks a client sent it back intact.
pub fn signed_query(op_id: &str, started_ms: u64) -> String {
    let ticks = 621_355_968_000_000_000u64 + started_ms * 10_000;
    format!(
        "api-version={OPERATION_API_VERSION}&t={ticks}&c={}&s={}&h={}",
        b64url(&bytes("certificate", 1200)),
        b64url(&bytes(&format!("s{op_id}{ticks}"), 256)),
        b64url(&bytes(&format!("h{op_id}{ticks}"), 32)),
    )
}

/// Whether `s` and `h` are the ones handed out for this operation.
pub fn signature_ok(op_id: &str, query: &std::collections::BTreeMap<String, String>) -> bool {
    let Some(ticks) = query.get("t") else {
        return false;
    };
    query.get("s") == Some(&b64url(&bytes(&format!("s{op_id}{ticks}"), 256)))
        && query.get("h") == Some(&b64url(&bytes(&format!("h{op_id}{ticks}"), 32)))
}

/// An operation URL (`operations` for `Azure-AsyncOperation`,
/// `operationresults` for `Location`).
pub fn op_url(sub: &str, location: &str, id: &str, kind: &str, started_ms: u64) -> String {
    format!(
        "{MANAGEMENT_HOST}/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/{kind}/{id}?{}",
        signed_query(id, started_ms)
    )
}

/// The statuses a running operation goes through, in order (recorded:
/// cluster create `InProgress` → `ProvisioningNetworkResources` →
/// `ProvisioningControlPlane`; pool create `InProgress` →
/// `CreatingAgentPool: 0/3 nodes completed`).
pub fn running_statuses(kind: &super::state::OpKind, nodes: u64) -> Vec<String> {
    use super::state::OpKind;
    match kind {
        OpKind::PutCluster => vec![
            "InProgress".into(),
            "ProvisioningNetworkResources".into(),
            "ProvisioningControlPlane".into(),
            format!("CreatingAgentPools: 0/{nodes} nodes completed"),
        ],
        OpKind::PutPool { .. } => vec![
            "InProgress".into(),
            format!("CreatingAgentPool: 0/{nodes} nodes completed"),
        ],
        _ => vec!["InProgress".into()],
    }
}

/// A default node image for a pool (the recorded shape `AKS<OS>-<variant>-<yyyymm.dd.n>`).
fn node_image(sku: &str) -> String {
    let variant = match sku.to_ascii_lowercase().as_str() {
        "azurelinux" | "azurelinux3" => "AKSAzureLinux-V3gen2",
        "azurelinuxosguard" => "AKSAzureLinux-V3OSGuardgen2fipsTL",
        "azurecontainerlinux" => "AKSAzureContainerLinux-gen2TL",
        "flatcar" => "AKSFlatcar-gen2",
        "ubuntu2404" => "AKSUbuntu-2404gen2containerd",
        "ubuntu2604" => "AKSUbuntu-2604gen2containerd",
        _ => "AKSUbuntu-2204gen2containerd",
    };
    format!("{variant}-202611.20.0")
}

fn fill(props: &mut Map<String, Value>, k: &str, v: Value) {
    let empty = match props.get(k) {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0) && k == "osDiskSizeGB",
        Some(Value::Object(o)) => o.is_empty() && k == "upgradeSettings",
        _ => false,
    };
    if empty {
        props.insert(k.into(), v);
    }
}

/// What AKS fills in on an agent pool (recorded GETs): disk, pods, image,
/// versions, power state, a fresh eTag.
pub fn pool_defaults(props: &mut Map<String, Value>, version: &str) {
    let sku = props
        .get("osSKU")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("Ubuntu")
        .to_string();
    fill(props, "count", json!(1));
    fill(props, "vmSize", json!("Standard_D8ds_v5"));
    fill(props, "osDiskSizeGB", json!(128));
    fill(props, "osDiskType", json!("Managed"));
    fill(props, "kubeletDiskType", json!("OS"));
    fill(props, "workloadRuntime", json!("OCIContainer"));
    fill(props, "maxPods", json!(250));
    fill(props, "type", json!("VirtualMachineScaleSets"));
    fill(props, "enableAutoScaling", json!(false));
    fill(props, "scaleDownMode", json!("Delete"));
    fill(props, "powerState", json!({"code": "Running"}));
    fill(props, "orchestratorVersion", json!(version));
    props.insert("currentOrchestratorVersion".into(), json!(version));
    fill(props, "enableNodePublicIP", json!(false));
    fill(props, "mode", json!("User"));
    fill(props, "enableEncryptionAtHost", json!(false));
    fill(props, "enableUltraSSD", json!(false));
    fill(props, "osType", json!("Linux"));
    fill(props, "osSKU", json!(sku));
    props.insert("nodeImageVersion".into(), json!(node_image(&sku)));
    fill(props, "upgradeSettings", json!({"maxSurge": "10%"}));
    fill(props, "enableFIPS", json!(false));
    fill(props, "networkProfile", json!({}));
    fill(props, "securityProfile", json!({"sshAccess": "LocalUser"}));
    props.insert("eTag".into(), json!(uuid::Uuid::new_v4().to_string()));
}

/// What AKS fills in on a managed cluster (recorded GETs).
pub fn cluster_defaults(body: &mut Map<String, Value>, rg: &str, name: &str, region: &str) {
    fill(body, "sku", json!({"name": "Base", "tier": "Free"}));
    body.insert("eTag".into(), json!(uuid::Uuid::new_v4().to_string()));
    let Some(props) = body.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    fill(props, "powerState", json!({"code": "Running"}));
    fill(
        props,
        "nodeResourceGroup",
        json!(format!("MC_{rg}_{name}_{region}")),
    );
    fill(props, "enableRBAC", json!(true));
    fill(props, "supportPlan", json!("KubernetesOfficial"));
    fill(props, "maxAgentPools", json!(100));
    fill(
        props,
        "resourceUID",
        json!(format!("{:x}", uuid::Uuid::new_v4().as_u128() >> 32)),
    );
    fill(
        props,
        "azurePortalFQDN",
        json!(format!("{name}-portal.hcp.{region}.azmk8s.io")),
    );
}

/// Properties a version shows that its stored body may lack: the preview
/// `upgradeStrategy` (2026-08-02-preview has it), and `enableCustomCATrust`
/// on previews before 2026 (recorded at 2025-07/08-02-preview; gone from the
/// 2026 specs).
pub fn shown_at(mut v: Value, api: &str) -> Value {
    let preview = api.ends_with("-preview");
    let legacy = preview && api < "2026-01-02-preview";
    let fix = |p: &mut Value| {
        if let Some(p) = p.as_object_mut() {
            if preview {
                p.entry("upgradeStrategy").or_insert(json!("Rolling"));
            }
            if legacy {
                p.entry("enableCustomCATrust").or_insert(json!(false));
            } else {
                p.remove("enableCustomCATrust");
            }
        }
    };
    if v["type"]
        .as_str()
        .is_some_and(|t| t.ends_with("agentPools"))
    {
        fix(&mut v["properties"]);
    } else if let Some(list) = v["properties"]["agentPoolProfiles"].as_array_mut() {
        list.iter_mut().for_each(fix);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_urls_look_like_azures_and_verify() {
        let url = op_url("s", "eastus", "op1", "operations", 1_700_000_000_000);
        assert!(url.starts_with("https://management.azure.com/subscriptions/s/"));
        assert!(url.len() > 2000, "{}", url.len());
        let q: std::collections::BTreeMap<String, String> = url
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert!(signature_ok("op1", &q));
        assert!(!signature_ok("op2", &q));
        assert_eq!(b64url(b"hello"), "aGVsbG8");
    }
}
