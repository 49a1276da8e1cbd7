//! Everything past the typed settings: `--set PATH=VALUE`, `--body-file FILE`
//! and an apply file's `properties:` / `set:`, written into the request body
//! after [`crate::schema`] agrees.
//!
//! Preflight reads them from the [`ClusterInput`] into [`BodyOps`] (the body
//! file is read once, there), applies them to the body the typed request
//! makes, at the api-version that request is sent at, and keeps them in the
//! request: [`BodyOps::apply`] runs again wherever the body is built (the
//! plan's PUT, `--dry-run`, export), so every door sends the same body.
//!
//! Order: the body file, then `properties:`, then each `--set` in the order
//! given; a later one wins.
//!
//! A setting the field table owns (`--os-sku`, `--node-count`, the tags …,
//! every `cluster_body` / `pool_body` path of [`fields::FIELDS`]) is refused
//! here, naming its flag and apply key: those values go through preflight's
//! rules (the catalog, CIDR checks, …), which a raw write would skip. Any other
//! value aksos would have sent (`identity.type`, `dnsPrefix`, `osType` …) may be
//! replaced: the `--set` wins, with a warning naming the path and both values.

use super::fields::{self, FIELDS};
use super::input::{BodyLeaf, ClusterInput, Field, Kind, Problem};
use super::request::Diff;
use crate::schema::{self, Body};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The raw writes of one request, in the order they apply.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct BodyOps {
    pub allow_unknown_values: bool,
    pub ops: Vec<Op>,
}

/// One raw write.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum Op {
    /// `--body-file FILE`: the fragment it held.
    Merge { file: String, fragment: Value },
    /// One scalar of an apply file's `properties:`.
    Leaf(BodyLeaf),
    /// `--set PATH=VALUE` (an apply file's `set:` item).
    Set(String),
}

impl Op {
    /// The field problems with this op are reported under.
    fn field(&self) -> Field {
        match self {
            Op::Merge { .. } => Field::BodyFile,
            Op::Leaf(_) | Op::Set(_) => Field::Set,
        }
    }

    /// How a warning names where the value came from.
    fn origin(&self) -> String {
        match self {
            Op::Merge { file, .. } => format!("--body-file {file}"),
            Op::Leaf(l) => {
                // `properties` / `systemPool.properties` (apply names the entry).
                let root = l
                    .shown_root
                    .rsplit_once("].")
                    .map_or(&*l.shown_root, |(_, r)| r);
                format!("{root}.{}", l.rel)
            }
            Op::Set(arg) => format!("--set {}", crate::names::shown(arg)),
        }
    }
}

impl BodyOps {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Reads the raw writes of `input` (the body file from disk); problems
    /// name `--set` / `--body-file`.
    pub fn read(input: &ClusterInput) -> Result<BodyOps, Vec<Problem>> {
        let mut ops = vec![];
        let mut problems = vec![];
        if let Some(file) = &input.body_file {
            let text = crate::infile::read_text(Path::new(file), "--body-file");
            let text = text.map_err(|e| match e {
                crate::error::AppError::Usage { message, .. } => message,
                other => other.to_string(),
            });
            match text.and_then(|t| schema::parse_fragment(&t).map_err(|m| format!("{file}: {m}")))
            {
                Ok(fragment) => ops.push(Op::Merge {
                    file: file.clone(),
                    fragment,
                }),
                Err(m) => problems.push(Problem::new(Field::BodyFile, m)),
            }
        }
        ops.extend(input.properties.iter().cloned().map(Op::Leaf));
        for s in &input.sets {
            match schema::parse_set(s) {
                Ok(_) => ops.push(Op::Set(s.clone())),
                Err(e) => problems.push(Problem::new(Field::Set, e.to_string())),
            }
        }
        if problems.is_empty() {
            Ok(BodyOps {
                allow_unknown_values: input.allow_unknown_values,
                ops,
            })
        } else {
            Err(problems)
        }
    }

