//! The `aksos apply` file: its YAML shape (see `templates/apply-example.yaml`),
//! and the whole-file preflight. Each entry becomes the same
//! [`ClusterCreateArgs`] / [`NodepoolAddArgs`] the flags fill, and goes through
//! the same [`preflight`]; every problem in the file is collected, each named by
//! its path in the file (`clusters[2].nodePools[0].osSku`), and reported at once.

use crate::catalog;
use crate::cli::{ClusterCreateArgs, NodepoolAddArgs, PoolFlags, WriteFlags};
use crate::error::{AppError, AppResult};
use crate::preflight::{self, Findings};
use crate::request::{ClusterRequest, NodePoolRequest};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyFile {
    pub clusters: Vec<ClusterEntry>,
}

/// One cluster with its system pool and further node pools.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClusterEntry {
    pub resource_group: Option<String>,
    pub name: Option<String>,
    pub location: Option<String>,
    pub kubernetes_version: Option<String>,
    pub node_os_upgrade_channel: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub system_pool: Option<PoolEntry>,
    #[serde(default)]
    pub node_pools: Vec<PoolEntry>,
}

/// One node pool.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PoolEntry {
    pub name: Option<String>,
    pub os_sku: Option<String>,
    pub mode: Option<String>,
    pub vm_size: Option<String>,
    pub count: Option<i64>,
    pub kubernetes_version: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub taints: Vec<String>,
    #[serde(default)]
    pub enable_fips_image: bool,
    #[serde(default)]
    pub enable_secure_boot: bool,
    #[serde(default)]
    pub enable_vtpm: bool,
    pub os_disk_type: Option<String>,
    #[serde(default)]
    pub allow_retired: bool,
    #[serde(default)]
    pub allow_unknown_sku: bool,
}

/// One cluster after preflight: what to create, in order.
#[derive(Debug, Clone)]
pub struct ClusterWork {
    /// Position in the file (`clusters[index]`).
    pub index: usize,
    pub cluster: ClusterRequest,
    pub pools: Vec<NodePoolRequest>,
    /// Preflight findings, each with its path.
    pub findings: Vec<(String, Findings)>,
}

const CLUSTER_KEYS: &[(&str, &str)] = &[
    ("--resource-group", "resourceGroup"),
    ("--name", "name"),
    ("--location", "location"),
    ("--tags", "tags"),
    ("--node-os-upgrade-channel", "nodeOsUpgradeChannel"),
    ("--kubernetes-version", "kubernetesVersion"),
    ("--nodepool-name", "systemPool.name"),
];

const POOL_KEYS: &[(&str, &str)] = &[
    ("--name", "name"),
    ("--os-sku", "osSku"),
    ("--node-vm-size", "vmSize"),
    ("--node-count", "count"),
    ("--kubernetes-version", "kubernetesVersion"),
    ("--enable-fips-image", "enableFipsImage"),
    ("--enable-secure-boot", "enableSecureBoot"),
    ("--enable-vtpm", "enableVtpm"),
    ("--node-osdisk-type", "osDiskType"),
    ("--labels", "labels"),
    ("--taints", "taints"),
];

/// Rewrites preflight errors (named by flag) into errors named by file path.
fn relabel(e: AppError, prefix: &str, system_pool: bool, out: &mut Vec<AppError>) {
    match e {
        AppError::UsageMany(all) => {
            for e in all {
                relabel(e, prefix, system_pool, out);
            }
        }
        AppError::Usage { flag, message } => {
            let cluster_key = CLUSTER_KEYS.iter().find(|(f, _)| *f == flag);
            let pool_key = POOL_KEYS.iter().find(|(f, _)| *f == flag);
            let key = match (system_pool, cluster_key, pool_key) {
                // Cluster-level keys of a cluster entry (the system pool's
                // Kubernetes version is the cluster's).
                (true, Some((_, k)), _) => k.to_string(),
                (true, None, Some((_, k))) => format!("systemPool.{k}"),
                (false, _, Some((_, k))) => k.to_string(),
                _ => flag.trim_start_matches('-').to_string(),
            };
            out.push(AppError::usage(format!("{prefix}.{key}"), message));
        }
        other => out.push(other),
    }
}

