//! `aksos apply`.
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::error::AppResult;
use crate::output::Ui;

pub fn run(_a: &ApplyArgs, _g: &GlobalArgs, _ui: &Ui) -> AppResult<u8> {
    Ok(0)
}
