//! What the user asked for, validated: a [`ClusterRequest`] or [`NodePoolRequest`]
//! (filled by flags or by the wizard, checked by `preflight`), and the exact ARM
//! bodies they become. Bodies carry only what is set, with `osSKU` spelled as
//! the API spells it.

use super::body::BodyOps;
use super::input::{Kind, Problem};
use crate::arm::models::{
    AadProfile, AgentPool, AgentPoolProfile, AgentPoolProperties, AgentPoolSecurityProfile,
    ApiServerAccessProfile, AutoUpgradeProfile, ClusterIdentity, ClusterSecurityProfile,
    ClusterSku, LinuxProfile, ManagedCluster, ManagedClusterProperties, NetworkProfile,
    OidcIssuerProfile, SshConfiguration, SshPublicKey, UpgradeSettings, WorkloadIdentity,
};
use crate::core::catalog::{self, defaults, OsSku};
use serde_json::Value;
use std::collections::BTreeMap;

/// The body as sent: the typed body, then the raw writes (checked by
/// preflight already; a problem here is reported like preflight's).
fn with_ops(
    typed: Value,
    ops: &BodyOps,
    kind: Kind,
    api_version: &str,
) -> Result<(Value, Vec<String>), Vec<Problem>> {
    let mut body = typed;
    let warnings = ops.apply(&mut body, kind, api_version)?;
    Ok((body, warnings))
}

/// The settings of one pool, after catalog rules filled what the OS requires.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolSpec {
    pub name: String,
    /// The osSKU value as sent (canonical catalog spelling when known).
    pub os_sku: String,
    pub vm_size: String,
    pub count: i64,
    pub mode: String,
    /// Requested Kubernetes version (None: the cluster's / the newest the OS supports).
    pub kubernetes_version: Option<String>,
    pub enable_fips: bool,
    pub enable_secure_boot: bool,
    pub enable_vtpm: bool,
    pub os_disk_type: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<String>,
    /// Placement and scaling carried over from an existing pool (migrate).
    #[serde(skip_serializing_if = "PoolPlacement::is_empty")]
    pub placement: PoolPlacement,
    /// The production settings of the pool (subnets, spot, upgrades, ...).
    #[serde(skip_serializing_if = "PoolSettings::is_empty")]
    pub settings: PoolSettings,
}

/// A pool's settings beyond OS and placement, as checked by preflight; each
/// `None`/`false`/empty is left to AKS (and not sent).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PoolSettings {
    pub pod_subnet_id: Option<String>,
    pub os_disk_size_gb: Option<i64>,
    /// `Spot` or `Regular`.
    pub priority: Option<String>,
    pub eviction_policy: Option<String>,
    pub spot_max_price: Option<f64>,
    pub max_surge: Option<String>,
    pub max_unavailable: Option<String>,
    pub drain_timeout: Option<i64>,
    pub node_soak_duration: Option<i64>,
    pub tags: BTreeMap<String, String>,
    pub enable_node_public_ip: bool,
    pub ssh_access: Option<String>,
    pub enable_encryption_at_host: bool,
    pub scale_down_mode: Option<String>,
}

impl PoolSettings {
    pub fn is_empty(&self) -> bool {
        self == &PoolSettings::default()
    }

    /// Whether the pool runs on Spot VMs.
    pub fn is_spot(&self) -> bool {
        self.priority.as_deref() == Some("Spot")
    }

    fn upgrade_settings(&self) -> Option<UpgradeSettings> {
        let u = UpgradeSettings {
            max_surge: self.max_surge.clone(),
            max_unavailable: self.max_unavailable.clone(),
            drain_timeout_in_minutes: self.drain_timeout,
            node_soak_duration_in_minutes: self.node_soak_duration,
            ..Default::default()
        };
        (u != UpgradeSettings::default()).then_some(u)
    }
}

/// Settings a migration copies from the pool it replaces.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PoolPlacement {
    pub availability_zones: Vec<String>,
    pub max_pods: Option<i64>,
    /// Autoscaler bounds (min, max); `count` is then the starting size.
    pub autoscale: Option<(i64, i64)>,
    pub vnet_subnet_id: Option<String>,
}

