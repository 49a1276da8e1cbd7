//! `aksos nodepool add`: preflight the flags, then the shared provisioning
//! flow ([`crate::cmd::provision::provision_with`]): GET the cluster and pool,
//! plan, print it (`--dry-run` stops there), confirm, execute, report the pool.

use crate::cli::NodepoolAddArgs;
use crate::cmd::factory::Factory;
use crate::cmd::provision;
use crate::core::plan::Target;
use crate::core::preflight::{self, Findings};
use crate::error::AppResult;
use crate::io::output::Ui;

/// The flags as a checked request (exit 2 when invalid), findings reported.
pub fn preflight(a: &NodepoolAddArgs, ui: &Ui) -> AppResult<(Target, Findings)> {
    let (r, f) = a.fields.check(preflight::pool)?;
    provision::report_findings(&f, ui);
    Ok((Target::Pool(r), f))
}

pub async fn run(
    a: &NodepoolAddArgs,
    (t, findings): (Target, Findings),
    f: &Factory,
) -> AppResult<u8> {
    let s = f.session().await?;
    provision::provision_with(&t, &findings, &a.write, &s, f.ui(), a.write.dry_run).await
}

#[cfg(test)]
mod tests {
    use crate::arm::ops::paths;
    use crate::arm::Method;
    use crate::cli::Command;
    use crate::cmd::factory::test_support::{command, factory};
    use crate::io::output::Format;
    use crate::testing::{run, FakeArm, SUB};
    use serde_json::json;

    const API: &str = crate::core::catalog::api_version::AKS_STABLE;

    fn add(extra: &[&str]) -> crate::cli::NodepoolCommand {
        let mut all = vec![
            "nodepool",
            "add",
            "-g",
            "rg1",
            "--cluster",
            "c1",
            "-n",
            "p1",
            "--os-sku",
            "Ubuntu",
            "--skip-capability-checks",
        ];
        all.extend_from_slice(extra);
        match command(&all) {
            Command::Nodepool(c) => c,
            _ => unreachable!(),
        }
    }

    fn with_cluster() -> std::sync::Arc<FakeArm> {
        let fake = FakeArm::new();
        fake.on(
            Method::Get,
            &paths::cluster(SUB, "rg1", "c1", API),
            200,
            json!({"name": "c1", "location": "eastus", "properties": {"kubernetesVersion": "1.35.1"}}),
        );
        fake
    }

    #[test]
    fn dry_run_as_json_names_the_create_only_put_and_sends_nothing() {
        let fake = with_cluster();
        let (f, out) = factory(&fake, Format::Json);
        let c = add(&["--dry-run"]);
        let checked = super::super::preflight(&c, f.ui()).expect("valid flags");
        assert_eq!(run(super::super::run(&c, checked, &f)).unwrap(), 0);
        let doc: serde_json::Value =
            serde_json::from_str(&out.stdout()).expect("one JSON document");
        let put = &doc["requests"][0];
        assert_eq!(put["method"], "PUT", "{doc}");
        assert!(
            put["url"]
                .as_str()
                .unwrap()
                .contains("/managedClusters/c1/agentPools/p1?api-version="),
            "{doc}"
        );
        assert_eq!(put["headers"]["If-None-Match"], "*", "{doc}");
        assert_eq!(put["body"]["properties"]["osSKU"], "Ubuntu", "{doc}");
        assert!(fake.writes().is_empty(), "{:?}", fake.writes());
    }

    #[test]
    fn yes_sends_the_put_and_reports_the_pool() {
        let fake = with_cluster();
        let pool = paths::pool(SUB, "rg1", "c1", "p1", API);
        fake.on(
            Method::Put,
            &pool,
            200,
            json!({"name": "p1", "properties": {"osSKU": "Ubuntu", "count": 3, "provisioningState": "Succeeded"}}),
        );
        let (f, out) = factory(&fake, Format::Text);
        let c = add(&["--yes"]);
        let checked = super::super::preflight(&c, f.ui()).expect("valid flags");
        assert_eq!(run(super::super::run(&c, checked, &f)).unwrap(), 0);
        assert_eq!(
            fake.writes(),
            vec![format!("PUT {}", pool.split('?').next().unwrap())]
        );
        let text = out.stdout();
        assert!(text.contains("p1") && text.contains("Ubuntu"), "{text}");
        assert!(out.stderr().contains("Plan for"), "{}", out.stderr());
    }
}
