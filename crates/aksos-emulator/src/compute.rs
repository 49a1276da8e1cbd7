//! Microsoft.Compute, as far as the capability preflight reads it: the VM
//! sizes of a region (resource SKUs) and the subscription's compute usages.
//!
//! - `GET /subscriptions/{s}/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location eq '{loc}'`
//!   (arm-specs/compute/skus/2021-07-01): `ResourceSku`s with their
//!   capabilities under the names Azure uses (`vCPUs`, `HyperVGenerations`
//!   `"V1,V2"`, `CpuArchitectureType` `x64`/`Arm64`, `EphemeralOSDiskSupported`,
//!   `TrustedLaunchDisabled` `True` on sizes without Trusted Launch and absent
//!   elsewhere, as `az vm list-skus` shows), `locationInfo` zones, and
//!   `restrictions` for this subscription. Without `$filter`, every region.
//! - `GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{loc}/usages?api-version=2024-11-01`:
//!   `{name{value, localizedValue}, currentValue, limit, unit}` for the
//!   regional total (`cores`), Spot (`lowPriorityCores`), each size family, and
//!   counts of VMs, scale sets and availability sets.
//!
//! The data is a fixture, not a claim about any real region. It is the same in
//! every region the emulator serves, with these deviations for tests:
//! `Standard_D8s_v5` has zone 3 restricted (`NotAvailableForSubscription`) in
//! eastus; `Standard_D16s_v5` is restricted in westus (`Location`); the GPU
//! family `standardNCASv3_T4Family` has a limit of 8 vCPUs in eastus and 0
//! elsewhere, other families 1000 and the region 5000; northcentralus, westcentralus and westus are modelled without
//! zones. Usages follow the agent pools the emulator holds: in a region, each
//! pool adds `count × vCPUs` of its `vmSize` to its family and to `cores`,
//! `count` to `virtualMachines` and one to `virtualMachineScaleSets`
//! ([`Usage`]), so a test can exhaust a quota by creating pools.
//! Self-contained: nothing here comes from the client.

use super::routes::{error, EmuRequest, EmuResponse};
use super::state::State;
use serde_json::{json, Value};

/// Resource SKUs api-versions accepted.
const SKUS_VERSIONS: &[&str] = &["2017-09-01", "2019-04-01", "2021-07-01"];
/// Compute RP api-versions accepted for usages.
const USAGES_VERSIONS: &[&str] = &["2023-09-01", "2024-03-01", "2024-07-01", "2024-11-01"];

/// One VM size: name, size, family, vCPUs, memory GB, HyperVGenerations,
/// CpuArchitectureType, Trusted Launch disabled, ephemeral OS disk, temp disk MB.
struct Size {
    name: &'static str,
    size: &'static str,
    family: &'static str,
    vcpus: u32,
    memory_gb: &'static str,
    generations: &'static str,
    arch: &'static str,
    trusted_launch_disabled: bool,
    ephemeral: bool,
    temp_disk_mb: u32,
}

// One row of the table below, in its column order.
#[allow(clippy::too_many_arguments)]
const fn size(
    name: &'static str,
    size: &'static str,
    family: &'static str,
    vcpus: u32,
    memory_gb: &'static str,
    generations: &'static str,
    arch: &'static str,
    trusted_launch_disabled: bool,
    ephemeral: bool,
    temp_disk_mb: u32,
) -> Size {
    Size {
        name,
        size,
        family,
        vcpus,
        memory_gb,
        generations,
        arch,
        trusted_launch_disabled,
        ephemeral,
        temp_disk_mb,
    }
}

