//! Issue 8, the fault matrix: every network-facing command against every fault
//! the loopback ARM emulator can inject (plus a closed port), table-driven.
//!
//! Each cell starts its own emulator holding a copy of one seeded state (cluster
//! `c1` on Azure Container Linux 1.36 with a retired Flatcar pool `flat`, built
//! once through the CLI against a fault-free emulator), runs the real binary and
//! checks what a person would notice:
//! - the exit code (0 ok, 3 auth, 4 Azure rejected / failed, 5 timed out);
//! - stderr says what happened in words (an error code or the words that matter,
//!   and the "next:" / "check it later with:" hint where the tool has one);
//! - the token never appears in stdout or stderr;
//! - nothing was lost or clobbered: no DELETE, every cluster and pool that
//!   existed before still exists with the same osSKU (migrate may move `flat`
//!   to its successor, nothing else);
//! - when a write was accepted before a failure, stderr says what was done.
//!
//! Cells where a fault cannot happen (no long-running operation, no write, no
//! feature to register) are `Na` with the reason. All cells run on a few threads
//! and the matrix of exit codes is printed (`--nocapture` to see it).

use aksos::emulator::faults::Faults;
use aksos::emulator::state::State;
use aksos::emulator::{Background, Recorded};
use assert_cmd::Command;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
/// Distinctive enough that finding it in any output means the token leaked.
const TOKEN: &str = "tok-SECRET-123";
const THREADS: usize = 4;

// ------------------------------------------------------------------ the table

/// The network-facing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    FeatureShow,
    FeatureRegister,
    ProviderRegister,
    ClusterCreate,
    ClusterShow,
    NodepoolAdd,
    NodepoolList,
    Scan,
    Migrate,
}

impl Cmd {
    fn line(self) -> &'static str {
        match self {
            Cmd::FeatureShow => "feature show AKSFlatcarPreview",
            Cmd::FeatureRegister => "feature register AKSFlatcarPreview --wait --refresh-provider",
            Cmd::ProviderRegister => "provider register --wait",
            Cmd::ClusterCreate => {
                "cluster create -g rg1 -n c9 -l eastus --os-sku AzureContainerLinux"
            }
            Cmd::ClusterShow => "cluster show -g rg1 -n c1",
            Cmd::NodepoolAdd => "nodepool add -g rg1 --cluster c1 -n np9 --os-sku Ubuntu2604",
            Cmd::NodepoolList => "nodepool list -g rg1 --cluster c1",
            Cmd::Scan => "scan",
            Cmd::Migrate => "migrate -g rg1 --cluster c1 --pool flat --yes",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Cmd::FeatureShow => "feature show",
            Cmd::FeatureRegister => "feature register",
            Cmd::ProviderRegister => "provider register",
            Cmd::ClusterCreate => "cluster create",
            Cmd::ClusterShow => "cluster show",
            Cmd::NodepoolAdd => "nodepool add",
            Cmd::NodepoolList => "nodepool list",
            Cmd::Scan => "scan",
            Cmd::Migrate => "migrate",
        }
    }

    /// The seeded state, adjusted so the command has work to do.
    fn state(self, seed: &State) -> State {
        let mut st = seed.clone();
        if self == Cmd::FeatureRegister {
            // Seeding the Flatcar pool registered the flag; start from NotRegistered.
            st.features
                .retain(|k, _| !k.to_ascii_lowercase().contains("aksflatcarpreview"));
        }
        st
    }
}

/// The faults, one column each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// A burst of 429s with `Retry-After: 0`.
    Throttle,
    /// Two 503s.
    Unavailable,
    /// Nothing listens on the endpoint's port.
    Refused,
    /// Two responses whose body breaks off (connection reset mid-body).
    ResetFew,
    /// Every response breaks off mid-body.
    ResetMany,
    /// Every answer takes 3 s; `--timeout 1s`.
    Slow,
    /// The first successful GET answers broken JSON.
    Malformed,
    /// A proxy answers its HTML error page, more often than retries cover.
    Html,
    /// Long-running operations end Failed.
    LroFailed,
    /// Long-running operations end Canceled.
    LroCanceled,
    /// Feature registrations never finish; `--timeout 2s`.
    Stuck,
    /// The token expires part-way (401 ExpiredAuthenticationToken).
    Expired,
    /// The first cluster write gets 409 OperationNotAllowed.
    Conflict,
}

