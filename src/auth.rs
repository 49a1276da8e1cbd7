//! Credentials: which `azure_identity` 1.x credential (or a plain bearer token)
//! produces the ARM token, chosen by `--auth`. `auto` is a chain that remembers
//! the first credential that worked and, when none does, says which were tried
//! and how to fix each. Tokens and secrets never appear in messages or logs:
//! each is registered with [`crate::sanitize`] as soon as it is known.
//!
//! Getting a token is bounded in time: a credential whose identity endpoint does
//! not answer (a service principal behind a firewall, a VM without IMDS) fails
//! after [`TOKEN_WAIT`] (or earlier, at the command's deadline) with an
//! [`IdentityUnreachable`] error naming that endpoint: an authentication failure
//! (exit 3), not a slow ARM.

use crate::cli::AuthMode;
use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_core::http::ClientOptions;
use azure_identity::{
    AzureCliCredential, AzureDeveloperCliCredential, ClientSecretCredential,
    ClientSecretCredentialOptions, ManagedIdentityCredential, WorkloadIdentityCredential,
    WorkloadIdentityCredentialOptions,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Longest wait for one credential to produce a token.
pub const TOKEN_WAIT: Duration = Duration::from_secs(30);

/// A credential got no answer from its identity endpoint.
#[derive(Debug)]
pub struct IdentityUnreachable {
    /// The credential, as named in messages ("environment service principal").
    pub credential: &'static str,
    /// Where it asks for tokens ("https://login.microsoftonline.com").
    pub endpoint: String,
    /// What happened ("no answer within 20s", or the connection error).
    pub why: String,
}

impl std::fmt::Display for IdentityUnreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: could not get a token from the identity endpoint {}: {}",
            self.credential, self.endpoint, self.why
        )
    }
}

impl std::error::Error for IdentityUnreachable {}

