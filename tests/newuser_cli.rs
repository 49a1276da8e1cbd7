//! What a new user meets first, tried as they would: the README's install and
//! first commands, `--help`, commands printed for pasting into bash, misspelt
//! values, today's OS facts, and `-o json` being one JSON document. Each test
//! is one thing such a user would notice (issue 17).

mod common;

use aksos::emulator::Background;
use common::{command, fast, run, run_args, Out};
use serde_json::Value;

fn help(args: &[&str]) -> String {
    let out = command().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The words bash makes of `line` (None where bash is not installed).
fn bash_words(line: &str) -> Option<Vec<String>> {
    let out = std::process::Command::new("bash")
        .args([
            "--norc",
            "--noprofile",
            "-c",
            &format!("printf '%s\\0' {line}"),
        ])
        .output()
        .ok()?;
    assert!(out.status.success(), "bash refused `{line}`: {out:?}");
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .split_terminator('\0')
            .map(str::to_string)
            .collect(),
    )
}

fn emulator() -> Background {
    Background::start(fast())
}

#[test]
fn the_readme_installs_the_binary_and_its_first_commands_use_it() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains("cargo install --locked --path ."),
        "install step"
    );
    assert!(readme.contains("~/.cargo/bin"), "says where it lands");
    let try_it = &readme[readme.find("## Try it").unwrap()..];
    let first_block = &try_it[..try_it.find("## A tour").unwrap()];
    assert!(
        first_block.contains("aksos --sandbox wizard"),
        "{first_block}"
    );
    assert!(first_block.contains("cargo test --locked"), "{first_block}");
    assert!(!first_block.contains("AKSFlatcarPreview"), "{first_block}");
    assert!(first_block.contains("Ubuntu2604Preview"), "{first_block}");
}

#[test]
fn top_level_help_teaches_todays_preview_not_a_retired_one() {
    let text = help(&["--help"]);
    assert!(
        text.contains("feature register Ubuntu2604Preview"),
        "{text}"
    );
    assert!(!text.contains("AKSFlatcarPreview"), "{text}");
}

#[test]
fn global_options_stand_under_their_own_heading() {
    let text = help(&["nodepool", "add", "--help"]);
    let heading = text.find("Global options:").expect(&text);
    let own = text.find("--os-sku").unwrap();
    let global = text.find("--subscription").unwrap();
    assert!(own < heading && heading < global, "{text}");
}

#[test]
fn commands_that_never_call_azure_offer_no_azure_options() {
    for args in [
        &["recommend", "--help"][..],
        &["audit", "--help"],
        &["export", "cluster", "--help"],
    ] {
        let text = help(args);
        for opt in [
            "--auth",
            "--arm-endpoint",
            "--subscription",
            "--sandbox",
            "--cloud",
        ] {
            assert!(!text.contains(opt), "{args:?} offers {opt}:\n{text}");
        }
    }
    // The commands that do call Azure still take them.
    assert!(help(&["scan", "--help"]).contains("--subscription"));
}

#[test]
fn group_commands_show_examples() {
    for group in ["cluster", "nodepool", "feature", "provider", "export"] {
        let text = help(&[group, "--help"]);
        assert!(text.contains("Examples:"), "{group}:\n{text}");
        assert!(
            text.contains(&format!("aksos {group} ")),
            "{group}:\n{text}"
        );
    }
}

#[test]
fn scan_prints_a_migrate_command_that_pastes_into_bash_for_a_resource_group_with_parentheses() {
    let emu = emulator();
    run(
        &emu,
        "cluster create -g my.rg(prod) -n c1 -l eastus --os-sku Ubuntu --kubernetes-version 1.35",
    )
    .ok();
    run(
        &emu,
        "nodepool add -g my.rg(prod) --cluster c1 -n flat --os-sku Flatcar --allow-retired",
    )
    .ok();
    let out = run(&emu, "scan").ok();
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("migrate -g"))
        .unwrap_or_else(|| panic!("{}", out.dump()));
    let cmd = line.trim().split("  #").next().unwrap();
    assert!(cmd.contains("-g 'my.rg(prod)'"), "{cmd}");
    if let Some(words) = bash_words(cmd) {
        let at = words.iter().position(|w| w == "-g").unwrap();
        assert_eq!(words[at + 1], "my.rg(prod)", "{words:?}");
        // And the pasted command runs: it finds the pool (a plan only).
        let mut args: Vec<String> = words.into_iter().skip(1).collect();
        args.push("--dry-run".into());
        run_args(&emu, &args).ok();
    }
}

