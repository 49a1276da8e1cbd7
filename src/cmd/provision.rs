//! `aksos cluster create|show` and `aksos nodepool add|show|list`: preflight,
//! plan from current state, print it (`--dry-run` stops there), confirm on a
//! terminal, execute with progress, report the resource.

use crate::arm::models::{AgentPool, ManagedCluster};
use crate::cli::{ClusterCommand, NodepoolCommand, WriteFlags};
use crate::config::Session;
use crate::core::executor::{execute, Outcome};
use crate::core::plan::{compute, Plan, Target};
use crate::core::preflight::{self, Findings};
use crate::error::{AppError, AppResult};
use crate::io::output::{Style, Ui};
use serde_json::json;

pub fn preflight_cluster(c: &ClusterCommand) -> AppResult<Option<(Target, Findings)>> {
    match c {
        ClusterCommand::Create(a) => {
            let (r, f) = a.fields.check(preflight::cluster)?;
            Ok(Some((Target::Cluster(r), f)))
        }
        _ => Ok(None),
    }
}

pub fn preflight_nodepool(c: &NodepoolCommand) -> AppResult<Option<(Target, Findings)>> {
    match c {
        NodepoolCommand::Add(a) => {
            let (r, f) = a.fields.check(preflight::pool)?;
            Ok(Some((Target::Pool(r), f)))
        }
        _ => Ok(None),
    }
}

pub async fn cluster(
    c: &ClusterCommand,
    s: &Session,
    ui: &Ui,
    pre: Option<(Target, Findings)>,
) -> AppResult<u8> {
    match (c, pre) {
        (ClusterCommand::Create(a), Some((t, f))) => provision(&t, &f, &a.write, s, ui).await,
        (ClusterCommand::Show(a), _) => {
            let req = s.arm.get_cluster_request(&a.resource_group, &a.name);
            let missing = format!(
                "no cluster {} in resource group {} (or not visible to this identity in subscription {})",
                a.name, a.resource_group, s.arm.subscription
            );
            let mc: ManagedCluster = show_one(s, ui, req, &missing).await?;
            print_cluster(&mc, ui);
            Ok(0)
        }
        _ => unreachable!("preflight ran for create"),
    }
}

pub async fn nodepool(
    c: &NodepoolCommand,
    s: &Session,
    ui: &Ui,
    pre: Option<(Target, Findings)>,
) -> AppResult<u8> {
    match (c, pre) {
        (NodepoolCommand::Add(a), Some((t, f))) => provision(&t, &f, &a.write, s, ui).await,
        (NodepoolCommand::Show(a), _) => {
            let req = s
                .arm
                .get_pool_request(&a.resource_group, &a.cluster, &a.name);
            let missing = format!(
                "no node pool {} in cluster {}/{} (or no such cluster)",
                a.name, a.resource_group, a.cluster
            );
            let p: AgentPool = show_one(s, ui, req, &missing).await?;
            if ui.json() {
                ui.print_json(&p);
            } else {
                print_pools(std::slice::from_ref(&p), ui);
            }
            Ok(0)
        }
        (NodepoolCommand::List(a), _) => {
            let pools = s.arm.list_pools(&a.resource_group, &a.cluster).await?;
            if ui.json() {
                ui.print_json(&pools);
            } else {
                print_pools(&pools, ui);
            }
            Ok(0)
        }
        _ => unreachable!("preflight ran for add"),
    }
}

/// GETs one resource for `show`. A 404 is Azure's answer to a request that was
/// sent, so it stays an Azure error (exit 4) that keeps Azure's code, message
/// and correlation id; a plain line saying what is missing comes first.
async fn show_one<T: serde::de::DeserializeOwned>(
    s: &Session,
    ui: &Ui,
    req: crate::arm::ArmRequest,
    missing: &str,
) -> AppResult<T> {
    match s.arm.call(&req).await {
        Ok(resp) => Ok(crate::arm::ops::decode(&resp, &req.context)?),
        Err(e) => {
            if e.is_not_found() {
                ui.note(missing);
            }
            Err(e.into())
        }
    }
}

