//! The field table: every setting defined once.
//!
//! Each [`Def`] says, for one [`Field`], how every door spells it:
//!
//! - its flag on `cluster create` and on `nodepool add` (the clap definitions
//!   are generated from this table by [`crate::cli`], help text included);
//! - its key in an apply file, in a cluster entry (`systemPool.` for the system
//!   pool) and in a `nodePools` entry;
//! - the wizard's question, when the wizard asks it;
//! - its value parser: the kind of [`Slot`] it fills, and the API enum values it
//!   accepts (checked the same way for a flag, a file and a question);
//! - where it lands in the request body (documentation and tests; the body
//!   itself is built by [`super::request`] from the checked request).
//!
//! From it come: the flags, the apply-file reader, the wizard's "equivalent
//! command" ([`command_words`]), the names problems are reported under
//! ([`flag`], [`apply_key`], [`prompt`]) and export's check that every typed
//! value is safe to write ([`values`]).
//!
//! To add a setting: add its field to [`super::input`] ([`Field`] and the
//! struct member), then one [`Def`] in [`FIELDS`]; then make preflight check it
//! and the request carry it. Flags, apply key, equivalent command and error
//! names follow from the entry.

use super::input::{ClusterInput, Field, Kind};
use crate::core::catalog::{self, defaults, enums, Support};
use std::collections::BTreeMap;

/// `maxPods` bounds AKS enforces (the spec states none).
pub const MAX_PODS_MIN: i64 = 10;
pub const MAX_PODS_MAX: i64 = 250;
/// `upgradeSettings` bounds, from the spec.
pub const DRAIN_MIN: i64 = 1;
pub const DRAIN_MAX: i64 = 1440;
pub const SOAK_MIN: i64 = 0;
pub const SOAK_MAX: i64 = 30;

/// A command-line flag: the long name without dashes, and an optional short one.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// Another long name the flag answers to (kept for old command lines).
    pub alias: Option<&'static str>,
}

const fn long(name: &'static str) -> Option<Flag> {
    Some(Flag {
        long: name,
        short: None,
        alias: None,
    })
}

const fn short(name: &'static str, c: char) -> Option<Flag> {
    Some(Flag {
        long: name,
        short: Some(c),
        alias: None,
    })
}

const fn aliased(name: &'static str, alias: &'static str) -> Option<Flag> {
    Some(Flag {
        long: name,
        short: None,
        alias: Some(alias),
    })
}

/// Where a field's value lives in a [`ClusterInput`], and so how it is parsed.
#[derive(Clone, Copy)]
pub enum Slot {
    /// One word.
    Text(fn(&mut ClusterInput) -> &mut Option<String>),
    /// A whole number (negative numbers are parsed, and refused by preflight).
    Int(fn(&mut ClusterInput) -> &mut Option<i64>),
    /// On or off; a flag without a value.
    Switch(fn(&mut ClusterInput) -> &mut bool),
    /// `key=value` pairs (flags: repeatable, space-separated; files: a map).
    Pairs(fn(&mut ClusterInput) -> &mut BTreeMap<String, String>),
    /// A list (flags: repeatable, comma- or space-separated; files: a list).
    List(fn(&mut ClusterInput) -> &mut Vec<String>),
    /// A list of whole values, never split (flags: one value per flag,
    /// repeated; files: a list): `--set PATH=VALUE` whose value holds commas.
    Lines(fn(&mut ClusterInput) -> &mut Vec<String>),
}

/// A value as a door received it, before the table parses it into the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Switch(bool),
    Text(String),
    /// Several words (flags) or a list (files).
    List(Vec<String>),
    /// A map (files).
    Pairs(Vec<(String, String)>),
}

/// One setting.
pub struct Def {
    pub field: Field,
    /// The flag on `cluster create` and on `nodepool add` (None: not offered there).
    pub cluster_flag: Option<Flag>,
    pub pool_flag: Option<Flag>,
    /// The key in an apply file's cluster entry (`systemPool.x` for its pool)
    /// and in a `nodePools` entry.
    pub cluster_key: Option<&'static str>,
    pub pool_key: Option<&'static str>,
    /// The wizard's question, when it asks one.
    pub prompt: Option<&'static str>,
    pub value_name: &'static str,
    /// Help text (read from the catalog where it states an OS rule).
    pub help: fn(Kind) -> String,
    /// The values the API accepts (empty: any).
    pub choices: &'static [&'static str],
    pub slot: Slot,
    /// The JSON path of the value in the cluster PUT body and in the pool PUT body.
    pub cluster_body: Option<&'static str>,
    pub pool_body: Option<&'static str>,
}

/// A pool field: the same flag and key everywhere.
macro_rules! pool_def {
    ($field:ident, $flag:expr, $key:expr, $slot:expr, $value_name:expr, $choices:expr, $body:expr, $prompt:expr, $help:expr) => {
        Def {
            field: Field::$field,
            cluster_flag: long($flag),
            pool_flag: long($flag),
            cluster_key: Some(concat!("systemPool.", $key)),
            pool_key: Some($key),
            prompt: $prompt,
            value_name: $value_name,
            help: $help,
            choices: $choices,
            slot: $slot,
            cluster_body: Some(concat!("properties.agentPoolProfiles[0].", $body)),
            pool_body: Some(concat!("properties.", $body)),
        }
    };
}

