//! `--set PATH=VALUE`, `--body-file FILE` and an apply file's `properties:` /
//! `set:` end to end: the real binary against the loopback emulator, which
//! validates every PUT body against the full official schema. Values reach
//! nested properties typed by the schema; every refusal (unknown path with the
//! closest name, wrong type, value outside an enum, read-only property, a
//! setting a flag owns) exits 2 naming its door and sends nothing.

mod common;

use aksos::emulator::Background;
use common::*;

fn args(line: &str, extra: &[&str]) -> Vec<String> {
    line.split_whitespace()
        .map(str::to_string)
        .chain(extra.iter().map(|s| s.to_string()))
        .collect()
}

fn with_cluster() -> Background {
    let emu = Background::start(fast());
    run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku Ubuntu --kubernetes-version 1.34",
    )
    .ok();
    emu
}

const ADD: &str = "nodepool add -g rg1 --cluster c1 -n np1 --os-sku Ubuntu";

#[test]
fn set_reaches_nested_properties_typed_by_the_schema_and_the_strict_fake_accepts() {
    let emu = with_cluster();
    let out = run_args(
        &emu,
        &args(
            ADD,
            &[
                "--set",
                "properties.kubeletConfig.cpuManagerPolicy=static",
                "--set",
                "properties.linuxOSConfig.sysctls.netCoreSomaxconn=16384",
                "--set",
                "properties.upgradeSettings.undrainableNodeBehavior=Cordon",
                "--set",
                "properties.kubeletConfig.allowedUnsafeSysctls=net.core.somaxconn,kernel.msg*",
            ],
        ),
    )
    .ok();
    let body = out.put().body.clone().expect("a body");
    let p = &body["properties"];
    assert_eq!(p["kubeletConfig"]["cpuManagerPolicy"], "static");
    assert_eq!(p["linuxOSConfig"]["sysctls"]["netCoreSomaxconn"], 16384);
    assert_eq!(p["upgradeSettings"]["undrainableNodeBehavior"], "Cordon");
    assert_eq!(
        p["kubeletConfig"]["allowedUnsafeSysctls"],
        serde_json::json!(["net.core.somaxconn", "kernel.msg*"])
    );
    // The typed settings are still there.
    assert_eq!(p["osSKU"], "Ubuntu");

    // Rerun: the same --set is up to date; another value differs, named by path.
    let again = run_args(
        &emu,
        &args(
            ADD,
            &[
                "--set",
                "properties.kubeletConfig.cpuManagerPolicy=static",
                "--set",
                "properties.linuxOSConfig.sysctls.netCoreSomaxconn=16384",
                "--set",
                "properties.upgradeSettings.undrainableNodeBehavior=Cordon",
                "--set",
                "properties.kubeletConfig.allowedUnsafeSysctls=net.core.somaxconn,kernel.msg*",
            ],
        ),
    )
    .ok();
    assert!(again.stderr.contains("up to date"), "{}", again.dump());
    let differs = run_args(
        &emu,
        &args(
            ADD,
            &["--set", "properties.kubeletConfig.cpuManagerPolicy=none"],
        ),
    )
    .usage("--name");
    assert!(
        differs
            .stderr
            .contains("properties.kubeletConfig.cpuManagerPolicy: static → none"),
        "{}",
        differs.dump()
    );
}

#[test]
fn cluster_create_takes_set_and_body_file_and_dry_run_shows_the_merged_body() {
    let emu = Background::start(fast());
    let dir = tempfile::tempdir().unwrap();
    let frag = dir.path().join("frag.yaml");
    std::fs::write(
        &frag,
        "properties:\n  autoScalerProfile:\n    expander: least-waste\n  networkProfile:\n    loadBalancerProfile:\n      idleTimeoutInMinutes: 10\n",
    )
    .unwrap();
    let line = "cluster create -g rg1 -n c2 -l eastus --os-sku Ubuntu --kubernetes-version 1.34";
    let extra = [
        "--body-file",
        frag.to_str().unwrap(),
        "--set",
        "properties.agentPoolProfiles[0].kubeletConfig.cpuManagerPolicy=static",
        "--set",
        "properties.networkProfile.loadBalancerProfile.idleTimeoutInMinutes=20",
    ];
    let dry = run_args(&emu, &args(line, &[&extra[..], &["--dry-run"]].concat())).ok();
    assert!(dry.writes().is_empty(), "{}", dry.dump());
    assert!(
        dry.stdout.contains("\"expander\": \"least-waste\"")
            && dry.stdout.contains("\"cpuManagerPolicy\": \"static\""),
        "{}",
        dry.stdout
    );
    // --set applies after the body file: it wins.
    assert!(
        dry.stdout.contains("\"idleTimeoutInMinutes\": 20")
            && !dry.stdout.contains("\"idleTimeoutInMinutes\": 10")
    );
    let out = run_args(&emu, &args(line, &extra)).ok();
    let body = out.put().body.clone().unwrap();
    assert_eq!(
        body["properties"]["autoScalerProfile"]["expander"],
        "least-waste"
    );
    assert_eq!(
        body["properties"]["agentPoolProfiles"][0]["kubeletConfig"]["cpuManagerPolicy"],
        "static"
    );
}

