//! `aksos audit`: the flags, and the command that audits manifests with
//! [`crate::core::audit`] and prints the report.

use crate::core::audit::rules::{self, RuleId, Severity};
use crate::core::audit::{audit_paths, report};
use crate::error::{exit, AppError, AppResult};
use crate::io::output::Ui;
use std::path::PathBuf;

/// Arguments of `aksos audit`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  aksos audit k8s/
  helm template my-release ./chart | aksos audit -
  kubectl get ds,deploy,sts,job,cronjob,pod -A -o yaml | aksos audit -
  aksos audit manifests/ --fail-on may-misbehave -o json
  aksos audit --explain hostpath-write-os

Silence a known exception in the manifest (workload or pod template metadata):
  metadata:
    annotations:
      aksos.io/ignore: hostpath-write,host-namespace

Exit codes: 0 nothing at or above --fail-on, 1 a finding at or above it,
2 unreadable input (a device or pipe, a file over 16 MiB, or YAML aliases
expanding past the budget). Malformed documents are reported and skipped.")]
pub struct AuditArgs {
    /// Manifest files, directories (searched for *.yaml, *.yml, *.json) or - for stdin;
    /// only regular files (or links to them) are read, each at most 16 MiB
    #[arg(value_name = "PATH", required_unless_present = "explain")]
    pub paths: Vec<PathBuf>,

    /// Exit 1 when a finding of this severity or worse exists
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = Severity::Breaks)]
    pub fail_on: Severity,

    /// Skip a rule (repeatable, or comma-separated)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Explain a rule (id, severity, why it matters, fix, example); without RULE, list all rules
    #[arg(long, value_name = "RULE", num_args = 0..=1, default_missing_value = "")]
    pub explain: Option<String>,
}

/// Runs `aksos audit`; returns the exit code.
pub fn run(args: &AuditArgs, f: &crate::cmd::factory::Factory) -> AppResult<u8> {
    let ui = f.ui();
    if let Some(rule) = &args.explain {
        return explain(rule, ui);
    }
    let ignore = args
        .ignore
        .iter()
        .map(|name| {
            RuleId::parse(name).ok_or_else(|| {
                AppError::usage(
                    "--ignore",
                    format!("unknown rule {name:?}; rules: {}", rules::known_names()),
                )
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let audit = audit_paths(&args.paths, &ignore)?;
    for m in &audit.malformed {
        ui.warn(&format!(
            "{}:{}: malformed document (lines {}-{}) skipped: {}",
            m.file, m.line, m.start, m.line, m.message
        ));
    }
    if ui.json() {
        ui.print_json(&report::json(&audit, args.fail_on));
    } else {
        let text = report::text(&audit, ui);
        ui.line(text.strip_suffix('\n').unwrap_or(&text));
    }
    let failed = audit.findings().any(|f| f.severity >= args.fail_on);
    Ok(if failed { exit::FOUND } else { exit::OK })
}

fn explain(name: &str, ui: &Ui) -> AppResult<u8> {
    if name.is_empty() {
        if ui.json() {
            ui.print_json(
                &rules::RULES
                    .iter()
                    .map(report::rule_json)
                    .collect::<Vec<_>>(),
            );
        } else {
            let text = report::rule_list(ui);
            ui.line(text.strip_suffix('\n').unwrap_or(&text));
        }
        return Ok(exit::OK);
    }
    let rule = RuleId::parse(name).ok_or_else(|| {
        AppError::usage(
            "--explain",
            format!("unknown rule {name:?}; rules: {}", rules::known_names()),
        )
    })?;
    if ui.json() {
        ui.print_json(&report::rule_json(rule.rule()));
    } else {
        let text = rules::explain(rule.rule());
        ui.line(text.strip_suffix('\n').unwrap_or(&text));
    }
    Ok(exit::OK)
}