/// A cluster field: a `cluster create` flag and a cluster-entry key only.
macro_rules! cluster_def {
    ($field:ident, $flag:expr, $key:expr, $slot:expr, $value_name:expr, $choices:expr, $body:expr, $prompt:expr, $help:expr) => {
        Def {
            field: Field::$field,
            cluster_flag: long($flag),
            pool_flag: None,
            cluster_key: Some($key),
            pool_key: None,
            prompt: $prompt,
            value_name: $value_name,
            help: $help,
            choices: $choices,
            slot: $slot,
            cluster_body: Some($body),
            pool_body: None,
        }
    };
}

fn rules(what: &str, pick: impl Fn(&catalog::OsSku) -> bool) -> String {
    let skus = catalog::skus_where(pick);
    if skus.is_empty() {
        String::new()
    } else {
        format!("; {what} {}, filled in", skus.join(" and "))
    }
}

/// The table. Order is the order of flags in `--help` and in a printed command.
pub static FIELDS: &[Def] = &[
    Def {
        field: Field::ResourceGroup,
        cluster_flag: short("resource-group", 'g'),
        pool_flag: short("resource-group", 'g'),
        cluster_key: Some("resourceGroup"),
        pool_key: None,
        prompt: Some("Resource group"),
        value_name: "RESOURCE_GROUP",
        help: |_| "Resource group".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.resource_group),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::ClusterName,
        cluster_flag: short("name", 'n'),
        pool_flag: long("cluster"),
        cluster_key: Some("name"),
        pool_key: None,
        prompt: Some("Cluster name"),
        value_name: "NAME",
        help: |_| "Cluster name".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.name),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::PoolName,
        cluster_flag: long("nodepool-name"),
        pool_flag: short("name", 'n'),
        cluster_key: Some("systemPool.name"),
        pool_key: Some("name"),
        prompt: Some("Node pool name"),
        value_name: "NAME",
        help: |kind| match kind {
            Kind::Cluster => format!(
                "Name of the system node pool [default: {}]",
                defaults::SYSTEM_POOL_NAME
            ),
            Kind::Pool => {
                "Node pool name (lower-case letters and digits, 1-12, starts with a letter)".into()
            }
        },
        choices: &[],
        slot: Slot::Text(|c| &mut c.pool.name),
        cluster_body: Some("properties.agentPoolProfiles[0].name"),
        pool_body: None,
    },
    Def {
        field: Field::Location,
        cluster_flag: short("location", 'l'),
        pool_flag: None,
        cluster_key: Some("location"),
        pool_key: None,
        prompt: Some("Region"),
        value_name: "LOCATION",
        help: |_| "Azure region, e.g. eastus".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.location),
        cluster_body: Some("location"),
        pool_body: None,
    },
    Def {
        field: Field::Mode,
        cluster_flag: None,
        pool_flag: long("mode"),
        cluster_key: Some("systemPool.mode"),
        pool_key: Some("mode"),
        prompt: None,
        value_name: "MODE",
        help: |_| format!("Pool mode [default: {}]", defaults::POOL_MODE),
        choices: enums::POOL_MODES,
        slot: Slot::Text(|c| &mut c.pool.mode),
        cluster_body: Some("properties.agentPoolProfiles[0].mode"),
        pool_body: Some("properties.mode"),
    },
    pool_def!(
        OsSku,
        "os-sku",
        "osSku",
        Slot::Text(|c| &mut c.pool.os_sku),
        "SKU",
        &[],
        "osSKU",
        Some("Which OS?"),
        |_| {
            format!(
                "OS SKU, one of {} (see `aksos recommend`)",
                catalog::skus_where(|_| true).join(", ")
            )
        }
    ),
    Def {
        field: Field::KubernetesVersion,
        cluster_flag: long("kubernetes-version"),
        pool_flag: long("kubernetes-version"),
        cluster_key: Some("kubernetesVersion"),
        pool_key: Some("kubernetesVersion"),
        prompt: Some("Kubernetes version"),
        value_name: "VERSION",
        help: |_| "Kubernetes version x.y or x.y.z [default: newest the OS supports]".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.pool.kubernetes_version),
        cluster_body: Some("properties.kubernetesVersion"),
        pool_body: Some("properties.orchestratorVersion"),
    },
    pool_def!(
        VmSize,
        "node-vm-size",
        "vmSize",
        Slot::Text(|c| &mut c.pool.vm_size),
        "SIZE",
        &[],
        "vmSize",
        Some("VM size"),
        |_| format!("VM size of the nodes [default: {}]", defaults::VM_SIZE)
    ),
    pool_def!(
        Count,
        "node-count",
        "count",
        Slot::Int(|c| &mut c.pool.count),
        "N",
        &[],
        "count",
        Some("Node count"),
        |_| format!("Number of nodes [default: {}]", defaults::NODE_COUNT)
    ),
    pool_def!(
        EnableFipsImage,
        "enable-fips-image",
        "enableFipsImage",
        Slot::Switch(|c| &mut c.pool.enable_fips_image),
        "",
        &[],
        "enableFIPS",
        None,
        |_| {
            format!(
                "Use a FIPS-enabled image{}",
                rules("required by", |s| s.fips == Support::Required)
            )
        }
    ),
    pool_def!(
        EnableSecureBoot,
        "enable-secure-boot",
        "enableSecureBoot",
        Slot::Switch(|c| &mut c.pool.enable_secure_boot),
        "",
        &[],
        "securityProfile.enableSecureBoot",
        None,
        |_| {
            format!(
                "Secure Boot (Trusted Launch{})",
                rules("required by", |s| s.trusted_launch == Support::Required)
            )
        }
    ),
    pool_def!(
        EnableVtpm,
        "enable-vtpm",
        "enableVtpm",
        Slot::Switch(|c| &mut c.pool.enable_vtpm),
        "",
        &[],
        "securityProfile.enableVTPM",
        None,
        |_| {
            format!(
                "vTPM (Trusted Launch{})",
                rules("required by", |s| s.trusted_launch == Support::Required)
            )
        }
    ),
    pool_def!(
        OsDiskType,
        "node-osdisk-type",
        "osDiskType",
        Slot::Text(|c| &mut c.pool.os_disk_type),
        "TYPE",
        enums::OS_DISK_TYPES,
        "osDiskType",
        Some("Which OS disk type?"),
        |_| {
            format!(
                "OS disk type{}",
                rules("Managed required by", |s| s.required_os_disk.is_some())
            )
        }
    ),
    pool_def!(
        Labels,
        "labels",
        "labels",
        Slot::Pairs(|c| &mut c.pool.labels),
        "K=V",
        &[],
        "nodeLabels",
        None,
        |_| "Node labels, k=v (repeatable)".into()
    ),
    Def {
        field: Field::Taints,
        cluster_flag: aliased("node-taints", "taints"),
        pool_flag: aliased("node-taints", "taints"),
        cluster_key: Some("systemPool.taints"),
        pool_key: Some("taints"),
        prompt: None,
        value_name: "TAINT",
        help: |_| {
            "Node taints, key=value:NoSchedule|PreferNoSchedule|NoExecute (repeatable; alias --taints)"
                .into()
        },
        choices: &[],
        slot: Slot::List(|c| &mut c.pool.taints),
        cluster_body: Some("properties.agentPoolProfiles[0].nodeTaints"),
        pool_body: Some("properties.nodeTaints"),
    },
    pool_def!(
        Zones,
        "zones",
        "zones",
        Slot::List(|c| &mut c.pool.zones),
        "ZONE",
        &[],
        "availabilityZones",
        Some("Which availability zones, e.g. 1 2 3?"),
        |_| "Availability zones of the nodes, e.g. 1 2 3".into()
    ),
    pool_def!(
        EnableClusterAutoscaler,
        "enable-cluster-autoscaler",
        "enableClusterAutoscaler",
        Slot::Switch(|c| &mut c.pool.enable_cluster_autoscaler),
        "",
        &[],
        "enableAutoScaling",
        Some("Enable the cluster autoscaler?"),
        |_| "Scale the pool between --min-count and --max-count".into()
    ),
    pool_def!(
        MinCount,
        "min-count",
        "minCount",
        Slot::Int(|c| &mut c.pool.min_count),
        "N",
        &[],
        "minCount",
        Some("Autoscaler minimum node count?"),
        |_| "Autoscaler lower bound (with --enable-cluster-autoscaler)".into()
    ),
    pool_def!(
        MaxCount,
        "max-count",
        "maxCount",
        Slot::Int(|c| &mut c.pool.max_count),
        "N",
        &[],
        "maxCount",
        Some("Autoscaler maximum node count?"),
        |_| "Autoscaler upper bound (with --enable-cluster-autoscaler)".into()
    ),
    pool_def!(
        MaxPods,
        "max-pods",
        "maxPods",
        Slot::Int(|c| &mut c.pool.max_pods),
        "N",
        &[],
        "maxPods",
        Some("How many pods per node at most?"),
        |_| format!("Maximum pods per node, {MAX_PODS_MIN} to {MAX_PODS_MAX}")
    ),
    pool_def!(
        VnetSubnetId,
        "vnet-subnet-id",
        "vnetSubnetId",
        Slot::Text(|c| &mut c.pool.vnet_subnet_id),
        "ID",
        &[],
        "vnetSubnetID",
        Some("Which subnet should the nodes join (ARM id)?"),
        |_| "ARM id of the subnet the nodes join".into()
    ),
    pool_def!(
        PodSubnetId,
        "pod-subnet-id",
        "podSubnetId",
        Slot::Text(|c| &mut c.pool.pod_subnet_id),
        "ID",
        &[],
        "podSubnetID",
        None,
        |_| "ARM id of the subnet pods get their IPs from".into()
    ),
    pool_def!(
        OsDiskSize,
        "node-osdisk-size",
        "osDiskSizeGb",
        Slot::Int(|c| &mut c.pool.os_disk_size),
        "GB",
        &[],
        "osDiskSizeGB",
        Some("OS disk size in GB?"),
        |_| "OS disk size in GB, 30 to 2048 [default: the VM size's]".into()
    ),
    pool_def!(
        Priority,
        "priority",
        "priority",
        Slot::Text(|c| &mut c.pool.priority),
        "PRIORITY",
        enums::PRIORITIES,
        "scaleSetPriority",
        Some("Which priority (Spot: spare capacity, User pools only)?"),
        |_| "Regular or Spot (Spot: User pools only) [default: Regular]".into()
    ),
    pool_def!(
        EvictionPolicy,
        "eviction-policy",
        "evictionPolicy",
        Slot::Text(|c| &mut c.pool.eviction_policy),
        "POLICY",
        enums::EVICTION_POLICIES,
        "scaleSetEvictionPolicy",
        None,
        |_| "What evicting a Spot node does (with --priority Spot) [AKS default: Delete]".into()
    ),
    pool_def!(
        SpotMaxPrice,
        "spot-max-price",
        "spotMaxPrice",
        Slot::Text(|c| &mut c.pool.spot_max_price),
        "PRICE",
        &[],
        "spotMaxPrice",
        None,
        |_| "Highest price per hour for a Spot node, or -1 for up to the on-demand price".into()
    ),
    pool_def!(
        MaxSurge,
        "max-surge",
        "maxSurge",
        Slot::Text(|c| &mut c.pool.max_surge),
        "N|N%",
        &[],
        "upgradeSettings.maxSurge",
        Some("How many extra nodes during upgrades, a count or a percentage?"),
        |_| "Extra nodes during an upgrade, a count or a percentage (e.g. 33%)".into()
    ),
    pool_def!(
        MaxUnavailable,
        "max-unavailable",
        "maxUnavailable",
        Slot::Text(|c| &mut c.pool.max_unavailable),
        "N|N%",
        &[],
        "upgradeSettings.maxUnavailable",
        None,
        |_| "Nodes that may be unavailable during an upgrade, a count or a percentage".into()
    ),
    pool_def!(
        DrainTimeout,
        "drain-timeout",
        "drainTimeout",
        Slot::Int(|c| &mut c.pool.drain_timeout),
        "MINUTES",
        &[],
        "upgradeSettings.drainTimeoutInMinutes",
        None,
        |_| format!(
            "Minutes to wait for a node to drain in an upgrade, {DRAIN_MIN} to {DRAIN_MAX}"
        )
    ),
    pool_def!(
        NodeSoakDuration,
        "node-soak-duration",
        "nodeSoakDuration",
        Slot::Int(|c| &mut c.pool.node_soak_duration),
        "MINUTES",
        &[],
        "upgradeSettings.nodeSoakDurationInMinutes",
        None,
        |_| format!(
            "Minutes to wait after draining a node in an upgrade, {SOAK_MIN} to {SOAK_MAX}"
        )
    ),
    Def {
        field: Field::PoolTags,
        cluster_flag: long("nodepool-tags"),
        pool_flag: long("tags"),
        cluster_key: Some("systemPool.tags"),
        pool_key: Some("tags"),
        prompt: None,
        value_name: "K=V",
        help: |_| "Tags of the pool, k=v (repeatable)".into(),
        choices: &[],
        slot: Slot::Pairs(|c| &mut c.pool.tags),
        cluster_body: Some("properties.agentPoolProfiles[0].tags"),
        pool_body: Some("properties.tags"),
    },
    pool_def!(
        EnableNodePublicIp,
        "enable-node-public-ip",
        "enableNodePublicIp",
        Slot::Switch(|c| &mut c.pool.enable_node_public_ip),
        "",
        &[],
        "enableNodePublicIP",
        None,
        |_| "Give each node a public IP".into()
    ),
    pool_def!(
        SshAccess,
        "ssh-access",
        "sshAccess",
        Slot::Text(|c| &mut c.pool.ssh_access),
        "ACCESS",
        enums::SSH_ACCESS,
        "securityProfile.sshAccess",
        None,
        |_| "SSH access to the nodes [AKS default: LocalUser]".into()
    ),
    pool_def!(
        EnableEncryptionAtHost,
        "enable-encryption-at-host",
        "enableEncryptionAtHost",
        Slot::Switch(|c| &mut c.pool.enable_encryption_at_host),
        "",
        &[],
        "enableEncryptionAtHost",
        None,
        |_| "Encrypt the nodes' disks and caches at the VM host".into()
    ),
    pool_def!(
        ScaleDownMode,
        "scale-down-mode",
        "scaleDownMode",
        Slot::Text(|c| &mut c.pool.scale_down_mode),
        "MODE",
        enums::SCALE_DOWN_MODES,
        "scaleDownMode",
        None,
        |_| "What scaling down does to nodes [AKS default: Delete]".into()
    ),
    cluster_def!(
        NetworkPlugin,
        "network-plugin",
        "networkPlugin",
        Slot::Text(|c| &mut c.network_plugin),
        "PLUGIN",
        enums::NETWORK_PLUGINS,
        "properties.networkProfile.networkPlugin",
        Some("Which network plugin?"),
        |_| "Network plugin (azure for Azure CNI)".into()
    ),
    cluster_def!(
        NetworkPluginMode,
        "network-plugin-mode",
        "networkPluginMode",
        Slot::Text(|c| &mut c.network_plugin_mode),
        "MODE",
        enums::NETWORK_PLUGIN_MODES,
        "properties.networkProfile.networkPluginMode",
        Some("Which network plugin mode?"),
        |_| "overlay: pods get IPs from --pod-cidr, not the subnet (needs --network-plugin azure)"
            .into()
    ),
    cluster_def!(
        NetworkDataplane,
        "network-dataplane",
        "networkDataplane",
        Slot::Text(|c| &mut c.network_dataplane),
        "DATAPLANE",
        enums::NETWORK_DATAPLANES,
        "properties.networkProfile.networkDataplane",
        Some("Which network dataplane?"),
        |_| "Network dataplane (cilium: Azure CNI powered by Cilium)".into()
    ),
    cluster_def!(
        NetworkPolicy,
        "network-policy",
        "networkPolicy",
        Slot::Text(|c| &mut c.network_policy),
        "POLICY",
        enums::NETWORK_POLICIES,
        "properties.networkProfile.networkPolicy",
        Some("Which network policy engine?"),
        |_| "Network policy engine".into()
    ),
    cluster_def!(
        PodCidr,
        "pod-cidr",
        "podCidr",
        Slot::Text(|c| &mut c.pod_cidr),
        "CIDR",
        &[],
        "properties.networkProfile.podCidr",
        Some("Which pod address range (CIDR)?"),
        |_| "Pod address range, e.g. 10.244.0.0/16 (kubenet or overlay)".into()
    ),
    cluster_def!(
        ServiceCidr,
        "service-cidr",
        "serviceCidr",
        Slot::Text(|c| &mut c.service_cidr),
        "CIDR",
        &[],
        "properties.networkProfile.serviceCidr",
        Some("Which service address range (CIDR)?"),
        |_| "Service address range, e.g. 10.0.0.0/16 (must not overlap --pod-cidr)".into()
    ),
    cluster_def!(
        DnsServiceIp,
        "dns-service-ip",
        "dnsServiceIp",
        Slot::Text(|c| &mut c.dns_service_ip),
        "IP",
        &[],
        "properties.networkProfile.dnsServiceIP",
        Some("Which cluster DNS service IP?"),
        |_| "Cluster DNS address, inside --service-cidr, not its first address, e.g. 10.0.0.10"
            .into()
    ),
    cluster_def!(
        OutboundType,
        "outbound-type",
        "outboundType",
        Slot::Text(|c| &mut c.outbound_type),
        "TYPE",
        enums::OUTBOUND_TYPES,
        "properties.networkProfile.outboundType",
        Some("Which outbound type?"),
        |_| "How nodes reach the internet [AKS default: loadBalancer]".into()
    ),
    cluster_def!(
        LoadBalancerSku,
        "load-balancer-sku",
        "loadBalancerSku",
        Slot::Text(|c| &mut c.load_balancer_sku),
        "SKU",
        enums::LOAD_BALANCER_SKUS,
        "properties.networkProfile.loadBalancerSku",
        None,
        |_| "Load balancer SKU [AKS default: standard]".into()
    ),
    cluster_def!(
        EnablePrivateCluster,
        "enable-private-cluster",
        "enablePrivateCluster",
        Slot::Switch(|c| &mut c.enable_private_cluster),
        "",
        &[],
        "properties.apiServerAccessProfile.enablePrivateCluster",
        Some("Make the API server private?"),
        |_| "API server reachable only inside the virtual network".into()
    ),
    cluster_def!(
        ApiServerAuthorizedIpRanges,
        "api-server-authorized-ip-ranges",
        "apiServerAuthorizedIpRanges",
        Slot::List(|c| &mut c.api_server_authorized_ip_ranges),
        "CIDR",
        &[],
        "properties.apiServerAccessProfile.authorizedIPRanges",
        Some("Which address ranges may reach the API server?"),
        |_| "Address ranges allowed to reach the API server, comma-separated".into()
    ),
    cluster_def!(
        Tier,
        "tier",
        "tier",
        Slot::Text(|c| &mut c.tier),
        "TIER",
        enums::TIERS,
        "sku.tier",
        Some("Which pricing tier?"),
        |_| "Pricing tier (Standard for production: an uptime SLA) [AKS default: Free]".into()
    ),
    cluster_def!(
        EnableOidcIssuer,
        "enable-oidc-issuer",
        "enableOidcIssuer",
        Slot::Switch(|c| &mut c.enable_oidc_issuer),
        "",
        &[],
        "properties.oidcIssuerProfile.enabled",
        Some("Enable the OIDC issuer?"),
        |_| "Publish an OIDC issuer for the cluster".into()
    ),
    cluster_def!(
        EnableWorkloadIdentity,
        "enable-workload-identity",
        "enableWorkloadIdentity",
        Slot::Switch(|c| &mut c.enable_workload_identity),
        "",
        &[],
        "properties.securityProfile.workloadIdentity.enabled",
        Some("Enable workload identity?"),
        |_| "Microsoft Entra Workload ID for pods (needs --enable-oidc-issuer)".into()
    ),
    cluster_def!(
        AssignIdentity,
        "assign-identity",
        "assignIdentity",
        Slot::Text(|c| &mut c.assign_identity),
        "ID",
        &[],
        "identity.userAssignedIdentities",
        Some("Which user-assigned identity (ARM id; none: system-assigned)?"),
        |_| "ARM id of a user-assigned identity for the control plane [default: system-assigned]"
            .into()
    ),
    cluster_def!(
        EnableAad,
        "enable-aad",
        "enableAad",
        Slot::Switch(|c| &mut c.enable_aad),
        "",
        &[],
        "properties.aadProfile.managed",
        Some("Enable Microsoft Entra ID authentication?"),
        |_| "Microsoft Entra ID authentication (AKS-managed)".into()
    ),
    cluster_def!(
        AadAdminGroupObjectIds,
        "aad-admin-group-object-ids",
        "aadAdminGroupObjectIds",
        Slot::List(|c| &mut c.aad_admin_group_object_ids),
        "ID",
        &[],
        "properties.aadProfile.adminGroupObjectIDs",
        Some("Which Entra groups administer the cluster (object ids)?"),
        |_| "Object ids of Entra groups that administer the cluster (with --enable-aad)".into()
    ),
    cluster_def!(
        EnableAzureRbac,
        "enable-azure-rbac",
        "enableAzureRbac",
        Slot::Switch(|c| &mut c.enable_azure_rbac),
        "",
        &[],
        "properties.aadProfile.enableAzureRBAC",
        Some("Use Azure RBAC for Kubernetes authorization?"),
        |_| "Azure RBAC for Kubernetes authorization (needs --enable-aad)".into()
    ),
    cluster_def!(
        DisableLocalAccounts,
        "disable-local-accounts",
        "disableLocalAccounts",
        Slot::Switch(|c| &mut c.disable_local_accounts),
        "",
        &[],
        "properties.disableLocalAccounts",
        Some("Disable local accounts?"),
        |_| "No local admin credentials (sign in through Entra ID; needs --enable-aad)".into()
    ),
    cluster_def!(
        AutoUpgradeChannel,
        "auto-upgrade-channel",
        "autoUpgradeChannel",
        Slot::Text(|c| &mut c.auto_upgrade_channel),
        "CHANNEL",
        enums::UPGRADE_CHANNELS,
        "properties.autoUpgradeProfile.upgradeChannel",
        Some("Which Kubernetes auto-upgrade channel?"),
        |_| "Kubernetes auto-upgrade channel [AKS default: none]".into()
    ),
    cluster_def!(
        SshKeyValue,
        "ssh-key-value",
        "sshKeyValue",
        Slot::Text(|c| &mut c.ssh_key_value),
        "KEY|FILE",
        &[],
        "properties.linuxProfile.ssh.publicKeys[0].keyData",
        None,
        |_| "SSH public key for the nodes, or the path of a .pub file".into()
    ),
    cluster_def!(
        NoSshKey,
        "no-ssh-key",
        "noSshKey",
        Slot::Switch(|c| &mut c.no_ssh_key),
        "",
        &[],
        "properties.linuxProfile",
        None,
        |_| "Send no SSH key (the default; conflicts with --ssh-key-value)".into()
    ),
    Def {
        field: Field::NodeOsUpgradeChannel,
        cluster_flag: long("node-os-upgrade-channel"),
        pool_flag: None,
        cluster_key: Some("nodeOsUpgradeChannel"),
        pool_key: None,
        prompt: None,
        value_name: "CHANNEL",
        help: |_| {
            let immutable = catalog::skus_where(|s| !s.node_os_channels.is_empty());
            format!(
                "Node OS upgrade channel (cluster level) [AKS default: {}]; {} allow only some, filled in",
                defaults::NODE_OS_UPGRADE_CHANNEL,
                immutable.join(", ")
            )
        },
        choices: enums::NODE_OS_UPGRADE_CHANNELS,
        slot: Slot::Text(|c| &mut c.node_os_upgrade_channel),
        cluster_body: Some("properties.autoUpgradeProfile.nodeOSUpgradeChannel"),
        pool_body: None,
    },
    Def {
        field: Field::Tags,
        cluster_flag: long("tags"),
        pool_flag: None,
        cluster_key: Some("tags"),
        pool_key: None,
        prompt: None,
        value_name: "K=V",
        help: |_| "Tags, k=v (repeatable)".into(),
        choices: &[],
        slot: Slot::Pairs(|c| &mut c.tags),
        cluster_body: Some("tags"),
        pool_body: None,
    },
    Def {
        field: Field::AllowRetired,
        cluster_flag: long("allow-retired"),
        pool_flag: long("allow-retired"),
        cluster_key: Some("systemPool.allowRetired"),
        pool_key: Some("allowRetired"),
        prompt: None,
        value_name: "",
        help: |_| "Send an OS SKU that AKS has retired (it will most likely be rejected)".into(),
        choices: &[],
        slot: Slot::Switch(|c| &mut c.pool.allow_retired),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::AllowUnknownSku,
        cluster_flag: long("allow-unknown-sku"),
        pool_flag: long("allow-unknown-sku"),
        cluster_key: Some("systemPool.allowUnknownSku"),
        pool_key: Some("allowUnknownSku"),
        prompt: None,
        value_name: "",
        help: |_| "Send an osSKU the catalog does not know (the API's enum is extensible)".into(),
        choices: &[],
        slot: Slot::Switch(|c| &mut c.pool.allow_unknown_sku),
        cluster_body: None,
        pool_body: None,
    },
    // Any other property of the body, checked against the official schema
    // (src/schema) when the body is built: see src/core/body.rs.
    Def {
        field: Field::Set,
        cluster_flag: long("set"),
        pool_flag: long("set"),
        cluster_key: Some("set"),
        pool_key: Some("set"),
        prompt: None,
        value_name: "PATH=VALUE",
        help: |kind| {
            format!(
                "Set any property of the {} body, checked against the official schema \
                 (repeatable), e.g. properties.{}=static",
                match kind {
                    Kind::Cluster => "ManagedCluster",
                    Kind::Pool => "AgentPool",
                },
                match kind {
                    Kind::Cluster => "agentPoolProfiles[0].kubeletConfig.cpuManagerPolicy",
                    Kind::Pool => "kubeletConfig.cpuManagerPolicy",
                }
            )
        },
        choices: &[],
        slot: Slot::Lines(|c| &mut c.sets),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::BodyFile,
        cluster_flag: long("body-file"),
        pool_flag: long("body-file"),
        cluster_key: Some("bodyFile"),
        pool_key: Some("bodyFile"),
        prompt: None,
        value_name: "FILE",
        help: |_| {
            "A JSON or YAML fragment of the body, merged in (checked like --set; --set applies after)"
                .into()
        },
        choices: &[],
        slot: Slot::Text(|c| &mut c.body_file),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::AllowUnknownValues,
        cluster_flag: long("allow-unknown-values"),
        pool_flag: long("allow-unknown-values"),
        cluster_key: Some("allowUnknownValues"),
        pool_key: Some("allowUnknownValues"),
        prompt: None,
        value_name: "",
        help: |_| {
            "Send a --set / --body-file value outside the schema's enum (with a warning)".into()
        },
        choices: &[],
        slot: Slot::Switch(|c| &mut c.allow_unknown_values),
        cluster_body: None,
        pool_body: None,
    },
];

