//! `aksos export`: what `cluster create` / `nodepool add` would send, written as
//! Bicep, Terraform (azapi), an ARM template or an `az` script, without calling
//! Azure. The same preflight runs (so the same catalog-filled settings appear),
//! and the exact PUT body from [`crate::core::request`] is handed to a template.
//!
//! Each format's syntax lives only in its template under `templates/export/`
//! (embedded with `include_str!`, so the binary is self-contained); this module
//! builds the context and picks the template. Every value a template writes
//! goes through the filter for its language ([`escape`]: `shq`, `hcl`,
//! `hcl_literal`, `bicep`, `arm`), and values with control characters are
//! refused before rendering, naming their flag. The `ident` test says whether
//! a map key can be written bare. Terraform output is then aligned as
//! `terraform fmt` does ([`hcl_fmt`]).
//!
//! `--out` writes atomically (a temporary file in the same directory, then a
//! rename), never through a symbolic link, and never over an existing file
//! without `--force`.

mod escape;
mod hcl_fmt;

use crate::cli::{ExportCommand, ExportFormat, ExportOutput};
use crate::core::catalog::{self, FEATURE_NAMESPACE, PROVIDER_NAMESPACE};
use crate::core::preflight::{self, Findings};
use crate::core::request::{ClusterRequest, NodePoolRequest, PoolSpec};
use crate::core::{fields, ClusterInput, Kind, Problem};
use crate::error::{AppError, AppResult};
use crate::io::output::Ui;
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
pub fn run(c: &ExportCommand, f: &crate::cmd::factory::Factory) -> AppResult<u8> {
    let ui = f.ui();
    let (text, out) = match c {
        ExportCommand::Cluster(a) => {
            let (r, f) = a.create.fields.check(preflight::cluster)?;
            check_values(&a.create.fields.input, Kind::Cluster)?;
            if let Ok((body, _)) = r.body_json(r.pool.kubernetes_version.as_deref()) {
                check_body_text(&body, &a.create.fields.input)?;
            }
            check_out_path(&a.output)?;
            report_findings(&f, a.output.format, ui);
            (
                render(&Export::Cluster(&r), &f, a.output.format)?,
                &a.output,
            )
        }
        ExportCommand::Nodepool(a) => {
            let (r, f) = a.add.fields.check(preflight::pool)?;
            check_values(&a.add.fields.input, Kind::Pool)?;
            if let Ok((body, _)) = r.body_json() {
                check_body_text(&body, &a.add.fields.input)?;
            }
            check_out_path(&a.output)?;
            report_findings(&f, a.output.format, ui);
            (render(&Export::Pool(&r), &f, a.output.format)?, &a.output)
        }
    };
    write_out(&text, out, ui)?;
    Ok(0)
}

/// Preflight's findings on stderr, worded for an export: preflight says a
/// preview feature is "registered for you", which is what `cluster create`
/// does; an export registers nothing itself.
fn report_findings(f: &Findings, format: ExportFormat, ui: &Ui) {
    let how = match format {
        ExportFormat::Terraform | ExportFormat::Az => " (the exported file registers it first)",
        ExportFormat::Bicep | ExportFormat::Arm => {
            " (register it before deploying: the exported file says how)"
        }
    };
    for w in &f.warnings {
        ui.warn(w);
    }
    for need in &f.features {
        ui.warn(&format!("{need}{how}"));
    }
    for filled in &f.filled {
        ui.note(&format!("filled in: {filled}"));
    }
}

/// Refuses an `--out` path that would be written through a symbolic link,
/// is not a regular file, or exists without `--force`: before anything is
/// rendered, and again (without a race) when writing.
fn check_out_path(out: &ExportOutput) -> AppResult<()> {
    let Some(path) = &out.out else {
        return Ok(());
    };
    let shown = path.display();
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::usage("--out", format!("cannot use {shown}: {e}"))),
        Ok(m) if m.file_type().is_symlink() => Err(AppError::usage(
            "--out",
            format!(
                "{shown} is a symbolic link; aksos does not write through links. \
                 Give the path of the file itself, or remove the link"
            ),
        )),
        Ok(m) if !m.is_file() => Err(AppError::usage(
            "--out",
            format!("{shown} exists and is not a regular file; give a file path"),
        )),
        Ok(_) if !out.force => Err(AppError::usage(
            "--out",
            format!("{shown} already exists; add --force to overwrite it"),
        )),
        Ok(_) => Ok(()),
    }
}