impl PoolPlacement {
    pub fn is_empty(&self) -> bool {
        self == &PoolPlacement::default()
    }
}

impl PoolSpec {
    /// The catalog row, if the SKU is known.
    pub fn sku(&self) -> Option<&'static OsSku> {
        catalog::find(&self.os_sku)
    }

    /// api-version the PUT is sent at (preview for preview-only SKUs).
    pub fn api_version(&self) -> &'static str {
        self.sku()
            .map(|s| s.api_version())
            .unwrap_or(catalog::api_version::AKS_STABLE)
    }

    /// The pool's properties as sent.
    pub fn properties(&self) -> AgentPoolProperties {
        let x = &self.settings;
        let security = (self.enable_secure_boot || self.enable_vtpm || x.ssh_access.is_some())
            .then(|| AgentPoolSecurityProfile {
                enable_secure_boot: self.enable_secure_boot.then_some(true),
                enable_vtpm: self.enable_vtpm.then_some(true),
                ssh_access: x.ssh_access.clone(),
                ..Default::default()
            });
        AgentPoolProperties {
            count: Some(self.count),
            vm_size: Some(self.vm_size.clone()),
            os_type: Some("Linux".into()),
            os_sku: Some(self.os_sku.clone()),
            mode: Some(self.mode.clone()),
            pool_type: Some("VirtualMachineScaleSets".into()),
            orchestrator_version: self.kubernetes_version.clone(),
            enable_fips: self.enable_fips.then_some(true),
            os_disk_type: self.os_disk_type.clone(),
            security_profile: security,
            node_labels: (!self.labels.is_empty()).then(|| self.labels.clone()),
            node_taints: (!self.taints.is_empty()).then(|| self.taints.clone()),
            availability_zones: (!self.placement.availability_zones.is_empty())
                .then(|| self.placement.availability_zones.clone()),
            max_pods: self.placement.max_pods,
            enable_auto_scaling: self.placement.autoscale.map(|_| true),
            min_count: self.placement.autoscale.map(|(min, _)| min),
            max_count: self.placement.autoscale.map(|(_, max)| max),
            vnet_subnet_id: self.placement.vnet_subnet_id.clone(),
            pod_subnet_id: x.pod_subnet_id.clone(),
            os_disk_size_gb: x.os_disk_size_gb,
            scale_set_priority: x.priority.clone(),
            scale_set_eviction_policy: x.eviction_policy.clone(),
            spot_max_price: x.spot_max_price,
            upgrade_settings: x.upgrade_settings(),
            tags: (!x.tags.is_empty()).then(|| x.tags.clone()),
            enable_node_public_ip: x.enable_node_public_ip.then_some(true),
            enable_encryption_at_host: x.enable_encryption_at_host.then_some(true),
            scale_down_mode: x.scale_down_mode.clone(),
            ..Default::default()
        }
    }

    /// Differences between this spec and an existing pool, field by field.
    pub fn differences(&self, have: &AgentPoolProperties) -> Vec<Diff> {
        let mut out = vec![];
        let mut cmp = |field: &str, have: String, want: String| {
            if !have.eq_ignore_ascii_case(&want) {
                out.push(Diff {
                    field: field.to_string(),
                    have,
                    want,
                });
            }
        };
        cmp(
            "osSKU",
            have.os_sku
                .clone()
                .unwrap_or_else(|| defaults::OS_SKU.into()),
            self.os_sku.clone(),
        );
        cmp(
            "vmSize",
            have.vm_size.clone().unwrap_or_default(),
            self.vm_size.clone(),
        );
        cmp(
            "mode",
            have.mode
                .clone()
                .unwrap_or_else(|| defaults::POOL_MODE.into()),
            self.mode.clone(),
        );
        let flag = |b: Option<bool>| b.unwrap_or(false).to_string();
        cmp(
            "enableFIPS",
            flag(have.enable_fips),
            self.enable_fips.to_string(),
        );
        let sec = have.security_profile.clone().unwrap_or_default();
        cmp(
            "securityProfile.enableSecureBoot",
            flag(sec.enable_secure_boot),
            self.enable_secure_boot.to_string(),
        );
        cmp(
            "securityProfile.enableVTPM",
            flag(sec.enable_vtpm),
            self.enable_vtpm.to_string(),
        );
        if let Some(disk) = &self.os_disk_type {
            cmp(
                "osDiskType",
                have.os_disk_type
                    .clone()
                    .unwrap_or_else(|| "(default)".into()),
                disk.clone(),
            );
        }
        if have.enable_auto_scaling != Some(true) {
            cmp(
                "count",
                have.count.map(|c| c.to_string()).unwrap_or_default(),
                self.count.to_string(),
            );
        }
        // The production settings: compared only where the request sets them,
        // so what AKS fills in by default (maxSurge 10%, Regular, ...) never differs.
        let have_json = serde_json::to_value(have).unwrap_or_default();
        let want_json = serde_json::to_value(self.properties()).unwrap_or_default();
        out.extend(json_differences(
            &have_json,
            &want_json,
            COMPARED_POOL_PATHS,
        ));
        out
    }
}

