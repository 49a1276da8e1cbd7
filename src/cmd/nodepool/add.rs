//! `aksos nodepool add`: preflight the flags, then the shared provisioning
//! flow ([`crate::cmd::provision::provision_with`]): GET the cluster and pool,
//! plan, print it (`--dry-run` stops there), confirm, execute, report the pool.

use crate::cli::NodepoolAddArgs;
use crate::cmd::provision;
use crate::core::plan::Target;
use crate::core::preflight::{self, Findings};
use crate::error::AppResult;
use crate::io::output::Ui;

/// The flags as a checked request (exit 2 when invalid), findings reported.
pub fn preflight(a: &NodepoolAddArgs, ui: &Ui) -> AppResult<(Target, Findings)> {
    provision::preflight_flags(&a.fields, preflight::pool, Target::Pool, ui)
}

#[cfg(test)]
mod tests {
    use crate::cli::Command;
    use crate::cmd::factory::test_support::{command, factory, planned_put};
    use crate::io::output::Format;
    use crate::testing::{run, FakeArm};

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
        FakeArm::with_cluster_c1()
    }

    #[test]
    fn dry_run_as_json_names_the_create_only_put_and_sends_nothing() {
        let fake = with_cluster();
        let (f, out) = factory(&fake, Format::Json);
        let c = add(&["--dry-run"]);
        let checked = super::super::preflight(&c, f.ui()).expect("valid flags");
        assert_eq!(run(super::super::run(&c, checked, &f)).unwrap(), 0);
        let put = planned_put(
            &out.stdout(),
            "/managedClusters/c1/agentPools/p1?api-version=",
        );
        assert_eq!(put["headers"]["If-None-Match"], "*", "{put}");
        assert_eq!(put["body"]["properties"]["osSKU"], "Ubuntu", "{put}");
        assert!(fake.writes().is_empty(), "{:?}", fake.writes());
    }

    #[test]
    fn yes_sends_the_put_and_reports_the_pool() {
        let fake = with_cluster();
        let pool = fake.accepts_pool("p1", 3);
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
