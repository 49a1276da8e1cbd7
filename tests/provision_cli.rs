//! `aksos cluster create` / `nodepool add|show|list` / `cluster show` end to end,
//! against the loopback ARM emulator on its own thread. Each test starts its own
//! emulator, runs the real binary and asserts on what the emulator recorded
//! (method, path, api-version, body, status). The clock is pinned to 2026-11-24:
//! Flatcar is retired (2026-06-08), OS Guard is retiring (2026-12-10).

mod common;

use aksos::emulator::{Background, Recorded};
use common::*;
use serde_json::Value;

const STABLE: &str = "2026-08-01";
const PREVIEW: &str = "2026-08-02-preview";

/// A base cluster created through the CLI.
fn base_cluster(emu: &Background, rg: &str, name: &str, sku: &str, version: &str) {
    run(
        emu,
        &format!("cluster create -g {rg} -n {name} -l eastus --os-sku {sku} --kubernetes-version {version}"),
    )
    .ok();
}

/// The feature flag, api-version and Trusted Launch / FIPS / disk expectations of a SKU.
struct Expect {
    sku: &'static str,
    flag: Option<&'static str>,
    api: &'static str,
    trusted_launch: bool,
    os_guard: bool,
}

const ALL: &[Expect] = &[
    Expect {
        sku: "AzureContainerLinux",
        flag: None,
        api: STABLE,
        trusted_launch: true,
        os_guard: false,
    },
    Expect {
        sku: "AzureLinuxOSGuard",
        flag: Some("AzureLinuxOSGuardPreview"),
        api: PREVIEW,
        trusted_launch: true,
        os_guard: true,
    },
    Expect {
        sku: "Flatcar",
        flag: Some("AKSFlatcarPreview"),
        api: PREVIEW,
        trusted_launch: false,
        os_guard: false,
    },
    Expect {
        sku: "Ubuntu",
        flag: None,
        api: STABLE,
        trusted_launch: false,
        os_guard: false,
    },
    Expect {
        sku: "Ubuntu2204",
        flag: None,
        api: STABLE,
        trusted_launch: false,
        os_guard: false,
    },
    Expect {
        sku: "Ubuntu2404",
        flag: None,
        api: STABLE,
        trusted_launch: false,
        os_guard: false,
    },
    Expect {
        sku: "Ubuntu2604",
        flag: Some("Ubuntu2604Preview"),
        api: PREVIEW,
        trusted_launch: false,
        os_guard: false,
    },
    Expect {
        sku: "AzureLinux",
        flag: None,
        api: STABLE,
        trusted_launch: false,
        os_guard: false,
    },
    Expect {
        sku: "AzureLinux3",
        flag: None,
        api: STABLE,
        trusted_launch: false,
        os_guard: false,
    },
];

/// Checks one pool's properties as sent in a PUT.
fn check_pool_props(e: &Expect, p: &Value, ctx: &str) {
    assert_eq!(p["osSKU"], e.sku, "osSKU spelling ({ctx}): {p}");
    assert!(p.get("osSku").is_none(), "{ctx}: {p}");
    assert_eq!(p["osType"], "Linux", "{ctx}: {p}");
    if e.trusted_launch {
        assert_eq!(p["securityProfile"]["enableSecureBoot"], true, "{ctx}: {p}");
        assert_eq!(p["securityProfile"]["enableVTPM"], true, "{ctx}: {p}");
    } else {
        assert!(p.get("securityProfile").is_none(), "{ctx}: {p}");
    }
    if e.os_guard {
        assert_eq!(p["enableFIPS"], true, "{ctx}: {p}");
        assert_eq!(p["osDiskType"], "Managed", "{ctx}: {p}");
    } else {
        assert!(p.get("enableFIPS").is_none(), "{ctx}: {p}");
        assert!(p.get("osDiskType").is_none(), "{ctx}: {p}");
    }
}

