//! The capability checks: pure functions from what Azure said about a region
//! (its VM sizes and the subscription's usages there) and what a pool asks for
//! ([`PoolAsk`]) to the [`Problem`]s Azure would answer with minutes later.
//! Each problem names the flag to change and says how to fix it.
//!
//! What an OS needs comes from [`crate::core::catalog`] (architectures, Trusted
//! Launch, "Gen1 VM sizes" among the unsupported, Arm64 only on Cobalt v6);
//! what a size offers comes from its capabilities, exactly as Azure names them:
//! `HyperVGenerations`, `TrustedLaunchDisabled`, `CpuArchitectureType`,
//! `EphemeralOSDiskSupported`, `vCPUs`, zones in `locationInfo`, and
//! `restrictions` (`Location` / `Zone`). A capability Azure does not report is
//! not guessed: its check is skipped.
//!
//! Quota: the pool's initial nodes × the size's vCPUs must fit what is left of
//! the size family's usage (its name is the SKU's `family`) and of the regional
//! total (`cores`; Spot pools count against `lowPriorityCores` instead). Growing
//! past it later (`--max-count`, or the extra nodes of an upgrade surge) is a
//! warning: the pool can be created, but that scale-out or upgrade would fail.

use super::models::{CpuArch, ResourceSku, Usage};
use crate::core::catalog::{self, Arch, OsSku, Support};
use crate::core::request::PoolSpec;

/// Error: Azure would refuse. Warning: it would accept now and fail later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing Azure would refuse (or later fail on), with the flag to change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// The flag to change, e.g. `--node-vm-size`.
    pub flag: &'static str,
    /// What is wrong and the fix.
    pub message: String,
}

impl Problem {
    fn error(flag: &'static str, message: String) -> Self {
        Problem {
            severity: Severity::Error,
            flag,
            message,
        }
    }
    fn warning(flag: &'static str, message: String) -> Self {
        Problem {
            severity: Severity::Warning,
            flag,
            message,
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// What one pool asks of a region.
#[derive(Debug, Clone, Default)]
pub struct PoolAsk<'a> {
    pub location: &'a str,
    pub vm_size: &'a str,
    /// The OS's catalog row (`None`: an osSKU the catalog does not know; no OS rule applies).
    pub os: Option<&'static OsSku>,
    pub count: i64,
    /// Autoscaler upper bound, when autoscaling.
    pub max_count: Option<i64>,
    /// `upgradeSettings.maxSurge` as given (`"33%"` or `"5"`); `None`: AKS's default.
    pub max_surge: Option<&'a str>,
    pub zones: &'a [String],
    pub os_disk_type: Option<&'a str>,
    /// Secure Boot or vTPM asked (or filled in because the OS requires them).
    pub trusted_launch: bool,
    /// A Spot pool (counts against `lowPriorityCores`).
    pub spot: bool,
}

impl<'a> PoolAsk<'a> {
    /// The ask of a pool spec in `location` (zones and autoscaler bounds from
    /// its placement; surge and Spot from its settings).
    pub fn from_spec(spec: &'a PoolSpec, location: &'a str) -> Self {
        PoolAsk {
            location,
            vm_size: &spec.vm_size,
            os: spec.sku(),
            count: spec.count,
            max_count: spec.placement.autoscale.map(|(_, max)| max),
            max_surge: spec.settings.max_surge.as_deref(),
            zones: &spec.placement.availability_zones,
            os_disk_type: spec.os_disk_type.as_deref(),
            trusted_launch: spec.enable_secure_boot || spec.enable_vtpm,
            spot: spec.settings.is_spot(),
        }
    }
}

/// AKS's default surge for a new pool when `maxSurge` is not set: 10% of the
/// nodes, at least one.
const DEFAULT_SURGE_PERCENT: i64 = 10;

/// Extra nodes an upgrade adds at once for `nodes` nodes.
pub fn surge_nodes(max_surge: Option<&str>, nodes: i64) -> i64 {
    let percent = |p: i64| ((nodes * p + 99) / 100).max(1);
    match max_surge.map(str::trim) {
        None => percent(DEFAULT_SURGE_PERCENT),
        Some(s) => match s.strip_suffix('%') {
            Some(p) => p.trim().parse().map(percent).unwrap_or(0),
            None => s.parse().unwrap_or(0),
        },
    }
}

/// The OS runs only on Generation 2 sizes: the catalog lists Gen1 sizes among
/// what it does not support.
pub fn os_needs_gen2(os: &OsSku) -> bool {
    os.not_supported
        .iter()
        .any(|s| s.to_ascii_lowercase().starts_with("gen1"))
}

fn os_requires_trusted_launch(os: Option<&OsSku>) -> bool {
    os.is_some_and(|o| o.trusted_launch == Support::Required)
}

/// Cobalt 100: an Arm64 size of the v6 generation.
fn is_cobalt_v6(sku: &ResourceSku) -> bool {
    sku.cpu_arch() == Some(CpuArch::Arm64) && sku.name.to_ascii_lowercase().ends_with("_v6")
}

/// The VM size `name` in the list (resource type virtualMachines), as listed for `location`.
pub fn find_size<'s>(
    skus: &'s [ResourceSku],
    name: &str,
    location: &str,
) -> Option<&'s ResourceSku> {
    skus.iter().find(|s| {
        s.is_vm()
            && s.name.eq_ignore_ascii_case(name)
            && (s.offered_in(location) || (s.locations.is_empty() && s.location_info.is_empty()))
    })
}

