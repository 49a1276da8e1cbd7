//! The feature and provider commands end to end: the real binary against the
//! loopback ARM emulator (`aksos::emulator::Background`), checking what a user
//! notices (exit codes, messages) and what reached "Azure" (the requests the
//! emulator recorded: methods, paths, api-versions, order, statuses).

use aksos::emulator::faults::Faults;
use aksos::emulator::{Background, Recorded};
use assert_cmd::Command;
use std::time::{Duration, Instant};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
/// Distinctive enough that finding it in any output means the token leaked.
const TOKEN: &str = "tok-SECRET-7f3c9e1a-do-not-print-4b2d";
const FEATURES_API: &str = "2021-07-01";
const PROVIDERS_API: &str = "2025-04-01";
const FEATURE_PATH: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/AKSFlatcarPreview";
const PROVIDER_PATH: &str =
    "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerService";

/// Fast emulator timings; `spec` adds faults (e.g. `throttle=3`).
fn emulator(spec: &str) -> Background {
    let faults = Faults {
        retry_after: 0,
        reg_delay: Duration::from_millis(200),
        provider_delay: Duration::from_millis(100),
        ..Faults::default()
    }
    .parse_onto(spec)
    .expect("fault spec");
    Background::start(faults)
}

/// The binary with a clean environment: no ambient subscription, endpoint,
/// sandbox state or Azure CLI profile can leak in.
fn bare() -> Command {
    let mut cmd = Command::cargo_bin("aksos").expect("binary builds");
    cmd.env("NO_COLOR", "1")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .env_remove("AKSOS_SANDBOX_STATE")
        .env_remove("AKSOS_SANDBOX_FAULTS")
        .env_remove("AZURE_CLIENT_ID")
        .env_remove("AZURE_TENANT_ID")
        .env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_FEDERATED_TOKEN_FILE")
        .env_remove("IDENTITY_ENDPOINT")
        .env_remove("MSI_ENDPOINT")
        .env_remove("AZURE_USE_IMDS")
        .timeout(Duration::from_secs(60));
    cmd
}

/// The binary pointed at `emu` with a token and the test subscription.
fn aksos(emu: &Background) -> Command {
    let mut cmd = bare();
    cmd.env("AKSOS_ACCESS_TOKEN", TOKEN)
        .args(["--arm-endpoint", &emu.url, "--subscription", SUB]);
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

fn run(mut cmd: Command, args: &[&str]) -> Run {
    let out = cmd.args(args).output().expect("binary runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked:\n{run}"
    );
    run
}

fn posts(emu: &Background) -> Vec<Recorded> {
    emu.writes()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

fn is_feature_request(r: &Recorded) -> bool {
    r.path.contains("/providers/Microsoft.Features/")
}

/// Every request used the api-version its API is pinned to.
fn assert_api_versions(reqs: &[Recorded]) {
    for r in reqs {
        let want = if is_feature_request(r) {
            FEATURES_API
        } else {
            PROVIDERS_API
        };
        assert_eq!(
            r.api_version.as_deref(),
            Some(want),
            "{} {} used the wrong api-version",
            r.method,
            r.path
        );
    }
}

fn feature_state(emu: &Background, name: &str) -> Option<(String, Option<u64>)> {
    emu.shared
        .state()
        .features
        .values()
        .find(|f| f.name.eq_ignore_ascii_case(name))
        .map(|f| (f.state.clone(), f.registered_ms))
}

fn provider_state(emu: &Background) -> Option<(String, Option<u64>)> {
    emu.shared
        .state()
        .providers
        .values()
        .find(|p| p.namespace == "Microsoft.ContainerService")
        .map(|p| (p.state.clone(), p.registered_ms))
}

// ------------------------------------------------------------------ 1

#[test]
fn register_wait_refresh_provider_registers_then_refreshes_once_each() {
    let emu = emulator("");
    let r = run(
        aksos(&emu),
        &[
            "feature",
            "register",
            "AKSFlatcarPreview",
            "--wait",
            "--refresh-provider",
        ],
    );
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("AKSFlatcarPreview: Registered"), "{r}");

    let reqs = emu.shared.requests();
    assert!(reqs.iter().all(|q| q.status == 200), "{reqs:#?}");
    assert_api_versions(&reqs);

    let posts = posts(&emu);
    let paths: Vec<&str> = posts.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            format!("{FEATURE_PATH}/register"),
            format!("{PROVIDER_PATH}/register")
        ],
        "exactly one feature register, then one provider register"
    );

    // The provider POST only went out after a GET had seen the feature Registered:
    // the feature's last GET before the provider POST is the one that ended the wait.
    let provider_post = reqs
        .iter()
        .position(|q| q.method == "POST" && !is_feature_request(q))
        .expect("provider POST");
    let feature_gets_before = reqs[..provider_post]
        .iter()
        .filter(|q| q.method == "GET" && q.path == FEATURE_PATH)
        .count();
    assert!(
        feature_gets_before >= 2,
        "polled the feature (initial GET + at least one poll) before refreshing: {reqs:#?}"
    );

    let (fstate, f_at) = feature_state(&emu, "AKSFlatcarPreview").expect("feature known");
    let (pstate, p_at) = provider_state(&emu).expect("provider known");
    assert_eq!(
        (fstate.as_str(), pstate.as_str()),
        ("Registered", "Registered")
    );
    assert!(
        p_at.unwrap() > f_at.unwrap(),
        "the provider was re-registered after the feature became Registered"
    );
}

