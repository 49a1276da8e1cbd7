//! What a user of `--set` and `--body-file` would notice, with real paths from
//! the 2026-08-01 and 2026-08-02-preview specs.

use super::*;
use proptest::prelude::*;
use serde_json::{json, Value};

const STABLE: &str = "2026-08-01";
const PREVIEW: &str = "2026-08-02-preview";

fn set(kind: Body, version: &str, arg: &str) -> Result<(Value, Vec<SetWarning>), SetError> {
    set_on(json!({}), kind, version, arg, false)
}

fn set_on(
    mut body: Value,
    kind: Body,
    version: &str,
    arg: &str,
    allow: bool,
) -> Result<(Value, Vec<SetWarning>), SetError> {
    let (path, raw) = parse_set(arg)?;
    let warnings = apply(&mut body, kind, version, &path, &raw, allow)?;
    Ok((body, warnings))
}

fn refused(kind: Body, version: &str, arg: &str) -> SetError {
    match set(kind, version, arg) {
        Ok((body, _)) => panic!("{arg} was accepted: {body}"),
        Err(e) => e,
    }
}

#[test]
fn cpu_manager_policy_reaches_the_nested_kubelet_config() {
    let (body, w) = set(
        Body::Pool,
        STABLE,
        "properties.kubeletConfig.cpuManagerPolicy=static",
    )
    .unwrap();
    assert_eq!(
        body,
        json!({"properties": {"kubeletConfig": {"cpuManagerPolicy": "static"}}})
    );
    assert!(w.is_empty());
}

#[test]
fn sysctls_are_typed_as_integers_by_the_schema() {
    let (body, _) = set(
        Body::Pool,
        STABLE,
        "properties.linuxOSConfig.sysctls.netCoreSomaxconn=16384",
    )
    .unwrap();
    assert_eq!(
        body["properties"]["linuxOSConfig"]["sysctls"]["netCoreSomaxconn"],
        json!(16384)
    );
    let e = refused(
        Body::Pool,
        STABLE,
        "properties.linuxOSConfig.sysctls.netCoreSomaxconn=lots",
    );
    assert_eq!(e.path, "properties.linuxOSConfig.sysctls.netCoreSomaxconn");
    assert!(e.message.contains("expects an integer"), "{e}");
    assert!(e.message.contains("`lots`"), "{e}");
}

#[test]
fn max_unavailable_one_is_the_string_one() {
    let (body, _) = set(
        Body::Pool,
        STABLE,
        "properties.upgradeSettings.maxUnavailable=1",
    )
    .unwrap();
    assert_eq!(
        body["properties"]["upgradeSettings"]["maxUnavailable"],
        json!("1")
    );
}

#[test]
fn os_sku_outside_the_enum_lists_the_valid_values() {
    // Flatcar is preview-only.
    let e = refused(Body::Pool, STABLE, "properties.osSKU=Flatcar");
    assert_eq!(e.path, "properties.osSKU");
    for v in ["Ubuntu", "AzureLinux", "AzureContainerLinux", "Windows2022"] {
        assert!(e.message.contains(v), "{e}");
    }
    assert!(e.message.contains("--allow-unknown-values"), "{e}");
    assert!(e.message.contains(STABLE), "{e}");
    // The preview api-version has it.
    let (body, w) = set(Body::Pool, PREVIEW, "properties.osSKU=Flatcar").unwrap();
    assert_eq!(body["properties"]["osSKU"], json!("Flatcar"));
    assert!(w.is_empty());
}

#[test]
fn unknown_enum_values_pass_with_a_warning_when_allowed() {
    // OSSKU is modelAsString: an open list, so a newer value may be sent.
    let (body, w) = set_on(
        json!({}),
        Body::Pool,
        STABLE,
        "properties.osSKU=AzureLinuxOSGuard",
        true,
    )
    .unwrap();
    assert_eq!(body["properties"]["osSKU"], json!("AzureLinuxOSGuard"));
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].path, "properties.osSKU");
    assert!(w[0].message.contains("AzureLinuxOSGuard"), "{}", w[0]);
}

#[test]
fn enum_values_take_the_spec_spelling() {
    let (body, w) = set(Body::Pool, STABLE, "properties.osSKU=azurelinux").unwrap();
    assert_eq!(body["properties"]["osSKU"], json!("AzureLinux"));
    assert!(w.is_empty());
}

