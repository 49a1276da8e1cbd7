//! `aksos feature show`: a feature's registration state and what it is for.

use super::print_feature;
use crate::cli::FeatureArgs;
use crate::config::Session;
use crate::error::AppResult;
use crate::io::output::Ui;
use time::Date;

pub async fn run(a: &FeatureArgs, s: &Session, ui: &Ui, today: Date) -> AppResult<u8> {
    let f = s.arm.get_feature(&a.namespace, &a.name).await?;
    print_feature(&f, a, ui, today);
    Ok(0)
}
