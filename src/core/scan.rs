//! Lifecycle scan: every agent pool of every managed cluster in a subscription
//! (or resource group), with a verdict from the catalog — `ok`, `retiring`,
//! `retired` or `unknown-sku` — sorted worst first. Reads only; clusters are read
//! with bounded concurrency, and a cluster that cannot be read is reported
//! without stopping the scan (unless the token was refused: then it stops).

use crate::arm::models::{AgentPool, ManagedCluster};
use crate::arm::{Arm, ArmError};
use crate::core::catalog::{self, Minor, Verdict};
use crate::error::AppResult;
use futures::stream::{self, StreamExt};
use serde::Serialize;

/// How many clusters are read at once.
const CONCURRENCY: usize = 8;

/// Verdict levels, worst last (so `Ord` sorts worst first when reversed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Ok,
    UnknownSku,
    Retiring,
    Retired,
}

/// One pool and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct PoolRow {
    /// The subscription holding the cluster (every row carries it, so a saved
    /// scan can be acted on: `aksos migrate --from-scan`).
    pub subscription: String,
    pub resource_group: String,
    pub cluster: String,
    pub pool: String,
    pub mode: String,
    pub os_type: String,
    pub os_sku: String,
    pub kubernetes_version: String,
    pub vm_size: String,
    pub count: Option<i64>,
    pub level: Level,
    /// The catalog verdict (dates, days left, successor) when the SKU is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Verdict>,
    /// What no longer works, for retired SKUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
    /// The command that moves this pool to its successor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migrate: Option<String>,
}

/// A cluster whose pools could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub subscription: String,
    pub resource_group: String,
    pub cluster: String,
    pub error: String,
}

/// The whole scan.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub pools: Vec<PoolRow>,
    pub unreadable: Vec<Unreadable>,
    pub clusters_scanned: usize,
}

impl Report {
    /// `3 pools on retired or retiring OSes in 2 clusters`.
    pub fn summary(&self) -> String {
        let affected: Vec<&PoolRow> = self
            .pools
            .iter()
            .filter(|p| p.level >= Level::Retiring)
            .collect();
        let mut clusters: Vec<(&str, &str, &str)> = affected
            .iter()
            .map(|p| {
                (
                    p.subscription.as_str(),
                    p.resource_group.as_str(),
                    p.cluster.as_str(),
                )
            })
            .collect();
        clusters.sort();
        clusters.dedup();
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        format!(
            "{} on retired or retiring OSes in {} ({} scanned in {})",
            plural(affected.len(), "pool"),
            plural(clusters.len(), "cluster"),
            plural(self.pools.len(), "pool"),
            plural(self.clusters_scanned, "cluster"),
        )
    }

    /// The worst level present.
    pub fn worst(&self) -> Level {
        self.pools
            .iter()
            .map(|p| p.level)
            .max()
            .unwrap_or(Level::Ok)
    }
}

/// Resource group of an ARM id (`/subscriptions/x/resourceGroups/RG/...`).
pub fn resource_group_of(id: &str) -> Option<&str> {
    let mut it = id.split('/');
    while let Some(seg) = it.next() {
        if seg.eq_ignore_ascii_case("resourceGroups") {
            return it.next();
        }
    }
    None
}

/// Classifies one pool.
pub fn classify(
    rg: &str,
    cluster: &str,
    pool: &AgentPool,
    cluster_version: Option<&str>,
    flags: &str,
) -> PoolRow {
    let p = &pool.properties;
    let os_type = p.os_type.clone().unwrap_or_else(|| "Linux".into());
    let os_sku = crate::core::catalog::defaults::os_sku_of(p.os_sku.as_deref(), Some(&os_type));
    let version = p
        .current_orchestrator_version
        .clone()
        .or(p.orchestrator_version.clone())
        .or(cluster_version.map(str::to_string))
        .unwrap_or_default();
    let name = pool.name.clone().unwrap_or_default();
    let sku = catalog::effective(&os_sku, Minor::parse(&version));
    let verdict = sku.map(|s| s.verdict(catalog::today()));
    let level = match &verdict {
        None => Level::UnknownSku,
        Some(Verdict::Ok) => Level::Ok,
        Some(Verdict::Retiring { .. }) => Level::Retiring,
        Some(Verdict::Retired { .. }) => Level::Retired,
    };
    let impact = match &verdict {
        Some(Verdict::Retired { images_removed, .. }) => Some(match images_removed {
            Some(d) if d.as_str() <= catalog::today().to_string().as_str() => {
                format!("no new pools; node images removed since {d}: scale-out and reimage fail")
            }
            Some(d) => format!(
                "no new pools; node images removed from {d}, then scale-out and reimage fail"
            ),
            None => "no new pools".into(),
        }),
        _ => None,
    };
    let migrate = (level >= Level::Retiring).then(|| {
        format!(
            "aksos {flags}migrate -g {} --cluster {} --pool {}",
            crate::shellquote::quote(rg),
            crate::shellquote::quote(cluster),
            crate::shellquote::quote(&name)
        )
    });
    PoolRow {
        subscription: String::new(),
        resource_group: rg.to_string(),
        cluster: cluster.to_string(),
        pool: name,
        mode: p.mode.clone().unwrap_or_default(),
        os_type,
        os_sku,
        kubernetes_version: version,
        vm_size: p.vm_size.clone().unwrap_or_default(),
        count: p.count,
        level,
        lifecycle: verdict,
        impact,
        migrate,
    }
}

