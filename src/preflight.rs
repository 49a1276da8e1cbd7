//! Preflight: everything that can be checked before the first request. Names
//! against ARM's patterns, counts and modes, the OS SKU against the catalog
//! (known, lifecycle, required and unsupported settings, Kubernetes range, CPU
//! architecture), labels, taints and tags. Every problem is collected and
//! reported at once, each naming the flag to change (exit 2, nothing sent).
//! Settings the OS requires are filled in and reported as notes. The wizard's
//! prompts call the same field checks ([`check_pool_name`] and friends); the name
//! rules themselves live in [`crate::names`].

use crate::catalog::{self, Minor, OsSku, Support, Verdict};
use crate::cli::{ClusterCreateArgs, NodepoolAddArgs, PoolFlags, WriteFlags};
use crate::error::{AppError, AppResult};
use crate::names;
use crate::request::{ClusterRequest, NodePoolRequest, PoolSpec};
use std::collections::BTreeMap;

/// The end of preflight's "needs feature" warning: true of the commands that
/// create (they register a missing feature), and replaced by `export`, which
/// registers nothing itself.
pub const REGISTERED_FOR_YOU: &str = " (registered for you when missing)";

/// What preflight says besides errors.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Findings {
    /// Settings filled in because the OS requires them.
    pub filled: Vec<String>,
    /// Things to know (retiring OS, preview, ...).
    pub warnings: Vec<String>,
}

struct Collector {
    errors: Vec<AppError>,
    found: Findings,
}

