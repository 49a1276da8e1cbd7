//! The executor: runs a [`Plan`]'s steps ([`plan::Step`], in order) through the
//! ARM client with progress — register
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
use crate::config::Session;
use crate::core::catalog::PROVIDER_NAMESPACE;
use crate::core::plan::{self, Plan, Target};
use crate::error::{AppError, AppResult};
use crate::io::progress::{bounded, Reporter, Step};
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
            let fresh = crate::core::plan::compute(&self.s.arm, target).await?;
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
    let what = format!("feature {name} to become Registered");
    until_registered(step, deadline, &what, &hint, async |step: &mut Step| {
        wait_feature(&s.arm, ns, name, s.cadence, |p| step.update(&p.state, None)).await
    })
    .await
}

/// Waits for a registration with its progress `step`, bounded by `deadline`
/// (exit 5, with `hint`) and Ctrl-C.
async fn until_registered<T>(
    mut step: Step,
    deadline: Duration,
    what: &str,
    hint: &str,
    wait: impl AsyncFnOnce(&mut Step) -> Result<T, crate::arm::ArmError>,
) -> AppResult<T> {
    let r = bounded(
        async { wait(&mut step).await.map_err(AppError::from) },
        deadline,
        what,
        hint,
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
    let what = format!("provider {ns} to register");
    let p = until_registered(step, deadline, &what, &hint, async |step: &mut Step| {
        wait_provider(&s.arm, ns, s.cadence, |p| step.update(&p.state, None)).await
    })
    .await?;
    done.pop();
    done.push(format!("provider {ns} refreshed"));
    Ok(p)
}

/// What to say on stderr when a run stops part-way: what Azure already
/// accepted, and that a re-run continues; `None` when nothing was done.
pub fn done_message(done: &[String]) -> Option<String> {
    (!done.is_empty()).then(|| {
        format!(
            "done before it stopped: {}.\nRe-running the same command continues from there (it checks state first and never repeats a finished step).",
            done.join("; ")
        )
    })
}

/// When a run stops part-way, says on stderr (through `reporter`) what Azure
/// already accepted.
pub fn report_done(done: &[String], reporter: &Reporter) {
    if let Some(m) = done_message(done) {
        reporter.tell(&m);
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
    let result = run_plan(s, target, plan, no_wait, reporter.clone(), &mut done).await;
    if result.is_err() {
        report_done(&done, &reporter);
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
    let mut accepted = None;
    for step in plan.to_steps(!no_wait) {
        match step {
            plan::Step::RegisterFeature { namespace, name } => {
                run.register_feature(&namespace, &name, done).await?
            }
            plan::Step::RefreshProvider { .. } => run.refresh_provider(done).await?,
            plan::Step::Put { request: put } => {
                let answer = match run.put(target, &put).await {
                    Err(AppError::Arm(e))
                        if e.code() == "PreviewFeatureNotRegistered"
                            && plan.feature_was_registered
                            && !plan.refresh_provider =>
                    {
                        tracing::info!(
                            "feature registered but provider not refreshed since; refreshing and retrying once"
                        );
                        run.refresh_provider(done).await?;
                        run.put(target, &put).await?
                    }
                    other => other?,
                };
                let Some(answer) = answer else {
                    // Made meanwhile, by another run, with the same settings.
                    return Ok(Outcome::Done(
                        current(s, target).await?.unwrap_or(Value::Null),
                    ));
                };
                done.push(format!("PUT of {} accepted by Azure", target.describe()));
                accepted = Some(answer);
            }
            plan::Step::WaitForOperation => {
                let Some(url) = accepted.as_ref().and_then(|a| a.poll_url.as_deref()) else {
                    continue;
                };
                let op = Operation {
                    url,
                    context: plan.put.as_ref().map_or("", |p| p.context.as_str()),
                    retry_after: accepted.as_ref().and_then(|a| a.retry_after),
                    label: target.describe(),
                    what: format!("{} to finish", target.describe()),
                    hint: target.show_command(&s.replay_flags),
                    done_word: "Succeeded",
                };
                wait_for_operation(s, &run.reporter, &op, run.left()).await?;
            }
            plan::Step::UpToDate { .. } => {}
        }
    }
    let Some(accepted) = accepted else {
        return Ok(Outcome::Done(Value::Null));
    };
    if no_wait {
        return Ok(Outcome::Accepted {
            poll_url: accepted.poll_url,
        });
    }
    let final_resource = current(s, target).await?;
    Ok(Outcome::Done(final_resource.unwrap_or(accepted.resource)))
}

/// A long-running operation Azure accepted, and how to report waiting on it.
pub struct Operation<'a> {
    /// The poll URL (Azure-AsyncOperation or Location).
    pub url: &'a str,
    /// What was sent, for errors ("create node pool ...").
    pub context: &'a str,
    /// Seconds, as the accepting response's Retry-After said.
    pub retry_after: Option<u64>,
    /// The progress line's name.
    pub label: String,
    /// "node pool p1 to be deleted", for the timeout message.
    pub what: String,
    /// The command that checks on it, for the timeout and Ctrl-C hints.
    pub hint: String,
    /// The word the progress line ends with on success.
    pub done_word: &'a str,
}

/// The one wait loop for operations: polls `op` with a progress step until it
/// finishes, bounded by `deadline` (exit 5) and Ctrl-C (exit 130, naming what
/// keeps running in Azure).
pub async fn wait_for_operation(
    s: &Session,
    reporter: &Reporter,
    op: &Operation<'_>,
    deadline: Duration,
) -> AppResult<()> {
    let mut step = reporter.step(op.label.clone());
    step.update("InProgress", None);
    let r = bounded(
        async {
            wait_operation(&s.arm, op.url, op.context, op.retry_after, s.cadence, |p| {
                step.update(&p.state, p.percent)
            })
            .await
            .map_err(AppError::from)
        },
        deadline,
        &op.what,
        &op.hint,
    )
    .await;
    step.settle(r, op.done_word).map(|_| ())
}

/// Sends a DELETE and waits for its operation through [`wait_for_operation`]
/// (the same progress, deadline and Ctrl-C handling as a create).
pub async fn delete(
    s: &Session,
    reporter: &Reporter,
    req: &ArmRequest,
    label: String,
    hint: String,
) -> AppResult<()> {
    let accepted = s.arm.delete(req).await?;
    let Some(url) = accepted.poll_url else {
        return Ok(());
    };
    let op = Operation {
        url: &url,
        context: &req.context,
        retry_after: accepted.retry_after,
        what: format!("{label} to finish"),
        label,
        hint,
        done_word: "Deleted",
    };
    wait_for_operation(s, reporter, &op, s.timeout).await
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::lro::Cadence;
    use crate::arm::ops::paths;
    use crate::arm::{Arm, Method};
    use crate::testing::{run, FakeArm, SUB};
    use serde_json::json;

    fn session(arm: Arm) -> Session {
        Session {
            arm,
            cadence: Cadence {
                first: Duration::from_millis(1),
                max: Duration::from_millis(2),
            },
            timeout: Duration::from_secs(60),
            sandbox: None,
            replay_flags: String::new(),
        }
    }

    fn target() -> Target {
        let input = crate::core::ClusterInput {
            resource_group: Some("rg1".into()),
            name: Some("c1".into()),
            pool: crate::core::PoolInput {
                name: Some("p1".into()),
                os_sku: Some("Ubuntu".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        Target::Pool(crate::core::preflight::pool(&input).unwrap().0)
    }

    const API: &str = crate::core::catalog::api_version::AKS_STABLE;

    #[test]
    fn a_put_is_sent_once_then_its_operation_is_followed_to_the_end() {
        let fake = FakeArm::new();
        let pool = paths::pool(SUB, "rg1", "c1", "p1", API);
        let op = "https://fake.invalid/operations/op1?api-version=x";
        fake.on_with(
            Method::Put,
            &pool,
            201,
            &[("Azure-AsyncOperation", op)],
            json!({"name": "p1", "properties": {"provisioningState": "Creating"}}),
        );
        fake.on(Method::Get, op, 200, json!({"status": "Succeeded"}));
        fake.on(
            Method::Get,
            &pool,
            200,
            json!({"name": "p1", "properties": {"provisioningState": "Succeeded"}}),
        );
        let s = session(fake.arm());
        let t = target();
        let mut plan = crate::core::plan::empty();
        plan.put = Some(
            ArmRequest::new(Method::Put, pool.clone(), "create node pool").with_body(json!({})),
        );
        let out = run(execute_with(&s, &t, &plan, false, Reporter::quiet())).unwrap();
        let Outcome::Done(resource) = out else {
            panic!("not waited")
        };
        assert_eq!(resource["properties"]["provisioningState"], "Succeeded");
        let bare = pool.split('?').next().unwrap().to_string();
        assert_eq!(fake.writes(), [format!("PUT {bare}")]);
        assert!(fake.sent().iter().any(|l| l.contains("/operations/op1")));
    }

    #[test]
    fn a_delete_goes_through_the_same_wait_and_reports_a_failed_operation() {
        let fake = FakeArm::new();
        let pool = paths::pool(SUB, "rg1", "c1", "old", API);
        let op = "https://fake.invalid/operations/del1";
        fake.on_with(Method::Delete, &pool, 202, &[("Location", op)], json!(null));
        fake.on(
            Method::Get,
            op,
            200,
            json!({"status": "Failed", "error": {"code": "Nope", "message": "no"}}),
        );
        let s = session(fake.arm());
        let req = ArmRequest::new(Method::Delete, pool, "delete node pool old");
        let e = run(delete(
            &s,
            &Reporter::quiet(),
            &req,
            "delete node pool old".into(),
            "aksos nodepool list".into(),
        ))
        .unwrap_err();
        assert_eq!(e.exit_code(), crate::error::exit::AZURE, "{e}");
        assert_eq!(fake.writes().len(), 1);
    }
}
