//! Production clusters and pools end to end, against the emulator, which
//! validates every PUT body against the full official schema of the
//! api-version sent: the settings an operator needs (network, subnets, zones,
//! autoscaler, identity, Entra ID, API server access, tier, Spot, upgrade
//! settings) reach the body as exactly the ARM properties az sets, each rule
//! az or ARM applies is refused first (exit 2, naming the flag, nothing
//! written), the capability check refuses a restricted zone, and an apply
//! file takes the same keys.

mod common;

use aksos::emulator::Background;
use common::*;
use serde_json::{json, Value};

const S: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers";

fn subnet(name: &str) -> String {
    format!("{S}/Microsoft.Network/virtualNetworks/vnet1/subnets/{name}")
}

fn identity() -> String {
    format!("{S}/Microsoft.ManagedIdentity/userAssignedIdentities/prod-id")
}

fn production_cluster(extra: &str) -> String {
    format!(
        "cluster create -g rg1 -n prod1 -l eastus --os-sku AzureLinux --kubernetes-version 1.33 \
         --network-plugin azure --network-plugin-mode overlay --network-dataplane cilium \
         --network-policy cilium --pod-cidr 10.244.0.0/16 --service-cidr 10.0.0.0/16 \
         --dns-service-ip 10.0.0.10 --vnet-subnet-id {} --zones 1 2 3 \
         --enable-cluster-autoscaler --min-count 3 --max-count 6 --node-count 3 \
         --assign-identity {} --enable-aad --enable-azure-rbac \
         --aad-admin-group-object-ids 11111111-2222-3333-4444-555555555555 \
         --disable-local-accounts --api-server-authorized-ip-ranges 203.0.113.0/24,198.51.100.7/32 \
         --tier Standard --enable-oidc-issuer --enable-workload-identity \
         --auto-upgrade-channel stable --node-os-upgrade-channel NodeImage {extra}",
        subnet("nodes"),
        identity()
    )
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn the_acceptance_production_cluster_is_created_with_exactly_the_asked_properties() {
    let emu = Background::start(fast());
    let out = run(&emu, &production_cluster("")).ok();
    let put = out.put();
    assert_eq!(put.api_version.as_deref(), Some("2026-08-01"));
    let body = put.body.clone().expect("a body");
    assert_eq!(keys(&body), ["identity", "location", "properties", "sku"]);
    assert_eq!(body["sku"], json!({"name": "Base", "tier": "Standard"}));
    assert_eq!(
        body["identity"],
        json!({"type": "UserAssigned", "userAssignedIdentities": {identity(): {}}})
    );
    let p = &body["properties"];
    assert_eq!(
        keys(p),
        [
            "aadProfile",
            "agentPoolProfiles",
            "apiServerAccessProfile",
            "autoUpgradeProfile",
            "disableLocalAccounts",
            "dnsPrefix",
            "kubernetesVersion",
            "networkProfile",
            "oidcIssuerProfile",
            "securityProfile"
        ]
    );
    assert_eq!(
        p["networkProfile"],
        json!({
            "networkPlugin": "azure", "networkPluginMode": "overlay",
            "networkDataplane": "cilium", "networkPolicy": "cilium",
            "podCidr": "10.244.0.0/16", "serviceCidr": "10.0.0.0/16",
            "dnsServiceIP": "10.0.0.10"
        })
    );
    assert_eq!(
        p["aadProfile"],
        json!({"managed": true, "enableAzureRBAC": true,
               "adminGroupObjectIDs": ["11111111-2222-3333-4444-555555555555"]})
    );
    assert_eq!(
        p["apiServerAccessProfile"],
        json!({"authorizedIPRanges": ["203.0.113.0/24", "198.51.100.7/32"]})
    );
    assert_eq!(p["disableLocalAccounts"], true);
    assert_eq!(p["oidcIssuerProfile"], json!({"enabled": true}));
    assert_eq!(
        p["securityProfile"],
        json!({"workloadIdentity": {"enabled": true}})
    );
    assert_eq!(
        p["autoUpgradeProfile"],
        json!({"upgradeChannel": "stable", "nodeOSUpgradeChannel": "NodeImage"})
    );
    let pool = &p["agentPoolProfiles"][0];
    assert_eq!(pool["availabilityZones"], json!(["1", "2", "3"]));
    assert_eq!(pool["enableAutoScaling"], true);
    assert_eq!(
        (&pool["minCount"], &pool["maxCount"]),
        (&json!(3), &json!(6))
    );
    assert_eq!(pool["vnetSubnetID"], subnet("nodes"));
    assert_eq!(pool["mode"], "System");

    // The same command again: the cluster exists as asked, nothing is sent.
    let again = run(&emu, &production_cluster("")).ok();
    assert!(again.writes().is_empty(), "{}", again.dump());
    // Asking for something else is reported, not applied.
    let other = run(
        &emu,
        &production_cluster("--nodepool-tags x=y").replace("--tier Standard", "--tier Premium"),
    );
    assert_ne!(other.code, 0, "{}", other.dump());
    assert!(other.writes().is_empty(), "{}", other.dump());
    assert!(
        other.stderr.contains("sku.tier") || other.stdout.contains("sku.tier"),
        "{}",
        other.dump()
    );
}

fn with_cluster() -> Background {
    let emu = Background::start(fast());
    run(
        &emu,
        "cluster create -g rg1 -n c1 -l eastus --os-sku Ubuntu --kubernetes-version 1.33 --skip-capability-checks",
    )
    .ok();
    emu
}

fn production_pool(name: &str, extra: &str) -> String {
    format!(
        "nodepool add -g rg1 --cluster c1 -n {name} --os-sku AzureLinux --mode User \
         --zones 1 2 --enable-cluster-autoscaler --min-count 1 --max-count 5 --node-count 2 \
         --max-pods 60 --vnet-subnet-id {} --pod-subnet-id {} --node-osdisk-size 128 \
         --labels team=data tier=batch --node-taints dedicated=batch:NoSchedule --tags cost=42 \
         --max-surge 33% --max-unavailable 1 --drain-timeout 45 --node-soak-duration 5 \
         --scale-down-mode Deallocate --enable-encryption-at-host --ssh-access Disabled {extra}",
        subnet("nodes"),
        subnet("pods")
    )
}

#[test]
fn a_production_pool_carries_every_setting_as_az_names_it() {
    let emu = with_cluster();
    let out = run(&emu, &production_pool("batch", "")).ok();
    let put = out.put();
    let p = &put.body.as_ref().expect("a body")["properties"];
    let expected = json!({
        "count": 2, "vmSize": "Standard_D4s_v5", "osType": "Linux", "osSKU": "AzureLinux",
        "mode": "User", "type": "VirtualMachineScaleSets",
        "availabilityZones": ["1", "2"], "enableAutoScaling": true, "minCount": 1, "maxCount": 5,
        "maxPods": 60, "vnetSubnetID": subnet("nodes"), "podSubnetID": subnet("pods"),
        "osDiskSizeGB": 128, "nodeLabels": {"team": "data", "tier": "batch"},
        "nodeTaints": ["dedicated=batch:NoSchedule"], "tags": {"cost": "42"},
        "upgradeSettings": {"maxSurge": "33%", "maxUnavailable": "1",
                            "drainTimeoutInMinutes": 45, "nodeSoakDurationInMinutes": 5},
        "scaleDownMode": "Deallocate", "enableEncryptionAtHost": true,
        "securityProfile": {"sshAccess": "Disabled"}
    });
    assert_eq!(p, &expected);
    // The same pool again is up to date; another zone set is a difference.
    let again = run(&emu, &production_pool("batch", "")).ok();
    assert!(again.writes().is_empty(), "{}", again.dump());
    let differs = run(
        &emu,
        &production_pool("batch", "").replace("--zones 1 2", "--zones 1 2 3"),
    );
    assert_ne!(differs.code, 0, "{}", differs.dump());
    assert!(differs.writes().is_empty());
    assert!(
        format!("{}{}", differs.stdout, differs.stderr).contains("availabilityZones"),
        "{}",
        differs.dump()
    );
}

#[test]
fn a_spot_pool_takes_a_hyphen_price_and_the_old_taints_alias() {
    let emu = with_cluster();
    let out = run(
        &emu,
        "nodepool add -g rg1 --cluster c1 -n spot1 --os-sku AzureLinux --mode User \
         --priority Spot --eviction-policy Delete --spot-max-price -1 --taints spot=true:NoSchedule",
    )
    .ok();
    let p = &out.put().body.as_ref().expect("a body")["properties"];
    assert_eq!(p["scaleSetPriority"], "Spot");
    assert_eq!(p["scaleSetEvictionPolicy"], "Delete");
    assert_eq!(p["spotMaxPrice"], json!(-1.0));
    assert_eq!(p["nodeTaints"], json!(["spot=true:NoSchedule"]));
}

#[test]
fn each_rule_is_refused_before_anything_is_sent() {
    let emu = with_cluster();
    let pool = "nodepool add -g rg1 --cluster c1 -n np9 --os-sku AzureLinux";
    let cluster = "cluster create -g rg1 -n c9 -l eastus --os-sku AzureLinux";
    let cases: Vec<(String, &str, &str)> = vec![
        (format!("{pool} --min-count 1 --max-count 3"), "--min-count", "--enable-cluster-autoscaler"),
        (format!("{pool} --enable-cluster-autoscaler --min-count 4 --max-count 3"), "--min-count", "above"),
        (format!("{pool} --enable-cluster-autoscaler --min-count 2 --max-count 3 --node-count 5"), "--node-count", "bounds"),
        (format!("{pool} --enable-cluster-autoscaler"), "--max-count", "required"),
        (format!("{pool} --zones 4"), "--zones", "1, 2 or 3"),
        (format!("{pool} --max-pods 5"), "--max-pods", "10 to 250"),
        (format!("{pool} --node-osdisk-size 4096"), "--node-osdisk-size", "30 to 2048"),
        (format!("{pool} --drain-timeout 0"), "--drain-timeout", "1 to 1440"),
        (format!("{pool} --node-soak-duration 31"), "--node-soak-duration", "0 to 30"),
        (format!("{pool} --max-surge 150%"), "--max-surge", "percentage"),
        (format!("{pool} --vnet-subnet-id /subscriptions/x/../../evil"), "--vnet-subnet-id", "not a subnets id"),
        (format!("{pool} --eviction-policy Delete"), "--eviction-policy", "--priority Spot"),
        (format!("{pool} --priority Spot --spot-max-price 0"), "--spot-max-price", "-1"),
        (format!("{pool} --mode System --priority Spot"), "--priority", "User pools only"),
        (format!("{cluster} --priority Spot"), "--priority", "User pools only"),
        (format!("{cluster} --pod-cidr 10.244.0.1/16"), "--pod-cidr", "10.244.0.0/16"),
        (format!("{cluster} --network-plugin azure --network-plugin-mode overlay --pod-cidr 10.0.0.0/8 --service-cidr 10.0.0.0/16 --dns-service-ip 10.0.0.10"), "--service-cidr", "overlaps"),
        (format!("{cluster} --service-cidr 10.0.0.0/16 --dns-service-ip 10.1.0.10"), "--dns-service-ip", "outside"),
        (format!("{cluster} --service-cidr 10.0.0.0/16 --dns-service-ip 10.0.0.1"), "--dns-service-ip", "reserved"),
        (format!("{cluster} --enable-workload-identity"), "--enable-workload-identity", "--enable-oidc-issuer"),
        (format!("{cluster} --network-plugin kubenet --network-plugin-mode overlay"), "--network-plugin-mode", "azure"),
        (format!("{cluster} --network-plugin azure --network-dataplane cilium --network-policy calico"), "--network-policy", "cilium or none"),
        (format!("{cluster} --enable-azure-rbac"), "--enable-azure-rbac", "--enable-aad"),
        (format!("{cluster} --disable-local-accounts"), "--disable-local-accounts", "--enable-aad"),
        (format!("{cluster} --assign-identity prod-id"), "--assign-identity", "userAssignedIdentities"),
        (format!("{cluster} --api-server-authorized-ip-ranges 300.1.1.1"), "--api-server-authorized-ip-ranges", "not a CIDR"),
        (format!("{cluster} --ssh-key-value not-a-key"), "--ssh-key-value", "SSH public key"),
        (format!("{cluster} --enable-private-cluster --api-server-authorized-ip-ranges 1.2.3.4"), "--api-server-authorized-ip-ranges", "private cluster"),
    ];
    for (line, flag, says) in cases {
        let out = run(&emu, &line).usage(flag);
        assert!(
            out.stderr.contains(says),
            "{line}: says {says}: {}",
            out.dump()
        );
    }
    // Every problem at once.
    let out = run(
        &emu,
        &format!("{pool} --zones 0 --max-pods 1 --drain-timeout 0"),
    );
    for flag in ["--zones", "--max-pods", "--drain-timeout"] {
        assert!(out.stderr.contains(flag), "{}", out.dump());
    }
}

#[test]
fn a_restricted_zone_is_refused_by_the_capability_check() {
    let emu = with_cluster();
    // Standard_D8s_v5 has zone 3 restricted for the subscription in eastus.
    let line = "nodepool add -g rg1 --cluster c1 -n np3 --os-sku AzureLinux --node-vm-size Standard_D8s_v5";
    let out = run(&emu, &format!("{line} --zones 1 3")).usage("--zones");
    assert!(out.stderr.contains('3'), "{}", out.dump());
    run(&emu, &format!("{line} --zones 1 2")).ok();
}

#[test]
fn an_ssh_key_is_read_from_a_file() {
    let emu = Background::start(fast());
    let dir = tempfile::tempdir().unwrap();
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKm9tLkDummyKeyForTestsOnly0000000 me@host";
    let path = dir.path().join("id.pub");
    std::fs::write(&path, format!("{key}\n")).unwrap();
    let args: Vec<String> = "cluster create -g rg1 -n k1 -l eastus --os-sku AzureLinux --skip-capability-checks --ssh-key-value"
        .split_whitespace()
        .map(str::to_string)
        .chain([path.display().to_string()])
        .collect();
    let out = run_args(&emu, &args).ok();
    let body = out.put().body.clone().unwrap();
    assert_eq!(
        body["properties"]["linuxProfile"],
        json!({"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": key}]}})
    );
}

