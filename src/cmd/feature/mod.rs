//! `aksos feature show|register|unregister|list`: Microsoft.Features, with the
//! register → wait → provider refresh flow a preview OS needs. One file per
//! verb; this module routes and holds what they share (how a feature prints).

use crate::arm::models::Feature;
use crate::cli::{FeatureArgs, FeatureCommand};
use crate::cmd::factory::Factory;
use crate::core::catalog;
use crate::error::AppResult;
use crate::io::output::{Style, Ui};
use time::Date;

mod list;
mod register;
mod show;
mod unregister;

/// Runs one verb with the session and writer from `f`.
pub async fn run(cmd: &FeatureCommand, f: &Factory) -> AppResult<u8> {
    let s = f.session().await?;
    let (ui, today) = (f.ui(), f.today());
    match cmd {
        FeatureCommand::Show(a) => show::run(a, &s, ui, today).await,
        FeatureCommand::Register(a) => register::run(a, &s, ui, today).await,
        FeatureCommand::Unregister(a) => unregister::run(a, &s, ui, today).await,
        FeatureCommand::List(a) => list::run(a, &s, ui).await,
    }
}

pub(super) fn short_name(f: &Feature, fallback: &str) -> String {
    f.name
        .as_deref()
        .and_then(|n| n.rsplit('/').next())
        .unwrap_or(fallback)
        .to_string()
}

pub(super) fn state_style(state: &str) -> Style {
    if state.eq_ignore_ascii_case("Registered") {
        Style::Good
    } else if state.eq_ignore_ascii_case("Registering") || state.eq_ignore_ascii_case("Pending") {
        Style::Warn
    } else {
        Style::Dim
    }
}

/// One line about what the feature is for, from the catalog.
fn purpose(name: &str, today: Date) -> Option<String> {
    let sku = catalog::sku_for_feature(name)?;
    let mut s = format!("enables osSKU {} ({})", sku.api_value, sku.display_name);
    if let catalog::Verdict::Retired {
        date, successor, ..
    } = sku.verdict(today)
    {
        s.push_str(&format!(
            "; AKS accepts no new pools of it since {date}{}",
            successor.map(|x| format!(", use {x}")).unwrap_or_default()
        ));
    }
    Some(s)
}

pub(super) fn print_feature(f: &Feature, a: &FeatureArgs, ui: &Ui, today: Date) {
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
    if let Some(p) = purpose(&name, today) {
        ui.line(format!("  {}", ui.paint(&p, Style::Dim)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arm::Method;
    use crate::cli::Command;
    use crate::cmd::factory::test_support::{command, factory};
    use crate::io::output::Format;
    use crate::testing::{run, FakeArm, SUB};
    use serde_json::json;

    const FLATCAR: &str = "/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/AKSFlatcarPreview";

    /// ARM where the Flatcar preview feature is Registered.
    fn registered_flatcar() -> std::sync::Arc<FakeArm> {
        let fake = FakeArm::new();
        fake.on(
            Method::Get,
            &format!("/subscriptions/{SUB}{FLATCAR}"),
            200,
            json!({"name": "Microsoft.ContainerService/AKSFlatcarPreview",
                   "properties": {"state": "Registered"}}),
        );
        fake
    }

    fn feature(cmd: Command, f: &Factory) -> AppResult<u8> {
        let Command::Feature(c) = cmd else {
            panic!("not a feature command")
        };
        run(super::run(&c, f))
    }

    #[test]
    fn show_prints_the_state_and_what_the_feature_is_for_on_the_factory_date() {
        let fake = registered_flatcar();
        let (f, out) = factory(&fake, Format::Text);
        let f = f.on(time::macros::date!(2026 - 07 - 01));
        let code = feature(command(&["feature", "show", "AKSFlatcarPreview"]), &f).unwrap();
        assert_eq!(code, 0);
        let text = out.stdout();
        assert!(
            text.starts_with("Microsoft.ContainerService/AKSFlatcarPreview: Registered\n"),
            "{text}"
        );
        assert!(text.contains("enables osSKU Flatcar"), "{text}");
        assert!(
            text.contains("AKS accepts no new pools of it since 2026-06-08"),
            "{text}"
        );
        assert!(fake.writes().is_empty());
    }

    #[test]
    fn register_of_a_registered_feature_sends_nothing_and_prints_one_json_document() {
        let fake = registered_flatcar();
        let (f, out) = factory(&fake, Format::Json);
        let code = feature(command(&["feature", "register", "AKSFlatcarPreview"]), &f).unwrap();
        assert_eq!(code, 0);
        assert!(fake.writes().is_empty(), "{:?}", fake.writes());
        let doc: serde_json::Value =
            serde_json::from_str(&out.stdout()).expect("one JSON document");
        assert_eq!(doc["properties"]["state"], "Registered");
        assert!(
            out.stderr().contains("already Registered"),
            "{}",
            out.stderr()
        );
    }
}
