//! `aksos provider show|register`: Microsoft.Resources provider registration.

use crate::arm::models::Provider;
use crate::cli::ProviderCommand;
use crate::config::Session;
use crate::core::executor::{done_message, refresh_provider};
use crate::error::AppResult;
use crate::io::output::{Style, Ui};
use crate::io::progress::Reporter;

pub async fn run(cmd: &ProviderCommand, s: &Session, ui: &Ui) -> AppResult<u8> {
    match cmd {
        ProviderCommand::Show(a) => {
            let p = s.arm.get_provider(&a.namespace).await?;
            print(&p, &a.namespace, ui);
            Ok(0)
        }
        ProviderCommand::Register(a) => {
            let ns = a.provider.namespace.as_str();
            let p = if a.wait {
                let mut done = Vec::new();
                let reporter = Reporter::new(ui.stderr_tty);
                let r = refresh_provider(s, &reporter, ns, s.timeout, &mut done).await;
                if let (Err(_), Some(m)) = (&r, done_message(&done)) {
                    ui.note(&m);
                }
                r?
            } else {
                s.arm.register_provider(ns).await?
            };
            print(&p, ns, ui);
            Ok(0)
        }
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