/// Preview SKUs: feature register POST, then provider register POST, then the PUT;
/// no request was rejected with 400 (PreviewFeatureNotRegistered). Others: no POST.
fn check_flow(e: &Expect, out: &Out) {
    let ctx = out.dump();
    assert!(
        out.requests.iter().all(|r| r.status != 400),
        "a request was rejected: {ctx}"
    );
    let pos = |pred: &dyn Fn(&Recorded) -> bool| out.requests.iter().position(pred);
    let put = pos(&|r| r.method == "PUT" && r.status < 300).expect("PUT sent");
    match e.flag {
        Some(flag) => {
            let feature = pos(&|r| {
                r.method == "POST"
                    && r.path.ends_with(&format!(
                        "/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/{flag}/register"
                    ))
            })
            .unwrap_or_else(|| panic!("feature {flag} registered: {ctx}"));
            let provider = pos(&|r| {
                r.method == "POST"
                    && r.path
                        == format!(
                            "/subscriptions/{SUB}/providers/Microsoft.ContainerService/register"
                        )
            })
            .unwrap_or_else(|| panic!("provider refreshed: {ctx}"));
            assert!(feature < provider && provider < put, "order: {ctx}");
        }
        None => assert!(
            out.requests.iter().all(|r| r.method != "POST"),
            "no registration for {}: {ctx}",
            e.sku
        ),
    }
}

fn extra_flags(e: &Expect) -> &'static str {
    if e.sku == "Flatcar" {
        "--allow-retired"
    } else {
        ""
    }
}

// ------------------------------------------------------------ 1. every SKU

#[test]
fn cluster_create_end_to_end_for_every_linux_sku() {
    // Kubernetes version per SKU: asked (fits the SKU's range) or left to aksos,
    // which picks the newest GA version the SKU supports (1.36 in the emulator).
    let version = |sku: &str| match sku {
        "AzureContainerLinux" | "Ubuntu2204" | "Ubuntu2604" => Some("1.36"),
        "Flatcar" => Some("1.35"),
        "Ubuntu" => Some("1.33"),
        "AzureLinux" => Some("1.34.3"),
        _ => None,
    };
    for e in ALL {
        let emu = Background::start(fast());
        let k8s = version(e.sku)
            .map(|v| format!("--kubernetes-version {v}"))
            .unwrap_or_default();
        let out = run(
            &emu,
            &format!(
                "cluster create -g rg1 -n c1 -l eastus --os-sku {} {k8s} {}",
                e.sku,
                extra_flags(e)
            ),
        )
        .ok();
        check_flow(e, &out);
        let put = out.put();
        assert!(
            put.path.ends_with(
                "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1"
            ),
            "{}",
            put.path
        );
        assert_eq!(put.api_version.as_deref(), Some(e.api), "{}", e.sku);
        let body = put.body.as_ref().expect("PUT body");
        assert_eq!(body["location"], "eastus");
        let props = &body["properties"];
        assert_eq!(
            props["kubernetesVersion"],
            version(e.sku).unwrap_or("1.36"),
            "{}",
            e.sku
        );
        let pools = props["agentPoolProfiles"].as_array().expect("pools");
        assert_eq!(pools.len(), 1);
        assert_eq!(pools[0]["name"], "nodepool1");
        assert_eq!(pools[0]["mode"], "System");
        check_pool_props(e, &pools[0], &format!("cluster create {}", e.sku));
        // Immutable SKUs with a channel rule get the first allowed channel filled in.
        if ["AzureContainerLinux", "AzureLinuxOSGuard", "Flatcar"].contains(&e.sku) {
            assert_eq!(
                props["autoUpgradeProfile"]["nodeOSUpgradeChannel"], "NodeImage",
                "{}",
                e.sku
            );
        }
        if e.sku == "Flatcar" {
            assert!(out.stderr.contains("retired"), "{}", out.stderr);
        }
        if e.sku == "AzureLinuxOSGuard" {
            assert!(out.stderr.contains("2026-12-10"), "{}", out.stderr);
        }
        // The cluster exists and succeeded.
        let st = emu.shared.state();
        let c = st.clusters.values().next().expect("cluster stored");
        assert_eq!(c.body["properties"]["provisioningState"], "Succeeded");
        assert!(out.stdout.contains(e.sku), "{}", out.stdout);
    }
}