#[test]
fn bad_set_values_exit_2_naming_set_and_send_nothing() {
    let emu = with_cluster();
    for (set, says) in [
        (
            "properties.kubletConfig.cpuManagerPolicy=static",
            "properties.kubeletConfig.cpuManagerPolicy",
        ),
        ("properties.maxPods=many", "expects an integer"),
        ("properties.scaleSetPriority=Cheap", "Regular"),
        ("properties.provisioningState=Succeeded", "read-only"),
        ("properties.osSKU=AzureLinux", "--os-sku"),
        ("properties.nodeLabels.env=prod", "--labels"),
        ("novalue", "PATH=VALUE"),
    ] {
        let out = run_args(&emu, &args(ADD, &["--set", set])).usage("--set");
        assert!(out.stderr.contains(says), "{set}: {}", out.dump());
        assert!(
            out.requests.is_empty(),
            "{set}: not even a read: {}",
            out.dump()
        );
    }
    // A value outside an open enum is sent when allowed, with a warning.
    let out = run_args(
        &emu,
        &args(
            "cluster create -g rg1 -n c9 -l eastus --os-sku Ubuntu --dry-run",
            &[
                "--set",
                "properties.autoScalerProfile.expander=future",
                "--allow-unknown-values",
            ],
        ),
    )
    .ok();
    assert!(out.stderr.contains("future"), "{}", out.dump());
}

#[test]
fn body_file_errors_name_the_file() {
    let emu = with_cluster();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"properties": {"kubeletConfig": {"cpuManagerPolicy": 3, "nope": 1}}}"#,
    )
    .unwrap();
    let out =
        run_args(&emu, &args(ADD, &["--body-file", bad.to_str().unwrap()])).usage("--body-file");
    assert!(out.stderr.contains("bad.json"), "{}", out.dump());
    assert!(
        out.stderr.contains("properties.kubeletConfig.nope"),
        "{}",
        out.dump()
    );
    let missing = dir.path().join("missing.yaml");
    let out = run_args(
        &emu,
        &args(ADD, &["--body-file", missing.to_str().unwrap()]),
    )
    .usage("--body-file");
    assert!(out.stderr.contains("missing.yaml"), "{}", out.dump());
    let garbage = dir.path().join("garbage.yaml");
    std::fs::write(&garbage, "properties: [unclosed").unwrap();
    run_args(
        &emu,
        &args(ADD, &["--body-file", garbage.to_str().unwrap()]),
    )
    .usage("garbage.yaml");
}

fn apply_file(emu: &Background, yaml: &str, extra: &[&str]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clusters.yaml");
    std::fs::write(&path, yaml).unwrap();
    let mut a = vec!["apply".to_string(), "-f".into(), path.display().to_string()];
    a.extend(extra.iter().map(|s| s.to_string()));
    run_args(emu, &a)
}

const APPLY: &str = "\
clusters:
  - resourceGroup: rg1
    name: prod1
    location: eastus
    kubernetesVersion: '1.34'
    set: [\"properties.autoScalerProfile.expander=least-waste\"]
    properties:
      networkProfile:
        loadBalancerProfile:
          idleTimeoutInMinutes: 10
    systemPool:
      osSku: Ubuntu
      properties:
        kubeletConfig:
          cpuManagerPolicy: static
    nodePools:
      - name: np1
        osSku: Ubuntu
        properties:
          upgradeSettings:
            undrainableNodeBehavior: Cordon
          linuxOSConfig:
            sysctls:
              netCoreSomaxconn: 16384
";

#[test]
fn apply_properties_reach_every_body_and_the_strict_fake_accepts() {
    let emu = Background::start(fast());
    let out = apply_file(&emu, APPLY, &[]).ok();
    let puts = out.puts();
    let cluster = puts
        .iter()
        .find(|r| !r.path.contains("agentPools"))
        .and_then(|r| r.body.clone())
        .expect("cluster PUT");
    let np = &cluster["properties"]["networkProfile"];
    assert_eq!(
        cluster["properties"]["autoScalerProfile"]["expander"],
        "least-waste"
    );
    assert_eq!(np["loadBalancerProfile"]["idleTimeoutInMinutes"], 10);
    assert_eq!(
        cluster["properties"]["agentPoolProfiles"][0]["kubeletConfig"]["cpuManagerPolicy"],
        "static"
    );
    let pool = puts
        .iter()
        .find(|r| r.path.contains("agentPools/np1"))
        .and_then(|r| r.body.clone())
        .expect("pool PUT");
    assert_eq!(
        pool["properties"]["upgradeSettings"]["undrainableNodeBehavior"],
        "Cordon"
    );
    assert_eq!(
        pool["properties"]["linuxOSConfig"]["sysctls"]["netCoreSomaxconn"],
        16384
    );
    // The second run finds everything as asked.
    let again = apply_file(&emu, APPLY, &[]).ok();
    assert!(again.writes().is_empty(), "{}", again.dump());
}

#[test]
fn apply_properties_errors_are_named_by_their_path_and_nothing_is_sent() {
    let emu = Background::start(fast());
    let yaml = APPLY
        .replace(
            "cpuManagerPolicy: static",
            "cpuManagerPolicy: static\n          bogus: 1",
        )
        .replace("netCoreSomaxconn: 16384", "netCoreSomaxconn: lots")
        .replace("idleTimeoutInMinutes: 10", "idleTimeoutInMinutes: lots");
    let out = apply_file(&emu, &yaml, &[]);
    assert_eq!(out.code, 2, "{}", out.dump());
    for path in [
        "clusters[0].systemPool.properties.kubeletConfig.bogus",
        "clusters[0].nodePools[0].properties.linuxOSConfig.sysctls.netCoreSomaxconn",
        "clusters[0].properties.networkProfile.loadBalancerProfile.idleTimeoutInMinutes",
    ] {
        assert!(out.stderr.contains(path), "{path}: {}", out.dump());
    }
    assert!(out.requests.is_empty(), "{}", out.dump());
}
