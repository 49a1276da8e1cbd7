//! Helpers shared by the integration tests that run the binary against the
//! loopback emulator: fast emulator timings, running `aksos` with the global
//! flags pinned, and the outcome of one run (exit code, output, and the requests
//! the emulator recorded during that run only).
#![allow(dead_code)] // each test crate uses its own subset

use aksos::emulator::faults::Faults;
use aksos::emulator::{Background, Recorded};
use assert_cmd::Command;
use serde_json::Value;
use std::time::Duration;

pub const SUB: &str = "00000000-0000-0000-0000-000000000000";

/// Emulator timings short enough for a test, long enough to be polled.
pub fn fast() -> Faults {
    Faults {
        retry_after: 0,
        op_delay: Duration::from_millis(100),
        reg_delay: Duration::from_millis(100),
        provider_delay: Duration::from_millis(50),
        ..Faults::default()
    }
}

pub fn fast_with(spec: &str) -> Faults {
    fast().parse_onto(spec).expect("fault spec")
}

/// One run of the binary.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// What the emulator recorded during this run only.
    pub requests: Vec<Recorded>,
}

impl Out {
    pub fn writes(&self) -> Vec<&Recorded> {
        self.requests.iter().filter(|r| r.method != "GET").collect()
    }
    pub fn puts(&self) -> Vec<&Recorded> {
        self.requests.iter().filter(|r| r.method == "PUT").collect()
    }
    /// The one accepted PUT of the run.
    pub fn put(&self) -> &Recorded {
        let ok: Vec<_> = self.puts().into_iter().filter(|r| r.status < 300).collect();
        assert_eq!(ok.len(), 1, "one accepted PUT expected: {}", self.dump());
        ok[0]
    }
    pub fn dump(&self) -> String {
        let reqs: Vec<String> = self
            .requests
            .iter()
            .map(|r| format!("{} {} {}", r.method, r.path, r.status))
            .collect();
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}\n--- requests\n{}",
            self.code,
            self.stdout,
            self.stderr,
            reqs.join("\n")
        )
    }
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "{}", self.dump());
        self
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.dump()))
    }
    /// Exit 2 naming `flag`, and nothing written.
    pub fn usage(self, flag: &str) -> Out {
        assert_eq!(self.code, 2, "{}", self.dump());
        assert!(self.stderr.contains(flag), "names {flag}: {}", self.dump());
        assert!(self.writes().is_empty(), "nothing written: {}", self.dump());
        self
    }
}

/// The binary with a token, the clock pinned, and no ambient Azure settings.
pub fn command() -> Command {
    let mut cmd = Command::cargo_bin("aksos").expect("binary builds");
    cmd.env("AKSOS_ACCESS_TOKEN", "t")
        .env("AKSOS_TODAY", "2026-11-24")
        .env("NO_COLOR", "1")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .env_remove("AKSOS_SANDBOX_FAULTS")
        .timeout(Duration::from_secs(60));
    cmd
}

/// Runs aksos against `emu` with the global flags unless the args carry their own.
pub fn run_args(emu: &Background, args: &[String]) -> Out {
    let before = emu.shared.requests().len();
    let mut cmd = command();
    if !args.iter().any(|a| a.starts_with("--arm-endpoint")) {
        cmd.args(["--arm-endpoint", &emu.url]);
    }
    if !args.iter().any(|a| a.starts_with("--subscription")) {
        cmd.args(["--subscription", SUB]);
    }
    let out = cmd.args(args).output().expect("aksos runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        requests: emu.shared.requests().split_off(before),
    }
}

/// `line` is split on whitespace.
pub fn run(emu: &Background, line: &str) -> Out {
    let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    run_args(emu, &args)
}
