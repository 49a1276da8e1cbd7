//! `aksos scan` and `aksos migrate` end to end, against the loopback ARM
//! emulator. The fleet is seeded once through the CLI itself (cluster create,
//! nodepool add) and copied into a fresh emulator per test. The clock is pinned
//! to 2026-11-24: Flatcar is retired (2026-06-08, images removed 2026-09-08),
//! Azure Linux OS Guard retires on 2026-12-10 (16 days), Ubuntu 22.04 on
//! 2027-06-30.

mod common;

use aksos::emulator::faults::Faults;
use aksos::emulator::state::{OpKind, State};
use aksos::emulator::Background;
use common::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

fn pool_path(rg: &str, cluster: &str, pool: &str) -> String {
    format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}/agentPools/{pool}")
}

fn cluster_key(rg: &str, cluster: &str) -> String {
    format!("{SUB}/{rg}/{cluster}").to_ascii_lowercase()
}

/// A pool as the emulator holds it now.
fn pool_state(emu: &Background, rg: &str, cluster: &str, pool: &str) -> Option<Value> {
    emu.shared
        .state()
        .clusters
        .get(&cluster_key(rg, cluster))
        .and_then(|c| c.pools.get(pool).cloned())
}

fn pool_names(emu: &Background, rg: &str, cluster: &str) -> Vec<String> {
    emu.shared.state().clusters[&cluster_key(rg, cluster)]
        .pools
        .keys()
        .cloned()
        .collect()
}

/// The fleet, seeded once through the CLI:
/// - rg1/prod1 (k8s 1.35): nodepool1 (System, Ubuntu), flatpool (Flatcar, 2 ×
///   Standard_D8s_v5, label team=a, taint dedicated=x:NoSchedule), guard
///   (AzureLinuxOSGuard), u22 (Ubuntu2204), future (osSKU edited to FutureOS);
/// - rg2/dev2 (k8s 1.34): nodepool1 (System, AzureContainerLinux), old22 (Ubuntu2204).
fn fleet() -> State {
    static FLEET: OnceLock<State> = OnceLock::new();
    FLEET
        .get_or_init(|| {
            let emu = Background::start(fast());
            for line in [
                "cluster create -g rg1 -n prod1 -l eastus --os-sku Ubuntu --kubernetes-version 1.35",
                "nodepool add -g rg1 --cluster prod1 -n flatpool --os-sku Flatcar --allow-retired --labels team=a --taints dedicated=x:NoSchedule --node-count 2 --node-vm-size Standard_D8s_v5",
                "nodepool add -g rg1 --cluster prod1 -n guard --os-sku AzureLinuxOSGuard --labels team=b",
                "nodepool add -g rg1 --cluster prod1 -n u22 --os-sku Ubuntu2204 --node-count 3",
                "nodepool add -g rg1 --cluster prod1 -n future --os-sku Ubuntu2404",
                "cluster create -g rg2 -n dev2 -l westeurope --os-sku AzureContainerLinux --kubernetes-version 1.34",
                "nodepool add -g rg2 --cluster dev2 -n old22 --os-sku Ubuntu2204",
            ] {
                run(&emu, line).ok();
            }
            let mut state = emu.shared.state();
            let future = state
                .clusters
                .get_mut(&cluster_key("rg1", "prod1"))
                .and_then(|c| c.pools.get_mut("future"))
                .expect("future pool seeded");
            future["properties"]["osSKU"] = json!("FutureOS");
            state
        })
        .clone()
}

fn emulator() -> Background {
    Background::with_state(fleet(), fast())
}

/// The fleet plus rg9/ghost, a cluster whose id names a resource group that
/// does not hold it: listing its pools answers 404.
fn with_ghost(faults: Faults) -> Background {
    let mut state = fleet();
    let mut ghost = state.clusters[&cluster_key("rg2", "dev2")].clone();
    ghost.body["name"] = json!("ghost");
    ghost.body["id"] = json!(format!(
        "/subscriptions/{SUB}/resourceGroups/rgmissing/providers/Microsoft.ContainerService/managedClusters/ghost"
    ));
    state.clusters.insert(cluster_key("rg9", "ghost"), ghost);
    Background::with_state(state, faults)
}

