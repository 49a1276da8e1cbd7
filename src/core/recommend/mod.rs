//! `aksos recommend`: which OS fits these node pools, and why.
//!
//! The flags ([`RecommendArgs`]) become [`Answers`]; the pure
//! [`engine::recommend`] ranks every catalog SKU for a given day; [`render`]
//! prints the result as text or JSON. The wizard builds [`Answers`] itself and
//! calls the same engine.

pub mod answers;
pub mod engine;
pub mod needs;
pub mod render;
pub mod rules;

pub use answers::{Answers, RunsOn};
pub use engine::{recommend, RankedOption, Recommendation};

use crate::catalog::{self, Minor};
use crate::error::{exit, AppError, AppResult};
use crate::output::Ui;
use clap::ArgAction;
use std::path::PathBuf;

/// Arguments of `aksos recommend`. Yes/no questions take `--flag` (yes) or
/// `--flag=false` (no); leaving a flag out answers "no / don't care".
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # clusters on several clouds, community governance wanted
  aksos recommend --runs-on multi-cloud --vendor-neutral

  # Azure only, security first, Microsoft support
  aksos recommend --runs-on azure --microsoft-support --secure-boot

  # let an audit of your manifests answer --workloads-modify-nodes
  aksos recommend --immutable --audit k8s/ -o json

Nothing is sent to Azure. Retirement dates are checked against today's date.")]
pub struct RecommendArgs {
    /// Where the clusters run: Azure only, also other clouds, or also on-prem
    #[arg(long, value_enum, default_value_t = RunsOn::Azure)]
    pub runs_on: RunsOn,

    /// Community (CNCF), vendor-neutral governance of the OS wanted
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub vendor_neutral: bool,

    /// Microsoft-backed support for the OS wanted
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub microsoft_support: bool,

    /// Secure Boot is required
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub secure_boot: bool,

    /// A FIPS-enabled OS image is required
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub fips: bool,

    /// Trusted code execution (Integrity Policy Enforcement) wanted
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub ipe: bool,

    /// An immutable (read-only, image-based) OS wanted
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub immutable: bool,

    /// Workloads modify their nodes: hostPath writes, privileged DaemonSets, init
    /// containers installing packages, hostPID/hostNetwork [default: not answered]
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", action = ArgAction::Set, conflicts_with = "audit")]
    pub workloads_modify_nodes: Option<bool>,

    /// Answer --workloads-modify-nodes by auditing these manifests (files, directories, -)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub audit: Vec<PathBuf>,

    /// A package manager or other host changes are needed on the nodes
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub package_manager: bool,

    /// Arm64 node pools are needed
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", default_value_t = false, action = ArgAction::Set)]
    pub arm64: bool,

    /// Kubernetes version the pools run, e.g. 1.34 [default: any]
    #[arg(long, value_name = "X.Y")]
    pub kubernetes_version: Option<String>,
}

impl RecommendArgs {
    /// The answers these flags give, auditing manifests when `--audit` is set.
    pub fn to_answers(&self) -> AppResult<Answers> {
        let kubernetes_version = match self.kubernetes_version.as_deref() {
            None => None,
            Some(v) => Some(Minor::parse(v).ok_or_else(|| {
                AppError::usage(
                    "--kubernetes-version",
                    format!("'{v}' is not a Kubernetes version; use X.Y or X.Y.Z, e.g. 1.34"),
                )
            })?),
        };
        let answers = Answers {
            runs_on: self.runs_on,
            vendor_neutral: self.vendor_neutral,
            microsoft_support: self.microsoft_support,
            secure_boot: self.secure_boot,
            fips: self.fips,
            ipe: self.ipe,
            immutable: self.immutable,
            workloads_modify_nodes: self.workloads_modify_nodes,
            node_modifying_resources: Vec::new(),
            package_manager: self.package_manager,
            arm64: self.arm64,
            kubernetes_version,
        };
        if self.audit.is_empty() {
            return Ok(answers);
        }
        let findings = crate::audit::node_modifying_resources(&self.audit)?;
        Ok(answers.with_audit_findings(findings))
    }
}

/// Runs `aksos recommend`; returns the exit code.
pub fn run(args: &RecommendArgs, ui: &Ui) -> AppResult<u8> {
    let answers = args.to_answers()?;
    let today = catalog::today();
    let recommendation = recommend(&answers, today);
    if ui.json() {
        ui.print_json(&render::json_document(&answers, today, &recommendation));
    } else {
        print!("{}", render::text(&recommendation, ui));
    }
    Ok(exit::OK)
}
