//! Preflight: everything that can be checked before the first request. Names
//! against ARM's patterns, counts and modes, the OS SKU against the catalog
//! (known, lifecycle, required and unsupported settings, Kubernetes range, CPU
//! architecture), labels, taints and tags. Every problem is collected and
//! returned at once, each a [`Problem`] naming the [`Field`] to change; the
//! door renders it (`--node-count`, `clusters[2].nodePools[1].count`, the
//! wizard's question). Settings the OS requires are filled in and reported as
//! [`Findings`]. The wizard's prompts call the same field checks
//! ([`check_pool_name`] and friends); the name rules live in [`crate::names`].
//!
//! The input is a plain [`ClusterInput`]: preflight never sees how it was typed.

use super::body::BodyOps;
use super::input::{ClusterInput, Field, PoolInput, Problem};
use super::request::{ClusterRequest, NodePoolRequest, PoolSpec};
use crate::core::catalog::{self, defaults, enums, Minor, OsSku, Support, Verdict};
use crate::names;

/// A preview feature the OS needs; each door says who registers it
/// (`cluster create` does, an export's file does, a Bicep user must).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NeedsFeature {
    pub sku: String,
    pub namespace: String,
    pub flag: String,
}

impl std::fmt::Display for NeedsFeature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is a preview: needs feature {}/{}",
            self.sku, self.namespace, self.flag
        )
    }
}

/// What preflight returns: the checked request and its findings, or every problem.
pub type Checked<T> = Result<(T, Findings), Vec<Problem>>;

/// What preflight says besides errors.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Findings {
    /// Settings filled in because the OS requires them.
    pub filled: Vec<String>,
    /// Things to know (retiring OS, unknown SKU sent as given, ...).
    pub warnings: Vec<String>,
    /// Preview features the OS needs.
    pub features: Vec<NeedsFeature>,
}

struct Collector {
    problems: Vec<Problem>,
    found: Findings,
}

impl Collector {
    fn err(&mut self, field: Field, msg: impl Into<String>) {
        self.problems.push(Problem::new(field, msg));
    }
    fn take<T>(&mut self, r: Result<T, String>, field: Field) -> Option<T> {
        r.map_err(|m| self.err(field, m)).ok()
    }
}

pub fn check_resource_group(s: &str) -> Result<String, String> {
    names::ResourceGroup::parse(s)
        .map(|n| n.as_str().to_string())
        .map_err(|e| e.to_string())
}

pub fn check_cluster_name(s: &str) -> Result<String, String> {
    names::ClusterName::parse(s)
        .map(|n| n.as_str().to_string())
        .map_err(|e| e.to_string())
}

pub fn check_pool_name(s: &str) -> Result<String, String> {
    if let Ok(n) = names::PoolName::parse(s) {
        Ok(n.as_str().to_string())
    } else {
        let hint = s
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .skip_while(|c| c.is_ascii_digit())
            .take(12)
            .collect::<String>();
        let suggestion = if hint.is_empty() || hint == s {
            String::new()
        } else {
            format!(" (e.g. `{hint}`)")
        };
        Err(format!(
            "`{}` is not a valid {}: {}{suggestion}",
            names::shown(s),
            names::PoolName::WHAT,
            names::PoolName::RULE
        ))
    }
}

/// Normalises a location ("East US" → "eastus") and checks it names an Azure
/// region ([`crate::regions`]), suggesting the closest one for a typo.
pub fn check_location(s: &str) -> Result<String, String> {
    let norm = names::Location::parse(s)
        .map(|n| n.as_str().to_string())
        .map_err(|e| e.to_string())?;
    if crate::regions::is_known(&norm) {
        return Ok(norm);
    }
    Err(format!(
        "`{}` is not an Azure region.{} See `az account list-locations -o table` for the names",
        names::shown(s),
        crate::suggest::did_you_mean(&norm, crate::regions::REGIONS.iter().copied())
    ))
}

pub fn check_count(n: i64, mode: &str) -> Result<i64, String> {
    let min = if mode == defaults::SYSTEM_MODE { 1 } else { 0 };
    if (min..=1000).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "{n} is out of range: a {mode} pool takes {min} to 1000 nodes"
        ))
    }
}