impl Collector {
    fn err(&mut self, flag: &str, msg: impl Into<String>) {
        self.errors.push(AppError::usage(flag, msg));
    }
    fn take<T>(&mut self, r: Result<T, String>, flag: &str) -> Option<T> {
        r.map_err(|m| self.err(flag, m)).ok()
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
    let min = if mode == "System" { 1 } else { 0 };
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
            "`{s}` is not a VM size name; use e.g. Standard_D4s_v5 (see `az vm list-sizes -l LOCATION`)"
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
            "{size} is an Arm64 size and {name} runs on AMD64 only; pick e.g. Standard_D4s_v5"
        ));
    }
    if catalog::arm64_only_on_cobalt_v6(sku) && !is_cobalt_v6_size(size) {
        return Some(format!(
            "{size} is an Arm64 size of an older generation; {name} runs on Arm64 only on Cobalt 100 (v6) sizes, e.g. Standard_D4ps_v6 (or an AMD64 size such as Standard_D4s_v5)"
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

pub fn check_kubernetes_version(s: &str) -> Result<Minor, String> {
    Minor::parse(s)
        .ok_or_else(|| format!("`{s}` is not a Kubernetes version; use x.y or x.y.z, e.g. 1.35"))
}

fn parse_pairs(items: &[String], what: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for item in items.iter().flat_map(|i| i.split_whitespace()) {
        match item.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.insert(k.to_string(), v.to_string());
            }
            _ => return Err(format!("`{item}` is not a {what}; use key=value")),
        }
    }
    Ok(out)
}

fn check_taints(items: &[String]) -> Result<Vec<String>, String> {
    let mut out = vec![];
    for t in items
        .iter()
        .flat_map(|i| i.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let effect = t.rsplit_once(':').map(|(_, e)| e);
        let key = t.split(['=', ':']).next().unwrap_or_default();
        match effect {
            Some("NoSchedule" | "PreferNoSchedule" | "NoExecute") if !key.is_empty() => {
                out.push(t.to_string())
            }
            _ => {
                return Err(format!(
                    "`{t}` is not a taint; use key=value:NoSchedule, PreferNoSchedule or NoExecute"
                ))
            }
        }
    }
    Ok(out)
}

/// Resolves `--os-sku` to the catalog's spelling, applying lifecycle rules.
fn resolve_sku(
    c: &mut Collector,
    raw: Option<&str>,
    w: &WriteFlags,
) -> Option<(String, Option<&'static OsSku>)> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        c.err(
            "--os-sku",
            format!(
                "required; choose one of {} (or run `aksos recommend`)",
                catalog::known_values().join(", ")
            ),
        );
        return None;
    };
    let Some(sku) = catalog::find(raw) else {
        if w.allow_unknown_sku {
            c.found.warnings.push(format!(
                "osSKU `{raw}` is not in aksos's catalog; sent as given (--allow-unknown-sku)"
            ));
            return Some((raw.to_string(), None));
        }
        c.err(
            "--os-sku",
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
            if w.allow_retired {
                c.found.warnings.push(format!(
                    "{} is retired on AKS: no new pools since {date}; sending anyway (--allow-retired)",
                    sku.api_value
                ));
            } else {
                c.err(
                    "--os-sku",
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

/// Applies the OS's required and unsupported settings to the pool flags.
fn apply_os_rules(
    c: &mut Collector,
    sku: &OsSku,
    p: &PoolFlags,
) -> (bool, bool, bool, Option<String>) {
    let name = sku.api_value;
    let mut fips = p.enable_fips_image;
    match sku.fips {
        Support::Required if !fips => {
            fips = true;
            c.found.filled.push(format!("enableFIPS=true ({name} requires a FIPS image)"));
        }
        Support::Unsupported if fips => c.err(
            "--enable-fips-image",
            format!("{name} does not support FIPS; drop the flag, or pick an OS with FIPS (AzureLinux, Ubuntu2204)"),
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
            for (on, flag) in [(sb, "--enable-secure-boot"), (vtpm, "--enable-vtpm")] {
                if on {
                    c.err(flag, format!("{name} does not support Trusted Launch (Secure Boot / vTPM); drop the flag"));
                }
            }
        }
        _ => {}
    }
    let mut disk = p.node_osdisk_type.clone();
    if let Some(req) = sku.required_os_disk {
        match disk.as_deref() {
            Some(d) if d != req => c.err(
                "--node-osdisk-type",
                format!("{name} requires a {req} OS disk, not {d}; drop the flag or use --node-osdisk-type {req}"),
            ),
            Some(_) => {}
            None => {
                disk = Some(req.to_string());
                c.found.filled.push(format!("osDiskType={req} ({name} requires it)"));
            }
        }
    }
    if let Some(problem) = architecture_problem(&p.node_vm_size, sku) {
        c.err("--node-vm-size", problem);
    }
    if let Some(v) = p.kubernetes_version.as_deref().and_then(Minor::parse) {
        if !sku.supports_kubernetes(v) {
            c.err(
                "--kubernetes-version",
                format!(
                    "{name} supports Kubernetes {}, not {v}",
                    sku.kubernetes_range()
                ),
            );
        }
    }
    (fips, sb, vtpm, disk)
}

fn pool_spec(
    c: &mut Collector,
    name: Option<String>,
    name_flag: &str,
    mode: &str,
    p: &PoolFlags,
    w: &WriteFlags,
) -> Option<PoolSpec> {
    let name = match name {
        Some(n) => c.take(check_pool_name(&n), name_flag),
        None => {
            c.err(name_flag, "required: the node pool name");
            None
        }
    };
    let vm = c.take(check_vm_size(&p.node_vm_size), "--node-vm-size");
    let count = c.take(check_count(p.node_count, mode), "--node-count");
    if let Some(v) = &p.kubernetes_version {
        c.take(check_kubernetes_version(v), "--kubernetes-version");
    }
    let (os_sku, sku) = resolve_sku(c, p.os_sku.as_deref(), w)?;
    let (fips, sb, vtpm, disk) = match sku {
        Some(sku) => apply_os_rules(c, sku, p),
        None => (
            p.enable_fips_image,
            p.enable_secure_boot,
            p.enable_vtpm,
            p.node_osdisk_type.clone(),
        ),
    };
    if let Some(sku) = sku {
        if let Some(flag) = sku.feature_flag {
            c.found.warnings.push(format!(
                "{} is a preview: needs feature {}/{flag}{REGISTERED_FOR_YOU}",
                sku.api_value,
                catalog::FEATURE_NAMESPACE
            ));
        }
    }
    Some(PoolSpec {
        name: name?,
        os_sku,
        vm_size: vm?,
        count: count?,
        mode: mode.to_string(),
        kubernetes_version: p.kubernetes_version.clone(),
        enable_fips: fips,
        enable_secure_boot: sb,
        enable_vtpm: vtpm,
        os_disk_type: disk,
        labels: BTreeMap::new(),
        taints: vec![],
        placement: Default::default(),
    })
}

fn finish<T>(c: Collector, value: Option<T>) -> AppResult<(T, Findings)> {
    match (c.errors.len(), value) {
        (0, Some(v)) => Ok((v, c.found)),
        (1, _) => Err(c.errors.into_iter().next().expect("one")),
        (0, None) => Err(AppError::usage("", "invalid input")),
        _ => Err(AppError::UsageMany(c.errors)),
    }
}

fn required(
    c: &mut Collector,
    v: &Option<String>,
    flag: &str,
    what: &str,
    check: fn(&str) -> Result<String, String>,
) -> Option<String> {
    match v {
        Some(s) => c.take(check(s), flag),
        None => {
            c.err(flag, format!("required: the {what}"));
            None
        }
    }
}

/// Checks `cluster create` flags.
pub fn cluster(a: &ClusterCreateArgs) -> AppResult<(ClusterRequest, Findings)> {
    let mut c = Collector {
        errors: vec![],
        found: Findings::default(),
    };
    let rg = required(
        &mut c,
        &a.resource_group,
        "--resource-group",
        "resource group",
        check_resource_group,
    );
    let name = required(
        &mut c,
        &a.name,
        "--name",
        "cluster name",
        check_cluster_name,
    );
    let location = required(
        &mut c,
        &a.location,
        "--location",
        "Azure region",
        check_location,
    );
    let tags = c.take(parse_pairs(&a.tags, "tag"), "--tags");
    let pool = pool_spec(
        &mut c,
        Some(a.nodepool_name.clone()),
        "--nodepool-name",
        "System",
        &a.pool,
        &a.write,
    );
    let mut channel = a.node_os_upgrade_channel.clone();
    if let Some(sku) = pool.as_ref().and_then(|p| p.sku()) {
        if !sku.node_os_channels.is_empty() {
            match &channel {
                Some(ch) if !sku.node_os_channels.contains(&ch.as_str()) => c.err(
                    "--node-os-upgrade-channel",
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
    let value = (|| {
        Some(ClusterRequest {
            resource_group: rg?,
            name: name?,
            location: location?,
            pool: pool?,
            node_os_upgrade_channel: channel,
            tags: tags?,
        })
    })();
    finish(c, value)
}

/// Checks `nodepool add` flags.
pub fn nodepool(a: &NodepoolAddArgs) -> AppResult<(NodePoolRequest, Findings)> {
    let mut c = Collector {
        errors: vec![],
        found: Findings::default(),
    };
    let rg = required(
        &mut c,
        &a.resource_group,
        "--resource-group",
        "resource group",
        check_resource_group,
    );
    let cluster = required(
        &mut c,
        &a.cluster,
        "--cluster",
        "cluster name",
        check_cluster_name,
    );
    let labels = c.take(parse_pairs(&a.labels, "label"), "--labels");
    let taints = c.take(check_taints(&a.taints), "--taints");
    let pool = pool_spec(&mut c, a.name.clone(), "--name", &a.mode, &a.pool, &a.write);
    let value = (|| {
        let mut pool = pool?;
        pool.labels = labels?;
        pool.taints = taints?;
        Some(NodePoolRequest {
            resource_group: rg?,
            cluster: cluster?,
            pool,
        })
    })();
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
