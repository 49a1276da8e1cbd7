//! The `aksos apply` file: its YAML shape (see `templates/apply-example.yaml`),
//! and the whole-file preflight.
//!
//! The file is read into the core's typed input directly: each key is looked up
//! in the field table ([`fields`]: `cluster_key` in a cluster entry, `systemPool.`
//! for its pool, `pool_key` in a `nodePools` entry) and parsed by the table, so
//! a setting the table gains is a key the file accepts. Unknown keys are errors
//! with the closest known key. Each entry then goes through the same
//! [`preflight`] as the flags; every problem in the file is collected, named by
//! its path (`clusters[2].nodePools[0].osSku`), and reported at once.
//!
//! The YAML is read with the bounded reader the audit uses (aliases and depth
//! costed), and scalars keep their text (`kubernetesVersion: 1.30` stays
//! `1.30`).

use crate::core::audit::yaml::{self, Node, Parsed, Value};
use crate::core::catalog::{self, defaults};
use crate::core::fields::{self, Raw, Slot};
use crate::core::preflight::{self, Findings};
use crate::core::request::{ClusterRequest, NodePoolRequest};
use crate::core::{body, BodyLeaf, ClusterInput, Field, Kind, Problem};
use crate::error::{AppError, AppResult};
use std::collections::BTreeSet;

/// One cluster after preflight: what to create, in order.
#[derive(Debug, Clone)]
pub struct ClusterWork {
    /// Position in the file (`clusters[index]`).
    pub index: usize,
    pub cluster: ClusterRequest,
    pub pools: Vec<NodePoolRequest>,
    /// Preflight findings, each with its path.
    pub findings: Vec<(String, Findings)>,
}

/// One cluster entry as read: the cluster (with its system pool) and its pools.
struct Entry {
    cluster: ClusterInput,
    pools: Vec<ClusterInput>,
}

fn bad(path: String, message: impl Into<String>) -> AppError {
    AppError::usage(path, message)
}

/// The value of `node` as a door value for `slot`.
fn raw(node: &Node, slot: Slot) -> Result<Raw, String> {
    let scalar = |n: &Node| n.as_str().map(str::to_string);
    match (&node.value, slot) {
        (Value::Scalar(s), Slot::Switch(_)) => match s.as_str() {
            "true" | "True" | "TRUE" => Ok(Raw::Switch(true)),
            "false" | "False" | "FALSE" => Ok(Raw::Switch(false)),
            _ => Err(format!("`{}` is not true or false", crate::names::shown(s))),
        },
        (Value::Scalar(s), Slot::Text(_) | Slot::Int(_) | Slot::List(_) | Slot::Lines(_)) => {
            Ok(Raw::Text(s.clone()))
        }
        (Value::Seq(items), Slot::List(_) | Slot::Lines(_)) => items
            .iter()
            .map(|i| scalar(i).ok_or_else(|| "expected a list of text values".to_string()))
            .collect::<Result<_, _>>()
            .map(Raw::List),
        (Value::Map(entries), Slot::Pairs(_)) => entries
            .iter()
            .map(|(k, v)| match (scalar(k), scalar(v)) {
                (Some(k), Some(v)) => Ok((k, v)),
                _ => Err("expected a map of key: value".to_string()),
            })
            .collect::<Result<_, _>>()
            .map(Raw::Pairs),
        (_, Slot::Pairs(_)) => Err("expected a map of key: value".into()),
        (_, Slot::List(_) | Slot::Lines(_)) => Err("expected a list".into()),
        (_, Slot::Switch(_)) => Err("expected true or false".into()),
        (_, _) => Err("expected a single value".into()),
    }
}

/// Sets the field whose key (per `key_of`) is `key`, or says the key is unknown.
fn set_key(
    input: &mut ClusterInput,
    path: &str,
    key: &str,
    node: &Node,
    key_of: impl Fn(&fields::Def) -> Option<&'static str>,
    errors: &mut Vec<AppError>,
) {
    let at = format!("{path}.{key}");
    let Some(d) = fields::FIELDS.iter().find(|d| key_of(d) == Some(key)) else {
        let known = fields::FIELDS.iter().filter_map(&key_of);
        errors.push(bad(
            at,
            format!(
                "unknown key.{}",
                crate::suggest::did_you_mean(key, known.collect::<Vec<_>>())
            ),
        ));
        return;
    };
    if let Err(m) = raw(node, d.slot).and_then(|r| fields::set(input, d.field, r)) {
        errors.push(bad(at, m));
    }
}

