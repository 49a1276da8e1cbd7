//! `aksos cluster show`: GET the cluster and print it with its pools (a 404
//! stays Azure's error, exit 4, after a line saying what is missing).

use crate::arm::models::{AgentPool, ManagedCluster};
use crate::cli::ClusterShowArgs;
use crate::cmd::factory::Factory;
use crate::cmd::provision::{print_pools, show_one};
use crate::error::AppResult;
use crate::io::output::Ui;

pub async fn run(a: &ClusterShowArgs, f: &Factory) -> AppResult<u8> {
    let s = f.session().await?;
    let ui = f.ui();
    let req = s.arm.get_cluster_request(&a.resource_group, &a.name);
    let missing = format!(
        "no cluster {} in resource group {} (or not visible to this identity in subscription {})",
        a.name, a.resource_group, s.arm.subscription
    );
    let mc: ManagedCluster = show_one(&s, ui, req, &missing).await?;
    print_cluster(&mc, ui);
    Ok(0)
}

fn print_cluster(mc: &ManagedCluster, ui: &Ui) {
    if ui.json() {
        ui.print_json(mc);
        return;
    }
    ui.line(format!(
        "{}  {}  Kubernetes {}  {}",
        mc.name.as_deref().unwrap_or("?"),
        mc.location,
        mc.kubernetes_version().unwrap_or("?"),
        mc.properties.provisioning_state.as_deref().unwrap_or("?")
    ));
    let pools: Vec<AgentPool> = mc
        .properties
        .agent_pool_profiles
        .iter()
        .flatten()
        .map(|p| AgentPool {
            name: Some(p.name.clone()),
            properties: p.properties.clone(),
            ..Default::default()
        })
        .collect();
    print_pools(&pools, ui);
}
