//! `aksos provider show`: a provider's registration state.

use super::print;
use crate::cli::ProviderArgs;
use crate::config::Session;
use crate::error::AppResult;
use crate::io::output::Ui;

pub async fn run(a: &ProviderArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
    let p = s.arm.get_provider(&a.namespace).await?;
    print(&p, &a.namespace, ui);
    Ok(0)
}
