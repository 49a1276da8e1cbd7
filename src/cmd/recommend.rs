//! `aksos recommend`: the flags that fill [`Answers`], and the command that
//! prints the engine's ranking ([`crate::core::recommend`]). Nothing is sent
//! to Azure.

use crate::core::recommend::{recommend, render, Answers, RunsOn, YesNo};
use crate::core::version::parse_kubernetes_version;
use crate::error::{exit, AppError, AppResult};
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
    /// The flag's answer to `q` (the flags' help is checked against
    /// [`crate::core::recommend::YES_NO`] by a test below).
    fn yes_no(&self, q: YesNo) -> bool {
        match q {
            YesNo::VendorNeutral => self.vendor_neutral,
            YesNo::MicrosoftSupport => self.microsoft_support,
            YesNo::SecureBoot => self.secure_boot,
            YesNo::Fips => self.fips,
            YesNo::Ipe => self.ipe,
            YesNo::Immutable => self.immutable,
            YesNo::PackageManager => self.package_manager,
            YesNo::Arm64 => self.arm64,
        }
    }

    /// The answers these flags give, auditing manifests when `--audit` is set.
    pub fn to_answers(&self) -> AppResult<Answers> {
        let kubernetes_version = match self.kubernetes_version.as_deref() {
            None => None,
            Some(v) => Some(
                parse_kubernetes_version(v)
                    .map_err(|e| AppError::usage("--kubernetes-version", e))?,
            ),
        };
        let answers = Answers {
            runs_on: self.runs_on,
            workloads_modify_nodes: self.workloads_modify_nodes,
            kubernetes_version,
            ..Answers::default()
        }
        .ask_yes_no(|q| Ok::<_, AppError>(self.yes_no(q.id)))?;
        if self.audit.is_empty() {
            return Ok(answers);
        }
        let findings = crate::core::audit::node_modifying_resources(&self.audit)?;
        Ok(answers.with_audit_findings(findings))
    }
}

/// Runs `aksos recommend`; returns the exit code.
pub fn run(args: &RecommendArgs, f: &crate::cmd::factory::Factory) -> AppResult<u8> {
    let ui = f.ui();
    let answers = args.to_answers()?;
    let today = f.today();
    let recommendation = recommend(&answers, today);
    if ui.json() {
        ui.print_json(&render::json_document(&answers, today, &recommendation));
    } else {
        let text = render::text(&recommendation, ui);
        ui.line(text.strip_suffix('\n').unwrap_or(&text));
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use crate::core::recommend::YES_NO;

    #[test]
    fn every_yes_no_question_is_a_recommend_flag_with_the_tables_help() {
        let cmd = crate::cli::command();
        let rec = cmd
            .get_subcommands()
            .find(|c| c.get_name() == "recommend")
            .expect("recommend subcommand");
        for q in YES_NO {
            let long = q.flag.trim_start_matches("--");
            let arg = rec
                .get_arguments()
                .find(|a| a.get_long() == Some(long))
                .unwrap_or_else(|| panic!("{} is a flag of recommend", q.flag));
            assert_eq!(
                arg.get_help().map(|h| h.to_string()).as_deref(),
                Some(q.help),
                "{}",
                q.flag
            );
        }
    }
}
