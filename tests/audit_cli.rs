//! `aksos audit` as a user runs it: fixtures under tests/fixtures/audit, exit
//! codes, text and JSON output, stdin, suppression and --explain.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/audit";

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

fn aksos() -> Command {
    let mut cmd = Command::cargo_bin("aksos").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("AZURE_SUBSCRIPTION_ID");
    cmd
}

/// Runs `aksos -o json audit ARGS...`, checks the exit code, returns the JSON.
fn audit_json(args: &[&str], code: i32) -> Value {
    let out = aksos()
        .args(["-o", "json", "audit"])
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("stdout is JSON")
}

/// (rule, line) of every finding.
fn rules_and_lines(report: &Value) -> Vec<(String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn agent_writing_usr_local_breaks_and_exits_1() {
    aksos()
        .args(["audit", &fixture("agent-installer.yaml")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("DaemonSet security/acme-agent"))
        .stdout(predicate::str::contains(
            "agent-installer.yaml:40  writable hostPath /usr/local  [hostpath-write-os]",
        ))
        .stdout(predicate::str::contains("BREAKS"))
        .stdout(predicate::str::contains("fix: "));
}

#[test]
fn log_collector_writing_var_log_may_misbehave_and_exits_0_by_default() {
    let report = audit_json(&[&fixture("log-collector.yaml")], 0);
    assert_eq!(
        rules_and_lines(&report),
        [("hostpath-write".to_string(), 34)]
    );
    let f = &report["findings"][0];
    assert_eq!(f["severity"], "may-misbehave");
    assert_eq!(f["kind"], "DaemonSet");
    assert_eq!(f["namespace"], "logging");
    assert_eq!(f["name"], "fluent-bit");
    assert_eq!(f["message"], "writable hostPath /var/log");
    assert!(f["why"].as_str().unwrap().contains("Immutable"));
    assert!(!f["fix"].as_str().unwrap().is_empty());
}

#[test]
fn fail_on_may_misbehave_lowers_the_bar() {
    aksos()
        .args([
            "audit",
            "--fail-on",
            "may-misbehave",
            &fixture("log-collector.yaml"),
        ])
        .assert()
        .code(1);
    // Info findings alone do not fail a may-misbehave gate, but do fail an info gate.
    aksos()
        .args([
            "audit",
            "--fail-on",
            "may-misbehave",
            &fixture("node-exporter.yaml"),
        ])
        .assert()
        .code(0);
    aksos()
        .args(["audit", "--fail-on", "info", &fixture("node-exporter.yaml")])
        .assert()
        .code(1);
}

#[test]
fn node_exporter_host_namespaces_are_info_with_their_lines() {
    let report = audit_json(&[&fixture("node-exporter.yaml")], 0);
    assert_eq!(
        rules_and_lines(&report),
        [
            ("host-namespace".to_string(), 15),
            ("host-namespace".to_string(), 16)
        ]
    );
    // The read-only mount of / is not a writable-hostPath finding.
    assert_eq!(report["summary"]["findings"]["may-misbehave"], 0);
}

#[test]
fn init_container_apt_get_through_nsenter_is_a_host_install() {
    let report = audit_json(&[&fixture("nfs-prereqs.yaml")], 1);
    let found = rules_and_lines(&report);
    assert!(
        found.contains(&("package-manager-host".to_string(), 27)),
        "{found:?}"
    );
    assert!(
        found.contains(&("host-escape".to_string(), 20)),
        "{found:?}"
    );
    // The second init container installs into its own file system only.
    assert!(
        found.contains(&("package-manager".to_string(), 32)),
        "{found:?}"
    );
}

#[test]
fn kernel_module_loader_reports_insmod_modprobe_and_lib_modules() {
    let report = audit_json(&[&fixture("gpu-driver-loader.yaml")], 1);
    let found = rules_and_lines(&report);
    for expected in [
        ("kernel-module-insert", 23),
        ("kernel-module", 24),
        ("hostpath-write-os", 33),
        ("privileged-host-mount", 26),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?} missing from {found:?}"
        );
    }
}

#[test]
fn clean_web_deployment_has_no_finding() {
    aksos()
        .args(["audit", &fixture("web.yaml")])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Scanned 1 resource in 1 input (2 documents): breaks 0, may misbehave 0, info 0.",
        ))
        .stdout(predicate::str::contains("web").not());
}