// ------------------------------------------------------------------ 2

#[test]
fn already_registered_feature_is_not_registered_again() {
    let emu = emulator("");
    let first = run(
        aksos(&emu),
        &["feature", "register", "AKSFlatcarPreview", "--wait"],
    );
    assert_eq!(first.code, 0, "{first}");
    assert_eq!(posts(&emu).len(), 1);

    let second = run(aksos(&emu), &["feature", "register", "AKSFlatcarPreview"]);
    assert_eq!(second.code, 0, "{second}");
    assert!(second.all().contains("already Registered"), "{second}");
    assert_eq!(
        posts(&emu).len(),
        1,
        "the second run sent no register POST: {:#?}",
        emu.shared.requests()
    );
    // ...and it suggests the provider refresh, for the same subscription.
    assert!(
        second.stderr.contains(&format!(
            "aksos --arm-endpoint {} --subscription {SUB} provider register Microsoft.ContainerService --wait",
            emu.url
        )),
        "{second}"
    );
}

// ------------------------------------------------------------------ 3

#[test]
fn unknown_feature_is_azure_rejection_with_code_and_correlation_id() {
    let emu = emulator("");
    let r = run(aksos(&emu), &["feature", "show", "NoSuchFeature"]);
    assert_eq!(r.code, 4, "{r}");
    assert!(r.stderr.contains("FeatureNotFound"), "{r}");
    assert!(r.stderr.contains("HTTP 404"), "{r}");
    assert!(r.stderr.contains("correlation id: "), "{r}");
    assert!(r.stdout.is_empty(), "nothing on stdout: {r}");
}

// ------------------------------------------------------------------ 4

#[test]
fn missing_token_with_auth_token_is_exit_3_and_says_what_was_tried() {
    let emu = emulator("");
    let mut cmd = aksos(&emu);
    cmd.env_remove("AKSOS_ACCESS_TOKEN");
    let r = run(
        cmd,
        &["--auth", "token", "feature", "show", "AKSFlatcarPreview"],
    );
    assert_eq!(r.code, 3, "{r}");
    assert!(r.stderr.contains("AKSOS_ACCESS_TOKEN: not set"), "{r}");
    assert!(r.stderr.contains("az login"), "{r}");
    assert!(
        emu.shared.requests().is_empty(),
        "no request without a token: {:#?}",
        emu.shared.requests()
    );
}

#[test]
fn expired_token_is_exit_3_with_the_arm_code() {
    let emu = emulator("expire-after=1");
    let r = run(
        aksos(&emu),
        &["feature", "register", "AKSFlatcarPreview", "--wait"],
    );
    assert_eq!(r.code, 3, "{r}");
    assert!(r.stderr.contains("ExpiredAuthenticationToken"), "{r}");
    assert!(r.stderr.contains("HTTP 401"), "{r}");
    assert!(!r.all().contains(TOKEN), "{r}");
    let statuses: Vec<u16> = emu.shared.requests().iter().map(|q| q.status).collect();
    assert_eq!(statuses, [200, 401], "a 401 is not retried");
}

