//! The decision table: every seeds' rule, every hard requirement and the
//! lifecycle logic, on fixed dates.

use super::*;
use crate::core::catalog::Minor;
use crate::core::recommend::answers::RunsOn;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 24);
/// Before AKS stopped taking Flatcar pools (2026-06-08).
const MAY_2026: Date = date!(2026 - 05 - 15);

fn ranked_names(rec: &Recommendation) -> Vec<&'static str> {
    rec.ranked().map(|o| o.sku.api_value).collect()
}

fn top(rec: &Recommendation) -> &'static str {
    rec.top().expect("something is recommended").sku.api_value
}

fn rank_of(rec: &Recommendation, sku: &str) -> Option<usize> {
    rec.option(sku).expect("sku in catalog").rank
}

fn blockers_of<'a>(rec: &'a Recommendation, sku: &str) -> &'a [String] {
    &rec.option(sku).expect("sku in catalog").blockers
}

fn mentions(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}

fn multi_cloud_neutral() -> Answers {
    Answers {
        runs_on: RunsOn::MultiCloud,
        vendor_neutral: true,
        ..Answers::default()
    }
}

fn azure_security_first() -> Answers {
    Answers {
        runs_on: RunsOn::Azure,
        microsoft_support: true,
        secure_boot: true,
        ..Answers::default()
    }
}

#[test]
fn seeds_rule_table() {
    // (case, answers, day, expected top)
    let table: Vec<(&str, Answers, Date, &str)> = vec![
        (
            "multi-cloud + vendor-neutral: portable general-purpose",
            multi_cloud_neutral(),
            TODAY,
            "Ubuntu",
        ),
        (
            "multi-cloud + vendor-neutral + immutable: Flatcar's successor today",
            Answers {
                immutable: true,
                ..multi_cloud_neutral()
            },
            TODAY,
            "AzureContainerLinux",
        ),
        (
            "hybrid, nothing else: portable general-purpose",
            Answers {
                runs_on: RunsOn::Hybrid,
                ..Answers::default()
            },
            TODAY,
            "Ubuntu",
        ),
        (
            "azure + Microsoft support + Secure Boot",
            azure_security_first(),
            TODAY,
            "AzureContainerLinux",
        ),
        (
            "azure + IPE: the durable immutable option, not the retiring one with IPE",
            Answers {
                ipe: true,
                ..azure_security_first()
            },
            TODAY,
            "AzureContainerLinux",
        ),
        (
            "azure + package manager: Azure-optimized general purpose",
            Answers {
                package_manager: true,
                ..Answers::default()
            },
            TODAY,
            "AzureLinux",
        ),
        (
            "multi-cloud + package manager: cross-cloud general purpose",
            Answers {
                runs_on: RunsOn::MultiCloud,
                package_manager: true,
                ..Answers::default()
            },
            TODAY,
            "Ubuntu",
        ),
        (
            "azure + workloads modify nodes: writable Azure-optimized",
            Answers {
                workloads_modify_nodes: Some(true),
                ..azure_security_first()
            },
            TODAY,
            "AzureLinux",
        ),
    ];
    for (case, answers, day, expected) in table {
        let rec = recommend(&answers, day);
        assert_eq!(
            top(&rec),
            expected,
            "{case}: ranked {:?}",
            ranked_names(&rec)
        );
        let first = rec.top().unwrap();
        assert!(!first.reasons.is_empty(), "{case}: the top choice says why");
    }
}

#[test]
fn flatcar_is_excluded_today_with_date_and_successor() {
    let rec = recommend(
        &Answers {
            immutable: true,
            ..multi_cloud_neutral()
        },
        TODAY,
    );
    assert_eq!(rank_of(&rec, "Flatcar"), None);
    let blockers = blockers_of(&rec, "Flatcar");
    assert!(mentions(blockers, "2026-06-08"), "{blockers:?}");
    assert!(mentions(blockers, "AzureContainerLinux"), "{blockers:?}");
    let acl = rec.option("AzureContainerLinux").unwrap();
    assert!(
        mentions(&acl.reasons, "successor to Flatcar"),
        "{:?}",
        acl.reasons
    );
    assert!(
        rec.notes
            .iter()
            .any(|n| n.contains("Flatcar") && n.contains("Ubuntu")),
        "the note offers the immutable successor and the portable alternative: {:?}",
        rec.notes
    );
}

