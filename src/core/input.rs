//! What a user asked for, before any check: plain typed values, filled by any
//! door (flags, an apply file, the wizard, a test) and read by [`preflight`].
//!
//! A [`ClusterInput`] names a cluster (resource group and name) and carries the
//! cluster-level settings and one [`PoolInput`]: the system pool for
//! `cluster create`, the pool to add for `nodepool add` (which uses only the
//! cluster's names). `None` means "not given": preflight fills the default from
//! [`crate::core::catalog::defaults`] or what the OS requires, and says so.
//!
//! Nothing here knows how a value was typed. Which flag, file key or question
//! fills each field is [`super::fields`]' business, and a problem preflight finds
//! names a [`Field`], which each door renders its own way.
//!
//! [`preflight`]: super::preflight

use std::collections::BTreeMap;

/// The settings of one node pool, as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolInput {
    pub name: Option<String>,
    /// `System` or `User` (default: System for a cluster's first pool, else User).
    pub mode: Option<String>,
    pub os_sku: Option<String>,
    /// x.y or x.y.z; for a cluster, the cluster's version.
    pub kubernetes_version: Option<String>,
    pub vm_size: Option<String>,
    pub count: Option<i64>,
    pub enable_fips_image: bool,
    pub enable_secure_boot: bool,
    pub enable_vtpm: bool,
    pub os_disk_type: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// `key=value:Effect` each.
    pub taints: Vec<String>,
    /// `1`, `2`, `3`: the availability zones, as strings.
    pub zones: Vec<String>,
    pub enable_cluster_autoscaler: bool,
    pub min_count: Option<i64>,
    pub max_count: Option<i64>,
    pub max_pods: Option<i64>,
    /// ARM ids of the nodes' and the pods' subnets.
    pub vnet_subnet_id: Option<String>,
    pub pod_subnet_id: Option<String>,
    pub os_disk_size: Option<i64>,
    /// `Regular` or `Spot`.
    pub priority: Option<String>,
    pub eviction_policy: Option<String>,
    /// A decimal price, or `-1` (up to the on-demand price).
    pub spot_max_price: Option<String>,
    /// `upgradeSettings`: a node count or a percentage each.
    pub max_surge: Option<String>,
    pub max_unavailable: Option<String>,
    pub drain_timeout: Option<i64>,
    pub node_soak_duration: Option<i64>,
    /// Tags of the pool (its VM scale set).
    pub tags: BTreeMap<String, String>,
    pub enable_node_public_ip: bool,
    pub ssh_access: Option<String>,
    pub enable_encryption_at_host: bool,
    pub scale_down_mode: Option<String>,
    /// Send an OS SKU AKS has retired.
    pub allow_retired: bool,
    /// Send an OS SKU the catalog does not know.
    pub allow_unknown_sku: bool,
}

/// A cluster and its pool, as given (see the module doc for `nodepool add`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterInput {
    pub resource_group: Option<String>,
    pub name: Option<String>,
    pub location: Option<String>,
    pub node_os_upgrade_channel: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub network_plugin: Option<String>,
    pub network_plugin_mode: Option<String>,
    pub network_dataplane: Option<String>,
    pub network_policy: Option<String>,
    pub pod_cidr: Option<String>,
    pub service_cidr: Option<String>,
    pub dns_service_ip: Option<String>,
    pub outbound_type: Option<String>,
    pub load_balancer_sku: Option<String>,
    pub enable_private_cluster: bool,
    pub api_server_authorized_ip_ranges: Vec<String>,
    pub tier: Option<String>,
    pub enable_oidc_issuer: bool,
    pub enable_workload_identity: bool,
    /// ARM id of a user-assigned identity (none: system-assigned).
    pub assign_identity: Option<String>,
    pub enable_aad: bool,
    pub aad_admin_group_object_ids: Vec<String>,
    pub enable_azure_rbac: bool,
    pub disable_local_accounts: bool,
    pub auto_upgrade_channel: Option<String>,
    /// A public key, or the path of a file holding one.
    pub ssh_key_value: Option<String>,
    pub no_ssh_key: bool,
    pub pool: PoolInput,
    /// `--set PATH=VALUE` each, in order, for the body this input becomes
    /// (the cluster's for `cluster create`, the pool's for `nodepool add`).
    pub sets: Vec<String>,
    /// `--body-file FILE`: a JSON or YAML fragment merged into that body.
    pub body_file: Option<String>,
    /// Values outside a schema enum are sent (with a warning).
    pub allow_unknown_values: bool,
    /// An apply file's `properties:` fragments, one leaf each (see [`BodyLeaf`]).
    pub properties: Vec<BodyLeaf>,
}

