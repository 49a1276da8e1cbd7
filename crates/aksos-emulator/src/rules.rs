//! What AKS enforces beyond the schema, transcribed from the AKS documentation
//! and release notes — one row per `osSKU`, each with its source. These are the
//! emulator's own beliefs: nothing here is read from a client, so a client whose
//! catalog says otherwise meets the refusal Azure would give.
//!
//! Sources (abbreviated in [`OsRule::source`]):
//! - `acl`: AKS docs, "Azure Container Linux" overview and
//!   `migrate-nodes-azure-container-linux.md` (2026-07); FIPS image since AKS
//!   release 2026-05-29 (microsoft/azurelinux#17193, Azure/AKS PR #5798).
//! - `osguard`: AKS docs, "Azure Linux with OS Guard" (preview) quickstart;
//!   retirement Azure/AKS#5950.
//! - `flatcar`: AKS docs, "Flatcar Container Linux for AKS" (preview);
//!   retirement Azure/AKS#5648.
//! - `ubuntu`: AKS docs, "Node images / Ubuntu versions" and `upgrade-os-version.md`;
//!   Ubuntu 26.04 preview Azure/AKS#5905.
//! - `azurelinux`: AKS docs, "Azure Linux container host"; Azure Linux 2.0 end of
//!   support Azure/AKS#4988.
//! - `in-place`: AKS docs `upgrade-os-version.md` (osSKU change by PUT).

use std::fmt;

/// Microsoft.Features namespace of the AKS preview flags.
pub const FEATURE_NAMESPACE: &str = "Microsoft.ContainerService";
/// The resource provider a preview flag is re-registered on.
pub const PROVIDER_NAMESPACE: &str = "Microsoft.ContainerService";

/// Agent pool node count (min for a User pool, max): AKS docs "Create node
/// pools" and the spec's description of `count` ("0 to 1000 for user pools,
/// 1 to 1000 for system pools"; the spec states no `minimum`/`maximum`).
pub const POOL_COUNT: (i64, i64) = (0, 1000);

/// `maxPods` per node: AKS docs "Configure maximum pods per node" (Azure CNI
/// networking docs, "Maximum pods per node": minimum 10, maximum 250); the spec
/// states no limits for it.
pub const MAX_PODS: (i64, i64) = (10, 250);

/// A Kubernetes minor version (`1.34`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minor(pub u32, pub u32);

impl Minor {
    /// `1.34`, `1.34.2` → `1.34`; anything else → `None`.
    pub fn parse(s: &str) -> Option<Minor> {
        let mut it = s.trim().split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next()?.parse().ok()?;
        match it.next() {
            None => Some(Minor(major, minor)),
            Some(p) if p.parse::<u32>().is_ok() && it.next().is_none() => Some(Minor(major, minor)),
            Some(_) => None,
        }
    }
}

impl fmt::Display for Minor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// Whether a setting must be on, may be on, or must be off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Allowed,
    Refused,
}

/// AKS's rules for one `osSKU`.
#[derive(Debug, Clone)]
pub struct OsRule {
    pub sku: &'static str,
    /// Preview feature under [`FEATURE_NAMESPACE`] that must be Registered (and
    /// the provider re-registered after it).
    pub feature_flag: Option<&'static str>,
    /// `enableFIPS`.
    pub fips: Need,
    /// `securityProfile.enableSecureBoot` and `enableVTPM`.
    pub trusted_launch: Need,
    /// `osDiskType` the SKU needs.
    pub os_disk: Option<&'static str>,
    /// Cluster `nodeOSUpgradeChannel` values allowed; empty = any.
    pub channels: &'static [&'static str],
    pub min_kubernetes: Option<Minor>,
    pub max_kubernetes: Option<Minor>,
    /// SKUs a pool may change to this one from in place (PUT with a new osSKU).
    pub in_place_from: &'static [&'static str],
    pub source: &'static str,
}

/// Linux SKUs AKS re-images in place between (`in-place`).
const LINUX_IN_PLACE: &[&str] = &[
    "Ubuntu",
    "Ubuntu2204",
    "Ubuntu2404",
    "Ubuntu2604",
    "AzureLinux",
    "AzureLinux3",
    "AzureContainerLinux",
];

const fn row(sku: &'static str, source: &'static str) -> OsRule {
    OsRule {
        sku,
        feature_flag: None,
        fips: Need::Allowed,
        trusted_launch: Need::Allowed,
        os_disk: None,
        channels: &[],
        min_kubernetes: None,
        max_kubernetes: None,
        in_place_from: &[],
        source,
    }
}

