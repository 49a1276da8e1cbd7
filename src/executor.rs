//! The executor: runs a [`Plan`] through the ARM client with progress — register
//! and wait for the feature, refresh and wait for the provider, PUT and wait for
//! the operation — each wait bounded by `--timeout` and interruptible by Ctrl-C
//! with a hint naming what keeps running in Azure. A 409 OperationNotAllowed
//! (another operation on the cluster) is waited out; a PreviewFeatureNotRegistered
//! on an already-registered feature triggers one provider refresh and a retry.

use crate::arm::lro::{wait_feature, wait_operation, wait_provider};
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
        let ns = PROVIDER_NAMESPACE;
        self.s.arm.register_provider(ns).await?;
        done.push(format!("re-registration of provider {ns} requested"));
        let mut step = self.reporter.step(format!("provider {ns}"));
        step.update("Registering", None);
        let hint = format!("aksos {}provider show {ns}", self.s.replay_flags);
        let r = bounded(
            async {
                wait_provider(&self.s.arm, ns, self.s.cadence, |p| {
                    step.update(&p.state, None)
                })
                .await
                .map_err(AppError::from)
            },
            self.left(),
            &format!("provider {ns} to re-register"),
            &hint,
        )
        .await;
        finish(step, r, "Registered")?;
        done.pop();
        done.push(format!("provider {ns} refreshed"));
        Ok(())
    }

    async fn register_feature(
        &self,
        ns: &str,
        name: &str,
        done: &mut Vec<String>,
    ) -> AppResult<()> {
        let f = self.s.arm.register_feature(ns, name).await?;
        done.push(format!("registration of feature {name} requested"));
        let mut step = self.reporter.step(format!("feature {name}"));
        step.update(f.state(), None);
        if f.is_registered() {
            step.finish("Registered");
            done.pop();
            done.push(format!("feature {name} registered"));
            return Ok(());
        }
        let hint = format!("aksos {}feature show {name}", self.s.replay_flags);
        let r = bounded(
            async {
                wait_feature(&self.s.arm, ns, name, self.s.cadence, |p| {
                    step.update(&p.state, None)
                })
                .await
                .map_err(AppError::from)
            },
            self.left(),
            &format!("feature {name} to become Registered"),
            &hint,
        )
        .await;
        finish(step, r, "Registered")?;
        done.pop();
        done.push(format!("feature {name} registered"));
        Ok(())
    }

    /// PUT, waiting out 409 OperationNotAllowed (another operation on the cluster).
    async fn put(&self, req: &ArmRequest) -> Result<Accepted<Value>, ArmError> {
        let mut wait = Duration::from_millis(500).max(self.s.cadence.first);
        loop {
            match self.s.arm.put::<Value>(req).await {
                Err(e)
                    if e.status() == Some(409)
                        && e.code() == "OperationNotAllowed"
                        && self.left() > wait =>
                {
                    tracing::info!("cluster busy (409 OperationNotAllowed); retrying in {wait:?}");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
                other => return other,
            }
        }
    }
}

fn finish<T>(step: crate::progress::Step, r: AppResult<T>, ok: &str) -> AppResult<T> {
    match &r {
        Ok(_) => step.finish(ok),
        Err(e) => step.fail(&first_line(e)),
    }
    r
}

fn first_line(e: &AppError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
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
    let mut done = Vec::new();
    let result = run_plan(s, target, plan, no_wait, tty, &mut done).await;
    if result.is_err() {
        report_done(&done);
    }
    result
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

async fn run_plan(
    s: &Session,
    target: &Target,
    plan: &Plan,
    no_wait: bool,
    tty: bool,
    done: &mut Vec<String>,
) -> AppResult<Outcome> {
    let run = Run {
        s,
        reporter: Reporter::new(tty),
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
        finish(step, r, "Succeeded")?;
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
