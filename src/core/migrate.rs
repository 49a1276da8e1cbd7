//! Migration of a pool to another OS (by default the catalog's successor).
//! `in-place` PUTs the same pool with the new osSKU where the catalog says AKS
//! supports it; `new-pool` creates a pool that mirrors the old one (VM size,
//! count or autoscaler bounds, mode, labels, taints, zones, max pods, subnet)
//! plus the target's required settings, through the same preflight, plan and
//! executor as `nodepool add`. The old pool is deleted only when asked, after the
//! new one Succeeded, and never when it is the cluster's last System pool.

use crate::arm::models::{AgentPool, ManagedCluster};
use crate::arm::{ArmRequest, Method};
use crate::core::catalog::defaults;
use crate::core::catalog::{self, Minor, OsSku};
use crate::core::plan::{self, Plan, Target};
use crate::core::preflight::{self, Findings};
use crate::core::request::{NodePoolRequest, PoolPlacement};
use crate::core::{fields, ClusterInput, Kind, PoolInput};
use crate::error::{AppError, AppResult};

/// How to move the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    Auto,
    InPlace,
    NewPool,
}

impl Strategy {
    /// What the choice means (the help of `--strategy`'s values).
    pub fn help(self) -> &'static str {
        match self {
            Strategy::Auto => {
                "In place where AKS supports it from this source to this target, else new-pool"
            }
            Strategy::InPlace => "PUT the same pool with the new osSKU",
            Strategy::NewPool => "Create a mirroring pool on the target OS, then drain the old one",
        }
    }
}

/// What the migration will do, decided from current state.
#[derive(Debug)]
pub enum Decision {
    /// The pool already runs the target.
    AlreadyDone(String),
    /// PUT the same pool with the new OS.
    InPlace { target: Target, plan: Plan },
    /// Create (or find) the new pool; then drain and maybe delete the old one.
    NewPool {
        target: Target,
        plan: Plan,
        old_exists: bool,
    },
}

/// Everything decided about a migration.
pub struct Migration {
    pub from: String,
    pub to: &'static OsSku,
    pub strategy: Strategy,
    pub decision: Decision,
    pub findings: Findings,
    pub old_pool: String,
    pub new_pool: Option<String>,
}

/// A short code for a SKU, for derived pool names: capitals and digits (AzureContainerLinux → acl).
fn abbreviation(sku: &str) -> String {
    sku.chars()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A valid pool name derived from the old one, not taken on the cluster.
pub fn derive_name(old: &str, target: &str, taken: &[String]) -> String {
    let suffix = abbreviation(target);
    let room = 12usize.saturating_sub(suffix.len()).max(1);
    let base: String = old.chars().take(room).collect();
    let mut name = format!("{base}{suffix}");
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name))
        || preflight::check_pool_name(&name).is_err()
    {
        let tail = n.to_string();
        let cut: String = format!("{base}{suffix}")
            .chars()
            .take(12 - tail.len())
            .collect();
        name = format!("{cut}{tail}");
        n += 1;
    }
    name
}

/// The new pool's settings: the old pool's size, count, mode, labels and taints
/// on the target OS (whose required settings preflight fills in).
fn pool_input(old: &AgentPool, to: &OsSku, name: &str) -> PoolInput {
    let p = &old.properties;
    PoolInput {
        name: Some(name.to_string()),
        mode: Some(p.mode.clone().unwrap_or_else(|| defaults::POOL_MODE.into())),
        os_sku: Some(to.api_value.to_string()),
        vm_size: p.vm_size.clone(),
        count: Some(p.count.unwrap_or(1)),
        enable_fips_image: p.enable_fips == Some(true) && to.fips != catalog::Support::Unsupported,
        labels: p
            .node_labels
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        taints: p.node_taints.clone().unwrap_or_default(),
        ..Default::default()
    }
}

