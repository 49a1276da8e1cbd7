//! Live capability preflight: ask Azure what it would refuse, and refuse first.
//!
//! Before any write, `cluster create` and `nodepool add` (also under
//! `--dry-run`) read two things about the target region — reads only:
//!
//! * the VM sizes Microsoft.Compute offers there ([`ops`], resource SKUs with
//!   their capabilities, zones and restrictions), and
//! * the subscription's compute usages there (vCPUs per size family and in
//!   total, against their limits),
//!
//! then the pure checks in [`check`] compare them with the pool: the size
//! exists (else the closest names), offers Generation 2 / Trusted Launch / the
//! CPU architecture the OS needs (from [`crate::core::catalog`]), the zones asked and
//! an ephemeral OS disk when asked, and the quota covers the nodes. Each
//! refusal is exit 2 naming the flag and the fix; nothing is written.
//!
//! Reads are cached per run and region ([`Cache`]), so an apply file with many
//! pools in one region reads it once. `--skip-capability-checks` skips them
//! (air-gapped endpoints, identities without `Microsoft.Compute/skus/read`).

pub mod check;
pub mod models;
pub mod ops;

pub use check::{check_pool, fitting_sizes, PoolAsk, Problem, Severity};
pub use models::{ResourceSku, Usage};

use crate::arm::{Arm, ArmError};
use crate::core::plan::{Plan, Target};
use crate::core::request::PoolSpec;
use crate::core::{Field, Kind};
use crate::error::{AppError, AppResult};
use crate::io::output::Ui;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::OnceCell;

/// What Azure said about one region.
#[derive(Debug, Clone, Default)]
pub struct RegionCapabilities {
    pub location: String,
    pub skus: Vec<ResourceSku>,
    pub usages: Vec<Usage>,
}

type Key = (String, String, String);

/// One read per (endpoint, subscription, region) for the life of the cache;
/// a failed read is not cached (the next caller tries again).
#[derive(Default)]
pub struct Cache {
    entries: Mutex<HashMap<Key, Arc<OnceCell<Arc<RegionCapabilities>>>>>,
}

impl Cache {
    pub fn new() -> Self {
        Cache::default()
    }

    /// The cache of this run (one process is one run).
    pub fn global() -> &'static Cache {
        static CACHE: OnceLock<Cache> = OnceLock::new();
        CACHE.get_or_init(Cache::new)
    }

    /// The region's SKUs and usages, read once.
    pub async fn region(
        &self,
        arm: &Arm,
        location: &str,
    ) -> Result<Arc<RegionCapabilities>, ArmError> {
        let norm: String = location
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let key = (
            arm.client.base_url().to_string(),
            arm.subscription.to_ascii_lowercase(),
            norm,
        );
        let cell = self
            .entries
            .lock()
            .expect("capability cache lock")
            .entry(key)
            .or_default()
            .clone();
        cell.get_or_try_init(|| async {
            let (skus, usages) =
                futures::future::try_join(arm.list_skus(location), arm.list_usages(location))
                    .await?;
            Ok(Arc::new(RegionCapabilities {
                location: location.to_string(),
                skus,
                usages,
            }))
        })
        .await
        .cloned()
    }
}

/// Turns problems into the command's answer: warnings printed, errors as one
/// exit-2 error (several: each listed).
pub fn verdict(problems: Vec<Problem>, ui: &Ui) -> AppResult<()> {
    named_verdict(
        problems
            .into_iter()
            .map(|p| (p.flag.to_string(), p))
            .collect(),
        ui,
    )
}