fn line_of<'a>(text: &'a str, needle: &str) -> (usize, &'a str) {
    text.lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
}

// ---------------------------------------------------------------- scan

#[test]
fn scan_table_is_sorted_worst_first_with_dates_summary_and_commands() {
    let emu = emulator();
    let out = run(&emu, "scan").ok();
    let s = &out.stdout;
    assert!(
        out.requests.iter().all(|r| r.method == "GET"),
        "a scan only reads: {}",
        out.dump()
    );
    let (head, _) = line_of(s, "VERDICT");
    let (flat, flat_line) = line_of(s, "flatpool ");
    let (guard, guard_line) = line_of(s, "guard ");
    let (u22, u22_line) = line_of(s, "rg1/prod1  u22");
    let (old22, old22_line) = line_of(s, "old22");
    let (future, future_line) = line_of(s, "FutureOS");
    let (ok1, _) = line_of(s, "rg1/prod1  nodepool1");
    let (ok2, _) = line_of(s, "rg2/dev2   nodepool1");
    assert!(
        head < flat && flat < guard && guard < u22 && u22 < future && future < ok1,
        "worst first:\n{s}"
    );
    // Same level and date: sorted by cluster.
    assert!(u22 < old22 && old22 < future, "{s}");
    assert!(ok1 < ok2, "{s}");
    assert!(
        flat_line.contains("retired 2026-06-08 → AzureContainerLinux"),
        "{flat_line}"
    );
    assert!(
        flat_line.contains("Standard_D8s_v5") && flat_line.contains("Flatcar"),
        "{flat_line}"
    );
    assert!(
        guard_line.contains("retiring 2026-12-10 (16d) → AzureContainerLinux"),
        "{guard_line}"
    );
    assert!(
        u22_line.contains("retiring 2027-06-30") && u22_line.contains("Ubuntu2404"),
        "{u22_line}"
    );
    assert!(old22_line.contains("retiring 2027-06-30"), "{old22_line}");
    assert!(future_line.contains("unknown-sku"), "{future_line}");
    for ok in [ok1, ok2] {
        assert!(s.lines().nth(ok).unwrap().trim_end().ends_with("ok"), "{s}");
    }
    assert!(
        s.contains(
            "4 pools on retired or retiring OSes in 2 clusters (7 pools scanned in 2 clusters)"
        ),
        "{s}"
    );
    for (rg, cluster, pool) in [
        ("rg1", "prod1", "flatpool"),
        ("rg1", "prod1", "guard"),
        ("rg1", "prod1", "u22"),
        ("rg2", "dev2", "old22"),
    ] {
        let (_, cmd) = line_of(
            s,
            &format!("migrate -g {rg} --cluster {cluster} --pool {pool}"),
        );
        assert!(cmd.trim_start().starts_with("aksos "), "{cmd}");
    }
    let (_, flat_cmd) = line_of(s, "--pool flatpool");
    assert!(
        flat_cmd.contains("images removed since 2026-09-08"),
        "impact of a retired OS: {flat_cmd}"
    );
    assert!(
        !s.contains("--pool future"),
        "unknown SKU has no command: {s}"
    );
    assert!(!s.contains("--pool nodepool1"), "{s}");
    assert!(
        !out.stderr.to_lowercase().contains("error"),
        "{}",
        out.dump()
    );
}

#[test]
fn scan_follows_next_links_for_clusters_and_pools() {
    let emu = Background::with_state(fleet(), fast_with("page-size=1"));
    let out = run(&emu, "scan -o json").ok();
    let j = out.json();
    assert_eq!(j["clusters_scanned"], 2, "{}", out.dump());
    assert_eq!(j["pools"].as_array().unwrap().len(), 7, "{}", out.dump());
    assert!(
        out.requests
            .iter()
            .any(|r| r.path.ends_with("/agentPools") && r.method == "GET"),
        "{}",
        out.dump()
    );
    let lists = |suffix: &str| {
        out.requests
            .iter()
            .filter(|r| r.path.ends_with(suffix))
            .count()
    };
    // Two clusters one page each; prod1's 5 pools and dev2's 2 pools one page
    // each; every list then ends with Azure's trailing empty page.
    assert_eq!(lists("/managedClusters"), 3, "{}", out.dump());
    assert_eq!(lists("/agentPools"), 9, "{}", out.dump());
    let text = run(&emu, "scan -g rg1").ok().stdout;
    assert!(
        text.contains(
            "3 pools on retired or retiring OSes in 1 cluster (5 pools scanned in 1 cluster)"
        ),
        "{text}"
    );
}

