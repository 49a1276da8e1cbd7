//! Typed serde models for the few ARM resources aksos touches, at the api-versions
//! in `arm-specs/`. Every struct keeps unknown fields in `extra` and every enum-like
//! field is a `String`, so a new `osSKU` or state round-trips instead of failing.
//! Request bodies are built from the same structs: `None` fields are not sent, so
//! a body carries only what we set (read-only fields stay out). That rule is
//! written once per struct (`#[serde_with::skip_serializing_none]`), not on
//! every field; a missing field reads as `None` without any attribute.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

type Extra = Map<String, Value>;

/// An ARM object as aksos models it: camelCase names, `None` fields not sent
/// (`skip_serializing_none`), and every field aksos does not name kept in
/// `extra`, so it round-trips. Written once here instead of on every struct.
macro_rules! arm_object {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $f:ident: $t:ty,)* }) => {
        $(#[$m])*
        #[serde_with::skip_serializing_none]
        #[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $($(#[$fm])* pub $f: $t,)*
            #[serde(flatten)]
            pub extra: Extra,
        }
    };
}

/// `FeatureResult` (Microsoft.Features).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Feature {
    pub name: Option<String>,
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub properties: FeatureProperties,
    #[serde(flatten)]
    pub extra: Extra,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FeatureProperties {
    pub state: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Feature {
    pub fn state(&self) -> &str {
        self.properties.state.as_deref().unwrap_or("Unknown")
    }
    /// States are open strings compared case-insensitively (the spec shows "registered").
    pub fn is_registered(&self) -> bool {
        self.state().eq_ignore_ascii_case("Registered")
    }
    /// Still moving toward Registered (Registering, Pending).
    pub fn is_pending(&self) -> bool {
        ["Registering", "Pending"]
            .iter()
            .any(|s| self.state().eq_ignore_ascii_case(s))
    }
}

arm_object! {
    /// `Provider` (Microsoft.Resources).
    pub struct Provider {
        pub id: Option<String>,
        pub namespace: Option<String>,
        pub registration_state: Option<String>,
        pub registration_policy: Option<String>,
    }
}

impl Provider {
    pub fn state(&self) -> &str {
        self.registration_state.as_deref().unwrap_or("Unknown")
    }
    pub fn is_registered(&self) -> bool {
        self.state().eq_ignore_ascii_case("Registered")
    }
}

/// A page of a pageable list (`{value, nextLink}`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    pub next_link: Option<String>,
}

arm_object! {
    /// `AgentPoolSecurityProfile`.
    pub struct AgentPoolSecurityProfile {
        #[serde(rename = "enableVTPM")]
        pub enable_vtpm: Option<bool>,
        pub enable_secure_boot: Option<bool>,
        pub ssh_access: Option<String>,
    }
}

arm_object! {
    /// `ManagedClusterAgentPoolProfileProperties`: the properties of an agent pool,
    /// shared by the AgentPool resource and the cluster's `agentPoolProfiles`.
    pub struct AgentPoolProperties {
        pub count: Option<i64>,
        pub vm_size: Option<String>,
        #[serde(rename = "osDiskType")]
        pub os_disk_type: Option<String>,
        pub os_type: Option<String>,
        /// Note the capital SKU: `osSKU` (the snapshot model's `osSku` is different).
        #[serde(rename = "osSKU")]
        pub os_sku: Option<String>,
        pub mode: Option<String>,
        #[serde(rename = "type")]
        pub pool_type: Option<String>,
        pub orchestrator_version: Option<String>,
        pub current_orchestrator_version: Option<String>,
        #[serde(rename = "enableFIPS")]
        pub enable_fips: Option<bool>,
        pub security_profile: Option<AgentPoolSecurityProfile>,
        pub node_labels: Option<BTreeMap<String, String>>,
        pub node_taints: Option<Vec<String>>,
        pub availability_zones: Option<Vec<String>>,
        pub max_pods: Option<i64>,
        pub enable_auto_scaling: Option<bool>,
        pub min_count: Option<i64>,
        pub max_count: Option<i64>,
        #[serde(rename = "vnetSubnetID")]
        pub vnet_subnet_id: Option<String>,
        #[serde(rename = "osDiskSizeGB")]
        pub os_disk_size_gb: Option<i64>,
        #[serde(rename = "podSubnetID")]
        pub pod_subnet_id: Option<String>,
        pub scale_set_priority: Option<String>,
        pub scale_set_eviction_policy: Option<String>,
        pub spot_max_price: Option<f64>,
        pub upgrade_settings: Option<UpgradeSettings>,
        pub tags: Option<BTreeMap<String, String>>,
        #[serde(rename = "enableNodePublicIP")]
        pub enable_node_public_ip: Option<bool>,
        pub enable_encryption_at_host: Option<bool>,
        pub scale_down_mode: Option<String>,
        pub provisioning_state: Option<String>,
    }
}