#[test]
fn nodepool_add_end_to_end_for_every_linux_sku() {
    let emu = Background::start(fast());
    // 1.36 fits every SKU here (Ubuntu2604 min, Ubuntu2204/AzureLinux3 max).
    base_cluster(&emu, "rg1", "c1", "AzureContainerLinux", "1.36");
    for (i, e) in ALL.iter().enumerate() {
        let pool = format!("pool{i}");
        // Some runs pin the pool's version to the control plane's, others inherit it.
        let k8s = if i % 2 == 0 {
            "--kubernetes-version 1.36"
        } else {
            ""
        };
        let out = run(
            &emu,
            &format!(
                "nodepool add -g rg1 --cluster c1 -n {pool} --os-sku {} {k8s} {}",
                e.sku,
                extra_flags(e)
            ),
        )
        .ok();
        check_flow(e, &out);
        let put = out.put();
        assert!(
            put.path
                .ends_with(&format!("/managedClusters/c1/agentPools/{pool}")),
            "{}",
            put.path
        );
        assert_eq!(put.api_version.as_deref(), Some(e.api), "{}", e.sku);
        let body = put.body.as_ref().expect("PUT body");
        let props = &body["properties"];
        check_pool_props(e, props, &format!("nodepool add {}", e.sku));
        assert_eq!(props["mode"], "User");
        assert_eq!(props["count"], 3);
        if i % 2 == 0 {
            assert_eq!(props["orchestratorVersion"], "1.36");
        } else {
            assert!(props.get("orchestratorVersion").is_none(), "{props}");
        }
        let st = emu.shared.state();
        let c = st.clusters.values().next().expect("cluster");
        assert_eq!(
            c.pools[&pool]["properties"]["provisioningState"], "Succeeded",
            "{}",
            e.sku
        );
        assert_eq!(c.pools[&pool]["properties"]["osSKU"], e.sku);
    }
}

