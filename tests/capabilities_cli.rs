//! The live capability preflight end to end: `cluster create` and `nodepool add`
//! read the region's VM sizes (Microsoft.Compute resource SKUs) and the
//! subscription's compute usages from the loopback emulator before any write,
//! and refuse what Azure would refuse — exit 2, naming the flag, nothing
//! written (no PUT or POST). `--skip-capability-checks` sends neither read.
//!
//! The emulator's fixture (src/emulator/compute.rs): Standard_A2_v2 is
//! Generation 1 only; Standard_D4ps_v5 is Arm64 with Trusted Launch disabled;
//! Standard_D4ps_v6 is Cobalt 100 Arm64; the GPU family of Standard_NC4as_T4_v3
//! has 8 vCPUs of quota in eastus.

mod common;

use aksos::emulator::{Background, Recorded};
use common::*;

fn compute_reads(out: &Out) -> Vec<&Recorded> {
    out.requests
        .iter()
        .filter(|r| {
            r.path
                .to_ascii_lowercase()
                .contains("/providers/microsoft.compute/")
        })
        .collect()
}

fn create(size: &str, sku: &str, extra: &str) -> String {
    format!("cluster create -g rg1 -n c1 -l eastus --os-sku {sku} --node-vm-size {size} --kubernetes-version 1.36 {extra}")
}

/// A cluster to add pools to (created with the checks skipped, so the reads of
/// the test itself are the only ones).
fn with_cluster() -> Background {
    let emu = Background::start(fast());
    run(
        &emu,
        &create("Standard_D4s_v5", "Ubuntu", "--skip-capability-checks"),
    )
    .ok();
    emu
}

fn add(size: &str, sku: &str, extra: &str) -> String {
    format!("nodepool add -g rg1 --cluster c1 -n np2 --os-sku {sku} --node-vm-size {size} {extra}")
}

#[test]
fn a_size_that_fits_reads_the_region_once_then_creates() {
    let emu = Background::start(fast());
    let out = run(&emu, &create("Standard_D4s_v5", "AzureContainerLinux", "")).ok();
    let reads = compute_reads(&out);
    assert_eq!(
        reads.len(),
        2,
        "one SKU read and one usages read: {}",
        out.dump()
    );
    assert!(reads.iter().all(|r| r.method == "GET" && r.status == 200));
    let skus = reads
        .iter()
        .find(|r| r.path.ends_with("/skus"))
        .expect("skus read");
    assert_eq!(skus.api_version.as_deref(), Some("2021-07-01"));
    assert!(reads
        .iter()
        .any(|r| r.path.ends_with("/locations/eastus/usages")
            && r.api_version.as_deref() == Some("2024-11-01")));
    out.put();
}

#[test]
fn a_gen1_only_size_is_refused_for_azure_container_linux() {
    for dry in ["", "--dry-run"] {
        let emu = Background::start(fast());
        let out = run(&emu, &create("Standard_A2_v2", "AzureContainerLinux", dry))
            .usage("--node-vm-size");
        assert!(
            out.stderr.contains("HyperVGenerations: V1"),
            "{}",
            out.dump()
        );
        assert!(
            out.stderr.contains("--skip-capability-checks"),
            "{}",
            out.dump()
        );
        assert_eq!(compute_reads(&out).len(), 2, "{}", out.dump());
    }
    let emu = with_cluster();
    let out = run(&emu, &add("Standard_A2_v2", "AzureContainerLinux", "")).usage("--node-vm-size");
    assert!(out.stderr.contains("Generation 1"), "{}", out.dump());
}

#[test]
fn an_arm64_size_without_trusted_launch_is_refused() {
    // For ACL the size is refused (already by name: an older Arm64 generation).
    let emu = with_cluster();
    run(&emu, &add("Standard_D4ps_v5", "AzureContainerLinux", "")).usage("--node-vm-size");
    // Ubuntu asking for Secure Boot on it: only Azure's answer knows.
    let out = run(
        &emu,
        &add("Standard_D4ps_v5", "Ubuntu", "--enable-secure-boot"),
    )
    .usage("--node-vm-size");
    assert!(
        out.stderr.contains("TrustedLaunchDisabled: True"),
        "{}",
        out.dump()
    );
    assert_eq!(compute_reads(&out).len(), 2, "{}", out.dump());
    // A Cobalt v6 size is fine for ACL.
    run(
        &emu,
        &add("Standard_D4ps_v6", "AzureContainerLinux", "--dry-run"),
    )
    .ok();
}

