//! The OS catalog: the single source of truth about every Linux `osSKU` aksos handles.
//!
//! One declarative table ([`CATALOG`]) holds, per SKU, the API value, family,
//! immutability, the preview feature flag, the api-version channel, required and
//! unsupported settings, the Kubernetes range, CPU architectures and lifecycle
//! dates with their sources (see `../shared/os-facts.md`). Preflight, planning,
//! recommendation, the emulator's preview gate and lifecycle scans read it; no
//! other module hard-codes an OS fact. Where a fact is not known the table says
//! so ([`Support::Unknown`], `None`) rather than guessing.
//!
//! Dates are evaluated against [`today`], which honours `AKSOS_TODAY=YYYY-MM-DD`
//! so tests can move the clock.

use time::{macros::date, Date};

/// The namespace every AKS preview feature flag lives in.
pub const FEATURE_NAMESPACE: &str = "Microsoft.ContainerService";
/// The resource provider refreshed after a feature registration.
pub const PROVIDER_NAMESPACE: &str = "Microsoft.ContainerService";

/// Working api-versions (see arm-specs/README.md §2).
pub mod api_version {
    /// Newest complete stable Microsoft.ContainerService api-version.
    pub const AKS_STABLE: &str = "2026-08-01";
    /// Newest complete preview Microsoft.ContainerService api-version.
    pub const AKS_PREVIEW: &str = "2026-08-02-preview";
    /// Microsoft.Features (the version `az feature` uses; identical operations to 2025-03-01).
    pub const FEATURES: &str = "2021-07-01";
    /// Microsoft.Resources provider operations.
    pub const PROVIDERS: &str = "2025-04-01";
}

/// What aksos (and AKS) assume when a value is not given: each default once.
pub mod defaults {
    /// VM size of new nodes: AMD64, Gen2, Trusted Launch capable.
    pub const VM_SIZE: &str = "Standard_D4s_v5";
    /// Arm64 VM size for an OS that runs on Arm64 only on Cobalt 100 (v6) sizes.
    pub const ARM64_COBALT_VM_SIZE: &str = "Standard_D4ps_v6";
    /// Arm64 VM size otherwise.
    pub const ARM64_VM_SIZE: &str = "Standard_D4ps_v5";
    /// Nodes in a new pool.
    pub const NODE_COUNT: i64 = 3;
    /// Name of a new cluster's system pool (as `az aks create`).
    pub const SYSTEM_POOL_NAME: &str = "nodepool1";
    /// The osSKU AKS gives a Linux pool that names none.
    pub const OS_SKU: &str = "Ubuntu";
    /// Mode of a pool added to a cluster.
    pub const POOL_MODE: &str = "User";
    /// Mode of a cluster's first pool.
    pub const SYSTEM_MODE: &str = "System";
    /// The node OS upgrade channel AKS uses when a cluster names none.
    pub const NODE_OS_UPGRADE_CHANNEL: &str = "NodeImage";

    /// The osSKU a pool runs when its GET shows none: AKS's default for its OS
    /// type (`Windows` pools are reported as such; Linux pools run [`OS_SKU`]).
    pub fn os_sku_of(os_sku: Option<&str>, os_type: Option<&str>) -> String {
        match (os_sku, os_type) {
            (Some(s), _) => s.to_string(),
            (None, Some(t)) if t.eq_ignore_ascii_case("Windows") => "Windows".into(),
            (None, _) => OS_SKU.into(),
        }
    }
}