/// What happens to the old pool's `enableFIPS: true`: kept (said, so nobody is
/// surprised by a FIPS image) or dropped because the target has none.
fn fips_note(old: &AgentPool, from: &str, to: &OsSku) -> Option<String> {
    if old.properties.enable_fips != Some(true) {
        return None;
    }
    let name = old.name.as_deref().unwrap_or("the old pool");
    Some(match to.fips {
        catalog::Support::Unsupported => format!(
            "enableFIPS dropped: {name} runs a FIPS image and {} has none",
            to.api_value
        ),
        _ => format!(
            "enableFIPS=true (copied from {name} on {from}; {} has a FIPS image{})",
            to.api_value,
            catalog::fips_since(to)
                .map(|since| format!(" since {since}"))
                .unwrap_or_default()
        ),
    })
}

fn placement(old: &AgentPool) -> PoolPlacement {
    let p = &old.properties;
    PoolPlacement {
        availability_zones: p.availability_zones.clone().unwrap_or_default(),
        max_pods: p.max_pods,
        autoscale: match (p.enable_auto_scaling, p.min_count, p.max_count) {
            (Some(true), Some(min), Some(max)) => Some((min, max)),
            _ => None,
        },
        vnet_subnet_id: p.vnet_subnet_id.clone(),
    }
}

/// Inputs of `aksos migrate`.
pub struct Ask<'a> {
    pub resource_group: &'a str,
    pub cluster: &'a str,
    pub pool: &'a str,
    pub to: Option<&'a str>,
    pub new_pool: Option<&'a str>,
    pub strategy: Strategy,
}