#[test]
fn azure_fips_immutable_recommends_azure_container_linux_and_acl_takes_fips() {
    let out = command()
        .args([
            "recommend",
            "--runs-on",
            "azure",
            "--fips",
            "--immutable",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["recommended"], "AzureContainerLinux", "{v}");
    let text = help(&["recommend", "--runs-on", "azure", "--fips", "--immutable"]);
    assert!(
        !text.contains("No immutable option meets every requirement"),
        "{text}"
    );

    let emu = emulator();
    run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux",
    )
    .ok();
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n acl2 --os-sku AzureContainerLinux --enable-fips-image --yes",
    )
    .ok();
    assert_eq!(
        out.put().body.as_ref().unwrap()["properties"]["enableFIPS"],
        true
    );
}

#[test]
fn no_output_speaks_of_seeds_and_the_guidance_is_named_and_linked() {
    for args in [
        &["recommend", "--runs-on", "multi-cloud", "--vendor-neutral"][..],
        &[
            "recommend",
            "--runs-on",
            "azure",
            "--microsoft-support",
            "--secure-boot",
        ],
        &[
            "recommend",
            "--runs-on",
            "hybrid",
            "--immutable",
            "-o",
            "json",
        ],
        &["recommend", "--help"],
    ] {
        let out = command().args(args).output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.to_lowercase().contains("seed"), "{args:?}:\n{all}");
    }
    let text = help(&["recommend", "--runs-on", "multi-cloud", "--vendor-neutral"]);
    assert!(text.contains("the AKS team's OS recommendations"), "{text}");
    assert!(
        text.contains("https://blog.aks.azure.com/2025/11/20/"),
        "{text}"
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(!readme.contains("shared/seeds"));
}

#[test]
fn a_vendor_neutral_reason_never_sits_beside_an_aks_only_warning_unqualified() {
    let text = help(&["recommend", "--runs-on", "multi-cloud", "--immutable"]);
    if text.contains("AKS only") {
        let why = &text[text.find("Why").unwrap()..text.find("Watch out").unwrap()];
        for line in why.lines().filter(|l| l.contains("cross-cloud")) {
            assert!(
                line.contains("AKS only"),
                "reason claims cross-cloud: {line}"
            );
        }
    }
}

#[test]
fn a_misspelt_os_sku_gets_did_you_mean() {
    let emu = emulator();
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n p1 --os-sku Ubunto",
    )
    .usage("--os-sku");
    assert!(
        out.stderr.contains("Did you mean `Ubuntu`?"),
        "{}",
        out.dump()
    );
    assert!(out.requests.is_empty(), "{}", out.dump());
    let emu = flatcar_fleet();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster c1 --pool flat --to AzureContainerLinx",
    )
    .usage("--to");
    assert!(
        out.stderr.contains("Did you mean `AzureContainerLinux`?"),
        "{}",
        out.dump()
    );
}

#[test]
fn a_misspelt_region_is_refused_before_any_request_with_a_suggestion() {
    let emu = emulator();
    let out = run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastuss --os-sku Ubuntu",
    )
    .usage("--location");
    assert!(
        out.stderr.contains("Did you mean `eastus`?"),
        "{}",
        out.dump()
    );
    assert!(out.requests.is_empty(), "not even a read: {}", out.dump());
}

#[test]
fn the_sandbox_refuses_a_region_azure_does_not_have() {
    let emu = emulator();
    let mut cmd = command();
    let out = cmd
        .env("AKSOS_ALLOW_UNKNOWN_REGION", "1")
        .args(["--arm-endpoint", &emu.url, "--subscription", common::SUB])
        .args("cluster create -g rg1 -n c1 -l eastuss --os-sku Ubuntu --yes".split(' '))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("LocationNotAvailableForResourceType"),
        "{stderr}"
    );
    assert!(emu.writes().is_empty(), "{:?}", emu.writes());
}

#[test]
fn azure_container_linux_on_arm64_needs_a_cobalt_v6_size() {
    let emu = emulator();
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n acl2 --os-sku AzureContainerLinux --node-vm-size Standard_D4ps_v5",
    )
    .usage("--node-vm-size");
    assert!(out.stderr.contains("Cobalt"), "{}", out.dump());
    run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux",
    )
    .ok();
    run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n acl2 --os-sku AzureContainerLinux --node-vm-size Standard_D4ps_v6 --dry-run",
    )
    .ok();
}