/// The table. SKUs absent from it (Windows) carry no OS rule here.
pub static OS_RULES: &[OsRule] = &[
    OsRule {
        trusted_launch: Need::Required,
        channels: &["NodeImage", "None"],
        min_kubernetes: Some(Minor(1, 34)),
        in_place_from: LINUX_IN_PLACE,
        ..row("AzureContainerLinux", "acl")
    },
    OsRule {
        feature_flag: Some("AzureLinuxOSGuardPreview"),
        fips: Need::Required,
        trusted_launch: Need::Required,
        os_disk: Some("Managed"),
        channels: &["NodeImage", "None"],
        min_kubernetes: Some(Minor(1, 32)),
        in_place_from: &["Ubuntu", "Ubuntu2204", "AzureLinux", "AzureLinux3"],
        ..row("AzureLinuxOSGuard", "osguard")
    },
    OsRule {
        feature_flag: Some("AKSFlatcarPreview"),
        fips: Need::Refused,
        trusted_launch: Need::Refused,
        channels: &["NodeImage", "None", "Unmanaged"],
        ..row("Flatcar", "flatcar")
    },
    OsRule {
        min_kubernetes: Some(Minor(1, 25)),
        in_place_from: LINUX_IN_PLACE,
        ..row("Ubuntu", "ubuntu")
    },
    OsRule {
        min_kubernetes: Some(Minor(1, 25)),
        max_kubernetes: Some(Minor(1, 36)),
        in_place_from: LINUX_IN_PLACE,
        ..row("Ubuntu2204", "ubuntu")
    },
    OsRule {
        fips: Need::Refused,
        min_kubernetes: Some(Minor(1, 32)),
        max_kubernetes: Some(Minor(1, 38)),
        in_place_from: LINUX_IN_PLACE,
        ..row("Ubuntu2404", "ubuntu")
    },
    OsRule {
        feature_flag: Some("Ubuntu2604Preview"),
        fips: Need::Refused,
        trusted_launch: Need::Refused,
        min_kubernetes: Some(Minor(1, 36)),
        in_place_from: LINUX_IN_PLACE,
        ..row("Ubuntu2604", "ubuntu")
    },
    OsRule {
        min_kubernetes: Some(Minor(1, 32)),
        in_place_from: LINUX_IN_PLACE,
        ..row("AzureLinux", "azurelinux")
    },
    OsRule {
        min_kubernetes: Some(Minor(1, 28)),
        max_kubernetes: Some(Minor(1, 36)),
        in_place_from: LINUX_IN_PLACE,
        ..row("AzureLinux3", "azurelinux")
    },
    OsRule {
        max_kubernetes: Some(Minor(1, 31)),
        ..row("Mariner", "azurelinux")
    },
    OsRule {
        max_kubernetes: Some(Minor(1, 31)),
        ..row("CBLMariner", "azurelinux")
    },
];

/// Preview flags that gate no osSKU but that AKS knows (cluster-wide FIPS,
/// AKS docs "Enable FIPS for AKS").
pub const OTHER_FEATURES: &[&str] = &["EnableFIPSPreview"];

/// Looks a SKU up (case-insensitive, as AKS compares enum values).
pub fn find(sku: &str) -> Option<&'static OsRule> {
    OS_RULES.iter().find(|r| r.sku.eq_ignore_ascii_case(sku))
}

/// Every preview feature the emulated Microsoft.ContainerService knows.
pub fn features() -> impl Iterator<Item = &'static str> {
    OS_RULES
        .iter()
        .filter_map(|r| r.feature_flag)
        .chain(OTHER_FEATURES.iter().copied())
}

impl OsRule {
    /// Whether the SKU runs Kubernetes `m`.
    pub fn supports_kubernetes(&self, m: Minor) -> bool {
        self.min_kubernetes.is_none_or(|lo| m >= lo) && self.max_kubernetes.is_none_or(|hi| m <= hi)
    }

    /// `1.34+`, `1.25–1.36`, `up to 1.31`, `any`.
    pub fn kubernetes_range(&self) -> String {
        match (self.min_kubernetes, self.max_kubernetes) {
            (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
            (Some(lo), None) => format!("{lo}+"),
            (None, Some(hi)) => format!("up to {hi}"),
            (None, None) => "any".into(),
        }
    }

    /// Whether a pool running `from` may change to this SKU in place.
    pub fn migrates_in_place_from(&self, from: &str) -> bool {
        !self.sku.eq_ignore_ascii_case(from)
            && self
                .in_place_from
                .iter()
                .any(|f| f.eq_ignore_ascii_case(from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_unique_and_names_its_source() {
        for (i, r) in OS_RULES.iter().enumerate() {
            assert!(!r.source.is_empty());
            assert!(OS_RULES[i + 1..]
                .iter()
                .all(|o| !o.sku.eq_ignore_ascii_case(r.sku)));
        }
    }

    #[test]
    fn documented_facts_hold() {
        let acl = find("azurecontainerlinux").unwrap();
        assert_eq!(acl.fips, Need::Allowed, "ACL FIPS image since 2026-05-29");
        assert!(!acl.supports_kubernetes(Minor(1, 33)) && acl.supports_kubernetes(Minor(1, 34)));
        assert!(!find("Ubuntu2604")
            .unwrap()
            .supports_kubernetes(Minor(1, 35)));
        assert!(!find("Ubuntu2204")
            .unwrap()
            .supports_kubernetes(Minor(1, 37)));
        assert!(!find("Flatcar").unwrap().migrates_in_place_from("Ubuntu"));
        assert!(acl.migrates_in_place_from("Ubuntu2204"));
        assert_eq!(Minor::parse("1.34.2"), Some(Minor(1, 34)));
        assert_eq!(Minor::parse("1.x"), None);
    }
}
