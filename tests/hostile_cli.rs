//! aksos against a hostile endpoint ([`hostile::Hostile`] on loopback): a server
//! that echoes the bearer token, sends escape sequences, never ends a body,
//! loops its paging or throttles forever. Whatever it does, aksos must not
//! print the token or a control character, and must end with a clear error and
//! the documented exit code, within `--timeout` and in bounded memory.

mod common;
#[path = "common/hostile.rs"]
mod hostile;

use hostile::{Hostile, Mode};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
/// Not JWT-shaped: only its registration can hide it.
const TOKEN: &str = "hostile-secret-token-0123456789abcdef";

/// One run of the binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    /// Peak resident memory of the process (kB), from /proc while it ran.
    peak_kb: u64,
}

impl Run {
    fn dump(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            self.stdout.escape_debug(),
            self.stderr.escape_debug()
        )
    }

    /// No token, no escape, no control character but newline and tab.
    fn assert_clean(&self) {
        for (name, text) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            assert!(!text.contains(TOKEN), "token in {name}: {}", self.dump());
            let bad: Vec<char> = text
                .chars()
                .filter(|&c| {
                    (c.is_control() && c != '\n' && c != '\t')
                        || ('\u{202a}'..='\u{202e}').contains(&c)
                })
                .collect();
            assert!(
                bad.is_empty(),
                "control characters {bad:?} in {name}: {}",
                self.dump()
            );
        }
    }
}

/// Runs aksos with the token and the endpoint; kills it after a safety net of
/// 90 s (a hang fails the test rather than the suite).
fn aksos(endpoint: &str, args: &[&str]) -> Run {
    aksos_env(endpoint, args, &[])
}

fn aksos_env(endpoint: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aksos"));
    cmd.env("AKSOS_ACCESS_TOKEN", TOKEN)
        .env("AKSOS_TODAY", "2026-11-24")
        .env("NO_COLOR", "1")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .env_remove("AKSOS_SANDBOX_STATE")
        .env_remove("AKSOS_SANDBOX_FAULTS")
        .envs(env.iter().copied())
        .args(["--auth", "token", "--subscription", SUB])
        .args(["--arm-endpoint", endpoint])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("aksos runs");
    let pid = child.id();
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let mut peak_kb = 0;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("aksos {args:?} still running after 90 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&t_out.join().expect("stdout")).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().expect("stderr")).into_owned(),
        peak_kb,
    };
    if std::env::var_os("HOSTILE_SHOW").is_some() {
        eprintln!(
            "=== aksos {args:?} ({:?}, peak {} kB)\n{}",
            start.elapsed(),
            run.peak_kb,
            run.dump()
        );
    }
    run
}

const SHOW: &[&str] = &["cluster", "show", "-g", "rg1", "-n", "c1"];
const POOLS: &[&str] = &["nodepool", "list", "-g", "rg1", "--cluster", "c1"];