#[rustfmt::skip]
static SIZES: &[Size] = &[
    size("Standard_A2_v2", "A2_v2", "standardAv2Family", 2, "4", "V1", "x64", true, false, 20480),
    size("Standard_D2s_v5", "D2s_v5", "standardDSv5Family", 2, "8", "V1,V2", "x64", false, false, 0),
    size("Standard_D4s_v5", "D4s_v5", "standardDSv5Family", 4, "16", "V1,V2", "x64", false, false, 0),
    size("Standard_D8s_v5", "D8s_v5", "standardDSv5Family", 8, "32", "V1,V2", "x64", false, false, 0),
    size("Standard_D16s_v5", "D16s_v5", "standardDSv5Family", 16, "64", "V1,V2", "x64", false, false, 0),
    size("Standard_D4d_v4", "D4d_v4", "standardDDv4Family", 4, "16", "V1,V2", "x64", false, true, 153600),
    size("Standard_D8d_v4", "D8d_v4", "standardDDv4Family", 8, "32", "V1,V2", "x64", false, true, 307200),
    size("Standard_DS1_v2", "DS1_v2", "standardDSv2Family", 1, "3.5", "V1,V2", "x64", false, true, 7168),
    size("Standard_DS2_v2", "DS2_v2", "standardDSv2Family", 2, "7", "V1,V2", "x64", false, true, 14336),
    size("Standard_D4ps_v5", "D4ps_v5", "standardDPSv5Family", 4, "16", "V2", "Arm64", true, false, 0),
    size("Standard_D4ps_v6", "D4ps_v6", "standardDPSv6Family", 4, "16", "V2", "Arm64", false, false, 0),
    size("Standard_D8ps_v6", "D8ps_v6", "standardDPSv6Family", 8, "32", "V2", "Arm64", false, false, 0),
    size("Standard_E8pds_v6", "E8pds_v6", "standardEPDSv6Family", 8, "64", "V2", "Arm64", false, true, 225280),
    size("Standard_NC4as_T4_v3", "NC4as_T4_v3", "standardNCASv3_T4Family", 4, "28", "V1,V2", "x64", false, true, 180224),
];

const NO_ZONES: &[&str] = &["northcentralus", "westcentralus", "westus"];

/// "Standard DSv5 Family vCPUs" from "standardDSv5Family".
fn family_display(family: &str) -> String {
    let core = family
        .strip_prefix("standard")
        .and_then(|f| f.strip_suffix("Family"))
        .unwrap_or(family);
    format!("Standard {core} Family vCPUs")
}

fn restrictions(s: &Size, loc: &str) -> Value {
    match (s.name, loc) {
        ("Standard_D8s_v5", "eastus") => json!([{
            "type": "Zone",
            "values": [loc],
            "restrictionInfo": {"locations": [loc], "zones": ["3"]},
            "reasonCode": "NotAvailableForSubscription"
        }]),
        ("Standard_D16s_v5", "westus") => json!([{
            "type": "Location",
            "values": [loc],
            "restrictionInfo": {"locations": [loc]},
            "reasonCode": "NotAvailableForSubscription"
        }]),
        _ => json!([]),
    }
}

fn vm_sku(s: &Size, loc: &str) -> Value {
    let cap = |name: &str, value: String| json!({"name": name, "value": value});
    let tf = |b: bool| if b { "True" } else { "False" }.to_string();
    let mut caps = vec![
        cap("MaxResourceVolumeMB", s.temp_disk_mb.to_string()),
        cap("OSVhdSizeMB", "1047552".into()),
        cap("vCPUs", s.vcpus.to_string()),
        cap("MemoryPreservingMaintenanceSupported", "True".into()),
        cap("HyperVGenerations", s.generations.into()),
        cap("MemoryGB", s.memory_gb.into()),
        cap("MaxDataDiskCount", (s.vcpus * 2).max(4).to_string()),
        cap("CpuArchitectureType", s.arch.into()),
        cap("LowPriorityCapable", "True".into()),
        cap("PremiumIO", tf(s.name != "Standard_A2_v2")),
        cap("VMDeploymentTypes", "IaaS".into()),
        cap("vCPUsAvailable", s.vcpus.to_string()),
        cap(
            "vCPUsPerCore",
            if s.arch == "Arm64" { "1" } else { "2" }.into(),
        ),
        cap("EphemeralOSDiskSupported", tf(s.ephemeral)),
        cap("EncryptionAtHostSupported", "True".into()),
        cap("AcceleratedNetworkingEnabled", tf(s.vcpus >= 2)),
        cap("RdmaEnabled", "False".into()),
        cap("MaxNetworkInterfaces", (s.vcpus.clamp(2, 8)).to_string()),
    ];
    if s.trusted_launch_disabled {
        caps.push(cap("TrustedLaunchDisabled", "True".into()));
    }
    let zones: Vec<&str> = if NO_ZONES.contains(&loc) {
        vec![]
    } else {
        vec!["1", "2", "3"]
    };
    let mut info = json!({"location": loc, "zones": zones, "zoneDetails": []});
    if !zones.is_empty() && s.arch == "x64" {
        info["zoneDetails"] = json!([{
            "name": zones,
            "capabilities": [{"name": "UltraSSDAvailable", "value": "True"}]
        }]);
    }
    json!({
        "resourceType": "virtualMachines",
        "name": s.name,
        "tier": "Standard",
        "size": s.size,
        "family": s.family,
        "locations": [loc],
        "locationInfo": [info],
        "capabilities": caps,
        "restrictions": restrictions(s, loc)
    })
}

