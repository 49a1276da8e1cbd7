//! How an audit is shown: text grouped by resource with a summary line, the
//! JSON document for `-o json`, and the rule list for `--explain`.

use super::rules::{Rule, Severity, RULES};
use super::{Audit, Finding};
use crate::io::output::{Style, Ui};
use serde_json::{json, Value};
use std::fmt::Write;

fn style(severity: Severity) -> Style {
    match severity {
        Severity::Breaks => Style::Bad,
        Severity::MayMisbehave => Style::Warn,
        Severity::Info => Style::Dim,
    }
}

/// The first sentence of a rule text, for the one-line why/fix in text output.
fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_string(),
        None => flat,
    }
}

/// Text report: resources with findings, worst first within each, then the summary.
pub fn text(audit: &Audit, ui: &Ui) -> String {
    let mut out = String::new();
    for resource in audit.resources.iter().filter(|r| !r.findings.is_empty()) {
        let _ = writeln!(
            out,
            "{}  {}",
            ui.paint(&resource.title, Style::Strong),
            ui.paint(&format!("{}:{}", resource.file, resource.line), Style::Dim)
        );
        for f in &resource.findings {
            write_finding(&mut out, f, ui);
        }
        out.push('\n');
    }
    out.push_str(&summary(audit, ui));
    out.push('\n');
    if audit.findings().next().is_some() {
        let _ = writeln!(
            out,
            "{}",
            ui.paint(
                "Details and examples: aksos audit --explain RULE",
                Style::Dim
            )
        );
    }
    out
}

fn write_finding(out: &mut String, f: &Finding, ui: &Ui) {
    let label = format!("{:<13}", f.severity.label().to_uppercase());
    let _ = writeln!(
        out,
        "  {} {}:{}  {}  [{}]",
        ui.paint(&label, style(f.severity)),
        f.file,
        f.line,
        f.message,
        f.rule
    );
    let _ = writeln!(out, "    why: {}", first_sentence(f.why));
    let _ = writeln!(out, "    fix: {}", first_sentence(f.fix));
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `Scanned 5 resources in 3 files (7 documents): 1 breaks, 2 may misbehave, 0 info.`
pub fn summary(audit: &Audit, ui: &Ui) -> String {
    let breaks = audit.count(Severity::Breaks);
    let may = audit.count(Severity::MayMisbehave);
    let info = audit.count(Severity::Info);
    let counts = format!(
        "{} {breaks}, {} {may}, {} {info}",
        Severity::Breaks.label(),
        Severity::MayMisbehave.label(),
        Severity::Info.label(),
    );
    let counts = match (breaks, may) {
        (b, _) if b > 0 => ui.paint(&counts, Style::Bad),
        (_, m) if m > 0 => ui.paint(&counts, Style::Warn),
        _ => ui.paint(&counts, Style::Good),
    };
    let mut line = format!(
        "Scanned {} in {} ({}): {counts}",
        plural(audit.resources.len(), "resource", "resources"),
        plural(audit.files, "input", "inputs"),
        plural(audit.documents, "document", "documents"),
    );
    if audit.ignored > 0 {
        let _ = write!(line, "; {} ignored", audit.ignored);
    }
    if !audit.malformed.is_empty() {
        let _ = write!(
            line,
            "; {} skipped",
            plural(
                audit.malformed.len(),
                "malformed document",
                "malformed documents"
            )
        );
    }
    line.push('.');
    line
}

/// The `-o json` document: every finding, malformed documents, a summary.
pub fn json(audit: &Audit, fail_on: Severity) -> Value {
    let findings: Vec<&Finding> = audit.findings().collect();
    json!({
        "findings": findings,
        "malformed": audit.malformed,
        "summary": {
            "inputs": audit.files,
            "documents": audit.documents,
            "resources": audit.resources.len(),
            "resources_with_findings": audit.resources.iter().filter(|r| !r.findings.is_empty()).count(),
            "findings": {
                "breaks": audit.count(Severity::Breaks),
                "may-misbehave": audit.count(Severity::MayMisbehave),
                "info": audit.count(Severity::Info),
            },
            "ignored": audit.ignored,
            "malformed": audit.malformed.len(),
            "fail_on": fail_on,
            "failed": findings.iter().any(|f| f.severity >= fail_on),
        }
    })
}

pub fn rule_json(rule: &Rule) -> Value {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    json!({
        "id": rule.name,
        "severity": rule.severity,
        "detects": flat(rule.detects),
        "why": flat(rule.why),
        "fix": flat(rule.fix),
        "example": rule.example,
    })
}

/// `--explain` without a rule: one line per rule.
pub fn rule_list(ui: &Ui) -> String {
    let mut out = String::from("Rules (aksos audit --explain RULE for details):\n");
    for rule in RULES {
        let label = format!("{:<13}", rule.severity.id());
        let _ = writeln!(
            out,
            "  {:<26} {} {}",
            rule.name,
            ui.paint(&label, style(rule.severity)),
            first_sentence(rule.detects)
        );
    }
    out
}