/// The values of the API enums aksos takes (ManagedCluster / AgentPool).
pub mod enums {
    /// `autoUpgradeProfile.nodeOSUpgradeChannel`.
    pub const NODE_OS_UPGRADE_CHANNELS: &[&str] =
        &["NodeImage", "None", "SecurityPatch", "Unmanaged"];
    /// `osDiskType`.
    pub const OS_DISK_TYPES: &[&str] = &["Managed", "Ephemeral"];
    /// `mode`.
    pub const POOL_MODES: &[&str] = &["System", "User"];
    /// `networkProfile.networkPlugin` (the enums below are the spec's; a test
    /// compares them with the generated schema table).
    pub const NETWORK_PLUGINS: &[&str] = &["azure", "kubenet", "none"];
    /// `networkProfile.networkPluginMode`.
    pub const NETWORK_PLUGIN_MODES: &[&str] = &["overlay"];
    /// `networkProfile.networkDataplane`.
    pub const NETWORK_DATAPLANES: &[&str] = &["azure", "cilium"];
    /// `networkProfile.networkPolicy`.
    pub const NETWORK_POLICIES: &[&str] = &["none", "calico", "azure", "cilium"];
    /// `networkProfile.outboundType`.
    pub const OUTBOUND_TYPES: &[&str] = &[
        "loadBalancer",
        "userDefinedRouting",
        "managedNATGateway",
        "userAssignedNATGateway",
        "none",
    ];
    /// `networkProfile.loadBalancerSku`.
    pub const LOAD_BALANCER_SKUS: &[&str] = &["standard", "basic"];
    /// `sku.tier`.
    pub const TIERS: &[&str] = &["Free", "Standard", "Premium"];
    /// `autoUpgradeProfile.upgradeChannel`.
    pub const UPGRADE_CHANNELS: &[&str] = &["rapid", "stable", "patch", "node-image", "none"];
    /// `scaleSetPriority`.
    pub const PRIORITIES: &[&str] = &["Regular", "Spot"];
    /// `scaleSetEvictionPolicy`.
    pub const EVICTION_POLICIES: &[&str] = &["Delete", "Deallocate"];
    /// `scaleDownMode`.
    pub const SCALE_DOWN_MODES: &[&str] = &["Delete", "Deallocate"];
    /// `securityProfile.sshAccess` of a pool.
    pub const SSH_ACCESS: &[&str] = &["LocalUser", "Disabled", "EntraId"];
    /// Taint effects.
    pub const TAINT_EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];
}

/// Which api-version channel a SKU must be sent at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiChannel {
    Stable,
    Preview,
}

impl ApiChannel {
    pub fn api_version(self) -> &'static str {
        match self {
            ApiChannel::Stable => api_version::AKS_STABLE,
            ApiChannel::Preview => api_version::AKS_PREVIEW,
        }
    }
}

/// OS family, as the seeds group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Family {
    Flatcar,
    AzureLinux,
    AzureContainerLinux,
    Ubuntu,
}

/// Whether a setting is required, available, unsupported or not known for a SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Support {
    Required,
    Available,
    Unsupported,
    Unknown,
}

/// CPU architecture of the node VM size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arch {
    Amd64,
    Arm64,
}

/// Where a SKU stands in AKS's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Preview,
    Ga,
    Retired,
}

/// A Kubernetes minor version, e.g. 1.34.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Minor(pub u32, pub u32);

impl Minor {
    /// Parses `x.y` or `x.y.z` (the patch is ignored).
    pub fn parse(v: &str) -> Option<Minor> {
        let mut it = v.trim().split('.');
        let major = it.next()?.parse().ok()?;
        let minor = it.next()?.parse().ok()?;
        match it.next() {
            None => {}
            Some(p) if p.parse::<u32>().is_ok() => {}
            Some(_) => return None,
        }
        if it.next().is_some() {
            return None;
        }
        Some(Minor(major, minor))
    }
}

impl std::fmt::Display for Minor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// A dated lifecycle fact and where it comes from.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Dated {
    #[serde(serialize_with = "ser_date")]
    pub date: Date,
    pub source: &'static str,
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

/// Lifecycle of a SKU on AKS.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Lifecycle {
    pub stage: Stage,
    /// From this date AKS accepts no new clusters or node pools with the SKU.
    pub no_new_pools_from: Option<Dated>,
    /// From this date node images are removed: scale and reimage fail.
    pub images_removed_from: Option<Dated>,
    /// What AKS names as the way forward.
    pub successor: Option<&'static str>,
}