/// `AgentPool` resource.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AgentPool {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub properties: AgentPoolProperties,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `ManagedClusterAgentPoolProfile`: a pool inside the cluster body (name + properties).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AgentPoolProfile {
    pub name: String,
    #[serde(flatten)]
    pub properties: AgentPoolProperties,
}

arm_object! {
    /// `AgentPoolUpgradeSettings`.
    pub struct UpgradeSettings {
        pub max_surge: Option<String>,
        pub max_unavailable: Option<String>,
        pub drain_timeout_in_minutes: Option<i64>,
        pub node_soak_duration_in_minutes: Option<i64>,
    }
}

arm_object! {
    /// `ContainerServiceNetworkProfile` (the fields aksos sets).
    pub struct NetworkProfile {
        pub network_plugin: Option<String>,
        pub network_plugin_mode: Option<String>,
        pub network_dataplane: Option<String>,
        pub network_policy: Option<String>,
        pub pod_cidr: Option<String>,
        pub service_cidr: Option<String>,
        #[serde(rename = "dnsServiceIP")]
        pub dns_service_ip: Option<String>,
        pub outbound_type: Option<String>,
        pub load_balancer_sku: Option<String>,
    }
}

arm_object! {
    /// `ManagedClusterAPIServerAccessProfile`.
    pub struct ApiServerAccessProfile {
        #[serde(rename = "authorizedIPRanges")]
        pub authorized_ip_ranges: Option<Vec<String>>,
        pub enable_private_cluster: Option<bool>,
    }
}

arm_object! {
    /// `ManagedClusterSKU`.
    pub struct ClusterSku {
        pub name: Option<String>,
        pub tier: Option<String>,
    }
}

arm_object! {
    /// `ManagedClusterAADProfile`.
    pub struct AadProfile {
        pub managed: Option<bool>,
        #[serde(rename = "enableAzureRBAC")]
        pub enable_azure_rbac: Option<bool>,
        #[serde(rename = "adminGroupObjectIDs")]
        pub admin_group_object_ids: Option<Vec<String>>,
    }
}

arm_object! {
    /// `ManagedClusterOIDCIssuerProfile`.
    pub struct OidcIssuerProfile {
        pub enabled: Option<bool>,
    }
}

arm_object! {
    /// `ManagedClusterSecurityProfileWorkloadIdentity`.
    pub struct WorkloadIdentity {
        pub enabled: Option<bool>,
    }
}

arm_object! {
    /// `ManagedClusterSecurityProfile` (the fields aksos sets).
    pub struct ClusterSecurityProfile {
        pub workload_identity: Option<WorkloadIdentity>,
    }
}

arm_object! {
    /// `ContainerServiceSshPublicKey`.
    pub struct SshPublicKey {
        pub key_data: Option<String>,
    }
}

arm_object! {
    /// `ContainerServiceSshConfiguration`.
    pub struct SshConfiguration {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub public_keys: Vec<SshPublicKey>,
    }
}

arm_object! {
    /// `ContainerServiceLinuxProfile`.
    pub struct LinuxProfile {
        pub admin_username: Option<String>,
        pub ssh: Option<SshConfiguration>,
    }
}

arm_object! {
    /// `ManagedClusterAutoUpgradeProfile`.
    pub struct AutoUpgradeProfile {
        pub upgrade_channel: Option<String>,
        #[serde(rename = "nodeOSUpgradeChannel")]
        pub node_os_upgrade_channel: Option<String>,
    }
}

