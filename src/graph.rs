//! Tenant-scale scan: every managed cluster the identity can read, across
//! subscriptions, in a handful of requests through Azure Resource Graph.
//!
//! One query (`POST /providers/Microsoft.ResourceGraph/resources`) selects the
//! managed clusters with their `agentPoolProfiles`; `$skipToken` is followed to
//! the end (pages bounded, a repeated token is an error). The query only says
//! *which resources*: every verdict comes from the catalog through
//! [`scan::classify`], so no OS fact ever moves into a query string.
//!
//! Resource Graph's per-user quota is honoured: when `x-ms-user-quota-remaining`
//! reaches 0, the next page waits `x-ms-user-quota-resets-after`. (429 with
//! `Retry-After` is retried by the HTTP pipeline.) When Resource Graph is refused
//! (403, not registered, disallowed by policy), the scan falls back to listing
//! subscriptions (`GET /subscriptions`) and scanning each through ARM with
//! bounded concurrency; [`Source`] says which path ran.

use crate::arm::models::{AgentPool, AgentPoolProperties};
use crate::arm::ops::{decode, error_from_response};
use crate::arm::{Arm, ArmClient, ArmError, ArmErrorKind, ArmRequest, Method};
use crate::core::scan::{self, Level, PoolRow, Report, Unreadable};
use crate::error::{AppError, AppResult};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// Resource Graph api-version (arm-specs/resourcegraph/2024-04-01).
pub const GRAPH_API: &str = "2024-04-01";
/// Subscriptions_List api-version (Microsoft.Resources subscriptions API).
pub const SUBSCRIPTIONS_API: &str = "2022-12-01";
/// Rows per Resource Graph page (its maximum).
pub const TOP: u32 = 1000;
/// Pages followed at most (a million clusters): beyond that the answer is broken.
const MAX_PAGES: usize = 1000;
/// Subscriptions named in one Resource Graph request at most.
pub const SUBSCRIPTIONS_PER_QUERY: usize = 1000;
/// Subscriptions scanned at once on the ARM fallback (each reads 8 clusters at once).
const FALLBACK_CONCURRENCY: usize = 4;

/// The query: managed clusters and the columns a scan needs. No OS facts here.
pub const QUERY: &str = "resources | where type =~ 'microsoft.containerservice/managedclusters' | project id, name, subscriptionId, resourceGroup, location, properties, tags | order by id asc";

/// Resource Graph can lag ARM; said with every tenant scan.
pub const LAG_NOTE: &str = "it can lag ARM by a few minutes; `aksos scan --subscription ID -g RG --cluster NAME` reads one cluster from ARM directly";

/// Which subscriptions a tenant scan covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every subscription the identity can read.
    All,
    Subscriptions(Vec<String>),
    ManagementGroup(String),
}

/// How the clusters were read.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// `resource-graph` or `arm-per-subscription`.
    pub path: &'static str,
    /// Resource Graph pages, or subscription-list pages on the fallback.
    pub pages: usize,
    /// Why Resource Graph was not used, on the fallback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
    pub note: String,
}

/// Counts by verdict for one subscription.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SubscriptionSummary {
    pub subscription: String,
    pub clusters: usize,
    pub pools: usize,
    pub retired: usize,
    pub retiring: usize,
    pub unknown_sku: usize,
    pub ok: usize,
    pub unreadable: usize,
}

/// A tenant scan's result.
#[derive(Debug, Clone)]
pub struct TenantReport {
    pub report: Report,
    pub source: Source,
    pub subscriptions: Vec<SubscriptionSummary>,
}

/// `QueryResponse` (only what is read).
#[derive(Debug, Deserialize)]
struct QueryResponse {
    #[serde(default)]
    data: Vec<Value>,
    #[serde(rename = "$skipToken", default)]
    skip_token: Option<String>,
    #[serde(rename = "resultTruncated", default)]
    result_truncated: Option<Value>,
}

/// Progress while pages arrive: (pages so far, clusters so far).
pub type OnPage<'a> = dyn Fn(usize, usize) + Send + Sync + 'a;

