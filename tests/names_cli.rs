//! Hostile names, end to end against the loopback emulator: every attack in
//! issue 13 ("Names reach URLs unchecked") exits 2 naming the flag with not one
//! request sent; names ARM allows but that need escaping reach the emulator as
//! exactly one percent-encoded segment; `--dry-run` prints the URL that is then
//! sent, byte for byte; `--timeout 0` is invalid input.

mod common;

use aksos::emulator::Background;
use common::*;
use proptest::prelude::*;

fn args(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Exit 2, the flag named, and the emulator saw nothing at all (not even a GET).
fn refused(emu: &Background, line: &[&str], flag: &str) {
    let r = run_args(emu, &args(line));
    assert_eq!(r.code, 2, "{line:?}\n{}", r.dump());
    assert!(
        r.stderr.contains(flag),
        "{line:?} names {flag}\n{}",
        r.dump()
    );
    assert!(r.requests.is_empty(), "{line:?} sent nothing\n{}", r.dump());
}

#[test]
fn the_issue_s_attacks_exit_2_with_nothing_sent() {
    let emu = Background::start(fast());
    let create = |rg: &'static str| {
        vec![
            "cluster", "create", "-g", rg, "-n", "c1", "-l", "eastus", "--os-sku", "Ubuntu",
        ]
    };
    let mut dry = create("..");
    dry.push("--dry-run");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "feature",
                "unregister",
                "../../../../Microsoft.ContainerService",
            ],
            "<NAME>",
        ),
        (dry, "--resource-group"),
        (create("."), "--resource-group"),
        (vec!["scan", "-g", ".."], "--resource-group"),
        (vec!["scan", "-g", "rg1", "--cluster", "../x"], "--cluster"),
        (
            vec![
                "cluster",
                "show",
                "-g",
                "rg1",
                "-n",
                "../../../../../../otherSub",
            ],
            "--name",
        ),
        (
            vec!["cluster", "show", "-g", "rg1", "-n", "c1?x=1#"],
            "--name",
        ),
        (
            vec!["cluster", "show", "-g", "rg1/x", "-n", "c1"],
            "--resource-group",
        ),
        (vec!["feature", "register", "X?api-version=evil&"], "<NAME>"),
        (
            vec!["feature", "show", "X", "--namespace", ".."],
            "--namespace",
        ),
        (vec!["feature", "list", "--namespace", "a/b"], "--namespace"),
        (
            vec!["provider", "show", "../Microsoft.Features"],
            "<NAMESPACE>",
        ),
        (vec!["provider", "register", "."], "<NAMESPACE>"),
        (
            vec![
                "--subscription",
                "..",
                "feature",
                "show",
                "AKSFlatcarPreview",
            ],
            "--subscription",
        ),
        (
            vec!["--subscription", ".", "provider", "show"],
            "--subscription",
        ),
        (
            vec![
                "nodepool",
                "show",
                "-g",
                "rg1",
                "--cluster",
                "c1",
                "-n",
                "..",
            ],
            "--name",
        ),
        (
            vec!["nodepool", "list", "-g", "rg1", "--cluster", "c1#"],
            "--cluster",
        ),
        (
            vec![
                "nodepool",
                "add",
                "-g",
                "rg1",
                "--cluster",
                "c1",
                "-n",
                "..",
                "--os-sku",
                "Ubuntu",
            ],
            "--name",
        ),
        (
            vec!["migrate", "-g", "rg1", "--cluster", "c1", "--pool", "../np"],
            "--pool",
        ),
        (
            vec![
                "migrate",
                "-g",
                "rg1",
                "--cluster",
                "c1",
                "--pool",
                "np1",
                "--new-pool",
                "..",
            ],
            "--new-pool",
        ),
        (
            vec![
                "migrate",
                "-g",
                "rg1",
                "--cluster",
                "c1",
                "--pool",
                "np1",
                "--to",
                "../../x",
            ],
            "--to",
        ),
    ];
    for (line, flag) in &cases {
        refused(&emu, line, flag);
    }
    // The sandbox takes the same checks.
    let r = run_args(
        &emu,
        &args(&[
            "--sandbox",
            "--subscription",
            "..",
            "cluster",
            "show",
            "-g",
            "rg1",
            "-n",
            "c1",
        ]),
    );
    assert_eq!(r.code, 2, "{}", r.dump());
    assert!(r.stderr.contains("--subscription"), "{}", r.dump());
}

