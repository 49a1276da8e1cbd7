//! The validation tables generated from the official AKS specs
//! (`gen/gen_schema.py` → `src/spec/<api-version>.tsv`, each naming its source
//! path, commit and sha256) and the checks the emulator makes with them on every
//! PUT body: unknown property → 400 (so a typo such as `osSku` is refused), wrong
//! JSON type → 400, value outside a closed enum → 400, a number, string
//! length or item count outside the spec's `minimum`/`maximum`/`minLength`/
//! `maxLength`/`minItems`/`maxItems` → 400 `InvalidParameter`. Properties the
//! spec marks create-only (`x-ms-mutability` without `update`, such as
//! `location`) may not change on an update ([`create_only_change`] → 400
//! `PropertyChangeNotAllowed`). Read-only properties
//! (`id`, `provisioningState`, `currentOrchestratorVersion`, …) are ignored, as
//! ARM resource providers do: a client may PUT back what it GOT.
//!
//! **Api-versions served.** Azure serves many AKS api-versions; the emulator
//! carries the two newest complete specs, stable `2026-08-01` and preview
//! `2026-08-02-preview`, and serves every other known version of the same
//! channel with the nearest of the two ([`spec_version`]): older stable ones
//! with `2026-08-01`, older previews (including the recorded `2025-07-02-preview`
//! and `2025-08-02-preview`) with `2026-08-02-preview`. Properties only older
//! versions had would be refused; the recorded az bodies show none. The `osSKU`
//! enum is narrowed per api-version by [`os_sku_introduced`] (from
//! arm-specs/containerservice/osSKU-enum-by-version.json).

use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

const STABLE_TSV: &str = include_str!("spec/2026-08-01.tsv");
const PREVIEW_TSV: &str = include_str!("spec/2026-08-02-preview.tsv");

/// The spec versions whose tables are generated.
pub const SPEC_VERSIONS: &[&str] = &["2026-08-01", "2026-08-02-preview"];

/// AKS api-versions the emulator answers (newest first per channel). The
/// stable and preview folders in azure-rest-api-specs (arm-specs/README.md §2),
/// plus versions seen in recorded Azure traffic (2025-03-01, 2025-07-02-preview,
/// 2025-08-02-preview). `2026-10-01` is absent on purpose: its spec is in flight.
pub const AKS_VERSIONS: &[&str] = &[
    "2026-08-01",
    "2026-07-01",
    "2026-06-01",
    "2026-05-01",
    "2026-04-01",
    "2026-03-01",
    "2026-02-01",
    "2026-01-01",
    "2025-10-01",
    "2025-03-01",
    "2026-08-02-preview",
    "2026-07-02-preview",
    "2026-06-02-preview",
    "2026-05-02-preview",
    "2026-04-02-preview",
    "2026-03-02-preview",
    "2026-02-02-preview",
    "2026-01-02-preview",
    "2025-10-02-preview",
    "2025-08-02-preview",
    "2025-07-02-preview",
];

/// The spec whose table validates `api` (same channel, nearest version), or
/// `None` when the emulator does not serve `api`.
pub fn spec_version(api: &str) -> Option<&'static str> {
    if !AKS_VERSIONS.contains(&api) {
        return None;
    }
    Some(if api.ends_with("-preview") {
        SPEC_VERSIONS[1]
    } else {
        SPEC_VERSIONS[0]
    })
}

/// The first api-version of each channel whose `osSKU` enum has a value that
/// is not in every version served (osSKU-enum-by-version.json): (value, first
/// stable, first preview). `None` = never in that channel.
const OS_SKU_INTRODUCED: &[(&str, Option<&str>, Option<&str>)] = &[
    (
        "Windows2025",
        Some("2026-02-01"),
        Some("2026-01-02-preview"),
    ),
    (
        "AzureContainerLinux",
        Some("2026-04-01"),
        Some("2026-04-02-preview"),
    ),
    ("Ubuntu2604", None, Some("2026-08-02-preview")),
];