#[test]
fn an_apply_file_takes_the_same_keys() {
    let emu = Background::start(fast());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prod.yaml");
    let yaml = format!(
        "clusters:
  - resourceGroup: rg1
    name: prod2
    location: eastus
    networkPlugin: azure
    networkPluginMode: overlay
    podCidr: 10.244.0.0/16
    tier: Standard
    enableOidcIssuer: true
    enableWorkloadIdentity: true
    assignIdentity: {id}
    systemPool: {{ name: sys, osSku: AzureLinux, zones: ['1', '2', '3'], vnetSubnetId: {sn} }}
    nodePools:
      - name: spot
        osSku: AzureLinux
        priority: Spot
        spotMaxPrice: '-1'
        enableClusterAutoscaler: true
        minCount: 0
        maxCount: 4
        count: 1
        maxSurge: 50%
        tags: {{ cost: low }}
",
        id = identity(),
        sn = subnet("nodes")
    );
    std::fs::write(&path, yaml).unwrap();
    let out = run_args(
        &emu,
        &["apply".into(), "-f".into(), path.display().to_string()],
    )
    .ok();
    let puts = out.puts();
    let cluster = puts
        .iter()
        .find(|r| r.path.ends_with("/managedClusters/prod2"))
        .and_then(|r| r.body.clone())
        .expect("cluster PUT");
    assert_eq!(cluster["sku"]["tier"], "Standard");
    assert_eq!(cluster["identity"]["type"], "UserAssigned");
    assert_eq!(
        cluster["properties"]["networkProfile"]["networkPluginMode"],
        "overlay"
    );
    assert_eq!(
        cluster["properties"]["agentPoolProfiles"][0]["availabilityZones"],
        json!(["1", "2", "3"])
    );
    let pool = puts
        .iter()
        .find(|r| r.path.ends_with("/agentPools/spot"))
        .and_then(|r| r.body.clone())
        .expect("pool PUT");
    let p = &pool["properties"];
    assert_eq!(p["scaleSetPriority"], "Spot");
    assert_eq!(p["spotMaxPrice"], json!(-1.0));
    assert_eq!((&p["minCount"], &p["maxCount"]), (&json!(0), &json!(4)));
    assert_eq!(p["upgradeSettings"]["maxSurge"], "50%");
    assert_eq!(p["tags"], json!({"cost": "low"}));
}

