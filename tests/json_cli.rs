//! `-o json` promises one JSON document on stdout, whatever the command says
//! along the way: every command below is run with `-o json` against the
//! loopback emulator and its stdout must parse as exactly one JSON value
//! (notes, plans and drain hints go to stderr).

mod common;

use aksos::emulator::Background;
use common::*;
use serde_json::Value;

/// Parses stdout as exactly one JSON document (a second one, or a text line
/// after it, fails).
fn one_document(out: &Out) -> Value {
    let mut docs = serde_json::Deserializer::from_str(&out.stdout).into_iter::<Value>();
    let first = docs
        .next()
        .unwrap_or_else(|| panic!("no JSON on stdout: {}", out.dump()))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", out.dump()));
    assert!(
        docs.next().is_none(),
        "more than one document: {}",
        out.dump()
    );
    first
}

fn seeded() -> Background {
    let emu = Background::start(fast());
    for line in [
        "cluster create -g rg1 -n prod1 -l eastus --os-sku Ubuntu --kubernetes-version 1.35",
        "nodepool add -g rg1 --cluster prod1 -n flatpool --os-sku Flatcar --allow-retired",
        "nodepool add -g rg1 --cluster prod1 -n u22 --os-sku Ubuntu2204",
        "nodepool add -g rg1 --cluster prod1 -n u22b --os-sku Ubuntu2204",
    ] {
        run(&emu, line).ok();
    }
    emu
}

#[test]
fn every_json_command_prints_one_document() {
    let emu = seeded();
    for line in [
        "feature list -o json",
        "feature show AzureLinuxOSGuardPreview -o json",
        "feature register AzureLinuxOSGuardPreview -o json",
        "provider show -o json",
        "provider register -o json",
        "scan -o json",
        "scan --all-subscriptions -o json",
        "migrate -g rg1 --cluster prod1 --pool flatpool --delete-old --dry-run -o json",
        "migrate -g rg1 --cluster prod1 --pool u22 --to AzureContainerLinux --dry-run -o json",
        "migrate -g rg1 --cluster prod1 --pool u22 --to AzureContainerLinux --no-wait --yes -o json",
        "migrate -g rg1 --cluster prod1 --pool flatpool --yes -o json",
        "migrate -g rg1 --cluster prod1 --pool nodepool1 --to Ubuntu -o json",
    ] {
        let out = run(&emu, line);
        assert_eq!(out.code, 0, "{line}: {}", out.dump());
        one_document(&out);
    }
}

#[test]
fn a_finished_migration_in_json_has_no_text_on_stdout() {
    let emu = seeded();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster prod1 --pool u22b --to AzureContainerLinux --yes -o json",
    )
    .ok();
    let doc = one_document(&out);
    assert_eq!(doc["to"], "AzureContainerLinux", "{}", out.dump());
    assert!(!out.stdout.contains('✓'), "{}", out.dump());
}

#[test]
fn a_tenant_migration_from_a_scan_prints_one_document() {
    let emu = seeded();
    let scan = run(&emu, "scan --all-subscriptions -o json").ok();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("scan.json");
    std::fs::write(&file, &scan.stdout).expect("scan written");
    let args: Vec<String> = [
        "migrate",
        "--from-scan",
        file.to_str().unwrap(),
        "--dry-run",
        "-o",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let out = run_args(&emu, &args);
    assert_eq!(out.code, 0, "{}", out.dump());
    one_document(&out);
}
