//! The plan: the ordered steps a request needs, computed from current state
//! (GET first, reads only). Feature not Registered → register, wait, refresh the
//! provider; provider not Registered → refresh it; resource absent → PUT;
//! present and the same → nothing to do; present and different → refused
//! (never clobber). Creates carry `If-None-Match: *`, so a resource that appears
//! between this GET and the PUT is refused by ARM (412) rather than overwritten;
//! the executor then plans again. `--dry-run` prints it with the exact requests.

use crate::arm::{Arm, ArmRequest, Method};
use crate::core::catalog::{Minor, OsSku, FEATURE_NAMESPACE, PROVIDER_NAMESPACE};
use crate::core::request::{ClusterRequest, Diff, NodePoolRequest, PoolSpec};
use crate::core::Kind;
use crate::error::{AppError, AppResult};
use crate::shellquote::quote;
use serde::Serialize;

/// What is being provisioned.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per command run; not worth a Box
pub enum Target {
    Cluster(ClusterRequest),
    Pool(NodePoolRequest),
}

impl Target {
    pub fn pool(&self) -> &PoolSpec {
        match self {
            Target::Cluster(c) => &c.pool,
            Target::Pool(p) => &p.pool,
        }
    }

    /// "cluster rg/name" or "node pool rg/cluster/pool".
    pub fn describe(&self) -> String {
        match self {
            Target::Cluster(c) => format!("cluster {}/{}", c.resource_group, c.name),
            Target::Pool(p) => format!(
                "node pool {}/{}/{}",
                p.resource_group, p.cluster, p.pool.name
            ),
        }
    }

    /// The command that shows the resource.
    pub fn show_command(&self, flags: &str) -> String {
        match self {
            Target::Cluster(c) => format!(
                "aksos {flags}cluster show -g {} -n {}",
                quote(&c.resource_group),
                quote(&c.name)
            ),
            Target::Pool(p) => format!(
                "aksos {flags}nodepool show -g {} --cluster {} -n {}",
                quote(&p.resource_group),
                quote(&p.cluster),
                quote(&p.pool.name)
            ),
        }
    }
}

/// The plan for one target.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Feature to register first (namespace, name), if not yet Registered.
    pub register_feature: Option<(String, String)>,
    /// Re-register the provider (after a registration, or when not Registered).
    pub refresh_provider: bool,
    /// The PUT to send; `None` when the resource is already as asked.
    pub put: Option<ArmRequest>,
    /// Why nothing needs doing, when so.
    pub up_to_date: Option<String>,
    /// Kubernetes version chosen (`None`: AKS picks its default).
    pub kubernetes: Option<String>,
    /// Why that version ("asked", "newest in eastus that Ubuntu supports").
    pub kubernetes_why: Option<String>,
    /// The feature was already Registered when planned (a PreviewFeatureNotRegistered
    /// answer then means the provider was never refreshed: refresh and retry once).
    #[serde(skip)]
    pub feature_was_registered: bool,
    /// The region the resource goes to (a pool's: its cluster's), for the
    /// capability checks.
    #[serde(skip)]
    pub location: Option<String>,
}

/// One step of a plan, as data: the executor runs these in order, and
/// `--dry-run` shows them ([`describe`]) and their requests ([`Plan::writes`]).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Register a preview feature and wait until Registered.
    RegisterFeature { namespace: String, name: String },
    /// Re-register the resource provider and wait until Registered.
    RefreshProvider { namespace: &'static str },
    /// Send the PUT.
    Put { request: ArmRequest },
    /// Wait for the PUT's long-running operation to finish.
    WaitForOperation,
    /// Nothing to send: the resource is already as asked.
    UpToDate { why: String },
}

impl Plan {
    /// The plan as the steps the executor runs; `wait` adds the wait for the
    /// PUT's operation (absent under `--no-wait`).
    pub fn to_steps(&self, wait: bool) -> Vec<Step> {
        let mut out = vec![];
        if let Some((ns, name)) = &self.register_feature {
            out.push(Step::RegisterFeature {
                namespace: ns.clone(),
                name: name.clone(),
            });
        }
        if self.refresh_provider {
            out.push(Step::RefreshProvider {
                namespace: PROVIDER_NAMESPACE,
            });
        }
        match (&self.put, &self.up_to_date) {
            (Some(put), _) => {
                out.push(Step::Put {
                    request: put.clone(),
                });
                if wait {
                    out.push(Step::WaitForOperation);
                }
            }
            (None, Some(why)) => out.push(Step::UpToDate { why: why.clone() }),
            (None, None) => {}
        }
        out
    }