/// Prints preflight findings on stderr (the commands that create register a
/// missing feature themselves).
pub fn report_findings(f: &Findings, ui: &Ui) {
    for w in &f.warnings {
        ui.warn(w);
    }
    for need in &f.features {
        ui.warn(&format!("{need} (registered for you when missing)"));
    }
    for filled in &f.filled {
        ui.note(&format!("filled in: {filled}"));
    }
}

/// Prints the plan: on stdout for `--dry-run`, else on stderr. With
/// `show_requests` (always under `--dry-run`) the exact writes follow the steps.
pub fn print_plan(
    t: &Target,
    plan: &Plan,
    s: &Session,
    ui: &Ui,
    dry_run: bool,
    show_requests: bool,
    no_wait: bool,
) {
    let writes = plan.writes(&s.arm);
    if ui.json() && dry_run {
        let requests: Vec<_> = writes
            .iter()
            .map(|r| {
                let mut j = json!({
                    "method": r.method,
                    "url": format!("{}{}", s.arm.client.base_url(), r.path),
                    "api_version": r.api_version(),
                    "body": r.body,
                });
                if r.if_none_match {
                    j["headers"] = json!({"If-None-Match": "*"});
                }
                j
            })
            .collect();
        ui.print_json(&json!({
            "target": t.describe(),
            "steps": plan.steps_for(!no_wait),
            "kubernetes_version": plan.kubernetes,
            "kubernetes_version_reason": plan.kubernetes_why,
            "up_to_date": plan.up_to_date.is_some(),
            "requests": requests,
        }));
        return;
    }
    let out = |line: String| {
        if dry_run {
            ui.line(line)
        } else {
            ui.say(line)
        }
    };
    out(format!("Plan for {}:", t.describe()));
    for (i, step) in plan.steps_for(!no_wait).iter().enumerate() {
        out(format!("  {}. {step}", i + 1));
    }
    if let Some(k) = plan.kubernetes_text() {
        out(format!("  Kubernetes: {k}"));
    }
    if dry_run || show_requests {
        for r in &writes {
            out(String::new());
            out(format!(
                "{} {}{}",
                r.method.as_str(),
                s.arm.client.base_url(),
                r.path
            ));
            if r.if_none_match {
                out("If-None-Match: *".into());
            }
            if let Some(b) = &r.body {
                out(serde_json::to_string_pretty(b).unwrap_or_default());
            }
        }
        if writes.is_empty() {
            out("(no write requests)".into());
        }
    }
}

pub fn confirm(ui: &Ui, w: &WriteFlags, what: &str) -> AppResult<()> {
    if w.yes || !ui.can_prompt {
        return Ok(());
    }
    let ok = dialoguer::Confirm::new()
        .with_prompt(format!("Proceed with {what}?"))
        .default(true)
        .interact_opt()
        .map_err(|e| {
            let dialoguer::Error::IO(io) = e;
            if io.kind() == std::io::ErrorKind::Interrupted {
                // Ctrl-C at the question (the wizard keeps the process alive).
                AppError::Interrupted {
                    hint: "nothing was sent.".into(),
                }
            } else {
                AppError::Io(io.to_string())
            }
        })?;
    match ok {
        Some(true) => Ok(()),
        _ => Err(AppError::Interrupted {
            hint: "nothing was sent.".into(),
        }),
    }
}

async fn provision(
    t: &Target,
    f: &Findings,
    w: &WriteFlags,
    s: &Session,
    ui: &Ui,
) -> AppResult<u8> {
    provision_with(t, f, w, s, ui, w.dry_run).await
}