#[test]
fn read_only_properties_are_refused() {
    for (kind, arg) in [
        (Body::Pool, "properties.provisioningState=Succeeded"),
        (Body::Pool, "properties.currentOrchestratorVersion=1.33.0"),
        (Body::Cluster, "properties.currentKubernetesVersion=1.33.0"),
        (Body::Cluster, "properties.fqdn=x.example.com"),
        // Under a read-only object.
        (Body::Pool, "properties.status.provisioningError.code=X"),
        (Body::Cluster, "id=/subscriptions/x"),
        (
            Body::Cluster,
            "properties.agentPoolProfiles[0].provisioningState=Succeeded",
        ),
    ] {
        let e = refused(kind, STABLE, arg);
        assert!(e.message.contains("read-only"), "{arg}: {e}");
    }
}

#[test]
fn a_typo_names_the_closest_valid_path() {
    let e = refused(
        Body::Pool,
        STABLE,
        "properties.kubletConfig.cpuManagerPolicy=static",
    );
    assert!(
        e.message
            .contains("did you mean `properties.kubeletConfig.cpuManagerPolicy`?"),
        "{e}"
    );
    let e = refused(Body::Pool, STABLE, "properties.osSku=Ubuntu");
    assert!(
        e.message.contains("did you mean `properties.osSKU`?"),
        "{e}"
    );
    // The right name one level off.
    let e = refused(Body::Pool, STABLE, "properties.cpuManagerPolicy=static");
    assert!(
        e.message
            .contains("did you mean `properties.kubeletConfig.cpuManagerPolicy`?"),
        "{e}"
    );
    // A shortened name.
    let e = refused(
        Body::Cluster,
        STABLE,
        "properties.networkProfile.plugin=azure",
    );
    assert!(
        e.message
            .contains("did you mean `properties.networkProfile.networkPlugin`?"),
        "{e}"
    );
    // Nothing close: the valid names at that level.
    let e = refused(Body::Cluster, STABLE, "properties.zzzzzzzzzzzzzzzzzz=1");
    assert!(e.message.contains("valid here:"), "{e}");
    assert!(e.message.contains("kubernetesVersion"), "{e}");
}

#[test]
fn booleans_and_numbers() {
    let (body, _) = set(Body::Pool, STABLE, "properties.enableAutoScaling=true").unwrap();
    assert_eq!(body["properties"]["enableAutoScaling"], json!(true));
    let e = refused(Body::Pool, STABLE, "properties.enableAutoScaling=yes");
    assert!(e.message.contains("boolean"), "{e}");
    let (body, _) = set(Body::Pool, STABLE, "properties.spotMaxPrice=-1").unwrap();
    assert_eq!(body["properties"]["spotMaxPrice"], json!(-1));
    let (body, _) = set(Body::Pool, STABLE, "properties.spotMaxPrice=0.0421").unwrap();
    assert_eq!(body["properties"]["spotMaxPrice"], json!(0.0421));
    let e = refused(Body::Pool, STABLE, "properties.count=2.5");
    assert!(e.message.contains("integer"), "{e}");
    let e = refused(Body::Pool, STABLE, "properties.count=99999999999");
    assert!(e.message.contains("int32"), "{e}");
}

#[test]
fn bounds_from_the_spec() {
    let e = refused(Body::Pool, STABLE, "properties.osDiskSizeGB=4096");
    assert!(e.message.contains("maximum of 2048"), "{e}");
    let e = refused(
        Body::Pool,
        STABLE,
        "properties.upgradeSettings.drainTimeoutInMinutes=0",
    );
    assert!(e.message.contains("minimum of 1"), "{e}");
}