    /// The writes this plan sends, in order (for `--dry-run`).
    pub fn writes(&self, arm: &Arm) -> Vec<ArmRequest> {
        self.to_steps(false)
            .into_iter()
            .filter_map(|step| match step {
                Step::RegisterFeature { namespace, name } => {
                    Some(arm.register_feature_request(&namespace, &name))
                }
                Step::RefreshProvider { namespace } => {
                    Some(arm.register_provider_request(namespace))
                }
                Step::Put { request } => Some(request),
                Step::WaitForOperation | Step::UpToDate { .. } => None,
            })
            .collect()
    }

    /// "1.36 (newest in eastus that Ubuntu supports)", for text output.
    pub fn kubernetes_text(&self) -> Option<String> {
        match (&self.kubernetes, &self.kubernetes_why) {
            (Some(v), Some(why)) => Some(format!("{v} ({why})")),
            (Some(v), None) => Some(v.clone()),
            (None, why) => why.clone(),
        }
    }

    /// Human-readable steps (waiting for the operation, as a run without
    /// `--no-wait` does).
    pub fn steps(&self) -> Vec<String> {
        self.steps_for(true)
    }

    /// Human-readable steps; `wait` says whether the run waits for the operation
    /// (false under `--no-wait`).
    pub fn steps_for(&self, wait: bool) -> Vec<String> {
        describe(&self.to_steps(wait))
    }
}

/// The steps in words, one line each; a PUT and the wait for its operation
/// read as one line.
pub fn describe(steps: &[Step]) -> Vec<String> {
    let mut out = vec![];
    for (i, step) in steps.iter().enumerate() {
        match step {
            Step::RegisterFeature { namespace, name } => out.push(format!(
                "register feature {namespace}/{name} and wait until Registered"
            )),
            Step::RefreshProvider { namespace } => out.push(format!(
                "re-register provider {namespace} and wait until Registered"
            )),
            Step::Put { request } => {
                let waits = matches!(steps.get(i + 1), Some(Step::WaitForOperation));
                out.push(format!(
                    "{} (PUT at api-version {}){}",
                    request.context,
                    request.api_version().unwrap_or("?"),
                    if waits {
                        " and wait for the operation"
                    } else {
                        "; return once Azure accepted it (--no-wait)"
                    }
                ))
            }
            Step::WaitForOperation => {}
            Step::UpToDate { why } => out.push(format!("nothing to do: {why}")),
        }
    }
    out
}

/// Picks the newest generally available version the OS supports.
fn newest_supported(
    versions: &crate::arm::models::KubernetesVersionList,
    sku: Option<&OsSku>,
) -> Option<String> {
    let mut candidates: Vec<(Minor, &str)> = versions
        .values
        .iter()
        .filter(|v| v.is_preview != Some(true))
        .filter_map(|v| Some((Minor::parse(&v.version)?, v.version.as_str())))
        .filter(|(m, _)| sku.is_none_or(|s| s.supports_kubernetes(*m)))
        .collect();
    candidates.sort();
    candidates.last().map(|(_, v)| v.to_string())
}

/// Adds the feature registration / provider refresh a pool's OS needs.
pub async fn plan_feature(arm: &Arm, pool: &PoolSpec, plan: &mut Plan) -> AppResult<()> {
    let Some(flag) = pool.sku().and_then(|s| s.feature_flag) else {
        return Ok(());
    };
    let feature = arm.get_feature(FEATURE_NAMESPACE, flag).await?;
    if feature.is_registered() {
        plan.feature_was_registered = true;
        let provider = arm.get_provider(PROVIDER_NAMESPACE).await?;
        plan.refresh_provider = !provider.is_registered();
    } else {
        plan.register_feature = Some((FEATURE_NAMESPACE.to_string(), flag.to_string()));
        plan.refresh_provider = true;
    }
    Ok(())
}

/// An existing resource with other settings than asked: shown, never applied.
#[derive(Debug, Clone)]
pub struct Differs {
    /// "node pool rg/c/p".
    pub what: String,
    pub diffs: Vec<Diff>,
    /// What to do instead.
    pub fix: &'static str,
}