/// Runs the tenant scan. `flags` are the global flags a printed command must
/// repeat, without `--subscription` (each row adds its own).
pub async fn scan(
    client: Arc<dyn ArmClient>,
    scope: &Scope,
    flags: &str,
    on_page: &OnPage<'_>,
) -> AppResult<TenantReport> {
    match query_all(client.as_ref(), scope, on_page).await {
        Ok((rows, pages)) => {
            let report = classify_rows(&rows, flags)?;
            let subscriptions = summarise(&report, scope_list(scope));
            Ok(TenantReport {
                report,
                source: Source {
                    path: "resource-graph",
                    pages,
                    fallback_reason: None,
                    note: LAG_NOTE.into(),
                },
                subscriptions,
            })
        }
        Err(e) if is_refused(&e) => {
            let reason = format!(
                "Resource Graph refused the query: {} ({})",
                e.code(),
                e.error
                    .message
                    .as_deref()
                    .unwrap_or("no message")
                    .lines()
                    .next()
                    .unwrap_or_default()
            );
            fallback(client, scope, flags, reason).await
        }
        Err(e) => Err(e.into()),
    }
}

fn scope_list(scope: &Scope) -> &[String] {
    match scope {
        Scope::Subscriptions(s) => s,
        _ => &[],
    }
}

/// 403, an unregistered provider or a policy denial: the fallback's cue.
/// (401 is a token problem, not a refusal: it stops the command, exit 3.)
pub fn is_refused(e: &ArmError) -> bool {
    let code = e.code().to_ascii_lowercase();
    e.status() == Some(403)
        || code.contains("notregistered")
        || code.contains("registration")
        || code.contains("disallowed")
        || code.contains("disabled")
}

/// The request body of one page.
pub fn query_body(scope: &Scope, skip_token: Option<&str>) -> Value {
    let mut options = json!({ "$top": TOP, "resultFormat": "objectArray" });
    if let Some(t) = skip_token {
        options["$skipToken"] = json!(t);
    }
    let mut body = json!({ "query": QUERY, "options": options });
    match scope {
        Scope::All => {}
        Scope::Subscriptions(subs) => body["subscriptions"] = json!(subs),
        Scope::ManagementGroup(mg) => body["managementGroups"] = json!([mg]),
    }
    body
}

/// Runs the query over the scope, named subscriptions in batches of
/// [`SUBSCRIPTIONS_PER_QUERY`] (Resource Graph's limit per request).
async fn query_all(
    client: &dyn ArmClient,
    scope: &Scope,
    on_page: &OnPage<'_>,
) -> Result<(Vec<Value>, usize), ArmError> {
    let Scope::Subscriptions(subs) = scope else {
        return query_clusters(client, scope, on_page).await;
    };
    let (mut rows, mut pages) = (Vec::new(), 0);
    for batch in subs.chunks(SUBSCRIPTIONS_PER_QUERY) {
        let before = (pages, rows.len());
        let progress = |p: usize, n: usize| on_page(before.0 + p, before.1 + n);
        let (r, p) =
            query_clusters(client, &Scope::Subscriptions(batch.to_vec()), &progress).await?;
        rows.extend(r);
        pages += p;
    }
    Ok((rows, pages))
}

/// Follows `$skipToken` to the end; returns the rows and the number of pages.
async fn query_clusters(
    client: &dyn ArmClient,
    scope: &Scope,
    on_page: &OnPage<'_>,
) -> Result<(Vec<Value>, usize), ArmError> {
    let path = format!("/providers/Microsoft.ResourceGraph/resources?api-version={GRAPH_API}");
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    for page in 1..=MAX_PAGES {
        let req = ArmRequest::new(Method::Post, &path, "query Azure Resource Graph")
            .with_body(query_body(scope, token.as_deref()));
        let resp = client.send(&req).await?;
        if !resp.is_success() {
            return Err(error_from_response(&resp, &req.context));
        }
        let answer: QueryResponse = decode(&resp, &req.context)?;
        if answer
            .result_truncated
            .as_ref()
            .is_some_and(|t| t == "true" || t == &Value::Bool(true))
            && answer.skip_token.is_none()
        {
            return Err(protocol(
                &req.context,
                "ResultTruncated",
                "Resource Graph truncated the result and gave no $skipToken to continue",
            ));
        }
        rows.extend(answer.data);
        on_page(page, rows.len());
        match answer.skip_token.filter(|t| !t.is_empty()) {
            None => return Ok((rows, page)),
            Some(t) => {
                if !seen.insert(t.clone()) {
                    return Err(protocol(
                        &req.context,
                        "RepeatedSkipToken",
                        format!("Resource Graph sent the same $skipToken twice (page {page}): the answer loops"),
                    ));
                }
                token = Some(t);
            }
        }
        if let Some(wait) = quota_pause(
            resp.header("x-ms-user-quota-remaining"),
            resp.header("x-ms-user-quota-resets-after"),
        ) {
            tracing::info!("Resource Graph quota used up; waiting {wait:?} for it to reset");
            tokio::time::sleep(wait).await;
        }
    }
    Err(protocol(
        "query Azure Resource Graph",
        "TooManyPages",
        format!("more than {MAX_PAGES} pages of {TOP} rows; narrow the scope with --subscriptions"),
    ))
}

