//! `aksos provider register`: (re-)registers a provider, with `--wait` until
//! Registered; when it stops part-way it says what Azure accepted.

use super::print;
use crate::cli::ProviderRegisterArgs;
use crate::config::Session;
use crate::core::executor::{done_message, refresh_provider};
use crate::error::AppResult;
use crate::io::output::Ui;
use crate::io::progress::Reporter;

pub async fn run(a: &ProviderRegisterArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
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