impl Differs {
    /// The refusal a single command reports (exit 2, naming `--name`).
    pub fn into_error(self) -> AppError {
        let lines: Vec<String> = self.diffs.iter().map(ToString::to_string).collect();
        AppError::usage(
            "--name",
            format!(
                "{} already exists with different settings, and aksos never overwrites:\n    {}\n  {}",
                self.what,
                lines.join("\n    "),
                self.fix
            ),
        )
    }
}

/// What planning found: a plan to run, or a resource that differs.
// One value per planned target, moved once: boxing the plan would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Planned {
    Ready(Plan),
    Differs(Differs),
}

fn state_is(state: Option<&str>, want: &str) -> bool {
    state.is_some_and(|s| s.eq_ignore_ascii_case(want))
}

/// " (still Creating: ...)" when the resource's operation has not finished.
fn in_flight_note(state: Option<&str>) -> String {
    match state {
        Some(s) if !s.eq_ignore_ascii_case("Succeeded") => {
            format!(" (its operation is still {s}; check it with `show`)")
        }
        _ => String::new(),
    }
}

/// A plan with nothing in it yet.
pub fn empty() -> Plan {
    Plan {
        register_feature: None,
        refresh_provider: false,
        put: None,
        up_to_date: None,
        kubernetes: None,
        kubernetes_why: None,
        feature_was_registered: false,
        location: None,
    }
}

/// Computes the plan for a target (reads only); an existing resource with
/// other settings is refused as an error (see [`plan`] for the typed answer).
pub async fn compute(arm: &Arm, target: &Target) -> AppResult<Plan> {
    match plan(arm, target).await? {
        Planned::Ready(plan) => Ok(plan),
        Planned::Differs(d) => Err(d.into_error()),
    }
}

