//! `aksos nodepool show`: GET one pool and print it (a 404 stays Azure's
//! error, exit 4, after a line saying what is missing).

use crate::arm::models::AgentPool;
use crate::cli::NodepoolShowArgs;
use crate::cmd::factory::Factory;
use crate::cmd::provision::{print_pools, show_one};
use crate::error::AppResult;

pub async fn run(a: &NodepoolShowArgs, f: &Factory) -> AppResult<u8> {
    let s = f.session().await?;
    let ui = f.ui();
    let req = s
        .arm
        .get_pool_request(&a.resource_group, &a.cluster, &a.name);
    let missing = format!(
        "no node pool {} in cluster {}/{} (or no such cluster)",
        a.name, a.resource_group, a.cluster
    );
    let p: AgentPool = show_one(&s, ui, req, &missing).await?;
    if ui.json() {
        ui.print_json(&p);
    } else {
        print_pools(std::slice::from_ref(&p), ui);
    }
    Ok(0)
}