/// Whether `sku` is in the published `osSKU` enum of `api` (case-insensitive):
/// in the table of its spec and not introduced after `api`.
pub fn os_sku_introduced(api: &str, sku: &str) -> bool {
    let Some(t) = table(api) else { return false };
    let in_spec = t
        .node(Root::AgentPool, "properties.osSKU")
        .is_some_and(|n| n.values.iter().any(|v| v.eq_ignore_ascii_case(sku)));
    let since = OS_SKU_INTRODUCED
        .iter()
        .find(|(v, ..)| v.eq_ignore_ascii_case(sku))
        .map(|(_, s, p)| if api.ends_with("-preview") { *p } else { *s });
    // api-versions are dates: they compare as strings.
    in_spec && since.is_none_or(|first| first.is_some_and(|f| api >= f))
}

/// The PUT body a table describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Root {
    ManagedCluster,
    AgentPool,
}

/// One property path of a table.
#[derive(Debug, Clone)]
pub struct Node {
    /// object, array, string, integer, number, boolean or any.
    pub kind: String,
    pub read_only: bool,
    /// The enum is extensible (`modelAsString`): other values are allowed.
    pub open: bool,
    pub values: Vec<String>,
    pub pattern: Option<String>,
    /// Create-only (`x-ms-mutability` without `update`).
    pub create_only: bool,
    /// The spec's limits: `minimum`, `maximum`, `minLength`, … → value.
    pub limits: Vec<(String, f64)>,
}

impl Node {
    /// The limit named `name` (`minimum`, `maxLength`, …), if the spec sets it.
    pub fn limit(&self, name: &str) -> Option<f64> {
        self.limits.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }
}

/// One generated table.
#[derive(Debug)]
pub struct Table {
    /// `<repo path> @ <commit> sha256 <hex>` of the spec it came from.
    pub source: String,
    nodes: HashMap<(Root, String), Node>,
    /// Path parameter rules: name → (pattern, minLength, maxLength).
    pub params: HashMap<String, (String, usize, usize)>,
}

impl Table {
    fn parse(text: &str) -> Table {
        let mut t = Table {
            source: String::new(),
            nodes: HashMap::new(),
            params: HashMap::new(),
        };
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let dash = |s: &str| (s != "-").then(|| s.to_string());
            match cols.as_slice() {
                ["@source", rest @ ..] => t.source = rest.join(" "),
                ["@param", name, pattern, min, max] => {
                    t.params.insert(
                        name.to_string(),
                        (
                            pattern.to_string(),
                            min.parse().unwrap_or(0),
                            max.parse().unwrap_or(usize::MAX),
                        ),
                    );
                }
                [root, path, kind, flags, values, pattern, rest @ ..] => {
                    let root = match *root {
                        "ManagedCluster" => Root::ManagedCluster,
                        "AgentPool" => Root::AgentPool,
                        _ => continue,
                    };
                    let path = if *path == "." { "" } else { path };
                    let flags: Vec<&str> = flags.split(',').collect();
                    t.nodes.insert(
                        (root, path.to_string()),
                        Node {
                            kind: kind.to_string(),
                            read_only: flags.contains(&"ro"),
                            open: flags.contains(&"open"),
                            values: dash(values)
                                .map(|v| v.split('|').map(str::to_string).collect())
                                .unwrap_or_default(),
                            pattern: dash(pattern),
                            create_only: flags.contains(&"co"),
                            limits: rest
                                .first()
                                .and_then(|l| dash(l))
                                .map(|l| {
                                    l.split(',')
                                        .filter_map(|kv| kv.split_once('='))
                                        .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
                                        .collect()
                                })
                                .unwrap_or_default(),
                        },
                    );
                }
                _ => {}
            }
        }
        t
    }

    /// The node at `path` (dotted, `[]` for items, `{}` for map values).
    pub fn node(&self, root: Root, path: &str) -> Option<&Node> {
        self.nodes.get(&(root, path.to_string()))
    }

    /// How many property paths the table holds.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the table is empty (never, for a generated one).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// The table that validates `api`, if served.