/// One row of the catalog.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OsSku {
    /// The exact `osSKU` value the API takes.
    pub api_value: &'static str,
    pub display_name: &'static str,
    pub family: Family,
    pub immutable: bool,
    /// Preview feature flag under [`FEATURE_NAMESPACE`] that must be Registered first.
    pub feature_flag: Option<&'static str>,
    pub api_channel: ApiChannel,
    pub fips: Support,
    /// Secure Boot and vTPM (Trusted Launch).
    pub trusted_launch: Support,
    /// `osDiskType` the SKU requires, if any.
    pub required_os_disk: Option<&'static str>,
    /// Node OS upgrade channels allowed (cluster level); empty = any.
    pub node_os_channels: &'static [&'static str],
    pub min_kubernetes: Option<Minor>,
    pub max_kubernetes: Option<Minor>,
    pub architectures: &'static [Arch],
    /// Integrity Policy Enforcement (trusted code execution).
    pub ipe: bool,
    /// Package manager on the node, if any.
    pub package_manager: Option<&'static str>,
    /// Vendor-neutral, community (CNCF) governance.
    pub vendor_neutral: bool,
    /// Built and supported by Microsoft.
    pub microsoft_built: bool,
    /// The same OS is available on other clouds and on-prem.
    pub cross_cloud: bool,
    /// AKS features documented as not supported with this SKU.
    pub not_supported: &'static [&'static str],
    /// SKUs AKS migrates in place to this one (a PUT of the pool with the new osSKU).
    pub in_place_from: &'static [&'static str],
    pub lifecycle: Lifecycle,
    /// One-line description for help and recommendations.
    pub summary: &'static str,
}

const AMD64_ARM64: &[Arch] = &[Arch::Amd64, Arch::Arm64];
const IMMUTABLE_CHANNELS: &[&str] = &["NodeImage", "None"];

const SRC_FLATCAR: &str = "Azure/AKS#5648; AKS release notes v20260529, v20260717";
const SRC_OSGUARD: &str = "Azure/AKS#5950";
const SRC_MARINER: &str = "Azure/AKS#4988";
const SRC_UBUNTU2204: &str = "os-facts.md (AKS Ubuntu 22.04 support window)";

/// A lifecycle that ends: no new pools from `no_new_pools`, images removed
/// from `removed` (both from `source`), `successor` the way forward.
const fn ending(
    stage: Stage,
    no_new_pools: Date,
    removed: Date,
    source: &'static str,
    successor: &'static str,
) -> Lifecycle {
    Lifecycle {
        stage,
        no_new_pools_from: Some(Dated {
            date: no_new_pools,
            source,
        }),
        images_removed_from: Some(Dated {
            date: removed,
            source,
        }),
        successor: Some(successor),
    }
}

/// What a row says unless it says otherwise: a mutable, GA, stable-API OS
/// with FIPS and Trusted Launch available, on amd64 and arm64, no Kubernetes
/// bounds, no lifecycle dates. Each row below names only what differs.
const BASE: OsSku = OsSku {
    api_value: "",
    display_name: "",
    family: Family::Ubuntu,
    immutable: false,
    feature_flag: None,
    api_channel: ApiChannel::Stable,
    fips: Support::Available,
    trusted_launch: Support::Available,
    required_os_disk: None,
    node_os_channels: &[],
    min_kubernetes: None,
    max_kubernetes: None,
    architectures: AMD64_ARM64,
    ipe: false,
    package_manager: None,
    vendor_neutral: false,
    microsoft_built: false,
    cross_cloud: false,
    not_supported: &[],
    in_place_from: &[],
    lifecycle: Lifecycle {
        stage: Stage::Ga,
        no_new_pools_from: None,
        images_removed_from: None,
        successor: None,
    },
    summary: "",
};

/// Azure Linux 2.0, under its first API name (`CBLMariner` is the same OS).
const MARINER: OsSku = OsSku {
    api_value: "Mariner",
    display_name: "Azure Linux 2.0 (Mariner)",
    family: Family::AzureLinux,
    api_channel: ApiChannel::Preview,
    trusted_launch: Support::Unknown,
    max_kubernetes: Some(Minor(1, 31)),
    package_manager: Some("tdnf"),
    microsoft_built: true,
    lifecycle: ending(
        Stage::Retired,
        date!(2025 - 11 - 30),
        date!(2026 - 03 - 31),
        SRC_MARINER,
        "AzureLinux3",
    ),
    summary: "Azure Linux 2.0; support ended",
    ..BASE
};