fn protocol(context: &str, code: &str, message: impl Into<String>) -> ArmError {
    ArmError::new(ArmErrorKind::Protocol, context).with_message(code, message)
}

/// How long to wait before the next Resource Graph request: only when the quota
/// is used up, for `resets-after` (`hh:mm:ss`), at most a minute.
pub fn quota_pause(remaining: Option<&str>, resets_after: Option<&str>) -> Option<Duration> {
    if remaining?.trim().parse::<i64>().ok()? > 0 {
        return None;
    }
    let mut secs = 0u64;
    let mut parts = 0;
    for p in resets_after?.trim().split(':') {
        let n: f64 = p.parse().ok()?;
        secs = secs * 60 + n.ceil().max(0.0) as u64;
        parts += 1;
    }
    (parts == 3).then(|| Duration::from_secs(secs.clamp(1, 60)))
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_default()
}

/// Resource Graph rows → classified pools (the verdicts come from the catalog).
pub fn classify_rows(rows: &[Value], flags: &str) -> AppResult<Report> {
    let mut pools = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let bad = |what: &str| {
            AppError::Arm(Box::new(protocol(
                "query Azure Resource Graph",
                "MalformedResponse",
                format!("Resource Graph row {i} has no {what}: {}", snippet(row)),
            )))
        };
        let id = str_of(row, "id");
        let sub = match str_of(row, "subscriptionId") {
            "" => id_part(id, "subscriptions").unwrap_or_default(),
            s => s,
        };
        let rg = scan::resource_group_of(id).unwrap_or(str_of(row, "resourceGroup"));
        let name = str_of(row, "name");
        if sub.is_empty() {
            return Err(bad("subscriptionId"));
        }
        if rg.is_empty() || name.is_empty() {
            return Err(bad("id or name"));
        }
        let props = &row["properties"];
        let version = props["currentKubernetesVersion"]
            .as_str()
            .or(props["kubernetesVersion"].as_str());
        let row_flags = format!("{flags}--subscription {sub} ");
        for profile in props["agentPoolProfiles"].as_array().into_iter().flatten() {
            let properties: AgentPoolProperties = serde_json::from_value(profile.clone())
                .map_err(|e| bad(&format!("readable agentPoolProfiles ({e})")))?;
            let pool = AgentPool {
                name: profile["name"].as_str().map(str::to_string),
                properties,
                ..Default::default()
            };
            pools.push(PoolRow {
                subscription: sub.to_string(),
                ..scan::classify(rg, name, &pool, version, &row_flags)
            });
        }
    }
    sort_rows(&mut pools);
    Ok(Report {
        pools,
        unreadable: vec![],
        clusters_scanned: rows.len(),
    })
}

fn snippet(v: &Value) -> String {
    v.to_string().chars().take(120).collect()
}

fn id_part<'a>(id: &'a str, name: &str) -> Option<&'a str> {
    let mut it = id.split('/');
    while let Some(seg) = it.next() {
        if seg.eq_ignore_ascii_case(name) {
            return it.next();
        }
    }
    None
}

/// Worst first, soonest first, then by subscription, group, cluster, pool.
pub fn sort_rows(pools: &mut [PoolRow]) {
    let days = |p: &PoolRow| match &p.lifecycle {
        Some(crate::core::catalog::Verdict::Retiring { days_left, .. }) => *days_left,
        _ => i64::MAX,
    };
    pools.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| days(a).cmp(&days(b)))
            .then_with(|| {
                (&a.subscription, &a.resource_group, &a.cluster, &a.pool).cmp(&(
                    &b.subscription,
                    &b.resource_group,
                    &b.cluster,
                    &b.pool,
                ))
            })
    });
}

