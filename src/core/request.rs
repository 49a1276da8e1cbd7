//! What the user asked for, validated: a [`ClusterRequest`] or [`NodePoolRequest`]
//! (filled by flags or by the wizard, checked by `preflight`), and the exact ARM
//! bodies they become. Bodies carry only what is set, with `osSKU` spelled as
//! the API spells it.

use super::body::BodyOps;
use super::input::{Kind, Problem};
use crate::arm::models::{
    AgentPool, AgentPoolProfile, AgentPoolProperties, AgentPoolSecurityProfile, AutoUpgradeProfile,
    ClusterIdentity, ManagedCluster, ManagedClusterProperties,
};
use crate::catalog::{self, defaults, OsSku};
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
        let security =
            (self.enable_secure_boot || self.enable_vtpm).then(|| AgentPoolSecurityProfile {
                enable_secure_boot: self.enable_secure_boot.then_some(true),
                enable_vtpm: self.enable_vtpm.then_some(true),
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
        out
    }
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
}

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
        ManagedCluster {
            location: self.location.clone(),
            tags: (!self.tags.is_empty()).then(|| self.tags.clone()),
            identity: Some(ClusterIdentity {
                kind: Some("SystemAssigned".into()),
                ..Default::default()
            }),
            properties: ManagedClusterProperties {
                kubernetes_version: version.map(str::to_string),
                dns_prefix: Some(dns_prefix(&self.name, &self.resource_group)),
                agent_pool_profiles: Some(vec![AgentPoolProfile {
                    name: self.pool.name.clone(),
                    properties: pool,
                }]),
                auto_upgrade_profile: self.node_os_upgrade_channel.as_ref().map(|c| {
                    AutoUpgradeProfile {
                        node_os_upgrade_channel: Some(c.clone()),
                        ..Default::default()
                    }
                }),
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
    fn dns_prefix_is_valid() {
        assert_eq!(dns_prefix("prod1", "rg_1"), "prod1-rg1");
        assert_eq!(dns_prefix("-x", "-"), "a-x");
    }
}