/// The catalog. Order is display order.
pub static CATALOG: &[OsSku] = &[
    OsSku {
        api_value: "AzureContainerLinux",
        display_name: "Azure Container Linux",
        family: Family::AzureContainerLinux,
        immutable: true,
        // A FIPS-enabled image ships since AKS release 2026-05-29
        // (microsoft/azurelinux#17193, closed 2026-06-05; Azure/AKS PR #5798).
        fips: Support::Available,
        trusted_launch: Support::Required,
        node_os_channels: IMMUTABLE_CHANNELS,
        min_kubernetes: Some(Minor(1, 34)),
        microsoft_built: true,
        not_supported: &[
            "Gen1 VM sizes",
            "Artifact Streaming",
            "Pod Sandboxing",
            "confidential VMs",
            "SecurityPatch/Unmanaged node OS channels",
            "Arm64 outside Cobalt v6 sizes",
            "Arm64 GPU pools",
        ],
        in_place_from: &[
            "Ubuntu",
            "Ubuntu2204",
            "Ubuntu2404",
            "AzureLinux",
            "AzureLinux3",
        ],
        summary: "GA immutable, container-optimized OS (derived from Flatcar); Secure Boot + vTPM",
        ..BASE
    },
    OsSku {
        api_value: "AzureLinuxOSGuard",
        display_name: "Azure Linux with OS Guard",
        family: Family::AzureLinux,
        immutable: true,
        feature_flag: Some("AzureLinuxOSGuardPreview"),
        // No published stable osSKU enum lists AzureLinuxOSGuard; Azure's own
        // client (aks-preview) sends it at a preview api-version with the feature
        // (recorded: test_aks_nodepool_add_with_ossku_azurelinuxosguard).
        api_channel: ApiChannel::Preview,
        fips: Support::Required,
        trusted_launch: Support::Required,
        required_os_disk: Some("Managed"),
        node_os_channels: IMMUTABLE_CHANNELS,
        min_kubernetes: Some(Minor(1, 32)),
        architectures: &[Arch::Amd64],
        ipe: true,
        microsoft_built: true,
        not_supported: &[
            "Arm64",
            "Gen1 VM sizes",
            "confidential VMs",
            "Artifact Streaming",
            "Pod Sandboxing",
            "SecurityPatch/Unmanaged node OS channels",
            "AMD GPUs",
        ],
        in_place_from: &["Ubuntu", "Ubuntu2204", "AzureLinux", "AzureLinux3"],
        lifecycle: ending(
            Stage::Preview,
            date!(2026 - 12 - 10),
            date!(2027 - 03 - 10),
            SRC_OSGUARD,
            "AzureContainerLinux",
        ),
        summary: "immutable Azure Linux with IPE, SELinux, Secure Boot + UKI; preview, never GA",
        ..BASE
    },
    OsSku {
        api_value: "Flatcar",
        display_name: "Flatcar Container Linux for AKS",
        family: Family::Flatcar,
        immutable: true,
        feature_flag: Some("AKSFlatcarPreview"),
        api_channel: ApiChannel::Preview,
        fips: Support::Unsupported,
        trusted_launch: Support::Unsupported,
        node_os_channels: &["NodeImage", "None", "Unmanaged"],
        vendor_neutral: true,
        cross_cloud: true,
        not_supported: &[
            "FIPS",
            "Trusted Launch (Secure Boot / vTPM)",
            "confidential VMs",
            "SecurityPatch node OS channel",
            "Gen1-only VM sizes",
            "Artifact Streaming",
            "Pod Sandboxing",
            "node auto-provisioning",
            "Azure Monitor VM extension",
            "NVIDIA/AMD GPUs",
            "in-place OS SKU migration",
        ],
        lifecycle: ending(
            Stage::Retired,
            date!(2026 - 06 - 08),
            date!(2026 - 09 - 08),
            SRC_FLATCAR,
            "AzureContainerLinux",
        ),
        summary: "CNCF, vendor-neutral immutable OS with cross-cloud support (retired on AKS)",
        ..BASE
    },
    OsSku {
        api_value: "Ubuntu",
        display_name: "Ubuntu (AKS picks 22.04 or 24.04)",
        family: Family::Ubuntu,
        min_kubernetes: Some(Minor(1, 25)),
        package_manager: Some("apt"),
        cross_cloud: true,
        in_place_from: &["AzureLinux", "AzureLinux3"],
        summary: "portable general-purpose OS with a package manager; AKS default",
        ..BASE
    },
    OsSku {
        api_value: "Ubuntu2404",
        display_name: "Ubuntu 24.04",
        family: Family::Ubuntu,
        fips: Support::Unsupported,
        min_kubernetes: Some(Minor(1, 32)),
        max_kubernetes: Some(Minor(1, 38)),
        package_manager: Some("apt"),
        cross_cloud: true,
        not_supported: &["FIPS"],
        in_place_from: &["Ubuntu", "Ubuntu2204", "AzureLinux", "AzureLinux3"],
        summary: "Ubuntu 24.04 LTS, pinned",
        ..BASE
    },
    OsSku {
        api_value: "Ubuntu2204",
        display_name: "Ubuntu 22.04",
        family: Family::Ubuntu,
        min_kubernetes: Some(Minor(1, 25)),
        max_kubernetes: Some(Minor(1, 36)),
        package_manager: Some("apt"),
        cross_cloud: true,
        in_place_from: &["Ubuntu", "AzureLinux", "AzureLinux3"],
        lifecycle: Lifecycle {
            stage: Stage::Ga,
            no_new_pools_from: Some(Dated {
                date: date!(2027 - 06 - 30),
                source: SRC_UBUNTU2204,
            }),
            images_removed_from: None,
            successor: Some("Ubuntu2404"),
        },
        summary: "Ubuntu 22.04 LTS, pinned; the Ubuntu with FIPS",
        ..BASE
    },
    OsSku {
        api_value: "Ubuntu2604",
        display_name: "Ubuntu 26.04 (preview)",
        family: Family::Ubuntu,
        feature_flag: Some("Ubuntu2604Preview"),
        api_channel: ApiChannel::Preview,
        fips: Support::Unsupported,
        trusted_launch: Support::Unsupported,
        min_kubernetes: Some(Minor(1, 36)),
        package_manager: Some("apt"),
        cross_cloud: true,
        not_supported: &[
            "FIPS",
            "Trusted Launch (Secure Boot / vTPM)",
            "confidential VMs",
            "Gen1 VM sizes",
        ],
        lifecycle: Lifecycle {
            stage: Stage::Preview,
            no_new_pools_from: None,
            images_removed_from: None,
            successor: None,
        },
        summary: "Ubuntu 26.04 LTS, preview behind a feature flag (Azure/AKS#5905)",
        ..BASE
    },
    OsSku {
        api_value: "AzureLinux",
        display_name: "Azure Linux (3.0 from Kubernetes 1.32)",
        family: Family::AzureLinux,
        min_kubernetes: Some(Minor(1, 32)),
        package_manager: Some("tdnf"),
        microsoft_built: true,
        in_place_from: &["Ubuntu", "Ubuntu2204", "Ubuntu2404"],
        summary: "general-purpose, Microsoft-built, Azure-optimized OS with tdnf",
        ..BASE
    },
    OsSku {
        api_value: "AzureLinux3",
        display_name: "Azure Linux 3.0",
        family: Family::AzureLinux,
        min_kubernetes: Some(Minor(1, 28)),
        max_kubernetes: Some(Minor(1, 36)),
        package_manager: Some("tdnf"),
        microsoft_built: true,
        in_place_from: &["Ubuntu", "Ubuntu2204", "Ubuntu2404", "AzureLinux"],
        summary: "Azure Linux 3.0, pinned",
        ..BASE
    },
    MARINER,
    OsSku {
        api_value: "CBLMariner",
        display_name: "Azure Linux 2.0 (CBLMariner)",
        ..MARINER
    },
];

