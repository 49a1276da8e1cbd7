//! `aksos feature list`: every feature of a namespace and its state.

use super::{short_name, state_style};
use crate::cli::FeatureListArgs;
use crate::config::Session;
use crate::error::AppResult;
use crate::io::output::Ui;

pub async fn run(a: &FeatureListArgs, s: &Session, ui: &Ui) -> AppResult<u8> {
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