/// The one provisioning flow (plan from state, print, confirm, execute, report),
/// shared by the scripted commands and the wizard. `show_requests` prints the
/// exact write requests with the plan, as `--dry-run` does, without stopping.
pub async fn provision_with(
    t: &Target,
    f: &Findings,
    w: &WriteFlags,
    s: &Session,
    ui: &Ui,
    show_requests: bool,
) -> AppResult<u8> {
    let plan = compute(&s.arm, t).await?;
    crate::capabilities::preflight(&s.arm, t, &plan, w.skip_capability_checks, ui).await?;
    print_plan(t, &plan, s, ui, w.dry_run, show_requests, w.no_wait);
    if w.dry_run {
        return Ok(0);
    }
    if let Some(why) = &plan.up_to_date {
        ui.note(&format!("up to date: {why}; nothing sent."));
        return Ok(0);
    }
    confirm(ui, w, &t.describe())?;
    let _ = f;
    match execute(s, t, &plan, w.no_wait, ui.stderr_tty).await? {
        Outcome::Accepted { poll_url } => {
            let show = t.show_command(&s.replay_flags);
            if ui.json() {
                ui.print_json(&json!({"accepted": true, "operation": poll_url, "check": show}));
            } else {
                ui.line(format!(
                    "{} accepted; it keeps running in Azure.",
                    t.describe()
                ));
                if let Some(u) = poll_url {
                    ui.line(format!("  operation: {u}"));
                }
                ui.line(format!("  check it with: {show}"));
            }
        }
        Outcome::Done(resource) => {
            if ui.json() {
                ui.print_json(&resource);
            } else {
                let p = t.pool();
                ui.line(format!(
                    "{} {}: {} × {} on {}{}",
                    ui.paint("✓", Style::Good),
                    t.describe(),
                    p.count,
                    p.vm_size,
                    ui.paint(&p.os_sku, Style::Strong),
                    plan.kubernetes_text()
                        .map(|k| format!(", Kubernetes {k}"))
                        .unwrap_or_default()
                ));
            }
        }
    }
    Ok(0)
}

fn print_cluster(mc: &ManagedCluster, ui: &Ui) {
    if ui.json() {
        ui.print_json(mc);
        return;
    }
    ui.line(format!(
        "{}  {}  Kubernetes {}  {}",
        mc.name.as_deref().unwrap_or("?"),
        mc.location,
        mc.kubernetes_version().unwrap_or("?"),
        mc.properties.provisioning_state.as_deref().unwrap_or("?")
    ));
    let pools: Vec<AgentPool> = mc
        .properties
        .agent_pool_profiles
        .iter()
        .flatten()
        .map(|p| AgentPool {
            name: Some(p.name.clone()),
            properties: p.properties.clone(),
            ..Default::default()
        })
        .collect();
    print_pools(&pools, ui);
}

fn print_pools(pools: &[AgentPool], ui: &Ui) {
    ui.line(format!(
        "{:<12}  {:<6}  {:<20}  {:<18}  {:>5}  {:<8}  STATE",
        "POOL", "MODE", "OS SKU", "VM SIZE", "COUNT", "K8S"
    ));
    for p in pools {
        let pr = &p.properties;
        let sku = pr.os_sku.as_deref().unwrap_or("Ubuntu");
        let verdict =
            crate::core::catalog::find(sku).map(|s| s.verdict(crate::core::catalog::today()));
        let sku_text = match verdict {
            Some(crate::core::catalog::Verdict::Retired { .. }) => ui.paint(sku, Style::Bad),
            Some(crate::core::catalog::Verdict::Retiring { .. }) => ui.paint(sku, Style::Warn),
            _ => sku.to_string(),
        };
        ui.line(format!(
            "{:<12}  {:<6}  {:<20}  {:<18}  {:>5}  {:<8}  {}",
            p.name.as_deref().unwrap_or("?"),
            pr.mode.as_deref().unwrap_or("?"),
            sku_text,
            pr.vm_size.as_deref().unwrap_or("?"),
            pr.count.map(|c| c.to_string()).unwrap_or_default(),
            pr.current_orchestrator_version
                .as_deref()
                .or(pr.orchestrator_version.as_deref())
                .unwrap_or("?"),
            pr.provisioning_state.as_deref().unwrap_or("?")
        ));
    }
}