#[test]
fn scan_json_has_every_field_of_every_pool() {
    let emu = emulator();
    let out = run(&emu, "scan -o json").ok();
    let j = out.json();
    assert_eq!(
        j["summary"],
        "4 pools on retired or retiring OSes in 2 clusters (7 pools scanned in 2 clusters)"
    );
    assert_eq!(j["unreadable"], json!([]));
    let pools = j["pools"].as_array().unwrap();
    let levels: Vec<&str> = pools.iter().map(|p| p["level"].as_str().unwrap()).collect();
    assert_eq!(
        levels,
        [
            "retired",
            "retiring",
            "retiring",
            "retiring",
            "unknown-sku",
            "ok",
            "ok"
        ]
    );
    for p in pools {
        for field in [
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
        ] {
            assert!(!p[field].is_null(), "{field} of {p}");
        }
    }
    let by = |name: &str| {
        pools
            .iter()
            .find(|p| p["pool"] == name && p["cluster"] == "prod1")
            .unwrap_or_else(|| panic!("{name} in {j}"))
    };
    let flat = by("flatpool");
    assert_eq!(
        (&flat["resource_group"], &flat["os_sku"], &flat["mode"]),
        (&json!("rg1"), &json!("Flatcar"), &json!("User"))
    );
    assert_eq!(
        (&flat["vm_size"], &flat["count"]),
        (&json!("Standard_D8s_v5"), &json!(2))
    );
    assert!(
        flat["kubernetes_version"]
            .as_str()
            .unwrap()
            .starts_with("1.35"),
        "{flat}"
    );
    assert_eq!(flat["os_type"], "Linux");
    assert_eq!(
        flat["lifecycle"],
        json!({"verdict": "retired", "date": "2026-06-08", "images_removed": "2026-09-08", "successor": "AzureContainerLinux"})
    );
    assert!(flat["impact"].as_str().unwrap().contains("2026-09-08"));
    assert!(flat["migrate"]
        .as_str()
        .unwrap()
        .ends_with("migrate -g rg1 --cluster prod1 --pool flatpool"));
    let guard = by("guard");
    assert_eq!(
        guard["lifecycle"],
        json!({"verdict": "retiring", "date": "2026-12-10", "days_left": 16, "successor": "AzureContainerLinux"})
    );
    assert!(guard["migrate"]
        .as_str()
        .unwrap()
        .ends_with("migrate -g rg1 --cluster prod1 --pool guard"));
    assert!(guard.get("impact").is_none(), "{guard}");
    let u22 = by("u22");
    assert_eq!(u22["lifecycle"]["verdict"], "retiring");
    assert_eq!(u22["lifecycle"]["date"], "2027-06-30");
    assert_eq!(u22["lifecycle"]["days_left"], 218);
    assert_eq!(u22["lifecycle"]["successor"], "Ubuntu2404");
    assert_eq!(u22["count"], 3);
    let future = by("future");
    assert_eq!(
        (&future["level"], &future["os_sku"]),
        (&json!("unknown-sku"), &json!("FutureOS"))
    );
    assert!(future.get("lifecycle").is_none() && future.get("migrate").is_none());
    let sys = by("nodepool1");
    assert_eq!(
        (&sys["level"], &sys["lifecycle"], &sys["mode"]),
        (&json!("ok"), &json!({"verdict": "ok"}), &json!("System"))
    );
    assert!(sys.get("migrate").is_none());
    assert!(out.requests.iter().all(|r| r.method == "GET"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let emu = emulator();
    assert_eq!(run(&emu, "scan --fail-on retired").code, 1);
    assert_eq!(run(&emu, "scan --fail-on retiring").code, 1);
    assert_eq!(run(&emu, "scan").code, 0);
    // rg2 has only a retiring pool.
    assert_eq!(run(&emu, "scan -g rg2 --fail-on retired").ok().code, 0);
    assert_eq!(run(&emu, "scan -g rg2 --fail-on retiring").code, 1);
    let out = run(&emu, "scan -g rg2 -o json --fail-on retiring");
    assert_eq!(out.code, 1, "{}", out.dump());
    assert_eq!(out.json()["pools"].as_array().unwrap().len(), 2);
    // Nothing retired or retiring: exit 0 even with the strictest bar.
    let mut state = fleet();
    state.clusters.remove(&cluster_key("rg2", "dev2"));
    let prod = state
        .clusters
        .get_mut(&cluster_key("rg1", "prod1"))
        .unwrap();
    prod.pools.retain(|k, _| k == "nodepool1");
    let clean = Background::with_state(state, fast());
    let out = run(&clean, "scan --fail-on retiring").ok();
    assert!(
        out.stdout
            .contains("0 pools on retired or retiring OSes in 0 clusters"),
        "{}",
        out.dump()
    );
}

#[test]
fn an_unreadable_cluster_is_reported_and_the_scan_goes_on() {
    let emu = with_ghost(fast());
    let out = run(&emu, "scan").ok();
    let (_, ghost) = line_of(&out.stdout, "ghost");
    assert!(
        ghost.contains("rgmissing/ghost: could not be read"),
        "{ghost}"
    );
    assert!(
        ghost.contains("not found") || ghost.contains("404"),
        "{ghost}"
    );
    assert!(
        out.stdout.contains(
            "4 pools on retired or retiring OSes in 2 clusters (7 pools scanned in 3 clusters)"
        ),
        "{}",
        out.dump()
    );
    let out = run(&emu, "scan -o json --fail-on retired");
    assert_eq!(out.code, 1, "{}", out.dump());
    let j = out.json();
    assert_eq!(j["unreadable"].as_array().unwrap().len(), 1, "{j}");
    assert_eq!(j["unreadable"][0]["cluster"], "ghost");
    assert_eq!(j["unreadable"][0]["resource_group"], "rgmissing");
    assert_eq!(j["pools"].as_array().unwrap().len(), 7);
    // Also across pages.
    let paged = with_ghost(fast_with("page-size=1"));
    let out = run(&paged, "scan -o json").ok();
    let j = out.json();
    assert_eq!(
        (
            &j["clusters_scanned"],
            j["pools"].as_array().unwrap().len(),
            j["unreadable"].as_array().unwrap().len()
        ),
        (&json!(3), 7, 1),
        "{}",
        out.dump()
    );
}

// ---------------------------------------------------------------- migrate

#[test]
fn migrate_flatcar_creates_a_mirroring_pool_and_keeps_the_old_one() {
    let emu = emulator();
    let out = run(&emu, "migrate -g rg1 --cluster prod1 --pool flatpool").ok();
    let new_path = pool_path("rg1", "prod1", "flatpoolacl");
    let puts: Vec<_> = out
        .requests
        .iter()
        .filter(|r| r.method == "PUT" && r.status < 300)
        .collect();
    assert_eq!(puts.len(), 1, "{}", out.dump());
    assert_eq!(puts[0].path, new_path, "{}", out.dump());
    let p = &puts[0].body.as_ref().unwrap()["properties"];
    assert_eq!(p["osSKU"], "AzureContainerLinux", "{p}");
    assert_eq!(p["vmSize"], "Standard_D8s_v5", "{p}");
    assert_eq!(p["count"], 2, "{p}");
    assert_eq!(p["mode"], "User", "{p}");
    assert_eq!(p["nodeLabels"], json!({"team": "a"}), "{p}");
    assert_eq!(p["nodeTaints"], json!(["dedicated=x:NoSchedule"]), "{p}");
    assert_eq!(p["securityProfile"]["enableSecureBoot"], true, "{p}");
    assert_eq!(p["securityProfile"]["enableVTPM"], true, "{p}");
    assert!(
        out.requests.iter().all(|r| r.method != "DELETE"),
        "old pool kept: {}",
        out.dump()
    );
    for cmd in [
        "kubectl cordon -l kubernetes.azure.com/agentpool=flatpool",
        "kubectl drain -l kubernetes.azure.com/agentpool=flatpool",
    ] {
        assert!(out.stdout.contains(cmd), "{}", out.dump());
    }
    let new = pool_state(&emu, "rg1", "prod1", "flatpoolacl").expect("new pool exists");
    assert_eq!(new["properties"]["provisioningState"], "Succeeded");
    assert_eq!(new["properties"]["osSKU"], "AzureContainerLinux");
    let old = pool_state(&emu, "rg1", "prod1", "flatpool").expect("old pool kept");
    assert_eq!(old["properties"]["osSKU"], "Flatcar");

    // Re-run: nothing written, and it says so.
    let again = run(&emu, "migrate -g rg1 --cluster prod1 --pool flatpool").ok();
    assert!(again.writes().is_empty(), "{}", again.dump());
    let said = format!("{}{}", again.stdout, again.stderr).to_lowercase();
    assert!(
        said.contains("up to date") || said.contains("nothing to do"),
        "{}",
        again.dump()
    );
    assert_eq!(
        pool_names(&emu, "rg1", "prod1"),
        [
            "flatpool",
            "flatpoolacl",
            "future",
            "guard",
            "nodepool1",
            "u22"
        ]
    );
}

#[test]
fn migrate_os_guard_with_delete_old_deletes_only_after_the_new_pool_succeeded() {
    let emu = emulator();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool guard --delete-old --yes",
    )
    .ok();
    let put = out
        .requests
        .iter()
        .position(|r| r.method == "PUT" && r.status < 300)
        .unwrap_or_else(|| panic!("{}", out.dump()));
    assert_eq!(
        out.requests[put].path,
        pool_path("rg1", "prod1", "guardacl")
    );
    let body = &out.requests[put].body.as_ref().unwrap()["properties"];
    assert_eq!(body["osSKU"], "AzureContainerLinux");
    assert_eq!(body["nodeLabels"], json!({"team": "b"}));
    let deletes: Vec<usize> = out
        .requests
        .iter()
        .enumerate()
        .filter(|(_, r)| r.method == "DELETE")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(deletes.len(), 1, "{}", out.dump());
    let del = deletes[0];
    assert_eq!(out.requests[del].path, pool_path("rg1", "prod1", "guard"));
    assert_eq!(out.requests[del].status, 202, "{}", out.dump());
    let polls_between = out.requests[put + 1..del]
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/operations/"))
        .count();
    assert!(
        put < del && polls_between >= 1,
        "PUT, operation polls, then DELETE: {}",
        out.dump()
    );
    // The pool operation had Succeeded before the delete began.
    let state = emu.shared.state();
    let put_op = state
        .operations
        .values()
        .find(|o| {
            o.kind
                == OpKind::PutPool {
                    pool: "guardacl".into(),
                }
        })
        .expect("put operation");
    let del_op = state
        .operations
        .values()
        .find(|o| {
            o.kind
                == OpKind::DeletePool {
                    pool: "guard".into(),
                }
        })
        .expect("delete operation");
    assert_eq!(put_op.outcome, "Succeeded");
    assert!(
        del_op.started_ms >= put_op.done_ms,
        "delete started {} before the new pool finished {}",
        del_op.started_ms,
        put_op.done_ms
    );
    assert!(
        out.stdout.contains("node pool guard deleted"),
        "{}",
        out.dump()
    );
    assert!(
        pool_state(&emu, "rg1", "prod1", "guard").is_none(),
        "old pool gone"
    );
    assert_eq!(
        pool_state(&emu, "rg1", "prod1", "guardacl").unwrap()["properties"]["provisioningState"],
        "Succeeded"
    );

    // Re-run: complete, nothing written.
    let again = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool guard --delete-old --yes",
    )
    .ok();
    assert!(again.writes().is_empty(), "{}", again.dump());
    assert!(
        again.stdout.contains("the migration is complete"),
        "{}",
        again.dump()
    );
}