#[test]
fn the_template_exports_carry_the_production_settings() {
    let emu = Background::start(fast());
    let flags = production_cluster("").replacen("cluster create", "", 1);
    for format in ["arm", "bicep", "terraform"] {
        let out = run(&emu, &format!("export cluster --format {format} {flags}")).ok();
        for needle in [
            "overlay",
            "UserAssigned",
            "enableAzureRBAC",
            "authorizedIPRanges",
            "availabilityZones",
            "disableLocalAccounts",
            "workloadIdentity",
        ] {
            assert!(
                out.stdout.contains(needle),
                "{format}: {needle}: {}",
                out.dump()
            );
        }
        assert!(out.requests.is_empty(), "export calls nothing");
    }
}

#[test]
fn quota_counts_the_autoscaler_maximum_the_surge_and_spot() {
    let emu = with_cluster();
    // The GPU family has 8 vCPUs of quota in eastus; each node has 4.
    let gpu = "nodepool add -g rg1 --cluster c1 --os-sku Ubuntu --mode User --node-vm-size Standard_NC4as_T4_v3";
    let out = run(
        &emu,
        &format!(
            "{gpu} -n gpu1 --enable-cluster-autoscaler --min-count 1 --max-count 4 --node-count 1"
        ),
    )
    .ok();
    assert!(out.stderr.contains("--max-count"), "{}", out.dump());
    let out = run(&emu, &format!("{gpu} -n gpu2 --node-count 1 --max-surge 3")).ok();
    assert!(out.stderr.contains("--max-surge 3"), "{}", out.dump());
    // Four Regular nodes do not fit the family's quota; four Spot nodes count
    // against the regional Spot quota instead.
    run(&emu, &format!("{gpu} -n gpu3 --node-count 4")).usage("--node-count");
    let out = run(
        &emu,
        &format!("{gpu} -n gpu4 --node-count 4 --priority Spot"),
    )
    .ok();
    assert_eq!(
        out.put().body.as_ref().unwrap()["properties"]["scaleSetPriority"],
        "Spot"
    );
}
