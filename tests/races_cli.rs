//! Races and Ctrl-C, end to end with the real binary:
//!
//! - two `nodepool add -n dup` with different settings on one cluster: exactly
//!   one succeeds, the pool keeps the winner's settings, the loser is refused
//!   (creates carry `If-None-Match: *`; after a 409/412 the loser plans again);
//! - ten concurrent `--sandbox nodepool add` leave ten pools (the sandbox state
//!   is locked, re-read and written atomically);
//! - a sandbox state of valid JSON with the wrong types is exit 2 naming the
//!   file and `aksos sandbox --reset`, not a panic;
//! - Ctrl-C during the 409 wait-out (after a finished feature wait) exits 130
//!   with no write after the signal; `apply` interrupted exits 130 and lists the
//!   rows that were done.
//!
//! Waits on the child processes are bounded safety nets, never assertions.

mod common;

use aksos::emulator::state::State;
use aksos::emulator::Background;
use common::*;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// An emulator with cluster rg1/c1 (AzureContainerLinux, Kubernetes 1.36)
/// already created, running with `spec` faults from then on.
fn with_cluster(spec: &str) -> Background {
    let seed = Background::start(fast());
    run(
        &seed,
        "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux --kubernetes-version 1.36",
    )
    .ok();
    // Let the cluster's operation finish before its state is copied.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let st = seed.shared.state();
        let done = st.clusters.values().all(|c| {
            c.body["properties"]["provisioningState"]
                .as_str()
                .is_some_and(|s| s == "Succeeded")
        }) && !st.clusters.is_empty();
        if done || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Background::with_state(seed.shared.state(), fast_with(spec))
}

/// The binary as a child process against `emu` (stdout/stderr piped).
fn spawn(emu: &Background, args: &[&str]) -> Child {
    let bin = assert_cmd::cargo::cargo_bin("aksos");
    std::process::Command::new(bin)
        .env("AKSOS_ACCESS_TOKEN", "t")
        .env("AKSOS_TODAY", "2026-11-24")
        .env("NO_COLOR", "1")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .env_remove("AKSOS_SANDBOX_FAULTS")
        .args(["--arm-endpoint", &emu.url, "--subscription", SUB])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aksos starts")
}