#[test]
fn migrate_ubuntu2204_to_azure_container_linux_in_place() {
    let emu = emulator();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool u22 --to AzureContainerLinux",
    )
    .ok();
    let puts: Vec<_> = out
        .requests
        .iter()
        .filter(|r| r.method == "PUT" && r.status < 300)
        .collect();
    assert_eq!(puts.len(), 1, "{}", out.dump());
    assert_eq!(puts[0].path, pool_path("rg1", "prod1", "u22"), "same pool");
    let p = &puts[0].body.as_ref().unwrap()["properties"];
    assert_eq!(p["osSKU"], "AzureContainerLinux", "{p}");
    assert_eq!(p["securityProfile"]["enableSecureBoot"], true, "{p}");
    assert_eq!(p["securityProfile"]["enableVTPM"], true, "{p}");
    assert_eq!(p["count"], 3, "{p}");
    assert!(out.requests.iter().all(|r| r.method != "DELETE"));
    assert!(out.stdout.contains("(in place)"), "{}", out.dump());
    assert!(!out.stdout.contains("kubectl drain"), "{}", out.dump());
    assert_eq!(
        pool_names(&emu, "rg1", "prod1"),
        ["flatpool", "future", "guard", "nodepool1", "u22"],
        "no new pool"
    );
    let u22 = pool_state(&emu, "rg1", "prod1", "u22").unwrap();
    assert_eq!(u22["properties"]["osSKU"], "AzureContainerLinux");
    assert_eq!(u22["properties"]["provisioningState"], "Succeeded");

    let again = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool u22 --to AzureContainerLinux",
    )
    .ok();
    assert!(again.writes().is_empty(), "{}", again.dump());
    assert!(
        again
            .stdout
            .contains("nothing to do: pool u22 already runs AzureContainerLinux"),
        "{}",
        again.dump()
    );
}