#[test]
fn lists_from_commas_or_json() {
    let (body, _) = set(Body::Pool, STABLE, "properties.availabilityZones=1,2,3").unwrap();
    assert_eq!(
        body["properties"]["availabilityZones"],
        json!(["1", "2", "3"])
    );
    let (body, _) = set(Body::Pool, STABLE, r#"properties.availabilityZones=["1"]"#).unwrap();
    assert_eq!(body["properties"]["availabilityZones"], json!(["1"]));
    // JSON numbers in a list of strings are typed by the schema too.
    let (body, _) = set(Body::Pool, STABLE, "properties.availabilityZones=[1,2]").unwrap();
    assert_eq!(body["properties"]["availabilityZones"], json!(["1", "2"]));
    let (body, _) = set(
        Body::Pool,
        STABLE,
        "properties.nodeTaints=sku=gpu:NoSchedule",
    )
    .unwrap();
    assert_eq!(
        body["properties"]["nodeTaints"],
        json!(["sku=gpu:NoSchedule"])
    );
    let (body, _) = set(Body::Pool, STABLE, "properties.availabilityZones=").unwrap();
    assert_eq!(body["properties"]["availabilityZones"], json!([]));
}

#[test]
fn maps_by_key_pairs_or_json() {
    let (body, _) = set(Body::Pool, STABLE, "properties.nodeLabels.env=prod").unwrap();
    assert_eq!(body["properties"]["nodeLabels"], json!({"env": "prod"}));
    // A label key with dots is taken whole.
    let (body, _) = set(
        Body::Pool,
        STABLE,
        "properties.nodeLabels.kubernetes.azure.com/role=web",
    )
    .unwrap();
    assert_eq!(
        body["properties"]["nodeLabels"],
        json!({"kubernetes.azure.com/role": "web"})
    );
    let (body, _) = set(Body::Cluster, STABLE, r#"tags["cost.center"]=42"#).unwrap();
    assert_eq!(body["tags"], json!({"cost.center": "42"}));
    let (body, _) = set(Body::Pool, STABLE, "properties.tags=team=a,env=prod").unwrap();
    assert_eq!(
        body["properties"]["tags"],
        json!({"team": "a", "env": "prod"})
    );
    let (body, _) = set(Body::Pool, STABLE, r#"properties.nodeLabels={"a":"b"}"#).unwrap();
    assert_eq!(body["properties"]["nodeLabels"], json!({"a": "b"}));
}

#[test]
fn maps_of_objects_take_a_key_then_fields() {
    let (body, _) = set(
        Body::Cluster,
        STABLE,
        "properties.addonProfiles.azurepolicy.enabled=true",
    )
    .unwrap();
    assert_eq!(
        body["properties"]["addonProfiles"],
        json!({"azurepolicy": {"enabled": true}})
    );
    let id = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1";
    let (body, _) = set(
        Body::Cluster,
        STABLE,
        &format!("identity.userAssignedIdentities.{id}={{}}"),
    )
    .unwrap();
    assert_eq!(body["identity"]["userAssignedIdentities"][id], json!({}));
    let e = refused(
        Body::Cluster,
        STABLE,
        &format!("identity.userAssignedIdentities[\"{id}\"].principalId=x"),
    );
    assert!(e.message.contains("read-only"), "{e}");
}

#[test]
fn objects_need_json_or_a_field() {
    let e = refused(Body::Pool, STABLE, "properties.kubeletConfig=static");
    assert!(e.message.contains("is an object"), "{e}");
    assert!(e.message.contains("cpuManagerPolicy"), "{e}");
    let (body, _) = set(
        Body::Pool,
        STABLE,
        r#"properties.kubeletConfig={"cpuManagerPolicy":"static","failSwapOn":false}"#,
    )
    .unwrap();
    assert_eq!(
        body["properties"]["kubeletConfig"],
        json!({"cpuManagerPolicy": "static", "failSwapOn": false})
    );
    let e = refused(
        Body::Pool,
        STABLE,
        r#"properties.kubeletConfig={"failSwapOn":"yes"}"#,
    );
    assert_eq!(e.path, "properties.kubeletConfig.failSwapOn");
    assert!(e.message.contains("expects a boolean"), "{e}");
    let e = refused(
        Body::Pool,
        STABLE,
        r#"properties.kubeletConfig={"cpuManagerPolicyy":"static"}"#,
    );
    assert!(e.message.contains("cpuManagerPolicy`?"), "{e}");
}

#[test]
fn patterns_from_the_spec() {
    let e = refused(
        Body::Cluster,
        STABLE,
        "properties.networkProfile.podCidr=10.244.0.0/33",
    );
    assert!(e.message.contains("pattern"), "{e}");
    set(
        Body::Cluster,
        STABLE,
        "properties.networkProfile.podCidr=10.244.0.0/16",
    )
    .unwrap();
    let e = refused(
        Body::Cluster,
        STABLE,
        "properties.networkProfile.dnsServiceIP=10.0.0.300",
    );
    assert!(e.message.contains("pattern"), "{e}");
}

#[test]
fn the_system_pool_of_a_cluster_by_index() {
    let body = json!({"properties": {"agentPoolProfiles": [{"name": "system", "mode": "System"}]}});
    let (body, _) = set_on(
        body,
        Body::Cluster,
        STABLE,
        "properties.agentPoolProfiles[0].maxPods=50",
        false,
    )
    .unwrap();
    assert_eq!(
        body["properties"]["agentPoolProfiles"],
        json!([{"name": "system", "mode": "System", "maxPods": 50}])
    );
    let e = set_on(
        body,
        Body::Cluster,
        STABLE,
        "properties.agentPoolProfiles[3].maxPods=50",
        false,
    )
    .unwrap_err();
    assert!(e.message.contains("past the end"), "{e}");
    let e = refused(
        Body::Cluster,
        STABLE,
        "properties.agentPoolProfiles[0].name=System",
    );
    assert!(e.message.contains("pattern"), "{e}");
    let e = refused(
        Body::Cluster,
        STABLE,
        "properties.agentPoolProfiles.maxPods=5",
    );
    assert!(e.message.contains("[0]"), "{e}");
}

#[test]
fn parse_set_splits_at_the_first_equals() {
    assert_eq!(
        parse_set("properties.nodeTaints=a=b:NoSchedule").unwrap(),
        ("properties.nodeTaints".into(), "a=b:NoSchedule".into())
    );
    assert_eq!(
        parse_set(r#"tags["a=b"]=c"#).unwrap(),
        (r#"tags["a=b"]"#.into(), "c".into())
    );
    assert!(parse_set("properties.osSKU").is_err());
    assert!(parse_set("=Ubuntu").is_err());
}

#[test]
fn malformed_paths_are_refused_not_guessed() {
    for arg in [
        "properties..osSKU=x",
        ".properties=x",
        "properties.=x",
        "properties.agentPoolProfiles[x].name=a",
        "[0]=x",
        r#"tags["open=x"#,
    ] {
        let r = set(Body::Cluster, STABLE, arg);
        assert!(r.is_err(), "{arg} accepted: {r:?}");
    }
}

#[test]
fn an_unknown_api_version_says_which_exist() {
    let mut body = json!({});
    let e = apply(
        &mut body,
        Body::Pool,
        "2020-01-01",
        "properties.count",
        "1",
        false,
    )
    .unwrap_err();
    assert!(
        e.message.contains(STABLE) && e.message.contains(PREVIEW),
        "{e}"
    );
}

#[test]
fn a_fragment_merges_with_every_leaf_checked() {
    let mut body = json!({"properties": {"count": 3, "vmSize": "Standard_D4s_v5",
        "upgradeSettings": {"maxSurge": "10%"}, "tags": {"a": "1"}}});
    let fragment = parse_fragment(
        "properties:\n  upgradeSettings:\n    maxUnavailable: 1\n  tags:\n    b: '2'\n  vmSize: null\n",
    )
    .unwrap();
    merge(&mut body, Body::Pool, STABLE, &fragment, false).unwrap();
    assert_eq!(
        body,
        json!({"properties": {"count": 3,
            "upgradeSettings": {"maxSurge": "10%", "maxUnavailable": "1"},
            "tags": {"a": "1", "b": "2"}}})
    );
    // A refusal leaves the body as it was.
    let before = body.clone();
    let bad = json!({"properties": {"count": 5, "provisioningState": "Succeeded"}});
    let e = merge(&mut body, Body::Pool, STABLE, &bad, false).unwrap_err();
    assert_eq!(e.path, "properties.provisioningState");
    assert_eq!(body, before);
    let bad = json!({"properties": {"osSku": "Ubuntu"}});
    let e = merge(&mut body, Body::Pool, STABLE, &bad, false).unwrap_err();
    assert!(e.message.contains("`properties.osSKU`"), "{e}");
    let e = merge(&mut body, Body::Pool, STABLE, &json!([1]), false).unwrap_err();
    assert!(e.message.contains("object"), "{e}");
}

#[test]
fn body_file_errors_name_the_file_and_the_property() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pool.json");
    std::fs::write(
        &file,
        r#"{"properties": {"kubeletConfig": {"cpuManagerPolicy": "static"}}}"#,
    )
    .unwrap();
    let mut body = json!({});
    merge_file(&mut body, Body::Pool, STABLE, &file, false).unwrap();
    assert_eq!(
        body["properties"]["kubeletConfig"]["cpuManagerPolicy"],
        json!("static")
    );
    std::fs::write(&file, "properties:\n  osSKU: Flatcar\n").unwrap();
    let e = merge_file(&mut body, Body::Pool, STABLE, &file, false).unwrap_err();
    let text = e.to_string();
    assert_eq!(e.exit_code(), 2);
    assert!(
        text.starts_with(&format!(
            "--body-file {}: properties.osSKU: ",
            file.display()
        )),
        "{text}"
    );
    std::fs::write(&file, "{not json").unwrap();
    let e = merge_file(&mut body, Body::Pool, STABLE, &file, false).unwrap_err();
    assert!(e.to_string().contains("not valid JSON"), "{e}");
}

#[test]
fn check_body_accepts_the_spec_examples() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/arm-specs");
    let read = |p: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(p)).unwrap()).unwrap()
    };
    let ex = read("containerservice/2026-08-01/examples/AgentPoolsCreate_OSSKU.json");
    let w = check_body(Body::Pool, STABLE, &ex["parameters"]["parameters"], false).unwrap();
    assert!(w.is_empty(), "{w:?}");
    let ex = read("containerservice/2026-08-01/examples/ManagedClustersCreate_OSSKU.json");
    // The example sends sku.name "Basic", outside the enum (arm-specs README §6).
    let e = check_body(
        Body::Cluster,
        STABLE,
        &ex["parameters"]["parameters"],
        false,
    )
    .unwrap_err();
    assert_eq!(e.path, "sku.name");
    let w = check_body(Body::Cluster, STABLE, &ex["parameters"]["parameters"], true).unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
}