/// The hook the provisioning flow calls once the plan is known and before
/// anything is written (or printed under `--dry-run`). Skipped when asked, or
/// when the plan writes nothing.
pub async fn preflight(
    arm: &Arm,
    target: &Target,
    plan: &Plan,
    skip: bool,
    ui: &Ui,
) -> AppResult<()> {
    if plan.put.is_none() {
        return Ok(());
    }
    if skip {
        ui.note("capability checks skipped (--skip-capability-checks): Azure will judge the VM size, zones and quota itself");
        return Ok(());
    }
    let location = match target {
        Target::Cluster(c) => c.location.as_str(),
        Target::Pool(_) => match plan.location.as_deref() {
            Some(l) => l,
            None => return Ok(()),
        },
    };
    let Some(region) = read_region(arm, location, ui).await? else {
        return Ok(());
    };
    let ask = PoolAsk::from_spec(target.pool(), location);
    verdict(check_pool(&region.skus, &region.usages, &ask), ui)
}

/// The region's capabilities through the run's [`Cache`]; `None` (with a
/// warning) when the endpoint does not serve these reads.
async fn read_region(
    arm: &Arm,
    location: &str,
    ui: &Ui,
) -> AppResult<Option<Arc<RegionCapabilities>>> {
    match Cache::global().region(arm, location).await {
        Ok(r) => Ok(Some(r)),
        // Only an endpoint that does not serve these reads (a partial ARM, an
        // old proxy) is passed over; auth, throttling and garbage stay errors.
        Err(e) if matches!(e.status(), Some(404 | 405 | 501)) => {
            ui.warn(&format!(
                "capability checks skipped: {} answered HTTP {} (pass --skip-capability-checks to silence this)",
                e.context,
                e.status().unwrap_or_default()
            ));
            Ok(None)
        }
        Err(e) => {
            if e.status() == Some(403) {
                ui.note("the identity cannot read Microsoft.Compute SKUs or usages (Reader on the subscription is enough); pass --skip-capability-checks to go without the capability checks");
            }
            Err(e.into())
        }
    }
}

/// One pool an apply file asks for: where its keys live in the file
/// (`clusters[1].systemPool.` or `clusters[1].nodePools[0].`), how its keys
/// are spelled there, its region and its spec.
pub struct FilePool<'a> {
    pub at: String,
    pub kind: Kind,
    pub location: &'a str,
    pub spec: &'a PoolSpec,
}

/// `apply`'s capability checks, before any write: every pool against its
/// region (read once per region through the [`Cache`]), each refusal named
/// by its path in the file (`clusters[1].nodePools[0].vmSize`).
pub async fn preflight_file(arm: &Arm, pools: &[FilePool<'_>], ui: &Ui) -> AppResult<()> {
    let mut named = vec![];
    for p in pools {
        let Some(region) = read_region(arm, p.location, ui).await? else {
            continue;
        };
        let ask = PoolAsk::from_spec(p.spec, p.location);
        for problem in check_pool(&region.skus, &region.usages, &ask) {
            let key = field_of_flag(problem.flag)
                .map(|f| crate::core::fields::apply_key(p.kind, f))
                .unwrap_or_else(|| problem.flag.trim_start_matches('-').to_string());
            named.push((format!("{}{key}", p.at), problem));
        }
    }
    named_verdict(named, ui)
}

/// The field a capability problem's flag (`--node-vm-size`) belongs to.
fn field_of_flag(flag: &str) -> Option<Field> {
    let long = flag.trim_start_matches('-');
    crate::core::fields::FIELDS
        .iter()
        .find(|d| {
            [d.cluster_flag, d.pool_flag]
                .into_iter()
                .flatten()
                .any(|f| f.long == long || f.alias == Some(long))
        })
        .map(|d| d.field)
}

/// [`verdict`] for problems named by something other than their flag.
fn named_verdict(problems: Vec<(String, Problem)>, ui: &Ui) -> AppResult<()> {
    let hint = "\n  (checked against Azure's answer for the region; --skip-capability-checks sends it anyway)";
    let mut errors = vec![];
    for (name, p) in problems {
        if p.is_error() {
            errors.push(AppError::usage(name, p.message));
        } else {
            ui.warn(&format!("{name}: {}", p.message));
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => match errors.remove(0) {
            AppError::Usage { flag, message } => Err(AppError::usage(flag, message + hint)),
            other => Err(other),
        },
        _ => {
            ui.note(hint.trim());
            Err(AppError::UsageMany(errors))
        }
    }
}
