//! Preflight of the production settings: zones, autoscaler, subnets, disks,
//! Spot, upgrade settings (pools); network, identity, Entra ID, API server
//! access, tier, SSH (clusters). Each rule is the one az or ARM applies, so
//! what would be refused minutes later is refused here, naming the field:
//!
//! - autoscaler: `--min-count` ≤ `--node-count` ≤ `--max-count`, bounds only
//!   with `--enable-cluster-autoscaler`, which needs both;
//! - zones are `1`, `2` or `3`, sent as strings;
//! - subnet and identity ids are well-formed ARM ids (checked, never spliced
//!   into a URL); the subnet itself is Azure's to judge;
//! - Spot only on User pools; eviction policy and max price only with Spot;
//! - ranges: max pods, OS disk size, drain timeout and soak duration (the
//!   spec's bounds where it states them: [`super::fields`]' constants);
//! - network: CIDR syntax, pod and service ranges apart, the DNS address
//!   inside the service range and not its first address, overlay only with
//!   the azure plugin, the Cilium dataplane with the Cilium policy (filled
//!   in when not given, as az does) or none;
//! - identity: workload identity needs the OIDC issuer; Azure RBAC, admin
//!   groups and disabling local accounts need `--enable-aad`.

use super::fields::{DRAIN_MAX, DRAIN_MIN, MAX_PODS_MAX, MAX_PODS_MIN, SOAK_MAX, SOAK_MIN};
use super::input::{ClusterInput, Field, PoolInput, Problem};
use super::network::{check_dns_ip, parse_ip, Cidr};
use super::request::{ClusterSettings, PoolPlacement, PoolSettings};
use crate::arm::models::NetworkProfile;
use crate::core::catalog::defaults;

/// Problems and filled-in settings found while checking.
#[derive(Default)]
pub struct Found {
    pub problems: Vec<Problem>,
    pub filled: Vec<String>,
}

impl Found {
    fn err(&mut self, field: Field, msg: impl Into<String>) {
        self.problems.push(Problem::new(field, msg));
    }
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Checks an ARM resource id of type `types` under `namespace`, e.g.
/// `Microsoft.Network` + `["virtualNetworks", "subnets"]`.
pub fn check_arm_id(s: &str, namespace: &str, types: &[&str]) -> Result<String, String> {
    let mut example =
        format!("/subscriptions/SUBSCRIPTION_ID/resourceGroups/RG/providers/{namespace}");
    for t in types {
        example.push_str(&format!("/{t}/NAME"));
    }
    let bad = |why: &str| {
        format!(
            "`{}` is not a {} id ({why}); use {example}",
            crate::names::shown(s),
            types.last().copied().unwrap_or("resource")
        )
    };
    let segs: Vec<&str> = s.split('/').collect();
    if segs.len() != 7 + 2 * types.len() || !segs[0].is_empty() {
        return Err(bad("wrong number of parts"));
    }
    let word = |i: usize, want: &str| segs[i].eq_ignore_ascii_case(want);
    if !word(1, "subscriptions") || !word(3, "resourceGroups") || !word(5, "providers") {
        return Err(bad(
            "expected /subscriptions/…/resourceGroups/…/providers/…",
        ));
    }
    if !is_guid(segs[2]) {
        return Err(bad("the subscription is not a GUID"));
    }
    if crate::names::ResourceGroup::parse(segs[4]).is_err() {
        return Err(bad("the resource group name is not valid"));
    }
    if !word(6, namespace) {
        return Err(bad(&format!("expected provider {namespace}")));
    }
    for (n, t) in types.iter().enumerate() {
        let (ty, name) = (segs[7 + 2 * n], segs[8 + 2 * n]);
        if !ty.eq_ignore_ascii_case(t) {
            return Err(bad(&format!("expected {t}")));
        }
        let ok = !name.is_empty()
            && name.len() <= 80
            && name != "."
            && name != ".."
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.()".contains(c));
        if !ok {
            return Err(bad(&format!("the {t} name is not valid")));
        }
    }
    Ok(s.to_string())
}

fn subnet_id(s: &str) -> Result<String, String> {
    check_arm_id(s, "Microsoft.Network", &["virtualNetworks", "subnets"])
}

/// The pool's bounded numbers: the field, its range, and what the error calls it.
const BOUNDED: [(Field, i64, i64, &str); 4] = [
    (
        Field::MaxPods,
        MAX_PODS_MIN,
        MAX_PODS_MAX,
        "max pods per node",
    ),
    (Field::OsDiskSize, 30, 2048, "the OS disk size in GB"),
    (
        Field::DrainTimeout,
        DRAIN_MIN,
        DRAIN_MAX,
        "the drain timeout in minutes",
    ),
    (
        Field::NodeSoakDuration,
        SOAK_MIN,
        SOAK_MAX,
        "the node soak duration in minutes",
    ),
];

fn range(n: i64, min: i64, max: i64, what: &str) -> Result<i64, String> {
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(format!("{n} is out of range: {what} is {min} to {max}"))
    }
}

