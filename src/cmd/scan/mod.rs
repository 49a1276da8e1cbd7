//! `aksos scan`: find pools on retired or retiring OSes (see
//! [`crate::core::scan`]) and print the `aksos migrate` command for each.
//! Its collaborators (the output writer, the ARM session) come from the
//! [`Factory`], so it is tested with a fake ARM and captured output.

use crate::cli::{FailOn, ScanArgs};
use crate::cmd::factory::Factory;
use crate::core::scan::{self, Level};
use crate::error::AppResult;
use crate::io::output::{Style, Ui};
use serde_json::json;

/// Runs `aksos scan` with the session and writer from `f`.
pub async fn run(a: &ScanArgs, f: &Factory) -> AppResult<u8> {
    let s = &f
        .session_with(|g| crate::cmd::tenant::global_for(a, g))
        .await?;
    let ui = f.ui();
    if a.tenant.is_set() {
        return crate::cmd::tenant::scan(a, s, ui).await;
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
        crate::cmd::tenant::print_csv(&report.pools)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::Method;
    use crate::cli::Command;
    use crate::cmd::factory::test_support::{command, factory};
    use crate::io::output::Format;
    use crate::testing::{run, FakeArm, SUB};

    fn fake_with_a_flatcar_pool() -> std::sync::Arc<FakeArm> {
        let fake = FakeArm::new();
        let rg = format!("/subscriptions/{SUB}/resourceGroups/rg1");
        fake.on(
            Method::Get,
            &format!("{rg}/providers/Microsoft.ContainerService/managedClusters"),
            200,
            json!({"value": [{
                "id": format!("{rg}/providers/Microsoft.ContainerService/managedClusters/c1"),
                "name": "c1",
                "location": "eastus",
                "properties": {"kubernetesVersion": "1.33.1"}
            }]}),
        );
        fake.on(
            Method::Get,
            &format!("{rg}/providers/Microsoft.ContainerService/managedClusters/c1/agentPools"),
            200,
            json!({"value": [{
                "name": "np1",
                "properties": {"osSKU": "Flatcar", "mode": "User", "count": 3,
                               "vmSize": "Standard_D4s_v5", "orchestratorVersion": "1.33.1"}
            }]}),
        );
        fake
    }

    fn scan(args: &[&str], f: &Factory) -> AppResult<u8> {
        let Command::Scan(a) = command(args) else {
            panic!("not scan")
        };
        run(super::run(&a, f))
    }

    #[test]
    fn a_retired_pool_is_listed_with_its_migrate_command_and_fails_the_gate() {
        let fake = fake_with_a_flatcar_pool();
        let (f, out) = factory(&fake, Format::Text);
        let code = scan(&["scan", "-g", "rg1", "--fail-on", "retired"], &f).unwrap();
        assert_eq!(code, 1, "--fail-on retired with a retired pool");
        let text = out.stdout();
        assert!(text.starts_with("CLUSTER"), "{text}");
        assert!(
            text.contains("rg1/c1") && text.contains("np1") && text.contains("Flatcar"),
            "{text}"
        );
        assert!(text.contains("retired 2026-06-08"), "{text}");
        assert!(text.contains("aksos migrate"), "{text}");
        assert!(fake.writes().is_empty(), "a scan only reads");
    }

    #[test]
    fn under_json_the_report_is_one_document() {
        let fake = fake_with_a_flatcar_pool();
        let (f, out) = factory(&fake, Format::Json);
        assert_eq!(scan(&["scan", "-g", "rg1"], &f).unwrap(), 0);
        let doc: serde_json::Value =
            serde_json::from_str(&out.stdout()).expect("one JSON document");
        assert_eq!(doc["pools"][0]["pool"], "np1");
        assert_eq!(doc["clusters_scanned"], 1);
    }
}