    /// Applies every write to `body` (the `kind` body at `api_version`), in
    /// order. Returns the warnings (replaced values, unknown enum values
    /// allowed), or every problem, each naming its door.
    pub fn apply(
        &self,
        body: &mut Value,
        kind: Kind,
        api_version: &str,
    ) -> Result<Vec<String>, Vec<Problem>> {
        let schema_body = match kind {
            Kind::Cluster => Body::Cluster,
            Kind::Pool => Body::Pool,
        };
        let mut warnings = vec![];
        let mut problems = vec![];
        for op in &self.ops {
            let before = leaves(body);
            let mut next = body.clone();
            let done = match op {
                Op::Merge { file, fragment } => schema::merge(
                    &mut next,
                    schema_body,
                    api_version,
                    fragment,
                    self.allow_unknown_values,
                )
                .map_err(|e| Problem::new(Field::BodyFile, format!("{file}: {e}"))),
                Op::Leaf(l) => {
                    let path = join(&l.body_root, &l.rel);
                    schema::apply(
                        &mut next,
                        schema_body,
                        api_version,
                        &path,
                        &l.raw,
                        self.allow_unknown_values,
                    )
                    .map_err(|e| {
                        let at = e
                            .path
                            .strip_prefix(&l.body_root)
                            .map(|rest| format!("{}{rest}", l.shown_root))
                            .unwrap_or_else(|| format!("{}.{}", l.shown_root, l.rel));
                        Problem::new(Field::Set, e.message).under(at)
                    })
                }
                Op::Set(arg) => schema::parse_set(arg)
                    .and_then(|(path, raw)| {
                        schema::apply(
                            &mut next,
                            schema_body,
                            api_version,
                            &path,
                            &raw,
                            self.allow_unknown_values,
                        )
                    })
                    .map_err(|e| Problem::new(Field::Set, e.to_string())),
            };
            match done {
                Err(p) => problems.push(p),
                Ok(w) => {
                    warnings.extend(w.into_iter().map(|w| format!("{}: {w}", op.origin())));
                    let after = leaves(&next);
                    match owned_changes(&before, &after, kind) {
                        Some((path, field)) => problems.push(owned(op, &path, field, kind)),
                        None => {
                            for path in changed(&before, &after) {
                                // An empty list or object that got items is filled, not replaced.
                                let filled = |v: &Value| {
                                    v.as_array().is_some_and(Vec::is_empty)
                                        || v.as_object().is_some_and(|m| m.is_empty())
                                };
                                if let Some(old) = before.get(&path).filter(|v| !filled(v)) {
                                    let new = after
                                        .get(&path)
                                        .map(|v| v.to_string())
                                        .unwrap_or_else(|| "nothing".into());
                                    warnings.push(format!(
                                        "{}: {path} replaces {old} (what aksos would send) with {new}",
                                        op.origin()
                                    ));
                                }
                            }
                            *body = next;
                        }
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(warnings)
        } else {
            Err(problems)
        }
    }
}

/// The refusal for a raw write to a path a table field owns.
fn owned(op: &Op, path: &str, field: Field, kind: Kind) -> Problem {
    let message = format!(
        "{path} is the setting {} (apply key `{}`), which preflight checks; use that instead",
        fields::flag(kind, field),
        fields::apply_key(kind, field)
    );
    match op {
        Op::Leaf(l) => {
            Problem::new(Field::Set, message).under(format!("{}.{}", l.shown_root, l.rel))
        }
        Op::Merge { file, .. } => Problem::new(op.field(), format!("{file}: {message}")),
        Op::Set(_) => Problem::new(op.field(), message),
    }
}

/// The first changed path a table field owns, with that field.
fn owned_changes(
    before: &BTreeMap<String, Value>,
    after: &BTreeMap<String, Value>,
    kind: Kind,
) -> Option<(String, Field)> {
    let owners: Vec<(&str, Field)> = FIELDS
        .iter()
        .filter_map(|d| {
            let at = match kind {
                Kind::Cluster => d.cluster_body,
                Kind::Pool => d.pool_body,
            };
            at.map(|p| (p, d.field))
        })
        .collect();
    changed(before, after).into_iter().find_map(|path| {
        owners
            .iter()
            .find(|(owner, _)| is_under(&path, owner))
            .map(|(_, f)| (path.clone(), *f))
    })
}

/// `path` is `owner` or inside it.
fn is_under(path: &str, owner: &str) -> bool {
    path == owner
        || path
            .strip_prefix(owner)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Paths whose leaf differs between the two (added, removed or changed).
fn changed(before: &BTreeMap<String, Value>, after: &BTreeMap<String, Value>) -> Vec<String> {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

fn join(root: &str, rel: &str) -> String {
    if root.is_empty() {
        rel.to_string()
    } else if rel.starts_with('[') {
        format!("{root}{rel}")
    } else {
        format!("{root}.{rel}")
    }
}

/// `parent.key`, or `parent["key"]` when the key holds `.`, `[`, `]` or `"`:
/// the path spelling of `--set` and of the field table.
pub fn field_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty() && !key.contains(['.', '[', ']', '"']);
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[\"{key}\"]"),
    }
}

/// Every leaf of `v` by its path (`properties.agentPoolProfiles[0].count`);
/// an empty object or list is a leaf.
pub fn leaves(v: &Value) -> BTreeMap<String, Value> {
    fn walk(v: &Value, path: String, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, c) in m {
                    walk(c, field_path(&path, k), out);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, c) in a.iter().enumerate() {
                    walk(c, format!("{path}[{i}]"), out);
                }
            }
            _ => {
                out.insert(path, v.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(v, String::new(), &mut out);
    out
}

/// How an existing resource differs from what the raw writes ask for: each
/// path `merged` changed from `base`, compared with `existing` (strings
/// without regard to case, as ARM compares enum values).
pub fn differences(base: &Value, merged: &Value, existing: &Value) -> Vec<Diff> {
    let (b, m, e) = (leaves(base), leaves(merged), leaves(existing));
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "(not set)".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let same = |a: Option<&Value>, b: Option<&Value>| match (a, b) {
        (Some(Value::String(x)), Some(Value::String(y))) => x.eq_ignore_ascii_case(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => true,
        (a, b) => a == b,
    };
    changed(&b, &m)
        .into_iter()
        .filter(|p| !same(e.get(p), m.get(p)))
        .map(|p| Diff {
            have: show(e.get(&p)),
            want: show(m.get(&p)),
            field: p,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ops(sets: &[&str]) -> BodyOps {
        BodyOps::read(&ClusterInput {
            sets: sets.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        })
        .unwrap()
    }

    const API: &str = crate::core::catalog::api_version::AKS_STABLE;

    #[test]
    fn sets_are_typed_by_the_schema_and_land_nested() {
        let mut body = json!({"properties": {"count": 3, "osSKU": "Ubuntu"}});
        let w = ops(&[
            "properties.kubeletConfig.cpuManagerPolicy=static",
            "properties.linuxOSConfig.sysctls.netCoreSomaxconn=16384",
            "properties.upgradeSettings.undrainableNodeBehavior=Cordon",
        ])
        .apply(&mut body, Kind::Pool, API)
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        let p = &body["properties"];
        assert_eq!(p["kubeletConfig"]["cpuManagerPolicy"], "static");
        assert_eq!(p["linuxOSConfig"]["sysctls"]["netCoreSomaxconn"], 16384);
        assert_eq!(p["upgradeSettings"]["undrainableNodeBehavior"], "Cordon");
    }

    #[test]
    fn a_path_a_flag_owns_is_refused_naming_the_flag() {
        let mut body = json!({"properties": {"osSKU": "Ubuntu"}});
        let p = ops(&["properties.osSKU=AzureLinux"])
            .apply(&mut body, Kind::Pool, API)
            .unwrap_err();
        assert_eq!(p[0].field, Field::Set);
        assert!(p[0].message.contains("--os-sku"), "{}", p[0].message);
        assert_eq!(body["properties"]["osSKU"], "Ubuntu", "nothing written");
    }

    #[test]
    fn replacing_what_aksos_sends_warns() {
        let mut body = json!({"properties": {"osType": "Linux"}});
        let w = ops(&["properties.osType=Linux", "properties.type=AvailabilitySet"])
            .apply(&mut body, Kind::Pool, API)
            .unwrap();
        assert!(w.is_empty(), "same value, no warning: {w:?}");
        let mut body = json!({"properties": {"type": "VirtualMachineScaleSets"}});
        let w = ops(&["properties.type=AvailabilitySet"])
            .apply(&mut body, Kind::Pool, API)
            .unwrap();
        assert!(w[0].contains("properties.type replaces"), "{w:?}");
    }

    #[test]
    fn differences_compare_only_what_the_writes_changed() {
        let base = json!({"properties": {"count": 3}});
        let merged =
            json!({"properties": {"count": 3, "kubeletConfig": {"cpuManagerPolicy": "static"}}});
        let same =
            json!({"properties": {"count": 5, "kubeletConfig": {"cpuManagerPolicy": "Static"}}});
        assert!(differences(&base, &merged, &same).is_empty());
        let other = json!({"properties": {"count": 3}});
        let d = differences(&base, &merged, &other);
        assert_eq!(
            d[0].to_string(),
            "properties.kubeletConfig.cpuManagerPolicy: (not set) → static"
        );
    }

    #[test]
    fn leaf_paths_quote_keys_with_dots() {
        let l = leaves(&json!({"a": {"k.b": 1, "l": [true]}}));
        assert!(l.contains_key("a[\"k.b\"]") && l.contains_key("a.l[0]"));
    }
}