/// Scans the subscription (or `rg`, or one `cluster` in it).
pub async fn scan(
    arm: &Arm,
    rg: Option<&str>,
    cluster: Option<&str>,
    flags: &str,
) -> AppResult<Report> {
    let clusters: Vec<ManagedCluster> = match (rg, cluster) {
        // A named cluster that is not there is an error (ARM's own 404, with its
        // code and correlation id), never an empty scan that passes `--fail-on`.
        (Some(rg), Some(name)) => {
            let req = arm.get_cluster_request(rg, name);
            let resp = arm.call(&req).await?;
            vec![crate::arm::ops::decode(&resp, &req.context)?]
        }
        _ => {
            let all = arm.list_clusters(rg).await?;
            let found: Vec<ManagedCluster> = all
                .into_iter()
                .filter(|c| {
                    cluster.is_none_or(|n| {
                        c.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n))
                    })
                })
                .collect();
            if let (Some(name), true) = (cluster, found.is_empty()) {
                return Err(crate::arm::ArmError::new(
                    crate::arm::ArmErrorKind::Http { status: 404 },
                    format!("find cluster {name}"),
                )
                .with_message(
                    "ResourceNotFound",
                    format!(
                        "no managed cluster named {name} in subscription {}",
                        arm.subscription
                    ),
                )
                .into());
            }
            found
        }
    };
    let scanned = clusters.len();
    let results: Vec<Result<Vec<PoolRow>, (Unreadable, ArmError)>> = stream::iter(clusters)
        .map(|c| async move {
            let name = c.name.clone().unwrap_or_default();
            let group =
                c.id.as_deref()
                    .and_then(resource_group_of)
                    .or(rg)
                    .unwrap_or_default()
                    .to_string();
            match arm.list_pools(&group, &name).await {
                Ok(pools) => Ok(pools
                    .iter()
                    .map(|p| PoolRow {
                        subscription: arm.subscription.clone(),
                        ..classify(&group, &name, p, c.kubernetes_version(), flags)
                    })
                    .collect()),
                Err(e) => {
                    let unreadable = Unreadable {
                        subscription: arm.subscription.clone(),
                        resource_group: group,
                        cluster: name,
                        error: e.to_string().lines().take(3).collect::<Vec<_>>().join(" "),
                    };
                    Err((unreadable, e))
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut pools = vec![];
    let mut unreadable = vec![];
    for r in results {
        match r {
            Ok(rows) => pools.extend(rows),
            // A refused or expired token makes every further read fail too: the
            // scan cannot vouch for anything, so it stops (exit 3) rather than
            // reporting an empty, passing result.
            Err((_, e)) if e.is_auth() => return Err(e.into()),
            Err((u, _)) => unreadable.push(u),
        }
    }
    pools.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| days_left(a).cmp(&days_left(b)))
            .then_with(|| {
                (&a.resource_group, &a.cluster, &a.pool).cmp(&(
                    &b.resource_group,
                    &b.cluster,
                    &b.pool,
                ))
            })
    });
    unreadable
        .sort_by(|a, b| (&a.resource_group, &a.cluster).cmp(&(&b.resource_group, &b.cluster)));
    Ok(Report {
        pools,
        unreadable,
        clusters_scanned: scanned,
    })
}

fn days_left(p: &PoolRow) -> i64 {
    match &p.lifecycle {
        Some(Verdict::Retiring { days_left, .. }) => *days_left,
        _ => i64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::models::AgentPoolProperties;

    fn pool(name: &str, sku: Option<&str>, version: &str) -> AgentPool {
        AgentPool {
            name: Some(name.into()),
            properties: AgentPoolProperties {
                os_sku: sku.map(str::to_string),
                current_orchestrator_version: Some(version.into()),
                mode: Some("User".into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn verdicts_from_the_catalog() {
        std::env::set_var("AKSOS_TODAY", "2026-11-24");
        let row = classify(
            "rg",
            "c",
            &pool("flat", Some("Flatcar"), "1.33.1"),
            None,
            "",
        );
        assert_eq!(row.level, Level::Retired);
        assert!(row.impact.unwrap().contains("2026-09-08"));
        assert_eq!(
            row.migrate.as_deref(),
            Some("aksos migrate -g rg --cluster c --pool flat")
        );
        let row = classify(
            "rg",
            "c",
            &pool("g", Some("AzureLinuxOSGuard"), "1.34.2"),
            None,
            "",
        );
        assert_eq!(row.level, Level::Retiring);
        assert_eq!(
            classify(
                "rg",
                "c",
                &pool("a", Some("AzureLinux"), "1.31.1"),
                None,
                ""
            )
            .level,
            Level::Retired
        );
        assert_eq!(
            classify("rg", "c", &pool("u", None, "1.34.2"), None, "").os_sku,
            "Ubuntu"
        );
        let unknown = classify("rg", "c", &pool("x", Some("NewOS9"), "1.34.2"), None, "");
        assert_eq!(
            (unknown.level, unknown.os_sku.as_str()),
            (Level::UnknownSku, "NewOS9")
        );
    }

    #[test]
    fn resource_group_from_id() {
        assert_eq!(
            resource_group_of("/subscriptions/s/resourceGroups/rg-1/providers/x/managedClusters/c"),
            Some("rg-1")
        );
        assert_eq!(resource_group_of("/subscriptions/s"), None);
    }
}
