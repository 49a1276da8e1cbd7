//! What a chosen SKU needs before and when a pool is created: preview feature
//! flag, Trusted Launch, FIPS image, OS disk type, node OS upgrade channel,
//! Kubernetes range, api-version; and the `aksos` commands that include them.
//!
//! Everything here is read from the catalog row; the flag names mirror `az aks`.

use super::answers::Answers;
use crate::core::catalog::{ApiChannel, OsSku, Support, FEATURE_NAMESPACE};

/// Where a setting is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Once per subscription, before the first pool.
    Subscription,
    /// On the cluster (create or update).
    Cluster,
    /// On each node pool.
    NodePool,
}

/// One setting the SKU needs, and the flag that makes it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequiredSetting {
    pub setting: String,
    pub scope: Scope,
    /// The command-line flag (or command) that sets it.
    pub flag: Option<String>,
}

impl RequiredSetting {
    fn new(setting: String, scope: Scope, flag: Option<String>) -> RequiredSetting {
        RequiredSetting {
            setting,
            scope,
            flag,
        }
    }
}

/// The settings `sku` needs given what was asked (an optional feature the user
/// requires, like FIPS on Ubuntu, becomes a setting too).
pub fn required_settings(sku: &OsSku, answers: &Answers) -> Vec<RequiredSetting> {
    let mut out = Vec::with_capacity(6);
    if let Some(flag) = sku.feature_flag {
        out.push(RequiredSetting::new(
            format!("preview feature {FEATURE_NAMESPACE}/{flag} Registered, then the provider re-registered"),
            Scope::Subscription,
            Some(format!("aksos feature register {flag} --wait --refresh-provider")),
        ));
    }
    if sku.api_channel == ApiChannel::Preview {
        out.push(RequiredSetting::new(
            format!("preview api-version {}", sku.api_version()),
            Scope::Subscription,
            None,
        ));
    }
    let wants = |support: Support, asked: bool| {
        support == Support::Required || (asked && support != Support::Unsupported)
    };
    if wants(sku.trusted_launch, answers.secure_boot) {
        out.push(RequiredSetting::new(
            "Secure Boot and vTPM on (a VM size that supports Trusted Launch)".into(),
            Scope::NodePool,
            Some("--enable-secure-boot --enable-vtpm".into()),
        ));
    }
    if wants(sku.fips, answers.fips) {
        out.push(RequiredSetting::new(
            "FIPS-enabled node image".into(),
            Scope::NodePool,
            Some("--enable-fips-image".into()),
        ));
    }
    if let Some(disk) = sku.required_os_disk {
        out.push(RequiredSetting::new(
            format!("OS disk type {disk}"),
            Scope::NodePool,
            Some(format!("--node-osdisk-type {disk}")),
        ));
    }
    if let Some(first) = sku.node_os_channels.first() {
        out.push(RequiredSetting::new(
            format!(
                "node OS upgrade channel {} (cluster-wide)",
                sku.node_os_channels.join(" or ")
            ),
            Scope::Cluster,
            Some(format!("--node-os-upgrade-channel {first}")),
        ));
    }
    if sku.min_kubernetes.is_some() || sku.max_kubernetes.is_some() {
        let flag = answers
            .kubernetes_version
            .map(|v| format!("--kubernetes-version {v}"));
        out.push(RequiredSetting::new(
            format!("Kubernetes {}", sku.kubernetes_range()),
            Scope::Cluster,
            flag,
        ));
    }
    out
}

/// The `aksos` commands that create a pool or a cluster with `sku` and its settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Commands {
    /// Runs once before either command (feature registration), if needed.
    pub prepare: Option<String>,
    pub nodepool_add: String,
    pub cluster_create: String,
}

/// Builds the commands from the settings `required_settings` returned.
pub fn commands(sku: &OsSku, settings: &[RequiredSetting]) -> Commands {
    let flags_of = |scopes: &[Scope]| -> String {
        settings
            .iter()
            .filter(|s| scopes.contains(&s.scope))
            .filter_map(|s| s.flag.as_deref())
            .fold(String::new(), |mut acc, f| {
                acc.push(' ');
                acc.push_str(f);
                acc
            })
    };
    let prepare = settings
        .iter()
        .find(|s| s.scope == Scope::Subscription)
        .and_then(|s| s.flag.clone());
    let sku_name = sku.api_value;
    Commands {
        prepare,
        nodepool_add: format!(
            "aksos nodepool add -g RG --cluster CLUSTER -n POOL --os-sku {sku_name}{}",
            flags_of(&[Scope::NodePool])
        ),
        cluster_create: format!(
            "aksos cluster create -g RG -n CLUSTER -l LOCATION --os-sku {sku_name}{}",
            flags_of(&[Scope::NodePool, Scope::Cluster])
        ),
    }
}