const FAULTS: [Fault; 13] = [
    Fault::Throttle,
    Fault::Unavailable,
    Fault::Refused,
    Fault::ResetFew,
    Fault::ResetMany,
    Fault::Slow,
    Fault::Malformed,
    Fault::Html,
    Fault::LroFailed,
    Fault::LroCanceled,
    Fault::Stuck,
    Fault::Expired,
    Fault::Conflict,
];

impl Fault {
    fn label(self) -> &'static str {
        match self {
            Fault::Throttle => "429x3",
            Fault::Unavailable => "503x2",
            Fault::Refused => "refused",
            Fault::ResetFew => "reset x2",
            Fault::ResetMany => "reset x50",
            Fault::Slow => "slow",
            Fault::Malformed => "bad JSON",
            Fault::Html => "HTML",
            Fault::LroFailed => "LRO Failed",
            Fault::LroCanceled => "LRO Canceled",
            Fault::Stuck => "stuck",
            Fault::Expired => "401 expired",
            Fault::Conflict => "409",
        }
    }

    /// The emulator's fault spec (`Expired` gets its count per command).
    fn spec(self) -> &'static str {
        match self {
            Fault::Throttle => "throttle=3,retry-after=0",
            Fault::Unavailable => "error=2",
            Fault::Refused | Fault::Expired => "",
            Fault::ResetFew => "reset=2",
            Fault::ResetMany => "reset=50",
            Fault::Slow => "delay=6s",
            Fault::Malformed => "malformed=1",
            Fault::Html => "html=20",
            Fault::LroFailed => "fail-lro",
            Fault::LroCanceled => "cancel-lro",
            Fault::Stuck => "stuck",
            Fault::Conflict => "conflict=1",
        }
    }

    /// Global flags the cell runs with.
    fn globals(self) -> &'static [&'static str] {
        match self {
            // Two seconds: a loaded machine may take most of one second to start the
            // binary and connect, and the deadline counts from the connect.
            Fault::Slow => &["--timeout", "2s"],
            Fault::Stuck => &["--timeout", "2s"],
            _ => &[],
        }
    }
}

/// What one cell expects.
#[derive(Debug, Clone, Copy)]
enum Cell {
    /// The fault cannot happen for this command (why).
    Na(&'static str),
    /// Exit code, and words stderr must contain.
    Exit(i32, &'static [&'static str]),
}

const OK: Cell = Cell::Exit(0, &[]);
const REFUSED: Cell = Cell::Exit(
    4,
    &[
        "could not reach the ARM endpoint",
        "ConnectionFailed",
        "next: check the network path",
    ],
);
const RESET: Cell = Cell::Exit(
    4,
    &[
        "the connection to the ARM endpoint broke off",
        "ConnectionBroken",
        "no longer be retried",
        "next: check the network path",
    ],
);
const SLOW: Cell = Cell::Exit(
    5,
    &[
        "timed out",
        "RequestTimeout",
        "no answer within 2s",
        "next: the ARM endpoint answered too slowly",
    ],
);
const MALFORMED: Cell = Cell::Exit(4, &["MalformedResponse", "not the expected JSON"]);
const HTML: Cell = Cell::Exit(4, &["HTTP 502", "HTML page"]);
const FAILED: Cell = Cell::Exit(4, &["ended Failed", "VMExtensionProvisioningError"]);
const CANCELED: Cell = Cell::Exit(4, &["ended Canceled"]);
const STUCK: Cell = Cell::Exit(
    5,
    &[
        "timed out waiting for feature",
        "still be running",
        "check it later with:",
    ],
);
const EXPIRED: Cell = Cell::Exit(3, &["HTTP 401", "ExpiredAuthenticationToken", "az login"]);
const NO_LRO: Cell = Cell::Na("no long-running operation");
const NO_FEATURE: Cell = Cell::Na("no feature registration to wait for");
const NO_CLUSTER_WRITE: Cell = Cell::Na("no cluster or pool write to conflict with");