/// Plans a target from current state (reads only): what to send, or how an
/// existing resource differs.
pub async fn plan(arm: &Arm, target: &Target) -> AppResult<Planned> {
    let mut plan = empty();
    match target {
        Target::Cluster(c) => {
            let existing = arm.get_cluster(&c.resource_group, &c.name).await?;
            let failed = existing
                .as_ref()
                .is_some_and(|e| state_is(e.properties.provisioning_state.as_deref(), "Failed"));
            if let Some(existing) = existing.filter(|_| !failed) {
                let state = existing.properties.provisioning_state.clone();
                let cluster_diffs = c.differences(&existing);
                let pools = existing
                    .properties
                    .agent_pool_profiles
                    .clone()
                    .unwrap_or_default();
                let raw = raw_differences(
                    c.body_json(c.pool.kubernetes_version.as_deref()),
                    serde_json::to_value(c.body(c.pool.kubernetes_version.as_deref()))
                        .expect("serialisable"),
                    {
                        // The system pool first, as in the body sent.
                        let mut e = serde_json::to_value(&existing).expect("serialisable");
                        let at = pools
                            .iter()
                            .position(|p| p.name.eq_ignore_ascii_case(&c.pool.name));
                        if let (Some(i), Some(list)) = (
                            at,
                            e.pointer_mut("/properties/agentPoolProfiles")
                                .and_then(|v| v.as_array_mut()),
                        ) {
                            list.swap(0, i);
                        }
                        e
                    },
                );
                let same = pools
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(&c.pool.name))
                    .map(|p| {
                        let mut d = cluster_diffs.clone();
                        d.extend(c.pool.differences(&p.properties));
                        d.extend(raw.clone());
                        d
                    });
                let fix = "choose another --name, or add a pool with `aksos nodepool add`";
                return match same {
                    Some(d) if d.is_empty() => {
                        plan.up_to_date = Some(format!(
                            "{} exists with pool {} on {}{}",
                            target.describe(),
                            c.pool.name,
                            c.pool.os_sku,
                            in_flight_note(state.as_deref())
                        ));
                        Ok(Planned::Ready(plan))
                    }
                    Some(diffs) => Ok(Planned::Differs(Differs {
                        what: target.describe(),
                        diffs,
                        fix,
                    })),
                    None => Ok(Planned::Differs(Differs {
                        what: target.describe(),
                        diffs: vec![Diff {
                            field: "agentPoolProfiles".into(),
                            have: format!("no pool named {}", c.pool.name),
                            want: c.pool.name.clone(),
                        }],
                        fix,
                    })),
                };
            }
            let version = match &c.pool.kubernetes_version {
                Some(v) => {
                    plan.kubernetes = Some(v.clone());
                    plan.kubernetes_why = Some("asked".into());
                    Some(v.clone())
                }
                None => match arm.kubernetes_versions(&c.location).await {
                    // Only an endpoint that is not there (a partial ARM, an old
                    // proxy) falls back; auth, throttling and garbage stay errors.
                    Err(e) if !matches!(e.status(), Some(404 | 405 | 501)) => return Err(e.into()),
                    Err(e) => {
                        // Without the list AKS picks its default; say so rather than fail.
                        tracing::info!("kubernetesVersions unavailable: {e}");
                        plan.kubernetes_why = Some(format!(
                            "AKS's default (the kubernetesVersions API answered {}; pass --kubernetes-version to choose)",
                            e.status().map(|s| format!("HTTP {s}")).unwrap_or_else(|| "an error".into())
                        ));
                        None
                    }
                    Ok(list) => {
                        let Some(v) = newest_supported(&list, c.pool.sku()) else {
                            return Err(AppError::usage(
                            "--kubernetes-version",
                            format!(
                                "{} offers no generally available Kubernetes version that {} supports ({})",
                                c.location,
                                c.pool.os_sku,
                                c.pool.sku().map(|s| s.kubernetes_range()).unwrap_or_default()
                            ),
                        ));
                        };
                        plan.kubernetes = Some(v.clone());
                        plan.kubernetes_why = Some(format!(
                            "newest in {} that {} supports",
                            c.location, c.pool.os_sku
                        ));
                        Some(v)
                    }
                },
            };
            plan_feature(arm, &c.pool, &mut plan).await?;
            let (body, _) = c
                .body_json(version.as_deref())
                .map_err(|p| raw_write_error(p, Kind::Cluster))?;
            let put = ArmRequest::new(
                Method::Put,
                crate::arm::ops::paths::cluster(
                    &arm.subscription,
                    &c.resource_group,
                    &c.name,
                    c.pool.api_version(),
                ),
                format!("create {}", target.describe()),
            )
            .with_body(body);
            // A create never overwrites: `If-None-Match: *` makes ARM refuse (412)
            // if the cluster appeared since the GET. Re-creating over a Failed
            // cluster is an update of that resource, so it goes without.
            plan.put = Some(if failed { put } else { put.create_only() });
        }
        Target::Pool(p) => {
            let cluster = arm
                .get_cluster_required(&p.resource_group, &p.cluster, || {
                    format!(
                        "no cluster {} in resource group {}; create it first with `aksos cluster create -g {} -n {} -l LOCATION --os-sku {}`",
                        p.cluster,
                        p.resource_group,
                        quote(&p.resource_group),
                        quote(&p.cluster),
                        quote(&p.pool.os_sku)
                    )
                })
                .await?;
            check_cluster_fits(&cluster, &p.pool)?;
            plan.location = Some(cluster.location.clone());
            plan.kubernetes = cluster.kubernetes_version().map(str::to_string);
            plan.kubernetes_why = plan.kubernetes.as_ref().map(|_| "the cluster's".into());
            if let Some(existing) = arm
                .get_pool(&p.resource_group, &p.cluster, &p.pool.name)
                .await?
            {
                let mut diffs = p.pool.differences(&existing.properties);
                diffs.extend(raw_differences(
                    p.body_json(),
                    serde_json::to_value(p.body()).expect("serialisable"),
                    serde_json::to_value(&existing).expect("serialisable"),
                ));
                if diffs.is_empty() {
                    plan.up_to_date =
                        Some(format!("{} exists on {}", target.describe(), p.pool.os_sku));
                    return Ok(Planned::Ready(plan));
                }
                return Ok(Planned::Differs(Differs {
                    what: target.describe(),
                    diffs,
                    fix: "choose another --name (pool names are per cluster)",
                }));
            }
            plan_feature(arm, &p.pool, &mut plan).await?;
            let (body, _) = p.body_json().map_err(|e| raw_write_error(e, Kind::Pool))?;
            plan.put = Some(
                ArmRequest::new(
                    Method::Put,
                    crate::arm::ops::paths::pool(
                        &arm.subscription,
                        &p.resource_group,
                        &p.cluster,
                        &p.pool.name,
                        p.pool.api_version(),
                    ),
                    format!("create {}", target.describe()),
                )
                .with_body(body)
                .create_only(),
            );
        }
    }
    Ok(Planned::Ready(plan))
}