/// Reads a `properties:` fragment into one [`BodyLeaf`] per scalar, written
/// at `body_root` in the body and named `shown` + its path in errors. A list is
/// written whole: emptied, then item by item. Values are typed by the schema
/// when preflight applies them, as `--set` values are.
fn fragment(
    node: &Node,
    body_root: &str,
    shown: &str,
    out: &mut Vec<BodyLeaf>,
    errors: &mut Vec<AppError>,
) {
    fn walk(node: &Node, rel: String, leaf: &dyn Fn(String, String), bad: &mut dyn FnMut(String)) {
        match &node.value {
            Value::Scalar(s) => leaf(rel, s.clone()),
            Value::Map(entries) if entries.is_empty() => leaf(rel, "{}".into()),
            Value::Map(entries) => {
                for (k, v) in entries {
                    let Some(k) = k.as_str() else {
                        bad(rel.clone());
                        continue;
                    };
                    walk(v, body::field_path(&rel, k), leaf, bad);
                }
            }
            Value::Seq(items) => {
                leaf(rel.clone(), "[]".into());
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{rel}[{i}]"), leaf, bad);
                }
            }
        }
    }
    if entries_of(node).is_none() {
        errors.push(bad(
            shown.to_string(),
            "expected a map of API properties (a fragment of the request body)",
        ));
        return;
    }
    let leaves = std::cell::RefCell::new(vec![]);
    let mut bad_keys = vec![];
    walk(
        node,
        String::new(),
        &|rel, raw| {
            leaves.borrow_mut().push(BodyLeaf {
                body_root: body_root.to_string(),
                shown_root: shown.to_string(),
                rel,
                raw,
            })
        },
        &mut |rel| bad_keys.push(rel),
    );
    for rel in bad_keys {
        errors.push(bad(format!("{shown}.{rel}"), "a key must be text"));
    }
    out.extend(leaves.into_inner());
}

fn entries_of(node: &Node) -> Option<&[(Node, Node)]> {
    match &node.value {
        Value::Map(e) => Some(e),
        _ => None,
    }
}

/// Reads one cluster entry at `at` (`clusters[i]`).
fn read_cluster(node: &Node, at: &str, errors: &mut Vec<AppError>) -> Option<Entry> {
    let Some(map) = entries_of(node) else {
        errors.push(bad(at.to_string(), "expected a cluster (a map of keys)"));
        return None;
    };
    let mut cluster = ClusterInput::default();
    let mut pool_nodes: &[Node] = &[];
    let mut has_system = false;
    for (k, v) in map {
        let key = k.as_str().unwrap_or_default();
        match key {
            "systemPool" => {
                has_system = true;
                let Some(sys) = entries_of(v) else {
                    errors.push(bad(format!("{at}.systemPool"), "expected a map of keys"));
                    continue;
                };
                for (pk, pv) in sys {
                    let pk = pk.as_str().unwrap_or_default();
                    if pk == "properties" {
                        fragment(
                            pv,
                            "properties.agentPoolProfiles[0]",
                            &format!("{at}.systemPool.properties"),
                            &mut cluster.properties,
                            errors,
                        );
                        continue;
                    }
                    let full = format!("systemPool.{pk}");
                    set_key(&mut cluster, at, &full, pv, |d| d.cluster_key, errors);
                }
            }
            "nodePools" => match &v.value {
                Value::Seq(items) => pool_nodes = items,
                _ => errors.push(bad(format!("{at}.nodePools"), "expected a list of pools")),
            },
            "properties" => fragment(
                v,
                "properties",
                &format!("{at}.properties"),
                &mut cluster.properties,
                errors,
            ),
            _ => set_key(&mut cluster, at, key, v, |d| d.cluster_key, errors),
        }
    }
    if !has_system {
        errors.push(bad(
            format!("{at}.systemPool"),
            "required: the system pool (name, osSku, ...)",
        ));
        return None;
    }
    let mut pools = vec![];
    for (j, p) in pool_nodes.iter().enumerate() {
        let pat = format!("{at}.nodePools[{j}]");
        let Some(map) = entries_of(p) else {
            errors.push(bad(pat, "expected a node pool (a map of keys)"));
            continue;
        };
        let mut input = ClusterInput {
            resource_group: cluster.resource_group.clone(),
            name: cluster.name.clone(),
            ..Default::default()
        };
        for (k, v) in map {
            let key = k.as_str().unwrap_or_default();
            if key == "properties" {
                let shown = format!("{pat}.properties");
                fragment(v, "properties", &shown, &mut input.properties, errors);
                continue;
            }
            set_key(&mut input, &pat, key, v, |d| d.pool_key, errors);
        }
        pools.push(input);
    }
    Some(Entry { cluster, pools })
}

