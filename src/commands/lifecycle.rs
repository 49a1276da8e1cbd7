//! `aksos scan` and `aksos migrate`: find pools on retired or retiring OSes,
//! and move them to the successor (see [`crate::core::scan`] and [`crate::core::migrate`]).

use crate::cli::{FailOn, MigrateArgs, ScanArgs};
use crate::config::Session;
use crate::core::executor::{execute, Outcome};
use crate::core::migrate::{self, Ask, Decision, Strategy};
use crate::core::scan::{self, Level};
use crate::error::{AppError, AppResult};
use crate::io::output::{Style, Ui};
use crate::io::progress::Reporter;
use serde_json::json;

pub async fn scan(a: &ScanArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    if a.tenant.is_set() {
        return crate::commands::tenant::scan(a, s, ui).await;
    }
    if a.cluster.is_some() && a.resource_group.is_none() {
        ui.note("note: --cluster without -g scans every resource group for that name");
    }
    let report = scan::scan(
        &s.arm,
        a.resource_group.as_deref(),
        a.cluster.as_deref(),
        &s.replay_flags,
    )
    .await?;
    if ui.format == crate::io::output::Format::Csv {
        crate::commands::tenant::print_csv(&report.pools)?;
    } else if ui.json() {
        ui.print_json(&json!({
            "summary": report.summary(),
            "clusters_scanned": report.clusters_scanned,
            "pools": report.pools,
            "unreadable": report.unreadable,
        }));
    } else {
        print_table(&report, ui);
    }
    let bar = match a.fail_on {
        None => return Ok(0),
        Some(FailOn::Retiring) => Level::Retiring,
        Some(FailOn::Retired) => Level::Retired,
    };
    Ok(if report.worst() >= bar { 1 } else { 0 })
}

pub(crate) fn verdict_text(p: &scan::PoolRow) -> String {
    use crate::core::catalog::Verdict;
    match &p.lifecycle {
        Some(Verdict::Retired {
            date, successor, ..
        }) => format!(
            "retired {date}{}",
            successor
                .as_ref()
                .map(|s| format!(" → {s}"))
                .unwrap_or_default()
        ),
        Some(Verdict::Retiring {
            date,
            days_left,
            successor,
        }) => format!(
            "retiring {date} ({days_left}d){}",
            successor
                .as_ref()
                .map(|s| format!(" → {s}"))
                .unwrap_or_default()
        ),
        Some(Verdict::Ok) => "ok".into(),
        None => "unknown-sku".into(),
    }
}

/// The cells of one pool in scan's table: CLUSTER POOL MODE "OS SKU" K8S
/// "VM SIZE" COUNT VERDICT.
pub(crate) fn pool_cells(p: &scan::PoolRow) -> Vec<String> {
    vec![
        format!("{}/{}", p.resource_group, p.cluster),
        p.pool.clone(),
        p.mode.clone(),
        p.os_sku.clone(),
        p.kubernetes_version.clone(),
        p.vm_size.clone(),
        p.count.map(|c| c.to_string()).unwrap_or_default(),
        verdict_text(p),
    ]
}

/// A scan row painted by its verdict (rows that are ok stay plain).
pub(crate) fn paint_row(ui: &Ui, text: &str, level: Level) -> String {
    let style = match level {
        Level::Retired => Style::Bad,
        Level::Retiring | Level::UnknownSku => Style::Warn,
        Level::Ok => return text.to_string(),
    };
    ui.paint(text, style)
}

