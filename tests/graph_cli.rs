//! Tenant scale, end to end against the loopback emulator: `scan` across
//! subscriptions through Azure Resource Graph (paging, scopes, the ARM fallback,
//! CSV, `--fail-on`), and `migrate --from-scan` over several clusters at once.
//!
//! The fleet: one cluster seeded through the CLI (Kubernetes 1.35; pools
//! nodepool1 System AzureContainerLinux, flat Flatcar, guard AzureLinuxOSGuard,
//! u22 Ubuntu2204, u24 Ubuntu2404), cloned by the emulator into 3 more
//! subscriptions × 2 clusters: 7 clusters, 35 pools in 4 subscriptions. The clock
//! is pinned to 2026-11-24: Flatcar is retired, OS Guard and Ubuntu 22.04 are
//! retiring, Azure Container Linux and Ubuntu 24.04 are ok.

mod common;

use aksos::emulator::graph::{clone_fleet, fleet_subscription};
use aksos::emulator::state::State;
use aksos::emulator::Background;
use common::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

const GRAPH: &str = "/providers/Microsoft.ResourceGraph/resources";

fn fleet() -> State {
    static FLEET: OnceLock<State> = OnceLock::new();
    FLEET
        .get_or_init(|| {
            let emu = Background::start(fast());
            for line in [
                "cluster create -g rg1 -n tmpl -l eastus --os-sku AzureContainerLinux --kubernetes-version 1.35",
                "nodepool add -g rg1 --cluster tmpl -n flat --os-sku Flatcar --allow-retired --node-count 2",
                "nodepool add -g rg1 --cluster tmpl -n guard --os-sku AzureLinuxOSGuard",
                "nodepool add -g rg1 --cluster tmpl -n u22 --os-sku Ubuntu2204",
                "nodepool add -g rg1 --cluster tmpl -n u24 --os-sku Ubuntu2404",
            ] {
                run(&emu, line).ok();
            }
            let mut state = emu.shared.state();
            assert_eq!(clone_fleet(&mut state, 3, 2).unwrap(), 6);
            state.operations.clear();
            state
        })
        .clone()
}

fn emulator(spec: &str) -> Background {
    Background::with_state(fleet(), fast_with(spec))
}

fn graph_posts(out: &Out) -> Vec<&aksos::emulator::Recorded> {
    out.requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == GRAPH)
        .collect()
}

fn no_per_cluster_lists(out: &Out) {
    assert!(
        out.requests
            .iter()
            .all(|r| !r.path.to_ascii_lowercase().contains("managedclusters")),
        "no ARM cluster or pool reads: {}",
        out.dump()
    );
}

fn level_counts(pools: &[Value]) -> [usize; 4] {
    let n = |l: &str| pools.iter().filter(|p| p["level"] == l).count();
    [n("retired"), n("retiring"), n("unknown-sku"), n("ok")]
}

#[test]
fn all_subscriptions_pages_through_resource_graph_with_catalog_verdicts() {
    let emu = emulator("graph-page-size=2");
    let out = run(&emu, "scan --all-subscriptions -o json").ok();
    let j = out.json();
    let pools = j["pools"].as_array().unwrap();
    assert_eq!(pools.len(), 35, "{}", out.dump());
    assert_eq!(level_counts(pools), [7, 14, 0, 14]);
    for p in pools {
        let want = match p["pool"].as_str().unwrap() {
            "flat" => "retired",
            "guard" | "u22" => "retiring",
            _ => "ok",
        };
        assert_eq!(p["level"], want, "{p}");
        assert!(
            p["subscription"].as_str().is_some_and(|s| s.len() == 36),
            "{p}"
        );
    }
    let flat = pools
        .iter()
        .find(|p| p["subscription"] == fleet_subscription(1) && p["pool"] == "flat")
        .unwrap();
    assert_eq!(flat["lifecycle"]["successor"], "AzureContainerLinux");
    assert!(
        flat["migrate"].as_str().unwrap().contains(&format!(
            "--subscription {} migrate -g rg-0 --cluster aks-0 --pool flat",
            fleet_subscription(1)
        )),
        "{flat}"
    );
    // 7 clusters at 2 a page: 4 pages, the later ones carrying the token.
    let posts = graph_posts(&out);
    assert_eq!(posts.len(), 4, "{}", out.dump());
    assert_eq!(j["source"]["path"], "resource-graph");
    assert_eq!(j["source"]["pages"], 4);
    let first = posts[0].body.as_ref().unwrap();
    assert!(first.get("subscriptions").is_none(), "{first}");
    assert_eq!(first["options"]["$top"], 1000);
    assert!(first["options"].get("$skipToken").is_none());
    assert!(posts[1].body.as_ref().unwrap()["options"]["$skipToken"].is_string());
    assert_eq!(posts[0].api_version.as_deref(), Some("2024-04-01"));
    // The query selects resources; OS facts stay in the catalog.
    let query = first["query"].as_str().unwrap();
    assert!(
        query.contains("managedclusters") && !query.contains("Flatcar"),
        "{query}"
    );
    no_per_cluster_lists(&out);
    // Summary per subscription first.
    let subs = j["subscriptions"].as_array().unwrap();
    assert_eq!(subs.len(), 4);
    let s1 = subs
        .iter()
        .find(|s| s["subscription"] == fleet_subscription(1))
        .unwrap();
    assert_eq!(
        (
            &s1["clusters"],
            &s1["pools"],
            &s1["retired"],
            &s1["retiring"],
            &s1["ok"]
        ),
        (&json!(2), &json!(10), &json!(2), &json!(4), &json!(4))
    );
    assert!(out.stderr.contains("Resource Graph") && out.stderr.contains("lag"));
}