#[test]
fn lifecycle_is_date_driven_flatcar_still_ranked_in_may_2026() {
    let answers = Answers {
        immutable: true,
        ..multi_cloud_neutral()
    };
    let may = recommend(&answers, MAY_2026);
    let flatcar = may.option("Flatcar").unwrap();
    assert!(flatcar.rank.is_some(), "Flatcar took new pools in May 2026");
    assert!(
        mentions(&flatcar.warnings, "2026-06-08 (24 days left)"),
        "{:?}",
        flatcar.warnings
    );
    assert!(
        flatcar.rank > rank_of(&may, "AzureContainerLinux"),
        "retiring below its successor"
    );
    assert_eq!(rank_of(&recommend(&answers, TODAY), "Flatcar"), None);
}

#[test]
fn os_guard_ranks_below_azure_container_linux_and_leaves_on_2026_12_10() {
    let rec = recommend(&azure_security_first(), TODAY);
    assert_eq!(
        rec.ranked().next().unwrap().sku.api_value,
        "AzureContainerLinux"
    );
    let guard = rec.option("AzureLinuxOSGuard").unwrap();
    assert!(guard.rank > Some(1));
    assert!(
        mentions(&guard.warnings, "2026-12-10 (16 days left)"),
        "{:?}",
        guard.warnings
    );

    let after = recommend(&azure_security_first(), date!(2026 - 12 - 10));
    assert_eq!(rank_of(&after, "AzureLinuxOSGuard"), None);
    assert!(mentions(
        blockers_of(&after, "AzureLinuxOSGuard"),
        "2026-12-10"
    ));
}

#[test]
fn retired_is_never_first_even_when_it_matches_everything() {
    // Everything Flatcar ever offered, asked for at once.
    let answers = Answers {
        immutable: true,
        workloads_modify_nodes: Some(false),
        ..multi_cloud_neutral()
    };
    for day in [TODAY, date!(2026 - 06 - 08), date!(2030 - 01 - 01)] {
        let rec = recommend(&answers, day);
        assert_ne!(top(&rec), "Flatcar", "{day}");
        assert_eq!(rank_of(&rec, "Flatcar"), None, "{day}");
    }
    let rec = recommend(
        &Answers {
            package_manager: true,
            ..Answers::default()
        },
        TODAY,
    );
    for old in ["Mariner", "CBLMariner"] {
        assert_eq!(rank_of(&rec, old), None);
        assert!(mentions(blockers_of(&rec, old), "AzureLinux3"));
    }
}

#[test]
fn retiring_ranks_below_durable_equivalent() {
    // Ubuntu 22.04 stops taking pools on 2027-06-30; 24.04 is its successor.
    let rec = recommend(
        &Answers {
            runs_on: RunsOn::MultiCloud,
            ..Answers::default()
        },
        TODAY,
    );
    assert!(rank_of(&rec, "Ubuntu2204") > rank_of(&rec, "Ubuntu2404"));
    let u2204 = rec.option("Ubuntu2204").unwrap();
    assert!(mentions(&u2204.warnings, "2027-06-30"));
    // With FIPS required, 24.04 is out and 22.04 is allowed, with its warning.
    let fips = recommend(
        &Answers {
            runs_on: RunsOn::MultiCloud,
            fips: true,
            ..Answers::default()
        },
        TODAY,
    );
    assert_eq!(rank_of(&fips, "Ubuntu2404"), None);
    assert!(rank_of(&fips, "Ubuntu2204").is_some());
}

#[test]
fn hard_requirements_exclude_with_a_stated_blocker() {
    // (requirement, answers, excluded sku, blocker must mention, still ranked sku)
    let table: Vec<(&str, Answers, &str, &str, &str)> = vec![
        (
            "FIPS",
            Answers {
                fips: true,
                ..Answers::default()
            },
            "Ubuntu2404",
            "FIPS",
            "Ubuntu2204",
        ),
        (
            "Secure Boot",
            Answers {
                secure_boot: true,
                ..Answers::default()
            },
            "Ubuntu2604",
            "Secure Boot",
            "Ubuntu",
        ),
        (
            "Arm64",
            Answers {
                arm64: true,
                ..Answers::default()
            },
            "AzureLinuxOSGuard",
            "Arm64",
            "AzureContainerLinux",
        ),
        (
            "package manager",
            Answers {
                package_manager: true,
                ..Answers::default()
            },
            "AzureContainerLinux",
            "package manager",
            "AzureLinux",
        ),
        (
            "Kubernetes too old for ACL",
            Answers {
                kubernetes_version: Some(Minor(1, 33)),
                ..Answers::default()
            },
            "AzureContainerLinux",
            "1.34 or later, not 1.33",
            "AzureLinuxOSGuard",
        ),
        (
            "Kubernetes too new for pinned 22.04",
            Answers {
                kubernetes_version: Some(Minor(1, 37)),
                ..Answers::default()
            },
            "Ubuntu2204",
            "1.25–1.36",
            "Ubuntu2404",
        ),
        (
            "workloads modify nodes",
            Answers {
                workloads_modify_nodes: Some(true),
                ..Answers::default()
            },
            "AzureContainerLinux",
            "workloads modify nodes",
            "AzureLinux",
        ),
    ];
    for (requirement, answers, excluded, why, kept) in table {
        let rec = recommend(&answers, TODAY);
        assert_eq!(
            rank_of(&rec, excluded),
            None,
            "{requirement}: {excluded} excluded"
        );
        let blockers = blockers_of(&rec, excluded);
        assert!(mentions(blockers, why), "{requirement}: {blockers:?}");
        assert!(
            rank_of(&rec, kept).is_some(),
            "{requirement}: {kept} still ranked"
        );
    }
}