fn choice(v: &Option<String>, allowed: &[&str], path: String, errors: &mut Vec<AppError>) {
    if let Some(v) = v {
        if !allowed.contains(&v.as_str()) {
            errors.push(AppError::usage(
                path,
                format!("`{v}` is not one of {}", allowed.join(", ")),
            ));
        }
    }
}

fn pairs(m: &BTreeMap<String, String>) -> Vec<String> {
    m.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

fn pool_flags(p: &PoolEntry, kubernetes_version: Option<String>) -> PoolFlags {
    PoolFlags {
        os_sku: p.os_sku.clone(),
        kubernetes_version,
        node_vm_size: p
            .vm_size
            .clone()
            .unwrap_or_else(|| "Standard_D4s_v5".into()),
        node_count: p.count.unwrap_or(3),
        enable_fips_image: p.enable_fips_image,
        enable_secure_boot: p.enable_secure_boot,
        enable_vtpm: p.enable_vtpm,
        node_osdisk_type: p.os_disk_type.clone(),
    }
}

fn write_flags(p: &PoolEntry) -> WriteFlags {
    WriteFlags {
        allow_retired: p.allow_retired,
        allow_unknown_sku: p.allow_unknown_sku,
        ..Default::default()
    }
}

/// Parses the file and runs the whole-file preflight.
pub fn load(text: &str) -> AppResult<Vec<ClusterWork>> {
    let file: ApplyFile = serde_saphyr::from_str(text)
        .map_err(|e| AppError::usage("--file", format!("not a valid apply file: {e}")))?;
    check(file)
}

/// The whole-file preflight: every error at once, or the work.
pub fn check(file: ApplyFile) -> AppResult<Vec<ClusterWork>> {
    let mut errors = vec![];
    let mut work = vec![];
    let mut seen_clusters = BTreeSet::new();
    if file.clusters.is_empty() {
        errors.push(AppError::usage("clusters", "the file declares no cluster"));
    }
    for (i, c) in file.clusters.iter().enumerate() {
        let at = format!("clusters[{i}]");
        let system = match &c.system_pool {
            Some(p) => p,
            None => {
                errors.push(AppError::usage(
                    format!("{at}.systemPool"),
                    "required: the system pool (name, osSku, ...)",
                ));
                continue;
            }
        };
        choice(
            &c.node_os_upgrade_channel,
            &["NodeImage", "None", "SecurityPatch", "Unmanaged"],
            format!("{at}.nodeOsUpgradeChannel"),
            &mut errors,
        );
        choice(
            &system.os_disk_type,
            &["Managed", "Ephemeral"],
            format!("{at}.systemPool.osDiskType"),
            &mut errors,
        );
        if let Some(m) = system.mode.as_deref().filter(|m| *m != "System") {
            errors.push(AppError::usage(
                format!("{at}.systemPool.mode"),
                format!("the system pool's mode is System, not {m}"),
            ));
        }
        let args = ClusterCreateArgs {
            resource_group: c.resource_group.clone(),
            name: c.name.clone(),
            location: c.location.clone(),
            nodepool_name: system.name.clone().unwrap_or_else(|| "nodepool1".into()),
            node_os_upgrade_channel: c.node_os_upgrade_channel.clone(),
            tags: pairs(&c.tags),
            pool: pool_flags(system, c.kubernetes_version.clone()),
            write: write_flags(system),
        };
        let mut findings = vec![];
        let cluster = match preflight::cluster(&args) {
            Ok((r, f)) => {
                findings.push((at.clone(), f));
                Some(r)
            }
            Err(e) => {
                relabel(e, &at, true, &mut errors);
                None
            }
        };
        if let Some(r) = &cluster {
            if !seen_clusters.insert((r.resource_group.to_lowercase(), r.name.to_lowercase())) {
                errors.push(AppError::usage(
                    format!("{at}.name"),
                    format!("cluster {}/{} is declared twice", r.resource_group, r.name),
                ));
            }
        }
        let mut pool_names = BTreeSet::new();
        pool_names.insert(args.nodepool_name.to_lowercase());
        let mut pools = vec![];
        for (j, p) in c.node_pools.iter().enumerate() {
            let pat = format!("{at}.nodePools[{j}]");
            choice(
                &p.os_disk_type,
                &["Managed", "Ephemeral"],
                format!("{pat}.osDiskType"),
                &mut errors,
            );
            choice(
                &p.mode,
                &["System", "User"],
                format!("{pat}.mode"),
                &mut errors,
            );
            if let Some(n) = &p.name {
                if !pool_names.insert(n.to_lowercase()) {
                    errors.push(AppError::usage(
                        format!("{pat}.name"),
                        format!("pool {n} is declared twice in this cluster"),
                    ));
                }
            }
            let args = NodepoolAddArgs {
                resource_group: c.resource_group.clone(),
                cluster: c.name.clone(),
                name: p.name.clone(),
                mode: p.mode.clone().unwrap_or_else(|| "User".into()),
                labels: pairs(&p.labels),
                taints: p.taints.clone(),
                pool: pool_flags(p, p.kubernetes_version.clone()),
                write: write_flags(p),
            };
            match preflight::nodepool(&args) {
                Ok((r, f)) => {
                    if let Some(c) = &cluster {
                        fits_cluster(c, &r, &pat, &mut errors);
                    }
                    findings.push((pat, f));
                    pools.push(r);
                }
                Err(e) => {
                    let mut mine = vec![];
                    relabel(e, &pat, false, &mut mine);
                    // The cluster's own errors already name resourceGroup / name.
                    errors.extend(mine.into_iter().filter(|e| {
                        !matches!(e, AppError::Usage { flag, .. }
                            if flag.ends_with(".resource-group") || flag.ends_with(".cluster"))
                    }));
                }
            }
        }
        if let Some(cluster) = cluster {
            work.push(ClusterWork {
                index: i,
                cluster,
                pools,
                findings,
            });
        }
    }
    match errors.len() {
        0 => Ok(work),
        1 => Err(errors.remove(0)),
        _ => Err(AppError::UsageMany(errors)),
    }
}

/// What the file itself says about the cluster must suit each pool's OS: the
/// Kubernetes version (when given) and the node OS upgrade channel.
fn fits_cluster(c: &ClusterRequest, p: &NodePoolRequest, at: &str, errors: &mut Vec<AppError>) {
    let Some(sku) = p.pool.sku() else { return };
    if let Some(v) = c
        .pool
        .kubernetes_version
        .as_deref()
        .and_then(catalog::Minor::parse)
    {
        if !sku.supports_kubernetes(v) {
            errors.push(AppError::usage(
                format!("{at}.osSku"),
                format!(
                    "{} supports Kubernetes {}, and the cluster's kubernetesVersion is {v}",
                    sku.api_value,
                    sku.kubernetes_range()
                ),
            ));
        }
    }
    let channel = c.node_os_upgrade_channel.as_deref().unwrap_or("NodeImage");
    if !sku.node_os_channels.is_empty() && !sku.node_os_channels.contains(&channel) {
        errors.push(AppError::usage(
            format!("{at}.osSku"),
            format!(
                "{} needs the cluster's nodeOsUpgradeChannel to be {}, and it is {channel}",
                sku.api_value,
                sku.node_os_channels.join(" or ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_passes_preflight() {
        let work = load(include_str!("../../templates/apply-example.yaml")).unwrap();
        assert!(!work.is_empty());
    }

    #[test]
    fn every_error_is_reported_with_its_path() {
        let text = r#"
clusters:
  - resourceGroup: rg1
    name: ok1
    location: eastus
    systemPool: { name: sys, osSku: AzureContainerLinux }
  - resourceGroup: rg1
    name: bad_
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu, count: 0 }
  - resourceGroup: rg1
    name: ok3
    location: eastus
    nodeOsUpgradeChannel: SecurityPatch
    systemPool: { name: sys, osSku: Ubuntu }
    nodePools:
      - { name: g1, osSku: NoSuchOS }
      - { name: acl, osSku: AzureContainerLinux }
      - { name: Bad_Pool, osSku: Flatcar }
"#;
        let err = load(text).unwrap_err().to_string();
        for want in [
            "clusters[1].name:",
            "clusters[1].systemPool.count:",
            "clusters[2].nodePools[0].osSku: `NoSuchOS`",
            "clusters[2].nodePools[1].osSku: AzureContainerLinux needs the cluster's nodeOsUpgradeChannel",
            "clusters[2].nodePools[2].name:",
            "clusters[2].nodePools[2].osSku: Flatcar is retired",
        ] {
            assert!(err.contains(want), "missing {want:?} in:\n{err}");
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = load("clusters:\n  - name: a\n    osSKU: x\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("osSKU"), "{err}");
    }
}
