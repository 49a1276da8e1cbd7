//! `aksos migrate --from-scan FILE`: migrate every retired or retiring pool a
//! saved `aksos scan -o json` lists, across clusters and subscriptions.
//!
//! - The file is checked whole before anything is sent: a regular file of at
//!   most [`MAX_FILE_BYTES`], the shape `{"pools": [{subscription,
//!   resource_group, cluster, pool, os_sku, level}, ...]}`, every name valid.
//!   A problem is exit 2 naming the file and the JSON path (`pools[3].cluster`).
//! - Clusters are worked on in parallel (`--parallel`, bounded), the pools of
//!   one cluster one after another, so a cluster never sees two of our
//!   operations at once (no 409 of our own making).
//! - Each pool is read again just before it is touched: one that is gone, runs
//!   another OS than the scan saw, or is busy is skipped, and the summary says why.
//! - Each pool goes through the same decision as `aksos migrate` for one pool
//!   ([`migrate::decide`]: the catalog's successor, mirrored settings, in place
//!   only where AKS supports it) and the same executor. Old pools are never
//!   deleted here: the summary lists the drain commands.

use crate::cli::{MigrateArgs, OnlyLevel};
use crate::config::{self, Session};
use crate::core::executor::{execute_with, Outcome as ExecOutcome};
use crate::core::migrate::{self, Ask, Decision, Strategy};
use crate::core::preflight;
use crate::error::{AppError, AppResult};
use crate::io::output::{Style, Ui};
use crate::io::progress::Reporter;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The largest scan file read (a 25,000-pool tenant scan is about 20 MB).
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// One pool the scan file asks to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub subscription: String,
    pub resource_group: String,
    pub cluster: String,
    pub pool: String,
    /// The OS the scan saw (compared with what the pool runs now).
    pub os_sku: String,
    pub level: String,
}

fn bad_file(path: &Path, at: &str, msg: impl std::fmt::Display) -> AppError {
    let where_ = if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    };
    AppError::usage(
        format!("--from-scan {}", path.display()),
        format!("{where_}{msg}; give the JSON that `aksos scan -o json` printed"),
    )
}

/// Reads and checks the scan file; returns the pools at the levels asked for.
pub fn load(path: &Path, only: Option<OnlyLevel>) -> AppResult<Vec<Item>> {
    let meta = std::fs::metadata(path).map_err(|e| bad_file(path, "", e))?;
    if !meta.is_file() {
        return Err(bad_file(path, "", "not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad_file(
            path,
            "",
            format!(
                "{} bytes is larger than the {} MiB a scan file may be",
                meta.len(),
                MAX_FILE_BYTES / 1024 / 1024
            ),
        ));
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| bad_file(path, "", e))?;
    let doc: Value = serde_json::from_slice(&bytes)
        .map_err(|e| bad_file(path, "", format!("not JSON ({e})")))?;
    parse(path, &doc, only)
}

/// Checks the document's shape and names.
pub fn parse(path: &Path, doc: &Value, only: Option<OnlyLevel>) -> AppResult<Vec<Item>> {
    let pools = doc
        .get("pools")
        .ok_or_else(|| bad_file(path, "pools", "missing"))?
        .as_array()
        .ok_or_else(|| bad_file(path, "pools", "expected an array"))?;
    let mut out = Vec::new();
    for (i, p) in pools.iter().enumerate() {
        let at = format!("pools[{i}]");
        if !p.is_object() {
            return Err(bad_file(path, &at, "expected an object"));
        }
        let field = |k: &str| -> AppResult<String> {
            let v = p
                .get(k)
                .ok_or_else(|| bad_file(path, &format!("{at}.{k}"), "missing"))?;
            let s = v
                .as_str()
                .ok_or_else(|| bad_file(path, &format!("{at}.{k}"), "expected a string"))?;
            if s.chars().any(char::is_control) {
                return Err(bad_file(
                    path,
                    &format!("{at}.{k}"),
                    "has control characters",
                ));
            }
            Ok(s.to_string())
        };
        let check = |k: &str, r: Result<String, String>| -> AppResult<String> {
            r.map_err(|m| bad_file(path, &format!("{at}.{k}"), m))
        };
        let subscription = field("subscription")?;
        let subscription = config::validate_subscription(&subscription)
            .map_err(|e| bad_file(path, &format!("{at}.subscription"), e))?;
        let resource_group = check(
            "resource_group",
            preflight::check_resource_group(&field("resource_group")?),
        )?;
        let cluster = check("cluster", preflight::check_cluster_name(&field("cluster")?))?;
        let pool = check("pool", preflight::check_pool_name(&field("pool")?))?;
        let os_sku = field("os_sku")?;
        let level = field("level")?;
        if !["ok", "unknown-sku", "retiring", "retired"].contains(&level.as_str()) {
            return Err(bad_file(
                path,
                &format!("{at}.level"),
                format!("`{level}` is not one of ok, unknown-sku, retiring, retired"),
            ));
        }
        let wanted = match only {
            None => level == "retired" || level == "retiring",
            Some(OnlyLevel::Retired) => level == "retired",
            Some(OnlyLevel::Retiring) => level == "retiring",
        };
        let item = Item {
            subscription,
            resource_group,
            cluster,
            pool,
            os_sku,
            level,
        };
        if wanted && !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

/// What happened to one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Migrated,
    Planned,
    Unchanged,
    Skipped,
    Failed,
}

/// One line of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct PoolOutcome {
    pub subscription: String,
    pub resource_group: String,
    pub cluster: String,
    pub pool: String,
    pub from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pool: Option<String>,
    pub status: Status,
    pub detail: String,
    /// The writes a `--dry-run` plans (method and URL).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drain_commands: Vec<String>,
}