pub fn table(api: &str) -> Option<&'static Table> {
    static TABLES: OnceLock<[Table; 2]> = OnceLock::new();
    let [stable, preview] =
        TABLES.get_or_init(|| [Table::parse(STABLE_TSV), Table::parse(PREVIEW_TSV)]);
    match spec_version(api)? {
        v if v == SPEC_VERSIONS[0] => Some(stable),
        _ => Some(preview),
    }
}

/// Properties older previews took that the 2026 specs no longer have, accepted
/// (and ignored) at previews before `2026-01-02-preview` only. Source: the
/// bodies az sent at 2025-07-02-preview and 2025-08-02-preview
/// (tests/fixtures/recordings: aks_nodepool_add_osguard, aks_nodepool_add_azurelinux3).
const LEGACY_PREVIEW: &[(Root, &str)] = &[
    (Root::AgentPool, "properties.enableCustomCATrust"),
    (
        Root::ManagedCluster,
        "properties.agentPoolProfiles[].enableCustomCATrust",
    ),
];

fn legacy(api: &str, root: Root, path: &str) -> bool {
    api.ends_with("-preview")
        && api < "2026-01-02-preview"
        && LEGACY_PREVIEW.iter().any(|(r, p)| *r == root && *p == path)
}

/// Why a body was refused: ARM's code, message and the property's path.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub code: &'static str,
    pub message: String,
    pub target: String,
}

/// Checks `body`, sent at `api`, against the table: every property known, of
/// its type, inside closed enums. Read-only subtrees are skipped; `null` means
/// absent.
pub fn validate(t: &Table, api: &str, root: Root, body: &Value) -> Result<(), Violation> {
    walk(&Walk { t, api, root }, "", "", body)
}

struct Walk<'a> {
    t: &'a Table,
    api: &'a str,
    root: Root,
}

fn type_name(root: Root, path: &str) -> String {
    let r = match root {
        Root::ManagedCluster => "ManagedCluster",
        Root::AgentPool => "AgentPool",
    };
    if path.is_empty() {
        r.to_string()
    } else {
        format!("{r}.{path}")
    }
}