// ------------------------------------------------------------ 2. bad input

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let long_cluster = "c".repeat(64);
    let long_rg = "r".repeat(91);
    let cc = "cluster create -g rg1 -n c1 -l eastus";
    let na = "nodepool add -g rg1 --cluster c1 -n np1";
    let cases: Vec<(String, &str)> = vec![
        // names
        (
            "cluster create -g rg1 --name=-bad -l eastus --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            "cluster create -g rg1 -n bad- -l eastus --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            "cluster create -g rg1 -n bad.name -l eastus --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            format!("cluster create -g rg1 -n {long_cluster} -l eastus --os-sku Ubuntu"),
            "--name",
        ),
        (
            "cluster create -g rg/1 -n c1 -l eastus --os-sku Ubuntu".to_string(),
            "--resource-group",
        ),
        (
            "cluster create -g rg#1 -n c1 -l eastus --os-sku Ubuntu".to_string(),
            "--resource-group",
        ),
        (
            format!("cluster create -g {long_rg} -n c1 -l eastus --os-sku Ubuntu"),
            "--resource-group",
        ),
        (
            "nodepool add -g rg1 --cluster c1 -n Pool1 --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            "nodepool add -g rg1 --cluster c1 -n 1pool --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            "nodepool add -g rg1 --cluster c1 -n pool-1 --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            "nodepool add -g rg1 --cluster c1 -n abcdefghijklm --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            format!("{cc} --nodepool-name abcdefghijklm --os-sku Ubuntu"),
            "--nodepool-name",
        ),
        (
            format!("{cc} --nodepool-name System1 --os-sku Ubuntu"),
            "--nodepool-name",
        ),
        (
            "nodepool add -g rg1 --cluster=-c1 -n np1 --os-sku Ubuntu".to_string(),
            "--cluster",
        ),
        // missing
        (
            "cluster create -n c1 -l eastus --os-sku Ubuntu".to_string(),
            "--resource-group",
        ),
        (
            "cluster create -g rg1 -l eastus --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (
            "cluster create -g rg1 -n c1 --os-sku Ubuntu".to_string(),
            "--location",
        ),
        (cc.to_string(), "--os-sku"),
        (
            "nodepool add -g rg1 -n np1 --os-sku Ubuntu".to_string(),
            "--cluster",
        ),
        (
            "nodepool add -g rg1 --cluster c1 --os-sku Ubuntu".to_string(),
            "--name",
        ),
        (na.to_string(), "--os-sku"),
        // SKU and lifecycle
        (format!("{cc} --os-sku Windows2022"), "--os-sku"),
        (format!("{na} --os-sku CoreOS"), "--os-sku"),
        (format!("{cc} --os-sku Flatcar"), "--os-sku"),
        (format!("{na} --os-sku Flatcar"), "--os-sku"),
        (format!("{na} --os-sku Mariner"), "--os-sku"),
        (format!("{cc} --os-sku CBLMariner"), "--os-sku"),
        // OS rules
        (
            format!("{cc} --os-sku Flatcar --allow-retired --enable-fips-image"),
            "--enable-fips-image",
        ),
        (
            format!("{na} --os-sku Ubuntu2404 --enable-fips-image"),
            "--enable-fips-image",
        ),
        (
            format!("{cc} --os-sku Ubuntu2604 --enable-secure-boot"),
            "--enable-secure-boot",
        ),
        (
            format!("{na} --os-sku Ubuntu2604 --enable-vtpm"),
            "--enable-vtpm",
        ),
        (
            format!("{na} --os-sku Flatcar --allow-retired --enable-secure-boot"),
            "--enable-secure-boot",
        ),
        (
            format!("{cc} --os-sku AzureLinuxOSGuard --node-osdisk-type Ephemeral"),
            "--node-osdisk-type",
        ),
        (
            format!("{na} --os-sku AzureLinuxOSGuard --node-osdisk-type Ephemeral"),
            "--node-osdisk-type",
        ),
        (
            format!("{cc} --os-sku AzureLinuxOSGuard --node-vm-size Standard_D4ps_v5"),
            "--node-vm-size",
        ),
        (
            format!("{na} --os-sku AzureLinuxOSGuard --node-vm-size Standard_E8pds_v6"),
            "--node-vm-size",
        ),
        (
            format!("{cc} --os-sku AzureContainerLinux --node-os-upgrade-channel SecurityPatch"),
            "--node-os-upgrade-channel",
        ),
        (
            format!("{cc} --os-sku AzureLinuxOSGuard --node-os-upgrade-channel Unmanaged"),
            "--node-os-upgrade-channel",
        ),
        (
            format!(
                "{cc} --os-sku Flatcar --allow-retired --node-os-upgrade-channel SecurityPatch"
            ),
            "--node-os-upgrade-channel",
        ),
        // Kubernetes versions
        (
            format!("{cc} --os-sku AzureContainerLinux --kubernetes-version 1.33"),
            "--kubernetes-version",
        ),
        (
            format!("{na} --os-sku AzureContainerLinux --kubernetes-version 1.33"),
            "--kubernetes-version",
        ),
        (
            format!("{cc} --os-sku Ubuntu2204 --kubernetes-version 1.37"),
            "--kubernetes-version",
        ),
        (
            format!("{na} --os-sku AzureLinux3 --kubernetes-version 1.37"),
            "--kubernetes-version",
        ),
        (
            format!("{cc} --os-sku Ubuntu2604 --kubernetes-version 1.35"),
            "--kubernetes-version",
        ),
        (
            format!("{cc} --os-sku Ubuntu --kubernetes-version 1.x"),
            "--kubernetes-version",
        ),
        (
            format!("{na} --os-sku Ubuntu --kubernetes-version v1.35"),
            "--kubernetes-version",
        ),
        (
            format!("{na} --os-sku Ubuntu --kubernetes-version 1.35.2.1"),
            "--kubernetes-version",
        ),
        // counts, sizes, places
        (
            format!("{cc} --os-sku Ubuntu --node-count 0"),
            "--node-count",
        ),
        (
            format!("{na} --os-sku Ubuntu --mode System --node-count 0"),
            "--node-count",
        ),
        (
            format!("{na} --os-sku Ubuntu --node-count 1001"),
            "--node-count",
        ),
        (
            format!("{cc} --os-sku Ubuntu --node-vm-size D4s_v5"),
            "--node-vm-size",
        ),
        (
            format!("{na} --os-sku Ubuntu --node-vm-size Standard_D4s-v5"),
            "--node-vm-size",
        ),
        (
            "cluster create -g rg1 -n c1 -l east/us --os-sku Ubuntu".to_string(),
            "--location",
        ),
        // labels, taints, tags
        (
            format!("{na} --os-sku Ubuntu --taints gpu=true"),
            "--node-taints",
        ),
        (
            format!("{na} --os-sku Ubuntu --taints gpu=true:Sometimes"),
            "--node-taints",
        ),
        (
            format!("{na} --os-sku Ubuntu --taints =x:NoSchedule"),
            "--node-taints",
        ),
        (format!("{na} --os-sku Ubuntu --labels novalue"), "--labels"),
        (format!("{na} --os-sku Ubuntu --labels =v"), "--labels"),
        (format!("{cc} --os-sku Ubuntu --tags env"), "--tags"),
        // values clap refuses
        (
            format!("{cc} --os-sku Ubuntu --node-os-upgrade-channel Weekly"),
            "--node-os-upgrade-channel",
        ),
        (
            format!("{na} --os-sku Ubuntu --node-osdisk-type Premium"),
            "--node-osdisk-type",
        ),
        (format!("{na} --os-sku Ubuntu --mode Spot"), "--mode"),
        (
            format!("{na} --os-sku Ubuntu --node-count many"),
            "--node-count",
        ),
        (format!("--timeout soon {na} --os-sku Ubuntu"), "--timeout"),
        // endpoint and subscription
        (
            format!("--arm-endpoint http://example.com {na} --os-sku Ubuntu"),
            "--arm-endpoint",
        ),
        (
            format!("--arm-endpoint ftp://127.0.0.1:1 {na} --os-sku Ubuntu"),
            "--arm-endpoint",
        ),
        (
            format!("--subscription a/b {cc} --os-sku Ubuntu"),
            "--subscription",
        ),
    ];
    assert!(cases.len() >= 30);
    let emu = Background::start(fast());
    for (line, flag) in &cases {
        let out = run(&emu, line);
        assert_eq!(out.code, 2, "`{line}`: {}", out.dump());
        assert!(
            out.stderr.contains(flag),
            "`{line}` should name {flag}: {}",
            out.stderr
        );
        assert!(
            out.requests.is_empty(),
            "`{line}` sent requests: {}",
            out.dump()
        );
    }
    assert!(emu.shared.requests().is_empty());
}

