//! `aksos feature register`: requests the registration, optionally waits for
//! Registered and refreshes the provider (`--refresh-provider`), the flow a
//! preview OS needs. When it stops part-way it says what Azure accepted.

use super::print_feature;
use crate::cli::FeatureRegisterArgs;
use crate::config::Session;
use crate::core::catalog::PROVIDER_NAMESPACE;
use crate::core::executor::{done_message, refresh_provider, wait_for_feature};
use crate::error::AppResult;
use crate::io::output::Ui;
use crate::io::progress::Reporter;
use crate::shellquote::quote;
use std::time::Instant;
use time::Date;

pub async fn run(a: &FeatureRegisterArgs, s: &Session, ui: &Ui, today: Date) -> AppResult<u8> {
    let mut done = Vec::new();
    let r = register_steps(a, s, ui, today, &mut done).await;
    if let (Err(_), Some(m)) = (&r, done_message(&done)) {
        ui.note(&m);
    }
    r
}

/// `done` collects what Azure accepted, for the message when it stops part-way.
async fn register_steps(
    a: &FeatureRegisterArgs,
    s: &Session,
    ui: &Ui,
    today: Date,
    done: &mut Vec<String>,
) -> AppResult<u8> {
    let (ns, name) = (a.feature.namespace.as_str(), a.feature.name.as_str());
    let started = Instant::now();
    let flags = &s.replay_flags;
    let show_cmd = format!(
        "aksos {flags}feature show {} --namespace {}",
        quote(name),
        quote(ns)
    );
    let current = s.arm.get_feature(ns, name).await?;
    let reporter = Reporter::new(ui.stderr_tty);
    let wait = a.wait || a.refresh_provider;
    let feature = if current.is_registered() {
        ui.note(&format!(
            "{ns}/{name} is already Registered; nothing to register."
        ));
        current
    } else {
        let f = if current.is_pending() {
            ui.note(&format!(
                "{ns}/{name} is already {}; waiting for it.",
                current.state()
            ));
            current
        } else {
            let f = s.arm.register_feature(ns, name).await?;
            done.push(format!("registration of feature {name} requested"));
            f
        };
        if wait {
            let registered = wait_for_feature(s, &reporter, ns, name, &f, s.timeout).await?;
            if done.pop().is_some() {
                done.push(format!("feature {name} registered"));
            }
            registered
        } else {
            ui.note(&format!(
                "registration started ({}). AKS takes minutes to register a feature; check with: {show_cmd}",
                f.state()
            ));
            f
        }
    };
    if a.refresh_provider {
        let left = s.timeout.saturating_sub(started.elapsed());
        refresh_provider(s, &reporter, PROVIDER_NAMESPACE, left, done).await?;
    } else if feature.is_registered() {
        ui.note(&format!(
            "next: refresh the provider so AKS honours the feature:\n  aksos {flags}provider register {PROVIDER_NAMESPACE} --wait"
        ));
    }
    print_feature(&feature, &a.feature, ui, today);
    Ok(0)
}
