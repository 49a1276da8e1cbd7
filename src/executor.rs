//! The executor: runs a [`Plan`] through the ARM client with progress — register
//! and wait for the feature, refresh and wait for the provider, PUT and wait for
//! the operation — each wait bounded by `--timeout` and interruptible by Ctrl-C
//! with a hint naming what keeps running in Azure. A 409 OperationNotAllowed
//! (another operation on the cluster) is waited out; a PreviewFeatureNotRegistered
//! on an already-registered feature triggers one provider refresh and a retry.

use crate::arm::lro::{wait_feature, wait_operation, wait_provider};
use crate::arm::models::{Feature, Provider};
use crate::arm::ops::Accepted;
use crate::arm::{ArmError, ArmRequest};
use crate::catalog::PROVIDER_NAMESPACE;
use crate::config::Session;
use crate::error::{AppError, AppResult};
use crate::plan::{Plan, Target};
use crate::progress::{bounded, Reporter};
use serde_json::Value;
use std::time::{Duration, Instant};

/// How the run ended.
pub enum Outcome {
    /// The resource as Azure reports it after the operation.
    Done(Value),
    /// `--no-wait`: accepted; poll URL if any.
    Accepted { poll_url: Option<String> },
}

struct Run<'a> {
    s: &'a Session,
    reporter: Reporter,
    start: Instant,
}

impl Run<'_> {
    fn left(&self) -> Duration {
        self.s.timeout.saturating_sub(self.start.elapsed())
    }

    async fn refresh_provider(&self, done: &mut Vec<String>) -> AppResult<()> {
        refresh_provider(
            self.s,
            &self.reporter,
            PROVIDER_NAMESPACE,
            self.left(),
            done,
        )
        .await
        .map(|_| ())
    }

    async fn register_feature(
        &self,
        ns: &str,
        name: &str,
        done: &mut Vec<String>,
    ) -> AppResult<()> {
        let f = self.s.arm.register_feature(ns, name).await?;
        done.push(format!("registration of feature {name} requested"));
        wait_for_feature(self.s, &self.reporter, ns, name, &f, self.left()).await?;
        done.pop();
        done.push(format!("feature {name} registered"));
        Ok(())
    }

    /// PUT, waiting out 409 OperationNotAllowed (another operation on the
    /// cluster) until the deadline; a 409 that outlasts it is a timeout (exit 5).
    async fn put(&self, req: &ArmRequest) -> Result<Accepted<Value>, ArmError> {
        let mut wait = Duration::from_millis(500).max(self.s.cadence.first);
        let mut busy: Option<ArmError> = None;
        loop {
            match self.s.arm.put::<Value>(req).await {
                Err(e) if e.status() == Some(409) && e.code() == "OperationNotAllowed" => {
                    let left = self.left();
                    if left.is_zero() {
                        return Err(e.at_deadline());
                    }
                    tracing::info!("cluster busy (409 OperationNotAllowed); retrying in {wait:?}");
                    tokio::time::sleep(wait.min(left)).await;
                    wait = (wait * 2).min(Duration::from_secs(30));
                    busy = Some(e);
                }
                // The deadline cut the retry: report what kept it waiting.
                Err(e) if e.is_timeout() => return Err(busy.map_or(e, ArmError::at_deadline)),
                other => return other,
            }
        }
    }
}

/// Waits, with a progress step, until a feature whose last known state is
/// `current` becomes Registered (returns at once when it already is).
pub async fn wait_for_feature(
    s: &Session,
    reporter: &Reporter,
    ns: &str,
    name: &str,
    current: &Feature,
    deadline: Duration,
) -> AppResult<Feature> {
    let mut step = reporter.step(format!("feature {name}"));
    step.update(current.state(), None);
    if current.is_registered() {
        step.finish("Registered");
        return Ok(current.clone());
    }
    let hint = format!("aksos {}feature show {name}", s.replay_flags);
    let r = bounded(
        async {
            wait_feature(&s.arm, ns, name, s.cadence, |p| step.update(&p.state, None))
                .await
                .map_err(AppError::from)
        },
        deadline,
        &format!("feature {name} to become Registered"),
        &hint,
    )
    .await;
    step.settle(r, "Registered")
}