/// Whether `e` (from a credential) means its identity endpoint did not answer.
pub fn is_unreachable(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<IdentityUnreachable>().is_some() {
            return true;
        }
        if let Some(az) = err.downcast_ref::<azure_core::Error>() {
            if az.downcast_ref::<IdentityUnreachable>().is_some() {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// Whether a credential's error is a network failure (refused, reset, DNS).
fn is_network(e: &azure_core::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(az) = err.downcast_ref::<azure_core::Error>() {
            if matches!(az.kind(), ErrorKind::Io | ErrorKind::Connection) {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// Environment variable holding a ready bearer token.
pub const TOKEN_ENV: &str = "AKSOS_ACCESS_TOKEN";

/// A bearer token given from outside (e.g. `az account get-access-token`).
pub struct StaticToken(Secret);

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl StaticToken {
    pub fn new(token: String) -> Self {
        crate::sanitize::register_secret(&token);
        StaticToken(Secret::new(token))
    }
}

#[async_trait::async_trait]
impl TokenCredential for StaticToken {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Ok(AccessToken::new(
            self.0.secret().to_string(),
            OffsetDateTime::now_utc() + time::Duration::hours(1),
        ))
    }
}

/// One link of the chain: a name for messages, and either a credential or why
/// it could not even be built.
struct Link {
    name: &'static str,
    /// Where this credential gets tokens, for messages.
    endpoint: String,
    credential: Result<Arc<dyn TokenCredential>, String>,
}

impl Link {
    /// Asks this link for a token within `wait`; a silent or unreachable
    /// identity endpoint becomes an [`IdentityUnreachable`] error.
    async fn token(
        &self,
        c: &Arc<dyn TokenCredential>,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
        wait: Duration,
    ) -> azure_core::Result<AccessToken> {
        let unreachable = |why: String| {
            let e = IdentityUnreachable {
                credential: self.name,
                endpoint: self.endpoint.clone(),
                why,
            };
            let msg = e.to_string();
            azure_core::Error::with_error(ErrorKind::Credential, e, msg)
        };
        match tokio::time::timeout(wait, c.get_token(scopes, options)).await {
            Err(_) => Err(unreachable(format!(
                "no answer within {}",
                humantime::format_duration(Duration::from_secs(wait.as_secs().max(1)))
            ))),
            Ok(Err(e)) if is_network(&e) => Err(unreachable(first_line(&e))),
            Ok(Err(e)) => Err(e),
            Ok(Ok(t)) => {
                crate::sanitize::register_secret(t.token.secret());
                Ok(t)
            }
        }
    }
}

/// Tries each credential in order; the first that returns a token is used from then on.
pub struct ChainCredential {
    links: Vec<Link>,
    chosen: Mutex<Option<usize>>,
    /// The command's deadline: no token wait goes past it.
    deadline: Option<Instant>,
}

impl ChainCredential {
    /// How long the next token request may take: [`TOKEN_WAIT`], or less when
    /// the deadline is nearer (a little before it, so this error wins the race
    /// with the caller's own deadline and names the identity endpoint).
    fn wait(&self) -> Duration {
        match self.deadline {
            Some(d) => TOKEN_WAIT.min(
                d.saturating_duration_since(Instant::now())
                    .saturating_sub(Duration::from_millis(200)),
            ),
            None => TOKEN_WAIT,
        }
    }
}

impl std::fmt::Debug for ChainCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.links.iter().map(|l| l.name).collect();
        write!(f, "ChainCredential({names:?})")
    }
}

#[async_trait::async_trait]
impl TokenCredential for ChainCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let chosen = *self.chosen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(i) = chosen {
            let link = &self.links[i];
            if let Ok(c) = &link.credential {
                return link.token(c, scopes, options, self.wait()).await;
            }
        }
        let mut tried = Vec::new();
        let mut unreachable = None;
        for (i, link) in self.links.iter().enumerate() {
            match &link.credential {
                Err(why) => tried.push(format!("{}: {why}", link.name)),
                Ok(c) => match link.token(c, scopes, options.clone(), self.wait()).await {
                    Ok(t) => {
                        *self.chosen.lock().unwrap_or_else(|p| p.into_inner()) = Some(i);
                        tracing::info!(target: "aksos::auth", "using {} credentials", link.name);
                        return Ok(t);
                    }
                    Err(e) => match e.into_downcast::<IdentityUnreachable>() {
                        Ok(u) => {
                            tried.push(u.to_string());
                            unreachable.get_or_insert(u);
                        }
                        Err(e) => tried.push(format!("{}: {}", link.name, first_line(&e))),
                    },
                },
            }
        }
        let message = format!(
            "no credential produced a token. Tried:\n    - {}\n  fix: run `az login`, or set {TOKEN_ENV} (e.g. from `az account get-access-token --query accessToken -o tsv`), or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or pick one with --auth",
            tried.join("\n    - ")
        );
        Err(match unreachable {
            Some(u) => azure_core::Error::with_error(ErrorKind::Credential, u, message),
            None => azure_core::Error::with_message(ErrorKind::Credential, message),
        })
    }
}

fn first_line(e: &azure_core::Error) -> String {
    let s = e.to_string();
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The Microsoft Entra authority each cloud's service principals and workload
/// identities get tokens from (as `azure_identity` chooses it).
fn authority_host(cloud: &azure_core::cloud::CloudConfiguration) -> &'static str {
    match cloud {
        azure_core::cloud::CloudConfiguration::AzureGovernment => {
            "https://login.microsoftonline.us"
        }
        azure_core::cloud::CloudConfiguration::AzureChina => "https://login.chinacloudapi.cn",
        _ => "https://login.microsoftonline.com",
    }
}

fn client_options(cloud: &azure_core::cloud::CloudConfiguration) -> ClientOptions {
    ClientOptions {
        cloud: Some(Arc::new(cloud.clone())),
        ..Default::default()
    }
}

fn token_link() -> Link {
    Link {
        name: TOKEN_ENV,
        endpoint: format!("(none: the token comes from {TOKEN_ENV})"),
        credential: env(TOKEN_ENV)
            .map(|t| Arc::new(StaticToken::new(t)) as Arc<dyn TokenCredential>)
            .ok_or_else(|| "not set".to_string()),
    }
}

fn env_link(cloud: &azure_core::cloud::CloudConfiguration) -> Link {
    let credential = match (
        env("AZURE_TENANT_ID"),
        env("AZURE_CLIENT_ID"),
        env("AZURE_CLIENT_SECRET"),
    ) {
        (Some(tenant), Some(client), Some(secret)) => {
            crate::sanitize::register_secret(&secret);
            ClientSecretCredential::new(
                &tenant,
                client,
                Secret::new(secret),
                Some(ClientSecretCredentialOptions {
                    client_options: client_options(cloud),
                }),
            )
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| first_line(&e))
        }
        _ => Err("AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set".into()),
    };
    Link {
        name: "environment service principal",
        endpoint: authority_host(cloud).to_string(),
        credential,
    }
}

fn workload_link(cloud: &azure_core::cloud::CloudConfiguration) -> Link {
    let credential = if env("AZURE_FEDERATED_TOKEN_FILE").is_none() {
        Err("AZURE_FEDERATED_TOKEN_FILE is not set".to_string())
    } else {
        let mut options = WorkloadIdentityCredentialOptions::default();
        options.credential_options.client_options = client_options(cloud);
        WorkloadIdentityCredential::new(Some(options))
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| first_line(&e))
    };
    Link {
        name: "workload identity",
        endpoint: authority_host(cloud).to_string(),
        credential,
    }
}