fn write_out(text: &str, out: &ExportOutput, ui: &Ui) -> AppResult<()> {
    use std::io::Write;
    let Some(path) = &out.out else {
        // A closed pipe (`| head`) is not worth an error.
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return Ok(());
    };
    check_out_path(out)?;
    let executable = out.format == ExportFormat::Az;
    write_atomically(path, text.as_bytes(), executable, out.force)?;
    ui.note(&format!("wrote {}", path.display()));
    Ok(())
}

/// Writes `bytes` to a new temporary file next to `path` (created
/// exclusively, so it is never a link), sets its mode on the open handle,
/// syncs it, and moves it into place: with `force` by rename (which replaces
/// a link or file at `path` rather than following it), without by a hard
/// link that fails if `path` appeared meanwhile. A reader sees the old file
/// or the whole new one, never half of it.
fn write_atomically(
    path: &std::path::Path,
    bytes: &[u8],
    executable: bool,
    force: bool,
) -> AppResult<()> {
    use std::io::Write;
    let shown = path.display();
    let io_err = |e: std::io::Error| AppError::Io(format!("cannot write {shown}: {e}"));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| AppError::usage("--out", format!("{shown} does not name a file")))?;
    let temp = dir.join(format!(
        ".{}.aksos-{}.tmp",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if executable { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = executable; // no file modes to set
    let mut file = options.open(&temp).map_err(io_err)?;
    let placed = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if force {
            std::fs::rename(&temp, path)
        } else {
            std::fs::hard_link(&temp, path)
        }
    })();
    let _ = std::fs::remove_file(&temp);
    match placed {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(AppError::usage(
            "--out",
            format!("{shown} already exists; add --force to overwrite it"),
        )),
        Err(e) => Err(io_err(e)),
    }
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
    env.add_filter("shq", |v: minijinja::Value| escape::shell(&scalar_text(&v)));
    env.add_filter("hcl", |s: &str| escape::hcl(s));
    env.add_filter("hcl_literal", |s: &str| escape::hcl_literal(s));
    env.add_filter("bicep", |s: &str| escape::bicep(s));
    env.add_filter("arm", arm_filter);
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

/// The text of a scalar (a string as is, a number or boolean as written).
fn scalar_text(v: &minijinja::Value) -> String {
    match v.as_str() {
        Some(s) => s.to_string(),
        None => v.to_string(),
    }
}

/// `value|arm` or `value|arm(indent=N)`: JSON for an ARM template, strings
/// shaped like ARM expressions escaped (see [`escape::arm`]).
fn arm_filter(
    v: minijinja::Value,
    kwargs: minijinja::value::Kwargs,
) -> Result<String, minijinja::Error> {
    let indent: Option<usize> = kwargs.get("indent")?;
    kwargs.assert_all_used()?;
    let json = serde_json::to_value(&v).map_err(|e| {
        minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
    })?;
    let json = escape::arm(json);
    let text = match indent {
        None => serde_json::to_string(&json),
        Some(n) => {
            let pad = " ".repeat(n);
            let mut out = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(pad.as_bytes());
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            serde::Serialize::serialize(&json, &mut ser)
                .map(|()| String::from_utf8(out).expect("JSON is UTF-8"))
        }
    };
    text.map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))
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
            c.body_json(c.pool.kubernetes_version.as_deref())
                .map(|(b, _)| b)
                .expect("preflight applied the raw writes"),
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
            p.body_json()
                .map(|(b, _)| b)
                .expect("preflight applied the raw writes"),
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
    let az_rest = !az_flags_cover(&body, kind == "cluster");
    json!({
        "kind": kind,
        "resource": resource,
        // Some property has no az flag: the script PUTs the exact body.
        "az_rest": az_rest,
        "body_pretty": serde_json::to_string_pretty(&body).expect("serialisable"),
        "pool": pool_context(pool),
        "body": body,
        "provider_namespace": PROVIDER_NAMESPACE,
        "features_api_version": catalog::api_version::FEATURES,
        "providers_api_version": catalog::api_version::PROVIDERS,
        "filled": f.filled,
        // The templates say how a needed feature gets registered.
        "warnings": f.warnings,
    })
}