/// Registers (or re-registers) a provider and waits, with a progress step,
/// until it is Registered. `done` records what Azure accepted.
pub async fn refresh_provider(
    s: &Session,
    reporter: &Reporter,
    ns: &str,
    deadline: Duration,
    done: &mut Vec<String>,
) -> AppResult<Provider> {
    let first = s.arm.register_provider(ns).await?;
    done.push(format!("re-registration of provider {ns} requested"));
    let mut step = reporter.step(format!("provider {ns}"));
    step.update(first.state(), None);
    if first.is_registered() {
        step.finish("Registered");
        done.pop();
        done.push(format!("provider {ns} refreshed"));
        return Ok(first);
    }
    let hint = format!("aksos {}provider show {ns}", s.replay_flags);
    let r = bounded(
        async {
            wait_provider(&s.arm, ns, s.cadence, |p| step.update(&p.state, None))
                .await
                .map_err(AppError::from)
        },
        deadline,
        &format!("provider {ns} to register"),
        &hint,
    )
    .await;
    let p = step.settle(r, "Registered")?;
    done.pop();
    done.push(format!("provider {ns} refreshed"));
    Ok(p)
}

/// When a run stops part-way, says on stderr what Azure already accepted.
pub fn report_done(done: &[String]) {
    if !done.is_empty() {
        eprintln!(
            "done before it stopped: {}.\nRe-running the same command continues from there (it checks state first and never repeats a finished step).",
            done.join("; ")
        );
    }
}

/// Runs the plan. The caller has printed the plan and confirmed. When it stops
/// part-way, stderr says what was already done and that a re-run continues.
pub async fn execute(
    s: &Session,
    target: &Target,
    plan: &Plan,
    no_wait: bool,
    tty: bool,
) -> AppResult<Outcome> {
    execute_with(s, target, plan, no_wait, Reporter::new(tty)).await
}

/// [`execute`] reporting through the caller's `reporter` (several runs can share
/// one progress display, or report nothing with [`Reporter::quiet`]). When it
/// stops part-way, stderr says what was already done and that a re-run continues.
pub async fn execute_with(
    s: &Session,
    target: &Target,
    plan: &Plan,
    no_wait: bool,
    reporter: Reporter,
) -> AppResult<Outcome> {
    let mut done = Vec::new();
    let result = run_plan(s, target, plan, no_wait, reporter, &mut done).await;
    if result.is_err() {
        report_done(&done);
    }
    result
}

async fn run_plan(
    s: &Session,
    target: &Target,
    plan: &Plan,
    no_wait: bool,
    reporter: Reporter,
    done: &mut Vec<String>,
) -> AppResult<Outcome> {
    let run = Run {
        s,
        reporter,
        start: Instant::now(),
    };
    if let Some((ns, name)) = &plan.register_feature {
        run.register_feature(ns, name, done).await?;
    }
    if plan.refresh_provider {
        run.refresh_provider(done).await?;
    }
    let Some(put) = &plan.put else {
        return Ok(Outcome::Done(Value::Null));
    };
    let accepted = match run.put(put).await {
        Err(e)
            if e.code() == "PreviewFeatureNotRegistered"
                && plan.feature_was_registered
                && !plan.refresh_provider =>
        {
            tracing::info!(
                "feature registered but provider not refreshed since; refreshing and retrying once"
            );
            run.refresh_provider(done).await?;
            run.put(put).await?
        }
        other => other?,
    };
    done.push(format!("PUT of {} accepted by Azure", target.describe()));
    let show = target.show_command(&s.replay_flags);
    if no_wait {
        return Ok(Outcome::Accepted {
            poll_url: accepted.poll_url,
        });
    }
    if let Some(url) = &accepted.poll_url {
        let mut step = run.reporter.step(target.describe());
        step.update("InProgress", None);
        let r = bounded(
            async {
                wait_operation(
                    &s.arm,
                    url,
                    &put.context,
                    accepted.retry_after,
                    s.cadence,
                    |p| step.update(&p.state, p.percent),
                )
                .await
                .map_err(AppError::from)
            },
            run.left(),
            &format!("{} to finish", target.describe()),
            &show,
        )
        .await;
        step.settle(r, "Succeeded")?;
    }
    let final_resource = match target {
        Target::Cluster(c) => s
            .arm
            .get_cluster(&c.resource_group, &c.name)
            .await?
            .map(|r| serde_json::to_value(r).expect("serialisable")),
        Target::Pool(p) => s
            .arm
            .get_pool(&p.resource_group, &p.cluster, &p.pool.name)
            .await?
            .map(|r| serde_json::to_value(r).expect("serialisable")),
    };
    Ok(Outcome::Done(final_resource.unwrap_or(accepted.resource)))
}