#[test]
fn migrate_the_system_pool_via_a_new_system_pool_then_delete_it() {
    let emu = emulator();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool nodepool1 --to AzureLinux --strategy new-pool --delete-old --yes",
    )
    .ok();
    let put = out
        .requests
        .iter()
        .find(|r| r.method == "PUT" && r.status < 300)
        .unwrap_or_else(|| panic!("{}", out.dump()));
    assert_eq!(put.path, pool_path("rg1", "prod1", "nodepool1al"));
    let p = &put.body.as_ref().unwrap()["properties"];
    assert_eq!(
        (&p["mode"], &p["osSKU"]),
        (&json!("System"), &json!("AzureLinux"))
    );
    assert!(pool_state(&emu, "rg1", "prod1", "nodepool1").is_none());
    assert_eq!(
        pool_state(&emu, "rg1", "prod1", "nodepool1al").unwrap()["properties"]["mode"],
        "System"
    );
}

/// Sets a pool's provisioningState in the emulator.
fn set_provisioning(emu: &Background, pool: &str, to: &str) {
    let mut state = emu.shared.state();
    let p = state
        .clusters
        .get_mut(&cluster_key("rg1", "prod1"))
        .and_then(|c| c.pools.get_mut(pool))
        .expect("pool exists");
    p["properties"]["provisioningState"] = json!(to);
    emu.shared.set_state(state);
}

