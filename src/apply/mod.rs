//! `aksos apply -f FILE`: the clusters and node pools a YAML file declares, like
//! eksctl's ClusterConfig.
//!
//! 1. Whole-file preflight ([`file`]): every entry through the same preflight as
//!    the flags; all errors at once with their paths, exit 2, nothing sent.
//! 2. Each preview feature the file needs is registered once and the provider
//!    refreshed once, before any resource.
//! 3. Clusters in parallel (at most `--parallel`), the pools of one cluster one
//!    at a time (AKS allows one operation per cluster). Each resource goes
//!    through [`plan::compute`] and [`execute_with`]: present and the same →
//!    unchanged, no write; present and different → shown, not applied.
//! 4. One progress line per cluster/pool, a summary table (or `-o json`); a
//!    failure does not stop the others, and makes the exit code 4. Ctrl-C stops
//!    every row (no write after it): the table still lists what was done, and
//!    the exit code is 130.

pub mod file;

use crate::arm::Arm;
use crate::cli::ApplyArgs;
use crate::config::Session;
use crate::core::catalog::{FEATURE_NAMESPACE, PROVIDER_NAMESPACE};
use crate::core::executor::execute_with;
use crate::core::plan::{plan, Plan, Planned, Target};
use crate::error::{exit, AppError, AppResult};
use crate::io::output::{Style, Ui};
use crate::io::progress::Reporter;
use file::ClusterWork;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use std::collections::BTreeSet;

/// The commented example, also `templates/apply-example.yaml`.
pub const EXAMPLE: &str = include_str!("../../templates/apply-example.yaml");

/// What happened to one cluster or pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Created,
    Unchanged,
    /// Exists with other settings: shown, never applied.
    Differs,
    Failed,
    /// Not attempted because its cluster failed.
    Skipped,
    /// `--dry-run`: would be created.
    Planned,
    /// Ctrl-C came before it finished (or started).
    Interrupted,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Unchanged => "unchanged",
            Status::Differs => "differs",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Planned => "would create",
            Status::Interrupted => "interrupted",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub kind: &'static str,
    /// Where it is declared, e.g. `clusters[1].nodePools[0]`.
    pub path: String,
    pub resource_group: String,
    pub cluster: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    pub os_sku: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    order: (usize, usize),
}

impl Row {
    fn new(t: &Target, path: String, order: (usize, usize), status: Status) -> Row {
        let (kind, rg, cluster, pool) = match t {
            Target::Cluster(c) => ("cluster", &c.resource_group, &c.name, None),
            Target::Pool(p) => (
                "nodepool",
                &p.resource_group,
                &p.cluster,
                Some(p.pool.name.clone()),
            ),
        };
        Row {
            kind,
            path,
            resource_group: rg.clone(),
            cluster: cluster.clone(),
            pool,
            os_sku: t.pool().os_sku.clone(),
            status,
            detail: None,
            differences: vec![],
            error: None,
            order,
        }
    }
}

/// The `-o json` report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub dry_run: bool,
    /// Features registered (or, with --dry-run, to register) and whether the provider was refreshed.
    pub features_registered: Vec<String>,
    pub provider_refreshed: bool,
    pub results: Vec<Row>,
    pub summary: Summary,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub created: usize,
    pub unchanged: usize,
    pub differs: usize,
    pub failed: usize,
    pub skipped: usize,
    pub planned: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub interrupted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Applies the checked file: capability checks, features, then every
/// cluster and pool; prints the report. `aksos apply`'s entry is
/// [`crate::cmd::apply`].
pub async fn apply(work: &[ClusterWork], a: &ApplyArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    if a.skip_capability_checks {
        ui.note("capability checks skipped (--skip-capability-checks): Azure will judge the VM sizes, zones and quota itself");
    } else {
        capability_checks(work, s, ui).await?;
    }
    let reporter = Reporter::new(ui.stderr_tty);
    let (features, refreshed) = prepare(work, a.dry_run, s, &reporter).await?;
    let mut rows: Vec<Row> = stream::iter(work)
        .map(|w| cluster_chain(w, a.dry_run, s, &reporter))
        .buffer_unordered(a.parallel as usize)
        .collect::<Vec<Vec<Row>>>()
        .await
        .into_iter()
        .flatten()
        .collect();
    rows.sort_by_key(|r| r.order);
    let mut summary = Summary::default();
    for r in &rows {
        *match r.status {
            Status::Created => &mut summary.created,
            Status::Unchanged => &mut summary.unchanged,
            Status::Differs => &mut summary.differs,
            Status::Failed => &mut summary.failed,
            Status::Skipped => &mut summary.skipped,
            Status::Planned => &mut summary.planned,
            Status::Interrupted => &mut summary.interrupted,
        } += 1;
    }
    let failed = summary.failed + summary.skipped > 0;
    let interrupted = summary.interrupted > 0 || crate::cancel::is_interrupted();
    let created = summary.created;
    let report = Report {
        dry_run: a.dry_run,
        features_registered: features,
        provider_refreshed: refreshed,
        results: rows,
        summary,
    };
    if ui.json() {
        ui.print_json(&report);
    } else {
        print_report(&report, ui);
    }
    if interrupted {
        // The table above lists what was done; exit 130, not "failed" (4).
        return Err(AppError::Interrupted {
            hint: format!(
                "{created} created before Ctrl-C (see the results above); operations already accepted keep running in Azure. Re-running `aksos apply` continues from there."
            ),
        });
    }
    Ok(if failed { exit::AZURE } else { exit::OK })
}

