//! `aksos provider show|register`: Microsoft.Resources provider registration.

use crate::arm::lro::wait_provider;
use crate::arm::models::Provider;
use crate::cli::ProviderCommand;
use crate::config::Session;
use crate::error::AppResult;
use crate::output::{Style, Ui};
use crate::progress::{bounded, Reporter};

pub async fn run(cmd: &ProviderCommand, s: &Session, ui: &Ui) -> AppResult<u8> {
    match cmd {
        ProviderCommand::Show(a) => {
            let p = s.arm.get_provider(&a.namespace).await?;
            print(&p, &a.namespace, ui);
            Ok(0)
        }
        ProviderCommand::Register(a) => {
            let ns = a.provider.namespace.as_str();
            let mut p = s.arm.register_provider(ns).await?;
            let requested = [format!("re-registration of provider {ns} requested")];
            if a.wait && !p.is_registered() {
                let reporter = Reporter::new(ui.stderr_tty);
                let mut step = reporter.step(format!("provider {ns}"));
                step.update(p.state(), None);
                let hint = format!("aksos {}provider show {ns}", s.replay_flags);
                let r = bounded(
                    async {
                        wait_provider(&s.arm, ns, s.cadence, |pr| step.update(&pr.state, None))
                            .await
                            .map_err(Into::into)
                    },
                    s.timeout,
                    &format!("provider {ns} to register"),
                    &hint,
                )
                .await;
                match r {
                    Ok(done) => {
                        step.finish("Registered");
                        p = done;
                    }
                    Err(e) => {
                        step.fail("not Registered");
                        crate::executor::report_done(&requested);
                        return Err(e);
                    }
                }
            }
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
    println!(
        "{}: {}",
        p.namespace.as_deref().unwrap_or(ns),
        ui.paint(p.state(), style)
    );
}
