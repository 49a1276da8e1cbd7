//! Finds the workloads in a parsed document: which kinds count, where each
//! kind keeps its pod template, `List` items, and the `aksos.io/ignore`
//! annotation. Documents of other kinds yield nothing.

use super::yaml::Node;

/// The annotation that silences rules for one workload.
pub const IGNORE_ANNOTATION: &str = "aksos.io/ignore";

/// A workload and the pod spec it runs.
#[derive(Debug)]
pub struct Workload<'a> {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Line where the resource starts.
    pub line: usize,
    pub pod_spec: &'a Node,
    /// Rule names listed in `aksos.io/ignore` annotations.
    pub ignored: Vec<String>,
}

impl Workload<'_> {
    /// `Kind namespace/name`, or `Kind name` when the manifest sets no namespace.
    pub fn title(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// Where each workload kind keeps its pod template's metadata and spec.
fn template_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "Pod" => Some(&[]),
        "Deployment"
        | "DaemonSet"
        | "StatefulSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => Some(&["spec", "template"]),
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template"]),
        _ => None,
    }
}

/// Appends the workloads of `doc` (itself, or the items of a `*List`).
pub fn collect<'a>(doc: &'a Node, out: &mut Vec<Workload<'a>>) {
    let Some(kind) = doc.str_at("kind") else {
        return;
    };
    if kind.ends_with("List") {
        for item in doc.get("items").map(Node::items).unwrap_or_default() {
            collect(item, out);
        }
        return;
    }
    let Some(path) = template_path(kind) else {
        return;
    };
    let template = if path.is_empty() {
        Some(doc)
    } else {
        doc.path(path)
    };
    let Some(pod_spec) = template.and_then(|t| t.get("spec")) else {
        return;
    };
    let metadata = doc.get("metadata");
    let mut ignored = Vec::new();
    // The workload's own annotations, the CronJob's job template's, the pod template's.
    let mut annotated = vec![metadata];
    if kind == "CronJob" {
        annotated.push(doc.path(&["spec", "jobTemplate", "metadata"]));
    }
    if !path.is_empty() {
        annotated.push(template.and_then(|t| t.get("metadata")));
    }
    for meta in annotated.into_iter().flatten() {
        if let Some(list) = meta
            .path(&["annotations", IGNORE_ANNOTATION])
            .and_then(Node::as_str)
        {
            ignored.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out.push(Workload {
        kind: kind.to_string(),
        namespace: metadata
            .and_then(|m| m.str_at("namespace"))
            .map(str::to_string),
        name: metadata
            .and_then(|m| m.str_at("name").or_else(|| m.str_at("generateName")))
            .unwrap_or("(unnamed)")
            .to_string(),
        line: doc.line,
        pod_spec,
        ignored,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::audit::yaml::{parse_documents, Parsed};

    fn workloads_in(text: &str) -> Vec<(String, String, Vec<String>)> {
        let docs: Vec<Node> = parse_documents(text)
            .unwrap()
            .into_iter()
            .filter_map(|p| match p {
                Parsed::Doc(d) => Some(d),
                Parsed::Malformed { .. } => None,
            })
            .collect();
        let mut out = Vec::new();
        for d in &docs {
            collect(d, &mut out);
        }
        out.into_iter()
            .map(|w| {
                let containers = w.pod_spec.get("containers").map(|c| c.items().len());
                (w.title(), format!("{containers:?}"), w.ignored)
            })
            .collect()
    }

    #[test]
    fn cronjob_pod_template_is_found_and_annotations_merge() {
        let found = workloads_in(
            "kind: CronJob\nmetadata:\n  name: c\n  namespace: ops\n  annotations:\n    aksos.io/ignore: host-escape\n\
             spec:\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          annotations:\n            \
             aksos.io/ignore: \"kernel-module, package-manager\"\n        spec:\n          containers: [{name: a}]\n",
        );
        assert_eq!(
            found,
            vec![(
                "CronJob ops/c".to_string(),
                "Some(1)".to_string(),
                vec![
                    "host-escape".to_string(),
                    "kernel-module".to_string(),
                    "package-manager".to_string()
                ]
            )]
        );
    }

    #[test]
    fn list_items_are_workloads_and_other_kinds_are_skipped() {
        let found = workloads_in(
            "kind: List\nitems:\n- kind: Pod\n  metadata: {name: p}\n  spec: {containers: []}\n\
             - kind: ConfigMap\n  metadata: {name: c}\n---\nkind: Service\nspec: {}\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "Pod p");
    }
}
