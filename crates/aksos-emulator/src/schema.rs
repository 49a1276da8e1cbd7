//! What the emulator accepts, transcribed from `arm-specs/`: api-versions per
//! provider, the `osSKU` enum per api-version, name patterns, and the property
//! names a PUT body may carry (so a typo such as `osSku` is a 400, as a strict
//! schema check would make it).

/// Microsoft.Features api-versions (arm-specs/features).
pub const FEATURES_VERSIONS: &[&str] = &["2021-07-01", "2025-03-01"];
/// Microsoft.Resources provider api-versions.
pub const PROVIDER_VERSIONS: &[&str] = &["2025-04-01"];
/// Microsoft.ContainerService api-versions whose schema we carry.
pub const AKS_VERSIONS: &[&str] = &["2026-08-01", "2026-08-02-preview"];

/// `osSKU` enum values per api-version (arm-specs/containerservice/osSKU-enum-by-version.json).
pub fn os_sku_enum(api_version: &str) -> &'static [&'static str] {
    const STABLE: &[&str] = &[
        "Ubuntu",
        "AzureLinux",
        "AzureLinux3",
        "CBLMariner",
        "Windows2019",
        "Windows2022",
        "Ubuntu2204",
        "Ubuntu2404",
        "Windows2025",
        "AzureContainerLinux",
    ];
    const PREVIEW: &[&str] = &[
        "Ubuntu",
        "AzureLinux",
        "AzureLinux3",
        "Mariner",
        "Flatcar",
        "CBLMariner",
        "Windows2019",
        "Windows2022",
        "Ubuntu2204",
        "Windows2025",
        "WindowsAnnual",
        "Ubuntu2404",
        "AzureContainerLinux",
        "Ubuntu2604",
    ];
    if api_version.ends_with("-preview") {
        PREVIEW
    } else {
        STABLE
    }
}

/// Values AKS takes outside the published enum (modelAsString): OS Guard is
/// documented with `--os-sku AzureLinuxOSGuard` at 2025-05-01 and later.
pub const OFF_ENUM_ACCEPTED: &[&str] = &["AzureLinuxOSGuard"];

/// Writable (and tolerated read-only) properties of an agent pool
/// (`ManagedClusterAgentPoolProfileProperties`, 2026-08-01).
pub const POOL_PROPERTIES: &[&str] = &[
    "artifactStreamingProfile",
    "availabilityZones",
    "capacityReservationGroupID",
    "count",
    "creationData",
    "currentOrchestratorVersion",
    "eTag",
    "enableAutoScaling",
    "enableEncryptionAtHost",
    "enableFIPS",
    "enableNodePublicIP",
    "enableUltraSSD",
    "gatewayProfile",
    "gpuInstanceProfile",
    "gpuProfile",
    "hostGroupID",
    "kubeletConfig",
    "kubeletDiskType",
    "linuxOSConfig",
    "localDNSProfile",
    "maxCount",
    "maxPods",
    "messageOfTheDay",
    "minCount",
    "mode",
    "networkProfile",
    "nodeImageVersion",
    "nodeLabels",
    "nodePublicIPPrefixID",
    "nodeTaints",
    "orchestratorVersion",
    "osDiskSizeGB",
    "osDiskType",
    "osSKU",
    "osType",
    "podIPAllocationMode",
    "podSubnetID",
    "powerState",
    "provisioningState",
    "proximityPlacementGroupID",
    "scaleDownMode",
    "scaleSetEvictionPolicy",
    "scaleSetPriority",
    "securityProfile",
    "spotMaxPrice",
    "status",
    "tags",
    "type",
    "upgradeSettings",
    "virtualMachineNodesStatus",
    "virtualMachinesProfile",
    "vmSize",
    "vnetSubnetID",
    "windowsProfile",
    "workloadRuntime",
];