/// One scalar of an apply file's `properties:` fragment: written into the
/// body at `body_root` + `rel`, named in errors as `shown_root` + `rel`
/// (`systemPool.properties.kubeletConfig.cpuManagerPolicy`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BodyLeaf {
    pub body_root: String,
    pub shown_root: String,
    /// The path below the root, `.`-joined (`kubeletConfig.cpuManagerPolicy`, `x[0]`).
    pub rel: String,
    /// The value as written; typed by the schema like a `--set` value.
    pub raw: String,
}

/// Every setting a door can fill. The table in [`super::fields`] says, for each,
/// its flag, apply-file key, question, help, parser and place in the request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    ResourceGroup,
    ClusterName,
    Location,
    NodeOsUpgradeChannel,
    Tags,
    PoolName,
    Mode,
    OsSku,
    KubernetesVersion,
    VmSize,
    Count,
    EnableFipsImage,
    EnableSecureBoot,
    EnableVtpm,
    OsDiskType,
    Labels,
    Taints,
    Zones,
    EnableClusterAutoscaler,
    MinCount,
    MaxCount,
    MaxPods,
    VnetSubnetId,
    PodSubnetId,
    OsDiskSize,
    Priority,
    EvictionPolicy,
    SpotMaxPrice,
    MaxSurge,
    MaxUnavailable,
    DrainTimeout,
    NodeSoakDuration,
    PoolTags,
    EnableNodePublicIp,
    SshAccess,
    EnableEncryptionAtHost,
    ScaleDownMode,
    NetworkPlugin,
    NetworkPluginMode,
    NetworkDataplane,
    NetworkPolicy,
    PodCidr,
    ServiceCidr,
    DnsServiceIp,
    OutboundType,
    LoadBalancerSku,
    EnablePrivateCluster,
    ApiServerAuthorizedIpRanges,
    Tier,
    EnableOidcIssuer,
    EnableWorkloadIdentity,
    AssignIdentity,
    EnableAad,
    AadAdminGroupObjectIds,
    EnableAzureRbac,
    DisableLocalAccounts,
    AutoUpgradeChannel,
    SshKeyValue,
    NoSshKey,
    AllowRetired,
    AllowUnknownSku,
    Set,
    BodyFile,
    AllowUnknownValues,
}

/// What a command acts on, which decides how a field is spelt (`--name` is the
/// cluster in `cluster create` and the pool in `nodepool add`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `cluster create`: the cluster and its system pool.
    Cluster,
    /// `nodepool add`: a pool in an existing cluster.
    Pool,
}

/// One thing wrong with an input, named by field; doors render the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
    /// A path below the field, for problems inside an apply file's
    /// `properties:` (`properties.kubeletConfig.cpuManagerPolicy`).
    pub sub: Option<String>,
}

impl Problem {
    pub fn new(field: Field, message: impl Into<String>) -> Problem {
        Problem {
            field,
            message: message.into(),
            sub: None,
        }
    }

    /// The same problem, at `sub` below its field.
    pub fn under(mut self, sub: impl Into<String>) -> Problem {
        self.sub = Some(sub.into());
        self
    }
}