// ------------------------------------------------------------------ 5

fn survives(spec: &str, fault_status: u16, n: usize) {
    let emu = emulator(spec);
    let r = run(
        aksos(&emu),
        &[
            "feature",
            "register",
            "AKSFlatcarPreview",
            "--wait",
            "--refresh-provider",
        ],
    );
    assert_eq!(r.code, 0, "{spec}: {r}");
    assert!(r.stdout.contains("Registered"), "{r}");
    let reqs = emu.shared.requests();
    let statuses: Vec<u16> = reqs.iter().map(|q| q.status).collect();
    assert_eq!(
        &statuses[..n + 1],
        [vec![fault_status; n], vec![200]].concat(),
        "{spec}: {n} x {fault_status}, then success"
    );
    assert!(statuses[n..].iter().all(|s| *s == 200), "{statuses:?}");
    // The retries repeated the same request (the first GET of the feature).
    assert!(reqs[..=n]
        .iter()
        .all(|q| q.method == "GET" && q.path == FEATURE_PATH));
    assert_api_versions(&reqs);
    assert_eq!(posts(&emu).len(), 2, "one feature POST, one provider POST");
}

#[test]
fn throttling_is_retried_honouring_retry_after() {
    survives("throttle=3,retry-after=0", 429, 3);
}

#[test]
fn service_unavailable_is_retried() {
    survives("error=2", 503, 2);
}

// ------------------------------------------------------------------ 6

#[test]
fn stuck_registration_times_out_with_exit_5_and_a_follow_up_command() {
    let emu = emulator("stuck");
    let started = Instant::now();
    let r = run(
        aksos(&emu),
        &[
            "--timeout",
            "2s",
            "feature",
            "register",
            "AKSFlatcarPreview",
            "--wait",
        ],
    );
    assert_eq!(r.code, 5, "{r}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "gave up near --timeout"
    );
    assert!(r.stderr.contains("timed out"), "{r}");
    assert!(r.stderr.contains("still be running"), "{r}");
    let hint = r
        .stderr
        .lines()
        .find(|l| l.contains("check it later with:"))
        .unwrap_or_else(|| panic!("a follow-up command: {r}"));
    assert!(hint.contains("feature show AKSFlatcarPreview"), "{hint}");
    assert_eq!(posts(&emu).len(), 1);
    assert_eq!(
        feature_state(&emu, "AKSFlatcarPreview").unwrap().0,
        "Registering"
    );

    // The printed command repeats the endpoint and subscription, so running it
    // as shown checks the same registration.
    let follow_up = hint.split("check it later with:").nth(1).unwrap().trim();
    let args: Vec<&str> = follow_up
        .strip_prefix("aksos ")
        .unwrap_or_else(|| panic!("an aksos command: {hint}"))
        .split_whitespace()
        .collect();
    assert!(
        follow_up.contains(&format!("--arm-endpoint {}", emu.url)),
        "{hint}"
    );
    assert!(
        follow_up.contains(&format!("--subscription {SUB}")),
        "{hint}"
    );
    let mut cmd = bare();
    cmd.env("AKSOS_ACCESS_TOKEN", TOKEN);
    let check = run(cmd, &args);
    assert_eq!(check.code, 0, "{check}");
    assert!(
        check.stdout.contains("AKSFlatcarPreview: Registering"),
        "{check}"
    );
}

// ------------------------------------------------------------------ 7

#[test]
fn malformed_json_is_a_clear_error_not_a_panic() {
    let emu = emulator("malformed=1");
    let r = run(aksos(&emu), &["feature", "show", "AKSFlatcarPreview"]);
    assert_eq!(r.code, 4, "{r}");
    assert!(r.stderr.contains("not the expected JSON"), "{r}");
    assert!(r.stderr.contains("MalformedResponse"), "{r}");
    assert!(
        r.stderr.contains("get feature"),
        "says what it was doing: {r}"
    );
}