#[test]
fn tables_are_complete_and_their_patterns_compile() {
    for version in API_VERSIONS {
        for kind in [Body::Cluster, Body::Pool] {
            let t = table(kind, version).unwrap();
            assert!(t.props.len() > 150, "{kind:?} {version}: {}", t.props.len());
            assert!(t.sources.iter().all(|s| s.contains(" sha256:")));
            assert!(t.sources[0].contains(version), "{:?}", t.sources);
            for p in &t.props {
                if let Some(pattern) = p.pattern {
                    assert!(set::compiled(pattern).is_some(), "{}: {pattern}", p.path);
                }
            }
        }
    }
    let pool = table(Body::Pool, STABLE).unwrap();
    let somaxconn = pool
        .get("properties.linuxOSConfig.sysctls.netCoreSomaxconn")
        .unwrap();
    assert_eq!(somaxconn.kind, Kind::Integer);
    assert!(pool.get("properties.provisioningState").unwrap().read_only);
}

/// The committed tables are what the generator makes from the committed specs.
#[test]
fn generated_tables_are_up_to_date() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new("python3")
        .arg(repo.join("scripts/gen-schema.py"))
        .arg("--out")
        .arg(out.path())
        .output();
    let run = match run {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "skipped: python3 is not available ({e}); cannot re-run scripts/gen-schema.py"
            );
            return;
        }
    };
    assert!(
        run.status.success(),
        "gen-schema.py failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let committed = repo.join("src/schema/generated");
    let mut n = 0;
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let entry = entry.unwrap();
        let fresh = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.file_name();
        let old = std::fs::read_to_string(committed.join(&name)).unwrap_or_default();
        assert!(
            fresh == old,
            "src/schema/generated/{} is stale: run scripts/gen-schema.py and commit the result",
            name.to_string_lossy()
        );
        n += 1;
    }
    assert_eq!(n, 4);
}