/// `path` is the table path; `shown` the path as the client wrote it (with
/// indices and map keys), used as the error's target.
fn walk(w: &Walk, path: &str, shown: &str, v: &Value) -> Result<(), Violation> {
    let (t, root) = (w.t, w.root);
    let Some(node) = t.node(root, path) else {
        return Ok(());
    };
    if node.read_only || v.is_null() {
        return Ok(());
    }
    let ok = match node.kind.as_str() {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => true,
    };
    if !ok {
        return Err(Violation {
            code: "InvalidRequestContent",
            message: format!(
                "The request content was invalid and could not be deserialized: Error converting value {v} to type '{}'. Path '{shown}'.",
                node.kind
            ),
            target: shown.to_string(),
        });
    }
    if let (Some(s), false, false) = (v.as_str(), node.open, node.values.is_empty()) {
        if !node.values.iter().any(|e| e.eq_ignore_ascii_case(s)) {
            return Err(Violation {
                code: "InvalidParameter",
                message: format!(
                    "The value '{s}' is not valid for '{shown}'. Allowed values: {}.",
                    node.values.join(", ")
                ),
                target: shown.to_string(),
            });
        }
    }
    if let Some(v) = out_of_limits(node, v, shown) {
        return Err(v);
    }
    let join = |p: &str, k: &str| {
        if p.is_empty() {
            k.to_string()
        } else {
            format!("{p}.{k}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let named = join(path, k);
                let at = join(shown, k);
                if t.node(root, &named).is_some() {
                    walk(w, &named, &at, child)?;
                } else if t.node(root, &format!("{path}{{}}")).is_some() {
                    walk(w, &format!("{path}{{}}"), &at, child)?;
                } else if node.kind != "any" && !legacy(w.api, root, &named) {
                    return Err(Violation {
                        code: "InvalidRequestContent",
                        message: format!(
                            "Could not find member '{k}' on object of type '{}'.",
                            type_name(root, path)
                        ),
                        target: at,
                    });
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(w, &format!("{path}[]"), &format!("{shown}[{i}]"), item)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The spec's limits on one value: numbers against `minimum`/`maximum`,
/// strings against `minLength`/`maxLength`, arrays against `minItems`/`maxItems`.
/// AKS answers such a value with 400 `InvalidParameter` naming the property.
fn out_of_limits(node: &Node, v: &Value, shown: &str) -> Option<Violation> {
    let (measure, low, high, what) = match v {
        Value::Number(n) => (n.as_f64()?, "minimum", "maximum", "value"),
        Value::String(s) => (s.chars().count() as f64, "minLength", "maxLength", "length"),
        Value::Array(a) => (a.len() as f64, "minItems", "maxItems", "number of items"),
        _ => return None,
    };
    let bound = |name: &str| node.limit(name);
    let broken = match (bound(low), bound(high)) {
        (Some(min), _) if measure < min => Some(("at least", min)),
        (_, Some(max)) if measure > max => Some(("at most", max)),
        _ => None,
    }?;
    let range = match (bound(low), bound(high)) {
        (Some(a), Some(b)) => format!(" (allowed range {a}–{b})"),
        _ => String::new(),
    };
    Some(Violation {
        code: "InvalidParameter",
        message: format!(
            "The value of parameter {shown} is invalid: its {what} must be {} {}{range}.",
            broken.0, broken.1
        ),
        target: shown.to_string(),
    })
}

/// The value at a dotted table path (no `[]`/`{}` steps) in a body.
fn at_path<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(body, |v, k| v.get(k))
        .filter(|v| !v.is_null())
}

/// Values compare as ARM compares them: strings case-insensitively, and a
/// location without its spaces (`East US` is `eastus`).
fn same(path: &str, a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) if path == "location" => {
            let norm = |s: &str| s.replace(' ', "").to_ascii_lowercase();
            norm(x) == norm(y)
        }
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

/// The first create-only property (outside arrays and maps) that `new`
/// changes from `old`, the stored resource: 400 `PropertyChangeNotAllowed`, as
/// AKS answers. A property the update leaves out keeps its value.
pub fn create_only_change(t: &Table, root: Root, old: &Value, new: &Value) -> Option<Violation> {
    let mut paths: Vec<&String> = t
        .nodes
        .iter()
        .filter(|((r, p), n)| *r == root && n.create_only && !p.contains('[') && !p.contains('{'))
        .map(|((_, p), _)| p)
        .collect();
    paths.sort();
    paths.into_iter().find_map(|p| {
        let (was, now) = (at_path(old, p)?, at_path(new, p)?);
        (!same(p, was, now)).then(|| Violation {
            code: "PropertyChangeNotAllowed",
            message: format!(
                "Changing property '{p}' is not allowed. Existing value: {was}, new value: {now}."
            ),
            target: p.to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_load_and_name_their_source() {
        for v in SPEC_VERSIONS {
            let t = table(v).unwrap();
            assert!(t.len() > 700, "{v}: {}", t.len());
            assert!(
                t.source.contains(v) && t.source.contains("sha256"),
                "{}",
                t.source
            );
        }
        assert_eq!(
            spec_version("2025-08-02-preview"),
            Some("2026-08-02-preview")
        );
        assert_eq!(spec_version("2025-03-01"), Some("2026-08-01"));
        assert_eq!(spec_version("2026-10-01"), None);
    }

    #[test]
    fn unknown_member_wrong_type_and_closed_enum_are_refused() {
        let t = table("2026-08-01").unwrap();
        let typo = json!({"properties": {"osSku": "Ubuntu"}});
        let e = validate(t, "2026-08-01", Root::AgentPool, &typo).unwrap_err();
        assert_eq!(
            (e.code, e.target.as_str()),
            ("InvalidRequestContent", "properties.osSku")
        );
        let e = validate(
            t,
            "2026-08-01",
            Root::AgentPool,
            &json!({"properties": {"count": "3"}}),
        )
        .unwrap_err();
        assert_eq!(e.target, "properties.count");
        let e = validate(
            t,
            "2026-08-01",
            Root::ManagedCluster,
            &json!({"location": "x", "properties": {"agentPoolProfiles": [{"name": "a", "enableFIPS": 1}]}}),
        )
        .unwrap_err();
        assert_eq!(e.target, "properties.agentPoolProfiles[0].enableFIPS");
        // Read-only and map values are fine.
        let ok = json!({"id": "x", "properties": {"provisioningState": "Succeeded", "nodeLabels": {"a": "b"}, "osSKU": "Whatever"}});
        validate(t, "2026-08-01", Root::AgentPool, &ok).unwrap();
    }

    #[test]
    fn tables_carry_create_only_flags_and_limits() {
        for v in SPEC_VERSIONS {
            let t = table(v).unwrap();
            assert!(
                t.node(Root::ManagedCluster, "location")
                    .unwrap()
                    .create_only
            );
            let disk = t.node(Root::AgentPool, "properties.osDiskSizeGB").unwrap();
            assert_eq!(
                (disk.limit("minimum"), disk.limit("maximum")),
                (Some(0.0), Some(2048.0))
            );
        }
        let t = table("2026-08-01").unwrap();
        let old = json!({"location": "eastus", "properties": {}});
        assert!(create_only_change(
            t,
            Root::ManagedCluster,
            &old,
            &json!({"location": "East US"})
        )
        .is_none());
        assert!(
            create_only_change(t, Root::ManagedCluster, &old, &json!({"properties": {}})).is_none()
        );
        let e = create_only_change(
            t,
            Root::ManagedCluster,
            &old,
            &json!({"location": "westus"}),
        )
        .unwrap();
        assert_eq!(
            (e.code, e.target.as_str()),
            ("PropertyChangeNotAllowed", "location")
        );
    }

    #[test]
    fn os_sku_enum_follows_the_api_version() {
        assert!(os_sku_introduced("2026-08-02-preview", "Flatcar"));
        assert!(!os_sku_introduced("2026-08-01", "Flatcar"));
        assert!(os_sku_introduced("2026-08-01", "AzureContainerLinux"));
        assert!(!os_sku_introduced("2026-03-01", "AzureContainerLinux"));
        assert!(!os_sku_introduced("2026-08-01", "Ubuntu2604"));
        assert!(os_sku_introduced("2026-08-02-preview", "ubuntu2604"));
        assert!(!os_sku_introduced(
            "2026-08-02-preview",
            "AzureLinuxOSGuard"
        ));
    }

    #[test]
    fn hand_written_name_checks_are_the_specs_patterns() {
        for v in SPEC_VERSIONS {
            let p = &table(v).unwrap().params;
            assert_eq!(
                p["agentPoolName"],
                (super::super::schema::POOL_NAME_PATTERN.into(), 1, 12)
            );
            assert_eq!(
                p["resourceName"],
                (super::super::schema::CLUSTER_NAME_PATTERN.into(), 1, 63)
            );
            assert_eq!(
                p["resourceGroupName"],
                (super::super::schema::RESOURCE_GROUP_PATTERN.into(), 1, 90)
            );
        }
    }

    /// The committed tables are what the generator makes from the specs (when
    /// the specs are on this machine; set ARM_SPECS to their folder).
    #[test]
    fn committed_tables_match_a_fresh_generation() {
        let specs = std::env::var("ARM_SPECS").unwrap_or_else(|_| "/work/shared/arm-specs".into());
        if !std::path::Path::new(&specs)
            .join("containerservice")
            .is_dir()
        {
            eprintln!("skipped: no specs at {specs}");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/gen/gen_schema.py");
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(&specs)
            .env("GEN_SCHEMA_OUT", dir.path())
            .output();
        let Ok(out) = out else {
            eprintln!("skipped: no python3");
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (v, committed) in [
            ("2026-08-01", STABLE_TSV),
            ("2026-08-02-preview", PREVIEW_TSV),
        ] {
            let fresh = std::fs::read_to_string(dir.path().join(format!("{v}.tsv"))).unwrap();
            assert!(
                fresh == committed,
                "src/spec/{v}.tsv is stale: re-run gen/gen_schema.py"
            );
        }
    }
}