/// Reads state and decides what to do (reads only).
pub async fn decide(arm: &crate::arm::Arm, ask: &Ask<'_>) -> AppResult<Migration> {
    let cluster: ManagedCluster = arm
        .get_cluster_required(ask.resource_group, ask.cluster, || {
            format!(
                "no cluster {} in resource group {}",
                ask.cluster, ask.resource_group
            )
        })
        .await?;
    let pools = arm.list_pools(ask.resource_group, ask.cluster).await?;
    let names: Vec<String> = pools.iter().filter_map(|p| p.name.clone()).collect();
    let old = pools.iter().find(|p| {
        p.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(ask.pool))
    });
    let explicit_new = ask.new_pool.map(str::to_string);
    // After a finished migration with --delete-old the old pool is gone: look for the new one.
    let Some(old) = old else {
        let done = pools.iter().find_map(|p| {
            let name = p.name.as_deref()?;
            let sku = catalog::find(p.properties.os_sku.as_deref()?)?;
            let expected = explicit_new
                .clone()
                .unwrap_or_else(|| derive_name(ask.pool, sku.api_value, &[]));
            (name.eq_ignore_ascii_case(&expected)
                && ask.to.is_none_or(|t| t.eq_ignore_ascii_case(sku.api_value)))
            .then(|| (name.to_string(), sku))
        });
        if let Some((name, to)) = done {
            return Ok(Migration {
                from: "?".into(),
                to,
                strategy: ask.strategy,
                decision: Decision::AlreadyDone(format!(
                    "pool {} is gone and {name} runs {}: the migration is complete",
                    ask.pool, to.api_value
                )),
                findings: Findings::default(),
                old_pool: ask.pool.to_string(),
                new_pool: Some(name),
            });
        }
        return Err(AppError::usage(
            "--pool",
            format!(
                "no pool {} in cluster {}/{}; pools: {}",
                ask.pool,
                ask.resource_group,
                ask.cluster,
                names.join(", ")
            ),
        ));
    };
    let version = old
        .properties
        .current_orchestrator_version
        .as_deref()
        .or(cluster.kubernetes_version())
        .and_then(Minor::parse);
    let from = old
        .properties
        .os_sku
        .clone()
        .unwrap_or_else(|| defaults::OS_SKU.into());
    let source = catalog::effective(&from, version);
    let to = resolve_target(ask.to, source)?;
    if to.api_value.eq_ignore_ascii_case(&from) {
        return Ok(Migration {
            from: from.clone(),
            to,
            strategy: ask.strategy,
            decision: Decision::AlreadyDone(format!(
                "pool {} already runs {}",
                ask.pool, to.api_value
            )),
            findings: Findings::default(),
            old_pool: ask.pool.to_string(),
            new_pool: None,
        });
    }
    let in_place_ok = to.migrates_in_place_from(&from);
    let strategy = match ask.strategy {
        Strategy::Auto if in_place_ok => Strategy::InPlace,
        Strategy::Auto => Strategy::NewPool,
        Strategy::InPlace if !in_place_ok => {
            return Err(AppError::usage(
                "--strategy",
                format!(
                    "AKS does not migrate {from} to {} in place; use --strategy new-pool (the default picks it)",
                    to.api_value
                ),
            ))
        }
        s => s,
    };
    let new_name = match strategy {
        Strategy::InPlace => ask.pool.to_string(),
        _ => explicit_new.unwrap_or_else(|| {
            // A re-run finds the pool the first run created (same name, target OS).
            let first = derive_name(ask.pool, to.api_value, &[]);
            let ours = pools.iter().any(|p| {
                p.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&first))
                    && p.properties
                        .os_sku
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(to.api_value))
            });
            if ours {
                first
            } else {
                derive_name(ask.pool, to.api_value, &names)
            }
        }),
    };
    let mut pool = pool_input(old, to, &new_name);
    if strategy == Strategy::InPlace {
        // In place keeps the disk; a required disk type must already match.
        pool.os_disk_type = old.properties.os_disk_type.clone();
    }
    let input = ClusterInput {
        resource_group: Some(ask.resource_group.to_string()),
        name: Some(ask.cluster.to_string()),
        pool,
        ..Default::default()
    };
    let (mut req, mut findings): (NodePoolRequest, Findings) = preflight::pool(&input)
        .map_err(|p| crate::core::problems_error(p, |f| fields::flag(Kind::Pool, f)))?;
    if let Some(note) = fips_note(old, &from, to) {
        findings.filled.push(note);
    }
    req.pool.placement = placement(old);
    let target = Target::Pool(req.clone());
    let decision = match strategy {
        Strategy::InPlace => {
            let plan = in_place_plan(arm, &cluster, old, &req).await?;
            Decision::InPlace { target, plan }
        }
        _ => {
            let plan = plan::compute(arm, &target).await?;
            Decision::NewPool {
                target,
                plan,
                old_exists: true,
            }
        }
    };
    Ok(Migration {
        from,
        to,
        strategy,
        decision,
        findings,
        old_pool: ask.pool.to_string(),
        new_pool: (strategy == Strategy::NewPool).then_some(new_name),
    })
}

fn resolve_target(to: Option<&str>, source: Option<&OsSku>) -> AppResult<&'static OsSku> {
    match to {
        Some(t) => catalog::find(t).ok_or_else(|| {
            AppError::usage(
                "--to",
                format!(
                    "`{t}` is not a known OS SKU.{} Known: {}",
                    crate::suggest::did_you_mean(t, catalog::known_values()),
                    catalog::known_values().join(", ")
                ),
            )
        }),
        None => source
            .and_then(|s| s.lifecycle.successor)
            .and_then(catalog::find)
            .ok_or_else(|| {
                AppError::usage(
                    "--to",
                    format!(
                        "{} has no successor in the catalog; say where to go with --to SKU",
                        source.map(|s| s.api_value).unwrap_or("this OS")
                    ),
                )
            }),
    }
}