/// The definition of `field`.
pub fn def(field: Field) -> &'static Def {
    FIELDS
        .iter()
        .find(|d| d.field == field)
        .expect("every field has a definition")
}

impl Def {
    /// The flag for `kind`'s command.
    pub fn flag(&self, kind: Kind) -> Option<Flag> {
        match kind {
            Kind::Cluster => self.cluster_flag,
            Kind::Pool => self.pool_flag,
        }
    }
}

/// `--node-count`: how the flags door names `field` (the table's other spelling
/// when the command does not offer it, so a message still names something).
pub fn flag(kind: Kind, field: Field) -> String {
    let d = def(field);
    let f = d.flag(kind).or(d.cluster_flag).or(d.pool_flag);
    format!("--{}", f.map(|f| f.long).unwrap_or("?"))
}

/// `systemPool.count`, `count`: how an apply file names `field`, within a
/// cluster entry (`Kind::Cluster`) or a `nodePools` entry (`Kind::Pool`).
/// Cluster-level fields of a pool entry are its cluster's keys.
pub fn apply_key(kind: Kind, field: Field) -> String {
    let d = def(field);
    let key = match kind {
        Kind::Cluster => d.cluster_key,
        Kind::Pool => d.pool_key.or(d.cluster_key),
    };
    key.unwrap_or("?").to_string()
}

