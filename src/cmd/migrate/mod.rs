//! `aksos migrate`: move a pool off a retired or retiring OS to its
//! successor (see [`crate::core::migrate`]); `--from-scan` moves a whole
//! scan's worth ([`crate::fleet`]).

use crate::cli::MigrateArgs;
use crate::cmd::factory::Factory;
use crate::config::Session;
use crate::core::executor::{execute, Outcome};
use crate::core::migrate::{self, Ask, Decision, Strategy};
use crate::error::{AppError, AppResult};
use crate::io::output::Ui;
use crate::io::progress::Reporter;
use serde_json::json;

/// Runs `aksos migrate` with the session and writer from `f`.
pub async fn run(a: &MigrateArgs, f: &Factory) -> AppResult<u8> {
    let ui = f.ui();
    if let Some(file) = &a.from_scan {
        // A scan spans subscriptions: each row names its own.
        let s = f
            .session_with(crate::cmd::tenant::without_subscription)
            .await?;
        return crate::fleet::run(a, file, &s, ui).await;
    }
    let s = &f.session().await?;
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
    crate::cmd::provision::report_findings(&m.findings, ui);
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
        } => {
            // The new pool is a new VM size ask in the region: check it first.
            crate::capabilities::preflight(
                &s.arm,
                target,
                plan,
                a.write.skip_capability_checks,
                ui,
            )
            .await?;
            (target, plan, *old_exists)
        }
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
    crate::cmd::provision::print_plan(
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
        crate::cmd::provision::confirm(
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
            crate::cmd::provision::confirm(
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