#[test]
fn a_quota_shortfall_is_refused_and_a_tight_fit_warns() {
    let emu = with_cluster();
    let out = run(
        &emu,
        &add("Standard_NC4as_T4_v3", "Ubuntu", "--node-count 3"),
    )
    .usage("--node-count");
    assert!(out.stderr.contains("need 12 vCPUs"), "{}", out.dump());
    assert!(
        out.stderr.contains("standardNCASv3_T4Family"),
        "{}",
        out.dump()
    );
    // 2 × 4 = 8 fits exactly: created, with a warning about the upgrade surge.
    let out = run(
        &emu,
        &add("Standard_NC4as_T4_v3", "Ubuntu", "--node-count 2 --dry-run"),
    )
    .ok();
    assert!(
        out.stderr.contains("warning: --max-surge"),
        "{}",
        out.dump()
    );
}

#[test]
fn an_unknown_size_is_refused_with_the_closest_name() {
    let emu = Background::start(fast());
    let out = run(&emu, &create("Standard_D4s_v9", "Ubuntu", "--dry-run")).usage("--node-vm-size");
    assert!(
        out.stderr.contains("Did you mean `Standard_D4s_v5`?"),
        "{}",
        out.dump()
    );
}

#[test]
fn skip_capability_checks_sends_no_compute_read() {
    let emu = Background::start(fast());
    let out = run(
        &emu,
        &create(
            "Standard_A2_v2",
            "Ubuntu2604",
            "--skip-capability-checks --dry-run",
        ),
    )
    .ok();
    assert!(compute_reads(&out).is_empty(), "{}", out.dump());
    assert!(
        out.stderr.contains("capability checks skipped"),
        "{}",
        out.dump()
    );
    let emu = with_cluster();
    let out = run(
        &emu,
        &add(
            "Standard_NC4as_T4_v3",
            "Ubuntu",
            "--node-count 3 --skip-capability-checks",
        ),
    )
    .ok();
    assert!(compute_reads(&out).is_empty(), "{}", out.dump());
    out.put();
}

#[test]
fn a_pool_is_checked_in_its_clusters_region() {
    let emu = with_cluster();
    let out = run(&emu, &add("Standard_D4s_v5", "Ubuntu", "--dry-run")).ok();
    assert!(
        compute_reads(&out)
            .iter()
            .any(|r| r.path.contains("/locations/eastus/usages")),
        "{}",
        out.dump()
    );
}

/// `apply` checks every cluster's system pool and every pool before any
/// write, reading each region once, and names a refusal by its path in the file.
#[test]
fn apply_checks_every_pool_before_any_write_naming_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.yaml");
    std::fs::write(
        &file,
        "clusters:
  - resourceGroup: rg1
    name: c0
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu, vmSize: Standard_D4s_v5, count: 1 }
  - resourceGroup: rg1
    name: c1
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu, vmSize: Standard_D4s_v5, count: 1 }
    nodePools:
      - { name: ok, osSku: Ubuntu, vmSize: Standard_D4s_v5 }
      - { name: acl, osSku: AzureContainerLinux, vmSize: Standard_A2_v2 }
",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let emu = Background::start(fast());
    let out = run(&emu, &format!("apply -f {path}")).usage("clusters[1].nodePools[1].vmSize");
    let reads = compute_reads(&out);
    assert_eq!(reads.len(), 2, "one region, read once: {}", out.dump());
    assert!(out.stderr.contains("Generation 2"), "{}", out.dump());

    // The same under --dry-run; and --skip-capability-checks reads nothing.
    let emu = Background::start(fast());
    run(&emu, &format!("apply -f {path} --dry-run")).usage("clusters[1].nodePools[1].vmSize");
    let emu = Background::start(fast());
    let out = run(
        &emu,
        &format!("apply -f {path} --dry-run --skip-capability-checks"),
    );
    assert_eq!(out.code, 0, "{}", out.dump());
    assert!(compute_reads(&out).is_empty(), "{}", out.dump());
}

/// A system pool is named as the file names it.
#[test]
fn apply_names_a_system_pool_by_its_file_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.yaml");
    std::fs::write(
        &file,
        "clusters:
  - resourceGroup: rg1
    name: c0
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu, vmSize: Standard_D4s_v9, count: 1 }
",
    )
    .unwrap();
    let emu = Background::start(fast());
    let out = run(
        &emu,
        &format!("apply -f {} --dry-run", file.to_str().unwrap()),
    )
    .usage("clusters[0].systemPool.vmSize");
    assert!(out.stderr.contains("Standard_D4s_v5"), "{}", out.dump());
}
