//! The generated schema tables: one per body (ManagedCluster, AgentPool) and
//! api-version, built by `scripts/gen-schema.py` from the official swagger and
//! embedded as text (`generated/*.tsv`).
//!
//! Each line describes one property path in a *generic* form: `[]` stands for
//! "any item of this array" and `*` for "any key of this map", so
//! `properties.agentPoolProfiles[].nodeLabels.*` covers every label of every
//! pool. A read-only property's subtree is not listed: reaching it is refusal
//! enough. Tables are parsed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Which request body a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Body {
    /// `PUT .../managedClusters/{name}`: the ManagedCluster definition.
    Cluster,
    /// `PUT .../agentPools/{name}`: the AgentPool definition.
    Pool,
}

impl Body {
    /// The swagger definition name, for messages.
    pub fn definition(self) -> &'static str {
        match self {
            Body::Cluster => "ManagedCluster",
            Body::Pool => "AgentPool",
        }
    }
}

/// A property's JSON type as the table records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// Fixed, named fields.
    Object,
    Array,
    /// Free keys, each value of one type (`tags`, `nodeLabels`, `addonProfiles`).
    Map,
    /// The spec says nothing about the type.
    Any,
}

impl Kind {
    fn parse(s: &str) -> Kind {
        match s {
            "string" => Kind::String,
            "integer" => Kind::Integer,
            "number" => Kind::Number,
            "boolean" => Kind::Boolean,
            "object" => Kind::Object,
            "array" => Kind::Array,
            "map" => Kind::Map,
            _ => Kind::Any,
        }
    }

    /// How a message names this type.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Number => "a number",
            Kind::Boolean => "a boolean (true or false)",
            Kind::Object => "an object",
            Kind::Array => "a list",
            Kind::Map => "a map of keys to values",
            Kind::Any => "any JSON value",
        }
    }

    /// True for string, integer, number and boolean.
    pub fn is_scalar(self) -> bool {
        matches!(
            self,
            Kind::String | Kind::Integer | Kind::Number | Kind::Boolean
        )
    }
}

/// One row of a table: what the spec says about one property path.
#[derive(Debug, Clone)]
pub struct Prop {
    /// Generic path (`properties.kubeletConfig.cpuManagerPolicy`).
    pub path: &'static str,
    pub kind: Kind,
    /// `readOnly`: Azure sets it; a client never sends it.
    pub read_only: bool,
    /// The enum is `modelAsString`: Azure treats the list as open.
    pub open_enum: bool,
    /// `x-ms-mutability` without `update`: settable at create only.
    pub create_only: bool,
    /// `x-ms-secret`.
    pub secret: bool,
    /// `format` (`int32`, `arm-id`, `uuid`, ...), empty when none.
    pub format: &'static str,
    /// minimum / minLength / minItems, by kind.
    pub min: Option<f64>,
    /// maximum / maxLength / maxItems, by kind.
    pub max: Option<f64>,
    pub enum_values: Vec<&'static str>,
    pub pattern: Option<&'static str>,
}

/// The properties of one body at one api-version.
#[derive(Debug)]
pub struct Table {
    pub body: Body,
    pub api_version: &'static str,
    /// The `# source:` lines: the spec files and their sha256.
    pub sources: Vec<&'static str>,
    pub props: Vec<Prop>,
    index: HashMap<&'static str, usize>,
}

impl Table {
    /// The row for a generic path, if the spec has it.
    pub fn get(&self, generic: &str) -> Option<&Prop> {
        self.index.get(generic).map(|&i| &self.props[i])
    }

    /// The rows directly under `parent` ("" for the body root), in spec order:
    /// fields of an object, `parent[]` of an array, `parent.*` of a map.
    pub fn children<'a>(&'a self, parent: &'a str) -> impl Iterator<Item = &'a Prop> + 'a {
        self.props
            .iter()
            .filter(move |p| parent_of(p.path) == parent)
    }
}

/// The generic path of a row's parent ("" at the root).
pub fn parent_of(path: &str) -> &str {
    if let Some(stripped) = path.strip_suffix("[]") {
        return stripped;
    }
    match path.rfind('.') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// The last segment of a generic path (`cpuManagerPolicy`, `*`, or `name[]`'s `[]`).
pub fn leaf_of(path: &str) -> &str {
    if path.ends_with("[]") {
        return "[]";
    }
    match path.rfind('.') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// The api-versions that have tables, stable first.
pub const API_VERSIONS: &[&str] = &["2026-08-01", "2026-08-02-preview"];

const SOURCES: &[(Body, &str, &str)] = &[
    (
        Body::Cluster,
        "2026-08-01",
        include_str!("generated/managed_cluster_2026_08_01.tsv"),
    ),
    (
        Body::Pool,
        "2026-08-01",
        include_str!("generated/agent_pool_2026_08_01.tsv"),
    ),
    (
        Body::Cluster,
        "2026-08-02-preview",
        include_str!("generated/managed_cluster_2026_08_02_preview.tsv"),
    ),
    (
        Body::Pool,
        "2026-08-02-preview",
        include_str!("generated/agent_pool_2026_08_02_preview.tsv"),
    ),
];

/// The table for `body` at `api_version`, or `None` when aksos has none.
pub fn table(body: Body, api_version: &str) -> Option<&'static Table> {
    static TABLES: OnceLock<Vec<Table>> = OnceLock::new();
    TABLES
        .get_or_init(|| {
            SOURCES
                .iter()
                .map(|&(body, version, text)| parse(body, version, text))
                .collect()
        })
        .iter()
        .find(|t| t.body == body && t.api_version == api_version)
}

/// Parses one generated table. The text is ours and tested, so a malformed
/// line is a build defect: it panics with the line.
fn parse(body: Body, api_version: &'static str, text: &'static str) -> Table {
    let mut props = Vec::new();
    let mut sources = Vec::new();
    for line in text.lines() {
        if let Some(src) = line.strip_prefix("# source: ") {
            sources.push(src);
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let cols: Vec<&'static str> = line.splitn(8, '\t').collect();
        assert_eq!(cols.len(), 8, "malformed schema table line: {line:?}");
        let flags: Vec<&str> = cols[2].split(',').collect();
        let bound = |s: &str| -> Option<f64> {
            (!s.is_empty()).then(|| s.parse().expect("numeric bound in schema table"))
        };
        props.push(Prop {
            path: cols[0],
            kind: Kind::parse(cols[1]),
            read_only: flags.contains(&"ro"),
            open_enum: flags.contains(&"ext"),
            create_only: flags.contains(&"create"),
            secret: flags.contains(&"secret"),
            format: cols[3],
            min: bound(cols[4]),
            max: bound(cols[5]),
            enum_values: if cols[6].is_empty() {
                vec![]
            } else {
                cols[6].split('|').collect()
            },
            pattern: (!cols[7].is_empty()).then_some(cols[7]),
        });
    }
    let index = props.iter().enumerate().map(|(i, p)| (p.path, i)).collect();
    Table {
        body,
        api_version,
        sources,
        props,
        index,
    }
}
