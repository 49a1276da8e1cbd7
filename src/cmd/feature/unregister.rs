//! `aksos feature unregister`: withdraws a feature registration.

use super::print_feature;
use crate::cli::FeatureArgs;
use crate::config::Session;
use crate::error::AppResult;
use crate::io::output::Ui;
use time::Date;

pub async fn run(a: &FeatureArgs, s: &Session, ui: &Ui, today: Date) -> AppResult<u8> {
    let f = s.arm.unregister_feature(&a.namespace, &a.name).await?;
    print_feature(&f, a, ui, today);
    Ok(0)
}