#[test]
fn a_bad_subscription_is_reported_against_its_source() {
    let emu = Background::start(fast());
    let r = command()
        .env("AZURE_SUBSCRIPTION_ID", "../x")
        .args(["--arm-endpoint", &emu.url, "provider", "show"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--subscription") && stderr.contains("AZURE_SUBSCRIPTION_ID"),
        "{stderr}"
    );

    let az = tempfile::tempdir().unwrap();
    std::fs::write(
        az.path().join("azureProfile.json"),
        r#"{"subscriptions":[{"id":"..","isDefault":true}]}"#,
    )
    .unwrap();
    let r = command()
        .env("AZURE_CONFIG_DIR", az.path())
        .args(["--arm-endpoint", &emu.url, "provider", "show"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--subscription") && stderr.contains("azureProfile.json"),
        "{stderr}"
    );
    assert!(emu.shared.requests().is_empty(), "nothing sent");
}

#[test]
fn timeout_zero_is_invalid_input() {
    let emu = Background::start(fast());
    for t in ["0", "0s", "0ms"] {
        refused(&emu, &["--timeout", t, "provider", "show"], "--timeout");
    }
}

#[test]
fn names_that_need_escaping_are_one_segment_and_dry_run_prints_what_is_sent() {
    let emu = Background::start(fast());
    let rg = "rg(é).1";
    let create = [
        "cluster",
        "create",
        "-g",
        rg,
        "-n",
        "c1",
        "-l",
        "eastus",
        "--os-sku",
        "Ubuntu",
        "--kubernetes-version",
        "1.35",
    ];
    let mut dry = create.to_vec();
    dry.extend(["--dry-run", "-o", "json"]);
    let plan = run_args(&emu, &args(&dry)).ok();
    let printed = plan.json()["requests"][0]["url"]
        .as_str()
        .expect("the PUT's URL")
        .to_string();
    assert!(plan.writes().is_empty(), "{}", plan.dump());
    let encoded = "rg%28%C3%A9%29.1";
    assert!(
        printed.contains(&format!("/resourceGroups/{encoded}/")),
        "{printed}"
    );

    // The text dry-run prints the same URL.
    let mut text = create.to_vec();
    text.push("--dry-run");
    let plan = run_args(&emu, &args(&text)).ok();
    assert!(
        plan.stdout.contains(&format!("PUT {printed}")),
        "{}",
        plan.dump()
    );

    let mut real = create.to_vec();
    real.push("--yes");
    let done = run_args(&emu, &args(&real)).ok();
    let put = done.put();
    let sent = format!(
        "{}{}?api-version={}",
        emu.url.trim_end_matches('/'),
        put.path,
        put.api_version.as_deref().unwrap_or_default()
    );
    assert_eq!(sent, printed, "dry-run URL == sent URL, byte for byte");

    // The emulator decoded the segment: the cluster is found by its real name.
    let show = run_args(
        &emu,
        &args(&["cluster", "show", "-g", rg, "-n", "c1", "-o", "json"]),
    )
    .ok();
    assert_eq!(show.json()["name"], "c1");
    assert!(
        show.requests[0]
            .path
            .contains(&format!("/resourceGroups/{encoded}/")),
        "{}",
        show.dump()
    );
}

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._()/?#%@&=: -]{1,12}",
        "\\.{1,3}",
        "(\\.\\./){1,4}[a-zA-Z]{1,8}",
        "[a-zA-Z0-9(][a-zA-Z0-9_.()é-]{0,10}[a-zA-Z0-9)]",
        "[^\\x00]{1,10}",
    ]
}

proptest! {
    // Each case runs the binary; a few dozen cover the shapes without a slow suite.
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// For any resource group name: exit 2 with nothing sent, or the path sent
    /// holds exactly the encoded segment.
    #[test]
    fn any_resource_group_is_refused_or_sent_as_one_segment(rg in hostile()) {
        let emu = Background::start(fast());
        let r = run_args(&emu, &[
            "cluster".into(), "show".into(), format!("--resource-group={rg}"), "-n".into(), "c1".into(),
        ]);
        if r.requests.is_empty() {
            prop_assert_eq!(r.code, 2, "{}", r.dump());
        } else {
            let ok = aksos::names::ResourceGroup::parse(&rg);
            prop_assert!(ok.is_ok(), "sent an invalid name {:?}: {}", rg, r.dump());
            prop_assert_eq!(r.requests.len(), 1, "{}", r.dump());
            let want = format!(
                "/subscriptions/{SUB}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/c1",
                aksos::names::segment(&rg)
            );
            prop_assert_eq!(&r.requests[0].path, &want);
        }
    }
}
