//! `aksos apply -f FILE` end to end: the real binary against the loopback ARM
//! emulator. A file of 8 clusters × 5 pools finishes with the expected requests
//! and never two operations on one cluster at once; a failing pool is reported
//! while the rest succeed; a second apply sends no write; whole-file preflight
//! errors name their paths and send nothing.

use aksos::emulator::faults::Faults;
use aksos::emulator::{Background, Recorded};
use assert_cmd::Command;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn emulator() -> Background {
    Background::start(Faults {
        retry_after: 0,
        op_delay: Duration::from_millis(20),
        reg_delay: Duration::from_millis(50),
        provider_delay: Duration::from_millis(20),
        ..Faults::default()
    })
}

fn aksos(emu: &Background) -> Command {
    let mut cmd = Command::cargo_bin("aksos").expect("binary builds");
    cmd.env("NO_COLOR", "1")
        .env("AKSOS_TODAY", "2026-11-24")
        .env("AKSOS_ACCESS_TOKEN", "test-token")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .args(["--arm-endpoint", &emu.url, "--subscription", SUB])
        .timeout(Duration::from_secs(120));
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn apply(emu: &Background, yaml: &str, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clusters.yaml");
    std::fs::write(&path, yaml).unwrap();
    let out = aksos(emu)
        .arg("apply")
        .arg("-f")
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `n` clusters, each a system pool plus four node pools (one a preview OS).
fn fleet(n: usize) -> String {
    let mut y = String::from("clusters:\n");
    for i in 0..n {
        write!(
            y,
            "  - resourceGroup: rg{g}
    name: c{i}
    location: eastus
    systemPool: {{ name: sys, osSku: AzureContainerLinux, count: 1 }}
    nodePools:
      - {{ name: acl, osSku: AzureContainerLinux, labels: {{ team: a }} }}
      - {{ name: azl, osSku: AzureLinux, enableFipsImage: true }}
      - {{ name: u26, osSku: Ubuntu2604, count: 1 }}
      - {{ name: u24, osSku: Ubuntu2404, taints: [ 'x=y:NoSchedule' ] }}
",
            g = i % 3
        )
        .unwrap();
    }
    y
}

fn writes(emu: &Background) -> Vec<Recorded> {
    emu.writes()
}

#[test]
fn eight_clusters_of_five_pools_one_operation_per_cluster_then_a_no_op() {
    let emu = emulator();
    let t = Instant::now();
    let run = apply(&emu, &fleet(8), &["--parallel", "4", "-o", "json"]);
    let took = t.elapsed();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["summary"]["created"], 40, "{report}");
    assert_eq!(
        report["featuresRegistered"],
        serde_json::json!(["Ubuntu2604Preview"])
    );

    let all = emu.shared.requests();
    assert!(
        all.iter().all(|r| r.status != 409),
        "two operations ran on one cluster: {:?}",
        all.iter().filter(|r| r.status == 409).collect::<Vec<_>>()
    );
    let w = writes(&emu);
    let puts = w.iter().filter(|r| r.method == "PUT").count();
    let feature_posts = w.iter().filter(|r| r.path.contains("/features/")).count();
    let provider_posts = w
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("Microsoft.ContainerService/register"))
        .count();
    assert_eq!((puts, feature_posts, provider_posts), (40, 1, 1), "{w:#?}");
    assert_eq!(
        w.len(),
        42,
        "only the creates, one registration, one refresh"
    );
    // The feature and the provider come before any resource.
    let first_put = w.iter().position(|r| r.method == "PUT").unwrap();
    assert_eq!(first_put, 2);
    // Preview-only SKU at the preview api-version, the rest stable.
    for r in w.iter().filter(|r| r.method == "PUT") {
        let want = if r.path.ends_with("/agentPools/u26") {
            "2026-08-02-preview"
        } else {
            "2026-08-01"
        };
        assert_eq!(r.api_version.as_deref(), Some(want), "{}", r.path);
    }
    assert!(took < Duration::from_secs(60), "took {took:?}");

    // Again: nothing changed, nothing written.
    let again = apply(&emu, &fleet(8), &[]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert_eq!(writes(&emu).len(), 42, "a second apply wrote something");
    assert!(
        again.stdout.contains("0 created, 40 unchanged; up to date"),
        "{}",
        again.stdout
    );
}

#[test]
fn a_failing_pool_is_reported_and_the_rest_are_created() {
    let emu = emulator();
    let yaml = "clusters:
  - resourceGroup: rg1
    name: a1
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu2404 }
    nodePools:
      - { name: bad, osSku: Windows2099, allowUnknownSku: true }
      - { name: good, osSku: AzureLinux }
  - resourceGroup: rg1
    name: b1
    location: eastus
    systemPool: { name: sys, osSku: AzureContainerLinux }
    nodePools:
      - { name: acl, osSku: AzureContainerLinux }
";
    let run = apply(&emu, yaml, &[]);
    assert_eq!(run.code, 4, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("4 created, 0 unchanged, 1 failed"),
        "{}",
        run.stdout
    );
    let bad = run
        .stdout
        .lines()
        .find(|l| l.contains("nodepool bad"))
        .unwrap();
    assert!(
        bad.contains("failed") && bad.contains("Windows2099"),
        "{bad}"
    );
    let good = run
        .stdout
        .lines()
        .find(|l| l.contains("nodepool good"))
        .unwrap();
    assert!(good.contains("created"), "{good}");

    // JSON names the error; re-applying retries only the failed pool.
    let again = apply(&emu, yaml, &["-o", "json"]);
    assert_eq!(again.code, 4);
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(report["summary"]["unchanged"], 4, "{report}");
    let failed: Vec<_> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["path"], "clusters[0].nodePools[0]");
    assert!(failed[0]["error"].as_str().unwrap().contains("Windows2099"));
}

