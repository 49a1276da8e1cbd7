//! Global options resolved into a working [`Session`]: the ARM endpoint of the
//! chosen cloud (or `--arm-endpoint`, checked: https, or http to loopback only),
//! the subscription (flag, `AZURE_SUBSCRIPTION_ID`, else the Azure CLI's default),
//! the credential, and with `--sandbox` an in-process emulator whose state
//! persists between runs. Nothing here runs before a command needs Azure.

use crate::arm::http::{PipelineClient, RetrySettings};
use crate::arm::lro::Cadence;
use crate::arm::Arm;
use crate::cli::{Cloud, GlobalArgs};
use crate::emulator;
use crate::error::{AppError, AppResult};
use azure_core::cloud::CloudConfiguration;
use azure_core::http::Url;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// The subscription the sandbox uses when none is given.
pub const SANDBOX_SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000000";

/// ARM endpoint and token audience of each cloud.
pub fn cloud_endpoints(cloud: Cloud) -> (&'static str, &'static str, CloudConfiguration) {
    match cloud {
        Cloud::AzureCloud => (
            "https://management.azure.com",
            "https://management.azure.com/.default",
            CloudConfiguration::AzurePublic,
        ),
        Cloud::AzureUsGovernment => (
            "https://management.usgovcloudapi.net",
            "https://management.usgovcloudapi.net/.default",
            CloudConfiguration::AzureGovernment,
        ),
        Cloud::AzureChinaCloud => (
            "https://management.chinacloudapi.cn",
            "https://management.chinacloudapi.cn/.default",
            CloudConfiguration::AzureChina,
        ),
    }
}

/// 127.0.0.0/8, ::1 and localhost.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// `raw` with any `user:password@` part masked, for messages.
fn masked(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => raw.to_string(),
    }
}

