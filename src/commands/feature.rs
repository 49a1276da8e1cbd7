//! `aksos feature show|register|unregister|list`: Microsoft.Features, with the
//! register → wait → provider refresh flow a preview OS needs.

use crate::arm::models::Feature;
use crate::cli::{FeatureArgs, FeatureCommand, FeatureListArgs, FeatureRegisterArgs};
use crate::config::Session;
use crate::core::catalog::{self, PROVIDER_NAMESPACE};
use crate::core::executor::{done_message, refresh_provider, wait_for_feature};
use crate::error::AppResult;
use crate::io::output::{Style, Ui};
use crate::io::progress::Reporter;
use crate::shellquote::quote;
use std::time::Instant;

pub async fn run(cmd: &FeatureCommand, s: &Session, ui: &Ui) -> AppResult<u8> {
    match cmd {
        FeatureCommand::Show(a) => show(a, s, ui).await,
        FeatureCommand::Register(a) => register(a, s, ui).await,
        FeatureCommand::Unregister(a) => unregister(a, s, ui).await,
        FeatureCommand::List(a) => list(a, s, ui).await,
    }
}

fn short_name(f: &Feature, fallback: &str) -> String {
    f.name
        .as_deref()
        .and_then(|n| n.rsplit('/').next())
        .unwrap_or(fallback)
        .to_string()
}

fn state_style(state: &str) -> Style {
    if state.eq_ignore_ascii_case("Registered") {
        Style::Good
    } else if state.eq_ignore_ascii_case("Registering") || state.eq_ignore_ascii_case("Pending") {
        Style::Warn
    } else {
        Style::Dim
    }
}

/// One line about what the feature is for, from the catalog.
fn purpose(name: &str) -> Option<String> {
    let sku = catalog::sku_for_feature(name)?;
    let mut s = format!("enables osSKU {} ({})", sku.api_value, sku.display_name);
    if let catalog::Verdict::Retired {
        date, successor, ..
    } = sku.verdict(catalog::today())
    {
        s.push_str(&format!(
            "; AKS accepts no new pools of it since {date}{}",
            successor.map(|x| format!(", use {x}")).unwrap_or_default()
        ));
    }
    Some(s)
}

fn print_feature(f: &Feature, a: &FeatureArgs, ui: &Ui) {
    if ui.json() {
        ui.print_json(f);
        return;
    }
    let name = short_name(f, &a.name);
    ui.line(format!(
        "{}/{}: {}",
        a.namespace,
        name,
        ui.paint(f.state(), state_style(f.state()))
    ));
    if let Some(p) = purpose(&name) {
        ui.line(format!("  {}", ui.paint(&p, Style::Dim)));
    }
}

async fn show(a: &FeatureArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    let f = s.arm.get_feature(&a.namespace, &a.name).await?;
    print_feature(&f, a, ui);
    Ok(0)
}

async fn unregister(a: &FeatureArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    let f = s.arm.unregister_feature(&a.namespace, &a.name).await?;
    print_feature(&f, a, ui);
    Ok(0)
}

async fn list(a: &FeatureListArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    let mut all = s.arm.list_features(&a.namespace).await?;
    all.sort_by_key(|f| f.name.clone().unwrap_or_default().to_ascii_lowercase());
    if ui.json() {
        ui.print_json(&all);
        return Ok(0);
    }
    let width = all
        .iter()
        .map(|f| short_name(f, "").len())
        .max()
        .unwrap_or(4)
        .max(4);
    ui.line(format!("{:width$}  STATE", "NAME"));
    for f in &all {
        ui.line(format!(
            "{:width$}  {}",
            short_name(f, "?"),
            ui.paint(f.state(), state_style(f.state()))
        ));
    }
    Ok(0)
}

async fn register(a: &FeatureRegisterArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    let mut done = Vec::new();
    let r = register_steps(a, s, ui, &mut done).await;
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
    print_feature(&feature, &a.feature, ui);
    Ok(0)
}