/// What is wrong with the size itself for this ask (generation, Trusted
/// Launch, architecture, ephemeral OS disk, zones); quota aside.
pub fn size_problems(sku: &ResourceSku, ask: &PoolAsk) -> Vec<Problem> {
    let mut out = vec![];
    let size = &sku.name;
    let loc = ask.location;
    let os_name = ask.os.map(|o| o.api_value).unwrap_or("this OS");
    if let Some(r) = sku.location_restriction(loc) {
        out.push(Problem::error(
            "--node-vm-size",
            format!(
                "{size} is restricted in {loc} for this subscription ({}); choose another size, or ask Azure support to enable it",
                r.reason()
            ),
        ));
        return out;
    }
    // Generation 2.
    let os_gen2 = ask.os.is_some_and(os_needs_gen2);
    let tl_required = os_requires_trusted_launch(ask.os);
    let mut gen1_only = false;
    if sku.supports_gen2() == Some(false) && (os_gen2 || tl_required || ask.trusted_launch) {
        gen1_only = true;
        let gens = sku.hyperv_generations().unwrap_or_default().join(",");
        let why = if os_gen2 || tl_required {
            format!("{os_name} runs only on Generation 2 sizes")
        } else {
            "Trusted Launch (--enable-secure-boot/--enable-vtpm) needs a Generation 2 size".into()
        };
        out.push(Problem::error(
            "--node-vm-size",
            format!("{size} is a Generation 1 size in {loc} (HyperVGenerations: {gens}) and {why}; choose a size whose HyperVGenerations include V2"),
        ));
    }
    // Trusted Launch (Secure Boot + vTPM).
    if !gen1_only && (tl_required || ask.trusted_launch) && sku.trusted_launch_disabled() {
        let fix = if tl_required {
            format!(
                "{os_name} requires Secure Boot + vTPM; choose a size that supports Trusted Launch"
            )
        } else {
            "choose a size that supports Trusted Launch, or drop --enable-secure-boot/--enable-vtpm"
                .into()
        };
        out.push(Problem::error(
            "--node-vm-size",
            format!("{size} does not support Trusted Launch in {loc} (TrustedLaunchDisabled: True); {fix}"),
        ));
    }
    // CPU architecture.
    if let (Some(os), Some(arch)) = (ask.os, sku.cpu_arch()) {
        let wanted = match arch {
            CpuArch::X64 => Some((Arch::Amd64, "x64")),
            CpuArch::Arm64 => Some((Arch::Arm64, "Arm64")),
            CpuArch::Other(_) => None,
        };
        if let Some((arch, label)) = wanted {
            if !os.architectures.contains(&arch) {
                out.push(Problem::error(
                    "--node-vm-size",
                    format!("{size} is an {label} size (CpuArchitectureType: {label}) and {os_name} has no {label} image; choose a size of another architecture or another --os-sku"),
                ));
            } else if arch == Arch::Arm64
                && catalog::arm64_only_on_cobalt_v6(os)
                && !is_cobalt_v6(sku)
            {
                out.push(Problem::error(
                    "--node-vm-size",
                    format!("{size} is an Arm64 size (CpuArchitectureType: Arm64) of an older generation, and {os_name} runs on Arm64 only on Cobalt 100 (v6) sizes; choose an Arm64 v6 size or an x64 size"),
                ));
            }
        }
    }
    // Ephemeral OS disk.
    if ask
        .os_disk_type
        .is_some_and(|t| t.eq_ignore_ascii_case("Ephemeral"))
        && sku.ephemeral_os_disk() == Some(false)
    {
        out.push(Problem::error(
            "--node-osdisk-type",
            format!("{size} cannot hold an ephemeral OS disk (EphemeralOSDiskSupported: False); use --node-osdisk-type Managed, or a size with a local or cache disk"),
        ));
    }
    // Availability zones.
    if !ask.zones.is_empty() {
        let offered = sku.zones_in(loc);
        if offered.is_empty() {
            out.push(Problem::error(
                "--zones",
                format!("{size} is not offered in availability zones in {loc}; omit --zones, or choose a zonal region or size"),
            ));
        } else {
            let usable: Vec<&str> = offered
                .iter()
                .filter(|z| sku.zone_restriction(loc, z).is_none())
                .map(String::as_str)
                .collect();
            for z in ask.zones {
                let z = z.trim();
                if !offered.iter().any(|o| o == z) {
                    out.push(Problem::error(
                        "--zones",
                        format!("zone {z} is not offered for {size} in {loc} (offered: {}); use zones from {}", offered.join(", "), usable.join(" ")),
                    ));
                } else if let Some(r) = sku.zone_restriction(loc, z) {
                    out.push(Problem::error(
                        "--zones",
                        format!(
                            "zone {z} of {loc} is restricted for {size} ({}); {}",
                            r.reason(),
                            if usable.is_empty() {
                                "choose another size".to_string()
                            } else {
                                format!("use zones from {}, or another size", usable.join(" "))
                            }
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// Sizes in the list that fit the ask (no size problem), the ones closest in
/// vCPU count to `like` first, then the smaller, then by name: what the wizard offers and what an
/// error suggests.
pub fn fitting_sizes<'s>(
    skus: &'s [ResourceSku],
    ask: &PoolAsk,
    like: Option<&ResourceSku>,
) -> Vec<&'s ResourceSku> {
    let vcpus = like.and_then(|l| l.vcpus());
    let mut out: Vec<&ResourceSku> = skus
        .iter()
        .filter(|s| s.is_vm() && s.offered_in(ask.location))
        .filter(|s| {
            size_problems(
                s,
                &PoolAsk {
                    vm_size: &s.name,
                    ..ask.clone()
                },
            )
            .is_empty()
        })
        .collect();
    let distance = |s: &ResourceSku| match (vcpus, s.vcpus()) {
        (Some(want), Some(have)) => (want - have).abs(),
        _ => 0,
    };
    out.sort_by_key(|s| (distance(s), s.vcpus(), s.name.to_ascii_lowercase()));
    out.dedup_by(|a, b| a.name.eq_ignore_ascii_case(&b.name));
    out
}

fn usage<'u>(usages: &'u [Usage], name: &str) -> Option<&'u Usage> {
    usages
        .iter()
        .find(|u| u.name.value.eq_ignore_ascii_case(name))
}

/// vCPU quota: errors when the initial nodes do not fit, warnings when
/// `--max-count` or an upgrade surge would not.
pub fn quota_problems(sku: &ResourceSku, usages: &[Usage], ask: &PoolAsk) -> Vec<Problem> {
    let mut out = vec![];
    let Some(vcpus) = sku.vcpus().filter(|v| *v > 0) else {
        return out;
    };
    let size = &sku.name;
    let loc = ask.location;
    let names: Vec<&str> = if ask.spot {
        vec!["lowPriorityCores"]
    } else {
        sku.family.as_deref().into_iter().chain(["cores"]).collect()
    };
    let peak_nodes = ask.max_count.unwrap_or(ask.count).max(ask.count);
    let surge = surge_nodes(ask.max_surge, peak_nodes);
    for u in names.iter().filter_map(|n| usage(usages, n)) {
        let Some(left) = u.available() else { continue };
        let what = format!("{} ({})", u.display(), u.name.value);
        let have = format!("{left} left ({} of {} in use)", u.current_value, u.limit);
        let need = ask.count.saturating_mul(vcpus);
        if need > left {
            out.push(Problem::error(
                "--node-count",
                format!("{} × {size} need {need} vCPUs of {what} in {loc}, and the subscription has {have}; lower --node-count, choose a size of another family, or ask for more quota (see `az vm list-usage -l {loc} -o table`)", ask.count),
            ));
            continue;
        }
        if ask
            .max_count
            .is_some_and(|m| m.saturating_mul(vcpus) > left)
        {
            out.push(Problem::warning(
                "--max-count",
                format!("scaling out to {peak_nodes} × {size} would need {} vCPUs of {what} in {loc}, and the subscription has {have}: the autoscaler would stop short; lower --max-count or ask for more quota", peak_nodes * vcpus),
            ));
        } else if (peak_nodes + surge).saturating_mul(vcpus) > left {
            let surge_text = ask
                .max_surge
                .map(|s| format!("--max-surge {s}"))
                .unwrap_or_else(|| "AKS's default surge".into());
            out.push(Problem::warning(
                "--max-surge",
                format!("an upgrade adds {surge} node(s) at once ({surge_text}): {} × {size} would need {} vCPUs of {what} in {loc}, and the subscription has {have}; the upgrade would fail for quota unless --max-surge is lowered (e.g. 0 with --max-unavailable 1) or more quota is granted", peak_nodes + surge, (peak_nodes + surge) * vcpus),
            ));
        }
    }
    out
}

/// Every check for one pool: the size exists in the region (else the closest
/// names), fits the OS and the other flags, and the quota covers it.
pub fn check_pool(skus: &[ResourceSku], usages: &[Usage], ask: &PoolAsk) -> Vec<Problem> {
    let Some(sku) = find_size(skus, ask.vm_size, ask.location) else {
        let names = skus
            .iter()
            .filter(|s| s.is_vm() && s.offered_in(ask.location))
            .map(|s| s.name.as_str());
        return vec![Problem::error(
            "--node-vm-size",
            format!(
                "{} is not a VM size offered in {} (Microsoft.Compute resource SKUs).{} List the sizes with `az vm list-skus -l {} --resource-type virtualMachines -o table`",
                ask.vm_size,
                ask.location,
                crate::suggest::did_you_mean(ask.vm_size, names),
                ask.location
            ),
        )];
    };
    let mut out = size_problems(sku, ask);
    if out.iter().any(|p| p.flag == "--node-vm-size") {
        let fit: Vec<&str> = fitting_sizes(skus, ask, Some(sku))
            .into_iter()
            .take(3)
            .map(|s| s.name.as_str())
            .collect();
        if let Some(first) = out.iter_mut().find(|p| p.flag == "--node-vm-size") {
            if !fit.is_empty() {
                first.message.push_str(&format!(
                    ". Sizes in {} that fit: {}",
                    ask.location,
                    fit.join(", ")
                ));
            }
        }
    }
    out.extend(quota_problems(sku, usages, ask));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// One VM SKU as Azure lists it for eastus.
    fn vm(name: &str, family: &str, vcpus: u32, caps: &[(&str, &str)], extra: Value) -> Value {
        let mut capabilities = vec![json!({"name": "vCPUs", "value": vcpus.to_string()})];
        capabilities.extend(caps.iter().map(|(n, v)| json!({"name": n, "value": v})));
        let mut sku = json!({
            "resourceType": "virtualMachines", "name": name, "tier": "Standard",
            "size": name.trim_start_matches("Standard_"), "family": family,
            "locations": ["eastus"],
            "locationInfo": [{"location": "eastus", "zones": ["1", "2", "3"], "zoneDetails": []}],
            "capabilities": capabilities, "restrictions": []
        });
        if let (Some(s), Some(e)) = (sku.as_object_mut(), extra.as_object()) {
            s.extend(e.clone());
        }
        sku
    }

    fn region() -> Vec<ResourceSku> {
        let x64 = [
            ("HyperVGenerations", "V1,V2"),
            ("CpuArchitectureType", "x64"),
            ("EphemeralOSDiskSupported", "False"),
        ];
        let list = json!([
            vm("Standard_D4s_v5", "standardDSv5Family", 4, &x64, json!({})),
            vm("Standard_D8s_v5", "standardDSv5Family", 8, &x64, json!({"restrictions": [{
                "type": "Zone", "values": ["eastus"],
                "restrictionInfo": {"locations": ["eastus"], "zones": ["3"]},
                "reasonCode": "NotAvailableForSubscription"}]})),
            vm("Standard_D16s_v5", "standardDSv5Family", 16, &x64, json!({"restrictions": [{
                "type": "Location", "values": ["eastus"],
                "restrictionInfo": {"locations": ["eastus"]},
                "reasonCode": "NotAvailableForSubscription"}]})),
            vm("Standard_A2_v2", "standardAv2Family", 2, &[
                ("HyperVGenerations", "V1"), ("CpuArchitectureType", "x64"),
                ("TrustedLaunchDisabled", "True")], json!({})),
            vm("Standard_D4d_v4", "standardDDv4Family", 4, &[
                ("HyperVGenerations", "V1,V2"), ("CpuArchitectureType", "x64"),
                ("EphemeralOSDiskSupported", "True")], json!({})),
            vm("Standard_D4ps_v5", "standardDPSv5Family", 4, &[
                ("HyperVGenerations", "V2"), ("CpuArchitectureType", "Arm64"),
                ("TrustedLaunchDisabled", "True")], json!({})),
            vm("Standard_D4ps_v6", "standardDPSv6Family", 4, &[
                ("HyperVGenerations", "V2"), ("CpuArchitectureType", "Arm64")], json!({})),
            vm("Standard_D2s_v5", "standardDSv5Family", 2, &x64,
               json!({"locationInfo": [{"location": "eastus", "zones": null}]})),
            {"resourceType": "disks", "name": "Standard_D4s_v6", "locations": ["eastus"]},
        ]);
        serde_json::from_value(list).unwrap()
    }

    fn usages(family_left: i64, cores_left: i64) -> Vec<Usage> {
        serde_json::from_value(json!([
            {"name": {"value": "cores", "localizedValue": "Total Regional vCPUs"},
             "currentValue": 100 - cores_left, "limit": 100, "unit": "Count"},
            {"name": {"value": "standardDSv5Family", "localizedValue": "Standard DSv5 Family vCPUs"},
             "currentValue": 50 - family_left, "limit": 50, "unit": "Count"},
            {"name": {"value": "lowPriorityCores", "localizedValue": "Total Regional Low-priority vCPUs"},
             "currentValue": 0, "limit": 3, "unit": "Count"},
            {"name": {"value": "standardDPSv6Family", "localizedValue": "Standard DPSv6 Family vCPUs"},
             "currentValue": 0, "limit": -1, "unit": "Count"},
        ]))
        .unwrap()
    }

    fn ask<'a>(os: &str, size: &'a str) -> PoolAsk<'a> {
        let os = catalog::find(os).expect("catalog row");
        PoolAsk {
            location: "eastus",
            vm_size: size,
            os: Some(os),
            count: 3,
            trusted_launch: os.trusted_launch == Support::Required,
            ..Default::default()
        }
    }

    fn errors(p: &[Problem]) -> Vec<&Problem> {
        p.iter().filter(|p| p.is_error()).collect()
    }

    #[test]
    fn a_size_that_fits_raises_nothing() {
        let p = check_pool(
            &region(),
            &usages(50, 100),
            &ask("AzureContainerLinux", "Standard_D4s_v5"),
        );
        assert!(p.is_empty(), "{p:?}");
        let p = check_pool(
            &region(),
            &usages(50, 100),
            &ask("AzureContainerLinux", "standard_d4ps_v6"),
        );
        assert!(p.is_empty(), "Cobalt v6 Arm64 fits ACL: {p:?}");
    }

    #[test]
    fn an_unknown_size_names_the_flag_and_the_closest_size() {
        let p = check_pool(&region(), &[], &ask("Ubuntu", "Standard_D4s_v7"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].flag, "--node-vm-size");
        assert!(
            p[0].message.contains("not a VM size offered in eastus"),
            "{}",
            p[0].message
        );
        assert!(
            p[0].message.contains("Did you mean `Standard_D4s_v5`?"),
            "{}",
            p[0].message
        );
        // A non-VM SKU of that name is not a VM size.
        let p = check_pool(&region(), &[], &ask("Ubuntu", "Standard_D4s_v6"));
        assert!(p[0].message.contains("not a VM size"), "{}", p[0].message);
    }

    #[test]
    fn a_gen1_only_size_is_refused_where_the_os_needs_gen2() {
        for os in ["AzureContainerLinux", "Ubuntu2604"] {
            let p = check_pool(&region(), &[], &ask(os, "Standard_A2_v2"));
            let e = errors(&p);
            assert_eq!(
                e.len(),
                1,
                "{os}: one error, not also Trusted Launch: {p:?}"
            );
            assert_eq!(e[0].flag, "--node-vm-size");
            assert!(
                e[0].message.contains("HyperVGenerations: V1"),
                "{}",
                e[0].message
            );
            assert!(
                e[0].message.contains("Sizes in eastus that fit: "),
                "{}",
                e[0].message
            );
        }
        // Plain Ubuntu runs on Generation 1.
        assert!(check_pool(&region(), &[], &ask("Ubuntu", "Standard_A2_v2")).is_empty());
    }

    #[test]
    fn trusted_launch_disabled_is_refused_when_secure_boot_is_needed() {
        let p = check_pool(
            &region(),
            &[],
            &ask("AzureContainerLinux", "Standard_D4ps_v5"),
        );
        let msgs: Vec<&str> = errors(&p).iter().map(|e| e.message.as_str()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("TrustedLaunchDisabled: True")
                    && m.contains("requires Secure Boot + vTPM")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("only on Cobalt 100 (v6)")),
            "{msgs:?}"
        );
        // Ubuntu asked for Secure Boot on the same size: the fix offers dropping the flag.
        let mut a = ask("Ubuntu", "Standard_D4ps_v5");
        a.trusted_launch = true;
        let p = check_pool(&region(), &[], &a);
        assert_eq!(errors(&p).len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("drop --enable-secure-boot"),
            "{}",
            p[0].message
        );
        // Without Secure Boot, Ubuntu on Arm64 is fine.
        assert!(check_pool(&region(), &[], &ask("Ubuntu", "Standard_D4ps_v5")).is_empty());
    }

    #[test]
    fn the_architecture_must_have_an_image() {
        let p = check_pool(
            &region(),
            &[],
            &ask("AzureLinuxOSGuard", "Standard_D4ps_v6"),
        );
        let e = errors(&p);
        assert_eq!(e.len(), 1, "{p:?}");
        assert!(e[0].message.contains("no Arm64 image"), "{}", e[0].message);
    }

    #[test]
    fn zones_must_be_offered_and_not_restricted() {
        let zones = vec!["1".to_string(), "3".to_string()];
        let mut a = ask("Ubuntu", "Standard_D8s_v5");
        a.zones = &zones;
        let p = check_pool(&region(), &[], &a);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].flag, "--zones");
        assert!(
            p[0].message.contains("zone 3 of eastus is restricted"),
            "{}",
            p[0].message
        );
        assert!(
            p[0].message.contains("NotAvailableForSubscription"),
            "{}",
            p[0].message
        );
        assert!(
            p[0].message.contains("use zones from 1 2"),
            "{}",
            p[0].message
        );
        let four = vec!["4".to_string()];
        a.zones = &four;
        assert!(check_pool(&region(), &[], &a)[0]
            .message
            .contains("zone 4 is not offered"));
        a.vm_size = "Standard_D2s_v5";
        a.zones = &zones;
        assert!(check_pool(&region(), &[], &a)[0]
            .message
            .contains("not offered in availability zones"));
    }

    #[test]
    fn a_location_restriction_refuses_the_size() {
        let p = check_pool(&region(), &[], &ask("Ubuntu", "Standard_D16s_v5"));
        assert_eq!(errors(&p).len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("restricted in eastus"),
            "{}",
            p[0].message
        );
    }

    #[test]
    fn ephemeral_os_disk_needs_a_size_that_holds_it() {
        let mut a = ask("Ubuntu", "Standard_D4s_v5");
        a.os_disk_type = Some("Ephemeral");
        let p = check_pool(&region(), &[], &a);
        assert_eq!((p.len(), p[0].flag), (1, "--node-osdisk-type"), "{p:?}");
        a.vm_size = "Standard_D4d_v4";
        assert!(check_pool(&region(), &[], &a).is_empty());
        a.os_disk_type = Some("Managed");
        a.vm_size = "Standard_D4s_v5";
        assert!(check_pool(&region(), &[], &a).is_empty());
    }

    #[test]
    fn quota_must_cover_the_initial_nodes_of_family_and_region() {
        // 3 × 4 vCPUs = 12; the family has 8 left.
        let p = check_pool(
            &region(),
            &usages(8, 100),
            &ask("Ubuntu", "Standard_D4s_v5"),
        );
        let e = errors(&p);
        assert_eq!(e.len(), 1, "{p:?}");
        assert_eq!(e[0].flag, "--node-count");
        assert!(
            e[0].message
                .contains("need 12 vCPUs of Standard DSv5 Family vCPUs (standardDSv5Family)"),
            "{}",
            e[0].message
        );
        assert!(
            e[0].message.contains("8 left (42 of 50 in use)"),
            "{}",
            e[0].message
        );
        // The regional total counts too.
        let p = check_pool(
            &region(),
            &usages(50, 10),
            &ask("Ubuntu", "Standard_D4s_v5"),
        );
        assert!(
            errors(&p)[0]
                .message
                .contains("Total Regional vCPUs (cores)"),
            "{p:?}"
        );
        // No limit (-1): nothing to say.
        assert!(check_pool(
            &region(),
            &usages(50, 100),
            &ask("Ubuntu", "Standard_D4ps_v6")
        )
        .is_empty());
        // Spot counts against lowPriorityCores only.
        let mut spot = ask("Ubuntu", "Standard_D4s_v5");
        spot.spot = true;
        let p = check_pool(&region(), &usages(0, 0), &spot);
        assert!(errors(&p)[0].message.contains("lowPriorityCores"), "{p:?}");
    }

    #[test]
    fn max_count_and_surge_past_quota_are_warnings() {
        let mut a = ask("Ubuntu", "Standard_D4s_v5");
        a.max_count = Some(10);
        let p = check_pool(&region(), &usages(20, 100), &a);
        assert!(errors(&p).is_empty(), "{p:?}");
        assert_eq!(p[0].flag, "--max-count");
        assert!(
            p[0].message.contains("would need 40 vCPUs"),
            "{}",
            p[0].message
        );
        // 3 nodes fit exactly (12 of 12 left); the default surge adds one.
        let p = check_pool(
            &region(),
            &usages(12, 100),
            &ask("Ubuntu", "Standard_D4s_v5"),
        );
        assert_eq!(
            (p.len(), p[0].flag, p[0].severity),
            (1, "--max-surge", Severity::Warning),
            "{p:?}"
        );
        let mut a = ask("Ubuntu", "Standard_D4s_v5");
        a.max_surge = Some("0");
        assert!(check_pool(&region(), &usages(12, 100), &a).is_empty());
    }

    #[test]
    fn surge_counts_like_aks() {
        assert_eq!(surge_nodes(None, 3), 1);
        assert_eq!(surge_nodes(None, 25), 3);
        assert_eq!(surge_nodes(Some("33%"), 10), 4);
        assert_eq!(surge_nodes(Some("5"), 10), 5);
        assert_eq!(surge_nodes(Some("x"), 10), 0);
    }

    #[test]
    fn os_needs_come_from_the_catalog() {
        let needs = |s: &str| os_needs_gen2(catalog::find(s).unwrap());
        assert!(needs("AzureContainerLinux") && needs("Ubuntu2604") && needs("AzureLinuxOSGuard"));
        assert!(!needs("Ubuntu") && !needs("AzureLinux"));
    }

    #[test]
    fn fitting_sizes_prefer_the_same_vcpus() {
        let skus = region();
        let a = ask("AzureContainerLinux", "Standard_A2_v2");
        let like = find_size(&skus, "Standard_D4d_v4", "eastus");
        let names: Vec<&str> = fitting_sizes(&skus, &a, like)
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            names[..3],
            ["Standard_D4d_v4", "Standard_D4ps_v6", "Standard_D4s_v5"],
            "{names:?}"
        );
        assert!(!names.contains(&"Standard_D16s_v5") && !names.contains(&"Standard_A2_v2"));
    }
}