/// Waits (bounded) until `cond` holds on the emulator's recorded requests.
fn wait_until(emu: &Background, what: &str, cond: impl Fn(&[aksos::emulator::Recorded]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond(&emu.shared.requests()) {
        assert!(Instant::now() < deadline, "never saw: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn sigint(child: &Child) {
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "SIGINT delivered");
}

/// Exit code, stdout and stderr of a child, killed if it outlives the safety net.
fn finish(mut child: Child) -> (i32, String, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn pool_count(st: &State, pool: &str) -> Option<u64> {
    st.clusters.values().next()?.pools.get(pool)?["properties"]["count"].as_u64()
}

#[test]
fn of_two_racing_creates_exactly_one_succeeds_and_nothing_is_overwritten() {
    // The first PUT meets one 409: its run waits, then must plan again rather
    // than re-send its body over whatever appeared meanwhile.
    let emu = with_cluster("conflict=1");
    let a = spawn(
        &emu,
        &[
            "nodepool",
            "add",
            "-g",
            "rg1",
            "--cluster",
            "c1",
            "-n",
            "dup",
            "--os-sku",
            "Ubuntu",
            "--node-count",
            "1",
        ],
    );
    wait_until(&emu, "the first PUT refused with 409", |r| {
        r.iter().any(|q| q.method == "PUT" && q.status == 409)
    });
    let b = spawn(
        &emu,
        &[
            "nodepool",
            "add",
            "-g",
            "rg1",
            "--cluster",
            "c1",
            "-n",
            "dup",
            "--os-sku",
            "Ubuntu",
            "--node-count",
            "2",
        ],
    );
    let (a, b) = (finish(a), finish(b));
    let dump = format!(
        "A exit {}\n{}\n{}\nB exit {}\n{}\n{}",
        a.0, a.1, a.2, b.0, b.1, b.2
    );
    let winners: Vec<u64> = [(&a, 1), (&b, 2)]
        .iter()
        .filter(|(r, _)| r.0 == 0)
        .map(|(_, count)| *count)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one succeeds:\n{dump}");
    let loser = if a.0 == 0 { &b } else { &a };
    assert_eq!(loser.0, 2, "the loser is refused:\n{dump}");
    assert!(
        loser.2.contains("already exists with different settings") && loser.2.contains("dup"),
        "the loser names the pool it would have overwritten:\n{dump}"
    );
    assert_eq!(
        pool_count(&emu.shared.state(), "dup"),
        Some(winners[0]),
        "the pool has the winner's settings:\n{dump}"
    );
    let accepted: Vec<_> = emu
        .shared
        .requests()
        .into_iter()
        .filter(|q| q.method == "PUT" && q.path.ends_with("/agentPools/dup") && q.status < 300)
        .collect();
    assert_eq!(accepted.len(), 1, "one accepted PUT of the pool:\n{dump}");
}

#[test]
fn ten_concurrent_sandbox_writers_leave_ten_pools() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let sandbox = |args: &[&str]| {
        let bin = assert_cmd::cargo::cargo_bin("aksos");
        std::process::Command::new(bin)
            .env("AKSOS_SANDBOX_STATE", &state)
            .env(
                "AKSOS_SANDBOX_FAULTS",
                "op-delay=0ms,reg-delay=0ms,provider-delay=0ms,retry-after=0",
            )
            .env("AKSOS_TODAY", "2026-11-24")
            .env("NO_COLOR", "1")
            .env_remove("AKSOS_ACCESS_TOKEN")
            .env_remove("AZURE_SUBSCRIPTION_ID")
            .arg("--sandbox")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("aksos starts")
    };
    let (code, out, err) = finish(sandbox(&[
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
        "--kubernetes-version",
        "1.36",
    ]));
    assert_eq!(code, 0, "{out}\n{err}");
    let children: Vec<Child> = (0..10)
        .map(|i| {
            let name = format!("pool{i}");
            sandbox(&[
                "nodepool",
                "add",
                "-g",
                "rg1",
                "--cluster",
                "c1",
                "-n",
                &name,
                "--os-sku",
                "Ubuntu",
            ])
        })
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        let (code, out, err) = finish(c);
        assert_eq!(code, 0, "writer {i}:\n{out}\n{err}");
    }
    let st = State::load(&state).expect("state readable");
    let pools = &st.clusters.values().next().expect("the cluster").pools;
    for i in 0..10 {
        assert!(
            pools.contains_key(&format!("pool{i}")),
            "pool{i} kept: {:?}",
            pools.keys()
        );
    }
    assert_eq!(
        pools.len(),
        11,
        "ten pools and the system pool: {:?}",
        pools.keys()
    );
}

#[test]
fn a_wrong_typed_sandbox_state_is_exit_2_naming_the_file_and_the_reset() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let wrong = [
        // Valid JSON, valid to serde, wrong shape: a cluster body that is a string.
        r#"{"features":{},"providers":{},"operations":{},"clusters":{"s/rg1/c1":{"body":"oops","pools":{}}}}"#,
        // Wrong types serde sees.
        r#"{"features":[1,2],"providers":{},"clusters":{},"operations":{}}"#,
        r#"{"features":{},"providers":{},"clusters":{"k":{"body":{},"pools":{"p":7}}},"operations":{}}"#,
    ];
    for text in wrong {
        std::fs::write(&state, text).unwrap();
        let out = command()
            .env("AKSOS_SANDBOX_STATE", &state)
            .env_remove("AKSOS_ACCESS_TOKEN")
            .args([
                "--sandbox",
                "nodepool",
                "list",
                "-g",
                "rg1",
                "--cluster",
                "c1",
            ])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(
            err.contains(&state.display().to_string()),
            "names the file: {err}"
        );
        assert!(
            err.contains("aksos sandbox --reset"),
            "says how to fix it: {err}"
        );
        assert!(!err.contains("panicked"), "no panic: {err}");
    }
}