/// `5`, `33%`: a node count or a percentage (1-100%).
fn count_or_percent(s: &str, min: i64) -> Result<String, String> {
    let t = s.trim();
    let ok = match t.strip_suffix('%') {
        Some(p) => p.parse::<i64>().is_ok_and(|p| (1..=100).contains(&p)),
        None => t.parse::<i64>().is_ok_and(|n| n >= min),
    };
    if ok {
        Ok(t.to_string())
    } else {
        Err(format!(
            "`{}` is not a node count ({min} or more) or a percentage (1% to 100%), e.g. 33%",
            crate::names::shown(s)
        ))
    }
}

/// Checks a pool's production settings; `count` is its (checked) node count.
pub fn pool(p: &PoolInput, mode: &str, count: i64, f: &mut Found) -> (PoolPlacement, PoolSettings) {
    let mut zones = vec![];
    for z in &p.zones {
        if !["1", "2", "3"].contains(&z.as_str()) {
            f.err(
                Field::Zones,
                format!(
                    "`{}` is not an availability zone; use 1, 2 or 3",
                    crate::names::shown(z)
                ),
            );
        } else if zones.contains(z) {
            f.err(Field::Zones, format!("zone {z} is given twice"));
        } else {
            zones.push(z.clone());
        }
    }
    let min_nodes = if mode == defaults::SYSTEM_MODE { 1 } else { 0 };
    let autoscale = if p.enable_cluster_autoscaler {
        match (p.min_count, p.max_count) {
            (Some(min), Some(max)) => {
                let mut ok = true;
                if !(min_nodes..=1000).contains(&min) {
                    f.err(Field::MinCount, format!("{min} is out of range: a {mode} pool scales from {min_nodes} to 1000 nodes"));
                    ok = false;
                }
                if !(1..=1000).contains(&max) {
                    f.err(Field::MaxCount, format!("{max} is out of range: 1 to 1000"));
                    ok = false;
                }
                if ok && min > max {
                    f.err(Field::MinCount, format!("{min} is above --max-count {max}"));
                    ok = false;
                }
                if ok && !(min..=max).contains(&count) {
                    f.err(
                        Field::Count,
                        format!("{count} nodes is outside the autoscaler's bounds {min} to {max}; start within them"),
                    );
                    ok = false;
                }
                ok.then_some((min, max))
            }
            (min, max) => {
                for (v, field) in [(min, Field::MinCount), (max, Field::MaxCount)] {
                    if v.is_none() {
                        f.err(
                            field,
                            "required with --enable-cluster-autoscaler (the autoscaler's bounds)",
                        );
                    }
                }
                None
            }
        }
    } else {
        for (v, field) in [
            (p.min_count, Field::MinCount),
            (p.max_count, Field::MaxCount),
        ] {
            if v.is_some() {
                f.err(
                    field,
                    "only with --enable-cluster-autoscaler; add it, or drop the bound",
                );
            }
        }
        None
    };
    // The bounded numbers, in the order of BOUNDED.
    let values = [
        p.max_pods,
        p.os_disk_size,
        p.drain_timeout,
        p.node_soak_duration,
    ];
    let [max_pods, disk, drain, soak]: [Option<i64>; 4] = std::array::from_fn(|i| {
        let (field, min, max, what) = BOUNDED[i];
        values[i].and_then(|n| range(n, min, max, what).map_err(|m| f.err(field, m)).ok())
    });
    let mut text =
        |v: &Option<String>, field: Field, check: &dyn Fn(&str) -> Result<String, String>| {
            v.as_deref()
                .and_then(|s| check(s).map_err(|m| f.err(field, m)).ok())
        };
    let vnet = text(&p.vnet_subnet_id, Field::VnetSubnetId, &subnet_id);
    let pod_subnet = text(&p.pod_subnet_id, Field::PodSubnetId, &subnet_id);
    let surge = text(&p.max_surge, Field::MaxSurge, &|s| count_or_percent(s, 0));
    let unavailable = text(&p.max_unavailable, Field::MaxUnavailable, &|s| {
        count_or_percent(s, 0)
    });
    if pod_subnet.is_some() && vnet.is_none() && p.vnet_subnet_id.is_none() {
        f.err(
            Field::PodSubnetId,
            "needs --vnet-subnet-id (the nodes' subnet in the same virtual network)",
        );
    }
    let spot = p.priority.as_deref() == Some("Spot");
    if spot && mode == defaults::SYSTEM_MODE {
        f.err(Field::Priority, "Spot is for User pools only; a System pool runs Regular VMs (add a Spot pool with `aksos nodepool add --mode User --priority Spot`)");
    }
    if !spot {
        if p.eviction_policy.is_some() {
            f.err(Field::EvictionPolicy, "only with --priority Spot");
        }
        if p.spot_max_price.is_some() {
            f.err(Field::SpotMaxPrice, "only with --priority Spot");
        }
    }
    let price = p.spot_max_price.as_deref().and_then(|s| {
        let ok = s.trim().parse::<f64>().ok().filter(|v| {
            (*v == -1.0 || *v > 0.0) && v.is_finite() && s.split('.').nth(1).is_none_or(|d| d.len() <= 5)
        });
        if ok.is_none() {
            f.err(
                Field::SpotMaxPrice,
                format!(
                    "`{}` is not a price: use -1 (up to the on-demand price) or a positive amount in US dollars with up to 5 decimals",
                    crate::names::shown(s)
                ),
            );
        }
        ok
    });
    for (k, v) in &p.tags {
        if k.is_empty()
            || k.len() > 512
            || v.len() > 256
            || k.contains(['<', '>', '%', '&', '\\', '?', '/'])
        {
            f.err(Field::PoolTags, format!("`{}` is not a valid tag (name up to 512 characters without <>%&\\?/, value up to 256)", crate::names::shown(k)));
        }
    }
    let placement = PoolPlacement {
        availability_zones: zones,
        max_pods,
        autoscale,
        vnet_subnet_id: vnet,
    };
    let settings = PoolSettings {
        pod_subnet_id: pod_subnet,
        os_disk_size_gb: disk,
        priority: p.priority.clone(),
        eviction_policy: p.eviction_policy.clone(),
        spot_max_price: price,
        max_surge: surge,
        max_unavailable: unavailable,
        drain_timeout: drain,
        node_soak_duration: soak,
        tags: p.tags.clone(),
        enable_node_public_ip: p.enable_node_public_ip,
        ssh_access: p.ssh_access.clone(),
        enable_encryption_at_host: p.enable_encryption_at_host,
        scale_down_mode: p.scale_down_mode.clone(),
    };
    (placement, settings)
}