arm_object! {
    /// `ManagedClusterProperties` (the fields aksos reads or writes; the rest in `extra`).
    pub struct ManagedClusterProperties {
        pub kubernetes_version: Option<String>,
        pub current_kubernetes_version: Option<String>,
        pub dns_prefix: Option<String>,
        pub agent_pool_profiles: Option<Vec<AgentPoolProfile>>,
        pub auto_upgrade_profile: Option<AutoUpgradeProfile>,
        pub network_profile: Option<NetworkProfile>,
        pub api_server_access_profile: Option<ApiServerAccessProfile>,
        pub aad_profile: Option<AadProfile>,
        pub oidc_issuer_profile: Option<OidcIssuerProfile>,
        pub security_profile: Option<ClusterSecurityProfile>,
        pub linux_profile: Option<LinuxProfile>,
        pub disable_local_accounts: Option<bool>,
        pub provisioning_state: Option<String>,
    }
}

/// `ManagedClusterIdentity` (only the type is written).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ClusterIdentity {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Identity ARM id → `{}` when sent (Azure fills principal and client ids).
    #[serde(rename = "userAssignedIdentities")]
    pub user_assigned_identities: Option<BTreeMap<String, Map<String, Value>>>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `ManagedCluster` resource (TrackedResource: `location` required).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ManagedCluster {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub location: String,
    pub tags: Option<BTreeMap<String, String>>,
    pub identity: Option<ClusterIdentity>,
    pub sku: Option<ClusterSku>,
    #[serde(default)]
    pub properties: ManagedClusterProperties,
    #[serde(flatten)]
    pub extra: Extra,
}

impl ManagedCluster {
    /// The Kubernetes minor the cluster runs (current, else requested).
    pub fn kubernetes_version(&self) -> Option<&str> {
        self.properties
            .current_kubernetes_version
            .as_deref()
            .or(self.properties.kubernetes_version.as_deref())
    }
    pub fn node_os_upgrade_channel(&self) -> Option<&str> {
        self.properties
            .auto_upgrade_profile
            .as_ref()?
            .node_os_upgrade_channel
            .as_deref()
    }
}

arm_object! {
    /// One entry of `kubernetesVersions` (`values`, not `value`; no paging).
    pub struct KubernetesVersion {
        pub version: String,
        pub is_default: Option<bool>,
        pub is_preview: Option<bool>,
        pub patch_versions: Option<Map<String, Value>>,
    }
}

/// `KubernetesVersionListResult`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KubernetesVersionList {
    #[serde(default)]
    pub values: Vec<KubernetesVersion>,
    #[serde(flatten)]
    pub extra: Extra,
}

arm_object! {
    /// `OperationStatusResult` (common-types v6 + AKS's operationType).
    pub struct OperationStatus {
        pub id: Option<String>,
        pub name: Option<String>,
        #[serde(default)]
        pub status: String,
        /// Kept as the JSON number it was (40 stays 40, not 40.0).
        pub percent_complete: Option<serde_json::Number>,
        pub start_time: Option<String>,
        pub end_time: Option<String>,
        pub error: Option<crate::arm::ErrorDetail>,
    }
}

/// Terminal state of a long-running operation (compared case-insensitively).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terminal {
    Succeeded,
    Failed,
    Canceled,
}

impl OperationStatus {
    pub fn percent(&self) -> Option<f64> {
        self.percent_complete.as_ref().and_then(|n| n.as_f64())
    }

    pub fn terminal(&self) -> Option<Terminal> {
        terminal_state(&self.status)
    }
}