/// The wizard's question for `field`, if it asks one.
pub fn prompt(field: Field) -> Option<&'static str> {
    def(field).prompt
}

/// Parses `raw` into `input`'s `field`, checking the API's enum values.
pub fn set(input: &mut ClusterInput, field: Field, raw: Raw) -> Result<(), String> {
    let d = def(field);
    let check = |v: &str| -> Result<(), String> {
        if d.choices.is_empty() || d.choices.contains(&v) {
            Ok(())
        } else {
            Err(format!(
                "`{}` is not one of {}",
                crate::names::shown(v),
                d.choices.join(", ")
            ))
        }
    };
    match (d.slot, raw) {
        (Slot::Switch(at), Raw::Switch(b)) => *at(input) = b,
        (Slot::Text(at), Raw::Text(s)) => {
            check(&s)?;
            *at(input) = Some(s);
        }
        (Slot::Int(at), Raw::Text(s)) => {
            let n = s
                .trim()
                .parse()
                .map_err(|_| format!("`{}` is not a whole number", crate::names::shown(&s)))?;
            *at(input) = Some(n);
        }
        (Slot::Pairs(at), Raw::Pairs(pairs)) => at(input).extend(pairs),
        (Slot::Pairs(at), Raw::List(items)) => {
            let what = if field == Field::Tags { "tag" } else { "label" };
            let map = at(input);
            // `a=1 b=2` in one word is two pairs (as az reads it); `k=a b`
            // is one pair whose value has a space (the words printed for it).
            let words = items.iter().flat_map(|i| {
                let parts: Vec<&str> = i.split_whitespace().collect();
                if parts.iter().all(|p| p.contains('=')) {
                    parts
                } else {
                    vec![i.as_str()]
                }
            });
            for item in words {
                match item.split_once('=') {
                    Some((k, v)) if !k.is_empty() => {
                        map.insert(k.to_string(), v.to_string());
                    }
                    _ => {
                        return Err(format!(
                            "`{}` is not a {what}; use key=value",
                            crate::names::shown(item)
                        ))
                    }
                }
            }
        }
        (Slot::List(at), Raw::List(items)) => at(input).extend(
            items
                .iter()
                .flat_map(|i| i.split(','))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        ),
        (Slot::List(at) | Slot::Lines(at), Raw::Text(s)) => at(input).push(s),
        (Slot::Lines(at), Raw::List(items)) => at(input).extend(items),
        (_, raw) => return Err(format!("expected {}, not {raw:?}", kind_name(d.slot))),
    }
    Ok(())
}