#[test]
fn cronjob_pod_template_is_audited() {
    let report = audit_json(&[&fixture("cleanup-cronjob.yaml")], 0);
    assert_eq!(
        rules_and_lines(&report),
        [
            ("host-namespace-privileged".to_string(), 13),
            ("host-escape".to_string(), 17)
        ]
    );
    assert_eq!(report["findings"][0]["kind"], "CronJob");
}

#[test]
fn list_items_are_audited_and_annotation_silences_a_rule() {
    let report = audit_json(&[&fixture("kubectl-list.yaml")], 0);
    assert_eq!(
        rules_and_lines(&report),
        [
            ("hostpath-write".to_string(), 34),
            ("host-namespace".to_string(), 42)
        ]
    );
    // The chroot /host in sysctl-tuner is silenced by aksos.io/ignore.
    assert_eq!(report["summary"]["ignored"], 1);
    assert_eq!(report["summary"]["resources"], 2);
}

#[test]
fn json_file_findings_have_lines() {
    let report = audit_json(&[&fixture("job.json")], 0);
    assert_eq!(
        rules_and_lines(&report),
        [
            ("kernel-module".to_string(), 16),
            ("hostpath-write".to_string(), 23)
        ]
    );
}

#[test]
fn malformed_document_is_reported_and_the_rest_is_scanned() {
    aksos()
        .args(["audit", &fixture("helm-mixed.yaml")])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "helm-mixed.yaml:19: malformed document (lines 12-19)",
        ))
        .stdout(predicate::str::contains("Pod before"))
        .stdout(predicate::str::contains("Pod after"))
        .stdout(predicate::str::contains("1 malformed document skipped"));
    let report = audit_json(&[&fixture("helm-mixed.yaml")], 0);
    assert_eq!(report["malformed"][0]["line"], 19);
    assert_eq!(report["summary"]["resources"], 2);
}

#[test]
fn stdin_dash_reads_piped_manifests() {
    let text = std::fs::read_to_string(fixture("agent-installer.yaml")).unwrap();
    aksos()
        .args(["audit", "-"])
        .write_stdin(text)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>:40"));
}

#[test]
fn ignore_flag_drops_the_rule_and_can_turn_exit_1_into_0() {
    let report = audit_json(
        &[
            "--ignore",
            "kernel-module-insert",
            "--ignore",
            "hostpath-write-os",
            &fixture("gpu-driver-loader.yaml"),
        ],
        0,
    );
    let found = rules_and_lines(&report);
    assert!(found
        .iter()
        .all(|(r, _)| r != "kernel-module-insert" && r != "hostpath-write-os"));
    assert_eq!(report["summary"]["ignored"], 2);
}

#[test]
fn unknown_ignore_rule_is_a_usage_error() {
    aksos()
        .args(["audit", "--ignore", "no-such-rule", &fixture("web.yaml")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule \"no-such-rule\""));
}

#[test]
fn directory_is_scanned_recursively_with_a_summary() {
    let report = audit_json(&[FIXTURES], 1);
    let summary = &report["summary"];
    assert_eq!(summary["inputs"], 10);
    assert_eq!(summary["resources"], 12);
    assert_eq!(summary["malformed"], 1);
    assert_eq!(summary["failed"], true);
    assert!(summary["findings"]["breaks"].as_u64().unwrap() >= 4);
}

#[test]
fn missing_path_exits_2() {
    aksos()
        .args(["audit", "tests/fixtures/audit/does-not-exist.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does-not-exist.yaml"));
}

#[test]
fn explain_prints_id_severity_why_fix_and_example() {
    aksos()
        .args(["audit", "--explain", "hostpath-write-os"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "hostpath-write-os  (severity: breaks)",
        ))
        .stdout(predicate::str::contains(
            "Why it matters on an immutable OS:",
        ))
        .stdout(predicate::str::contains("How to fix:"))
        .stdout(predicate::str::contains("Example that triggers it:"));
    aksos()
        .args(["audit", "--explain"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("package-manager-host"));
    aksos()
        .args(["audit", "--explain", "bogus"])
        .assert()
        .code(2);
}
