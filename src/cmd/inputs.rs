//! Checks every name a command takes, before a runtime, a credential or a
//! request exists: resource groups, clusters, pools, features, namespaces (and
//! `migrate --to`, an OS SKU). Each problem names its flag and the rule (exit 2,
//! nothing sent). The rules are [`crate::names`]'; `cluster create`,
//! `nodepool add`, `export` and `apply` get the same rules through preflight.

use crate::cli::{ClusterCommand, Command, FeatureCommand, NodepoolCommand, ProviderCommand};
use crate::core::catalog;
use crate::error::{AppError, AppResult};
use crate::names::{ClusterName, FeatureName, Invalid, PoolName, ProviderNamespace, ResourceGroup};

/// Collects the problems of one command line.
#[derive(Default)]
struct Problems(Vec<AppError>);

impl Problems {
    fn name<T>(&mut self, flag: &str, parsed: Result<T, Invalid>) {
        if let Err(e) = parsed {
            self.0.push(AppError::usage(flag, e.to_string()));
        }
    }

    fn rg(&mut self, v: &str) {
        self.name("--resource-group", ResourceGroup::parse(v));
    }

    fn cluster(&mut self, flag: &str, v: &str) {
        self.name(flag, ClusterName::parse(v));
    }

    fn pool(&mut self, flag: &str, v: &str) {
        self.name(flag, PoolName::parse(v));
    }

    fn feature(&mut self, name: &str, namespace: &str) {
        self.name("<NAME>", FeatureName::parse(name));
        self.name("--namespace", ProviderNamespace::parse(namespace));
    }

    fn finish(self) -> AppResult<()> {
        let mut all = self.0;
        match all.len() {
            0 => Ok(()),
            1 => Err(all.remove(0)),
            _ => Err(AppError::UsageMany(all)),
        }
    }
}

/// Checks the names of `cmd` (commands without names pass).
pub fn check(cmd: &Command) -> AppResult<()> {
    let mut p = Problems::default();
    match cmd {
        Command::Feature(f) => match f {
            FeatureCommand::Show(a) | FeatureCommand::Unregister(a) => {
                p.feature(&a.name, &a.namespace)
            }
            FeatureCommand::Register(a) => p.feature(&a.feature.name, &a.feature.namespace),
            FeatureCommand::List(a) => {
                p.name("--namespace", ProviderNamespace::parse(&a.namespace))
            }
        },
        Command::Provider(c) => {
            let ns = match c {
                ProviderCommand::Show(a) => &a.namespace,
                ProviderCommand::Register(a) => &a.provider.namespace,
            };
            p.name("<NAMESPACE>", ProviderNamespace::parse(ns));
        }
        // `create` is checked whole by preflight (names, OS, sizes, ...).
        Command::Cluster(ClusterCommand::Show(a)) => {
            p.rg(&a.resource_group);
            p.cluster("--name", &a.name);
        }
        Command::Nodepool(NodepoolCommand::Show(a)) => {
            p.rg(&a.resource_group);
            p.cluster("--cluster", &a.cluster);
            p.pool("--name", &a.name);
        }
        Command::Nodepool(NodepoolCommand::List(a)) => {
            p.rg(&a.resource_group);
            p.cluster("--cluster", &a.cluster);
        }
        Command::Scan(a) => {
            if let Some(rg) = &a.resource_group {
                p.rg(rg);
            }
            if let Some(c) = &a.cluster {
                p.cluster("--cluster", c);
            }
        }
        Command::Migrate(a) => {
            if let Some(rg) = &a.resource_group {
                p.rg(rg);
            }
            if let Some(c) = &a.cluster {
                p.cluster("--cluster", c);
            }
            if let Some(pool) = &a.pool {
                p.pool("--pool", pool);
            }
            if let Some(n) = &a.new_pool {
                p.pool("--new-pool", n);
            }
            if let Some(to) = &a.to {
                if catalog::find(to).is_none() {
                    p.0.push(AppError::usage(
                        "--to",
                        format!(
                            "`{}` is not a known OS SKU.{} Known: {}",
                            crate::names::shown(to),
                            crate::suggest::did_you_mean(to, catalog::known_values()),
                            catalog::known_values().join(", ")
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn checked(line: &str) -> AppResult<()> {
        let args = std::iter::once("aksos").chain(line.split_whitespace());
        check(&crate::cli::Cli::try_parse_from(args).unwrap().command)
    }

    fn refused(line: &str, flag: &str) {
        let e = checked(line).expect_err(line);
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains(flag), "{line}: {e}");
    }

    #[test]
    fn every_named_input_is_checked() {
        refused(
            "feature unregister ../../../../Microsoft.ContainerService",
            "<NAME>",
        );
        refused("feature register X?api-version=evil&", "<NAME>");
        refused(
            "feature show AKSFlatcarPreview --namespace ..",
            "--namespace",
        );
        refused("feature list --namespace a/b", "--namespace");
        refused("provider show ../x", "<NAMESPACE>");
        refused("provider register .", "<NAMESPACE>");
        refused("cluster show -g .. -n c1", "--resource-group");
        refused("cluster show -g rg -n ../../../../../../otherSub", "--name");
        refused("cluster show -g rg -n c1?x=1#", "--name");
        refused("nodepool show -g rg --cluster c --name ..", "--name");
        refused("nodepool list -g rg --cluster c/d", "--cluster");
        refused("scan -g ..", "--resource-group");
        refused("scan --cluster .", "--cluster");
        refused("migrate -g rg --cluster c --pool ..", "--pool");
        refused(
            "migrate -g rg --cluster c --pool p --new-pool ../x",
            "--new-pool",
        );
        refused("migrate -g rg --cluster c --pool p --to ../x", "--to");
        refused("migrate -g . --cluster . --pool p", "2 problems");
    }

    #[test]
    fn good_names_pass() {
        for line in [
            "feature show AKSFlatcarPreview",
            "feature list",
            "provider show",
            "cluster show -g rg(1) -n c1",
            "nodepool show -g rg --cluster c --name np1",
            "scan",
            "migrate -g rg --cluster c --pool np1 --to AzureLinux --new-pool np2",
            "man",
        ] {
            assert!(checked(line).is_ok(), "{line}");
        }
    }
}