/// Maps a status or provisioningState string to a terminal state, if it is one.
pub fn terminal_state(s: &str) -> Option<Terminal> {
    if s.eq_ignore_ascii_case("Succeeded") {
        Some(Terminal::Succeeded)
    } else if s.eq_ignore_ascii_case("Failed") {
        Some(Terminal::Failed)
    } else if s.eq_ignore_ascii_case("Canceled") || s.eq_ignore_ascii_case("Cancelled") {
        Some(Terminal::Canceled)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn none_fields_are_not_sent_and_missing_fields_read_as_none() {
        let pool = AgentPool {
            name: Some("np".into()),
            properties: AgentPoolProperties {
                os_sku: Some("AzureLinux".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let body = serde_json::to_value(&pool).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"name": "np", "properties": {"osSKU": "AzureLinux"}})
        );
        let back: AgentPool = serde_json::from_value(body).unwrap();
        assert_eq!(back, pool);
        assert_eq!(back.properties.vm_size, None);
    }

    use super::*;

    fn spec(path: &str) -> Value {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/arm-specs")
            .join(path);
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p:?}: {e}")))
            .unwrap()
    }

    /// Parses `v` as `T`, serialises it back, and checks nothing was lost.
    fn round_trip<T: serde::de::DeserializeOwned + Serialize>(v: &Value) -> T {
        let t: T = serde_json::from_value(v.clone()).expect("parses");
        assert_eq!(&serde_json::to_value(&t).unwrap(), v, "round trip");
        t
    }

    #[test]
    fn agent_pool_examples_parse_and_round_trip() {
        let ex = spec("containerservice/2026-08-01/examples/AgentPoolsCreate_OSSKU.json");
        let body = &ex["parameters"]["parameters"];
        let pool: AgentPool = round_trip(body);
        assert_eq!(pool.properties.os_sku.as_deref(), Some("AzureLinux"));
        for code in ["200", "201"] {
            let resp: AgentPool = round_trip(&ex["responses"][code]["body"]);
            assert!(resp.properties.provisioning_state.is_some());
        }
        let fips = spec("containerservice/2026-08-01/examples/AgentPoolsCreate_EnableFIPS.json");
        let pool: AgentPool = round_trip(&fips["parameters"]["parameters"]);
        assert_eq!(pool.properties.enable_fips, Some(true));
        let eph = spec("containerservice/2026-08-01/examples/AgentPoolsCreate_Ephemeral.json");
        let pool: AgentPool = round_trip(&eph["parameters"]["parameters"]);
        assert_eq!(pool.properties.os_disk_type.as_deref(), Some("Ephemeral"));
        let list = spec("containerservice/2026-08-01/examples/AgentPoolsList.json");
        let page: Page<AgentPool> = round_trip(&list["responses"]["200"]["body"]);
        assert!(!page.value.is_empty());
        let get = spec("containerservice/2026-08-01/examples/AgentPoolsGet.json");
        let _: AgentPool = round_trip(&get["responses"]["200"]["body"]);
    }

    #[test]
    fn cluster_example_parses_and_round_trips() {
        let ex = spec("containerservice/2026-08-01/examples/ManagedClustersCreate_OSSKU.json");
        let mc: ManagedCluster = round_trip(&ex["parameters"]["parameters"]);
        let pools = mc.properties.agent_pool_profiles.as_ref().unwrap();
        assert_eq!(pools[0].properties.os_sku.as_deref(), Some("AzureLinux"));
        let resp: ManagedCluster = round_trip(&ex["responses"]["200"]["body"]);
        assert_eq!(
            resp.properties.provisioning_state.as_deref(),
            Some("Succeeded")
        );
    }

    #[test]
    fn feature_provider_and_operation_examples_parse() {
        let f = spec("features/2025-03-01/examples/getFeature.json");
        let feat: Feature = round_trip(&f["responses"]["200"]["body"]);
        assert!(feat.is_registered(), "lower-case 'registered' counts");
        let l = spec("features/2025-03-01/examples/listProviderFeatures.json");
        let _: Page<Feature> = round_trip(&l["responses"]["200"]["body"]);
        let r = spec("features/2021-07-01/examples/registerFeature.json");
        let _: Feature = round_trip(&r["responses"]["200"]["body"]);
        let p = spec("resources/2025-04-01/examples/GetProvider.json");
        let prov: Provider = round_trip(&p["responses"]["200"]["body"]);
        assert_eq!(prov.state(), "Registering");
        let o = spec("containerservice/2026-08-02-preview/examples/OperationStatusResultGet.json");
        let op: OperationStatus = round_trip(&o["responses"]["200"]["body"]);
        assert_eq!(op.terminal(), None, "InProgress is not terminal");
    }

    #[test]
    fn unknown_values_and_fields_round_trip() {
        let v = serde_json::json!({
            "name": "np",
            "properties": {"osSKU": "SomeFutureOS", "count": 2, "newField": {"a": [1]}},
            "brandNew": true
        });
        let pool: AgentPool = round_trip(&v);
        assert_eq!(pool.properties.os_sku.as_deref(), Some("SomeFutureOS"));
    }

    #[test]
    fn terminal_states_are_case_insensitive() {
        assert_eq!(terminal_state("succeeded"), Some(Terminal::Succeeded));
        assert_eq!(terminal_state("FAILED"), Some(Terminal::Failed));
        assert_eq!(terminal_state("Canceled"), Some(Terminal::Canceled));
        assert_eq!(terminal_state("InProgress"), None);
    }
}
