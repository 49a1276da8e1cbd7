//! Credentials: which `azure_identity` 1.x credential (or a plain bearer token)
//! produces the ARM token, chosen by `--auth`. `auto` is a chain that remembers
//! the first credential that worked and, when none does, says which were tried
//! and how to fix each. Tokens and secrets never appear in messages or logs.

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
use time::OffsetDateTime;

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
    credential: Result<Arc<dyn TokenCredential>, String>,
}

/// Tries each credential in order; the first that returns a token is used from then on.
pub struct ChainCredential {
    links: Vec<Link>,
    chosen: Mutex<Option<usize>>,
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
        let chosen = *self.chosen.lock().expect("lock");
        if let Some(i) = chosen {
            if let Ok(c) = &self.links[i].credential {
                return c.get_token(scopes, options).await;
            }
        }
        let mut tried = Vec::new();
        for (i, link) in self.links.iter().enumerate() {
            match &link.credential {
                Err(why) => tried.push(format!("{}: {why}", link.name)),
                Ok(c) => match c.get_token(scopes, options.clone()).await {
                    Ok(t) => {
                        *self.chosen.lock().expect("lock") = Some(i);
                        tracing::info!(target: "aksos::auth", "using {} credentials", link.name);
                        return Ok(t);
                    }
                    Err(e) => tried.push(format!("{}: {}", link.name, first_line(&e))),
                },
            }
        }
        Err(azure_core::Error::with_message(
            ErrorKind::Credential,
            format!(
                "no credential produced a token. Tried:\n    - {}\n  fix: run `az login`, or set {TOKEN_ENV} (e.g. from `az account get-access-token --query accessToken -o tsv`), or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or pick one with --auth",
                tried.join("\n    - ")
            ),
        ))
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

fn client_options(cloud: &azure_core::cloud::CloudConfiguration) -> ClientOptions {
    ClientOptions {
        cloud: Some(Arc::new(cloud.clone())),
        ..Default::default()
    }
}

fn token_link() -> Link {
    Link {
        name: TOKEN_ENV,
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
        (Some(tenant), Some(client), Some(secret)) => ClientSecretCredential::new(
            &tenant,
            client,
            Secret::new(secret),
            Some(ClientSecretCredentialOptions {
                client_options: client_options(cloud),
            }),
        )
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| first_line(&e)),
        _ => Err("AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not all set".into()),
    };
    Link {
        name: "environment service principal",
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
        credential,
    }
}

fn cli_link() -> Link {
    Link {
        name: "Azure CLI",
        credential: AzureCliCredential::new(None)
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| first_line(&e)),
    }
}

fn azd_link() -> Link {
    Link {
        name: "Azure Developer CLI",
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
                    credential: Err("not set".into()),
                },
                Link {
                    name: "second",
                    credential: Err("also missing".into()),
                },
            ],
            chosen: Mutex::new(None),
        };
        let err = chain.get_token(&["s"], None).await.unwrap_err().to_string();
        assert!(err.contains("first: not set") && err.contains("second: also missing"));
        assert!(err.contains("az login"));
    }

    #[tokio::test]
    async fn static_token_is_redacted_in_debug() {
        let t = StaticToken::new("supersecret".into());
        assert!(!format!("{t:?}").contains("supersecret"));
        let tok = t.get_token(&["s"], None).await.unwrap();
        assert_eq!(tok.token.secret(), "supersecret");
    }
}