/// Non-VM SKUs Azure lists too (the client must pick virtualMachines only).
fn other_skus(loc: &str) -> Vec<Value> {
    vec![
        json!({
            "resourceType": "availabilitySets", "name": "Aligned", "locations": [loc],
            "locationInfo": [{"location": loc, "zones": [], "zoneDetails": []}],
            "capabilities": [{"name": "MaximumPlatformFaultDomainCount", "value": "3"}],
            "restrictions": []
        }),
        json!({
            "resourceType": "disks", "name": "Premium_LRS", "tier": "Premium", "size": "P30",
            "family": "PremiumSSD", "locations": [loc],
            "locationInfo": [{"location": loc, "zones": [], "zoneDetails": []}],
            "capabilities": [{"name": "MaxSizeGiB", "value": "1024"}],
            "restrictions": []
        }),
    ]
}

fn skus_in(loc: &str) -> Vec<Value> {
    SIZES
        .iter()
        .map(|s| vm_sku(s, loc))
        .chain(other_skus(loc))
        .collect()
}

/// What the agent pools of one subscription use in one region.
#[derive(Debug, Default, PartialEq)]
pub struct Usage {
    /// vCPUs by size family (`standardDSv5Family`).
    pub family_vcpus: std::collections::BTreeMap<&'static str, i64>,
    pub cores: i64,
    pub vms: i64,
    pub scale_sets: i64,
}

/// Sums the pools of `sub`'s clusters in `loc` (a region name as Azure spells
/// it in URLs, `eastus`). A size the emulator does not list counts nowhere.
pub fn usage(state: &State, sub: &str, loc: &str) -> Usage {
    let prefix = format!("/subscriptions/{sub}/").to_ascii_lowercase();
    let mut u = Usage::default();
    for c in state.clusters.values() {
        let id = c.body["id"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let region = c.body["location"]
            .as_str()
            .unwrap_or_default()
            .replace(' ', "")
            .to_ascii_lowercase();
        if !id.starts_with(&prefix) || region != loc {
            continue;
        }
        for p in c.pools.values() {
            let props = &p["properties"];
            let count = props["count"].as_i64().unwrap_or(0);
            let vm = props["vmSize"].as_str().unwrap_or_default();
            let Some(size) = SIZES.iter().find(|s| s.name.eq_ignore_ascii_case(vm)) else {
                continue;
            };
            let vcpus = count * i64::from(size.vcpus);
            *u.family_vcpus.entry(size.family).or_default() += vcpus;
            u.cores += vcpus;
            u.vms += count;
            u.scale_sets += 1;
        }
    }
    u
}

/// The vCPU family and vCPUs of a VM size the emulator lists.
pub fn size_vcpus(vm_size: &str) -> Option<(&'static str, u32)> {
    SIZES
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(vm_size))
        .map(|s| (s.family, s.vcpus))
}

/// The quota limits of `loc`: (regional `cores`, the family's vCPUs).
pub fn limits(family: &str, loc: &str) -> (i64, i64) {
    (REGIONAL_CORES, family_limit(family, loc))
}

