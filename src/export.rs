//! `aksos export`: what `cluster create` / `nodepool add` would send, written as
//! Bicep, Terraform (azapi), an ARM template or an `az` script, without calling
//! Azure. The same preflight runs (so the same catalog-filled settings appear),
//! and the exact PUT body from [`crate::request`] is handed to a template.
//!
//! Each format's syntax lives only in its template under `templates/export/`
//! (embedded with `include_str!`, so the binary is self-contained); this module
//! builds the context and picks the template. Two small helpers are registered
//! for the templates: the `shq` filter (shell single-quoting) and the `ident`
//! test (a map key usable bare, without quotes).

use crate::catalog::{self, FEATURE_NAMESPACE, PROVIDER_NAMESPACE};
use crate::cli::{ExportCommand, ExportFormat, ExportOutput};
use crate::error::{AppError, AppResult};
use crate::output::Ui;
use crate::preflight::{self, Findings};
use crate::request::{ClusterRequest, NodePoolRequest, PoolSpec};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::{json, Value};

const BICEP: &str = include_str!("../templates/export/bicep.bicep.j2");
const TERRAFORM: &str = include_str!("../templates/export/terraform.tf.j2");
const ARM: &str = include_str!("../templates/export/arm.json.j2");
const AZ: &str = include_str!("../templates/export/az.sh.j2");

/// What is exported.
pub enum Export<'a> {
    Cluster(&'a ClusterRequest),
    Pool(&'a NodePoolRequest),
}

/// Runs `aksos export cluster|nodepool`.
pub fn run(c: &ExportCommand, ui: &Ui) -> AppResult<u8> {
    let (text, out) = match c {
        ExportCommand::Cluster(a) => {
            let (r, f) = preflight::cluster(&a.create)?;
            crate::commands::provision::report_findings(&f, ui);
            (
                render(&Export::Cluster(&r), &f, a.output.format)?,
                &a.output,
            )
        }
        ExportCommand::Nodepool(a) => {
            let (r, f) = preflight::nodepool(&a.add)?;
            crate::commands::provision::report_findings(&f, ui);
            (render(&Export::Pool(&r), &f, a.output.format)?, &a.output)
        }
    };
    write_out(&text, out, ui)?;
    Ok(0)
}

fn write_out(text: &str, out: &ExportOutput, ui: &Ui) -> AppResult<()> {
    use std::io::Write;
    let Some(path) = &out.out else {
        // A closed pipe (`| head`) is not worth an error.
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return Ok(());
    };
    if path.exists() && !out.force {
        return Err(AppError::usage(
            "--out",
            format!(
                "{} already exists; add --force to overwrite it",
                path.display()
            ),
        ));
    }
    std::fs::write(path, text)
        .map_err(|e| AppError::Io(format!("cannot write {}: {e}", path.display())))?;
    #[cfg(unix)]
    if out.format == ExportFormat::Az {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755));
    }
    ui.note(&format!("wrote {}", path.display()));
    Ok(())
}

/// The template environment: every export template plus the two helpers.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("syntax config"),
    );
    env.add_filter("shq", shell_quote);
    env.add_test("ident", |s: &str| is_ident(s));
    for (name, src) in [
        ("bicep", BICEP),
        ("terraform", TERRAFORM),
        ("arm", ARM),
        ("az", AZ),
    ] {
        env.add_template(name, src)
            .expect("embedded templates compile");
    }
    env
}

/// Quotes a value for bash when it holds anything but safe characters.
fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A key that Bicep and HCL take without quotes.
fn is_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn pool_context(p: &PoolSpec) -> Value {
    let sku = p.sku();
    let feature = sku.and_then(|s| s.feature_flag);
    let api = p.api_version();
    json!({
        "name": p.name,
        "os_sku": p.os_sku,
        "display_name": sku.map(|s| s.display_name),
        "vm_size": p.vm_size,
        "count": p.count,
        "mode": p.mode,
        "kubernetes_version": p.kubernetes_version,
        "kubernetes_range": sku.map(|s| s.kubernetes_range()),
        "enable_fips": p.enable_fips,
        "enable_secure_boot": p.enable_secure_boot,
        "enable_vtpm": p.enable_vtpm,
        "os_disk_type": p.os_disk_type,
        "labels": p.labels,
        "taints": p.taints,
        "feature": feature.map(|f| json!({"namespace": FEATURE_NAMESPACE, "name": f})),
        "api_version": api,
        "preview_api": api == catalog::api_version::AKS_PREVIEW,
        // Core az offers only the GA SKUs; preview and flagged ones need aks-preview.
        "needs_aks_preview": feature.is_some() || api == catalog::api_version::AKS_PREVIEW,
    })
}

/// The template context for one export.
pub fn context(e: &Export, f: &Findings) -> Value {
    let (kind, pool, body, resource) = match e {
        Export::Cluster(c) => (
            "cluster",
            &c.pool,
            serde_json::to_value(c.body(c.pool.kubernetes_version.as_deref()))
                .expect("serialisable"),
            json!({
                "type": "Microsoft.ContainerService/managedClusters",
                "resource_group": c.resource_group,
                "name": c.name,
                "cluster": c.name,
                "location": c.location,
                "node_os_upgrade_channel": c.node_os_upgrade_channel,
                "tags": c.tags,
            }),
        ),
        Export::Pool(p) => (
            "nodepool",
            &p.pool,
            serde_json::to_value(p.body()).expect("serialisable"),
            json!({
                "type": "Microsoft.ContainerService/managedClusters/agentPools",
                "resource_group": p.resource_group,
                "name": p.pool.name,
                "cluster": p.cluster,
                "location": null,
                "node_os_upgrade_channel": null,
                "tags": {},
            }),
        ),
    };
    json!({
        "kind": kind,
        "resource": resource,
        "pool": pool_context(pool),
        "body": body,
        "provider_namespace": PROVIDER_NAMESPACE,
        "filled": f.filled,
        // The templates say how the feature gets registered; drop preflight's
        // "registered for you" line, which describes `aksos cluster create`.
        "warnings": f.warnings.iter().filter(|w| !w.contains("registered for you")).collect::<Vec<_>>(),
    })
}

/// Renders one export in `format`.
pub fn render(e: &Export, f: &Findings, format: ExportFormat) -> AppResult<String> {
    let name = match format {
        ExportFormat::Bicep => "bicep",
        ExportFormat::Terraform => "terraform",
        ExportFormat::Arm => "arm",
        ExportFormat::Az => "az",
    };
    let env = environment();
    let tmpl = env.get_template(name).expect("embedded template");
    let mut text = tmpl
        .render(minijinja::Value::from(minijinja::value::Serde(context(
            e, f,
        ))))
        .map_err(|err| AppError::Io(format!("could not render the {name} template: {err:#}")))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("Standard_D4s_v5"), "Standard_D4s_v5");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn identifiers() {
        assert!(is_ident("osSKU") && is_ident("_x1"));
        assert!(!is_ident("kubernetes.io/os") && !is_ident("1a") && !is_ident(""));
    }
}