/// How `existing` differs in what `--set`, `--body-file` or `properties:`
/// ask for (nothing when there are none).
fn raw_differences(
    merged: Result<(serde_json::Value, Vec<String>), Vec<crate::core::Problem>>,
    base: serde_json::Value,
    existing: serde_json::Value,
) -> Vec<Diff> {
    match merged {
        Ok((merged, _)) => crate::core::body::differences(&base, &merged, &existing),
        Err(_) => vec![],
    }
}

/// A raw write that preflight accepted and the plan cannot apply (not
/// expected): reported as preflight would, naming the flag.
fn raw_write_error(problems: Vec<crate::core::Problem>, kind: Kind) -> AppError {
    crate::core::problems_error(problems, |f| crate::core::fields::flag(kind, f))
}

/// Whether `cluster` can take a pool on `sku` as it is: its Kubernetes
/// version is in the OS's range and its node OS upgrade channel is one the OS
/// accepts. `Err` says why not and the complete command that makes it suit
/// (the wizard lists such clusters as "not offered"; a plan refuses them).
pub fn cluster_suits_os(
    cluster: &crate::arm::models::ManagedCluster,
    sku: &crate::core::catalog::OsSku,
) -> Result<(), String> {
    let rg = cluster
        .id
        .as_deref()
        .and_then(|id| {
            let mut parts = id.split('/');
            parts.find(|p| p.eq_ignore_ascii_case("resourceGroups"))?;
            parts.next()
        })
        .unwrap_or("RG");
    let name = cluster.name.as_deref().unwrap_or("CLUSTER");
    if let Some(v) = cluster.kubernetes_version().and_then(Minor::parse) {
        if !sku.supports_kubernetes(v) {
            return Err(format!(
                "{} supports Kubernetes {}, and the cluster runs {v}; upgrade the cluster first: az aks upgrade -g {} -n {} --kubernetes-version VERSION (or choose another OS)",
                sku.api_value,
                sku.kubernetes_range(),
                quote(rg),
                quote(name)
            ));
        }
    }
    let channel = cluster.node_os_upgrade_channel().unwrap_or("NodeImage");
    if !sku.node_os_channels.is_empty()
        && !sku
            .node_os_channels
            .iter()
            .any(|c| c.eq_ignore_ascii_case(channel))
    {
        return Err(format!(
            "{} needs the cluster's node OS upgrade channel to be {}, and it is {channel}; change it first: az aks update -g {} -n {} --node-os-upgrade-channel {}",
            sku.api_value,
            sku.node_os_channels.join(" or "),
            quote(rg),
            quote(name),
            sku.node_os_channels[0]
        ));
    }
    Ok(())
}

