//! The emulator's world: features, providers, clusters with their pools, and
//! long-running operations, keyed case-insensitively as ARM does. Transitions are
//! driven by wall-clock timestamps (so a persisted sandbox keeps moving between
//! runs) and applied by [`State::tick`] before each request. A persisted state
//! is shared by every `--sandbox` process: each request takes [`StateLock`],
//! re-reads the file, applies, and saves atomically (temp file + rename).

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

/// The largest sandbox state file read (a busy sandbox stays far below 1 MiB).
pub const MAX_STATE_BYTES: u64 = 16 * 1024 * 1024;

/// How long a `--sandbox` run waits for another one to release the state.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// "… run `aksos sandbox --reset`" for a state file that cannot be used.
fn unusable(path: &Path, why: impl std::fmt::Display) -> String {
    format!(
        "sandbox state {} is unusable ({why}); start afresh with `aksos sandbox --reset`",
        path.display()
    )
}

/// Holds the advisory lock on a state file (`FILE.lock` beside it) until dropped.
/// Every process that reads-modifies-writes the state takes it first, so
/// concurrent `--sandbox` runs see each other's changes and lose none.
pub struct StateLock {
    _file: std::fs::File,
}

impl StateLock {
    /// Takes the lock, waiting (bounded) while another process holds it.
    pub fn acquire(path: &Path) -> Result<StateLock, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut name = path.as_os_str().to_owned();
        name.push(".lock");
        let lock_path = std::path::PathBuf::from(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| format!("cannot open the sandbox lock {}: {e}", lock_path.display()))?;
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StateLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(format!(
                        "the sandbox state {} stayed locked by another aksos process for {}s",
                        path.display(),
                        LOCK_WAIT.as_secs()
                    ))
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(format!("cannot lock {}: {e}", lock_path.display()))
                }
            }
        }
    }
}

impl State {
    /// Reads a state file: absent → empty; a file that is not a regular file,
    /// larger than [`MAX_STATE_BYTES`], not JSON, or JSON of the wrong shape is
    /// refused with a message naming it and `aksos sandbox --reset`.
    pub fn load(path: &Path) -> Result<State, String> {
        use std::io::Read;
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let meta = file
            .metadata()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(unusable(path, "not a regular file"));
        }
        let mut bytes = Vec::new();
        file.take(MAX_STATE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if bytes.len() as u64 > MAX_STATE_BYTES {
            return Err(unusable(
                path,
                format!("larger than {} MiB", MAX_STATE_BYTES / (1024 * 1024)),
            ));
        }
        let state: State = serde_json::from_slice(&bytes).map_err(|e| unusable(path, e))?;
        state.check_shape().map_err(|e| unusable(path, e))?;
        Ok(state)
    }

    /// Checks what serde cannot: resource bodies are JSON objects where the
    /// handlers write into them, and operations are filed under their own id.
    fn check_shape(&self) -> Result<(), String> {
        let object_or_absent = |v: &Value| v.is_null() || v.is_object();
        for (k, c) in &self.clusters {
            if !c.body.is_object() || !object_or_absent(&c.body["properties"]) {
                return Err(format!("clusters.{k}.body is not a cluster object"));
            }
            for (pk, p) in &c.pools {
                if !p.is_object() || !object_or_absent(&p["properties"]) {
                    return Err(format!("clusters.{k}.pools.{pk} is not a pool object"));
                }
            }
        }
        for (k, op) in &self.operations {
            if op.id != *k {
                return Err(format!("operations.{k} has id {:?}", op.id));
            }
        }
        Ok(())
    }

    /// Writes to a temporary file beside `path`, flushes it, then renames it
    /// over, so a reader sees the old state or the new one, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        use std::io::Write;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        let mut f = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
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
    fn unusable_state_files_are_refused_naming_the_reset() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let refused = |p: &Path| {
            let e = State::load(p).unwrap_err();
            assert!(e.contains("aksos sandbox --reset"), "{e}");
            assert!(e.contains(&p.display().to_string()), "{e}");
            e
        };
        std::fs::write(&p, r#"{"features":{},"providers":{},"operations":{},"clusters":{"c":{"body":[1],"pools":{}}}}"#).unwrap();
        assert!(refused(&p).contains("clusters.c.body"));
        std::fs::write(
            &p,
            r#"{"features":{},"providers":{},"clusters":{},"operations":{"a":{"id":"b","cluster_key":"c","kind":"PutCluster","started_ms":0,"done_ms":0,"outcome":"Succeeded","applied":false}}}"#,
        )
        .unwrap();
        assert!(refused(&p).contains("operations.a"));
        std::fs::write(&p, vec![b' '; MAX_STATE_BYTES as usize + 1]).unwrap();
        assert!(refused(&p).contains("larger than"));
        assert!(refused(dir.path()).contains("not a regular file"));
    }

    #[test]
    fn the_state_lock_is_exclusive_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let held = StateLock::acquire(&p).unwrap();
        let mut name = p.as_os_str().to_owned();
        name.push(".lock");
        let other = std::fs::File::open(std::path::PathBuf::from(name)).unwrap();
        assert!(other.try_lock().is_err(), "held by the first");
        drop(held);
        assert!(other.try_lock().is_ok(), "free once dropped");
    }

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
