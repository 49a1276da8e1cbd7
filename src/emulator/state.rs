//! The emulator's world: features, providers, clusters with their pools, and
//! long-running operations, keyed case-insensitively as ARM does. Transitions are
//! driven by wall-clock timestamps (so a persisted sandbox keeps moving between
//! runs) and applied by [`State::tick`] before each request. Saved atomically.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeatureRec {
    pub namespace: String,
    pub name: String,
    pub state: String,
    /// When the current state began.
    pub since_ms: u64,
    /// When it last became Registered.
    pub registered_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderRec {
    pub namespace: String,
    pub state: String,
    pub since_ms: u64,
    /// When the last registration completed.
    pub registered_ms: Option<u64>,
}

/// What an operation does when it completes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum OpKind {
    PutCluster,
    PutPool { pool: String },
    DeletePool { pool: String },
    DeleteCluster,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpRec {
    pub id: String,
    pub cluster_key: String,
    pub kind: OpKind,
    pub started_ms: u64,
    pub done_ms: u64,
    /// Final status: Succeeded, Failed or Canceled.
    pub outcome: String,
    /// Set once the outcome has been applied to the resource.
    pub applied: bool,
}

impl OpRec {
    pub fn running(&self, now: u64) -> bool {
        now < self.done_ms
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClusterRec {
    /// The ManagedCluster as ARM returns it (agentPoolProfiles kept in sync with `pools`).
    pub body: Value,
    /// AgentPool resources by lower-cased name.
    pub pools: BTreeMap<String, Value>,
}

/// Everything the emulator knows. `BTreeMap` keys are lower-cased.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    pub features: BTreeMap<String, FeatureRec>,
    pub providers: BTreeMap<String, ProviderRec>,
    pub clusters: BTreeMap<String, ClusterRec>,
    pub operations: BTreeMap<String, OpRec>,
}

pub fn key(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("/")
}

/// Timings the tick needs.
pub struct Timings {
    pub reg_delay_ms: u64,
    pub provider_delay_ms: u64,
    pub stuck: bool,
}

impl State {
    pub fn load(path: &Path) -> Result<State, String> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "sandbox state {} is unreadable ({e}); run `aksos sandbox --reset`",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes to a temporary file beside `path`, then renames it over.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Moves registrations and operations forward to `now`.
    pub fn tick(&mut self, now: u64, t: &Timings) {
        for f in self.features.values_mut() {
            if f.state == "Registering" && !t.stuck && now >= f.since_ms + t.reg_delay_ms {
                f.since_ms += t.reg_delay_ms;
                f.state = "Registered".into();
                f.registered_ms = Some(f.since_ms);
            }
        }
        for p in self.providers.values_mut() {
            if p.state == "Registering" && now >= p.since_ms + t.provider_delay_ms {
                p.since_ms += t.provider_delay_ms;
                p.state = "Registered".into();
                p.registered_ms = Some(p.since_ms);
            }
        }
        let due: Vec<String> = self
            .operations
            .values()
            .filter(|o| !o.applied && !o.running(now))
            .map(|o| o.id.clone())
            .collect();
        for id in due {
            let op = self.operations.get_mut(&id).expect("op");
            op.applied = true;
            let op = op.clone();
            self.apply(&op);
        }
    }

    fn apply(&mut self, op: &OpRec) {
        if op.kind == OpKind::DeleteCluster {
            if op.outcome == "Succeeded" {
                self.clusters.remove(&op.cluster_key);
            } else if let Some(c) = self.clusters.get_mut(&op.cluster_key) {
                c.body["properties"]["provisioningState"] = Value::String(op.outcome.clone());
            }
            return;
        }
        let Some(cluster) = self.clusters.get_mut(&op.cluster_key) else {
            return;
        };
        let state = Value::String(op.outcome.clone());
        match &op.kind {
            OpKind::PutCluster => {
                cluster.body["properties"]["provisioningState"] = state.clone();
                for pool in cluster.pools.values_mut() {
                    pool["properties"]["provisioningState"] = state.clone();
                }
            }
            OpKind::PutPool { pool } => {
                if let Some(p) = cluster.pools.get_mut(pool) {
                    p["properties"]["provisioningState"] = state;
                }
            }
            OpKind::DeleteCluster => {}
            OpKind::DeletePool { pool } => {
                if op.outcome == "Succeeded" {
                    cluster.pools.remove(pool);
                } else if let Some(p) = cluster.pools.get_mut(pool) {
                    p["properties"]["provisioningState"] = state;
                }
            }
        }
        sync_profiles(cluster);
    }

    /// The operation still running on a cluster, if any.
    pub fn running_op(&self, cluster_key: &str, now: u64) -> Option<&OpRec> {
        self.operations
            .values()
            .find(|o| o.cluster_key == cluster_key && o.running(now))
    }
}

/// Rebuilds the cluster's `agentPoolProfiles` from its pool resources.
pub fn sync_profiles(cluster: &mut ClusterRec) {
    let profiles: Vec<Value> = cluster
        .pools
        .values()
        .map(|p| {
            let mut prof = p["properties"].clone();
            if let Some(obj) = prof.as_object_mut() {
                let mut named = serde_json::Map::new();
                named.insert("name".into(), p["name"].clone());
                named.extend(obj.clone());
                return Value::Object(named);
            }
            prof
        })
        .collect();
    if cluster.body["properties"].is_object() {
        cluster.body["properties"]["agentPoolProfiles"] = Value::Array(profiles);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_moves_with_the_clock_and_persists() {
        let mut s = State::default();
        s.features.insert(
            key(&["sub", "ns", "f"]),
            FeatureRec {
                namespace: "ns".into(),
                name: "f".into(),
                state: "Registering".into(),
                since_ms: 1000,
                registered_ms: None,
            },
        );
        let t = Timings {
            reg_delay_ms: 500,
            provider_delay_ms: 0,
            stuck: false,
        };
        s.tick(1400, &t);
        assert_eq!(s.features.values().next().unwrap().state, "Registering");
        s.tick(1500, &t);
        let f = s.features.values().next().unwrap();
        assert_eq!(
            (f.state.as_str(), f.registered_ms),
            ("Registered", Some(1500))
        );

        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.json");
        s.save(&p).unwrap();
        let back = State::load(&p).unwrap();
        assert_eq!(back.features.len(), 1);
        assert!(State::load(&dir.path().join("missing.json"))
            .unwrap()
            .features
            .is_empty());
    }
}