/// Looks a SKU up by its API value (case-insensitive, as ARM compares enums).
pub fn find(api_value: &str) -> Option<&'static OsSku> {
    CATALOG
        .iter()
        .find(|s| s.api_value.eq_ignore_ascii_case(api_value))
}

/// The catalog row that describes a running pool: `AzureLinux` below Kubernetes
/// 1.32 is Azure Linux 2.0 (Azure/AKS#4988), which the `Mariner` row describes.
pub fn effective(os_sku: &str, kubernetes: Option<Minor>) -> Option<&'static OsSku> {
    let sku = find(os_sku)?;
    match (sku.api_value, kubernetes) {
        ("AzureLinux", Some(v)) if v < Minor(1, 32) => find("Mariner"),
        _ => Some(sku),
    }
}

/// The API values of every SKU, for error messages and completions.
pub fn known_values() -> Vec<&'static str> {
    CATALOG.iter().map(|s| s.api_value).collect()
}

/// The API values of the SKUs that still take new pools and for which `pick`
/// holds: help text and error messages state OS rules through this, never by hand.
pub fn skus_where(pick: impl Fn(&OsSku) -> bool) -> Vec<&'static str> {
    let day = today();
    CATALOG
        .iter()
        .filter(|s| s.accepts_new_pools(day) && pick(s))
        .map(|s| s.api_value)
        .collect()
}