#[test]
fn preflight_reports_every_problem_at_once() {
    let emu = Background::start(fast());
    let out = run(
        &emu,
        "nodepool add -g rg/1 --cluster c1 -n Pool_1 --os-sku AzureContainerLinux --kubernetes-version 1.33 --node-count 1001 --taints bad",
    );
    assert_eq!(out.code, 2, "{}", out.dump());
    for flag in [
        "--resource-group",
        "--name",
        "--kubernetes-version",
        "--node-count",
        "--node-taints",
    ] {
        assert!(out.stderr.contains(flag), "{flag}: {}", out.stderr);
    }
    assert!(out.stderr.contains("e.g. `pool1`"), "{}", out.stderr);
    assert!(out.requests.is_empty());
}

// ------------------------------------------------------------ 3. behaviour

#[test]
fn idempotent_rerun_sends_no_put() {
    let emu = Background::start(fast());
    base_cluster(&emu, "rg1", "c1", "AzureContainerLinux", "1.36");
    let add =
        "nodepool add -g rg1 --cluster c1 -n guard --os-sku AzureLinuxOSGuard --labels team=a";
    let first = run(&emu, add).ok();
    assert_eq!(first.puts().len(), 1, "{}", first.dump());
    let again = run(&emu, add).ok();
    assert!(again.stderr.contains("up to date"), "{}", again.dump());
    assert!(again.writes().is_empty(), "{}", again.dump());
    // The same holds for the cluster itself.
    let again = run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux --kubernetes-version 1.36",
    )
    .ok();
    assert!(again.stderr.contains("up to date"), "{}", again.dump());
    assert!(again.writes().is_empty(), "{}", again.dump());
}

#[test]
fn existing_pool_with_different_settings_is_never_overwritten() {
    let emu = Background::start(fast());
    base_cluster(&emu, "rg1", "c1", "AzureContainerLinux", "1.36");
    run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n np1 --os-sku AzureLinux",
    )
    .ok();
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n np1 --os-sku Ubuntu2404",
    );
    assert_eq!(out.code, 2, "{}", out.dump());
    assert!(out.stderr.contains("--name"), "{}", out.stderr);
    assert!(
        out.stderr.contains("osSKU: AzureLinux → Ubuntu2404"),
        "{}",
        out.stderr
    );
    assert!(out.writes().is_empty(), "{}", out.dump());
    // A different cluster under an existing name is refused too.
    let out = run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku Ubuntu2404 --kubernetes-version 1.36",
    );
    assert_eq!(out.code, 2, "{}", out.dump());
    assert!(out.stderr.contains("osSKU"), "{}", out.stderr);
    assert!(out.writes().is_empty(), "{}", out.dump());
}

