//! The decision rules of the AKS team's published OS recommendations
//! ([`GUIDANCE_TITLE`], November 2025), as predicates.
//!
//! Each rule says *when* it applies (a reading of the answers) and *which kind
//! of OS* it points to (a reading of catalog attributes: immutable, vendor-neutral,
//! cross-cloud, Microsoft-built, package manager). No rule names an OS: the
//! catalog decides which SKUs fit, and its lifecycle decides whether AKS still
//! accepts them. That is how a rule written when Flatcar and OS Guard were new
//! previews still reads correctly after AKS retired them.

use super::answers::Answers;
use crate::core::catalog::OsSku;

/// The published AKS guidance the rules come from, as output names it.
pub const GUIDANCE_TITLE: &str = "the AKS team's OS recommendations (AKS blog, November 2025)";
/// Where to read it.
pub const GUIDANCE_URL: &str = "https://blog.aks.azure.com/2025/11/20/recommendations-for-container-and-security-optimized-os-options-on-aks";

/// One of the guidance's "use X if you are looking for Y" rules.
pub struct SeedRule {
    /// The need, as the guidance phrases it ("a vendor-neutral ... OS").
    pub need: &'static str,
    /// Whether the answers express that need.
    pub applies: fn(&Answers) -> bool,
    /// Whether a SKU is the kind of OS the rule points to.
    pub fits: fn(&OsSku) -> bool,
    /// What else serves the need when a fitting SKU is retired or retiring.
    pub fallback: Option<Fallback>,
}

/// A second-best reading of a rule's need, offered when its pick is going away.
pub struct Fallback {
    /// How to describe it ("a portable general-purpose OS").
    pub need: &'static str,
    /// Whether a SKU serves it.
    pub serves: fn(&OsSku) -> bool,
}

/// Points a rule adds to every SKU it fits (and to the successor of a fitting
/// SKU that AKS is retiring).
pub const RULE_WEIGHT: i32 = 2;

/// The four rules of the guidance, in the order it gives them.
pub static SEED_RULES: &[SeedRule] = &[
    SeedRule {
        need: "a vendor-neutral, community-governed immutable OS with cross-cloud support",
        applies: |a| a.vendor_neutral || (a.runs_on.beyond_azure() && a.immutable),
        fits: |s| s.immutable && s.vendor_neutral && s.cross_cloud,
        fallback: Some(Fallback {
            need: "a portable general-purpose OS",
            serves: |s| s.cross_cloud && !s.immutable,
        }),
    },
    SeedRule {
        need: "an immutable OS, Microsoft-built and optimized for Azure (Secure Boot, IPE)",
        applies: |a| !a.runs_on.beyond_azure() && (a.microsoft_support || a.secure_boot || a.ipe),
        fits: |s| s.immutable && s.microsoft_built,
        fallback: None,
    },
    SeedRule {
        need: "a portable, general-purpose OS with cross-cloud support",
        applies: |a| a.runs_on.beyond_azure() && !a.immutable,
        fits: |s| !s.immutable && s.cross_cloud,
        fallback: None,
    },
    SeedRule {
        need:
            "a general-purpose OS with a package manager, Microsoft-built and optimized for Azure",
        applies: |a| {
            !a.runs_on.beyond_azure()
                && (a.package_manager || a.workloads_modify_nodes == Some(true))
        },
        fits: |s| !s.immutable && s.microsoft_built,
        fallback: None,
    },
];

/// The rules the answers trigger.
pub fn applying(answers: &Answers) -> impl Iterator<Item = &'static SeedRule> + '_ {
    SEED_RULES.iter().filter(move |r| (r.applies)(answers))
}