fn print_table(r: &scan::Report, ui: &Ui) {
    let rows: Vec<Vec<String>> = r.pools.iter().map(pool_cells).collect();
    let head = [
        "CLUSTER", "POOL", "MODE", "OS SKU", "K8S", "VM SIZE", "COUNT", "VERDICT",
    ];
    let lines = crate::io::output::table(&head, &rows);
    ui.line(&lines[0]);
    for (text, p) in lines[1..].iter().zip(&r.pools) {
        ui.line(paint_row(ui, text, p.level));
    }
    for u in &r.unreadable {
        ui.line(ui.paint(
            &format!(
                "{}/{}: could not be read: {}",
                u.resource_group, u.cluster, u.error
            ),
            Style::Warn,
        ));
    }
    ui.line("");
    ui.line(ui.paint(&r.summary(), Style::Strong));
    let affected: Vec<_> = r.pools.iter().filter(|p| p.migrate.is_some()).collect();
    if !affected.is_empty() {
        ui.line("Move them with:");
        for p in affected {
            if let Some(impact) = &p.impact {
                ui.line(format!(
                    "  {}  # {impact}",
                    p.migrate.as_deref().unwrap_or_default()
                ));
            } else {
                ui.line(format!("  {}", p.migrate.as_deref().unwrap_or_default()));
            }
        }
    }
}