/// The in-place PUT: the pool as it is (writable fields only) with the new OS
/// and the target's required settings.
async fn in_place_plan(
    arm: &crate::arm::Arm,
    cluster: &ManagedCluster,
    old: &AgentPool,
    req: &NodePoolRequest,
) -> AppResult<Plan> {
    plan::check_cluster_fits(cluster, &req.pool)?;
    let mut props = old.properties.clone();
    for read_only in [
        "eTag",
        "status",
        "nodeImageVersion",
        "powerState",
        "virtualMachineNodesStatus",
    ] {
        props.extra.remove(read_only);
    }
    props.provisioning_state = None;
    props.current_orchestrator_version = None;
    let want = req.pool.properties();
    props.os_sku = want.os_sku;
    props.enable_fips = want.enable_fips.or(props.enable_fips);
    props.os_disk_type = want.os_disk_type.or(props.os_disk_type);
    if let Some(sp) = want.security_profile {
        let mut have = props.security_profile.unwrap_or_default();
        have.enable_secure_boot = sp.enable_secure_boot;
        have.enable_vtpm = sp.enable_vtpm;
        props.security_profile = Some(have);
    }
    let body = serde_json::to_value(AgentPool {
        properties: props,
        ..Default::default()
    })
    .expect("serialisable");
    let mut p = plan::empty();
    plan::plan_feature(arm, &req.pool, &mut p).await?;
    p.kubernetes = cluster.kubernetes_version().map(str::to_string);
    p.kubernetes_why = p.kubernetes.as_ref().map(|_| "the cluster's".into());
    p.put = Some(
        ArmRequest::new(
            Method::Put,
            crate::arm::ops::paths::pool(
                &arm.subscription,
                &req.resource_group,
                &req.cluster,
                &req.pool.name,
                req.pool.api_version(),
            ),
            format!(
                "migrate node pool {}/{}/{} in place",
                req.resource_group, req.cluster, req.pool.name
            ),
        )
        .with_body(body),
    );
    Ok(p)
}

/// `kubectl` commands that move workloads off the old pool.
pub fn drain_commands(old_pool: &str) -> [String; 2] {
    [
        format!("kubectl cordon -l kubernetes.azure.com/agentpool={old_pool}"),
        format!(
            "kubectl drain -l kubernetes.azure.com/agentpool={old_pool} --ignore-daemonsets --delete-emptydir-data"
        ),
    ]
}

/// Refuses to delete the cluster's last System pool (counting what exists now).
pub fn check_delete_allowed(pools: &[AgentPool], old: &str) -> AppResult<()> {
    let is_system = |p: &AgentPool| p.properties.mode.as_deref() == Some("System");
    let old_is_system = pools.iter().any(|p| {
        p.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(old))
            && is_system(p)
    });
    let other_system = pools
        .iter()
        .filter(|p| {
            !p.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(old))
        })
        .filter(|p| is_system(p) && p.properties.provisioning_state.as_deref() == Some("Succeeded"))
        .count();
    if old_is_system && other_system == 0 {
        return Err(AppError::usage(
            "--delete-old",
            format!("{old} is the cluster's last System pool and cannot be deleted; add another System pool first"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_are_valid_and_free() {
        assert_eq!(
            derive_name("flatpool", "AzureContainerLinux", &[]),
            "flatpoolacl"
        );
        assert_eq!(
            derive_name("averylongpool", "AzureContainerLinux", &[]),
            "averylongacl"
        );
        let taken = vec!["flatpoolacl".to_string()];
        let n = derive_name("flatpool", "AzureContainerLinux", &taken);
        assert_ne!(n, "flatpoolacl");
        assert!(preflight::check_pool_name(&n).is_ok(), "{n}");
        assert_eq!(derive_name("np", "Ubuntu2404", &[]), "npu2404");
    }

    #[test]
    fn last_system_pool_is_protected() {
        let pool = |name: &str, mode: &str| AgentPool {
            name: Some(name.into()),
            properties: crate::arm::models::AgentPoolProperties {
                mode: Some(mode.into()),
                provisioning_state: Some("Succeeded".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let only = vec![pool("sys", "System"), pool("user", "User")];
        assert!(check_delete_allowed(&only, "sys").is_err());
        assert!(check_delete_allowed(&only, "user").is_ok());
        let two = vec![pool("sys", "System"), pool("sysacl", "System")];
        assert!(check_delete_allowed(&two, "sys").is_ok());
    }
}