/// The parent cluster must suit the OS ([`cluster_suits_os`]), and a pool's
/// Kubernetes version cannot be newer than the control plane.
pub fn check_cluster_fits(
    cluster: &crate::arm::models::ManagedCluster,
    pool: &PoolSpec,
) -> AppResult<()> {
    let Some(sku) = pool.sku() else {
        return Ok(());
    };
    cluster_suits_os(cluster, sku).map_err(|m| AppError::usage("--os-sku", m))?;
    if let (Some(want), Some(have)) = (
        pool.kubernetes_version.as_deref().and_then(Minor::parse),
        cluster.kubernetes_version().and_then(Minor::parse),
    ) {
        if want > have {
            return Err(AppError::usage(
                "--kubernetes-version",
                format!("{want} is newer than the cluster's control plane ({have}); omit the flag to use the cluster's version"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::ops::paths;
    use crate::core::{preflight, ClusterInput, PoolInput};
    use crate::testing::{run, FakeArm, SUB};
    use serde_json::json;

    const API: &str = crate::core::catalog::api_version::AKS_STABLE;

    fn pool_target(os_sku: &str, count: i64) -> Target {
        let input = ClusterInput {
            resource_group: Some("rg1".into()),
            name: Some("c1".into()),
            pool: PoolInput {
                name: Some("p1".into()),
                os_sku: Some(os_sku.into()),
                count: Some(count),
                ..Default::default()
            },
            ..Default::default()
        };
        Target::Pool(preflight::pool(&input).unwrap().0)
    }

    fn with_cluster(fake: &FakeArm) {
        fake.on(
            Method::Get,
            &paths::cluster(SUB, "rg1", "c1", API),
            200,
            json!({"name": "c1", "location": "eastus", "properties": {"kubernetesVersion": "1.35.1"}}),
        );
    }

    #[test]
    fn a_missing_pool_is_planned_as_one_create_only_put_after_reads() {
        let fake = FakeArm::new();
        with_cluster(&fake);
        let t = pool_target("AzureContainerLinux", 2);
        let Planned::Ready(plan) = run(plan(&fake.arm(), &t)).unwrap() else {
            panic!("differs")
        };
        let put = plan.put.as_ref().expect("a PUT");
        assert!(put.if_none_match, "a create never overwrites");
        assert_eq!(put.body.as_ref().unwrap()["properties"]["count"], 2);
        assert!(plan.register_feature.is_none() && !plan.refresh_provider);
        assert_eq!(plan.kubernetes.as_deref(), Some("1.35.1"));
        assert!(fake.writes().is_empty(), "planning only reads");
    }

    #[test]
    fn an_existing_pool_with_other_settings_differs_field_by_field() {
        let fake = FakeArm::new();
        with_cluster(&fake);
        fake.on(
            Method::Get,
            &paths::pool(SUB, "rg1", "c1", "p1", API),
            200,
            json!({"name": "p1", "properties": {"osSKU": "Ubuntu", "vmSize": crate::core::catalog::defaults::VM_SIZE, "count": 5, "mode": "User"}}),
        );
        let t = pool_target("Ubuntu", 3);
        let Planned::Differs(d) = run(plan(&fake.arm(), &t)).unwrap() else {
            panic!("expected a difference")
        };
        assert_eq!(
            d.diffs,
            [Diff {
                field: "count".into(),
                have: "5".into(),
                want: "3".into()
            }]
        );
        // The single-command door reports it as a refusal naming the field.
        let e = d.into_error();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("count: 5 → 3"), "{e}");
    }

    #[test]
    fn a_preview_os_registers_its_feature_and_refreshes_the_provider_first() {
        let fake = FakeArm::new();
        with_cluster(&fake);
        let sku = crate::core::catalog::find("Ubuntu2604").unwrap();
        let flag = sku.feature_flag.unwrap();
        fake.on(
            Method::Get,
            &paths::feature(SUB, FEATURE_NAMESPACE, flag),
            200,
            json!({"name": flag, "properties": {"state": "NotRegistered"}}),
        );
        fake.on(
            Method::Get,
            &paths::cluster(SUB, "rg1", "c1", API),
            200,
            json!({"name": "c1", "location": "eastus", "properties": {"kubernetesVersion": "1.36.0"}}),
        );
        let t = pool_target("Ubuntu2604", 1);
        let Planned::Ready(plan) = run(plan(&fake.arm(), &t)).unwrap() else {
            panic!("differs")
        };
        assert_eq!(
            plan.register_feature,
            Some((FEATURE_NAMESPACE.to_string(), flag.to_string()))
        );
        assert!(plan.refresh_provider);
        let steps = plan.steps();
        assert!(
            steps[0].contains(flag) && steps[1].contains("provider"),
            "{steps:?}"
        );
    }

    #[test]
    fn a_plan_is_steps_and_its_writes_and_words_come_from_them() {
        let mut plan = empty();
        plan.register_feature = Some((FEATURE_NAMESPACE.into(), "Flag".into()));
        plan.refresh_provider = true;
        plan.put = Some(ArmRequest::new(
            Method::Put,
            paths::pool(SUB, "rg1", "c1", "p1", API),
            "create node pool p1",
        ));
        let kinds = |wait| -> Vec<String> {
            plan.to_steps(wait)
                .iter()
                .map(|s| {
                    serde_json::to_value(s).unwrap()["step"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(
            kinds(true),
            [
                "register_feature",
                "refresh_provider",
                "put",
                "wait_for_operation"
            ]
        );
        assert_eq!(
            kinds(false),
            ["register_feature", "refresh_provider", "put"]
        );
        let fake = FakeArm::new();
        let writes: Vec<String> = plan
            .writes(&fake.arm())
            .iter()
            .map(|r| format!("{:?} {}", r.method, r.context))
            .collect();
        assert_eq!(writes.len(), 3, "{writes:?}");
        assert!(writes[2].ends_with("create node pool p1"), "{writes:?}");
        let words = plan.steps_for(true);
        assert_eq!(words.len(), 3, "the wait reads with its PUT: {words:?}");
        assert!(
            words[2].ends_with("and wait for the operation"),
            "{words:?}"
        );
        assert!(plan.steps_for(false)[2].ends_with("(--no-wait)"));
    }
}