/// Per-subscription counts; `known` subscriptions appear even when empty.
pub fn summarise(r: &Report, known: &[String]) -> Vec<SubscriptionSummary> {
    let mut by: BTreeMap<String, (SubscriptionSummary, HashSet<(String, String)>)> =
        BTreeMap::new();
    let entry = |by: &mut BTreeMap<_, (SubscriptionSummary, HashSet<_>)>, s: &str| {
        by.entry(s.to_ascii_lowercase())
            .or_insert_with(|| {
                (
                    SubscriptionSummary {
                        subscription: s.to_string(),
                        ..Default::default()
                    },
                    HashSet::new(),
                )
            })
            .0
            .subscription
            .clone()
    };
    for s in known {
        entry(&mut by, s);
    }
    for p in &r.pools {
        entry(&mut by, &p.subscription);
        let (sum, clusters) = by
            .get_mut(&p.subscription.to_ascii_lowercase())
            .expect("added");
        clusters.insert((
            p.resource_group.to_ascii_lowercase(),
            p.cluster.to_ascii_lowercase(),
        ));
        sum.pools += 1;
        match p.level {
            Level::Retired => sum.retired += 1,
            Level::Retiring => sum.retiring += 1,
            Level::UnknownSku => sum.unknown_sku += 1,
            Level::Ok => sum.ok += 1,
        }
    }
    for u in &r.unreadable {
        entry(&mut by, &u.subscription);
        by.get_mut(&u.subscription.to_ascii_lowercase())
            .expect("added")
            .0
            .unreadable += 1;
    }
    by.into_values()
        .map(|(mut s, clusters)| {
            s.clusters = clusters.len();
            s
        })
        .collect()
}

/// One entry of Subscriptions_List.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionEntry {
    #[serde(default)]
    subscription_id: String,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscriptionPage {
    #[serde(default)]
    value: Vec<SubscriptionEntry>,
    #[serde(default)]
    next_link: Option<String>,
}

/// `GET /subscriptions`, every page (bounded, a repeated link is an error).
/// Disabled and deleted subscriptions are left out: they cannot be read.
pub async fn list_subscriptions(client: &dyn ArmClient) -> Result<(Vec<String>, usize), ArmError> {
    let mut req = ArmRequest::new(
        Method::Get,
        format!("/subscriptions?api-version={SUBSCRIPTIONS_API}"),
        "list subscriptions",
    );
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for page in 1..=MAX_PAGES {
        let resp = client.send(&req).await?;
        if !resp.is_success() {
            return Err(error_from_response(&resp, &req.context));
        }
        let p: SubscriptionPage = decode(&resp, &req.context)?;
        out.extend(
            p.value
                .into_iter()
                .filter(|s| {
                    !s.subscription_id.is_empty()
                        && !matches!(s.state.as_deref(), Some("Disabled" | "Deleted"))
                })
                .map(|s| s.subscription_id),
        );
        match p.next_link.filter(|l| !l.is_empty()) {
            None => return Ok((out, page)),
            Some(next) if !seen.insert(next.clone()) => {
                return Err(protocol(
                    &req.context,
                    "RepeatedNextLink",
                    format!("the subscription list sent the same nextLink twice (page {page}): the answer loops"),
                ))
            }
            Some(next) => req.path = next,
        }
    }
    Err(protocol(
        "list subscriptions",
        "TooManyPages",
        format!("more than {MAX_PAGES} pages of subscriptions"),
    ))
}