/// The body paths the az script's flags express (its template), cluster and
/// pool (`*` is any map key or list index).
const AZ_CLUSTER_PATHS: &[&str] = &[
    "location",
    "tags.*",
    "identity.type",
    "properties.kubernetesVersion",
    "properties.dnsPrefix",
    "properties.autoUpgradeProfile.nodeOSUpgradeChannel",
];
const AZ_POOL_PATHS: &[&str] = &[
    "name",
    "count",
    "vmSize",
    "osType",
    "osSKU",
    "mode",
    "type",
    "orchestratorVersion",
    "enableFIPS",
    "securityProfile.enableSecureBoot",
    "securityProfile.enableVTPM",
    "osDiskType",
    "nodeLabels.*",
    "nodeTaints.*",
];

/// Whether every leaf of `body` is one the az script's flags say (else the
/// script sends the exact body with `az rest`, which is faithful where a
/// flag-by-flag `az aks` command would drop or reinterpret a property).
fn az_flags_cover(body: &Value, cluster: bool) -> bool {
    let pool_root = if cluster {
        "properties.agentPoolProfiles.*."
    } else {
        "properties."
    };
    crate::core::body::leaves(body).keys().all(|path| {
        let g = star(path);
        let top = if cluster { AZ_CLUSTER_PATHS } else { &[][..] };
        top.iter().any(|p| matches(&g, p))
            || AZ_POOL_PATHS
                .iter()
                .any(|p| matches(&g, &format!("{pool_root}{p}")))
    })
}

/// `a.b[0].c["k.x"]` → `a.b.*.c.*`: list indexes and quoted keys as `*`.
fn star(path: &str) -> String {
    let mut out = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '[' {
            for d in chars.by_ref() {
                if d == ']' {
                    break;
                }
            }
            out.push_str(".*");
        } else {
            out.push(c);
        }
    }
    out
}

/// `g` (from [`star`]) is `pattern`, where a `*` segment of the pattern
/// also takes one plain map key.
fn matches(g: &str, pattern: &str) -> bool {
    let a: Vec<&str> = g.split('.').collect();
    let b: Vec<&str> = pattern.split('.').collect();
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| *y == "*" || x == y)
}

/// Refuses a body whose text (keys and strings) holds a character no export
/// can carry safely: the flags were checked one by one ([`check_values`]);
/// this catches what a `--body-file` brought.
fn check_body_text(body: &Value, input: &ClusterInput) -> AppResult<()> {
    fn first_bad(v: &Value) -> Option<char> {
        match v {
            Value::String(s) => escape::refused_char(s),
            Value::Array(a) => a.iter().find_map(first_bad),
            Value::Object(m) => m
                .iter()
                .find_map(|(k, v)| escape::refused_char(k).or_else(|| first_bad(v))),
            _ => None,
        }
    }
    match first_bad(body) {
        None => Ok(()),
        Some(c) => Err(AppError::usage(
            match &input.body_file {
                Some(f) => format!("--body-file {f}"),
                None => "--set".into(),
            },
            format!(
                "a value holds the control or invisible character U+{:04X}, which cannot be \
                 written safely into a generated file; remove it",
                c as u32
            ),
        )),
    }
}

/// Refuses, before rendering, every value holding a character no export can
/// carry safely (see [`escape::refused_char`]), each named by its flag: every
/// field the table knows, so a new setting is checked without a line here.
fn check_values(input: &ClusterInput, kind: Kind) -> AppResult<()> {
    let mut problems: Vec<Problem> = vec![];
    for (field, value) in fields::values(input, kind) {
        if let Some(c) = escape::refused_char(&value) {
            if problems.iter().any(|p| p.field == field) {
                continue;
            }
            problems.push(Problem::new(
                field,
                format!(
                    "the value holds the control or invisible character U+{:04X}, which \
                     cannot be written safely into a generated file; remove it",
                    c as u32
                ),
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(crate::core::problems_error(problems, |f| {
        fields::flag(kind, f)
    }))
}

/// Renders one export in `format` (the caller refused values with control
/// characters first, naming their flags).
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
    if format == ExportFormat::Terraform {
        text = hcl_fmt::align(&text);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_ident("osSKU") && is_ident("_x1"));
        assert!(!is_ident("kubernetes.io/os") && !is_ident("1a") && !is_ident(""));
    }
}