fn kind_name(slot: Slot) -> &'static str {
    match slot {
        Slot::Text(_) => "a text value",
        Slot::Int(_) => "a whole number",
        Slot::Switch(_) => "true or false",
        Slot::Pairs(_) => "a map of key: value",
        Slot::List(_) | Slot::Lines(_) => "a list",
    }
}

/// `field`'s value in `input`, when it was given (switches when on).
pub fn get(input: &ClusterInput, field: Field) -> Option<Raw> {
    // Slots hand out `&mut`; read through a copy (inputs are small).
    let mut c = input.clone();
    match def(field).slot {
        Slot::Text(at) => at(&mut c).clone().map(Raw::Text),
        Slot::Int(at) => at(&mut c).map(|n| Raw::Text(n.to_string())),
        Slot::Switch(at) => at(&mut c).then_some(Raw::Switch(true)),
        Slot::Pairs(at) => {
            let m = at(&mut c);
            (!m.is_empty()).then(|| Raw::Pairs(m.clone().into_iter().collect()))
        }
        Slot::List(at) | Slot::Lines(at) => {
            let l = at(&mut c);
            (!l.is_empty()).then(|| Raw::List(l.clone()))
        }
    }
}

/// The flags and values that give `input` to `kind`'s command, in table order:
/// the wizard's "equivalent command" (quote each word for a shell).
pub fn command_words(kind: Kind, input: &ClusterInput) -> Vec<String> {
    let mut out = vec![];
    for d in FIELDS {
        let (Some(flag), Some(raw)) = (d.flag(kind), get(input, d.field)) else {
            continue;
        };
        let name = match flag.short {
            Some(c) => format!("-{c}"),
            None => format!("--{}", flag.long),
        };
        match raw {
            Raw::Switch(_) => out.push(name),
            Raw::Text(v) => out.extend([name, v]),
            Raw::List(items) if matches!(d.slot, Slot::Lines(_)) => {
                for item in items {
                    out.extend([name.clone(), item]);
                }
            }
            Raw::List(items) => {
                out.push(name);
                out.extend(items);
            }
            Raw::Pairs(pairs) => {
                out.push(name);
                out.extend(pairs.into_iter().map(|(k, v)| format!("{k}={v}")));
            }
        }
    }
    out
}