/// The ARM path: each subscription scanned as `aksos scan` does, a few at once.
async fn fallback(
    client: Arc<dyn ArmClient>,
    scope: &Scope,
    flags: &str,
    reason: String,
) -> AppResult<TenantReport> {
    let (subs, pages) = match scope {
        Scope::Subscriptions(s) => (s.clone(), 0),
        Scope::All => list_subscriptions(client.as_ref()).await?,
        Scope::ManagementGroup(mg) => {
            return Err(AppError::Arm(Box::new(
                ArmError::new(ArmErrorKind::Protocol, "scan a management group").with_message(
                    "ResourceGraphRefused",
                    format!(
                        "{reason}. Without Resource Graph the subscriptions of management group {mg} are not known; name them with --subscriptions ID,ID (or --all-subscriptions)"
                    ),
                ),
            )))
        }
    };
    let results: Vec<(String, AppResult<Report>)> = stream::iter(subs.iter().cloned())
        .map(|sub| {
            let arm = Arm::new(client.clone(), sub.clone());
            let row_flags = format!("{flags}--subscription {sub} ");
            async move {
                let r = scan::scan(&arm, None, None, &row_flags).await;
                (sub, r)
            }
        })
        .buffer_unordered(FALLBACK_CONCURRENCY)
        .collect()
        .await;
    let mut pools = Vec::new();
    let mut unreadable = Vec::new();
    let mut clusters = 0;
    for (sub, r) in results {
        match r {
            Ok(rep) => {
                clusters += rep.clusters_scanned;
                pools.extend(rep.pools);
                unreadable.extend(rep.unreadable);
            }
            Err(AppError::Arm(e)) if !e.is_auth() => unreadable.push(Unreadable {
                subscription: sub,
                resource_group: "*".into(),
                cluster: "*".into(),
                error: e.to_string().lines().take(3).collect::<Vec<_>>().join(" "),
            }),
            Err(e) => return Err(e),
        }
    }
    sort_rows(&mut pools);
    unreadable.sort_by(|a, b| {
        (&a.subscription, &a.resource_group, &a.cluster).cmp(&(
            &b.subscription,
            &b.resource_group,
            &b.cluster,
        ))
    });
    let report = Report {
        pools,
        unreadable,
        clusters_scanned: clusters,
    };
    let subscriptions = summarise(&report, &subs);
    Ok(TenantReport {
        report,
        source: Source {
            path: "arm-per-subscription",
            pages,
            fallback_reason: Some(reason),
            note: format!(
                "read through ARM, one subscription at a time ({} subscriptions, {FALLBACK_CONCURRENCY} at once)",
                subs.len()
            ),
        },
        subscriptions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_pauses_only_when_used_up() {
        assert_eq!(quota_pause(Some("3"), Some("00:00:05")), None);
        assert_eq!(
            quota_pause(Some("0"), Some("00:00:05")),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            quota_pause(Some("0"), Some("00:01:30")),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            quota_pause(Some("0"), Some("00:00:00.5")),
            Some(Duration::from_secs(1))
        );
        assert_eq!(quota_pause(Some("0"), Some("soon")), None);
        assert_eq!(quota_pause(None, Some("00:00:05")), None);
    }

    #[test]
    fn the_query_names_resources_not_os_facts() {
        for sku in crate::core::catalog::CATALOG {
            assert!(!QUERY.contains(sku.api_value), "{}", sku.api_value);
        }
        let b = query_body(&Scope::Subscriptions(vec!["a".into()]), Some("t"));
        assert_eq!(b["subscriptions"], json!(["a"]));
        assert_eq!(b["options"]["$top"], 1000);
        assert_eq!(b["options"]["$skipToken"], "t");
        assert_eq!(b["options"]["resultFormat"], "objectArray");
        let mg = query_body(&Scope::ManagementGroup("mg1".into()), None);
        assert_eq!(mg["managementGroups"], json!(["mg1"]));
        assert!(mg.get("subscriptions").is_none() && mg["options"].get("$skipToken").is_none());
    }

    #[test]
    fn rows_become_classified_pools_with_their_subscription() {
        std::env::set_var("AKSOS_TODAY", "2026-11-24");
        let rows = vec![json!({
            "id": "/subscriptions/S1/resourceGroups/RG1/providers/Microsoft.ContainerService/managedClusters/c1",
            "name": "c1", "subscriptionId": "S1", "resourceGroup": "rg1",
            "properties": {"kubernetesVersion": "1.35.1", "agentPoolProfiles": [
                {"name": "flat", "osSKU": "Flatcar", "mode": "User", "count": 2, "vmSize": "Standard_D8s_v5"},
                {"name": "sys", "osSKU": "AzureContainerLinux", "mode": "System"}
            ]}
        })];
        let r = classify_rows(&rows, "--sandbox ").unwrap();
        assert_eq!(r.clusters_scanned, 1);
        assert_eq!(r.pools[0].level, Level::Retired);
        assert_eq!(r.pools[0].subscription, "S1");
        assert_eq!(r.pools[0].resource_group, "RG1");
        assert_eq!(
            r.pools[0].migrate.as_deref(),
            Some("aksos --sandbox --subscription S1 migrate -g RG1 --cluster c1 --pool flat")
        );
        assert_eq!(r.pools[1].level, Level::Ok);
        let sums = summarise(&r, &["S2".into()]);
        assert_eq!(sums.len(), 2);
        assert_eq!((sums[0].clusters, sums[0].retired, sums[0].ok), (1, 1, 1));
        assert_eq!(sums[1].pools, 0);
        assert!(classify_rows(&[json!({"name": "x"})], "").is_err());
    }

    #[test]
    fn refusals_are_told_apart_from_token_problems() {
        let e = |status, code: &str| {
            ArmError::new(ArmErrorKind::Http { status }, "q").with_message(code, "m")
        };
        assert!(is_refused(&e(403, "AuthorizationFailed")));
        assert!(is_refused(&e(409, "MissingSubscriptionRegistration")));
        assert!(is_refused(&e(400, "RequestDisallowedByPolicy")));
        assert!(!is_refused(&e(401, "InvalidAuthenticationToken")));
        assert!(!is_refused(&e(400, "BadRequest")));
    }
}