#[test]
fn failed_operation_exits_4_with_the_azure_error_code() {
    let emu = Background::start(fast_with("fail-lro"));
    let out = run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux",
    );
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(
        out.stderr.contains("VMExtensionProvisioningError"),
        "{}",
        out.stderr
    );
    // A node pool whose operation fails, on a healthy cluster.
    let seed = Background::start(fast());
    base_cluster(&seed, "rg1", "c1", "Ubuntu2404", "1.36");
    let emu = Background::with_state(seed.shared.state(), fast_with("fail-lro"));
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n np1 --os-sku AzureLinux3",
    );
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(
        out.stderr.contains("VMExtensionProvisioningError"),
        "{}",
        out.stderr
    );
    assert_eq!(out.puts().len(), 1);
}

#[test]
fn throttling_is_survived() {
    let seed = Background::start(fast());
    base_cluster(&seed, "rg1", "c1", "AzureContainerLinux", "1.36");
    let emu = Background::with_state(seed.shared.state(), fast_with("throttle=2,retry-after=0"));
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n u26 --os-sku Ubuntu2604",
    )
    .ok();
    assert_eq!(
        out.requests.iter().filter(|r| r.status == 429).count(),
        2,
        "{}",
        out.dump()
    );
    assert_eq!(
        out.put().body.as_ref().unwrap()["properties"]["osSKU"],
        "Ubuntu2604"
    );
    // Throttled and unavailable mid-flow: a fresh cluster create (feature,
    // provider, PUT, polls) with 429s then 503s on the first requests.
    let emu = Background::start(fast_with("throttle=2,error=2,retry-after=0"));
    let out = run(
        &emu,
        "cluster create -g rg1 -n c2 -l eastus --os-sku AzureLinuxOSGuard",
    )
    .ok();
    assert_eq!(out.requests.iter().filter(|r| r.status >= 429).count(), 4);
    out.put();
}

#[test]
fn dry_run_sends_only_reads_and_prints_the_put_body() {
    let emu = Background::start(fast());
    base_cluster(&emu, "rg1", "c1", "AzureContainerLinux", "1.36");
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n acl1 --os-sku AzureContainerLinux --dry-run",
    )
    .ok();
    assert!(
        out.requests.iter().all(|r| r.method == "GET"),
        "{}",
        out.dump()
    );
    assert!(out.stdout.contains("PUT "), "{}", out.stdout);
    assert!(
        out.stdout.contains("\"osSKU\": \"AzureContainerLinux\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\"enableSecureBoot\": true"),
        "{}",
        out.stdout
    );

    // JSON: a preview SKU plans feature, provider and PUT; none is sent.
    let out = run(
        &emu,
        "-o json nodepool add -g rg1 --cluster c1 -n u26 --os-sku Ubuntu2604 --dry-run",
    )
    .ok();
    assert!(
        out.requests.iter().all(|r| r.method == "GET"),
        "{}",
        out.dump()
    );
    let doc: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    let reqs = doc["requests"].as_array().expect("requests");
    assert_eq!(reqs.len(), 3, "{doc}");
    let path = |i: usize| {
        let url = reqs[i]["url"].as_str().expect("url");
        url.split('?').next().unwrap_or_default().to_string()
    };
    assert!(
        path(0).ends_with("/features/Ubuntu2604Preview/register"),
        "{doc}"
    );
    assert!(
        path(1).ends_with("/providers/Microsoft.ContainerService/register"),
        "{doc}"
    );
    assert!(
        path(2).ends_with("/managedClusters/c1/agentPools/u26"),
        "{doc}"
    );
    assert_eq!(reqs[2]["body"]["properties"]["osSKU"], "Ubuntu2604");
    assert_eq!(reqs[2]["api_version"], PREVIEW);
    assert_eq!(doc["up_to_date"], false);
    assert!(
        emu.shared
            .state()
            .clusters
            .values()
            .next()
            .unwrap()
            .pools
            .len()
            == 1
    );

    // A cluster dry run reads but never creates.
    let out = run(
        &emu,
        "-o json cluster create -g rg1 -n c9 -l eastus --os-sku Ubuntu2404 --dry-run",
    )
    .ok();
    assert!(out.writes().is_empty(), "{}", out.dump());
    let doc: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        doc["requests"][0]["body"]["properties"]["agentPoolProfiles"][0]["osSKU"],
        "Ubuntu2404"
    );
    assert_eq!(emu.shared.state().clusters.len(), 1);
}