/// Every text a user gave, with the field it came from (map keys and values
/// separately): what export checks before writing anything.
pub fn values(input: &ClusterInput, kind: Kind) -> Vec<(Field, String)> {
    let mut out = vec![];
    for d in FIELDS {
        if d.flag(kind).is_none() {
            continue;
        }
        match get(input, d.field) {
            Some(Raw::Text(v)) => out.push((d.field, v)),
            Some(Raw::List(items)) => out.extend(items.into_iter().map(|v| (d.field, v))),
            Some(Raw::Pairs(pairs)) => {
                for (k, v) in pairs {
                    out.push((d.field, k));
                    out.push((d.field, v));
                }
            }
            Some(Raw::Switch(_)) | None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_defined_once() {
        let mut seen = std::collections::BTreeSet::new();
        for d in FIELDS {
            assert!(seen.insert(d.field), "{:?} twice", d.field);
        }
        for kind in [Kind::Cluster, Kind::Pool] {
            let mut flags = std::collections::BTreeSet::new();
            for d in FIELDS {
                if let Some(f) = d.flag(kind) {
                    assert!(flags.insert(f.long), "--{} twice", f.long);
                }
            }
        }
    }

    #[test]
    fn doors_name_a_field_each_their_way() {
        assert_eq!(flag(Kind::Pool, Field::Count), "--node-count");
        assert_eq!(flag(Kind::Pool, Field::PoolName), "--name");
        assert_eq!(flag(Kind::Cluster, Field::PoolName), "--nodepool-name");
        assert_eq!(flag(Kind::Pool, Field::ClusterName), "--cluster");
        assert_eq!(apply_key(Kind::Cluster, Field::Count), "systemPool.count");
        assert_eq!(apply_key(Kind::Pool, Field::Count), "count");
        assert_eq!(prompt(Field::VmSize), Some("VM size"));
    }

    #[test]
    fn values_round_trip_through_command_words() {
        let mut c = ClusterInput::default();
        set(&mut c, Field::Labels, Raw::List(vec!["a=1 b=2".into()])).unwrap();
        set(
            &mut c,
            Field::Taints,
            Raw::List(vec!["x=y:NoSchedule".into()]),
        )
        .unwrap();
        set(&mut c, Field::Count, Raw::Text("2".into())).unwrap();
        set(&mut c, Field::EnableVtpm, Raw::Switch(true)).unwrap();
        assert!(set(&mut c, Field::OsDiskType, Raw::Text("Premium".into())).is_err());
        assert!(set(&mut c, Field::Labels, Raw::List(vec!["novalue".into()])).is_err());
        let words = command_words(Kind::Pool, &c);
        assert_eq!(
            words,
            [
                "--node-count",
                "2",
                "--enable-vtpm",
                "--labels",
                "a=1",
                "b=2",
                "--node-taints",
                "x=y:NoSchedule"
            ]
        );
    }

    #[test]
    fn help_states_os_rules_from_the_catalog() {
        let fips = (def(Field::EnableFipsImage).help)(Kind::Pool);
        for sku in catalog::skus_where(|s| s.fips == Support::Required) {
            assert!(fips.contains(sku), "{fips}");
        }
        let sb = (def(Field::EnableSecureBoot).help)(Kind::Pool);
        for sku in catalog::skus_where(|s| s.trusted_launch == Support::Required) {
            assert!(sb.contains(sku), "{sb}");
        }
    }

    /// Every body path the table states is a property of the official schema
    /// at the api-version sent, and every enum of choices is the spec's.
    #[test]
    fn body_paths_and_choices_are_the_specs() {
        use crate::schema::{table, Body};
        let v = catalog::api_version::AKS_STABLE;
        for d in FIELDS {
            for (body, path) in [(Body::Cluster, d.cluster_body), (Body::Pool, d.pool_body)] {
                let Some(path) = path else { continue };
                if path == "location" || path == "tags" {
                    continue;
                }
                let generic = path.replace("[0]", "[]");
                let t = table(body, v).expect("a table");
                let prop = t
                    .get(&generic)
                    .unwrap_or_else(|| panic!("{:?}: {generic} is not in the spec", d.field));
                assert!(!prop.read_only, "{generic} is read-only");
                if !d.choices.is_empty() && !prop.enum_values.is_empty() {
                    let mut spec: Vec<&str> = prop.enum_values.clone();
                    let mut ours: Vec<&str> = d.choices.to_vec();
                    spec.sort_unstable();
                    ours.sort_unstable();
                    if d.field == Field::Mode {
                        // Gateway pools are not aksos's to create.
                        assert!(ours.iter().all(|o| spec.contains(o)), "{generic}");
                    } else {
                        assert_eq!(ours, spec, "{generic}");
                    }
                }
            }
        }
    }
}
