//! `aksos wizard` driven through a real pseudo-terminal (rexpect) against the
//! in-process emulator: the full path to a node pool, validation at the prompt,
//! cancelling with Esc and Ctrl-C, the equivalent scripted command, and the
//! refusal off a terminal.

use aksos::emulator::faults::Faults;
use aksos::emulator::Background;
use rexpect::process::WaitStatus;
use rexpect::session::PtySession;
use std::process::{Command, Stdio};
use std::time::Duration;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn emulator() -> Background {
    Background::start(Faults {
        retry_after: 0,
        op_delay: Duration::from_millis(100),
        reg_delay: Duration::from_millis(100),
        provider_delay: Duration::from_millis(50),
        ..Faults::default()
    })
}

/// The binary pointed at `emu`, environment pinned, CI unset.
fn aksos(emu: &Background, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aksos"));
    c.args(["--arm-endpoint", &emu.url, "--subscription", SUB])
        .args(args)
        .env("AKSOS_ACCESS_TOKEN", "t")
        .env("AKSOS_TODAY", "2026-11-24")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT");
    c
}

/// Creates cluster rg1/c1 the scripted way (no terminal, so no questions).
fn seed_cluster(emu: &Background) {
    let out = aksos(
        emu,
        &[
            "cluster",
            "create",
            "-g",
            "rg1",
            "-n",
            "c1",
            "-l",
            "eastus",
            "--os-sku",
            "AzureContainerLinux",
        ],
    )
    .stdin(Stdio::null())
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "seed failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn wizard(emu: &Background) -> PtySession {
    rexpect::session::spawn_command(aksos(emu, &["wizard"]), Some(10_000)).unwrap()
}

fn exit_code(p: &mut PtySession) -> i32 {
    match p.process_mut().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("wizard did not exit normally: {other:?}"),
    }
}

/// The PUTs the emulator received, as (path without query, body).
fn puts(emu: &Background) -> Vec<(String, serde_json::Value)> {
    emu.writes()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| {
            let path = r.path.split('?').next().unwrap_or_default().to_string();
            (path, r.body.unwrap_or_default())
        })
        .collect()
}

/// Sends a key that is not a line. Until the prompt switches the terminal to
/// raw mode, the line discipline holds such bytes back (or turns Ctrl-C into a
/// signal), so give the prompt a moment to reach its read first.
fn key(p: &mut PtySession, k: &str) {
    std::thread::sleep(Duration::from_millis(250));
    p.send(k).unwrap();
    p.flush().unwrap();
}

/// Answers every needs question with its default except "immutable" (yes),
/// which makes AzureContainerLinux the recommendation.
fn answer_needs(p: &mut PtySession) {
    p.exp_string("Where do your clusters run?").unwrap();
    p.send_line("").unwrap();
    for q in ["Vendor-neutral", "Microsoft support", "Secure Boot", "FIPS"] {
        p.exp_string(q).unwrap();
        p.send_line("").unwrap();
    }
    p.exp_string("Trusted code execution").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Immutable").unwrap();
    key(p, "y");
    p.exp_string("package manager").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Arm64").unwrap();
    p.send_line("").unwrap();
    p.exp_string("modify their nodes").unwrap();
    p.send_line("").unwrap();
    p.exp_string("1. AzureContainerLinux").unwrap();
    p.exp_string("Which OS?").unwrap();
    p.send_line("").unwrap();
}

/// From the OS choice to the pool name prompt on rg1/c1.
fn pick_existing_cluster(p: &mut PtySession) {
    p.exp_string("node pool on rg1/c1").unwrap();
    key(p, "\x1b[B");
    p.send_line("").unwrap();
    p.exp_string("Node pool name").unwrap();
}

#[test]
fn a_cluster_with_a_retired_pool_gets_the_migrate_command() {
    let emu = emulator();
    seed_cluster(&emu);
    let out = aksos(
        &emu,
        &[
            "nodepool",
            "add",
            "-g",
            "rg1",
            "--cluster",
            "c1",
            "-n",
            "flat",
            "--os-sku",
            "Flatcar",
            "--allow-retired",
        ],
    )
    .stdin(Stdio::null())
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let writes = emu.writes().len();

    let mut p = wizard(&emu);
    answer_needs(&mut p);
    p.exp_string("node pool on rg1/c1").unwrap();
    key(&mut p, "\x1b[B");
    p.send_line("").unwrap();
    p.exp_string("rg1/c1 has pools on retired or retiring OSes")
        .unwrap();
    p.exp_string("flat (Flatcar): move it with").unwrap();
    p.exp_string("migrate -g rg1 --cluster c1 --pool flat")
        .unwrap();
    p.exp_string("Node pool name").unwrap();
    key(&mut p, "\x03"); // Ctrl-C
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(
        emu.writes().len(),
        writes,
        "nothing sent: {:?}",
        emu.writes()
    );
}