/// Since when the SKU has had a FIPS image, where that is recent enough to say
/// (microsoft/azurelinux#17193; Azure/AKS PR #5798).
pub fn fips_since(sku: &OsSku) -> Option<&'static str> {
    (sku.family == Family::AzureContainerLinux).then_some("AKS release 2026-05-29")
}

/// The feature flag of the newest preview OS (the highest minimum Kubernetes
/// version among SKUs that take new pools and need a flag), for help examples.
pub fn example_feature() -> &'static str {
    skus_where(|s| s.feature_flag.is_some())
        .into_iter()
        .filter_map(find)
        .max_by_key(|s| s.min_kubernetes)
        .and_then(|s| s.feature_flag)
        .unwrap_or("PREVIEW_FEATURE")
}

/// Whether the SKU runs on Arm64 only on Cobalt 100 (v6) sizes: Azure Container
/// Linux (the ACL overview, 2026-07; os-facts.md "Arm64 only on Cobalt v6 sizes").
pub fn arm64_only_on_cobalt_v6(sku: &OsSku) -> bool {
    sku.family == Family::AzureContainerLinux
}

/// The SKU whose feature flag this is, if any.
pub fn sku_for_feature(feature: &str) -> Option<&'static OsSku> {
    CATALOG.iter().find(|s| {
        s.feature_flag
            .is_some_and(|f| f.eq_ignore_ascii_case(feature))
    })
}

/// Today's date, or `AKSOS_TODAY` (YYYY-MM-DD) when set, so tests can move the clock.
pub fn today() -> Date {
    if let Ok(v) = std::env::var("AKSOS_TODAY") {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        if let Ok(d) = Date::parse(v.trim(), &fmt) {
            return d;
        }
    }
    time::OffsetDateTime::now_utc().date()
}

/// Where a SKU stands on a given day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    Ok,
    /// Still accepted, but AKS stops accepting it on `date`.
    Retiring {
        date: String,
        days_left: i64,
        successor: Option<String>,
    },
    /// AKS no longer accepts new pools since `date`.
    Retired {
        date: String,
        images_removed: Option<String>,
        successor: Option<String>,
    },
}

impl OsSku {
    /// Lifecycle verdict on `day`.
    pub fn verdict(&self, day: Date) -> Verdict {
        let successor = self.lifecycle.successor.map(str::to_string);
        match self.lifecycle.no_new_pools_from {
            Some(d) if d.date <= day => Verdict::Retired {
                date: d.date.to_string(),
                images_removed: self
                    .lifecycle
                    .images_removed_from
                    .map(|i| i.date.to_string()),
                successor,
            },
            Some(d) => Verdict::Retiring {
                date: d.date.to_string(),
                days_left: (d.date - day).whole_days(),
                successor,
            },
            None if self.lifecycle.stage == Stage::Retired => Verdict::Retired {
                date: "unknown".into(),
                images_removed: None,
                successor,
            },
            None => Verdict::Ok,
        }
    }

    /// Whether AKS accepts new pools of this SKU on `day`.
    pub fn accepts_new_pools(&self, day: Date) -> bool {
        !matches!(self.verdict(day), Verdict::Retired { .. })
    }

    /// Whether `v` lies in the SKU's Kubernetes range.
    pub fn supports_kubernetes(&self, v: Minor) -> bool {
        self.min_kubernetes.is_none_or(|m| v >= m) && self.max_kubernetes.is_none_or(|m| v <= m)
    }

