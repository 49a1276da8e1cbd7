//! `aksos audit`: finds workloads in Kubernetes manifests that break or
//! misbehave on an immutable node OS (Flatcar, Azure Linux OS Guard, Azure
//! Container Linux).
//!
//! The pipeline: [`input`] finds the texts, [`yaml`] parses them into
//! line-numbered documents, [`workload`] finds pod specs in them, [`check`]
//! (with [`shell`] for commands) applies the [`rules`], and [`report`] prints
//! the result. This file ties the steps together; the flags and the command
//! that prints the result are `crate::cmd::audit`.

mod check;
mod input;
pub(crate) mod report;
pub mod rules;
mod shell;
mod workload;
pub(crate) mod yaml;

use crate::error::{AppError, AppResult};
use rules::{RuleId, Severity};
use serde::Serialize;
use std::path::PathBuf;

/// One finding, as printed and as serialised to JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
    /// The container's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Which list holds it: `container`, `initContainer` or `ephemeralContainer`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_kind: Option<&'static str>,
    pub message: String,
    pub why: &'static str,
    pub fix: &'static str,
}

/// A workload and its findings (after suppression).
#[derive(Debug)]
pub struct ResourceReport {
    pub title: String,
    pub file: String,
    pub line: usize,
    pub findings: Vec<Finding>,
}

/// A document that could not be parsed.
#[derive(Debug, Clone, Serialize)]
pub struct Malformed {
    pub file: String,
    /// First line of the document.
    pub start: usize,
    /// Where the parser gave up.
    pub line: usize,
    pub message: String,
}

/// Everything one audit run found.
#[derive(Debug, Default)]
pub struct Audit {
    pub files: usize,
    pub documents: usize,
    pub resources: Vec<ResourceReport>,
    pub malformed: Vec<Malformed>,
    /// Findings silenced by --ignore or the annotation.
    pub ignored: usize,
}

impl Audit {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.resources.iter().flat_map(|r| r.findings.iter())
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings().filter(|f| f.severity == severity).count()
    }
}

/// Reads and audits every manifest under `paths`, dropping findings whose
/// rule is in `ignore` or named in the workload's `aksos.io/ignore`.
pub fn audit_paths(paths: &[PathBuf], ignore: &[RuleId]) -> AppResult<Audit> {
    let origins = input::expand(paths)?;
    let mut audit = Audit::default();
    for origin in &origins {
        let text = origin.read()?;
        audit_text(&origin.display(), &text, ignore, &mut audit)?;
        audit.files += 1;
    }
    Ok(audit)
}

/// Audits one manifest text, adding to `audit`. A text whose YAML would
/// build more than the budget (an alias bomb, see [`yaml`]) is an error (exit
/// 2) naming the file and line.
pub fn audit_text(file: &str, text: &str, ignore: &[RuleId], audit: &mut Audit) -> AppResult<()> {
    let parsed = yaml::parse_documents(text).map_err(|e| {
        AppError::usage(
            "PATH",
            format!(
                "{file}:{}: {}; audit the expanded manifests instead",
                e.line, e.message
            ),
        )
    })?;
    for parsed in parsed {
        let doc = match parsed {
            yaml::Parsed::Doc(doc) => doc,
            yaml::Parsed::Malformed {
                start,
                line,
                message,
            } => {
                audit.malformed.push(Malformed {
                    file: file.to_string(),
                    start,
                    line,
                    message,
                });
                continue;
            }
        };
        audit.documents += 1;
        let mut workloads = Vec::new();
        workload::collect(&doc, &mut workloads);
        for w in workloads {
            let mut findings = Vec::new();
            for hit in check::check_pod(w.pod_spec) {
                let rule = hit.rule.rule();
                let silenced = ignore.contains(&hit.rule)
                    || w.ignored.iter().any(|n| n.eq_ignore_ascii_case(rule.name));
                if silenced {
                    audit.ignored += 1;
                    continue;
                }
                findings.push(Finding {
                    rule: rule.name,
                    severity: rule.severity,
                    file: file.to_string(),
                    line: hit.line,
                    kind: w.kind.clone(),
                    namespace: w.namespace.clone(),
                    name: w.name.clone(),
                    container: hit.container.as_ref().map(|c| c.name.clone()),
                    container_kind: hit.container.as_ref().map(|c| c.kind),
                    message: hit.message,
                    why: rule.why,
                    fix: rule.fix,
                });
            }
            findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.line.cmp(&b.line)));
            audit.resources.push(ResourceReport {
                title: w.title(),
                file: file.to_string(),
                line: w.line,
                findings,
            });
        }
    }
    Ok(())
}

/// Scans manifests and returns one line per resource that modifies its node
/// (a finding of severity "breaks" or "may misbehave"), e.g.
/// `DaemonSet logging/fluent-bit (manifests/ds.yaml:12): writable hostPath /var/log`.
/// Used by `recommend --audit` and the wizard.
pub fn node_modifying_resources(paths: &[PathBuf]) -> AppResult<Vec<String>> {
    let audit = audit_paths(paths, &[])?;
    Ok(audit
        .resources
        .iter()
        .filter_map(|r| {
            let serious: Vec<&Finding> = r
                .findings
                .iter()
                .filter(|f| f.severity >= Severity::MayMisbehave)
                .collect();
            let first = serious.first()?;
            let mut messages: Vec<&str> = Vec::new();
            for f in &serious {
                if !messages.contains(&f.message.as_str()) {
                    messages.push(&f.message);
                }
            }
            Some(format!(
                "{} ({}:{}): {}",
                r.title,
                first.file,
                first.line,
                messages.join("; ")
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG_COLLECTOR: &str = "\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluent-bit
  namespace: logging
spec:
  template:
    spec:
      containers:
      - name: fluent-bit
        volumeMounts:
        - {name: varlog, mountPath: /var/log}
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
";

    #[test]
    fn node_modifying_resources_names_resource_file_line_and_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ds.yaml");
        std::fs::write(&path, LOG_COLLECTOR).unwrap();
        let lines = node_modifying_resources(std::slice::from_ref(&path)).unwrap();
        assert_eq!(
            lines,
            vec![format!(
                "DaemonSet logging/fluent-bit ({}:14): writable hostPath /var/log",
                path.display()
            )]
        );
    }

    #[test]
    fn ignore_list_and_annotation_silence_findings_and_are_counted() {
        let mut audit = Audit::default();
        audit_text(
            "a.yaml",
            LOG_COLLECTOR,
            &[RuleId::HostPathWrite],
            &mut audit,
        )
        .unwrap();
        assert_eq!(audit.findings().count(), 0);
        assert_eq!(audit.ignored, 1);

        let annotated = LOG_COLLECTOR.replace(
            "  namespace: logging\n",
            "  namespace: logging\n  annotations:\n    aksos.io/ignore: hostpath-write\n",
        );
        let mut audit = Audit::default();
        audit_text("a.yaml", &annotated, &[], &mut audit).unwrap();
        assert_eq!(audit.findings().count(), 0);
        assert_eq!(audit.resources.len(), 1);
    }

    #[test]
    fn malformed_documents_are_recorded_and_others_still_audited() {
        let text = format!("kind: Pod\nspec: [oops\n---\n{LOG_COLLECTOR}");
        let mut audit = Audit::default();
        audit_text("m.yaml", &text, &[], &mut audit).unwrap();
        assert_eq!(audit.malformed.len(), 1);
        assert_eq!(audit.count(Severity::MayMisbehave), 1);
        assert_eq!(audit.findings().next().unwrap().line, 17);
    }
}