#[test]
fn adds_a_node_pool_and_prints_a_command_that_sends_the_same_body() {
    let emu = emulator();
    seed_cluster(&emu);
    let seeded = puts(&emu).len();

    let mut p = wizard(&emu);
    answer_needs(&mut p);
    pick_existing_cluster(&mut p);
    p.send_line("").unwrap(); // acl1
                              // Only sizes that fit the OS in the cluster's region are offered, from
                              // the region's live SKU list: a Generation 1 only size is asked again.
    p.exp_string("VM sizes in eastus that fit AzureContainerLinux:")
        .unwrap();
    p.exp_string("VM size").unwrap();
    p.send_line("Standard_A2_v2").unwrap();
    p.exp_string("sizes that fit").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Node count").unwrap();
    p.send_line("2").unwrap();
    // The production step: skip every table question, give one property.
    p.exp_string("Production settings").unwrap();
    p.exp_string("[y/N]").unwrap();
    key(&mut p, "y");
    // A text question is drawn twice (asked, then answered): read both.
    let mut set = false;
    loop {
        let (_, q) = p.exp_regex(r"empty: skip|PATH=VALUE|\[y/N\]").unwrap();
        if q == "[y/N]" {
            key(&mut p, "n"); // a switch: leave it off
            continue;
        }
        let last = q == "PATH=VALUE" && set;
        if q == "PATH=VALUE" && !set {
            p.send_line("properties.kubeletConfig.cpuManagerPolicy=none")
                .unwrap();
            set = true;
        } else {
            p.send_line("").unwrap();
        }
        p.exp_string(&q).unwrap();
        if last {
            break;
        }
    }
    p.exp_string("Plan for node pool rg1/c1/acl1").unwrap();
    p.exp_string("\"osSKU\": \"AzureContainerLinux\"").unwrap();
    p.exp_string("Proceed with").unwrap();
    p.send_line("").unwrap();
    p.exp_string("The same, scripted:").unwrap();
    let (_, line) = p.exp_regex(r"aksos [^\r\n]*nodepool add[^\r\n]*").unwrap();
    // It repeats the global flags the wizard ran with, so it targets the same place.
    assert!(
        line.contains(&format!("--arm-endpoint {}", emu.url)),
        "{line}"
    );
    let line = line[line.find("nodepool add").unwrap()..].to_string();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);

    let sent = puts(&emu);
    assert_eq!(sent.len(), seeded + 1, "{sent:?}");
    let (path, body) = sent.last().unwrap().clone();
    assert!(
        path.ends_with("/managedClusters/c1/agentPools/acl1"),
        "{path}"
    );
    assert_eq!(body["properties"]["osSKU"], "AzureContainerLinux");
    assert_eq!(body["properties"]["count"], 2);
    assert_eq!(body["properties"]["mode"], "User");
    assert_eq!(
        body["properties"]["kubeletConfig"]["cpuManagerPolicy"],
        "none"
    );
    assert!(line.contains("--set"), "{line}");

    // The printed command, run for real on a fresh emulator with the same
    // cluster, sends the same PUT body.
    let fresh = emulator();
    seed_cluster(&fresh);
    let args: Vec<&str> = line.split_whitespace().collect();
    let mut args = args;
    args.push("--yes");
    let out = aksos(&fresh, &args).stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{line}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (fresh_path, fresh_body) = puts(&fresh).last().unwrap().clone();
    assert_eq!(fresh_path, path);
    assert_eq!(fresh_body, body);
}

#[test]
fn an_invalid_pool_name_is_rejected_at_the_prompt_and_ctrl_c_sends_nothing() {
    let emu = emulator();
    seed_cluster(&emu);
    let writes = emu.writes().len();

    let mut p = wizard(&emu);
    answer_needs(&mut p);
    pick_existing_cluster(&mut p);
    p.send_line("Pool_1").unwrap();
    p.exp_string("is not a valid node pool name").unwrap();
    p.send_line("ok1").unwrap();
    p.exp_string("VM size").unwrap();
    key(&mut p, "\x03"); // Ctrl-C
    p.exp_string("nothing was sent").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(emu.writes().len(), writes, "{:?}", emu.writes());
}

#[test]
fn esc_at_the_first_question_sends_nothing() {
    let emu = emulator();
    let mut p = wizard(&emu);
    p.exp_string("Where do your clusters run?").unwrap();
    key(&mut p, "\x1b");
    p.exp_string("nothing was sent").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert!(emu.shared.requests().is_empty());
}

