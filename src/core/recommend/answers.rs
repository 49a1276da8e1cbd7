//! The questions `aksos recommend` asks, as plain data.
//!
//! [`Answers`] is what the engine reads. The CLI fills it from flags and the
//! wizard fills it from prompts; neither needs the other. Every question has a
//! default (`Answers::default()`), so a caller answers only what it knows.

use crate::catalog::Minor;

/// Where the clusters run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum RunsOn {
    /// Azure only.
    #[default]
    Azure,
    /// Azure and other clouds.
    MultiCloud,
    /// Azure and on-prem (or edge) infrastructure.
    Hybrid,
}

impl RunsOn {
    /// Whether the same OS is wanted outside Azure too.
    pub fn beyond_azure(self) -> bool {
        self != RunsOn::Azure
    }

    /// Where else the clusters run, for messages.
    pub fn elsewhere(self) -> &'static str {
        match self {
            RunsOn::Azure => "nowhere else",
            RunsOn::MultiCloud => "your other clouds",
            RunsOn::Hybrid => "your on-prem clusters",
        }
    }
}

/// Everything the recommendation depends on besides the date.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Answers {
    pub runs_on: RunsOn,
    /// Community (CNCF), vendor-neutral governance wanted.
    pub vendor_neutral: bool,
    /// Microsoft-backed support for the OS wanted.
    pub microsoft_support: bool,
    /// Secure Boot is a requirement.
    pub secure_boot: bool,
    /// A FIPS-validated OS image is a requirement.
    pub fips: bool,
    /// Trusted code execution (Integrity Policy Enforcement) wanted.
    pub ipe: bool,
    /// An immutable (read-only, image-based) OS wanted.
    pub immutable: bool,
    /// Workloads write to the host, run privileged with host mounts, install
    /// packages or use hostPID/hostNetwork. `None`: not answered yet.
    pub workloads_modify_nodes: Option<bool>,
    /// The resources `aksos audit` found modifying their node (empty when not audited).
    pub node_modifying_resources: Vec<String>,
    /// A package manager or other host changes are needed on the node.
    pub package_manager: bool,
    /// Arm64 node pools are needed.
    pub arm64: bool,
    /// The Kubernetes version the pools run, if known.
    #[serde(serialize_with = "serialize_minor")]
    pub kubernetes_version: Option<Minor>,
}

impl Answers {
    /// Records an audit's findings: any finding answers "workloads modify nodes"
    /// with yes and names the resources; no finding answers it with no.
    pub fn with_audit_findings(mut self, resources: Vec<String>) -> Answers {
        self.workloads_modify_nodes = Some(!resources.is_empty());
        self.node_modifying_resources = resources;
        self
    }
}

fn serialize_minor<S: serde::Serializer>(v: &Option<Minor>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(m) => s.collect_str(m),
        None => s.serialize_none(),
    }
}