/// Parses the file and runs the whole-file preflight.
pub fn load(text: &str) -> AppResult<Vec<ClusterWork>> {
    let invalid = |m: String| AppError::usage("--file", format!("not a valid apply file: {m}"));
    let docs = yaml::parse_documents(text)
        .map_err(|e| invalid(format!("line {}: {}", e.line, e.message)))?;
    let root = match docs.as_slice() {
        [Parsed::Doc(root)] => root,
        [] => return Err(invalid("the file is empty".into())),
        [Parsed::Malformed { line, message, .. }] => {
            return Err(invalid(format!("line {line}: {message}")))
        }
        _ => return Err(invalid("one YAML document expected".into())),
    };
    let mut errors = vec![];
    let Some(map) = entries_of(root) else {
        return Err(invalid("expected `clusters:` at the top".into()));
    };
    let mut clusters: &[Node] = &[];
    for (k, v) in map {
        match (k.as_str(), &v.value) {
            (Some("clusters"), Value::Seq(items)) => clusters = items,
            (Some("clusters"), _) => errors.push(bad("clusters".into(), "expected a list")),
            (other, _) => errors.push(bad(
                other.unwrap_or("?").to_string(),
                "unknown key; the file declares `clusters:`",
            )),
        }
    }
    let entries: Vec<Option<Entry>> = clusters
        .iter()
        .enumerate()
        .map(|(i, c)| read_cluster(c, &format!("clusters[{i}]"), &mut errors))
        .collect();
    check(entries, errors)
}

/// Every problem preflight found in one entry, named by its path in the file.
fn at_paths(problems: Vec<Problem>, prefix: &str, kind: Kind, errors: &mut Vec<AppError>) {
    for p in problems {
        // A pool's cluster-level problems are its cluster's, already reported.
        if kind == Kind::Pool && matches!(p.field, Field::ResourceGroup | Field::ClusterName) {
            continue;
        }
        // A problem inside `properties:` carries its own path from the entry.
        let at = match &p.sub {
            Some(sub) => sub.clone(),
            None => format!("{prefix}.{}", fields::apply_key(kind, p.field)),
        };
        errors.push(AppError::usage(at, p.message));
    }
}