/// The capability checks of every cluster's system pool and every pool that
/// would be written, before any write (reads only; one read per region).
async fn capability_checks(work: &[ClusterWork], s: &Session, ui: &Ui) -> AppResult<()> {
    use crate::capabilities::FilePool;
    use crate::core::Kind;
    let mut pools = vec![];
    for w in work {
        let at = format!("clusters[{}]", w.index);
        let location = w.cluster.location.as_str();
        if writes(&s.arm, &Target::Cluster(w.cluster.clone())).await {
            pools.push(FilePool {
                at: format!("{at}."),
                kind: Kind::Cluster,
                location,
                spec: &w.cluster.pool,
            });
        }
        for (j, p) in w.pools.iter().enumerate() {
            if writes(&s.arm, &Target::Pool(p.clone())).await {
                pools.push(FilePool {
                    at: format!("{at}.nodePools[{j}]."),
                    kind: Kind::Pool,
                    location,
                    spec: &p.pool,
                });
            }
        }
    }
    crate::capabilities::preflight_file(&s.arm, &pools, ui).await
}

/// Whether applying `t` would write it: an existing, identical resource is
/// not checked again (its quota is already spent); a failed read is checked.
async fn writes(arm: &Arm, t: &Target) -> bool {
    match plan(arm, t).await {
        Ok(Planned::Ready(p)) => p.put.is_some(),
        Ok(Planned::Differs(_)) => false,
        Err(_) => true,
    }
}

/// Registers every feature the file needs (once each), then refreshes the
/// provider once when a feature was registered or it is not Registered.
async fn prepare(
    work: &[ClusterWork],
    dry_run: bool,
    s: &Session,
    reporter: &Reporter,
) -> AppResult<(Vec<String>, bool)> {
    let flags: BTreeSet<&str> = work
        .iter()
        .flat_map(|w| std::iter::once(&w.cluster.pool).chain(w.pools.iter().map(|p| &p.pool)))
        .filter_map(|p| p.sku().and_then(|s| s.feature_flag))
        .collect();
    let Some(first) = work.first() else {
        return Ok((vec![], false));
    };
    if flags.is_empty() {
        return Ok((vec![], false));
    }
    let target = Target::Cluster(first.cluster.clone());
    let mut registered = vec![];
    for flag in flags {
        if s.arm
            .get_feature(FEATURE_NAMESPACE, flag)
            .await?
            .is_registered()
        {
            continue;
        }
        registered.push(flag.to_string());
        if !dry_run {
            let plan = bare_plan(
                Some((FEATURE_NAMESPACE.to_string(), flag.to_string())),
                false,
            );
            execute_with(s, &target, &plan, false, reporter.clone()).await?;
        }
    }
    let refresh = !registered.is_empty()
        || !s
            .arm
            .get_provider(PROVIDER_NAMESPACE)
            .await?
            .is_registered();
    if refresh && !dry_run {
        execute_with(s, &target, &bare_plan(None, true), false, reporter.clone()).await?;
    }
    Ok((registered, refresh))
}

fn bare_plan(register_feature: Option<(String, String)>, refresh_provider: bool) -> Plan {
    Plan {
        register_feature,
        refresh_provider,
        ..crate::core::plan::empty()
    }
}

/// The cluster, then its pools one at a time.
async fn cluster_chain(
    w: &ClusterWork,
    dry_run: bool,
    s: &Session,
    reporter: &Reporter,
) -> Vec<Row> {
    let at = format!("clusters[{}]", w.index);
    let ct = Target::Cluster(w.cluster.clone());
    let first = one(&ct, at.clone(), (w.index, 0), dry_run, s, reporter).await;
    let cluster_status = first.status;
    let mut rows = vec![first];
    for (j, p) in w.pools.iter().enumerate() {
        let t = Target::Pool(p.clone());
        let path = format!("{at}.nodePools[{j}]");
        let order = (w.index, j + 1);
        let row = match cluster_status {
            Status::Interrupted => {
                let mut r = Row::new(&t, path, order, Status::Interrupted);
                r.detail = Some("not started (Ctrl-C)".into());
                r
            }
            Status::Failed | Status::Skipped => {
                let mut r = Row::new(&t, path, order, Status::Skipped);
                r.detail = Some("its cluster failed".into());
                r
            }
            Status::Planned => {
                let mut r = Row::new(&t, path, order, Status::Planned);
                r.detail = Some(format!(
                    "after the cluster (PUT at api-version {})",
                    p.pool.api_version()
                ));
                r
            }
            _ => one(&t, path, order, dry_run, s, reporter).await,
        };
        rows.push(row);
    }
    rows
}

