//! The core: what aksos knows and decides, with no door in it.
//!
//! Doors (the flags in [`crate::cli`], apply files, the wizard, tests) fill a
//! plain [`ClusterInput`]; [`preflight`] checks it against the
//! [`crate::core::catalog`] and returns a request or every [`Problem`] at once, each
//! naming a [`Field`]; [`fields`] is the one table that says how each door
//! spells each field. Nothing under `core` imports clap or the flag structs.
//!
//! ```text
//!  flags ─┐                                   ┌─ --node-count
//!  file  ─┼─> ClusterInput ─> preflight ─┬─> Problem{field} ─┼─ clusters[2].nodePools[1].count
//!  wizard ┘       ^                      │                   └─ "Node count"
//!           fields (one table)           └─> ClusterRequest / NodePoolRequest ─> plan ─> executor
//! ```

pub mod audit;
pub mod catalog;
pub mod executor;
pub mod fields;
pub mod input;
pub mod migrate;
pub mod network;
pub mod plan;
pub mod preflight;
pub mod production;
pub mod recommend;
pub mod request;
pub mod scan;
pub mod version;

pub mod body;

pub use input::{BodyLeaf, ClusterInput, Field, Kind, PoolInput, Problem};

use crate::error::AppError;

/// The usage error (exit 2) for `problems`, each named by `name(field)`: a
/// flag, a file path or a question, as the door renders it.
pub fn problems_error(problems: Vec<Problem>, name: impl Fn(Field) -> String) -> AppError {
    let mut all: Vec<AppError> = vec![];
    for p in problems {
        let message = match &p.sub {
            Some(sub) => format!("{sub}: {}", p.message),
            None => p.message,
        };
        let e = AppError::usage(name(p.field), message);
        if !all.iter().any(|a| a.to_string() == e.to_string()) {
            all.push(e);
        }
    }
    match all.len() {
        0 => AppError::usage("", "invalid input"),
        1 => all.remove(0),
        _ => AppError::UsageMany(all),
    }
}