/// Every settable scalar path in every table, with a value the spec allows.
fn settable() -> Vec<(Body, &'static str, &'static Prop)> {
    let mut all = vec![];
    for version in API_VERSIONS {
        for kind in [Body::Cluster, Body::Pool] {
            for p in &table(kind, version).unwrap().props {
                if !p.read_only && p.kind.is_scalar() {
                    all.push((kind, *version, p));
                }
            }
        }
    }
    all
}

/// A value matching each pattern the tables carry.
fn pattern_example(pattern: &str) -> &'static str {
    match pattern {
        "^[a-z][a-z0-9]{0,11}$" => "pool1",
        "^[A-Za-z][-A-Za-z0-9_]*$" => "azureuser",
        p if p.contains("3[0-2]") => "10.0.0.0/16",
        p if p.starts_with("^(?:(?:25[0-5]") => "10.0.0.10",
        p if p.starts_with("[a-z0-9]([-a-z0-9]*") => "egress-gw",
        "^[a-z0-9]+(?:-[a-z0-9]+)*$" => "share-1",
        other => panic!("add an example for the new pattern {other}"),
    }
}

fn concrete(generic: &str) -> String {
    generic.replace("[]", "[0]").replace(".*", ".key1")
}

fn well_typed(p: &'static Prop) -> BoxedStrategy<(String, Value)> {
    if !p.enum_values.is_empty() {
        return proptest::sample::select(p.enum_values.clone())
            .prop_map(|v| (v.to_string(), json!(v)))
            .boxed();
    }
    if let Some(pattern) = p.pattern {
        let v = pattern_example(pattern);
        return Just((v.to_string(), json!(v))).boxed();
    }
    match p.kind {
        Kind::Integer => {
            let lo = p.min.map_or(0, |m| m as i64);
            let hi = p.max.map_or(lo + 100_000, |m| m as i64);
            (lo..=hi).prop_map(|i| (i.to_string(), json!(i))).boxed()
        }
        Kind::Number => {
            let lo = p.min.unwrap_or(-1000.0);
            let hi = p.max.unwrap_or(1000.0);
            (lo..=hi)
                // `f.to_string()` reads back as exactly `f` (Rust prints the shortest
                // round-tripping form); serde_json's own fast parse may not.
                .prop_map(|f| (f.to_string(), json!(f)))
                .boxed()
        }
        Kind::Boolean => any::<bool>()
            .prop_map(|b| (b.to_string(), json!(b)))
            .boxed(),
        _ => {
            let lo = p.min.map_or(0, |m| m as usize);
            let hi = p.max.map_or(lo + 30, |m| m as usize).max(lo);
            proptest::collection::vec(proptest::char::range('!', '~'), lo..=hi)
                .prop_map(|c| {
                    let s: String = c.into_iter().collect();
                    (s.clone(), json!(s))
                })
                .boxed()
        }
    }
}

