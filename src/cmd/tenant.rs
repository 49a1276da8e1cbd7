//! `aksos scan --all-subscriptions | --subscriptions ID,ID | --management-group MG`:
//! the tenant-wide scan ([`crate::graph`]) and its output — a per-subscription
//! summary first (counts by verdict), then the rows (text), one JSON document
//! with the subscription on every pool (`-o json`), or CSV for spreadsheets
//! (`-o csv`, also offered by the single-subscription scan). Progress goes to
//! stderr while pages arrive, as a spinner on a terminal only.

use crate::cli::{FailOn, GlobalArgs, ScanArgs};
use crate::config::{self, Session};
use crate::core::scan::{Level, PoolRow};
use crate::error::{AppError, AppResult};
use crate::graph::{self, Scope, TenantReport};
use crate::io::output::{Format, Style, Ui};
use crate::io::progress::bounded;
use serde_json::json;

/// The global flags for a tenant scan: it needs no subscription of its own, so
/// when none is configured a placeholder stands in (never sent in a URL).
pub fn global_for(a: &ScanArgs, g: &GlobalArgs) -> GlobalArgs {
    if a.tenant.is_set() {
        without_subscription(g)
    } else {
        g.clone()
    }
}

/// `g` with a placeholder subscription when none is configured, for commands
/// that name the subscription of every resource themselves (tenant scans,
/// `migrate --from-scan`).
pub fn without_subscription(g: &GlobalArgs) -> GlobalArgs {
    let mut g = g.clone();
    if g.subscription.is_none() && !g.sandbox && config::cli_default_subscription().is_none() {
        g.subscription = Some(config::SANDBOX_SUBSCRIPTION.to_string());
    }
    g
}

/// The scope the flags ask for, validated (exit 2 naming the flag).
pub fn scope(a: &ScanArgs) -> AppResult<Scope> {
    let t = &a.tenant;
    if let Some(mg) = &t.management_group {
        let ok = !mg.is_empty()
            && mg.len() <= 90
            && mg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'));
        if !ok {
            return Err(AppError::usage(
                "--management-group",
                format!("`{mg}` is not a management group name (1-90 letters, digits, - _ . ( ))"),
            ));
        }
        return Ok(Scope::ManagementGroup(mg.clone()));
    }
    if !t.subscriptions.is_empty() {
        let mut subs = Vec::new();
        for s in &t.subscriptions {
            let id = config::validate_subscription(s)
                .map_err(|e| AppError::usage("--subscriptions", e.to_string()))?;
            if !subs.iter().any(|x: &String| x.eq_ignore_ascii_case(&id)) {
                subs.push(id);
            }
        }
        return Ok(Scope::Subscriptions(subs));
    }
    Ok(Scope::All)
}

