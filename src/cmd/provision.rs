//! The provisioning flow that `cluster create`, `nodepool add`, the wizard and
//! `migrate` share: report preflight findings, plan from current state, print
//! the plan (`--dry-run` stops there), confirm on a terminal, execute with
//! progress, report the resource. Also the GET-and-print helpers of the
//! `show`/`list` verbs. The verbs themselves live in [`super::cluster`] and
//! [`super::nodepool`].

use crate::arm::models::AgentPool;
use crate::cli::WriteFlags;
use crate::config::Session;
use crate::core::executor::{execute, Outcome};
use crate::core::plan::{compute, Plan, Target};
use crate::core::preflight::Findings;
use crate::error::{AppError, AppResult};
use crate::io::output::{Style, Ui};
use serde_json::json;

/// GETs one resource for `show`. A 404 is Azure's answer to a request that was
/// sent, so it stays an Azure error (exit 4) that keeps Azure's code, message
/// and correlation id; a plain line saying what is missing comes first.
pub(crate) async fn show_one<T: serde::de::DeserializeOwned>(
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

/// Preflights a create or add from its flags (exit 2 when invalid), reports the
/// findings, and names the target: what `cluster create` and `nodepool add`
/// both do before anything else.
pub fn preflight_flags<const POOL: bool, R>(
    fields: &crate::cli::InputFlags<POOL>,
    check: fn(&crate::core::input::ClusterInput) -> crate::core::preflight::Checked<R>,
    target: fn(R) -> Target,
    ui: &Ui,
) -> AppResult<(Target, Findings)> {
    let (r, f) = fields.check(check)?;
    report_findings(&f, ui);
    Ok((target(r), f))
}

/// A checked create or add, run through [`provision_with`] with a session from
/// the factory (what `cluster create` and `nodepool add` both do after preflight).
pub async fn run_checked(
    (t, findings): (Target, Findings),
    w: &WriteFlags,
    f: &crate::cmd::factory::Factory,
) -> AppResult<u8> {
    let s = f.session().await?;
    provision_with(&t, &findings, w, &s, f.ui(), w.dry_run).await
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

pub(crate) fn print_pools(pools: &[AgentPool], ui: &Ui) {
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