pub async fn migrate(a: &MigrateArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    if let Some(file) = &a.from_scan {
        return crate::fleet::run(a, file, s, ui).await;
    }
    let (Some(resource_group), Some(cluster), Some(pool)) = (
        a.resource_group.as_deref(),
        a.cluster.as_deref(),
        a.pool.as_deref(),
    ) else {
        return Err(AppError::usage(
            "--pool",
            "name the pool with -g RG --cluster NAME --pool POOL, or give --from-scan FILE",
        ));
    };
    if a.delete_old && a.write.no_wait {
        return Err(AppError::usage(
            "--delete-old",
            "the old pool is deleted only after the new one Succeeded; drop --no-wait",
        ));
    }
    if a.delete_old && !a.write.yes && !ui.can_prompt && !a.write.dry_run {
        return Err(AppError::usage(
            "--delete-old",
            "deleting a pool needs confirmation; add --yes when running off a terminal",
        ));
    }
    let ask = Ask {
        resource_group,
        cluster,
        pool,
        to: a.to.as_deref(),
        new_pool: a.new_pool.as_deref(),
        strategy: a.strategy,
    };
    let m = migrate::decide(&s.arm, &ask).await?;
    crate::commands::provision::report_findings(&m.findings, ui);
    let (target, plan, old_exists) = match &m.decision {
        Decision::AlreadyDone(why) => {
            if ui.json() {
                ui.print_json(&json!({"changed": false, "reason": why}));
            } else {
                ui.line(format!("nothing to do: {why}"));
            }
            return Ok(0);
        }
        Decision::InPlace { target, plan } => (target, plan, false),
        Decision::NewPool {
            target,
            plan,
            old_exists,
        } => (target, plan, *old_exists),
    };
    let strategy = match m.strategy {
        Strategy::InPlace => "in place",
        _ => "new pool",
    };
    ui.note(&format!(
        "Migrating {}/{}/{} from {} to {} ({strategy}{})",
        resource_group,
        cluster,
        pool,
        m.from,
        m.to.api_value,
        m.new_pool
            .as_ref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default()
    ));
    crate::commands::provision::print_plan(
        target,
        plan,
        s,
        ui,
        a.write.dry_run,
        a.write.dry_run,
        a.write.no_wait,
    );
    let delete_req = s.arm.delete_pool_request(resource_group, cluster, pool);
    if m.strategy != Strategy::InPlace && old_exists {
        let extra = if a.delete_old {
            format!(
                "then delete node pool {} (AKS cordons and drains its nodes first, respecting PodDisruptionBudgets) (DELETE {}{})",
                pool,
                s.arm.client.base_url(),
                delete_req.path
            )
        } else {
            format!(
                "then drain node pool {} (kept: add --delete-old to delete it)",
                pool
            )
        };
        if a.write.dry_run && !ui.json() {
            ui.line(format!("  + {extra}"));
        } else {
            ui.note(&format!("  + {extra}"));
        }
    }
    if a.write.dry_run {
        return Ok(0);
    }
    if plan.put.is_some() {
        crate::commands::provision::confirm(
            ui,
            &a.write,
            &format!("migrating {} to {}", pool, m.to.api_value),
        )?;
    }
    let outcome = execute(s, target, plan, a.write.no_wait, ui.stderr_tty).await?;
    if let Outcome::Accepted { poll_url } = &outcome {
        let show = target.show_command(&s.replay_flags);
        if ui.json() {
            ui.print_json(&json!({
                "accepted": true,
                "from": m.from,
                "to": m.to.api_value,
                "strategy": m.strategy,
                "new_pool": m.new_pool,
                "operation": poll_url,
                "check": show,
            }));
        } else {
            ui.line(format!(
                "{} accepted; it keeps running in Azure. Check it with: {show}",
                target.describe()
            ));
            if let Some(u) = poll_url {
                ui.line(format!("  operation: {u}"));
            }
        }
        return Ok(0);
    }
    let mut deleted = false;
    let drain = migrate::drain_commands(pool);
    if m.strategy != Strategy::InPlace {
        // Re-runs find the new pool rather than create it: it must have Succeeded
        // before anyone drains onto it, let alone deletes the old pool.
        let pools = s.arm.list_pools(resource_group, cluster).await?;
        let new_name = m.new_pool.as_deref().unwrap_or_default();
        let state = pools
            .iter()
            .find(|p| {
                p.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(new_name))
            })
            .and_then(|p| p.properties.provisioning_state.clone())
            .unwrap_or_else(|| "missing".into());
        if state != "Succeeded" {
            return Err(AppError::usage(
                "--new-pool",
                format!(
                    "node pool {new_name} is {state}, not Succeeded: {} was left as it is; fix or delete {new_name}, or choose another --new-pool",
                    pool
                ),
            ));
        }
        if !ui.json() && a.delete_old {
            // AKS drains a pool it deletes: no kubectl for the user to run, and
            // no instruction that the next second would overtake.
            ui.line(format!(
                "✓ {} runs {}. Deleting {}: AKS cordons and drains its nodes first, respecting PodDisruptionBudgets, so the workloads move to {}.",
                target.describe(),
                m.to.api_value,
                pool,
                m.new_pool.as_deref().unwrap_or("the new pool")
            ));
        } else if !ui.json() {
            ui.line(format!(
                "✓ {} runs {}. Move the workloads off {}:",
                target.describe(),
                m.to.api_value,
                pool
            ));
            for c in &drain {
                ui.line(format!("  {c}"));
            }
            ui.line("  (or let AKS do it: re-run with --delete-old, which drains the nodes as it deletes the pool)");
        }
        if a.delete_old {
            migrate::check_delete_allowed(&pools, pool)?;
            crate::commands::provision::confirm(
                ui,
                &a.write,
                &format!(
                    "deleting node pool {} (AKS drains its nodes first, respecting PodDisruptionBudgets)",
                    pool
                ),
            )?;
            delete_old(s, ui, &delete_req, pool).await?;
            deleted = true;
            if !ui.json() {
                ui.line(format!("✓ node pool {} deleted", pool));
            }
        }
    } else if !ui.json() {
        ui.line(format!(
            "✓ {} now runs {} (in place)",
            target.describe(),
            m.to.api_value
        ));
    }
    if ui.json() {
        ui.print_json(&json!({
            "changed": plan.put.is_some() || deleted,
            "from": m.from,
            "to": m.to.api_value,
            "strategy": m.strategy,
            "new_pool": m.new_pool,
            "old_pool_deleted": deleted,
            "drain_commands": if m.strategy == Strategy::InPlace || deleted { vec![] } else { drain.to_vec() },
        }));
    }
    Ok(0)
}

async fn delete_old(
    s: &Session,
    ui: &Ui,
    req: &crate::arm::ArmRequest,
    pool: &str,
) -> AppResult<()> {
    crate::core::executor::delete(
        s,
        &Reporter::new(ui.stderr_tty),
        req,
        format!("delete node pool {pool}"),
        format!("aksos {}nodepool list -g ... --cluster ...", s.replay_flags),
    )
    .await
}
