//! Any property of the ManagedCluster / AgentPool body, checked against the
//! official schema before anything is sent (`--set PATH=VALUE`, `--body-file`,
//! `properties:` in apply files).
//!
//! The schema is not hand-written: `scripts/gen-schema.py` reads the full
//! swagger of each api-version aksos sends (`tests/fixtures/arm-specs/`) and
//! writes one compact table per body ([`table`]); a test re-runs the script and
//! fails when a committed table is stale. The tables are the *client's* belief;
//! the emulator keeps its own, so a wrong fact here can still fail a test.
//!
//! [`set`] turns `--set` arguments and body fragments into JSON written into
//! the body, and refuses, with a [`SetError`] naming the property:
//!
//! - an unknown path, naming the closest valid one (`properties.kubletConfig`
//!   → `properties.kubeletConfig`, `properties.osSku` → `properties.osSKU`);
//! - a value of the wrong type, naming the expected type;
//! - a value outside the enum, listing the valid values (unless the caller
//!   allows unknown values, which then come back as [`SetWarning`]s);
//! - a value breaking the spec's pattern, bounds or length;
//! - a read-only property (`provisioningState`, `currentOrchestratorVersion`).
//!
//! Values are typed by the schema, not by how they look: `maxUnavailable=1` is
//! the string `"1"`, `netCoreSomaxconn=16384` the integer `16384`.

pub mod set;
pub mod table;

pub use set::{
    apply, check_body, merge, merge_file, parse_fragment, parse_set, SetError, SetWarning,
};
pub use table::{table, Body, Kind, Prop, Table, API_VERSIONS};

#[cfg(test)]
mod tests;