#[test]
fn text_output_puts_the_per_subscription_summary_first_and_names_the_source() {
    let emu = emulator("");
    let out = run(&emu, "scan --all-subscriptions").ok();
    let summary_at = out.stdout.find("UNREADABLE").expect("summary table");
    let rows_at = out.stdout.find("VERDICT").expect("rows");
    assert!(summary_at < rows_at, "{}", out.dump());
    assert!(
        out.stdout.contains("Source: Azure Resource Graph"),
        "{}",
        out.dump()
    );
    assert!(out.stdout.contains("migrate --from-scan"), "{}", out.dump());
}

#[test]
fn subscriptions_flag_scans_only_those() {
    let emu = emulator("");
    let (a, b) = (fleet_subscription(0), fleet_subscription(2));
    let out = run(&emu, &format!("scan --subscriptions {a},{b} -o json")).ok();
    let j = out.json();
    let pools = j["pools"].as_array().unwrap();
    assert_eq!(pools.len(), 20, "{}", out.dump());
    assert!(pools
        .iter()
        .all(|p| p["subscription"] == a || p["subscription"] == b));
    let posts = graph_posts(&out);
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].body.as_ref().unwrap()["subscriptions"],
        json!([a, b])
    );
    let mg = run(&emu, "scan --management-group mg1 -o json").ok();
    assert_eq!(
        graph_posts(&mg)[0].body.as_ref().unwrap()["managementGroups"],
        json!(["mg1"])
    );
    // Bad input: exit 2 naming the flag, nothing sent.
    let bad = run(&emu, "scan --subscriptions a/b");
    assert!(bad.requests.is_empty(), "{}", bad.dump());
    bad.usage("--subscriptions");
    let both = run(&emu, "scan --all-subscriptions -g rg1");
    assert_eq!(both.code, 2, "{}", both.dump());
}

#[test]
fn refused_resource_graph_falls_back_to_arm_and_says_so() {
    for spec in [
        "graph-refuse",
        "graph-refuse=unregistered",
        "graph-refuse=policy",
    ] {
        let emu = emulator(&format!("{spec},page-size=2"));
        let out = run(&emu, "scan --all-subscriptions -o json").ok();
        let j = out.json();
        assert_eq!(j["pools"].as_array().unwrap().len(), 35, "{}", out.dump());
        assert_eq!(level_counts(j["pools"].as_array().unwrap()), [7, 14, 0, 14]);
        assert_eq!(
            j["source"]["path"],
            "arm-per-subscription",
            "{}",
            out.dump()
        );
        assert!(j["source"]["fallback_reason"]
            .as_str()
            .unwrap()
            .contains("Resource Graph refused"));
        assert!(out.stderr.contains("fell back to ARM"), "{}", out.dump());
        // 4 subscriptions at 2 a page: the subscription list is followed to the end.
        let lists: Vec<_> = out
            .requests
            .iter()
            .filter(|r| r.method == "GET" && r.path == "/subscriptions")
            .collect();
        assert_eq!(lists.len(), 2, "{}", out.dump());
    }
    let emu = emulator("graph-refuse");
    let out = run(
        &emu,
        &format!("scan --subscriptions {}", fleet_subscription(2)),
    )
    .ok();
    assert!(out.stdout.contains("Source: ARM"), "{}", out.dump());
    assert!(
        out.requests.iter().all(|r| r.path != "/subscriptions"),
        "named subscriptions are not listed: {}",
        out.dump()
    );
}