/// Generous regional and family limits, so test fleets of many pools fit; the
/// GPU family's small limit is the one a test exhausts.
const REGIONAL_CORES: i64 = 5000;

fn family_limit(family: &str, loc: &str) -> i64 {
    match (family, loc) {
        ("standardNCASv3_T4Family", "eastus") => 8,
        ("standardNCASv3_T4Family", _) => 0,
        _ => 1000,
    }
}

fn usages_in(state: &State, sub: &str, loc: &str) -> Value {
    let used = usage(state, sub, loc);
    let usage = |value: &str, display: &str, current: i64, limit: i64| {
        json!({
            "unit": "Count",
            "currentValue": current,
            "limit": limit,
            "name": {"value": value, "localizedValue": display}
        })
    };
    let mut out = vec![
        usage("availabilitySets", "Availability Sets", 0, 2500),
        usage("cores", "Total Regional vCPUs", used.cores, REGIONAL_CORES),
        usage("virtualMachines", "Virtual Machines", used.vms, 25000),
        usage(
            "virtualMachineScaleSets",
            "Virtual Machine Scale Sets",
            used.scale_sets,
            2500,
        ),
        usage(
            "lowPriorityCores",
            "Total Regional Low-priority vCPUs",
            0,
            100,
        ),
    ];
    let mut families: Vec<&str> = SIZES.iter().map(|s| s.family).collect();
    families.sort();
    families.dedup();
    for f in families {
        let current = used.family_vcpus.get(f).copied().unwrap_or(0);
        out.push(usage(f, &family_display(f), current, family_limit(f, loc)));
    }
    json!({"value": out})
}

