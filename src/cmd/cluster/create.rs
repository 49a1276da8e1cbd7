//! `aksos cluster create`: preflight the flags, then the shared provisioning
//! flow ([`crate::cmd::provision::provision_with`]): plan from current state,
//! print it (`--dry-run` stops there), confirm, execute, report the cluster.

use crate::cli::ClusterCreateArgs;
use crate::cmd::provision;
use crate::core::plan::Target;
use crate::core::preflight::{self, Findings};
use crate::error::AppResult;
use crate::io::output::Ui;

/// The flags as a checked request (exit 2 when invalid), findings reported.
pub fn preflight(a: &ClusterCreateArgs, ui: &Ui) -> AppResult<(Target, Findings)> {
    provision::preflight_flags(&a.fields, preflight::cluster, Target::Cluster, ui)
}

#[cfg(test)]
mod tests {
    use crate::cli::Command;
    use crate::cmd::factory::test_support::{command, factory, planned_put};
    use crate::io::output::Format;
    use crate::testing::{run, FakeArm};

    fn create(args: &[&str]) -> crate::cli::ClusterCommand {
        let mut all = vec!["cluster", "create"];
        all.extend_from_slice(args);
        match command(&all) {
            Command::Cluster(c) => c,
            _ => unreachable!(),
        }
    }

    const FLAGS: &[&str] = &[
        "-g",
        "rg1",
        "-n",
        "c1",
        "-l",
        "eastus",
        "--os-sku",
        "Ubuntu",
        "--dry-run",
        "--skip-capability-checks",
    ];

    #[test]
    fn dry_run_prints_the_put_it_would_send_and_sends_nothing() {
        let fake = FakeArm::new();
        let (f, out) = factory(&fake, Format::Text);
        let c = create(FLAGS);
        let checked = super::super::preflight(&c, f.ui()).expect("valid flags");
        let code = run(super::super::run(&c, checked, &f)).expect("dry run");
        assert_eq!(code, 0);
        let text = out.stdout();
        assert!(text.contains("Plan for"), "{text}");
        assert!(
            text.contains("PUT ")
                && text.contains(
                    "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1"
                ),
            "{text}"
        );
        assert!(text.contains("\"osSKU\": \"Ubuntu\""), "{text}");
        assert_eq!(fake.writes(), Vec::<String>::new(), "a dry run only reads");
    }

    #[test]
    fn dry_run_as_json_is_one_document_naming_the_put() {
        let fake = FakeArm::new();
        let (f, out) = factory(&fake, Format::Json);
        let c = create(FLAGS);
        let checked = super::super::preflight(&c, f.ui()).expect("valid flags");
        run(super::super::run(&c, checked, &f)).expect("dry run");
        let put = planned_put(&out.stdout(), "/managedClusters/c1?api-version=");
        assert_eq!(put["body"]["location"], "eastus", "{put}");
    }
}