fn with(base: &[&str], extra: &[&'static str]) -> Vec<&'static str> {
    // Leaking is fine in a test: the args live as long as the process.
    let mut v: Vec<&'static str> = base
        .iter()
        .map(|s| &*Box::leak(s.to_string().into_boxed_str()))
        .collect();
    v.extend_from_slice(extra);
    v
}

#[test]
fn an_echoed_token_is_never_printed_in_text_json_or_logs() {
    let h = Hostile::start(Mode::EchoError);
    for extra in [
        &[][..],
        &["-o", "json"],
        &["-v"],
        &["-vv"],
        &["-v", "-o", "json"],
    ] {
        let r = aksos(&h.url, &with(SHOW, extra));
        assert_eq!(r.code, 4, "{}", r.dump());
        assert!(r.stderr.contains("InvalidRequest"), "{}", r.dump());
        assert!(r.stderr.contains("<redacted>"), "{}", r.dump());
        r.assert_clean();
    }
    // The server really was sent the token, so the test means something.
    assert!(h
        .requests()
        .iter()
        .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {TOKEN}"))));
}

#[test]
fn a_token_echoed_in_a_success_body_is_never_printed() {
    let h = Hostile::start(Mode::EchoOk);
    for extra in [&[][..], &["-o", "json"], &["-v"]] {
        let r = aksos(&h.url, &with(POOLS, extra));
        assert_eq!(r.code, 0, "{}", r.dump());
        r.assert_clean();
    }
    let r = aksos(&h.url, &with(POOLS, &["-o", "json"]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert!(v[0]["name"].as_str().unwrap().contains("<redacted>"), "{v}");
}

#[test]
fn escape_sequences_from_the_server_never_reach_the_terminal() {
    let h = Hostile::start(Mode::EscapesError);
    for extra in [&[][..], &["-o", "json"], &["-v"]] {
        let r = aksos(&h.url, &with(SHOW, extra));
        assert_eq!(r.code, 4, "{}", r.dump());
        // The text around the sequences survives.
        assert!(r.stderr.contains("BadCode"), "{}", r.dump());
        r.assert_clean();
    }
    let h = Hostile::start(Mode::EscapesOk);
    for extra in [&[][..], &["-o", "json"], &["-v"]] {
        let r = aksos(&h.url, &with(POOLS, extra));
        assert_eq!(r.code, 0, "{}", r.dump());
        r.assert_clean();
    }
    let r = aksos(&h.url, POOLS);
    assert!(r.stdout.contains("p"), "{}", r.dump());
}

#[test]
fn an_endless_body_fails_fast_with_exit_4_in_bounded_memory() {
    let h = Hostile::start(Mode::EndlessBody);
    let r = aksos(&h.url, &with(SHOW, &["--timeout", "60s"]));
    assert_eq!(r.code, 4, "{}", r.dump());
    assert!(r.stderr.contains("ResponseTooLarge"), "{}", r.dump());
    assert!(r.stderr.contains("32 MiB"), "{}", r.dump());
    r.assert_clean();
    // 32 MiB of body plus the program: far below what an unbounded read reaches.
    assert!(
        r.peak_kb < 400 * 1024,
        "peak memory {} kB: {}",
        r.peak_kb,
        r.dump()
    );
    // Not retried: one request.
    assert_eq!(h.requests().len(), 1);
}

#[test]
fn a_next_link_loop_is_detected() {
    let h = Hostile::start(Mode::NextLinkLoop);
    let r = aksos(&h.url, &with(POOLS, &["--timeout", "60s"]));
    assert_eq!(r.code, 4, "{}", r.dump());
    assert!(r.stderr.contains("PagingLoop"), "{}", r.dump());
    assert!(r.stderr.contains("already read"), "{}", r.dump());
    r.assert_clean();
    assert!(h.requests().len() <= 3, "{:?}", h.requests());
}

#[test]
fn endless_paging_stops_at_the_page_cap() {
    let h = Hostile::start(Mode::NextLinkEndless);
    let r = aksos(&h.url, &with(POOLS, &["--timeout", "80s"]));
    assert_eq!(r.code, 4, "{}", r.dump());
    assert!(r.stderr.contains("TooManyPages"), "{}", r.dump());
    assert_eq!(h.requests().len(), 1000);
}

#[test]
fn endless_paging_stops_at_the_deadline() {
    // A slow loop of new links: the deadline ends it before the page cap.
    let h = Hostile::start(Mode::NextLinkEndless);
    let r = aksos(&h.url, &with(POOLS, &["--timeout", "1s"]));
    if r.code == 4 {
        // The machine was fast enough to read 1000 pages in a second.
        assert!(r.stderr.contains("TooManyPages"), "{}", r.dump());
    } else {
        assert_eq!(r.code, 5, "{}", r.dump());
        assert!(r.stderr.contains("--timeout"), "{}", r.dump());
    }
}

#[test]
fn a_huge_retry_after_stops_at_once_and_says_throttled() {
    let in_a_day = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let http_date = in_a_day
        .format(time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ))
        .unwrap();
    for after in ["999999".to_string(), http_date] {
        let h = Hostile::start(Mode::Throttle(after.clone()));
        let r = aksos(&h.url, &with(SHOW, &["--timeout", "20s"]));
        assert_eq!(r.code, 5, "Retry-After {after}: {}", r.dump());
        assert!(
            r.stderr.contains("throttled by ARM (HTTP 429)"),
            "{}",
            r.dump()
        );
        assert!(r.stderr.contains("asked to wait"), "{}", r.dump());
        assert!(!r.stderr.contains("too slowly"), "{}", r.dump());
        r.assert_clean();
        // It did not wait for a retry it could never make.
        assert_eq!(h.requests().len(), 1, "Retry-After {after}");
    }
}

#[test]
fn throttling_until_the_deadline_says_so() {
    // Retry-After 1 s, forever: retried until --timeout, then named as throttling.
    let h = Hostile::start(Mode::Throttle("1".into()));
    let r = aksos(&h.url, &with(SHOW, &["--timeout", "3s"]));
    assert_eq!(r.code, 5, "{}", r.dump());
    assert!(r.stderr.contains("HTTP 429"), "{}", r.dump());
    assert!(r.stderr.contains("throttl"), "{}", r.dump());
    assert!(h.requests().len() >= 2, "retried: {:?}", h.requests());
}

#[test]
fn a_conflict_forever_ends_at_the_deadline_with_exit_5() {
    use aksos::emulator::Background;
    let emu = Background::start(common::fast());
    let create = [
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
        "--yes",
    ];
    let r = aksos(&emu.url, &create);
    assert_eq!(r.code, 0, "{}", r.dump());
    let emu = Background::with_state(emu.shared.state(), common::fast_with("conflict=100000"));
    let add = [
        "nodepool",
        "add",
        "-g",
        "rg1",
        "--cluster",
        "c1",
        "-n",
        "np2",
        "--os-sku",
        "AzureContainerLinux",
        "--yes",
        "--timeout",
        "3s",
    ];
    let r = aksos(&emu.url, &add);
    assert_eq!(r.code, 5, "{}", r.dump());
    r.assert_clean();
}

#[test]
fn userinfo_in_the_endpoint_is_refused_and_the_password_never_echoed() {
    let h = Hostile::start(Mode::EchoError);
    let port = h.url.rsplit(':').next().unwrap().to_string();
    let with_pw = format!("http://user:hunter2pw@127.0.0.1:{port}");
    let r = aksos(&with_pw, SHOW);
    assert_eq!(r.code, 2, "{}", r.dump());
    assert!(r.stderr.contains("--arm-endpoint"), "{}", r.dump());
    assert!(
        !(r.stdout.clone() + &r.stderr).contains("hunter2pw"),
        "{}",
        r.dump()
    );
    // The same from the environment, and `--help` does not show it either.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aksos"));
    let out = cmd
        .env("AKSOS_ACCESS_TOKEN", TOKEN)
        .env("AKSOS_ARM_ENDPOINT", &with_pw)
        .args(["--auth", "token", "--subscription", SUB])
        .args(SHOW)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("hunter2pw"));
    let help = Command::new(env!("CARGO_BIN_EXE_aksos"))
        .env("AKSOS_ARM_ENDPOINT", &with_pw)
        .arg("--help")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("hunter2pw"));
    assert!(h.requests().is_empty(), "nothing sent");
}