/// Plans and (unless `dry_run`) creates one cluster or pool.
async fn one(
    t: &Target,
    path: String,
    order: (usize, usize),
    dry_run: bool,
    s: &Session,
    reporter: &Reporter,
) -> Row {
    let mut row = Row::new(t, path, order, Status::Failed);
    if crate::cancel::is_interrupted() {
        row.status = Status::Interrupted;
        row.detail = Some("not started (Ctrl-C)".into());
        return row;
    }
    let step = reporter.step(t.describe());
    let plan = match plan(&s.arm, t).await {
        Ok(Planned::Ready(plan)) => plan,
        Ok(Planned::Differs(d)) => {
            row.status = Status::Differs;
            row.detail = Some("exists with other settings; not changed".into());
            row.differences = d.diffs.iter().map(ToString::to_string).collect();
            step.finish("differs (not changed)");
            return row;
        }
        Err(AppError::Interrupted { .. }) => {
            row.status = Status::Interrupted;
            row.detail = Some("not sent (Ctrl-C while planning)".into());
            step.fail("interrupted");
            return row;
        }
        Err(e) => {
            row.error = Some(e.to_string());
            step.fail(&format!("failed: {}", first_line(&e.to_string())));
            return row;
        }
    };
    if let Some(why) = &plan.up_to_date {
        row.status = Status::Unchanged;
        row.detail = Some(format!("up to date: {why}"));
        step.finish("up to date");
        return row;
    }
    if dry_run {
        row.status = Status::Planned;
        row.detail = Some(describe_writes(&plan, &s.arm));
        step.finish("planned");
        return row;
    }
    match execute_with(s, t, &plan, false, Reporter::quiet()).await {
        Ok(_) => {
            row.status = Status::Created;
            row.detail = plan.kubernetes.map(|k| format!("Kubernetes {k}"));
            step.finish("created");
        }
        Err(AppError::Interrupted { hint }) => {
            row.status = Status::Interrupted;
            row.detail = Some(hint);
            step.fail("interrupted");
        }
        Err(e) => {
            row.error = Some(e.to_string());
            step.fail(&format!("failed: {}", first_line(&e.to_string())));
        }
    }
    row
}

fn describe_writes(plan: &Plan, arm: &Arm) -> String {
    plan.writes(arm)
        .iter()
        .map(|r| {
            format!(
                "{} at api-version {}",
                r.method.as_str(),
                r.api_version().unwrap_or("?")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

fn print_report(r: &Report, ui: &Ui) {
    if !r.features_registered.is_empty() {
        ui.line(format!(
            "feature{} {} {}",
            if r.features_registered.len() == 1 {
                ""
            } else {
                "s"
            },
            r.features_registered.join(", "),
            if r.dry_run {
                "would be registered"
            } else {
                "registered"
            }
        ));
    }
    if r.provider_refreshed {
        ui.line(format!(
            "provider {PROVIDER_NAMESPACE} {}",
            if r.dry_run {
                "would be re-registered"
            } else {
                "re-registered"
            }
        ));
    }
    ui.line(format!(
        "{:<40}  {:<20}  {:<12}  DETAIL",
        "RESOURCE", "OS SKU", "RESULT"
    ));
    for row in &r.results {
        let name = match &row.pool {
            Some(p) => format!("  nodepool {p}"),
            None => format!("cluster {}/{}", row.resource_group, row.cluster),
        };
        let style = match row.status {
            Status::Created | Status::Unchanged => Style::Good,
            Status::Differs | Status::Planned | Status::Interrupted => Style::Warn,
            Status::Failed | Status::Skipped => Style::Bad,
        };
        let detail = row
            .error
            .as_deref()
            .map(first_line)
            .or_else(|| row.detail.clone())
            .unwrap_or_default();
        ui.line(format!(
            "{:<40}  {:<20}  {}  {}",
            name,
            row.os_sku,
            ui.paint(&format!("{:<12}", row.status.word()), style),
            detail
        ));
        for d in &row.differences {
            ui.line(format!("{:<40}    {d}", ""));
        }
        if let Some(e) = &row.error {
            for l in e.lines().skip(1) {
                ui.line(format!("{:<40}  {l}", ""));
            }
        }
    }
    let s = &r.summary;
    let mut parts = vec![
        format!("{} created", s.created),
        format!("{} unchanged", s.unchanged),
    ];
    for (n, w) in [
        (s.differs, "differ (not changed)"),
        (s.planned, "would be created"),
        (s.failed, "failed"),
        (s.skipped, "skipped"),
        (s.interrupted, "interrupted"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {w}"));
        }
    }
    if s.created == 0
        && s.failed == 0
        && s.planned == 0
        && s.skipped == 0
        && s.differs == 0
        && s.interrupted == 0
    {
        ui.line(format!("{}; up to date, nothing sent.", parts.join(", ")));
    } else {
        ui.line(format!("{}.", parts.join(", ")));
    }
}