/// Commands × faults, columns in [`FAULTS`] order:
/// 429, 503, refused, reset few, reset many, slow, bad JSON, HTML,
/// LRO Failed, LRO Canceled, stuck, 401 expired, 409.
const MATRIX: [(Cmd, [Cell; 13]); 9] = [
    (
        Cmd::FeatureShow,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            NO_LRO,
            NO_LRO,
            NO_FEATURE,
            EXPIRED,
            NO_CLUSTER_WRITE,
        ],
    ),
    (
        Cmd::FeatureRegister,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            NO_LRO,
            NO_LRO,
            STUCK,
            EXPIRED,
            NO_CLUSTER_WRITE,
        ],
    ),
    (
        Cmd::ProviderRegister,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            NO_LRO,
            NO_LRO,
            Cell::Na("provider registrations are not affected by `stuck`"),
            EXPIRED,
            NO_CLUSTER_WRITE,
        ],
    ),
    (
        Cmd::ClusterCreate,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            FAILED,
            CANCELED,
            Cell::Na("Azure Container Linux needs no feature flag"),
            EXPIRED,
            OK,
        ],
    ),
    (
        Cmd::ClusterShow,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            NO_LRO,
            NO_LRO,
            NO_FEATURE,
            EXPIRED,
            NO_CLUSTER_WRITE,
        ],
    ),
    (
        Cmd::NodepoolAdd,
        [
            OK, OK, REFUSED, OK, RESET, SLOW, MALFORMED, HTML, FAILED, CANCELED, STUCK, EXPIRED, OK,
        ],
    ),
    (
        Cmd::NodepoolList,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            NO_LRO,
            NO_LRO,
            NO_FEATURE,
            EXPIRED,
            NO_CLUSTER_WRITE,
        ],
    ),
    (
        Cmd::Scan,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            NO_LRO,
            NO_LRO,
            NO_FEATURE,
            EXPIRED,
            NO_CLUSTER_WRITE,
        ],
    ),
    (
        Cmd::Migrate,
        [
            OK,
            OK,
            REFUSED,
            OK,
            RESET,
            SLOW,
            MALFORMED,
            HTML,
            FAILED,
            CANCELED,
            Cell::Na("the successor (Azure Container Linux) needs no feature flag"),
            EXPIRED,
            OK,
        ],
    ),
];

// ------------------------------------------------------------------ running

/// Emulator timings short enough for a test, long enough to be polled.
fn fast(spec: &str) -> Faults {
    Faults {
        retry_after: 0,
        op_delay: Duration::from_millis(100),
        reg_delay: Duration::from_millis(100),
        provider_delay: Duration::from_millis(50),
        ..Faults::default()
    }
    .parse_onto(spec)
    .expect("fault spec")
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    requests: Vec<Recorded>,
}

impl Out {
    fn dump(&self) -> String {
        let reqs: Vec<String> = self
            .requests
            .iter()
            .map(|r| format!("  {} {} -> {}", r.method, r.path, r.status))
            .collect();
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}\n--- requests\n{}",
            self.code,
            self.stdout,
            self.stderr,
            reqs.join("\n")
        )
    }
}

/// Runs `line` (plus `globals`) against `endpoint`; `emu` records the requests.
fn run(emu: &Background, endpoint: &str, globals: &[&str], line: &str) -> Out {
    let before = emu.shared.requests().len();
    let mut cmd = Command::cargo_bin("aksos").expect("binary builds");
    cmd.env("AKSOS_ACCESS_TOKEN", TOKEN)
        .env("AKSOS_TODAY", "2026-11-24")
        .env("NO_COLOR", "1")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .env_remove("AKSOS_SANDBOX_STATE")
        .env_remove("AKSOS_SANDBOX_FAULTS")
        .timeout(Duration::from_secs(40))
        .args(["--arm-endpoint", endpoint, "--subscription", SUB])
        .args(globals)
        .args(line.split_whitespace());
    let out = cmd.output().expect("aksos runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        requests: emu.shared.requests().split_off(before),
    }
}

/// Cluster c1 (Azure Container Linux, Kubernetes 1.36) with a retired Flatcar
/// pool `flat`, created through the CLI against a fault-free emulator, once.
fn seed() -> &'static State {
    static SEED: OnceLock<State> = OnceLock::new();
    SEED.get_or_init(|| {
        let emu = Background::start(fast(""));
        for line in [
            "cluster create -g rg1 -n c1 -l eastus --os-sku AzureContainerLinux --kubernetes-version 1.36",
            "nodepool add -g rg1 --cluster c1 -n flat --os-sku Flatcar --allow-retired",
        ] {
            let out = run(&emu, &emu.url, &[], line);
            assert_eq!(out.code, 0, "seeding `{line}`: {}", out.dump());
        }
        emu.shared.state()
    })
}

