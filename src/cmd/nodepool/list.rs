//! `aksos nodepool list`: the pools of one cluster, as a table or JSON.

use crate::cli::NodepoolListArgs;
use crate::cmd::factory::Factory;
use crate::cmd::provision::print_pools;
use crate::error::AppResult;

pub async fn run(a: &NodepoolListArgs, f: &Factory) -> AppResult<u8> {
    let s = f.session().await?;
    let ui = f.ui();
    let pools = s.arm.list_pools(&a.resource_group, &a.cluster).await?;
    if ui.json() {
        ui.print_json(&pools);
    } else {
        print_pools(&pools, ui);
    }
    Ok(0)
}