#[test]
fn off_a_terminal_it_refuses_and_names_the_scripted_commands() {
    let emu = emulator();
    let out = aksos(&emu, &["wizard"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for cmd in [
        "aksos recommend",
        "aksos cluster create",
        "aksos nodepool add",
    ] {
        assert!(err.contains(cmd), "{err}");
    }
    assert!(emu.shared.requests().is_empty());
}

#[test]
fn creates_a_new_cluster_when_the_subscription_has_none() {
    let emu = emulator();
    let mut p = wizard(&emu);
    answer_needs(&mut p);
    p.exp_string("No clusters in this subscription yet")
        .unwrap();
    p.exp_string("Resource group").unwrap();
    p.send_line("rgnew").unwrap();
    p.exp_string("Cluster name").unwrap();
    p.send_line("-bad-").unwrap();
    p.exp_string("is not a valid cluster name").unwrap();
    p.send_line("fresh1").unwrap();
    p.exp_string("Region").unwrap();
    p.send_line("").unwrap(); // eastus
    p.exp_string("Kubernetes version").unwrap();
    p.send_line("").unwrap(); // the newest the OS supports
    p.exp_string("VM size").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Node count (system pool)").unwrap();
    p.send_line("").unwrap();
    p.exp_string("Production settings").unwrap();
    p.send_line("").unwrap(); // No (the default)
    p.exp_string("Plan for cluster rgnew/fresh1").unwrap();
    p.exp_string("Proceed with").unwrap();
    p.send_line("").unwrap();
    p.exp_string("The same, scripted:").unwrap();
    p.exp_regex(r"aksos [^\r\n]*cluster create -g rgnew -n fresh1 -l eastus")
        .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);

    let sent = puts(&emu);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (path, body) = &sent[0];
    assert!(
        path.ends_with(
            "/resourceGroups/rgnew/providers/Microsoft.ContainerService/managedClusters/fresh1"
        ),
        "{path}"
    );
    let pool = &body["properties"]["agentPoolProfiles"][0];
    assert_eq!(pool["osSKU"], "AzureContainerLinux");
    assert_eq!(pool["mode"], "System");
    assert_eq!(pool["securityProfile"]["enableSecureBoot"], true);
    assert_eq!(body["properties"]["kubernetesVersion"], "1.36");
    assert_eq!(
        body["properties"]["autoUpgradeProfile"]["nodeOSUpgradeChannel"],
        "NodeImage"
    );
}

#[test]
fn a_taken_pool_name_is_refused_at_its_prompt_and_an_unsuitable_cluster_is_not_offered() {
    let emu = emulator();
    seed_cluster(&emu); // rg1/c1 on AzureContainerLinux, system pool nodepool1
    let out = aksos(
        &emu,
        &[
            "cluster",
            "create",
            "-g",
            "rg1",
            "-n",
            "c2",
            "-l",
            "eastus",
            "--os-sku",
            "Ubuntu",
            "--node-os-upgrade-channel",
            "SecurityPatch",
        ],
    )
    .stdin(Stdio::null())
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let writes = emu.writes().len();

    let mut p = wizard(&emu);
    answer_needs(&mut p);
    // c2's channel does not suit Azure Container Linux: not offered, and the
    // complete command that makes it suit is shown.
    p.exp_string("Not offered").unwrap();
    p.exp_string("rg1/c2: AzureContainerLinux needs the cluster's node OS upgrade channel")
        .unwrap();
    p.exp_string("and it is SecurityPatch").unwrap();
    p.exp_string("az aks update -g rg1 -n c2 --node-os-upgrade-channel NodeImage")
        .unwrap();
    p.exp_string("New cluster, or a node pool on AzureContainerLinux?")
        .unwrap();
    key(&mut p, "\x1b[B");
    p.send_line("").unwrap();
    let picker = p.exp_string("Node pool name").unwrap();
    assert!(picker.contains("node pool on rg1/c1"), "{picker}");
    assert!(!picker.contains("node pool on rg1/c2"), "{picker}");
    assert!(
        !picker.contains("?:"),
        "prompts end in `?`, not `?:`: {picker}"
    );
    // The pool name is checked against the cluster's pools at its prompt, not
    // after every other answer.
    p.send_line("nodepool1").unwrap();
    p.exp_string("rg1/c1 already has a node pool `nodepool1`")
        .unwrap();
    key(&mut p, "\x03"); // Ctrl-C
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert_eq!(emu.writes().len(), writes, "{:?}", emu.writes());
}