#[test]
fn no_wait_returns_once_accepted_and_prints_how_to_check() {
    let emu = Background::start(fast());
    base_cluster(&emu, "rg1", "c1", "AzureContainerLinux", "1.36");
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n np2 --os-sku Ubuntu2404 --no-wait",
    )
    .ok();
    assert_eq!(out.puts().len(), 1, "{}", out.dump());
    // The printed command repeats the endpoint and subscription it was run with.
    assert!(
        out.stdout
            .contains("nodepool show -g rg1 --cluster c1 -n np2")
            && out.stdout.contains(&format!("--arm-endpoint {}", emu.url))
            && out
                .stdout
                .contains("--subscription 00000000-0000-0000-0000-000000000000"),
        "{}",
        out.stdout
    );
    assert!(
        !out.requests.iter().any(|r| r.path.contains("/operations/")),
        "no polling: {}",
        out.dump()
    );
}

#[test]
fn nodepool_add_needs_an_existing_cluster_that_suits_the_os() {
    let emu = Background::start(fast());
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster nope -n np1 --os-sku Ubuntu2404",
    );
    // The plan's GET was sent and Azure said 404: exit 4 with Azure's code and
    // correlation id, after a plain line saying what to do.
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(out.stderr.contains("no cluster nope"), "{}", out.stderr);
    assert!(
        out.stderr.contains("aksos cluster create"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("code: ResourceNotFound"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("correlation id: "), "{}", out.stderr);
    assert!(out.writes().is_empty(), "{}", out.dump());

    base_cluster(&emu, "rg1", "old", "Ubuntu", "1.33");
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster old -n acl1 --os-sku AzureContainerLinux",
    );
    assert_eq!(out.code, 2, "{}", out.dump());
    assert!(out.stderr.contains("1.33"), "{}", out.stderr);
    assert!(out.stderr.contains("1.34"), "{}", out.stderr);
    assert!(out.writes().is_empty(), "{}", out.dump());
}

#[test]
fn conflict_is_waited_out() {
    let seed = Background::start(fast());
    base_cluster(&seed, "rg1", "c1", "AzureContainerLinux", "1.36");
    let emu = Background::with_state(seed.shared.state(), fast_with("conflict=1"));
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n np1 --os-sku AzureLinux",
    )
    .ok();
    let puts = out.puts();
    assert_eq!(puts.len(), 2, "{}", out.dump());
    assert_eq!(puts[0].status, 409);
    assert!(puts[1].status < 300);
}

// ------------------------------------------------------------ 4. reads