/// The whole-file preflight: every error at once, or the work.
fn check(entries: Vec<Option<Entry>>, mut errors: Vec<AppError>) -> AppResult<Vec<ClusterWork>> {
    let mut work = vec![];
    let mut seen_clusters = BTreeSet::new();
    if entries.is_empty() && errors.is_empty() {
        errors.push(AppError::usage("clusters", "the file declares no cluster"));
    }
    for (i, entry) in entries.into_iter().enumerate() {
        let Some(entry) = entry else { continue };
        let at = format!("clusters[{i}]");
        let mut findings = vec![];
        let cluster = match preflight::cluster(&entry.cluster) {
            Ok((r, f)) => {
                findings.push((at.clone(), f));
                Some(r)
            }
            Err(problems) => {
                at_paths(problems, &at, Kind::Cluster, &mut errors);
                None
            }
        };
        if let Some(r) = &cluster {
            if !seen_clusters.insert((r.resource_group.to_lowercase(), r.name.to_lowercase())) {
                errors.push(AppError::usage(
                    format!("{at}.name"),
                    format!("cluster {}/{} is declared twice", r.resource_group, r.name),
                ));
            }
        }
        let system_name = entry
            .cluster
            .pool
            .name
            .clone()
            .unwrap_or_else(|| defaults::SYSTEM_POOL_NAME.into());
        let mut pool_names = BTreeSet::from([system_name.to_lowercase()]);
        let mut pools = vec![];
        for (j, p) in entry.pools.iter().enumerate() {
            let pat = format!("{at}.nodePools[{j}]");
            if let Some(n) = &p.pool.name {
                if !pool_names.insert(n.to_lowercase()) {
                    errors.push(AppError::usage(
                        format!("{pat}.name"),
                        format!("pool {n} is declared twice in this cluster"),
                    ));
                }
            }
            match preflight::pool(p) {
                Ok((r, f)) => {
                    if let Some(c) = &cluster {
                        fits_cluster(c, &r, &pat, &mut errors);
                    }
                    findings.push((pat, f));
                    pools.push(r);
                }
                Err(problems) => at_paths(problems, &pat, Kind::Pool, &mut errors),
            }
        }
        if let Some(cluster) = cluster {
            work.push(ClusterWork {
                index: i,
                cluster,
                pools,
                findings,
            });
        }
    }
    match errors.len() {
        0 => Ok(work),
        1 => Err(errors.remove(0)),
        _ => Err(AppError::UsageMany(errors)),
    }
}

/// What the file itself says about the cluster must suit each pool's OS: the
/// Kubernetes version (when given) and the node OS upgrade channel.
fn fits_cluster(c: &ClusterRequest, p: &NodePoolRequest, at: &str, errors: &mut Vec<AppError>) {
    let Some(sku) = p.pool.sku() else { return };
    if let Some(v) = c
        .pool
        .kubernetes_version
        .as_deref()
        .and_then(catalog::Minor::parse)
    {
        if !sku.supports_kubernetes(v) {
            errors.push(AppError::usage(
                format!("{at}.osSku"),
                format!(
                    "{} supports Kubernetes {}, and the cluster's kubernetesVersion is {v}",
                    sku.api_value,
                    sku.kubernetes_range()
                ),
            ));
        }
    }
    let channel = c
        .node_os_upgrade_channel
        .as_deref()
        .unwrap_or(defaults::NODE_OS_UPGRADE_CHANNEL);
    if !sku.node_os_channels.is_empty() && !sku.node_os_channels.contains(&channel) {
        errors.push(AppError::usage(
            format!("{at}.osSku"),
            format!(
                "{} needs the cluster's nodeOsUpgradeChannel to be {}, and it is {channel}",
                sku.api_value,
                sku.node_os_channels.join(" or ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_passes_preflight() {
        let work = load(include_str!("../../templates/apply-example.yaml")).unwrap();
        assert!(!work.is_empty());
    }

    #[test]
    fn every_error_is_reported_with_its_path() {
        let text = r#"
clusters:
  - resourceGroup: rg1
    name: ok1
    location: eastus
    systemPool: { name: sys, osSku: AzureContainerLinux }
  - resourceGroup: rg1
    name: bad_
    location: eastus
    systemPool: { name: sys, osSku: Ubuntu, count: 0 }
  - resourceGroup: rg1
    name: ok3
    location: eastus
    nodeOsUpgradeChannel: SecurityPatch
    systemPool: { name: sys, osSku: Ubuntu }
    nodePools:
      - { name: g1, osSku: NoSuchOS }
      - { name: acl, osSku: AzureContainerLinux }
      - { name: Bad_Pool, osSku: Flatcar }
"#;
        let err = load(text).unwrap_err().to_string();
        for want in [
            "clusters[1].name:",
            "clusters[1].systemPool.count:",
            "clusters[2].nodePools[0].osSku: `NoSuchOS`",
            "clusters[2].nodePools[1].osSku: AzureContainerLinux needs the cluster's nodeOsUpgradeChannel",
            "clusters[2].nodePools[2].name:",
            "clusters[2].nodePools[2].osSku: Flatcar is retired",
        ] {
            assert!(err.contains(want), "missing {want:?} in:\n{err}");
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = load("clusters:\n  - name: a\n    osSKU: x\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("osSKU"), "{err}");
    }
}