/// In `auto`, managed identity is only tried where a managed-identity endpoint is
/// advertised (App Service, Functions, Arc, Cloud Shell) or `AZURE_USE_IMDS=1`,
/// so that a laptop never probes the instance metadata address.
fn managed_link(explicit: bool) -> Link {
    let advertised = ["IDENTITY_ENDPOINT", "MSI_ENDPOINT"]
        .iter()
        .any(|v| env(v).is_some())
        || env("AZURE_USE_IMDS").as_deref() == Some("1");
    let credential = if explicit || advertised {
        ManagedIdentityCredential::new(None)
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| first_line(&e))
    } else {
        Err(
            "no managed identity endpoint advertised (use --auth managed-identity on an Azure VM)"
                .into(),
        )
    };
    Link {
        name: "managed identity",
        endpoint: env("IDENTITY_ENDPOINT")
            .or_else(|| env("MSI_ENDPOINT"))
            .unwrap_or_else(|| "http://169.254.169.254 (instance metadata)".to_string()),
        credential,
    }
}

fn cli_link() -> Link {
    Link {
        name: "Azure CLI",
        endpoint: "the `az` command".into(),
        credential: AzureCliCredential::new(None)
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| first_line(&e)),
    }
}

fn azd_link() -> Link {
    Link {
        name: "Azure Developer CLI",
        endpoint: "the `azd` command".into(),
        credential: AzureDeveloperCliCredential::new(None)
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| first_line(&e)),
    }
}

/// Builds the credential `--auth` asks for.
pub fn credential(
    mode: AuthMode,
    cloud: &azure_core::cloud::CloudConfiguration,
) -> Arc<dyn TokenCredential> {
    credential_until(mode, cloud, None)
}

/// [`credential`] whose token requests never wait past `deadline`.
pub fn credential_until(
    mode: AuthMode,
    cloud: &azure_core::cloud::CloudConfiguration,
    deadline: Option<Instant>,
) -> Arc<dyn TokenCredential> {
    let links = match mode {
        AuthMode::Auto => vec![
            token_link(),
            env_link(cloud),
            workload_link(cloud),
            managed_link(false),
            cli_link(),
            azd_link(),
        ],
        AuthMode::Token => vec![token_link()],
        AuthMode::Env => vec![env_link(cloud)],
        AuthMode::WorkloadIdentity => vec![workload_link(cloud)],
        AuthMode::ManagedIdentity => vec![managed_link(true)],
        AuthMode::Cli => vec![cli_link()],
    };
    Arc::new(ChainCredential {
        links,
        chosen: Mutex::new(None),
        deadline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn failing_chain_lists_what_was_tried_and_never_the_secret() {
        let chain = ChainCredential {
            links: vec![
                Link {
                    name: "first",
                    endpoint: "e1".into(),
                    credential: Err("not set".into()),
                },
                Link {
                    name: "second",
                    endpoint: "e2".into(),
                    credential: Err("also missing".into()),
                },
            ],
            chosen: Mutex::new(None),
            deadline: None,
        };
        let err = chain.get_token(&["s"], None).await.unwrap_err().to_string();
        assert!(err.contains("first: not set") && err.contains("second: also missing"));
        assert!(err.contains("az login"));
    }

    /// A credential whose identity endpoint never answers, or refuses.
    #[derive(Debug)]
    struct Silent(bool);

    #[async_trait::async_trait]
    impl TokenCredential for Silent {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            if self.0 {
                std::future::pending::<()>().await;
            }
            let io = azure_core::Error::with_message(ErrorKind::Io, "connection refused");
            Err(azure_core::Error::with_error(
                ErrorKind::Credential,
                io,
                "ClientSecretCredential authentication failed. connection refused",
            ))
        }
    }

    fn silent_chain(hang: bool, deadline: Option<Instant>) -> ChainCredential {
        ChainCredential {
            links: vec![Link {
                name: "environment service principal",
                endpoint: "https://login.example".into(),
                credential: Ok(Arc::new(Silent(hang))),
            }],
            chosen: Mutex::new(None),
            deadline,
        }
    }

    #[tokio::test]
    async fn a_silent_identity_endpoint_is_named_and_ends_by_the_deadline() {
        let chain = silent_chain(true, Some(Instant::now() + Duration::from_millis(400)));
        let err = tokio::time::timeout(Duration::from_secs(10), chain.get_token(&["s"], None))
            .await
            .expect("bounded by the deadline")
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Credential);
        assert!(is_unreachable(&err), "{err}");
        let text = err.to_string();
        assert!(text.contains("https://login.example"), "{text}");
        assert!(text.contains("no answer within"), "{text}");
    }

    #[tokio::test]
    async fn a_refusing_identity_endpoint_is_an_auth_failure_naming_it() {
        let err = silent_chain(false, None)
            .get_token(&["s"], None)
            .await
            .unwrap_err();
        assert!(is_unreachable(&err));
        assert!(err.to_string().contains("https://login.example"));
    }

    #[tokio::test]
    async fn static_token_is_redacted_in_debug() {
        let t = StaticToken::new("supersecret".into());
        assert!(!format!("{t:?}").contains("supersecret"));
        let tok = t.get_token(&["s"], None).await.unwrap();
        assert_eq!(tok.token.secret(), "supersecret");
    }
}
