//! `aksos export`: the real binary, no Azure and no emulator. Snapshot tests of
//! every format for representative OS SKUs (committed under tests/snapshots/),
//! plus checks that do not need terraform or bicep installed: the ARM template
//! is JSON with the deployment-template fields, the az script passes `bash -n`,
//! `--out` never overwrites without `--force`, and preflight errors exit 2.

use assert_cmd::Command;
use std::time::Duration;

const FORMATS: [&str; 4] = ["bicep", "terraform", "arm", "az"];

/// Representative exports: (snapshot name, arguments after `export`).
fn cases() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        (
            "acl_cluster",
            vec![
                "cluster",
                "-g",
                "rg1",
                "-n",
                "prod1",
                "-l",
                "eastus",
                "--os-sku",
                "AzureContainerLinux",
                "--tags",
                "env=prod",
                "team=platform",
            ],
        ),
        (
            "osguard_pool",
            vec![
                "nodepool",
                "-g",
                "rg1",
                "--cluster",
                "prod1",
                "-n",
                "guard",
                "--os-sku",
                "AzureLinuxOSGuard",
                "--labels",
                "tier=secure",
                "kubernetes.io/role=guard",
                "--taints",
                "secure=true:NoSchedule",
            ],
        ),
        (
            "ubuntu2604_pool",
            vec![
                "nodepool",
                "-g",
                "rg1",
                "--cluster",
                "prod1",
                "-n",
                "u26",
                "--os-sku",
                "Ubuntu2604",
                "--node-count",
                "2",
            ],
        ),
        (
            "ubuntu_pool",
            vec![
                "nodepool",
                "-g",
                "rg1",
                "--cluster",
                "prod1",
                "-n",
                "ubu",
                "--os-sku",
                "Ubuntu",
                "--kubernetes-version",
                "1.34",
                "--node-osdisk-type",
                "Ephemeral",
            ],
        ),
    ]
}

fn aksos() -> Command {
    let mut cmd = Command::cargo_bin("aksos").expect("binary builds");
    cmd.env("NO_COLOR", "1")
        .env("AKSOS_TODAY", "2026-11-24")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .timeout(Duration::from_secs(30));
    cmd
}

fn export(format: &str, args: &[&str]) -> (i32, String, String) {
    let out = aksos()
        .arg("export")
        .arg(args[0])
        .args(["--format", format])
        .args(&args[1..])
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_format_for_representative_skus_matches_its_snapshot() {
    for (name, args) in cases() {
        for format in FORMATS {
            let (code, stdout, stderr) = export(format, &args);
            assert_eq!(code, 0, "{name} {format}: {stderr}");
            insta::assert_snapshot!(format!("{name}_{format}"), stdout);
        }
    }
}

#[test]
fn arm_templates_are_deployment_json_at_the_skus_api_version() {
    for (name, args) in cases() {
        let (code, stdout, stderr) = export("arm", &args);
        assert_eq!(code, 0, "{name}: {stderr}");
        let t: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}):\n{stdout}"));
        assert_eq!(
            t["$schema"],
            "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
        );
        assert_eq!(t["contentVersion"], "1.0.0.0");
        assert!(t["metadata"]["description"].as_str().unwrap().len() > 20);
        let r = &t["resources"][0];
        let want_api = if name == "ubuntu2604_pool" || name == "osguard_pool" {
            "2026-08-02-preview"
        } else {
            "2026-08-01"
        };
        assert_eq!(r["apiVersion"], want_api, "{name}");
        let props = if name == "acl_cluster" {
            &r["properties"]["agentPoolProfiles"][0]
        } else {
            &r["properties"]
        };
        assert!(props["osSKU"].is_string(), "{name}: {r}");
    }
    // The preview feature is named where one is needed.
    let (_, guard, _) = export("arm", &cases()[1].1);
    assert!(guard.contains("AzureLinuxOSGuardPreview"));
}

#[test]
fn az_scripts_pass_bash_syntax_check_and_register_first() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in cases() {
        let (code, stdout, stderr) = export("az", &args);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(stdout.starts_with("#!/usr/bin/env bash\n"), "{name}");
        assert!(stdout.contains("set -euo pipefail"), "{name}");
        let path = dir.path().join(format!("{name}.sh"));
        std::fs::write(&path, &stdout).unwrap();
        let check = std::process::Command::new("bash")
            .arg("-n")
            .arg(&path)
            .output()
            .expect("bash runs");
        assert!(
            check.status.success(),
            "{name}: {}\n{stdout}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    let (_, u26, _) = export("az", &cases()[2].1);
    let reg = u26
        .find("az feature register --namespace Microsoft.ContainerService --name Ubuntu2604Preview")
        .expect("registers the feature");
    let refresh = u26
        .find("az provider register --namespace Microsoft.ContainerService")
        .expect("refreshes the provider");
    let add = u26.find("az aks nodepool add").expect("adds the pool");
    assert!(reg < refresh && refresh < add, "order:\n{u26}");
    assert!(u26.contains("az extension add --upgrade --name aks-preview"));
}

#[test]
fn cluster_kubernetes_version_is_sent_only_when_given() {
    let base = [
        "cluster",
        "-g",
        "rg",
        "-n",
        "c1",
        "-l",
        "eastus",
        "--os-sku",
        "AzureContainerLinux",
    ];
    let (_, without, _) = export("arm", &base);
    let t: serde_json::Value = serde_json::from_str(&without).unwrap();
    assert!(t["resources"][0]["properties"]
        .get("kubernetesVersion")
        .is_none());
    assert!(without.contains("AKS picks its default"));
    let mut with = base.to_vec();
    with.extend(["--kubernetes-version", "1.35"]);
    let (_, pinned, _) = export("arm", &with);
    let t: serde_json::Value = serde_json::from_str(&pinned).unwrap();
    assert_eq!(t["resources"][0]["properties"]["kubernetesVersion"], "1.35");
}

#[test]
fn out_file_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pool.bicep");
    let args = [
        "nodepool",
        "-g",
        "rg",
        "--cluster",
        "c",
        "-n",
        "p1",
        "--os-sku",
        "Ubuntu",
    ];
    let run = |extra: &[&str]| {
        aksos()
            .args(["export", "nodepool", "--format", "bicep", "--out"])
            .arg(&file)
            .args(extra)
            .args(&args[1..])
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert_eq!(first.status.code(), Some(0));
    assert!(first.stdout.is_empty());
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("osSKU: 'Ubuntu'"));
    std::fs::write(&file, "keep me").unwrap();
    let second = run(&[]);
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let third = run(&["--force"]);
    assert_eq!(third.status.code(), Some(0));
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("agentPools@2026-08-01"));
}

#[test]
fn preflight_errors_exit_2_and_write_nothing() {
    let (code, stdout, stderr) = export(
        "terraform",
        &[
            "nodepool",
            "-g",
            "rg",
            "--cluster",
            "c",
            "-n",
            "Bad_Name",
            "--os-sku",
            "Flatcar",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("--name") && stderr.contains("retired"),
        "{stderr}"
    );
}