pub async fn scan(a: &ScanArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    let scope = scope(a)?;
    // Each row carries its own --subscription in the commands it prints.
    let flags = s
        .replay_flags
        .replace(&format!("--subscription {} ", s.arm.subscription), "");
    let bar = if ui.stderr_tty {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                .expect("template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar.set_message("querying Azure Resource Graph");
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let on_page = |pages: usize, clusters: usize| {
        bar.set_message(format!(
            "Azure Resource Graph: {pages} page{} read, {clusters} clusters",
            if pages == 1 { "" } else { "s" }
        ));
    };
    let hint = "run it again, or narrow it with --subscriptions ID,ID";
    let r = bounded(
        graph::scan(s.arm.client.clone(), &scope, &flags, &on_page),
        s.timeout,
        "the tenant scan",
        hint,
    )
    .await;
    bar.finish_and_clear();
    let t = r?;
    match &t.source.fallback_reason {
        None => ui.note(&format!(
            "read through Azure Resource Graph ({} page{}); {}",
            t.source.pages,
            if t.source.pages == 1 { "" } else { "s" },
            graph::LAG_NOTE
        )),
        Some(why) => ui.warn(&format!("{why}; fell back to ARM: {}", t.source.note)),
    }
    match ui.format {
        Format::Json => ui.print_json(&json!({
            "source": t.source,
            "summary": t.report.summary(),
            "subscriptions": t.subscriptions,
            "clusters_scanned": t.report.clusters_scanned,
            "pools": t.report.pools,
            "unreadable": t.report.unreadable,
        })),
        Format::Csv => print_csv(&t.report.pools)?,
        Format::Text => print_text(&t, ui),
    }
    let bar = match a.fail_on {
        None => return Ok(0),
        Some(FailOn::Retiring) => Level::Retiring,
        Some(FailOn::Retired) => Level::Retired,
    };
    Ok(if t.report.worst() >= bar { 1 } else { 0 })
}

fn level_word(l: Level) -> &'static str {
    match l {
        Level::Ok => "ok",
        Level::UnknownSku => "unknown-sku",
        Level::Retiring => "retiring",
        Level::Retired => "retired",
    }
}

/// One CSV record per pool, with a header; dates and successor from the catalog verdict.
pub fn print_csv(pools: &[PoolRow]) -> AppResult<()> {
    use crate::core::catalog::Verdict;
    let stdout = std::io::stdout();
    let mut w = csv::Writer::from_writer(stdout.lock());
    let io = |e: csv::Error| AppError::Io(format!("cannot write CSV: {e}"));
    w.write_record([
        "subscription",
        "resource_group",
        "cluster",
        "pool",
        "mode",
        "os_type",
        "os_sku",
        "kubernetes_version",
        "vm_size",
        "count",
        "level",
        "date",
        "days_left",
        "images_removed",
        "successor",
        "impact",
    ])
    .map_err(io)?;
    for p in pools {
        let (date, days, removed, successor) = match &p.lifecycle {
            Some(Verdict::Retiring {
                date,
                days_left,
                successor,
            }) => (
                date.clone(),
                days_left.to_string(),
                String::new(),
                successor.clone(),
            ),
            Some(Verdict::Retired {
                date,
                images_removed,
                successor,
            }) => (
                date.clone(),
                String::new(),
                images_removed.clone().unwrap_or_default(),
                successor.clone(),
            ),
            _ => Default::default(),
        };
        let count = p.count.map(|c| c.to_string()).unwrap_or_default();
        let record = [
            p.subscription.as_str(),
            &p.resource_group,
            &p.cluster,
            &p.pool,
            &p.mode,
            &p.os_type,
            &p.os_sku,
            &p.kubernetes_version,
            &p.vm_size,
            &count,
            level_word(p.level),
            &date,
            &days,
            &removed,
            successor.as_deref().unwrap_or_default(),
            p.impact.as_deref().unwrap_or_default(),
        ]
        .map(|f| csv_safe(&strip_controls(f)));
        match w.write_record(&record) {
            Ok(()) => {}
            // A closed pipe (`| head`) is not an error worth reporting.
            Err(e) if is_broken_pipe(&e) => return Ok(()),
            Err(e) => return Err(io(e)),
        }
    }
    match w.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(AppError::Io(format!("cannot write CSV: {e}")))
        }
        _ => Ok(()),
    }
}

fn is_broken_pipe(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets
/// a leading apostrophe; names and SKUs never start that way, server text might.
fn csv_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn print_text(t: &TenantReport, ui: &Ui) {
    let r = &t.report;
    let sums: Vec<Vec<String>> = t
        .subscriptions
        .iter()
        .map(|s| {
            vec![
                s.subscription.clone(),
                s.clusters.to_string(),
                s.pools.to_string(),
                s.retired.to_string(),
                s.retiring.to_string(),
                s.unknown_sku.to_string(),
                s.ok.to_string(),
                s.unreadable.to_string(),
            ]
        })
        .collect();
    for l in crate::io::output::table(
        &[
            "SUBSCRIPTION",
            "CLUSTERS",
            "POOLS",
            "RETIRED",
            "RETIRING",
            "UNKNOWN-SKU",
            "OK",
            "UNREADABLE",
        ],
        &sums,
    ) {
        ui.line(l);
    }
    ui.line("");
    let rows: Vec<Vec<String>> = r
        .pools
        .iter()
        .map(|p| {
            let mut cells = vec![p.subscription.clone()];
            cells.extend(crate::cmd::scan::pool_cells(p));
            cells
        })
        .collect();
    let lines = crate::io::output::table(
        &[
            "SUBSCRIPTION",
            "CLUSTER",
            "POOL",
            "MODE",
            "OS SKU",
            "K8S",
            "VM SIZE",
            "COUNT",
            "VERDICT",
        ],
        &rows,
    );
    ui.line(&lines[0]);
    for (text, p) in lines[1..].iter().zip(&r.pools) {
        ui.line(crate::cmd::scan::paint_row(ui, text, p.level));
    }
    for u in &r.unreadable {
        ui.line(ui.paint(
            &format!(
                "{} {}/{}: could not be read: {}",
                u.subscription, u.resource_group, u.cluster, u.error
            ),
            Style::Warn,
        ));
    }
    ui.line("");
    ui.line(ui.paint(&r.summary(), Style::Strong));
    match &t.source.fallback_reason {
        None => ui.line(format!(
            "Source: Azure Resource Graph ({}).",
            graph::LAG_NOTE
        )),
        Some(_) => {
            ui.line("Source: ARM, subscription by subscription (Resource Graph was refused).")
        }
    }
    if r.pools.iter().any(|p| p.level >= Level::Retiring) {
        ui.line("Move them all (plan first, then run without --dry-run):");
        ui.line("  aksos scan ... -o json > scan.json");
        ui.line("  aksos migrate --from-scan scan.json --dry-run");
    }
}