/// A port on 127.0.0.1 nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// `expire-after=K` for `cmd`: from a fault-free run, K lets the reads before
/// the first write and the write itself through (expiry mid-flow, after
/// something was done);
/// a read-only command loses its token half-way through its reads.
fn expire_after(cmd: Cmd) -> u32 {
    let emu = Background::with_state(cmd.state(seed()), fast(""));
    let out = run(&emu, &emu.url, &[], cmd.line());
    assert_eq!(out.code, 0, "reference run of {cmd:?}: {}", out.dump());
    match out.requests.iter().position(|r| r.method != "GET") {
        Some(i) => i as u32 + 1,
        None => out.requests.len() as u32 / 2,
    }
}

/// osSKU of every pool by "cluster/pool" key.
fn pools(st: &State) -> BTreeMap<String, String> {
    st.clusters
        .iter()
        .flat_map(|(ck, c)| {
            c.pools.iter().map(move |(pk, p)| {
                (
                    format!("{ck}/{pk}"),
                    p["properties"]["osSKU"].as_str().unwrap_or("?").to_string(),
                )
            })
        })
        .collect()
}

struct Result1 {
    cmd: Cmd,
    fault: Fault,
    code: Option<i32>,
    problems: Vec<String>,
    took: Duration,
}

fn check_cell(cmd: Cmd, fault: Fault, cell: Cell) -> Result1 {
    let start = Instant::now();
    let Cell::Exit(want, words) = cell else {
        return Result1 {
            cmd,
            fault,
            code: None,
            problems: vec![],
            took: start.elapsed(),
        };
    };
    let spec = match fault {
        Fault::Expired => format!("expire-after={}", expire_after(cmd)),
        other => other.spec().to_string(),
    };
    let before = cmd.state(seed());
    let emu = Background::with_state(before.clone(), fast(&spec));
    let endpoint = match fault {
        Fault::Refused => format!("http://127.0.0.1:{}", closed_port()),
        _ => emu.url.clone(),
    };
    let out = run(&emu, &endpoint, fault.globals(), cmd.line());
    let after = emu.shared.state();
    let mut problems = Vec::new();
    let mut fail = |m: String| problems.push(m);

    if out.code != want {
        fail(format!("exit {} (expected {want})", out.code));
    }
    for w in words {
        if !out.stderr.contains(w) {
            fail(format!("stderr lacks {w:?}"));
        }
    }
    if out.code != 0 {
        // Says what it was doing, on the first line, in words.
        let first = out.stderr.lines().find(|l| !l.trim().is_empty());
        if first.is_none_or(|l| l.len() < 10) {
            fail("no message on stderr".into());
        }
    }
    if (out.stdout.clone() + &out.stderr).contains(TOKEN) {
        fail("the token appears in the output".into());
    }
    if out.stderr.contains("panicked") {
        fail("panic".into());
    }
    if fault == Fault::Refused && start.elapsed() > Duration::from_secs(10) {
        fail(format!(
            "refused took {:?}: retries unbounded?",
            start.elapsed()
        ));
    }
    // The fault really happened.
    let statuses: Vec<u16> = out.requests.iter().map(|r| r.status).collect();
    let fired = match fault {
        Fault::Throttle => statuses.starts_with(&[429, 429, 429]),
        Fault::Unavailable => statuses.starts_with(&[503, 503]),
        Fault::Html => statuses.first() == Some(&502),
        Fault::Conflict => statuses.contains(&409),
        Fault::Refused => statuses.is_empty(),
        // The broken answer was retried: the same request again.
        Fault::ResetFew => {
            out.requests.len() > 2
                && out.requests[..3].iter().all(|r| {
                    (&r.method, &r.path) == (&out.requests[0].method, &out.requests[0].path)
                })
        }
        Fault::ResetMany => out.requests.len() > 3,
        Fault::Expired => statuses.contains(&401),
        _ => true,
    };
    if !fired {
        fail(format!(
            "the fault did not show in the requests: {statuses:?}"
        ));
    }
    // Nothing lost or clobbered.
    if let Some(d) = out.requests.iter().find(|r| r.method == "DELETE") {
        fail(format!("DELETE {} was sent", d.path));
    }
    let (was, now) = (pools(&before), pools(&after));
    for (k, sku) in &was {
        match now.get(k) {
            None => fail(format!("pool {k} is gone")),
            Some(s) if s == sku => {}
            Some(s)
                if cmd == Cmd::Migrate && k.ends_with("/flat") && s == "AzureContainerLinux" => {}
            Some(s) => fail(format!("pool {k} changed osSKU {sku} -> {s}")),
        }
    }
    for k in before.clusters.keys() {
        if !after.clusters.contains_key(k) {
            fail(format!("cluster {k} is gone"));
        }
    }
    // Stopped after a write was accepted: say what was done.
    // (A reset response is recorded as 200 but the request was not processed.)
    let resets = match fault {
        Fault::ResetFew => 2,
        Fault::ResetMany => usize::MAX,
        _ => 0,
    };
    let wrote = out
        .requests
        .iter()
        .skip(resets)
        .any(|r| r.method != "GET" && r.status < 300);
    if out.code != 0 && wrote && !out.stderr.contains("done before it stopped") {
        fail("a write was accepted but stderr does not say what was done".into());
    }
    if !problems.is_empty() {
        problems.push(format!("spec `{spec}`\n{}", out.dump()));
    } else if std::env::var_os("FAULT_MATRIX_SHOW").is_some() {
        println!(
            "=== {} x {} (`{spec}`)\n{}",
            cmd.label(),
            fault.label(),
            out.stderr
        );
    }
    Result1 {
        cmd,
        fault,
        code: Some(out.code),
        problems,
        took: start.elapsed(),
    }
}