impl PoolOutcome {
    fn new(it: &Item, status: Status, detail: impl Into<String>) -> PoolOutcome {
        PoolOutcome {
            subscription: it.subscription.clone(),
            resource_group: it.resource_group.clone(),
            cluster: it.cluster.clone(),
            pool: it.pool.clone(),
            from: it.os_sku.clone(),
            to: None,
            strategy: None,
            new_pool: None,
            status,
            detail: detail.into(),
            requests: vec![],
            drain_commands: vec![],
        }
    }

    fn label(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.subscription, self.resource_group, self.cluster, self.pool
        )
    }
}

/// Runs `migrate --from-scan`.
pub async fn run(a: &MigrateArgs, file: &Path, s: &Session, ui: &Ui) -> AppResult<u8> {
    let items = load(file, a.only)?;
    let mut clusters: BTreeMap<(String, String, String), Vec<Item>> = BTreeMap::new();
    for it in items {
        clusters
            .entry((
                it.subscription.to_ascii_lowercase(),
                it.resource_group.to_ascii_lowercase(),
                it.cluster.to_ascii_lowercase(),
            ))
            .or_default()
            .push(it);
    }
    let total: usize = clusters.values().map(Vec::len).sum();
    let mut sessions: BTreeMap<String, Session> = BTreeMap::new();
    for (sub, _, _) in clusters.keys() {
        if !sessions.contains_key(sub) {
            let first = &clusters
                .iter()
                .find(|(k, _)| &k.0 == sub)
                .expect("present")
                .1[0]
                .subscription;
            sessions.insert(sub.clone(), s.for_subscription(first));
        }
    }
    ui.note(&format!(
        "{total} pool{} in {} cluster{} across {} subscription{} to migrate (from {})",
        plural(total),
        clusters.len(),
        plural(clusters.len()),
        sessions.len(),
        plural(sessions.len()),
        file.display()
    ));
    if total > 0 && !a.write.dry_run {
        crate::cmd::provision::confirm(
            ui,
            &a.write,
            &format!(
                "migrating {total} pool{} in {} cluster{}",
                plural(total),
                clusters.len(),
                plural(clusters.len())
            ),
        )?;
    }
    let reporter = Reporter::new(ui.stderr_tty);
    let chains = stream::iter(clusters)
        .map(|((sub, _, _), items)| {
            let session = &sessions[&sub];
            let reporter = reporter.clone();
            async move {
                let mut out = Vec::new();
                for it in &items {
                    let o = one(a, session, it, &reporter).await;
                    ui.note(&format!(
                        "{} {}: {}",
                        match o.status {
                            Status::Migrated => "✓",
                            Status::Planned => "·",
                            Status::Unchanged => "=",
                            Status::Skipped => "-",
                            Status::Failed => "✗",
                        },
                        o.label(),
                        o.detail
                    ));
                    let interrupted =
                        o.status == Status::Failed && o.detail.starts_with("interrupted");
                    out.push(o);
                    if interrupted {
                        break;
                    }
                }
                out
            }
        })
        .buffer_unordered(a.parallel as usize)
        .collect();
    // One deadline for the whole command (each wait inside is bounded too).
    let chains: Vec<Vec<PoolOutcome>> = match tokio::time::timeout(s.timeout, chains).await {
        Ok(c) => c,
        Err(_) => {
            return Err(AppError::Timeout {
                what: format!("{total} pool migrations"),
                hint: format!(
                    "aksos {}migrate --from-scan {} (finished pools are found, not redone)",
                    s.replay_flags
                        .replace(&format!("--subscription {} ", s.arm.subscription), ""),
                    file.display()
                ),
            })
        }
    };
    let mut all: Vec<PoolOutcome> = chains.into_iter().flatten().collect();
    all.sort_by(|x, y| {
        (&x.subscription, &x.resource_group, &x.cluster, &x.pool).cmp(&(
            &y.subscription,
            &y.resource_group,
            &y.cluster,
            &y.pool,
        ))
    });
    print_summary(&all, ui, a.write.dry_run);
    if all
        .iter()
        .any(|o| o.status == Status::Failed && o.detail.starts_with("interrupted"))
    {
        return Err(AppError::Interrupted {
            hint: "operations already accepted keep running in Azure; run the same command again to continue (finished pools are found, not redone).".into(),
        });
    }
    Ok(if all.iter().any(|o| o.status == Status::Failed) {
        crate::error::exit::AZURE
    } else {
        0
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// Re-reads, decides and (unless `--dry-run`) migrates one pool.
async fn one(a: &MigrateArgs, s: &Session, it: &Item, reporter: &Reporter) -> PoolOutcome {
    match try_one(a, s, it, reporter).await {
        Ok(o) => o,
        Err(e) => {
            let detail = match &e {
                AppError::Interrupted { .. } => format!("interrupted: {e}"),
                _ => first_line(&e.to_string()),
            };
            PoolOutcome::new(it, Status::Failed, detail)
        }
    }
}

async fn try_one(
    a: &MigrateArgs,
    s: &Session,
    it: &Item,
    reporter: &Reporter,
) -> AppResult<PoolOutcome> {
    // Read again now: the scan may be minutes (or days) old.
    let Some(now) = s
        .arm
        .get_pool(&it.resource_group, &it.cluster, &it.pool)
        .await?
    else {
        return Ok(PoolOutcome::new(
            it,
            Status::Skipped,
            "skipped: the pool is gone since the scan",
        ));
    };
    let sku_now = crate::core::catalog::defaults::os_sku_of(
        now.properties.os_sku.as_deref(),
        now.properties.os_type.as_deref(),
    );
    if !sku_now.eq_ignore_ascii_case(&it.os_sku) {
        return Ok(PoolOutcome::new(
            it,
            Status::Skipped,
            format!(
                "skipped: changed since the scan (osSKU is now {sku_now}, the scan saw {})",
                it.os_sku
            ),
        ));
    }
    if let Some(state) = now
        .properties
        .provisioning_state
        .as_deref()
        .filter(|st| !st.eq_ignore_ascii_case("Succeeded"))
    {
        return Ok(PoolOutcome::new(
            it,
            Status::Skipped,
            format!("skipped: the pool is {state}; run again once it has settled"),
        ));
    }
    let ask = Ask {
        resource_group: &it.resource_group,
        cluster: &it.cluster,
        pool: &it.pool,
        to: None,
        new_pool: None,
        strategy: a.strategy,
    };
    let m = migrate::decide(&s.arm, &ask).await?;
    let mut o = PoolOutcome::new(it, Status::Planned, "");
    o.from = m.from.clone();
    o.to = Some(m.to.api_value.to_string());
    o.strategy = Some(m.strategy);
    o.new_pool = m.new_pool.clone();
    let (target, plan) = match &m.decision {
        Decision::AlreadyDone(why) => {
            o.status = Status::Unchanged;
            o.detail = format!("nothing to do: {why}");
            return Ok(o);
        }
        Decision::InPlace { target, plan } | Decision::NewPool { target, plan, .. } => {
            (target, plan)
        }
    };
    let how = match (m.strategy, &m.new_pool) {
        (Strategy::InPlace, _) => "in place".to_string(),
        (_, Some(n)) => format!("new pool {n}"),
        _ => "new pool".to_string(),
    };
    if m.strategy != Strategy::InPlace {
        o.drain_commands = migrate::drain_commands(&it.pool).to_vec();
    }
    if plan.put.is_none() {
        o.status = Status::Unchanged;
        o.detail = format!("already migrated: {how} runs {}", m.to.api_value);
        return Ok(o);
    }
    if a.write.dry_run {
        o.requests = plan
            .writes(&s.arm)
            .iter()
            .map(|r| {
                format!(
                    "{} {}{}",
                    r.method.as_str(),
                    s.arm.client.base_url(),
                    r.path
                )
            })
            .collect();
        o.detail = format!("would migrate {} → {} ({how})", m.from, m.to.api_value);
        return Ok(o);
    }
    match execute_with(s, target, plan, false, reporter.clone()).await? {
        ExecOutcome::Done(_) | ExecOutcome::Accepted { .. } => {}
    }
    o.status = Status::Migrated;
    o.detail = format!("{} → {} ({how})", m.from, m.to.api_value);
    Ok(o)
}

fn print_summary(all: &[PoolOutcome], ui: &Ui, dry_run: bool) {
    let count = |st: Status| all.iter().filter(|o| o.status == st).count();
    let counts = json!({
        "migrated": count(Status::Migrated),
        "planned": count(Status::Planned),
        "unchanged": count(Status::Unchanged),
        "skipped": count(Status::Skipped),
        "failed": count(Status::Failed),
    });
    if ui.json() {
        ui.print_json(&json!({ "dry_run": dry_run, "summary": counts, "pools": all }));
        return;
    }
    for o in all {
        let style = match o.status {
            Status::Failed => Style::Bad,
            Status::Skipped => Style::Warn,
            Status::Migrated => Style::Good,
            _ => Style::Dim,
        };
        ui.line(ui.paint(&format!("{}  {}", o.label(), o.detail), style));
        for r in &o.requests {
            ui.line(format!("    {r}"));
        }
    }
    ui.line("");
    ui.line(ui.paint(
        &format!(
            "{} migrated, {} planned, {} unchanged, {} skipped, {} failed",
            counts["migrated"],
            counts["planned"],
            counts["unchanged"],
            counts["skipped"],
            counts["failed"]
        ),
        Style::Strong,
    ));
    let to_drain: Vec<&PoolOutcome> = all
        .iter()
        .filter(|o| o.status == Status::Migrated && !o.drain_commands.is_empty())
        .collect();
    if !to_drain.is_empty() {
        ui.line("Old pools are kept. Move the workloads off them (per cluster's kubeconfig), then delete each with `aksos migrate ... --pool POOL --delete-old`:");
        for o in to_drain {
            ui.line(format!("  # {}", o.label()));
            for c in &o.drain_commands {
                ui.line(format!("  {c}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(pools: Value) -> Value {
        json!({ "pools": pools })
    }

    fn pool(level: &str) -> Value {
        json!({"subscription": "00000000-0000-0000-0000-000000000001", "resource_group": "rg1",
               "cluster": "c1", "pool": "flat", "os_sku": "Flatcar", "level": level})
    }

    #[test]
    fn levels_are_filtered_and_duplicates_dropped() {
        let p = Path::new("scan.json");
        let d = doc(json!([pool("retired"), pool("retired"), pool("ok")]));
        assert_eq!(parse(p, &d, None).unwrap().len(), 1);
        assert_eq!(parse(p, &d, Some(OnlyLevel::Retiring)).unwrap().len(), 0);
        assert_eq!(parse(p, &d, Some(OnlyLevel::Retired)).unwrap().len(), 1);
    }

    #[test]
    fn a_bad_file_names_the_json_path() {
        let p = Path::new("scan.json");
        let cases = [
            (json!({}), "pools: missing"),
            (json!({"pools": {}}), "pools: expected an array"),
            (doc(json!([1])), "pools[0]: expected an object"),
            (
                doc(json!([{"subscription": 5}])),
                "pools[0].subscription: expected a string",
            ),
        ];
        for (d, want) in cases {
            let e = parse(p, &d, None).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            let text = e.to_string();
            assert!(
                text.contains("--from-scan scan.json") && text.contains(want),
                "{text}"
            );
        }
        let mut bad = pool("retired");
        bad["cluster"] = json!("../x");
        let e = parse(p, &doc(json!([bad])), None).unwrap_err();
        assert!(e.to_string().contains("pools[0].cluster"), "{e}");
        let mut bad = pool("retired");
        bad["level"] = json!("doomed");
        assert!(parse(p, &doc(json!([bad])), None).is_err());
    }
}
