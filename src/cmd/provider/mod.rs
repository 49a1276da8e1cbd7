//! `aksos provider show|register`: Microsoft.Resources provider registration.
//! One file per verb; this module routes and holds how a provider prints.

use crate::arm::models::Provider;
use crate::cli::ProviderCommand;
use crate::cmd::factory::Factory;
use crate::error::AppResult;
use crate::io::output::{Style, Ui};

mod register;
mod show;

/// Runs one verb with the session and writer from `f`.
pub async fn run(cmd: &ProviderCommand, f: &Factory) -> AppResult<u8> {
    let s = f.session().await?;
    match cmd {
        ProviderCommand::Show(a) => show::run(a, &s, f.ui()).await,
        ProviderCommand::Register(a) => register::run(a, &s, f.ui()).await,
    }
}

fn print(p: &Provider, ns: &str, ui: &Ui) {
    if ui.json() {
        ui.print_json(p);
        return;
    }
    let style = if p.is_registered() {
        Style::Good
    } else {
        Style::Warn
    };
    ui.line(format!(
        "{}: {}",
        p.namespace.as_deref().unwrap_or(ns),
        ui.paint(p.state(), style)
    ));
}

#[cfg(test)]
mod tests {
    use crate::arm::Method;
    use crate::cli::Command;
    use crate::cmd::factory::test_support::{command, factory};
    use crate::io::output::Format;
    use crate::testing::{run, FakeArm, SUB};
    use serde_json::json;

    #[test]
    fn register_without_wait_sends_one_post_and_prints_the_state() {
        let fake = FakeArm::new();
        fake.on(
            Method::Post,
            &format!("/subscriptions/{SUB}/providers/Microsoft.ContainerService/register"),
            200,
            json!({"namespace": "Microsoft.ContainerService", "registrationState": "Registering"}),
        );
        let (f, out) = factory(&fake, Format::Text);
        let Command::Provider(c) = command(&["provider", "register"]) else {
            panic!("not a provider command")
        };
        assert_eq!(run(super::run(&c, &f)).unwrap(), 0);
        assert_eq!(
            fake.writes(),
            [format!(
                "POST /subscriptions/{SUB}/providers/Microsoft.ContainerService/register"
            )]
        );
        assert_eq!(out.stdout(), "Microsoft.ContainerService: Registering\n");
    }

    #[test]
    fn show_under_json_prints_the_provider_as_one_document() {
        let fake = FakeArm::new();
        fake.on(
            Method::Get,
            &format!("/subscriptions/{SUB}/providers/Microsoft.ContainerService"),
            200,
            json!({"namespace": "Microsoft.ContainerService", "registrationState": "Registered"}),
        );
        let (f, out) = factory(&fake, Format::Json);
        let Command::Provider(c) = command(&["provider", "show"]) else {
            panic!("not a provider command")
        };
        assert_eq!(run(super::run(&c, &f)).unwrap(), 0);
        let doc: serde_json::Value =
            serde_json::from_str(&out.stdout()).expect("one JSON document");
        assert_eq!(doc["registrationState"], "Registered");
        assert!(fake.writes().is_empty());
    }
}