#[test]
fn verbose_logs_carry_no_colour_codes_when_piped() {
    let emu = emulator();
    let mut cmd = command();
    cmd.env_remove("NO_COLOR");
    let out = cmd
        .args([
            "--arm-endpoint",
            &emu.url,
            "--subscription",
            common::SUB,
            "-v",
            "provider",
            "show",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("INFO"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}

#[test]
fn a_no_wait_plan_does_not_promise_to_wait() {
    let emu = emulator();
    run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux",
    )
    .ok();
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n acl2 --os-sku AzureContainerLinux --no-wait --yes",
    )
    .ok();
    assert!(out.stderr.contains("Plan for node pool"), "{}", out.dump());
    assert!(
        !out.stderr.contains("and wait for the operation"),
        "{}",
        out.dump()
    );
    assert!(out.stderr.contains("--no-wait"), "{}", out.dump());
}

#[test]
fn dry_run_json_gives_the_kubernetes_version_alone_and_the_reason_apart() {
    let emu = emulator();
    let out = run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku Ubuntu --dry-run -o json",
    )
    .ok();
    let v = out.json();
    assert_eq!(v["kubernetes_version"], "1.36", "{v}");
    assert!(
        v["kubernetes_version_reason"]
            .as_str()
            .unwrap()
            .contains("newest in eastus"),
        "{v}"
    );
}

#[test]
fn audit_json_names_the_container_and_its_kind_apart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ds.yaml");
    std::fs::write(
        &file,
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: setup\n        image: x\n        volumeMounts:\n        - name: usr\n          mountPath: /host/usr\n      containers:\n      - name: main\n        image: x\n      volumes:\n      - name: usr\n        hostPath:\n          path: /usr/local\n",
    )
    .unwrap();
    let out = command()
        .args(["audit", "-o", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let text = v.to_string();
    assert!(text.contains("\"container\":\"setup\""), "{v}");
    assert!(text.contains("\"container_kind\":\"initContainer\""), "{v}");
    assert!(!text.contains("container setup"), "{v}");
}

#[test]
fn negative_count_and_timeout_are_refused_naming_the_flag() {
    let emu = emulator();
    run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n p1 --os-sku Ubuntu --node-count -1",
    )
    .usage("--node-count");
    let out = run(&emu, "--timeout -5s provider show");
    assert_eq!(out.code, 2, "{}", out.dump());
    assert!(out.stderr.contains("--timeout"), "{}", out.dump());
    assert!(
        !out.stderr.contains("unexpected argument"),
        "{}",
        out.dump()
    );
}

/// A cluster with a Flatcar pool to migrate.
fn flatcar_fleet() -> Background {
    let emu = emulator();
    run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku Ubuntu --kubernetes-version 1.35",
    )
    .ok();
    run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n flat --os-sku Flatcar --allow-retired",
    )
    .ok();
    emu
}

fn one_json_document(out: &Out) -> Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", out.dump()))
}

#[test]
fn migrate_json_is_one_document_with_dry_run_and_no_wait() {
    let emu = flatcar_fleet();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster c1 --pool flat --dry-run -o json",
    )
    .ok();
    let v = one_json_document(&out);
    assert!(v["requests"].is_array(), "{v}");
    let out = run(
        &emu,
        "migrate -g rg1 --cluster c1 --pool flat --no-wait --yes -o json",
    )
    .ok();
    let v = one_json_document(&out);
    assert_eq!(v["accepted"], true, "{v}");
}

#[test]
fn migrate_delete_old_says_aks_drains_instead_of_asking_the_user_to() {
    let emu = flatcar_fleet();
    let out = run(
        &emu,
        "migrate -g rg1 --cluster c1 --pool flat --delete-old --yes",
    )
    .ok();
    assert!(
        out.stdout
            .contains("AKS cordons and drains its nodes first, respecting PodDisruptionBudgets"),
        "{}",
        out.dump()
    );
    assert!(!out.stdout.contains("kubectl drain"), "{}", out.dump());
    assert!(
        !out.stdout.contains("Move the workloads off"),
        "{}",
        out.dump()
    );
    assert!(
        out.requests.iter().any(|r| r.method == "DELETE"),
        "{}",
        out.dump()
    );
}

#[test]
fn migrate_says_when_it_carries_fips_from_os_guard_to_azure_container_linux() {
    let emu = emulator();
    run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux",
    )
    .ok();
    run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n guard --os-sku AzureLinuxOSGuard",
    )
    .ok();
    let out = run(&emu, "migrate -g rg1 --cluster c1 --pool guard --yes").ok();
    assert!(
        out.stderr.contains("enableFIPS=true (copied from guard"),
        "{}",
        out.dump()
    );
    assert_eq!(
        out.put().body.as_ref().unwrap()["properties"]["enableFIPS"],
        true
    );
}