/// The pool properties compared with an existing pool when the request sets them.
const COMPARED_POOL_PATHS: &[&str] = &[
    "availabilityZones",
    "maxPods",
    "enableAutoScaling",
    "minCount",
    "maxCount",
    "vnetSubnetID",
    "podSubnetID",
    "osDiskSizeGB",
    "scaleSetPriority",
    "scaleSetEvictionPolicy",
    "spotMaxPrice",
    "upgradeSettings.maxSurge",
    "upgradeSettings.maxUnavailable",
    "upgradeSettings.drainTimeoutInMinutes",
    "upgradeSettings.nodeSoakDurationInMinutes",
    "tags",
    "nodeLabels",
    "nodeTaints",
    "enableNodePublicIP",
    "enableEncryptionAtHost",
    "scaleDownMode",
    "securityProfile.sshAccess",
];

/// The cluster properties compared with an existing cluster when the request sets them.
const COMPARED_CLUSTER_PATHS: &[&str] = &[
    "properties.networkProfile.networkPlugin",
    "properties.networkProfile.networkPluginMode",
    "properties.networkProfile.networkDataplane",
    "properties.networkProfile.networkPolicy",
    "properties.networkProfile.podCidr",
    "properties.networkProfile.serviceCidr",
    "properties.networkProfile.dnsServiceIP",
    "properties.networkProfile.outboundType",
    "properties.networkProfile.loadBalancerSku",
    "properties.apiServerAccessProfile.enablePrivateCluster",
    "properties.apiServerAccessProfile.authorizedIPRanges",
    "sku.tier",
    "properties.oidcIssuerProfile.enabled",
    "properties.securityProfile.workloadIdentity.enabled",
    "properties.aadProfile.managed",
    "properties.aadProfile.enableAzureRBAC",
    "properties.aadProfile.adminGroupObjectIDs",
    "properties.disableLocalAccounts",
    "properties.autoUpgradeProfile.upgradeChannel",
    "properties.autoUpgradeProfile.nodeOSUpgradeChannel",
];