#[test]
fn azure_fips_immutable_recommends_azure_container_linux() {
    // ACL has a FIPS image since AKS release 2026-05-29 (microsoft/azurelinux#17193).
    let rec = recommend(
        &Answers {
            fips: true,
            immutable: true,
            ..Answers::default()
        },
        TODAY,
    );
    assert_eq!(top(&rec), "AzureContainerLinux");
    let acl = rec.option("AzureContainerLinux").unwrap();
    assert!(mentions(&acl.reasons, "FIPS image available"), "{acl:?}");
    assert!(
        !mentions(&rec.notes, "No immutable option"),
        "{:?}",
        rec.notes
    );
}

#[test]
fn a_successor_is_not_credited_with_what_it_lacks() {
    // Flatcar's rule (vendor-neutral, cross-cloud) passes to ACL, which is neither:
    // the reason says so, in line with the "AKS only" warning beside it.
    let rec = recommend(&multi_cloud_neutral(), TODAY);
    let acl = rec.option("AzureContainerLinux").unwrap();
    let inherited = acl
        .reasons
        .iter()
        .find(|r| r.contains("successor to Flatcar"))
        .expect("inherited reason");
    assert!(
        inherited.contains("not vendor-neutral") && inherited.contains("AKS only"),
        "{inherited}"
    );
}

#[test]
fn audit_findings_name_the_offending_resources_on_immutable_options() {
    let found =
        vec!["DaemonSet logging/fluent-bit (ds.yaml:12): writable hostPath /var/log".to_string()];
    let rec = recommend(&Answers::default().with_audit_findings(found), TODAY);
    for immutable in ["AzureContainerLinux", "AzureLinuxOSGuard"] {
        assert!(
            mentions(blockers_of(&rec, immutable), "DaemonSet logging/fluent-bit"),
            "{immutable}"
        );
    }
    assert!(rank_of(&rec, "AzureLinux").is_some());

    let clean = recommend(
        &Answers {
            immutable: true,
            ..Answers::default()
        }
        .with_audit_findings(Vec::new()),
        TODAY,
    );
    let acl = clean.option("AzureContainerLinux").unwrap();
    assert_eq!(acl.rank, Some(1));
    assert!(
        !mentions(&acl.warnings, "aksos audit"),
        "audited: no need to check again"
    );
}

#[test]
fn unanswered_workloads_question_warns_on_immutable_options() {
    let rec = recommend(&azure_security_first(), TODAY);
    assert!(mentions(&rec.top().unwrap().warnings, "aksos audit"));
}

#[test]
fn top_choice_lists_what_it_needs_and_the_command() {
    let rec = recommend(&azure_security_first(), TODAY);
    let acl = rec.top().unwrap();
    assert!(acl
        .required_settings
        .iter()
        .any(|s| s.setting.contains("NodeImage or None")));
    assert!(acl
        .required_settings
        .iter()
        .any(|s| s.setting == "Kubernetes 1.34 or later"));
    assert!(acl
        .commands
        .nodepool_add
        .contains("--os-sku AzureContainerLinux --enable-secure-boot --enable-vtpm"));

    let guard = rec.option("AzureLinuxOSGuard").unwrap();
    assert_eq!(
        guard.commands.prepare.as_deref(),
        Some("aksos feature register AzureLinuxOSGuardPreview --wait --refresh-provider")
    );
    for flag in ["--enable-fips-image", "--node-osdisk-type Managed"] {
        assert!(guard.commands.nodepool_add.contains(flag), "{flag}");
    }
}

#[test]
fn nothing_fits_is_said_plainly() {
    let rec = recommend(
        &Answers {
            fips: true,
            arm64: true,
            kubernetes_version: Some(Minor(1, 20)),
            ..Answers::default()
        },
        TODAY,
    );
    assert!(rec.top().is_none());
    assert!(rec
        .notes
        .iter()
        .any(|n| n.starts_with("No OS meets every requirement")));
}