#[test]
fn ctrl_c_in_the_409_wait_out_exits_130_with_no_write_after_it() {
    // 409 forever on writes to the cluster; the pool's OS needs a feature, so
    // the feature wait has finished by the time the wait-out starts.
    let emu = with_cluster("conflict=100000");
    let child = spawn(
        &emu,
        &[
            "nodepool",
            "add",
            "-g",
            "rg1",
            "--cluster",
            "c1",
            "-n",
            "np2",
            "--os-sku",
            "Ubuntu2604",
        ],
    );
    wait_until(&emu, "a PUT refused with 409", |r| {
        r.iter().any(|q| q.method == "PUT" && q.status == 409)
    });
    let at_signal = emu.shared.requests().len();
    sigint(&child);
    let (code, out, err) = finish(child);
    let all = emu.shared.requests();
    let dump = format!("exit {code}\n{out}\n{err}");
    assert!(
        all.iter()
            .any(|q| q.path.ends_with("/features/Ubuntu2604Preview/register")),
        "the feature was registered first:\n{dump}"
    );
    assert_eq!(code, 130, "{dump}");
    let late: Vec<_> = all[at_signal..]
        .iter()
        .filter(|q| q.method != "GET")
        .collect();
    assert!(late.is_empty(), "no write after Ctrl-C: {late:?}\n{dump}");
    assert_eq!(err.matches("interrupted").count(), 1, "said once:\n{dump}");
    assert!(
        err.contains("np2 was not sent"),
        "says what (not) runs:\n{dump}"
    );
    assert!(
        err.contains("feature Ubuntu2604Preview registered"),
        "says what was done:\n{dump}"
    );
}

#[test]
fn apply_interrupted_exits_130_and_lists_the_rows_done() {
    // Each operation takes 5 s: Ctrl-C lands in the second pool's wait.
    let emu = with_cluster("op-delay=5s");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.yaml");
    std::fs::write(
        &file,
        "clusters:
  - resourceGroup: rg1
    name: c1
    location: eastus
    kubernetesVersion: \"1.36\"
    systemPool:
      name: np1
      osSku: AzureContainerLinux
    nodePools:
      - name: first
        osSku: Ubuntu
      - name: second
        osSku: Ubuntu
      - name: third
        osSku: Ubuntu
",
    )
    .unwrap();
    let child = spawn(&emu, &["apply", "-f", file.to_str().unwrap()]);
    wait_until(&emu, "the PUT of the second pool", |r| {
        r.iter()
            .any(|q| q.method == "PUT" && q.path.ends_with("/agentPools/second") && q.status < 300)
    });
    let at_signal = emu.shared.requests().len();
    sigint(&child);
    let (code, out, err) = finish(child);
    let dump = format!("exit {code}\n--- stdout\n{out}\n--- stderr\n{err}");
    assert_eq!(code, 130, "{dump}");
    let row = |name: &str| {
        out.lines()
            .find(|l| l.contains(&format!("nodepool {name} ")))
            .unwrap_or_else(|| panic!("a row for {name}:\n{dump}"))
            .to_string()
    };
    assert!(row("first").contains("created"), "{dump}");
    assert!(row("second").contains("interrupted"), "{dump}");
    assert!(row("third").contains("interrupted"), "{dump}");
    let late: Vec<_> = emu.shared.requests()[at_signal..]
        .iter()
        .filter(|q| q.method != "GET")
        .cloned()
        .collect();
    assert!(late.is_empty(), "no write after Ctrl-C: {late:?}\n{dump}");
    assert!(err.contains("1 created before Ctrl-C"), "{dump}");
}

#[test]
fn the_409_wait_out_stops_at_the_timeout_with_exit_5() {
    let emu = with_cluster("conflict=100000");
    let out = run(
        &emu,
        "--timeout 2s nodepool add -g rg1 --cluster c1 -n np2 --os-sku Ubuntu",
    );
    assert_eq!(out.code, 5, "{}", out.dump());
    assert!(out.stderr.contains("timed out"), "{}", out.dump());
    assert!(
        out.stderr
            .contains("np2 could be sent (nothing of it was sent)"),
        "{}",
        out.dump()
    );
    assert!(out.puts().iter().all(|p| p.status == 409), "{}", out.dump());
}
