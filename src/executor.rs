//! The executor: runs a [`Plan`] through the ARM client with progress — register
//! and wait for the feature, refresh and wait for the provider, PUT and wait for
//! the operation — each wait bounded by `--timeout` and interruptible by Ctrl-C
//! with a hint naming what keeps running in Azure. A 409 OperationNotAllowed
//! (another operation on the cluster) is waited out, within the deadline and
//! until Ctrl-C; after a 409 or 412 a create is planned again from fresh state
//! rather than re-sent (never overwrite); a PreviewFeatureNotRegistered
//! on an already-registered feature triggers one provider refresh and a retry.

use crate::arm::lro::{wait_feature, wait_operation, wait_provider};
use crate::arm::models::{Feature, Provider};
use crate::arm::ops::Accepted;
use crate::arm::ArmRequest;
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

    /// Sends the plan's PUT. A 409 `OperationNotAllowed` (another operation on
    /// the cluster) is waited out; after it, and after any 412 (the resource
    /// appeared since the plan: `If-None-Match: *` refused) or other 409 on a
    /// create, the plan is made again from fresh state instead of re-sending a
    /// stale body: the resource now exists as asked → `None` (nothing to do);
    /// exists with other settings → refused, naming it; still absent → the
    /// fresh PUT. Stops at the deadline (exit 5) and at Ctrl-C (exit 130).
    async fn put(&self, target: &Target, first: &ArmRequest) -> AppResult<Option<Accepted<Value>>> {
        let mut req = first.clone();
        let mut wait = Duration::from_millis(500).max(self.s.cadence.first);
        let mut refused = 0;
        loop {
            if crate::cancel::is_interrupted() {
                return Err(not_sent(target));
            }
            match self.s.arm.put::<Value>(&req).await {
                Ok(a) => return Ok(Some(a)),
                Err(e) if e.status() == Some(409) && e.code() == "OperationNotAllowed" => {
                    tracing::info!("cluster busy (409 OperationNotAllowed); retrying in {wait:?}");
                    self.pause(wait, target).await?;
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
                Err(e) if req.if_none_match && matches!(e.status(), Some(409 | 412)) => {
                    // A server that keeps refusing while the GET says absent is
                    // not waited on forever.
                    refused += 1;
                    if refused > 3 {
                        return Err(e.into());
                    }
                    tracing::info!(
                        "{} refused (HTTP {}); planning again from fresh state",
                        req.context,
                        e.status().unwrap_or_default()
                    );
                }
                Err(e) => return Err(e.into()),
            }
            if !req.if_none_match {
                // An update (in-place migration) keeps its body: it is the
                // resource as read for this run, with only the OS changed.
                continue;
            }
            let fresh = crate::plan::compute(&self.s.arm, target).await?;
            match fresh.put {
                Some(put) => req = put,
                None => {
                    tracing::info!(
                        "{} now exists as asked: {}",
                        target.describe(),
                        fresh.up_to_date.unwrap_or_default()
                    );
                    return Ok(None);
                }
            }
        }
    }

    /// Sleeps `wait` in the 409 wait-out, or ends the run: exit 5 when the
    /// `--timeout` deadline comes first, exit 130 on Ctrl-C.
    async fn pause(&self, wait: Duration, target: &Target) -> AppResult<()> {
        if self.left() <= wait {
            return Err(AppError::Timeout {
                what: format!(
                    "another operation on the cluster to finish before {} could be sent (nothing of it was sent)",
                    target.describe()
                ),
                hint: target.show_command(&self.s.replay_flags),
            });
        }
        if crate::cancel::sleep(wait).await {
            Ok(())
        } else {
            Err(not_sent(target))
        }
    }
}

/// Ctrl-C before the PUT went out: nothing of it runs in Azure.
fn not_sent(target: &Target) -> AppError {
    AppError::Interrupted {
        hint: format!(
            "{} was not sent, so nothing of it runs in Azure.",
            target.describe()
        ),
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
    let hint = format!(
        "aksos {}feature show {}",
        s.replay_flags,
        crate::shellquote::quote(name)
    );
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
    let hint = format!(
        "aksos {}provider show {}",
        s.replay_flags,
        crate::shellquote::quote(ns)
    );
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
    let accepted = match run.put(target, put).await {
        Err(AppError::Arm(e))
            if e.code() == "PreviewFeatureNotRegistered"
                && plan.feature_was_registered
                && !plan.refresh_provider =>
        {
            tracing::info!(
                "feature registered but provider not refreshed since; refreshing and retrying once"
            );
            run.refresh_provider(done).await?;
            run.put(target, put).await?
        }
        other => other?,
    };
    let Some(accepted) = accepted else {
        // Made meanwhile, by another run, with the same settings.
        return Ok(Outcome::Done(
            current(s, target).await?.unwrap_or(Value::Null),
        ));
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
    let final_resource = current(s, target).await?;
    Ok(Outcome::Done(final_resource.unwrap_or(accepted.resource)))
}

/// The resource as Azure reports it now.
async fn current(s: &Session, target: &Target) -> AppResult<Option<Value>> {
    Ok(match target {
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
    })
}