/// `%XX` and `+` decoded (a query value).
fn query_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == b'%')
            .then(|| b.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (_, Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (c, None) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `location eq 'eastus'` → `eastus` (Azure's one supported filter).
fn filter_location(filter: &str) -> Option<String> {
    let words: Vec<&str> = filter.split_whitespace().collect();
    match words.as_slice() {
        [field, op, rest @ ..]
            if field.eq_ignore_ascii_case("location") && op.eq_ignore_ascii_case("eq") =>
        {
            let value = rest.join(" ");
            let inner = value.strip_prefix('\'')?.strip_suffix('\'')?;
            Some(
                inner
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase(),
            )
        }
        _ => None,
    }
}

fn bad_api(api: &str, allowed: &[&str]) -> EmuResponse {
    error(
        400,
        "InvalidApiVersionParameter",
        format!(
            "The api-version '{api}' is invalid for Microsoft.Compute. The supported versions are '{}'.",
            allowed.join(",")
        ),
    )
}

fn list_skus(req: &EmuRequest) -> EmuResponse {
    let value: Vec<Value> = match req.query.get("$filter").map(|f| query_decode(f)) {
        None => super::regions::SERVED
            .iter()
            .flat_map(|loc| skus_in(loc))
            .collect(),
        Some(f) => match filter_location(&f) {
            // A region Azure does not know has no SKUs.
            Some(loc) if super::regions::served(&loc) => skus_in(&loc),
            Some(_) => vec![],
            None => {
                return error(
                    400,
                    "InvalidFilter",
                    format!("The $filter '{f}' is not supported; use location eq '<location>'."),
                )
            }
        },
    };
    EmuResponse::json(200, json!({"value": value, "nextLink": null}))
}

/// Routes the two reads; `None` for any other path.
pub fn route(state: &State, req: &EmuRequest, l: &[&str], api: &str) -> Option<EmuResponse> {
    let resp = match l {
        ["subscriptions", _, "providers", "microsoft.compute", "skus"] => {
            if !SKUS_VERSIONS.contains(&api) {
                return Some(bad_api(api, SKUS_VERSIONS));
            }
            if req.method != "GET" {
                return Some(method_not_allowed(req));
            }
            list_skus(req)
        }
        ["subscriptions", sub, "providers", "microsoft.compute", "locations", loc, "usages"] => {
            if !USAGES_VERSIONS.contains(&api) {
                return Some(bad_api(api, USAGES_VERSIONS));
            }
            if req.method != "GET" {
                return Some(method_not_allowed(req));
            }
            if !super::regions::served(loc) {
                return Some(error(
                    400,
                    "LocationNotAvailableForResourceType",
                    format!("The provided location '{loc}' is not available for resource type 'Microsoft.Compute/locations/usages'."),
                ));
            }
            EmuResponse::json(200, usages_in(state, sub, loc))
        }
        _ => return None,
    };
    Some(resp)
}

fn method_not_allowed(req: &EmuRequest) -> EmuResponse {
    error(
        405,
        "MethodNotAllowed",
        format!("The method {} is not allowed here.", req.method),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn get(path: &str, query: &[(&str, &str)]) -> EmuRequest {
        EmuRequest {
            method: "GET".into(),
            path: path.into(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            authorization: Some("Bearer t".into()),
            body: vec![],
            base: "http://127.0.0.1".into(),
            if_none_match: None,
            if_match: None,
        }
    }

    fn lower(path: &str) -> Vec<String> {
        path.trim_matches('/')
            .split('/')
            .map(str::to_ascii_lowercase)
            .collect()
    }

    fn answer(path: &str, api: &str, query: &[(&str, &str)]) -> EmuResponse {
        let l = lower(path);
        let l: Vec<&str> = l.iter().map(String::as_str).collect();
        route(&State::default(), &get(path, query), &l, api).expect("routed")
    }

    const SKUS: &str = "/subscriptions/s/providers/Microsoft.Compute/skus";

    #[test]
    fn skus_are_filtered_by_location_and_shaped_like_azure() {
        let r = answer(
            SKUS,
            "2021-07-01",
            &[("$filter", "location%20eq%20%27eastus%27")],
        );
        assert_eq!(r.status, 200);
        let body = r.body.unwrap();
        let all = body["value"].as_array().unwrap();
        assert!(all.iter().all(|s| s["locations"] == json!(["eastus"])));
        let d8 = all.iter().find(|s| s["name"] == "Standard_D8s_v5").unwrap();
        assert_eq!(
            d8["restrictions"][0]["restrictionInfo"]["zones"],
            json!(["3"])
        );
        let arm = all
            .iter()
            .find(|s| s["name"] == "Standard_D4ps_v5")
            .unwrap();
        let caps = arm["capabilities"].as_array().unwrap();
        assert!(caps.contains(&json!({"name": "CpuArchitectureType", "value": "Arm64"})));
        assert!(caps.contains(&json!({"name": "TrustedLaunchDisabled", "value": "True"})));
        // An unknown region has no SKUs; a filter Azure does not take is a 400.
        let none = answer(SKUS, "2021-07-01", &[("$filter", "location+eq+'nowhere'")]);
        assert_eq!(none.body.unwrap()["value"], json!([]));
        assert_eq!(
            answer(SKUS, "2021-07-01", &[("$filter", "name eq 'x'")]).status,
            400
        );
        assert_eq!(answer(SKUS, "2024-11-01", &[]).status, 400);
        let unfiltered = answer(SKUS, "2021-07-01", &[]).body.unwrap();
        assert!(unfiltered["value"].as_array().unwrap().len() > all.len() * 50);
    }

    #[test]
    fn usages_carry_totals_and_families() {
        let path = "/subscriptions/s/providers/Microsoft.Compute/locations/eastus/usages";
        let body = answer(path, "2024-11-01", &[]).body.unwrap();
        let find = |n: &str| {
            body["value"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["name"]["value"] == n)
                .cloned()
                .unwrap()
        };
        assert_eq!(
            find("cores")["name"]["localizedValue"],
            "Total Regional vCPUs"
        );
        assert_eq!(find("standardNCASv3_T4Family")["limit"], 8);
        assert_eq!(
            find("standardDSv5Family")["name"]["localizedValue"],
            "Standard DSv5 Family vCPUs"
        );
        assert_eq!(answer(path, "2021-07-01", &[]).status, 400);
    }
}