#[test]
fn one_proxy_html_page_is_retried_away() {
    let emu = emulator("html=1");
    let r = run(aksos(&emu), &["feature", "show", "AKSFlatcarPreview"]);
    assert_eq!(r.code, 0, "{r}");
    assert!(r.stdout.contains("AKSFlatcarPreview: NotRegistered"), "{r}");
    let statuses: Vec<u16> = emu.shared.requests().iter().map(|q| q.status).collect();
    assert_eq!(statuses, [502, 200]);
}

/// A proxy that keeps answering its HTML page: retried (bounded), then described.
/// Run through `--sandbox` (AKSOS_SANDBOX_FAULTS), whose pipeline backs off from
/// 50 ms instead of 400 ms, so the whole retry budget takes seconds, not ~50 s.
#[test]
fn persistent_proxy_html_page_is_described_not_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bare();
    cmd.env("AKSOS_SANDBOX_STATE", dir.path().join("s.json"))
        .env("AKSOS_SANDBOX_FAULTS", "html=50");
    let r = run(cmd, &["--sandbox", "feature", "show", "AKSFlatcarPreview"]);
    assert_eq!(r.code, 4, "{r}");
    assert!(r.stderr.contains("get feature"), "{r}");
    assert!(r.stderr.contains("HTTP 502"), "{r}");
    assert!(r.stderr.contains("HTML page"), "{r}");
    assert!(
        !r.stderr.contains("<html>"),
        "the page itself is not dumped: {r}"
    );
}

// ------------------------------------------------------------------ 8

#[test]
fn verbose_logs_requests_but_never_the_token() {
    let emu = emulator("throttle=1");
    let r = run(
        aksos(&emu),
        &[
            "-v",
            "feature",
            "register",
            "AKSFlatcarPreview",
            "--wait",
            "--refresh-provider",
        ],
    );
    assert_eq!(r.code, 0, "{r}");
    assert!(!r.all().contains(TOKEN), "token leaked:\n{r}");
    assert!(!r.all().contains("Bearer"), "auth header logged:\n{r}");
    let logged = |method: &str, status: &str| {
        r.stderr.lines().any(|l| {
            l.contains(&format!(
                "{method} {}{FEATURE_PATH}?api-version=2021-07-01",
                emu.url
            )) && l.contains(&format!("-> {status} in "))
        })
    };
    assert!(logged("GET", "429"), "the throttled try: {r}");
    assert!(logged("GET", "200"), "{r}");
    assert!(
        r.stderr.lines().any(|l| l.contains("POST ")
            && l.contains("/features/AKSFlatcarPreview/register?api-version=2021-07-01")
            && l.contains("-> 200")),
        "{r}"
    );
    assert!(
        r.stderr.lines().any(|l| l.contains("POST ")
            && l.contains("/providers/Microsoft.ContainerService/register?api-version=2025-04-01")),
        "{r}"
    );
}

// ------------------------------------------------------------------ 9, 10

#[test]
fn plain_http_endpoint_is_refused_before_anything_is_sent() {
    let started = Instant::now();
    let mut cmd = bare();
    cmd.env("AKSOS_ACCESS_TOKEN", TOKEN);
    let r = run(
        cmd,
        &[
            "--arm-endpoint",
            "http://example.com",
            "--subscription",
            SUB,
            "feature",
            "show",
            "AKSFlatcarPreview",
        ],
    );
    assert_eq!(r.code, 2, "{r}");
    assert!(r.stderr.contains("--arm-endpoint"), "{r}");
    assert!(r.stderr.contains("https"), "{r}");
    assert!(!r.all().contains(TOKEN));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no network attempt"
    );
}