#[test]
fn differences_are_shown_not_applied_and_dry_run_writes_nothing() {
    let emu = emulator();
    let v1 = "clusters:
  - resourceGroup: rg1
    name: d1
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu2404 }
    nodePools:
      - { name: p1, osSku: AzureLinux, count: 2 }
";
    assert_eq!(apply(&emu, v1, &[]).code, 0);
    let before = writes(&emu).len();
    let v2 = v1.replace("count: 2", "count: 5").replace(
        "count: 5 }",
        "count: 5 }\n      - { name: p2, osSku: Ubuntu2604 }",
    );
    let dry = apply(&emu, &v2, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    assert_eq!(writes(&emu).len(), before, "--dry-run wrote");
    assert!(dry.stdout.contains("count: 2 → 5"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains("Ubuntu2604Preview would be registered"),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("would create"), "{}", dry.stdout);
    let real = apply(&emu, &v2, &[]);
    assert_eq!(real.code, 0, "{}\n{}", real.stdout, real.stderr);
    let w = writes(&emu);
    assert!(
        !w[before..]
            .iter()
            .any(|r| r.path.ends_with("/agentPools/p1")),
        "the differing pool was changed"
    );
    assert!(w[before..]
        .iter()
        .any(|r| r.path.ends_with("/agentPools/p2")));
}

#[test]
fn whole_file_preflight_reports_every_error_with_its_path_and_sends_nothing() {
    let emu = emulator();
    let yaml = "clusters:
  - resourceGroup: rg1
    name: ok
    location: eastus
    systemPool: { name: sys, osSku: AzureContainerLinux }
  - resourceGroup: rg1
    name: ok2
    location: 'east/us'
    systemPool: { name: sys, osSku: Ubuntu }
  - resourceGroup: rg1
    name: ok3
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu }
    nodePools:
      - { name: p1, osSku: Nope }
      - { name: sys, osSku: Ubuntu, mode: Sometimes }
";
    let run = apply(&emu, yaml, &[]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    for want in [
        "clusters[1].location:",
        "clusters[2].nodePools[0].osSku:",
        "clusters[2].nodePools[1].name: pool sys is declared twice",
        "clusters[2].nodePools[1].mode:",
    ] {
        assert!(run.stderr.contains(want), "missing {want}:\n{}", run.stderr);
    }
    assert!(emu.shared.requests().is_empty(), "requests were sent");

    let typo = apply(&emu, "clusters:\n  - resourceGroup: rg\n    nmae: x\n", &[]);
    assert_eq!(typo.code, 2);
    assert!(typo.stderr.contains("nmae"), "{}", typo.stderr);
    assert!(emu.shared.requests().is_empty());
}

#[test]
fn the_example_prints_and_passes_preflight() {
    let emu = emulator();
    let out = aksos(&emu).args(["apply", "--example"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("systemPool:"));
    let dry = apply(&emu, &text, &["--dry-run"]);
    assert_eq!(dry.code, 0, "{}\n{}", dry.stdout, dry.stderr);
    assert!(writes(&emu).is_empty());
}