#[test]
fn the_last_system_pool_is_never_deleted() {
    // The System pool's replacement exists from an earlier run but Failed:
    // nodepool1 is still the only working System pool.
    let emu = emulator();
    run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool nodepool1 --to AzureLinux --strategy new-pool",
    )
    .ok();
    set_provisioning(&emu, "nodepool1al", "Failed");
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool nodepool1 --to AzureLinux --strategy new-pool --delete-old --yes",
    );
    // (The emulator, like AKS, counts the Failed pool as a System pool and
    // would have accepted the DELETE.)
    let out = out.usage("--new-pool");
    assert!(
        out.stderr.contains("nodepool1al is Failed"),
        "{}",
        out.dump()
    );
    assert!(out.requests.iter().all(|r| r.method != "DELETE"));
    assert!(pool_state(&emu, "rg1", "prod1", "nodepool1").is_some());
}

#[test]
fn a_failed_new_pool_never_leads_to_deleting_the_old_one() {
    let emu = emulator();
    run(&emu, "migrate -g rg1 --cluster prod1 --pool guard").ok();
    set_provisioning(&emu, "guardacl", "Failed");
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool guard --delete-old --yes",
    );
    let out = out.usage("--new-pool");
    assert!(
        out.stderr.contains("guardacl is Failed, not Succeeded"),
        "{}",
        out.dump()
    );
    assert!(!out.stdout.contains("kubectl drain"), "{}", out.dump());
    assert!(pool_state(&emu, "rg1", "prod1", "guard").is_some());
    // Without --delete-old neither: no drain commands onto a Failed pool.
    run(&emu, "migrate -g rg1 --cluster prod1 --pool guard").usage("--new-pool");
}