/// Validates `--arm-endpoint`: a URL with a host, https unless loopback, and no
/// user name or password (they would be printed in hints and `-v` lines, and
/// ARM authenticates with the bearer token only).
pub fn parse_endpoint(raw: &str) -> AppResult<Url> {
    let shown = masked(raw);
    let raw = raw.trim();
    let url = Url::parse(raw).map_err(|e| {
        AppError::usage(
            "--arm-endpoint",
            format!("`{shown}` is not a URL ({e}); use e.g. https://management.azure.com"),
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::usage(
            "--arm-endpoint",
            format!(
                "`{shown}` carries a user name or password; remove the `user:password@` part (also from AKSOS_ARM_ENDPOINT): aksos authenticates with a bearer token only"
            ),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(AppError::usage(
            "--arm-endpoint",
            format!(
                "`{shown}` carries a query or fragment; give the base URL only (e.g. https://management.azure.com): request paths and api-versions are added to it"
            ),
        ));
    }
    let host = url.host_str().unwrap_or_default().to_string();
    if host.is_empty() {
        return Err(AppError::usage(
            "--arm-endpoint",
            format!("`{shown}` has no host"),
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&host) => Ok(url),
        "http" => Err(AppError::usage(
            "--arm-endpoint",
            format!(
                "`{shown}` uses plain http to {host}; tokens are only sent over https (http is allowed for loopback hosts: 127.0.0.1, ::1, localhost)"
            ),
        )),
        other => Err(AppError::usage(
            "--arm-endpoint",
            format!("scheme `{other}` is not supported; use https://"),
        )),
    }
}

/// The Azure CLI profile (`azureProfile.json` in `$AZURE_CONFIG_DIR` or `~/.azure`).
fn cli_profile_path() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("AZURE_CONFIG_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".azure")))?;
    Some(dir.join("azureProfile.json"))
}

/// Reads the default subscription from the Azure CLI profile, as az does.
pub fn cli_default_subscription() -> Option<String> {
    // Read within the same limits as every other input (a regular file, at most 16 MiB).
    let raw = crate::infile::read_file(&cli_profile_path()?, "AZURE_CONFIG_DIR").ok()?;
    let text = String::from_utf8_lossy(&raw);
    let text = text.trim_start_matches('\u{feff}');
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v["subscriptions"]
        .as_array()?
        .iter()
        .find(|s| s["isDefault"].as_bool() == Some(true))
        .and_then(|s| s["id"].as_str())
        .map(str::to_string)
}

/// Where the subscription ID came from, so a bad one is reported against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionSource {
    Flag,
    Environment,
    CliProfile,
}

/// Checks a subscription ID: ARM's path parameter is a UUID, and nothing else
/// may reach the `/subscriptions/{id}` segment (`..` would leave it).
pub fn validate_subscription(id: &str) -> AppResult<String> {
    check_subscription(id, SubscriptionSource::Flag)
}

fn check_subscription(id: &str, source: SubscriptionSource) -> AppResult<String> {
    let e = match crate::names::SubscriptionId::parse(id) {
        Ok(id) => return Ok(id.as_str().to_string()),
        Err(e) => e,
    };
    let message = match source {
        SubscriptionSource::Flag => e.to_string(),
        SubscriptionSource::Environment => format!(
            "{e} (the value comes from the environment variable AZURE_SUBSCRIPTION_ID; fix or unset it, or pass --subscription ID)"
        ),
        SubscriptionSource::CliProfile => format!(
            "{e} (the value is the Azure CLI's default subscription in {}; choose another with `az account set -s ID`, or pass --subscription ID)",
            cli_profile_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "azureProfile.json".into())
        ),
    };
    Err(AppError::usage("--subscription", message))
}

/// The subscription to use: `--subscription` / `AZURE_SUBSCRIPTION_ID`, else
/// `fallback` (the sandbox's) or the Azure CLI's default; always checked.
fn subscription(g: &GlobalArgs, fallback: Option<&str>) -> AppResult<String> {
    if let Some(s) = &g.subscription {
        let source = if g.subscription_from_env {
            SubscriptionSource::Environment
        } else {
            SubscriptionSource::Flag
        };
        return check_subscription(s, source);
    }
    if let Some(f) = fallback {
        return Ok(f.to_string());
    }
    match cli_default_subscription() {
        Some(s) => check_subscription(&s, SubscriptionSource::CliProfile),
        None => Err(AppError::usage(
            "--subscription",
            "no subscription given; pass --subscription ID, set AZURE_SUBSCRIPTION_ID, or choose a default with `az account set -s ID`",
        )),
    }
}

/// The global flags a printed follow-up command must repeat so that it looks at
/// the same cloud, endpoint and subscription as this run (ends with a space).
fn replay_flags(g: &GlobalArgs, base: &Url, subscription: &str) -> String {
    let mut flags = String::new();
    if g.cloud != Cloud::AzureCloud {
        let name = match g.cloud {
            Cloud::AzureCloud => "AzureCloud",
            Cloud::AzureUsGovernment => "AzureUSGovernment",
            Cloud::AzureChinaCloud => "AzureChinaCloud",
        };
        flags.push_str(&format!("--cloud {name} "));
    }
    if g.arm_endpoint.is_some() {
        flags.push_str(&format!(
            "--arm-endpoint {} ",
            crate::shellquote::quote(base.as_str().trim_end_matches('/'))
        ));
    }
    if g.subscription.is_some() {
        flags.push_str(&format!(
            "--subscription {} ",
            crate::shellquote::quote(subscription)
        ));
    }
    flags
}

/// Everything a network command needs.
pub struct Session {
    pub arm: Arm,
    pub cadence: Cadence,
    pub timeout: Duration,
    /// The in-process sandbox, kept alive for the command's duration.
    pub sandbox: Option<emulator::Running>,
    /// Global flags that the printed follow-up commands must repeat.
    pub replay_flags: String,
}

impl Session {
    /// Resolves global options. Call inside the tokio runtime.
    pub async fn connect(g: &GlobalArgs) -> AppResult<Session> {
        if g.sandbox {
            return Self::sandbox(g).await;
        }
        let (default_endpoint, scope, cloud) = cloud_endpoints(g.cloud);
        let base = match &g.arm_endpoint {
            Some(raw) => parse_endpoint(raw)?,
            None => Url::parse(default_endpoint).expect("static URL"),
        };
        let subscription = subscription(g, None)?;
        let local = is_loopback_host(base.host_str().unwrap_or_default());
        let replay_flags = replay_flags(g, &base, &subscription);
        let deadline = std::time::Instant::now().checked_add(g.timeout);
        let credential = crate::auth::credential_until(g.auth, &cloud, deadline);
        let client = PipelineClient::new(
            base,
            credential,
            scope.to_string(),
            if local {
                RetrySettings::LOCAL
            } else {
                RetrySettings::default()
            },
            g.timeout.min(Duration::from_secs(120)),
        )
        .with_deadline(g.timeout);
        Ok(Session {
            arm: Arm::new(Arc::new(client), subscription),
            cadence: if local {
                Cadence::LOCAL
            } else {
                Cadence::REMOTE
            },
            timeout: g.timeout,
            sandbox: None,
            replay_flags,
        })
    }

    /// The same endpoint, credential and timings for another subscription
    /// (tenant-wide commands act on many); follow-up commands name it.
    pub fn for_subscription(&self, subscription: &str) -> Session {
        let replay = self
            .replay_flags
            .replace(&format!("--subscription {} ", self.arm.subscription), "");
        Session {
            arm: Arm::new(self.arm.client.clone(), subscription),
            cadence: self.cadence,
            timeout: self.timeout,
            sandbox: None,
            replay_flags: format!("{replay}--subscription {subscription} "),
        }
    }

    async fn sandbox(g: &GlobalArgs) -> AppResult<Session> {
        let subscription = subscription(g, Some(SANDBOX_SUBSCRIPTION))?;
        let running = emulator::start_sandbox().await?;
        let base = Url::parse(&running.url).expect("emulator URL");
        let client = PipelineClient::new(
            base,
            Arc::new(crate::auth::StaticToken::new("sandbox".into())),
            "sandbox/.default".into(),
            RetrySettings::LOCAL,
            g.timeout.min(Duration::from_secs(120)),
        )
        .with_deadline(g.timeout);
        Ok(Session {
            arm: Arm::new(Arc::new(client), subscription),
            cadence: Cadence::LOCAL,
            timeout: g.timeout,
            sandbox: Some(running),
            replay_flags: "--sandbox ".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_rules() {
        assert!(parse_endpoint("https://management.azure.com").is_ok());
        assert!(parse_endpoint("http://127.0.0.1:8080").is_ok());
        assert!(parse_endpoint("http://127.5.5.5:1").is_ok());
        assert!(parse_endpoint("http://[::1]:8080").is_ok());
        assert!(parse_endpoint("http://localhost:9").is_ok());
        let e = parse_endpoint("http://example.com").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("--arm-endpoint"));
        assert!(parse_endpoint("http://10.0.0.1").is_err());
        assert!(parse_endpoint("ftp://127.0.0.1").is_err());
        assert!(parse_endpoint("not a url").is_err());
    }

    #[test]
    fn endpoint_with_userinfo_is_refused_without_echoing_the_password() {
        for raw in [
            "http://user:hunter2pw@127.0.0.1:8080",
            "https://user:hunter2pw@management.azure.com/",
            "http://user:hunter2pw@example.com",
            "https://:hunter2pw@[::1]:1",
            "http://user:hunter2pw@[not-a-host/x",
        ] {
            let e = parse_endpoint(raw).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{raw}");
            let text = e.to_string();
            assert!(text.contains("--arm-endpoint"), "{text}");
            assert!(!text.contains("hunter2pw"), "{text}");
        }
        assert!(parse_endpoint("https://user@management.azure.com").is_err());
    }

    #[test]
    fn endpoint_with_a_query_or_fragment_is_refused() {
        for raw in [
            "http://127.0.0.1:8080/?x=1",
            "https://management.azure.com/?api-version=evil",
            "https://management.azure.com/base#frag",
        ] {
            let e = parse_endpoint(raw).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{raw}");
            assert!(e.to_string().contains("query or fragment"), "{e}");
        }
        assert!(parse_endpoint("https://management.azure.com/").is_ok());
    }

    #[test]
    fn follow_up_commands_repeat_endpoint_and_subscription() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "aksos",
            "--cloud",
            "AzureChinaCloud",
            "--arm-endpoint",
            "http://127.0.0.1:9/",
            "--subscription",
            "sub-1",
            "provider",
            "show",
        ])
        .unwrap();
        let base = parse_endpoint("http://127.0.0.1:9/").unwrap();
        assert_eq!(
            replay_flags(&cli.global, &base, "sub-1"),
            "--cloud AzureChinaCloud --arm-endpoint http://127.0.0.1:9 --subscription sub-1 "
        );
    }

    #[test]
    fn subscription_must_be_a_uuid() {
        assert!(validate_subscription("00000000-0000-0000-0000-000000000000").is_ok());
        assert!(validate_subscription("a/b").is_err());
        assert!(validate_subscription("").is_err());
        assert!(validate_subscription("x?api-version=1").is_err());
        for bad in ["..", ".", "sub-1", "00000000-0000-0000-0000-00000000000/"] {
            assert_eq!(
                validate_subscription(bad).unwrap_err().exit_code(),
                2,
                "{bad}"
            );
        }
        let env = check_subscription("..", SubscriptionSource::Environment).unwrap_err();
        assert!(env.to_string().contains("AZURE_SUBSCRIPTION_ID"), "{env}");
        let profile = check_subscription("..", SubscriptionSource::CliProfile).unwrap_err();
        assert!(
            profile.to_string().contains("azureProfile.json"),
            "{profile}"
        );
    }
}