/// Reads `--ssh-key-value`: the key itself, or the path of a file holding it
/// (read with the usual size bound).
fn ssh_key(value: &str) -> Result<String, String> {
    let looks_like_key = |s: &str| {
        let mut words = s.split_whitespace();
        let kind = words.next().unwrap_or_default();
        (kind.starts_with("ssh-") || kind.starts_with("ecdsa-"))
            && words.next().is_some_and(|b| b.len() > 16)
    };
    let text = if looks_like_key(value) {
        value.to_string()
    } else {
        let path = std::path::Path::new(value);
        if !path.is_file() {
            return Err(format!(
                "`{}` is neither an SSH public key (ssh-rsa AAAA…) nor a file",
                crate::names::shown(value)
            ));
        }
        crate::infile::read_text(path, "--ssh-key-value").map_err(|e| e.to_string())?
    };
    let key = text.trim().to_string();
    if !looks_like_key(&key) || key.lines().count() != 1 || key.chars().any(char::is_control) {
        return Err("not an SSH public key: expected one line like `ssh-rsa AAAA… user@host` (the .pub file, not the private key)".into());
    }
    Ok(key)
}

/// Checks a cluster's production settings.
pub fn cluster(a: &ClusterInput, f: &mut Found) -> ClusterSettings {
    let parse_cidr = |s: &Option<String>, field: Field, f: &mut Found| {
        s.as_deref()
            .and_then(|s| Cidr::parse(s, false).map_err(|m| f.err(field, m)).ok())
    };
    let pod = parse_cidr(&a.pod_cidr, Field::PodCidr, f);
    let service = parse_cidr(&a.service_cidr, Field::ServiceCidr, f);
    if let (Some(p), Some(s)) = (pod, service) {
        if p.overlaps(s) {
            f.err(
                Field::ServiceCidr,
                format!("{s} overlaps --pod-cidr {p}; pick ranges that do not share addresses"),
            );
        }
    }
    let dns = a
        .dns_service_ip
        .as_deref()
        .and_then(|s| parse_ip(s).map_err(|m| f.err(Field::DnsServiceIp, m)).ok());
    match (
        dns,
        service,
        a.dns_service_ip.is_some(),
        a.service_cidr.is_some(),
    ) {
        (Some(ip), Some(svc), _, _) => {
            if let Err(m) = check_dns_ip(ip, svc) {
                f.err(Field::DnsServiceIp, m);
            }
        }
        (_, _, true, false) => f.err(
            Field::ServiceCidr,
            "required with --dns-service-ip (the range it belongs to)",
        ),
        (_, _, false, true) => f.err(
            Field::DnsServiceIp,
            "required with --service-cidr, e.g. its .10 address",
        ),
        _ => {}
    }
    let mut ranges = vec![];
    for r in &a.api_server_authorized_ip_ranges {
        match Cidr::parse(r, true) {
            Ok(c) => ranges.push(c.to_string()),
            Err(m) => f.err(Field::ApiServerAuthorizedIpRanges, m),
        }
    }
    if a.enable_private_cluster && !ranges.is_empty() {
        f.err(
            Field::ApiServerAuthorizedIpRanges,
            "a private cluster's API server is reached only from its network; drop the ranges or --enable-private-cluster",
        );
    }
    let plugin = a.network_plugin.as_deref();
    if a.network_plugin_mode.as_deref() == Some("overlay") && plugin != Some("azure") {
        f.err(
            Field::NetworkPluginMode,
            "overlay needs --network-plugin azure",
        );
    }
    let mut policy = a.network_policy.clone();
    if a.network_dataplane.as_deref() == Some("cilium") {
        if plugin != Some("azure") {
            f.err(
                Field::NetworkDataplane,
                "the Cilium dataplane needs --network-plugin azure",
            );
        }
        match policy.as_deref() {
            None => {
                f.filled.push("networkProfile.networkPolicy=cilium (the Cilium dataplane enforces policy itself)".into());
                policy = Some("cilium".into());
            }
            Some("cilium" | "none") => {}
            Some(other) => f.err(
                Field::NetworkPolicy,
                format!("{other} does not run with --network-dataplane cilium; use cilium or none"),
            ),
        }
    } else if policy.as_deref() == Some("cilium") {
        f.err(
            Field::NetworkPolicy,
            "cilium needs --network-dataplane cilium",
        );
    }
    if a.pod_cidr.is_some() && plugin == Some("azure") && a.network_plugin_mode.is_none() {
        f.err(Field::PodCidr, "Azure CNI without overlay gives pods subnet addresses; add --network-plugin-mode overlay, or drop --pod-cidr");
    }
    if matches!(
        a.outbound_type.as_deref(),
        Some("userDefinedRouting" | "userAssignedNATGateway")
    ) && a.pool.vnet_subnet_id.is_none()
    {
        f.err(
            Field::OutboundType,
            "needs --vnet-subnet-id: the route table or NAT gateway is on your subnet",
        );
    }
    if a.enable_workload_identity && !a.enable_oidc_issuer {
        f.err(Field::EnableWorkloadIdentity, "needs --enable-oidc-issuer (workload identity federates through the cluster's OIDC issuer)");
    }
    for (on, field) in [
        (a.enable_azure_rbac, Field::EnableAzureRbac),
        (
            !a.aad_admin_group_object_ids.is_empty(),
            Field::AadAdminGroupObjectIds,
        ),
        (a.disable_local_accounts, Field::DisableLocalAccounts),
    ] {
        if on && !a.enable_aad {
            f.err(field, "needs --enable-aad (Microsoft Entra ID sign-in)");
        }
    }
    for g in &a.aad_admin_group_object_ids {
        if !is_guid(g) {
            f.err(
                Field::AadAdminGroupObjectIds,
                format!(
                    "`{}` is not a group object id (a GUID)",
                    crate::names::shown(g)
                ),
            );
        }
    }
    let identity = a.assign_identity.as_deref().and_then(|s| {
        check_arm_id(s, "Microsoft.ManagedIdentity", &["userAssignedIdentities"])
            .map_err(|m| f.err(Field::AssignIdentity, m))
            .ok()
    });
    if a.no_ssh_key && a.ssh_key_value.is_some() {
        f.err(
            Field::NoSshKey,
            "conflicts with --ssh-key-value; give one of them",
        );
    }
    let ssh = a
        .ssh_key_value
        .as_deref()
        .and_then(|v| ssh_key(v).map_err(|m| f.err(Field::SshKeyValue, m)).ok());
    ClusterSettings {
        network: NetworkProfile {
            network_plugin: a.network_plugin.clone(),
            network_plugin_mode: a.network_plugin_mode.clone(),
            network_dataplane: a.network_dataplane.clone(),
            network_policy: policy,
            pod_cidr: pod.map(|c| c.to_string()),
            service_cidr: service.map(|c| c.to_string()),
            dns_service_ip: a.dns_service_ip.clone().filter(|_| dns.is_some()),
            outbound_type: a.outbound_type.clone(),
            load_balancer_sku: a.load_balancer_sku.clone(),
            ..Default::default()
        },
        enable_private_cluster: a.enable_private_cluster,
        authorized_ip_ranges: ranges,
        tier: a.tier.clone(),
        enable_oidc_issuer: a.enable_oidc_issuer,
        enable_workload_identity: a.enable_workload_identity,
        assign_identity: identity,
        enable_aad: a.enable_aad,
        aad_admin_group_object_ids: a.aad_admin_group_object_ids.clone(),
        enable_azure_rbac: a.enable_azure_rbac,
        disable_local_accounts: a.disable_local_accounts,
        auto_upgrade_channel: a.auto_upgrade_channel.clone(),
        ssh_public_key: ssh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBNET: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/nodes";

    #[test]
    fn arm_ids_are_checked_not_trusted() {
        assert!(subnet_id(SUBNET).is_ok());
        for bad in [
            "subnet1",
            &SUBNET.replace("/subnets/nodes", "/subnets/a?b=c"),
            &SUBNET.replace("/subnets/nodes", "/subnets/.."),
            &SUBNET.replace("00000000-0000", "zz"),
            &format!("{SUBNET}/extra/x"),
            &SUBNET.replace("Microsoft.Network", "Microsoft.Compute"),
        ] {
            assert!(subnet_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn autoscaler_bounds() {
        let mut p = PoolInput {
            enable_cluster_autoscaler: true,
            min_count: Some(3),
            max_count: Some(2),
            ..Default::default()
        };
        let mut f = Found::default();
        pool(&p, "User", 3, &mut f);
        assert_eq!(f.problems[0].field, Field::MinCount);
        p.max_count = Some(10);
        let mut f = Found::default();
        pool(&p, "User", 1, &mut f);
        assert_eq!(f.problems[0].field, Field::Count);
        let mut f = Found::default();
        let (placement, _) = pool(&p, "User", 3, &mut f);
        assert!(f.problems.is_empty());
        assert_eq!(placement.autoscale, Some((3, 10)));
        p.enable_cluster_autoscaler = false;
        let mut f = Found::default();
        pool(&p, "User", 3, &mut f);
        assert_eq!(f.problems.len(), 2);
    }

    #[test]
    fn surge_takes_counts_and_percentages() {
        assert_eq!(count_or_percent("33%", 0).unwrap(), "33%");
        assert_eq!(count_or_percent("5", 0).unwrap(), "5");
        assert!(count_or_percent("150%", 0).is_err() && count_or_percent("x", 0).is_err());
    }
}