pub fn check_vm_size(s: &str) -> Result<String, String> {
    let ok = s.starts_with("Standard_")
        && s.len() > 9
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{s}` is not a VM size name; use e.g. {} (see `az vm list-sizes -l LOCATION`)",
            defaults::VM_SIZE
        ))
    }
}

/// Arm64 Azure sizes carry a `p` in their feature letters (D4ps_v5, E8pds_v6).
pub fn is_arm64_size(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("Standard_") else {
        return false;
    };
    let family = rest.split('_').next().unwrap_or_default();
    let letters: String = family
        .trim_start_matches(|c: char| c.is_ascii_uppercase())
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .to_string();
    letters.contains('p')
}

/// Whether the OS runs on the size's CPU architecture (Arm64 sizes need an OS
/// with Arm64 images; Azure Container Linux only on Cobalt 100 v6 sizes).
fn architecture_problem(size: &str, sku: &OsSku) -> Option<String> {
    let name = sku.api_value;
    if !is_arm64_size(size) {
        return None;
    }
    if !sku.architectures.contains(&catalog::Arch::Arm64) {
        return Some(format!(
            "{size} is an Arm64 size and {name} runs on AMD64 only; pick e.g. {}",
            defaults::VM_SIZE
        ));
    }
    if catalog::arm64_only_on_cobalt_v6(sku) && !is_cobalt_v6_size(size) {
        return Some(format!(
            "{size} is an Arm64 size of an older generation; {name} runs on Arm64 only on Cobalt 100 (v6) sizes, e.g. {} (or an AMD64 size such as {})",
            defaults::ARM64_COBALT_VM_SIZE,
            defaults::VM_SIZE
        ));
    }
    None
}

/// A VM size checked for the OS that will run on it (the wizard's prompt).
pub fn check_vm_size_for(s: &str, sku: &OsSku) -> Result<String, String> {
    let size = check_vm_size(s)?;
    match architecture_problem(&size, sku) {
        Some(problem) => Err(problem),
        None => Ok(size),
    }
}

/// Cobalt 100 sizes: Arm64 sizes of the v6 generation (D4ps_v6, E8pds_v6).
pub fn is_cobalt_v6_size(s: &str) -> bool {
    is_arm64_size(s) && s.to_ascii_lowercase().ends_with("_v6")
}

/// `--kubernetes-version`: the one parser, [`crate::core::version::parse_kubernetes_version`].
pub fn check_kubernetes_version(s: &str) -> Result<Minor, String> {
    crate::core::version::parse_kubernetes_version(s)
}

fn check_labels(
    labels: &std::collections::BTreeMap<String, String>,
) -> Result<std::collections::BTreeMap<String, String>, String> {
    match labels.keys().find(|k| k.is_empty()) {
        Some(_) => Err("a label has an empty key; use key=value".into()),
        None => Ok(labels.clone()),
    }
}

fn check_taints(items: &[String]) -> Result<Vec<String>, String> {
    let mut out = vec![];
    for t in items.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let effect = t.rsplit_once(':').map(|(_, e)| e);
        let key = t.split(['=', ':']).next().unwrap_or_default();
        match effect {
            Some(e) if enums::TAINT_EFFECTS.contains(&e) && !key.is_empty() => {
                out.push(t.to_string())
            }
            _ => {
                return Err(format!(
                    "`{t}` is not a taint; use key=value:{}",
                    enums::TAINT_EFFECTS.join(", ")
                ))
            }
        }
    }
    Ok(out)
}

/// Resolves the OS SKU to the catalog's spelling, applying lifecycle rules.
fn resolve_sku(c: &mut Collector, p: &PoolInput) -> Option<(String, Option<&'static OsSku>)> {
    let Some(raw) = p.os_sku.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        c.err(
            Field::OsSku,
            format!(
                "required; choose one of {} (or run `aksos recommend`)",
                catalog::known_values().join(", ")
            ),
        );
        return None;
    };
    let Some(sku) = catalog::find(raw) else {
        if p.allow_unknown_sku {
            c.found.warnings.push(format!(
                "osSKU `{raw}` is not in aksos's catalog; sent as given (--allow-unknown-sku)"
            ));
            return Some((raw.to_string(), None));
        }
        c.err(
            Field::OsSku,
            format!(
                "`{raw}` is not a known OS SKU.{} Known: {}. Add --allow-unknown-sku to send it anyway.",
                crate::suggest::did_you_mean(raw, catalog::known_values()),
                catalog::known_values().join(", ")
            ),
        );
        return None;
    };
    match sku.verdict(catalog::today()) {
        Verdict::Retired {
            date, successor, ..
        } => {
            let succ = successor
                .map(|s| format!("; use --os-sku {s}"))
                .unwrap_or_default();
            if p.allow_retired {
                c.found.warnings.push(format!(
                    "{} is retired on AKS: no new pools since {date}; sending anyway (--allow-retired)",
                    sku.api_value
                ));
            } else {
                c.err(
                    Field::OsSku,
                    format!(
                        "{} is retired on AKS: no new clusters or node pools since {date}{succ} (or --allow-retired to send it anyway)",
                        sku.api_value
                    ),
                );
            }
        }
        Verdict::Retiring {
            date,
            days_left,
            successor,
        } => c.found.warnings.push(format!(
            "{} retires on AKS: no new pools from {date} ({days_left} days){}",
            sku.api_value,
            successor
                .map(|s| format!("; {s} is the durable choice"))
                .unwrap_or_default()
        )),
        Verdict::Ok => {}
    }
    Some((sku.api_value.to_string(), Some(sku)))
}

/// The OS settings after the catalog's rules: (FIPS, Secure Boot, vTPM, disk).
type OsSettings = (bool, bool, bool, Option<String>);

/// Applies the OS's required and unsupported settings to the pool's.
fn apply_os_rules(c: &mut Collector, sku: &OsSku, p: &PoolInput, vm_size: &str) -> OsSettings {
    let name = sku.api_value;
    let mut fips = p.enable_fips_image;
    match sku.fips {
        Support::Required if !fips => {
            fips = true;
            c.found
                .filled
                .push(format!("enableFIPS=true ({name} requires a FIPS image)"));
        }
        Support::Unsupported if fips => c.err(
            Field::EnableFipsImage,
            format!(
                "{name} does not support FIPS; drop the flag, or pick an OS with a FIPS image ({})",
                catalog::skus_where(|s| matches!(s.fips, Support::Available | Support::Required))
                    .join(", ")
            ),
        ),
        _ => {}
    }
    let (mut sb, mut vtpm) = (p.enable_secure_boot, p.enable_vtpm);
    match sku.trusted_launch {
        Support::Required => {
            if !sb || !vtpm {
                c.found.filled.push(format!(
                    "securityProfile.enableSecureBoot=true, enableVTPM=true ({name} requires Trusted Launch; the VM size must support it)"
                ));
            }
            sb = true;
            vtpm = true;
        }
        Support::Unsupported => {
            for (on, field) in [(sb, Field::EnableSecureBoot), (vtpm, Field::EnableVtpm)] {
                if on {
                    c.err(field, format!("{name} does not support Trusted Launch (Secure Boot / vTPM); drop the flag"));
                }
            }
        }
        _ => {}
    }
    let mut disk = p.os_disk_type.clone();
    if let Some(req) = sku.required_os_disk {
        match disk.as_deref() {
            Some(d) if d != req => c.err(
                Field::OsDiskType,
                format!("{name} requires a {req} OS disk, not {d}; drop the setting or use {req}"),
            ),
            Some(_) => {}
            None => {
                disk = Some(req.to_string());
                c.found
                    .filled
                    .push(format!("osDiskType={req} ({name} requires it)"));
            }
        }
    }
    if let Some(problem) = architecture_problem(vm_size, sku) {
        c.err(Field::VmSize, problem);
    }
    if let Some(v) = p.kubernetes_version.as_deref().and_then(Minor::parse) {
        if !sku.supports_kubernetes(v) {
            c.err(
                Field::KubernetesVersion,
                format!(
                    "{name} supports Kubernetes {}, not {v}",
                    sku.kubernetes_range()
                ),
            );
        }
    }
    (fips, sb, vtpm, disk)
}

/// Checks one pool; `mode` is the mode it must have or takes by default.
fn pool_spec(c: &mut Collector, p: &PoolInput, mode: String) -> Option<PoolSpec> {
    let name = match &p.name {
        Some(n) => c.take(check_pool_name(n), Field::PoolName),
        None => {
            c.err(Field::PoolName, "required: the node pool name");
            None
        }
    };
    let vm_size = p.vm_size.as_deref().unwrap_or(defaults::VM_SIZE);
    let vm = c.take(check_vm_size(vm_size), Field::VmSize);
    let count = c.take(
        check_count(p.count.unwrap_or(defaults::NODE_COUNT), &mode),
        Field::Count,
    );
    if let Some(v) = &p.kubernetes_version {
        c.take(check_kubernetes_version(v), Field::KubernetesVersion);
    }
    let labels = c.take(check_labels(&p.labels), Field::Labels);
    let taints = c.take(check_taints(&p.taints), Field::Taints);
    let mut found = super::production::Found::default();
    let (placement, settings) =
        super::production::pool(p, &mode, count.unwrap_or(defaults::NODE_COUNT), &mut found);
    c.problems.extend(found.problems);
    let (os_sku, sku) = resolve_sku(c, p)?;
    let (fips, sb, vtpm, disk) = match sku {
        Some(sku) => apply_os_rules(c, sku, p, vm_size),
        None => (
            p.enable_fips_image,
            p.enable_secure_boot,
            p.enable_vtpm,
            p.os_disk_type.clone(),
        ),
    };
    if let Some((sku, flag)) = sku.and_then(|s| Some((s, s.feature_flag?))) {
        c.found.features.push(NeedsFeature {
            sku: sku.api_value.to_string(),
            namespace: catalog::FEATURE_NAMESPACE.to_string(),
            flag: flag.to_string(),
        });
    }
    Some(PoolSpec {
        name: name?,
        os_sku,
        vm_size: vm?,
        count: count?,
        mode,
        kubernetes_version: p.kubernetes_version.clone(),
        enable_fips: fips,
        enable_secure_boot: sb,
        enable_vtpm: vtpm,
        os_disk_type: disk,
        labels: labels?,
        taints: taints?,
        placement,
        settings,
    })
}

/// Reads `--set`, `--body-file` and `properties:` and tries them on the body
/// `build` makes: every problem is collected, warnings become findings.
fn raw_writes(
    c: &mut Collector,
    a: &ClusterInput,
    build: impl Fn(BodyOps) -> Result<(serde_json::Value, Vec<String>), Vec<Problem>>,
) -> Option<BodyOps> {
    let ops = match BodyOps::read(a) {
        Ok(ops) => ops,
        Err(p) => {
            c.problems.extend(p);
            return None;
        }
    };
    if ops.is_empty() {
        return Some(ops);
    }
    match build(ops.clone()) {
        Ok((_, warnings)) => {
            c.found.warnings.extend(warnings);
            Some(ops)
        }
        Err(p) => {
            c.problems.extend(p);
            None
        }
    }
}

fn finish<T>(c: Collector, value: Option<T>) -> Checked<T> {
    match value {
        Some(v) if c.problems.is_empty() => Ok((v, c.found)),
        _ if c.problems.is_empty() => Err(vec![Problem::new(Field::OsSku, "invalid input")]),
        _ => Err(c.problems),
    }
}

fn required(
    c: &mut Collector,
    v: &Option<String>,
    field: Field,
    what: &str,
    check: fn(&str) -> Result<String, String>,
) -> Option<String> {
    match v {
        Some(s) => c.take(check(s), field),
        None => {
            c.err(field, format!("required: the {what}"));
            None
        }
    }
}

/// The cluster's resource group and name, both required.
fn cluster_names(c: &mut Collector, a: &ClusterInput) -> (Option<String>, Option<String>) {
    let rg = required(
        c,
        &a.resource_group,
        Field::ResourceGroup,
        "resource group",
        check_resource_group,
    );
    let name = required(
        c,
        &a.name,
        Field::ClusterName,
        "cluster name",
        check_cluster_name,
    );
    (rg, name)
}

fn collector() -> Collector {
    Collector {
        problems: vec![],
        found: Findings::default(),
    }
}

/// Checks what `cluster create` was given: the cluster and its system pool.
pub fn cluster(a: &ClusterInput) -> Checked<ClusterRequest> {
    let mut c = collector();
    let (rg, name) = cluster_names(&mut c, a);
    let location = required(
        &mut c,
        &a.location,
        Field::Location,
        "Azure region",
        check_location,
    );
    if let Some(m) = a
        .pool
        .mode
        .as_deref()
        .filter(|m| *m != defaults::SYSTEM_MODE)
    {
        c.err(
            Field::Mode,
            format!(
                "the system pool's mode is {}, not {m}",
                defaults::SYSTEM_MODE
            ),
        );
    }
    let mut pool_in = a.pool.clone();
    if pool_in.name.is_none() {
        pool_in.name = Some(defaults::SYSTEM_POOL_NAME.to_string());
    }
    let pool = pool_spec(&mut c, &pool_in, defaults::SYSTEM_MODE.to_string());
    let mut channel = a.node_os_upgrade_channel.clone();
    if let Some(ch) = &channel {
        if !enums::NODE_OS_UPGRADE_CHANNELS.contains(&ch.as_str()) {
            c.err(
                Field::NodeOsUpgradeChannel,
                format!(
                    "`{ch}` is not one of {}",
                    enums::NODE_OS_UPGRADE_CHANNELS.join(", ")
                ),
            );
        }
    }
    if let Some(sku) = pool.as_ref().and_then(|p| p.sku()) {
        if !sku.node_os_channels.is_empty() {
            match &channel {
                Some(ch) if !sku.node_os_channels.contains(&ch.as_str()) => c.err(
                    Field::NodeOsUpgradeChannel,
                    format!(
                        "{} allows {} only, not {ch}",
                        sku.api_value,
                        sku.node_os_channels.join(" or ")
                    ),
                ),
                Some(_) => {}
                None => {
                    let ch = sku.node_os_channels[0];
                    c.found.filled.push(format!(
                        "autoUpgradeProfile.nodeOSUpgradeChannel={ch} ({} allows {})",
                        sku.api_value,
                        sku.node_os_channels.join(" or ")
                    ));
                    channel = Some(ch.to_string());
                }
            }
        }
    }
    let mut found = super::production::Found::default();
    let settings = super::production::cluster(a, &mut found);
    c.problems.extend(found.problems);
    c.found.filled.extend(found.filled);
    let value = (|| {
        Some(ClusterRequest {
            resource_group: rg?,
            name: name?,
            location: location?,
            pool: pool?,
            node_os_upgrade_channel: channel,
            tags: a.tags.clone(),
            body_ops: Default::default(),
            settings,
        })
    })();
    let value = value.and_then(|mut r| {
        r.body_ops = raw_writes(&mut c, a, |ops| {
            let mut r = r.clone();
            r.body_ops = ops;
            r.body_json(r.pool.kubernetes_version.as_deref())
        })?;
        Some(r)
    });
    finish(c, value)
}

/// Checks what `nodepool add` was given: the cluster's names and the pool.
pub fn pool(a: &ClusterInput) -> Checked<NodePoolRequest> {
    let mut c = collector();
    let (rg, cluster) = cluster_names(&mut c, a);
    let mode = a
        .pool
        .mode
        .clone()
        .unwrap_or_else(|| defaults::POOL_MODE.to_string());
    let pool = pool_spec(&mut c, &a.pool, mode);
    let value = (|| {
        Some(NodePoolRequest {
            resource_group: rg?,
            cluster: cluster?,
            pool: pool?,
            body_ops: Default::default(),
        })
    })();
    let value = value.and_then(|mut r| {
        r.body_ops = raw_writes(&mut c, a, |ops| {
            let mut r = r.clone();
            r.body_ops = ops;
            r.body_json()
        })?;
        Some(r)
    });
    finish(c, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_checks() {
        assert!(check_pool_name("Pool_1")
            .unwrap_err()
            .contains("e.g. `pool1`"));
        assert_eq!(check_location("East US").unwrap(), "eastus");
        assert!(check_location("east/us").is_err());
        assert!(check_count(0, "System").is_err() && check_count(0, "User").is_ok());
        assert!(is_arm64_size("Standard_D4ps_v5") && is_arm64_size("Standard_E8pds_v6"));
        assert!(!is_arm64_size("Standard_D4s_v5") && !is_arm64_size("Standard_DS2_v2"));
        assert!(is_cobalt_v6_size("Standard_D4ps_v6") && !is_cobalt_v6_size("Standard_D4ps_v5"));
        assert!(check_taints(&["gpu=true:NoSchedule".into()]).is_ok());
        assert!(check_taints(&["gpu=true".into()]).is_err());
    }
}