/// `ManagedClusterProperties` (2026-08-01).
pub const CLUSTER_PROPERTIES: &[&str] = &[
    "aadProfile",
    "addonProfiles",
    "agentPoolProfiles",
    "aiToolchainOperatorProfile",
    "apiServerAccessProfile",
    "autoScalerProfile",
    "autoUpgradeProfile",
    "azureMonitorProfile",
    "azurePortalFQDN",
    "bootstrapProfile",
    "currentKubernetesVersion",
    "disableLocalAccounts",
    "diskEncryptionSetID",
    "dnsPrefix",
    "enableFIPS",
    "enableRBAC",
    "fqdn",
    "fqdnSubdomain",
    "hostedSystemProfile",
    "httpProxyConfig",
    "identityProfile",
    "ingressProfile",
    "kubernetesVersion",
    "linuxProfile",
    "maxAgentPools",
    "metricsProfile",
    "networkProfile",
    "nodeProvisioningProfile",
    "nodeResourceGroup",
    "nodeResourceGroupProfile",
    "oidcIssuerProfile",
    "podIdentityProfile",
    "powerState",
    "privateFQDN",
    "privateLinkResources",
    "provisioningState",
    "publicNetworkAccess",
    "resourceUID",
    "schedulerProfile",
    "securityProfile",
    "serviceMeshProfile",
    "servicePrincipalProfile",
    "status",
    "storageProfile",
    "supportPlan",
    "upgradeSettings",
    "windowsProfile",
    "workloadAutoScalerProfile",
];

/// Top level of `ManagedCluster` (TrackedResource + its own fields).
pub const CLUSTER_TOP: &[&str] = &[
    "id",
    "name",
    "type",
    "systemData",
    "location",
    "tags",
    "eTag",
    "extendedLocation",
    "identity",
    "kind",
    "properties",
    "sku",
];

/// Top level of `AgentPool` (ProxyResource + properties).
pub const POOL_TOP: &[&str] = &["id", "name", "type", "systemData", "properties"];

/// `AgentPoolSecurityProfile`.
pub const POOL_SECURITY: &[&str] = &["enableSecureBoot", "enableVTPM", "sshAccess"];

/// `ManagedClusterAutoUpgradeProfile`.
pub const AUTO_UPGRADE: &[&str] = &["nodeOSUpgradeChannel", "upgradeChannel"];

/// `nodeOSUpgradeChannel` enum.
pub const NODE_OS_CHANNELS: &[&str] = &["None", "Unmanaged", "NodeImage", "SecurityPatch"];

/// Resource group: `^[-\w\._\(\)]+$`, 1–90.
pub fn valid_resource_group(s: &str) -> bool {
    (1..=90).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
}

/// Cluster: `^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$`.
pub fn valid_cluster_name(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        1 => b[0].is_ascii_alphanumeric(),
        2..=63 => {
            b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
        }
        _ => false,
    }
}

/// Agent pool: `^[a-z][a-z0-9]{0,11}$`.
pub fn valid_pool_name(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=12).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_patterns_match_the_spec() {
        assert!(valid_pool_name("np1") && valid_pool_name("abcdefghijkl"));
        assert!(
            !valid_pool_name("Np1") && !valid_pool_name("1np") && !valid_pool_name("abcdefghijklm")
        );
        assert!(valid_cluster_name("a") && valid_cluster_name("my-cluster_1"));
        assert!(!valid_cluster_name("-a") && !valid_cluster_name("a-") && !valid_cluster_name(""));
        assert!(valid_resource_group("rg.(x)_-") && !valid_resource_group("rg/x"));
    }

    #[test]
    fn flatcar_only_in_preview_enum() {
        assert!(os_sku_enum("2026-08-02-preview").contains(&"Flatcar"));
        assert!(!os_sku_enum("2026-08-01").contains(&"Flatcar"));
        assert!(os_sku_enum("2026-08-01").contains(&"AzureContainerLinux"));
        assert!(!os_sku_enum("2026-08-01").contains(&"Ubuntu2604"));
    }
}
