//! Test doubles for unit tests: an in-memory [`ArmClient`] with canned answers,
//! so planning and the executor are tested without a server or a port.
//!
//! Routes match on the method and the path without its query (`?api-version=`);
//! anything unrouted answers ARM's 404. Every request is recorded in order.

use crate::arm::{Arm, ArmClient, ArmError, ArmRequest, ArmResponse, Method};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The subscription the fake serves.
pub const SUB: &str = "00000000-0000-0000-0000-000000000000";

/// One canned answer.
#[derive(Clone)]
struct Route {
    method: Method,
    path: String,
    status: u16,
    headers: BTreeMap<String, String>,
    body: serde_json::Value,
}

/// An ARM that answers from a table.
#[derive(Default)]
pub struct FakeArm {
    routes: Mutex<Vec<Route>>,
    sent: Mutex<Vec<ArmRequest>>,
}

fn bare(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

impl FakeArm {
    pub fn new() -> Arc<FakeArm> {
        Arc::new(FakeArm::default())
    }

    /// Accepts the PUT of pool `rg1/c1/{pool}` (Ubuntu, `count` nodes, Succeeded
    /// at once); returns its path.
    pub fn accepts_pool(&self, pool: &str, count: u32) -> String {
        let path = crate::arm::ops::paths::pool(
            SUB,
            "rg1",
            "c1",
            pool,
            crate::core::catalog::api_version::AKS_STABLE,
        );
        self.on(
            Method::Put,
            &path,
            200,
            serde_json::json!({"name": pool, "properties": {"osSKU": "Ubuntu", "count": count, "provisioningState": "Succeeded"}}),
        );
        path
    }

    /// A fake subscription holding cluster `rg1/c1` in eastus on Kubernetes 1.35.
    pub fn with_cluster_c1() -> Arc<FakeArm> {
        let fake = FakeArm::new();
        fake.on(
            Method::Get,
            &crate::arm::ops::paths::cluster(
                SUB,
                "rg1",
                "c1",
                crate::core::catalog::api_version::AKS_STABLE,
            ),
            200,
            serde_json::json!({"name": "c1", "location": "eastus", "properties": {"kubernetesVersion": "1.35.1"}}),
        );
        fake
    }

    /// Answers `method path` (query ignored) with `status` and `body`.
    pub fn on(&self, method: Method, path: &str, status: u16, body: serde_json::Value) -> &Self {
        self.on_with(method, path, status, &[], body)
    }

    /// [`FakeArm::on`] with response headers.
    pub fn on_with(
        &self,
        method: Method,
        path: &str,
        status: u16,
        headers: &[(&str, &str)],
        body: serde_json::Value,
    ) -> &Self {
        self.routes.lock().unwrap().push(Route {
            method,
            path: bare(path).to_string(),
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body,
        });
        self
    }

    /// What was sent, in order: "METHOD path-without-query".
    pub fn sent(&self) -> Vec<String> {
        self.sent
            .lock()
            .unwrap()
            .iter()
            .map(|r| format!("{} {}", r.method.as_str(), bare(&r.path)))
            .collect()
    }

    /// The write requests sent.
    pub fn writes(&self) -> Vec<String> {
        self.sent()
            .into_iter()
            .filter(|l| !l.starts_with("GET "))
            .collect()
    }

    /// An [`Arm`] over this fake.
    pub fn arm(self: &Arc<Self>) -> Arm {
        Arm::new(self.clone(), SUB)
    }
}

#[async_trait::async_trait]
impl ArmClient for FakeArm {
    async fn send(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
        self.sent.lock().unwrap().push(req.clone());
        let routes = self.routes.lock().unwrap().clone();
        // The last route added for a request wins (a test can change an answer).
        let hit = routes
            .iter()
            .rev()
            .find(|r| r.method == req.method && r.path == bare(&req.path));
        Ok(match hit {
            Some(r) => ArmResponse {
                status: r.status,
                headers: r.headers.clone(),
                body: if r.body.is_null() {
                    vec![]
                } else {
                    r.body.to_string().into_bytes()
                },
            },
            None => ArmResponse {
                status: 404,
                headers: BTreeMap::new(),
                body: serde_json::json!({"error": {"code": "NotFound", "message": "not found"}})
                    .to_string()
                    .into_bytes(),
            },
        })
    }

    fn base_url(&self) -> &str {
        "https://fake.invalid"
    }
}

/// Runs `f` to completion on a fresh current-thread runtime.
pub fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}