#[test]
fn csv_output_parses_with_one_record_per_pool() {
    let emu = emulator("");
    let out = run(&emu, "scan --all-subscriptions -o csv").ok();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        &head[..4],
        ["subscription", "resource_group", "cluster", "pool"]
    );
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 35);
    let flat = rows.iter().find(|row| &row[col("pool")] == "flat").unwrap();
    assert_eq!(&flat[col("level")], "retired");
    assert_eq!(&flat[col("date")], "2026-06-08");
    assert_eq!(&flat[col("successor")], "AzureContainerLinux");
    assert_eq!(&flat[col("count")], "2");
    // The single-subscription scan speaks CSV too; other commands refuse it.
    let one = run(&emu, "scan -o csv").ok();
    assert_eq!(one.stdout.lines().count(), 6, "{}", one.dump());
    run(&emu, "nodepool list -g rg1 --cluster tmpl -o csv").usage("--output");
}

#[test]
fn fail_on_is_tenant_wide() {
    // The configured subscription has no retired pool; another one has.
    let mut state = fleet();
    for c in state.clusters.values_mut() {
        if c.body["id"].as_str().unwrap().contains(SUB) {
            c.pools.remove("flat");
            aksos::emulator::state::sync_profiles(c);
        }
    }
    let emu = Background::with_state(state, fast());
    assert_eq!(run(&emu, "scan --fail-on retired").code, 0);
    let out = run(&emu, "scan --all-subscriptions --fail-on retired");
    assert_eq!(out.code, 1, "{}", out.dump());
    let only_ours = run(
        &emu,
        &format!("scan --subscriptions {SUB} --fail-on retired"),
    );
    assert_eq!(only_ours.code, 0, "{}", only_ours.dump());
    let retiring = run(
        &emu,
        &format!("scan --subscriptions {SUB} --fail-on retiring"),
    );
    assert_eq!(retiring.code, 1, "{}", retiring.dump());
}

#[test]
fn an_exhausted_quota_is_waited_out_not_hammered() {
    // 2 queries per window, 3 pages: the client waits for the reset.
    let emu = emulator("graph-quota=2,graph-page-size=3");
    let out = run(&emu, "scan --all-subscriptions -o json").ok();
    assert_eq!(out.json()["pools"].as_array().unwrap().len(), 35);
    let posts = graph_posts(&out);
    assert_eq!(posts.len(), 3, "{}", out.dump());
    assert!(posts.iter().all(|r| r.status == 200), "{}", out.dump());
}