#[test]
fn list_and_show_print_what_exists() {
    let emu = Background::start(fast());
    base_cluster(&emu, "rg1", "c1", "AzureContainerLinux", "1.36");
    run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n guard --os-sku AzureLinuxOSGuard --node-count 2",
    )
    .ok();

    let out = run(&emu, "nodepool list -g rg1 --cluster c1").ok();
    assert!(out.stdout.contains("POOL"), "{}", out.stdout);
    for needle in [
        "nodepool1",
        "guard",
        "AzureContainerLinux",
        "AzureLinuxOSGuard",
        "Succeeded",
    ] {
        assert!(out.stdout.contains(needle), "{needle}: {}", out.stdout);
    }
    assert!(out.writes().is_empty());

    let out = run(&emu, "cluster show -g rg1 -n c1").ok();
    assert!(out.stdout.contains("c1"), "{}", out.stdout);
    assert!(out.stdout.contains("eastus"), "{}", out.stdout);
    assert!(out.stdout.contains("Kubernetes 1.36"), "{}", out.stdout);
    assert!(out.stdout.contains("guard"), "{}", out.stdout);

    let out = run(&emu, "-o json nodepool show -g rg1 --cluster c1 -n guard").ok();
    let doc: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc["name"], "guard");
    assert_eq!(doc["properties"]["osSKU"], "AzureLinuxOSGuard");
    assert_eq!(doc["properties"]["count"], 2);
    assert_eq!(doc["properties"]["enableFIPS"], true);

    let out = run(&emu, "-o json nodepool list -g rg1 --cluster c1").ok();
    let doc: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc.as_array().map(Vec::len), Some(2), "{doc}");

    // A GET was sent and Azure said 404: exit 4 with Azure's code, message and
    // correlation id, after a plain line saying what is missing.
    let out = run(&emu, "nodepool show -g rg1 --cluster c1 -n missing");
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(
        out.stderr.contains("no node pool missing"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("code: NotFound"), "{}", out.stderr);
    assert!(out.stderr.contains("correlation id: "), "{}", out.stderr);
    let out = run(&emu, "cluster show -g rg1 -n missing");
    assert_eq!(out.code, 4, "{}", out.dump());
    assert!(out.stderr.contains("no cluster missing"), "{}", out.stderr);
    assert!(
        out.stderr.contains("code: ResourceNotFound"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("correlation id: "), "{}", out.stderr);
}

#[test]
fn sku_spelling_channel_and_version_rules_against_the_cluster() {
    let emu = Background::start(fast());
    base_cluster(&emu, "rg1", "c1", "Ubuntu2404", "1.35");
    // Any spelling in, the API's spelling out.
    let out = run(
        &emu,
        "-o json nodepool add -g rg1 --cluster c1 -n np1 --os-sku ubuntu2204 --no-wait",
    )
    .ok();
    assert_eq!(
        out.put().body.as_ref().unwrap()["properties"]["osSKU"],
        "Ubuntu2204"
    );
    let doc: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(doc["accepted"], true);
    assert!(doc["check"].as_str().unwrap().contains("nodepool show"));
    // A pool newer than the control plane.
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n np2 --os-sku Ubuntu --kubernetes-version 1.36",
    );
    assert_eq!(out.code, 2, "{}", out.dump());
    assert!(
        out.stderr.contains("--kubernetes-version"),
        "{}",
        out.stderr
    );
    assert!(out.writes().is_empty(), "{}", out.dump());
    // An immutable OS needs the cluster's node OS channel to be NodeImage or None.
    base_cluster(&emu, "rg1", "patchy", "Ubuntu2404", "1.36");
    let mut st = emu.shared.state();
    for c in st.clusters.values_mut() {
        c.body["properties"]["autoUpgradeProfile"] =
            serde_json::json!({"nodeOSUpgradeChannel": "SecurityPatch"});
    }
    emu.shared.set_state(st);
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster patchy -n acl1 --os-sku AzureContainerLinux",
    );
    assert_eq!(out.code, 2, "{}", out.dump());
    assert!(out.stderr.contains("SecurityPatch"), "{}", out.stderr);
    assert!(out.writes().is_empty(), "{}", out.dump());
}

#[test]
fn registered_feature_without_provider_refresh_is_refreshed_and_retried_once() {
    use aksos::emulator::state::{key, FeatureRec};
    let emu = Background::start(fast());
    base_cluster(&emu, "rg1", "c1", "AzureContainerLinux", "1.36");
    // The feature was registered after the provider's last registration.
    let mut st = emu.shared.state();
    let now = aksos::emulator::state::now_ms();
    st.features.insert(
        key(&[SUB, "Microsoft.ContainerService", "Ubuntu2604Preview"]),
        FeatureRec {
            namespace: "Microsoft.ContainerService".into(),
            name: "Ubuntu2604Preview".into(),
            state: "Registered".into(),
            since_ms: now,
            registered_ms: Some(now),
        },
    );
    emu.shared.set_state(st);
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n u26 --os-sku Ubuntu2604",
    )
    .ok();
    let statuses: Vec<(&str, u16)> = out
        .writes()
        .iter()
        .map(|r| (r.method.as_str(), r.status))
        .collect();
    assert_eq!(
        statuses,
        [("PUT", 400), ("POST", 200), ("PUT", 201)],
        "{}",
        out.dump()
    );
    assert!(
        !out.writes().iter().any(|r| r.path.contains("/features/")),
        "the Registered feature is not registered again: {}",
        out.dump()
    );
}