fn render(results: &[Result1]) -> String {
    let w = 13;
    let mut s = format!("{:<18}", "");
    for f in FAULTS {
        s.push_str(&format!("{:>w$}", f.label()));
    }
    s.push('\n');
    for (cmd, _) in MATRIX {
        s.push_str(&format!("{:<18}", cmd.label()));
        for f in FAULTS {
            let r = results.iter().find(|r| r.cmd == cmd && r.fault == f);
            let cell = match r {
                Some(Result1 { code: None, .. }) => "N/A".to_string(),
                Some(Result1 {
                    code: Some(c),
                    problems,
                    ..
                }) => format!("{c}{}", if problems.is_empty() { "" } else { "!" }),
                None => "?".into(),
            };
            s.push_str(&format!("{cell:>w$}"));
        }
        s.push('\n');
    }
    s
}

#[test]
fn every_command_against_every_fault() {
    let started = Instant::now();
    seed();
    let cells: Vec<(Cmd, Fault, Cell)> = MATRIX
        .iter()
        .flat_map(|(cmd, row)| FAULTS.iter().zip(row).map(|(f, c)| (*cmd, *f, *c)))
        .collect();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(&(cmd, fault, cell)) = cells.get(i) else {
                    break;
                };
                let r = check_cell(cmd, fault, cell);
                results.lock().unwrap().push(r);
            });
        }
    });
    let results = results.into_inner().unwrap();
    let table = render(&results);
    println!("{table}\n(! = a check failed; N/A = the fault cannot happen for this command)");
    let slowest = results.iter().max_by_key(|r| r.took).unwrap();
    println!(
        "{} cells in {:?}; slowest {} x {} {:?}",
        results.len(),
        started.elapsed(),
        slowest.cmd.label(),
        slowest.fault.label(),
        slowest.took
    );
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| {
            format!(
                "=== {} x {}: {}",
                r.cmd.label(),
                r.fault.label(),
                r.problems.join("\n")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{table}\n{} cell(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The table itself: every cell is decided, and a fault that needs something
/// (an operation, a feature, a cluster write) is N/A exactly where that is absent.
#[test]
fn the_matrix_covers_every_command_and_fault() {
    assert_eq!(MATRIX.len(), 9);
    for (cmd, row) in MATRIX {
        assert_eq!(row.len(), FAULTS.len(), "{cmd:?}");
        for (f, cell) in FAULTS.iter().zip(row) {
            let universal = !matches!(
                f,
                Fault::LroFailed | Fault::LroCanceled | Fault::Stuck | Fault::Conflict
            );
            match cell {
                Cell::Na(why) => {
                    assert!(!universal, "{cmd:?} x {f:?} applies to every command");
                    assert!(!why.is_empty(), "{cmd:?} x {f:?}: say why it is N/A");
                }
                Cell::Exit(code, words) => {
                    assert!([0, 3, 4, 5].contains(&code), "{cmd:?} x {f:?}");
                    assert!(code == 0 || !words.is_empty(), "{cmd:?} x {f:?}: words");
                }
            }
        }
    }
}
