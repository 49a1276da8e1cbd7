//! What a user asked for, before any check: plain typed values, filled by any
//! door (flags, an apply file, the wizard, a test) and read by [`preflight`].
//!
//! A [`ClusterInput`] names a cluster (resource group and name) and carries the
//! cluster-level settings and one [`PoolInput`]: the system pool for
//! `cluster create`, the pool to add for `nodepool add` (which uses only the
//! cluster's names). `None` means "not given": preflight fills the default from
//! [`crate::catalog::defaults`] or what the OS requires, and says so.
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