#[test]
fn an_existing_pool_with_the_new_name_and_other_settings_is_not_overwritten() {
    let emu = emulator();
    run(
        &emu,
        "nodepool add -g rg1 --cluster prod1 -n nodepool1al --os-sku AzureLinux",
    )
    .ok();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool nodepool1 --to AzureLinux --strategy new-pool --delete-old --yes",
    )
    .usage("--name");
    assert!(out.stderr.contains("mode: User → System"), "{}", out.dump());
    assert!(pool_state(&emu, "rg1", "prod1", "nodepool1").is_some());
}

#[test]
fn delete_old_off_a_terminal_needs_yes() {
    let emu = emulator();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool guard --delete-old",
    )
    .usage("--delete-old");
    assert!(out.stderr.contains("--yes"), "{}", out.dump());
    assert!(out.requests.is_empty(), "nothing sent: {}", out.dump());
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool guard --delete-old --yes --no-wait",
    )
    .usage("--delete-old");
    assert!(out.requests.is_empty(), "{}", out.dump());
    assert!(emu.writes().is_empty());
}

#[test]
fn dry_run_reads_only_and_prints_the_put_body() {
    let emu = emulator();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool flatpool --delete-old --dry-run",
    )
    .ok();
    assert!(
        out.requests.iter().all(|r| r.method == "GET"),
        "{}",
        out.dump()
    );
    let put_line = format!(
        "PUT {}{}",
        emu.url,
        pool_path("rg1", "prod1", "flatpoolacl")
    );
    assert!(out.stdout.contains(&put_line), "{}", out.dump());
    assert!(
        out.stdout.contains("\"osSKU\": \"AzureContainerLinux\""),
        "{}",
        out.dump()
    );
    assert!(
        out.stdout.contains("\"enableSecureBoot\": true"),
        "{}",
        out.dump()
    );
    assert!(
        out.stdout.contains("\"dedicated=x:NoSchedule\""),
        "{}",
        out.dump()
    );
    assert!(
        out.stdout
            .contains("then delete node pool flatpool (AKS cordons and drains its nodes first"),
        "{}",
        out.dump()
    );
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool u22 --to AzureContainerLinux --dry-run",
    )
    .ok();
    assert!(out.writes().is_empty(), "{}", out.dump());
    let put_line = format!("PUT {}{}", emu.url, pool_path("rg1", "prod1", "u22"));
    assert!(out.stdout.contains(&put_line), "{}", out.dump());
    assert!(emu.writes().is_empty());
    assert!(pool_state(&emu, "rg1", "prod1", "flatpoolacl").is_none());
}

#[test]
fn bad_migrations_are_refused_before_any_write() {
    let emu = emulator();
    run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool flatpool --strategy in-place",
    )
    .usage("--strategy");
    run(&emu, "migrate -g rg1 --cluster prod1 --pool future").usage("--to");
    run(&emu, "migrate -g rg1 --cluster prod1 --pool nopool").usage("--pool");
    // A missing cluster is Azure's 404 to a GET that was sent: exit 4, code kept.
    let out = run(&emu, "migrate -g rg1 --cluster nocluster --pool flatpool");
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(
        out.stderr.contains("no cluster nocluster"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("code: ResourceNotFound"),
        "{}",
        out.stderr
    );
    run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool flatpool --to NotAnOS",
    )
    .usage("--to");
    assert!(emu.writes().is_empty());
}

/// The new pool of a migration is checked against the region before it is
/// sent: a Generation 1 only size cannot carry Azure Container Linux.
#[test]
fn migrate_checks_the_new_pools_size_against_the_region_first() {
    let emu = emulator();
    run(
        &emu,
        "nodepool add -g rg1 --cluster prod1 -n gen1 --os-sku Ubuntu2204 --node-vm-size Standard_A2_v2 --skip-capability-checks",
    )
    .ok();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool gen1 --to AzureContainerLinux --strategy new-pool",
    )
    .usage("--node-vm-size");
    assert!(out.stderr.contains("Generation 2"), "{}", out.dump());
    assert!(
        out.stderr.contains("--skip-capability-checks"),
        "{}",
        out.dump()
    );
}
