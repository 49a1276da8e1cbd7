//! `aksos recommend` end to end: the acceptance commands, the text a person
//! reads, and input errors. The clock is pinned to 2026-11-24.

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

fn aksos() -> Command {
    let mut cmd = Command::cargo_bin("aksos").expect("binary builds");
    cmd.env("AKSOS_TODAY", "2026-11-24").env("NO_COLOR", "1");
    cmd
}

fn recommend_json(args: &[&str]) -> Value {
    let out = aksos()
        .arg("recommend")
        .args(args)
        .args(["-o", "json"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn option<'a>(doc: &'a Value, sku: &str) -> &'a Value {
    doc["options"]
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["os_sku"] == sku)
        .unwrap_or_else(|| panic!("{sku} listed"))
}

fn joined(v: &Value) -> String {
    v.as_array()
        .expect("array of strings")
        .iter()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn multi_cloud_vendor_neutral_gets_portable_ubuntu_and_flatcar_marked_retired() {
    let doc = recommend_json(&["--runs-on", "multi-cloud", "--vendor-neutral"]);
    assert_eq!(doc["answers"]["runs_on"], "multi-cloud");
    assert_eq!(doc["recommended"], "Ubuntu");
    assert_eq!(option(&doc, "Ubuntu")["rank"], 1);

    let flatcar = option(&doc, "Flatcar");
    assert!(flatcar["rank"].is_null(), "Flatcar is not ranked");
    let blockers = joined(&flatcar["blockers"]);
    assert!(blockers.contains("2026-06-08"), "{blockers}");
    assert!(blockers.contains("AzureContainerLinux"), "{blockers}");
    assert_eq!(flatcar["lifecycle"]["verdict"], "retired");
    assert_eq!(flatcar["lifecycle"]["successor"], "AzureContainerLinux");

    let notes = joined(&doc["notes"]);
    assert!(
        notes.contains("Flatcar") && notes.contains("AzureContainerLinux"),
        "{notes}"
    );
    // Duplicates of retired Azure Linux 2.0 are listed, excluded, with reasons.
    for old in ["Mariner", "CBLMariner"] {
        assert!(option(&doc, old)["rank"].is_null());
        assert!(!joined(&option(&doc, old)["blockers"]).is_empty());
    }
}

#[test]
fn azure_security_first_gets_azure_container_linux_then_os_guard_with_its_date() {
    let doc = recommend_json(&["--runs-on", "azure", "--microsoft-support", "--secure-boot"]);
    assert_eq!(doc["recommended"], "AzureContainerLinux");
    let acl = option(&doc, "AzureContainerLinux");
    assert_eq!(acl["rank"], 1);
    assert!(acl["feature_flag"].is_null());
    assert!(joined(&acl["reasons"]).contains("Secure Boot"));

    let guard = option(&doc, "AzureLinuxOSGuard");
    assert!(guard["rank"].as_u64().expect("OS Guard still ranked") > 1);
    assert!(joined(&guard["warnings"]).contains("2026-12-10"));
    assert_eq!(guard["lifecycle"]["verdict"], "retiring");
    assert_eq!(guard["lifecycle"]["days_left"], 16);
    assert_eq!(guard["feature_flag"], "AzureLinuxOSGuardPreview");
    let settings = guard["required_settings"].to_string();
    assert!(
        settings.contains("--enable-fips-image") && settings.contains("Managed"),
        "{settings}"
    );
}

#[test]
fn text_output_names_choice_reasons_needs_command_and_exclusions() {
    aksos()
        .args(["recommend", "--runs-on", "azure", "--microsoft-support", "--secure-boot"])
        .assert()
        .success()
        .stdout(contains("Recommended: AzureContainerLinux"))
        .stdout(contains("Why"))
        .stdout(contains("Watch out"))
        .stdout(contains("--node-os-upgrade-channel NodeImage"))
        .stdout(contains("aksos nodepool add -g RG --cluster CLUSTER -n POOL --os-sku AzureContainerLinux --enable-secure-boot --enable-vtpm"))
        .stdout(contains("AzureLinuxOSGuard"))
        .stdout(contains("2026-12-10 (16 days left)"))
        .stdout(contains("Excluded"))
        .stdout(contains("Flatcar"));
}

#[test]
fn boolean_answers_can_be_set_false_explicitly() {
    let doc = recommend_json(&["--fips=false", "--package-manager=true"]);
    assert_eq!(doc["answers"]["fips"], false);
    assert_eq!(doc["answers"]["package_manager"], true);
    assert!(option(&doc, "AzureContainerLinux")["rank"].is_null());
}

#[test]
fn audit_with_no_findings_answers_workloads_question_with_no() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = recommend_json(&["--immutable", "--audit", dir.path().to_str().unwrap()]);
    assert_eq!(doc["answers"]["workloads_modify_nodes"], false);
    assert_eq!(doc["recommended"], "AzureContainerLinux");
    assert!(!joined(&option(&doc, "AzureContainerLinux")["warnings"]).contains("aksos audit"));
}

#[test]
fn kubernetes_version_filters_options() {
    let doc = recommend_json(&["--kubernetes-version", "1.33.4"]);
    assert_eq!(doc["answers"]["kubernetes_version"], "1.33");
    let acl = option(&doc, "AzureContainerLinux");
    assert!(acl["rank"].is_null());
    assert!(joined(&acl["blockers"]).contains("not 1.33"));
}

#[test]
fn bad_kubernetes_version_exits_2_naming_the_flag() {
    aksos()
        .args(["recommend", "--kubernetes-version", "latest"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("--kubernetes-version"))
        .stderr(contains("latest"));
}

#[test]
fn unknown_runs_on_value_exits_2() {
    aksos()
        .args(["recommend", "--runs-on", "mars"])
        .assert()
        .code(2)
        .stderr(contains("--runs-on"));
}