#[test]
fn missing_subscription_is_a_usage_error_naming_the_flag() {
    let emu = emulator("");
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = bare();
    cmd.env("AKSOS_ACCESS_TOKEN", TOKEN)
        .env("AZURE_CONFIG_DIR", empty.path());
    let r = run(
        cmd,
        &[
            "--arm-endpoint",
            &emu.url,
            "feature",
            "show",
            "AKSFlatcarPreview",
        ],
    );
    assert_eq!(r.code, 2, "{r}");
    assert!(r.stderr.contains("--subscription"), "{r}");
    assert!(r.stderr.contains("AZURE_SUBSCRIPTION_ID"), "{r}");
    assert!(emu.shared.requests().is_empty(), "nothing sent");
}

// ------------------------------------------------------------------ 11

#[test]
fn provider_show_and_register_wait() {
    let emu = emulator("");
    let show = run(aksos(&emu), &["provider", "show"]);
    assert_eq!(show.code, 0, "{show}");
    assert_eq!(show.stdout.trim(), "Microsoft.ContainerService: Registered");

    let reg = run(aksos(&emu), &["provider", "register", "--wait"]);
    assert_eq!(reg.code, 0, "{reg}");
    assert_eq!(reg.stdout.trim(), "Microsoft.ContainerService: Registered");

    let reqs = emu.shared.requests();
    assert_api_versions(&reqs);
    let posts = posts(&emu);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, format!("{PROVIDER_PATH}/register"));
    assert!(
        reqs.last().unwrap().method == "GET" && reqs.last().unwrap().path == PROVIDER_PATH,
        "polled until Registered"
    );
    let (state, at) = provider_state(&emu).unwrap();
    assert_eq!(state, "Registered");
    assert!(at.unwrap() > 0, "re-registered by this run");
}

#[test]
fn unknown_provider_is_exit_4() {
    let emu = emulator("");
    let r = run(aksos(&emu), &["provider", "show", "Microsoft.Nope"]);
    assert_eq!(r.code, 4, "{r}");
    assert!(r.stderr.contains("InvalidResourceNamespace"), "{r}");
}

#[test]
fn feature_list_shows_the_catalog_flags() {
    let emu = emulator("");
    let r = run(aksos(&emu), &["feature", "list"]);
    assert_eq!(r.code, 0, "{r}");
    let mut lines = r.stdout.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("NAME") && header.ends_with("STATE"),
        "{r}"
    );
    for flag in [
        "AKSFlatcarPreview",
        "Ubuntu2604Preview",
        "AzureLinuxOSGuardPreview",
        "EnableFIPSPreview",
    ] {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with(flag) && l.trim_end().ends_with("NotRegistered")),
            "{flag} listed: {r}"
        );
    }
    let reqs = emu.shared.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].path,
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Features/providers/Microsoft.ContainerService/features"
    );
    assert_api_versions(&reqs);
}

#[test]
fn json_feature_show_prints_the_resource() {
    let emu = emulator("");
    let r = run(
        aksos(&emu),
        &["-o", "json", "feature", "show", "AKSFlatcarPreview"],
    );
    assert_eq!(r.code, 0, "{r}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("stdout is JSON");
    assert_eq!(v["properties"]["state"], "NotRegistered");
    assert_eq!(v["name"], "Microsoft.ContainerService/AKSFlatcarPreview");
    assert_eq!(v["type"], "Microsoft.Features/providers/features");
    assert_eq!(v["id"], FEATURE_PATH);
}

// ------------------------------------------------------------------ 12

#[test]
fn sandbox_register_then_show_agree_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let sandbox = || {
        let mut cmd = bare();
        cmd.env("AKSOS_SANDBOX_STATE", &state)
            .env_remove("AKSOS_ACCESS_TOKEN");
        cmd
    };
    let reg = run(
        sandbox(),
        &[
            "--sandbox",
            "feature",
            "register",
            "Ubuntu2604Preview",
            "--wait",
        ],
    );
    assert_eq!(reg.code, 0, "{reg}");
    assert!(
        reg.stdout.contains("Ubuntu2604Preview: Registered"),
        "{reg}"
    );
    assert!(state.exists(), "sandbox state persisted");

    let show = run(
        sandbox(),
        &["--sandbox", "feature", "show", "Ubuntu2604Preview"],
    );
    assert_eq!(show.code, 0, "{show}");
    assert!(
        show.stdout.contains("Ubuntu2604Preview: Registered"),
        "{show}"
    );
}