fn slash(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

fn pointer(v: &serde_json::Value, path: &str) -> serde_json::Value {
    v.pointer(&slash(path))
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

/// Differences at `paths` between two JSON bodies, where `want` sets a value.
fn json_differences(
    have: &serde_json::Value,
    want: &serde_json::Value,
    paths: &[&str],
) -> Vec<Diff> {
    let shown = |v: serde_json::Value| match v {
        serde_json::Value::Null => "(not set)".to_string(),
        serde_json::Value::String(s) => s,
        serde_json::Value::Array(mut a) => {
            a.sort_by_key(|v| v.to_string().to_ascii_lowercase());
            serde_json::Value::Array(a).to_string()
        }
        other => other.to_string(),
    };
    let mut out = vec![];
    for path in paths {
        let w = pointer(want, path);
        if w.is_null() {
            continue;
        }
        let h = pointer(have, path);
        // A map (tags, labels): every asked pair must be there; AKS may add its own.
        let same = match (&h, &w) {
            (serde_json::Value::Object(hm), serde_json::Value::Object(wm)) => {
                wm.iter().all(|(k, v)| hm.get(k) == Some(v))
            }
            // Taints: every asked one must be there; AKS adds its own (Spot's).
            (serde_json::Value::Array(ha), serde_json::Value::Array(wa))
                if *path == "nodeTaints" =>
            {
                wa.iter().all(|t| ha.contains(t))
            }
            _ => shown(h.clone()).eq_ignore_ascii_case(&shown(w.clone())),
        };
        if !same {
            let (h, w) = (shown(h), shown(w));
            out.push(Diff {
                field: path.to_string(),
                have: h,
                want: w,
            });
        }
    }
    out
}

/// One setting in which an existing resource differs from the request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diff {
    /// The API property, e.g. `osSKU`, `securityProfile.enableVTPM`.
    pub field: String,
    pub have: String,
    pub want: String,
}

impl std::fmt::Display for Diff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} → {}", self.field, self.have, self.want)
    }
}

/// `aksos cluster create`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterRequest {
    pub resource_group: String,
    pub name: String,
    pub location: String,
    pub pool: PoolSpec,
    pub node_os_upgrade_channel: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// `--set`, `--body-file`, `properties:`: applied on top of the typed body.
    #[serde(skip_serializing_if = "BodyOps::is_empty")]
    pub body_ops: BodyOps,
    /// The production settings of the cluster (network, identity, access, ...).
    pub settings: ClusterSettings,
}

/// A cluster's settings beyond its pool, as checked by preflight; each
/// `None`/`false`/empty is left to AKS (and not sent).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ClusterSettings {
    /// `networkProfile` as sent (only what was asked).
    pub network: NetworkProfile,
    pub enable_private_cluster: bool,
    pub authorized_ip_ranges: Vec<String>,
    pub tier: Option<String>,
    pub enable_oidc_issuer: bool,
    pub enable_workload_identity: bool,
    /// ARM id of the user-assigned identity (None: system-assigned).
    pub assign_identity: Option<String>,
    pub enable_aad: bool,
    pub aad_admin_group_object_ids: Vec<String>,
    pub enable_azure_rbac: bool,
    pub disable_local_accounts: bool,
    pub auto_upgrade_channel: Option<String>,
    /// The SSH public key's text (read from the file when a path was given).
    #[serde(skip)]
    pub ssh_public_key: Option<String>,
}

/// The Linux admin user AKS nodes get when a key is sent (az's default).
pub const ADMIN_USERNAME: &str = "azureuser";

/// `aksos nodepool add`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NodePoolRequest {
    pub resource_group: String,
    pub cluster: String,
    pub pool: PoolSpec,
    /// `--set`, `--body-file`, `properties:`: applied on top of the typed body.
    #[serde(skip_serializing_if = "BodyOps::is_empty")]
    pub body_ops: BodyOps,
}

/// A DNS prefix derived from the cluster name, as az does (`^[a-zA-Z0-9][a-zA-Z0-9-]{0,52}[a-zA-Z0-9]$`).
pub fn dns_prefix(name: &str, rg: &str) -> String {
    let clean = |s: &str, n: usize| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(n)
            .collect()
    };
    let mut p = format!("{}-{}", clean(name, 30), clean(rg, 16));
    while p.ends_with('-') {
        p.pop();
    }
    if !p.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        p.insert(0, 'a');
    }
    p
}