fn save_scan(emu: &Background, dir: &tempfile::TempDir) -> std::path::PathBuf {
    let out = run(emu, "scan --all-subscriptions -o json").ok();
    let path = dir.path().join("scan.json");
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

#[test]
fn migrate_from_scan_moves_retired_pools_of_several_clusters_in_parallel() {
    let emu = Background::with_state(fleet(), fast_with("op-delay=300ms"));
    let dir = tempfile::tempdir().unwrap();
    let file = save_scan(&emu, &dir);
    // After the scan, someone moves one pool by hand: it must be left alone.
    let changed = format!("{}/rg-0/aks-0", fleet_subscription(1));
    let mut state = emu.shared.state();
    let c = state.clusters.get_mut(&changed).unwrap();
    c.pools.get_mut("flat").unwrap()["properties"]["osSKU"] = json!("AzureLinux");
    aksos::emulator::state::sync_profiles(c);
    emu.shared.set_state(state);

    let plan = run(
        &emu,
        &format!(
            "migrate --from-scan {} --only retired --dry-run",
            file.display()
        ),
    )
    .ok();
    assert!(plan.writes().is_empty(), "{}", plan.dump());
    assert!(plan.stdout.contains("6 planned"), "{}", plan.dump());

    let out = run(
        &emu,
        &format!(
            "migrate --from-scan {} --only retired -o json",
            file.display()
        ),
    )
    .ok();
    let j = out.json();
    assert_eq!(j["summary"]["migrated"], 6, "{}", out.dump());
    assert_eq!(j["summary"]["skipped"], 1, "{}", out.dump());
    let skipped = j["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["status"] == "skipped")
        .unwrap();
    assert!(
        skipped["detail"]
            .as_str()
            .unwrap()
            .contains("changed since the scan"),
        "{skipped}"
    );
    assert!(
        out.stderr.contains("changed since the scan"),
        "{}",
        out.dump()
    );
    // Only retired pools, only new pools on the successor, never a 409 or a DELETE.
    let puts = out.puts();
    assert_eq!(puts.len(), 6, "{}", out.dump());
    for p in &puts {
        assert!(p.path.ends_with("/agentPools/flatacl"), "{}", p.path);
        assert_eq!(
            p.body.as_ref().unwrap()["properties"]["osSKU"],
            "AzureContainerLinux"
        );
    }
    assert!(
        out.requests.iter().all(|r| r.status != 409),
        "{}",
        out.dump()
    );
    assert!(out.requests.iter().all(|r| r.method != "DELETE"));
    let state = emu.shared.state();
    for (k, c) in &state.clusters {
        let moved = c.pools.contains_key("flatacl");
        assert_eq!(moved, k != &changed, "{k}");
        assert!(c.pools.contains_key("flat"), "old pools are kept: {k}");
    }
    // Clusters ran side by side: operations on different clusters overlapped.
    let ops: Vec<_> = state.operations.values().collect();
    let overlap = ops.iter().any(|a| {
        ops.iter().any(|b| {
            a.cluster_key != b.cluster_key && a.started_ms < b.done_ms && b.started_ms < a.done_ms
        })
    });
    assert!(overlap, "operations ran one after another: {ops:?}");
    // Within one cluster, one operation at a time.
    for a in &ops {
        for b in &ops {
            if a.id != b.id && a.cluster_key == b.cluster_key {
                assert!(a.done_ms <= b.started_ms || b.done_ms <= a.started_ms);
            }
        }
    }
    // Again: nothing left to do, nothing written.
    let again = run(
        &emu,
        &format!("migrate --from-scan {} --only retired", file.display()),
    )
    .ok();
    assert!(again.writes().is_empty(), "{}", again.dump());
    assert!(again.stdout.contains("6 unchanged"), "{}", again.dump());
}

#[test]
fn a_bad_scan_file_is_exit_2_naming_the_file_and_the_json_path() {
    let emu = emulator("");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        json!({"pools": [{"subscription": SUB, "resource_group": "rg1", "cluster": 5}]})
            .to_string(),
    )
    .unwrap();
    let out = run(&emu, &format!("migrate --from-scan {}", path.display()));
    assert!(out.requests.is_empty(), "{}", out.dump());
    let out = out.usage(&path.display().to_string());
    assert!(out.stderr.contains("pools[0].cluster"), "{}", out.dump());
    for text in ["not json", "[]"] {
        std::fs::write(&path, text).unwrap();
        run(&emu, &format!("migrate --from-scan {}", path.display()))
            .usage(&path.display().to_string());
    }
    run(&emu, "migrate --from-scan /nonexistent/scan.json").usage("/nonexistent/scan.json");
    run(
        &emu,
        &format!("migrate --from-scan {}", dir.path().display()),
    )
    .usage(&dir.path().display().to_string());
}

#[test]
fn scan_of_a_cluster_that_does_not_exist_fails() {
    let emu = emulator("");
    let out = run(
        &emu,
        "scan -g rg1 --cluster nosuchcluster --fail-on retired",
    );
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(out.stderr.contains("ResourceNotFound"), "{}", out.dump());
    assert!(out.stderr.contains("orrelation"), "{}", out.dump());
    let out = run(&emu, "scan --cluster nosuchcluster");
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(out.stderr.contains("nosuchcluster"), "{}", out.dump());
    run(&emu, "scan -g rg1 --cluster tmpl").ok();
}

#[test]
fn more_than_a_thousand_named_subscriptions_go_in_batches() {
    let emu = emulator("");
    let mut subs: Vec<String> = (0..1001)
        .map(|i| format!("{i:08x}-1111-4000-8000-000000000000"))
        .collect();
    subs.push(fleet_subscription(1));
    let out = run_args(
        &emu,
        &[
            "scan".into(),
            "--subscriptions".into(),
            subs.join(","),
            "-o".into(),
            "json".into(),
        ],
    )
    .ok();
    let posts = graph_posts(&out);
    assert_eq!(posts.len(), 2, "{}", out.dump());
    let sizes: Vec<usize> = posts
        .iter()
        .map(|p| {
            p.body.as_ref().unwrap()["subscriptions"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(sizes, [1000, 2]);
    assert_eq!(out.json()["pools"].as_array().unwrap().len(), 10);
}