    /// Human-readable Kubernetes range, e.g. "1.34 or later".
    pub fn kubernetes_range(&self) -> String {
        match (self.min_kubernetes, self.max_kubernetes) {
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("{a} or later"),
            (None, Some(b)) => format!("up to {b}"),
            (None, None) => "any AKS-supported version".into(),
        }
    }

    /// The api-version a PUT with this SKU is sent at.
    pub fn api_version(&self) -> &'static str {
        self.api_channel.api_version()
    }

    /// Whether AKS migrates a pool from `from` to this SKU in place.
    pub fn migrates_in_place_from(&self, from: &str) -> bool {
        self.in_place_from
            .iter()
            .any(|f| f.eq_ignore_ascii_case(from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_names_itself_over_the_base() {
        for s in CATALOG {
            assert!(
                !s.api_value.is_empty() && !s.display_name.is_empty() && !s.summary.is_empty(),
                "a catalog row left a name or summary to BASE: {s:?}"
            );
        }
    }

    #[test]
    fn every_sku_is_unique_and_successors_exist() {
        for (i, s) in CATALOG.iter().enumerate() {
            assert!(
                CATALOG[i + 1..]
                    .iter()
                    .all(|o| !o.api_value.eq_ignore_ascii_case(s.api_value)),
                "{} twice",
                s.api_value
            );
            if let Some(succ) = s.lifecycle.successor {
                let succ = find(succ).expect("successor in catalog");
                assert!(succ.accepts_new_pools(date!(2026 - 11 - 24)));
            }
        }
    }

    #[test]
    fn lifecycle_verdicts_follow_the_dates() {
        let flatcar = find("flatcar").unwrap();
        assert!(matches!(
            flatcar.verdict(date!(2026 - 11 - 24)),
            Verdict::Retired { .. }
        ));
        assert!(matches!(
            flatcar.verdict(date!(2026 - 06 - 07)),
            Verdict::Retiring { days_left: 1, .. }
        ));
        let guard = find("AzureLinuxOSGuard").unwrap();
        assert_eq!(
            guard.verdict(date!(2026 - 11 - 24)),
            Verdict::Retiring {
                date: "2026-12-10".into(),
                days_left: 16,
                successor: Some("AzureContainerLinux".into())
            }
        );
        assert!(!guard.accepts_new_pools(date!(2026 - 12 - 10)));
        assert_eq!(
            find("AzureContainerLinux")
                .unwrap()
                .verdict(date!(2030 - 1 - 1)),
            Verdict::Ok
        );
    }

    #[test]
    fn azure_linux_below_1_32_is_azure_linux_2() {
        let old = effective("AzureLinux", Some(Minor(1, 31))).unwrap();
        assert_eq!(old.api_value, "Mariner");
        assert!(!old.accepts_new_pools(date!(2026 - 11 - 24)));
        assert_eq!(
            effective("azurelinux", Some(Minor(1, 33)))
                .unwrap()
                .api_value,
            "AzureLinux"
        );
        assert!(effective("NewOS", None).is_none());
    }

    #[test]
    fn kubernetes_ranges() {
        let acl = find("AzureContainerLinux").unwrap();
        assert!(!acl.supports_kubernetes(Minor(1, 33)));
        assert!(acl.supports_kubernetes(Minor(1, 34)));
        let u2204 = find("Ubuntu2204").unwrap();
        assert!(!u2204.supports_kubernetes(Minor(1, 37)));
        assert_eq!(Minor::parse("1.34.2"), Some(Minor(1, 34)));
        assert_eq!(Minor::parse("1.x"), None);
        assert_eq!(Minor::parse("1.34.2.1"), None);
    }

    #[test]
    fn preview_skus_have_flags_and_flatcar_needs_preview_api() {
        assert_eq!(
            find("Flatcar").unwrap().api_version(),
            api_version::AKS_PREVIEW
        );
        // Only preview schemas list it; az (aks-preview) sends it at a preview version.
        assert_eq!(
            find("AzureLinuxOSGuard").unwrap().api_version(),
            api_version::AKS_PREVIEW
        );
        assert_eq!(
            find("Ubuntu2604").unwrap().feature_flag,
            Some("Ubuntu2604Preview")
        );
        assert_eq!(
            sku_for_feature("aksflatcarpreview").unwrap().api_value,
            "Flatcar"
        );
    }
}