impl ClusterRequest {
    /// The ManagedCluster PUT body; `version` is the resolved Kubernetes version.
    pub fn body(&self, version: Option<&str>) -> ManagedCluster {
        let mut pool = self.pool.properties();
        pool.orchestrator_version = None;
        let x = &self.settings;
        let identity = match &x.assign_identity {
            Some(id) => ClusterIdentity {
                kind: Some("UserAssigned".into()),
                user_assigned_identities: Some(BTreeMap::from([(id.clone(), Default::default())])),
                ..Default::default()
            },
            None => ClusterIdentity {
                kind: Some("SystemAssigned".into()),
                ..Default::default()
            },
        };
        let on = |b: bool| b.then_some(true);
        let access = ApiServerAccessProfile {
            authorized_ip_ranges: (!x.authorized_ip_ranges.is_empty())
                .then(|| x.authorized_ip_ranges.clone()),
            enable_private_cluster: on(x.enable_private_cluster),
            ..Default::default()
        };
        let aad = AadProfile {
            managed: on(x.enable_aad),
            enable_azure_rbac: on(x.enable_azure_rbac),
            admin_group_object_ids: (!x.aad_admin_group_object_ids.is_empty())
                .then(|| x.aad_admin_group_object_ids.clone()),
            ..Default::default()
        };
        let upgrade = AutoUpgradeProfile {
            upgrade_channel: x.auto_upgrade_channel.clone(),
            node_os_upgrade_channel: self.node_os_upgrade_channel.clone(),
            ..Default::default()
        };
        let some = |set: bool| set.then_some(());
        ManagedCluster {
            location: self.location.clone(),
            tags: (!self.tags.is_empty()).then(|| self.tags.clone()),
            identity: Some(identity),
            sku: x.tier.as_ref().map(|t| ClusterSku {
                name: Some("Base".into()),
                tier: Some(t.clone()),
                ..Default::default()
            }),
            properties: ManagedClusterProperties {
                network_profile: some(x.network != NetworkProfile::default())
                    .map(|_| x.network.clone()),
                api_server_access_profile: some(access != ApiServerAccessProfile::default())
                    .map(|_| access),
                aad_profile: some(aad != AadProfile::default()).map(|_| aad),
                oidc_issuer_profile: x.enable_oidc_issuer.then(|| OidcIssuerProfile {
                    enabled: Some(true),
                    ..Default::default()
                }),
                security_profile: x.enable_workload_identity.then(|| ClusterSecurityProfile {
                    workload_identity: Some(WorkloadIdentity {
                        enabled: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                disable_local_accounts: on(x.disable_local_accounts),
                linux_profile: x.ssh_public_key.as_ref().map(|key| LinuxProfile {
                    admin_username: Some(ADMIN_USERNAME.into()),
                    ssh: Some(SshConfiguration {
                        public_keys: vec![SshPublicKey {
                            key_data: Some(key.clone()),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                kubernetes_version: version.map(str::to_string),
                dns_prefix: Some(dns_prefix(&self.name, &self.resource_group)),
                agent_pool_profiles: Some(vec![AgentPoolProfile {
                    name: self.pool.name.clone(),
                    properties: pool,
                }]),
                auto_upgrade_profile: some(upgrade != AutoUpgradeProfile::default())
                    .map(|_| upgrade),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

impl ClusterRequest {
    /// The PUT body as sent (typed body plus `--set` & co), with the warnings
    /// the raw writes raise.
    pub fn body_json(&self, version: Option<&str>) -> Result<(Value, Vec<String>), Vec<Problem>> {
        let typed = serde_json::to_value(self.body(version)).expect("serialisable");
        with_ops(
            typed,
            &self.body_ops,
            Kind::Cluster,
            self.pool.api_version(),
        )
    }

    /// Differences between the cluster-level settings asked and an existing
    /// cluster (only what the request sets: AKS's defaults never differ).
    pub fn differences(&self, have: &ManagedCluster) -> Vec<Diff> {
        let have = serde_json::to_value(have).unwrap_or_default();
        let want = serde_json::to_value(self.body(None)).unwrap_or_default();
        let mut out = json_differences(&have, &want, COMPARED_CLUSTER_PATHS);
        if let Some(id) = &self.settings.assign_identity {
            let ids = have
                .pointer("/identity/userAssignedIdentities")
                .and_then(|v| v.as_object());
            if !ids.is_some_and(|m| m.keys().any(|k| k.eq_ignore_ascii_case(id))) {
                out.push(Diff {
                    field: "identity.userAssignedIdentities".into(),
                    have: ids
                        .map(|m| m.keys().cloned().collect::<Vec<_>>().join(", "))
                        .unwrap_or_else(|| "(none)".into()),
                    want: id.clone(),
                });
            }
        }
        out
    }
}

impl NodePoolRequest {
    /// The PUT body as sent (typed body plus `--set` & co), with the warnings
    /// the raw writes raise.
    pub fn body_json(&self) -> Result<(Value, Vec<String>), Vec<Problem>> {
        let typed = serde_json::to_value(self.body()).expect("serialisable");
        with_ops(typed, &self.body_ops, Kind::Pool, self.pool.api_version())
    }

    /// The AgentPool PUT body.
    pub fn body(&self) -> AgentPool {
        AgentPool {
            properties: self.pool.properties(),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PoolSpec {
        PoolSpec {
            name: "np1".into(),
            os_sku: "AzureContainerLinux".into(),
            vm_size: defaults::VM_SIZE.into(),
            count: 3,
            mode: "User".into(),
            kubernetes_version: None,
            enable_fips: false,
            enable_secure_boot: true,
            enable_vtpm: true,
            os_disk_type: None,
            labels: BTreeMap::new(),
            taints: vec![],
            placement: PoolPlacement::default(),
            settings: PoolSettings::default(),
        }
    }

    #[test]
    fn pool_body_uses_api_spelling_and_only_set_fields() {
        let body = serde_json::to_value(
            NodePoolRequest {
                resource_group: "rg".into(),
                cluster: "c".into(),
                pool: spec(),
                body_ops: BodyOps::default(),
            }
            .body(),
        )
        .unwrap();
        let p = &body["properties"];
        assert_eq!(p["osSKU"], "AzureContainerLinux");
        assert_eq!(p["osType"], "Linux");
        assert_eq!(p["securityProfile"]["enableSecureBoot"], true);
        assert_eq!(p["securityProfile"]["enableVTPM"], true);
        assert!(p.get("enableFIPS").is_none() && p.get("osSku").is_none());
        assert_eq!(
            body.as_object().unwrap().len(),
            1,
            "only properties: {body}"
        );
    }

    #[test]
    fn differences_name_each_field() {
        let same = spec().properties();
        assert!(spec().differences(&same).is_empty());
        let mut other = same.clone();
        other.os_sku = Some("Ubuntu".into());
        other.count = Some(5);
        let d = spec().differences(&other);
        let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(lines
            .iter()
            .any(|l| l.starts_with("osSKU: Ubuntu → AzureContainerLinux")));
        assert!(lines.iter().any(|l| l.starts_with("count: 5 → 3")));
    }

    #[test]
    fn only_asked_settings_differ_and_server_additions_do_not() {
        let mut want = spec();
        want.mode = "User".into();
        want.taints = vec!["a=b:NoSchedule".into()];
        want.placement.availability_zones = vec!["1".into(), "2".into()];
        want.settings.priority = Some("Spot".into());
        want.settings.tags = BTreeMap::from([("cost".into(), "1".into())]);
        let mut have = want.properties();
        // What AKS adds or fills: the Spot taint, a tag, upgrade defaults, zones reordered.
        have.node_taints = Some(vec![
            "kubernetes.azure.com/scalesetpriority=spot:NoSchedule".into(),
            "a=b:NoSchedule".into(),
        ]);
        have.tags
            .as_mut()
            .unwrap()
            .insert("aks-managed".into(), "x".into());
        have.upgrade_settings = Some(UpgradeSettings {
            max_surge: Some("10%".into()),
            ..Default::default()
        });
        have.spot_max_price = Some(-1.0);
        have.availability_zones = Some(vec!["2".into(), "1".into()]);
        assert_eq!(want.differences(&have), vec![]);
        have.availability_zones = Some(vec!["1".into()]);
        have.scale_set_priority = Some("Regular".into());
        let fields: Vec<String> = want
            .differences(&have)
            .into_iter()
            .map(|d| d.field)
            .collect();
        assert_eq!(fields, ["availabilityZones", "scaleSetPriority"]);
    }

    #[test]
    fn dns_prefix_is_valid() {
        assert_eq!(dns_prefix("prod1", "rg_1"), "prod1-rg1");
        assert_eq!(dns_prefix("-x", "-"), "a-x");
    }
}