fn at<'a>(mut v: &'a Value, generic: &str) -> &'a Value {
    for seg in generic.split('.') {
        let (name, idx) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (seg, false),
        };
        let name = if name == "*" { "key1" } else { name };
        v = &v[name];
        if idx {
            v = &v[0];
        }
    }
    v
}

proptest! {
    #[test]
    fn parse_set_never_panics_and_round_trips(arg in any::<String>()) {
        if let Ok((path, value)) = parse_set(&arg) {
            prop_assert_eq!(format!("{path}={value}"), arg);
        }
    }

    #[test]
    fn parse_set_round_trips_plain_paths(
        path in "[a-zA-Z][a-zA-Z0-9.]{0,30}",
        value in any::<String>(),
    ) {
        let (p, v) = parse_set(&format!("{path}={value}")).unwrap();
        prop_assert_eq!(p, path);
        prop_assert_eq!(v, value);
    }

    #[test]
    fn every_settable_path_takes_a_well_typed_value(
        (kind, version, prop, (raw, expected)) in proptest::sample::select(settable())
            .prop_flat_map(|(k, v, p)| (Just(k), Just(v), Just(p), well_typed(p)))
    ) {
        let mut body = json!({});
        let path = concrete(prop.path);
        let r = apply(&mut body, kind, version, &path, &raw, false);
        prop_assert!(r.is_ok(), "{:?} {} {}={:?}: {:?}", kind, version, path, raw, r);
        prop_assert_eq!(at(&body, prop.path), &expected, "{}", body);
    }

    #[test]
    fn apply_never_panics(path in "[a-zA-Z.\\[\\]0-9\"*]{0,40}", raw in any::<String>()) {
        let mut body = json!({});
        let _ = apply(&mut body, Body::Cluster, STABLE, &path, &raw, false);
    }
}
