//! The checks: given one pod spec, produce its raw findings (rule, line,
//! message, container). Severity, suppression and output live elsewhere.

use super::rules::RuleId;
use super::shell::{self, Action};
use super::yaml::Node;

/// A rule that fired on a pod spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: RuleId,
    pub line: usize,
    pub message: String,
    pub container: Option<ContainerRef>,
}

/// The container a finding is about: its name, and which list of the pod spec
/// holds it (`container`, `initContainer` or `ephemeralContainer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRef {
    pub name: String,
    pub kind: &'static str,
}

/// Directories an immutable OS keeps read-only.
const OS_DIRS: &[&str] = &[
    "/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/opt", "/boot",
];
/// Directories that stay writable on immutable OSes.
const STATE_DIRS: &[&str] = &["/var/lib", "/run", "/var/run", "/tmp", "/var/tmp", "/dev"];

/// A container, init container or ephemeral container of the pod.
struct Container<'a> {
    node: &'a Node,
    name: &'a str,
    /// "container", "init container", "ephemeral container".
    role: &'static str,
    /// "container", "initContainer", "ephemeralContainer".
    kind: &'static str,
}

impl Container<'_> {
    fn reference(&self) -> ContainerRef {
        ContainerRef {
            name: self.name.to_string(),
            kind: self.kind,
        }
    }

    fn label(&self) -> String {
        format!("{} {}", self.role, self.name)
    }

    fn mounts(&self) -> &[Node] {
        self.node
            .get("volumeMounts")
            .map(Node::items)
            .unwrap_or_default()
    }

    /// The line of the setting that grants host power (privileged,
    /// allowPrivilegeEscalation, a SYS_ADMIN/SYS_MODULE capability), if any.
    fn power(&self, count_escalation: bool) -> Option<(usize, String)> {
        let sc = self.node.get("securityContext")?;
        if let Some((key, value)) = sc.entry("privileged") {
            if value.is_true() {
                return Some((key.line, "privileged".to_string()));
            }
        }
        for cap in sc
            .path(&["capabilities", "add"])
            .map(Node::items)
            .unwrap_or_default()
        {
            let name = cap.as_str().unwrap_or_default().to_ascii_uppercase();
            let name = name.strip_prefix("CAP_").unwrap_or(&name);
            if matches!(name, "SYS_ADMIN" | "SYS_MODULE" | "ALL") {
                return Some((cap.line, format!("capability {name}")));
            }
        }
        match sc.entry("allowPrivilegeEscalation") {
            Some((key, value)) if count_escalation && value.is_true() => {
                Some((key.line, "allowPrivilegeEscalation".to_string()))
            }
            _ => None,
        }
    }
}

fn containers(pod: &Node) -> Vec<Container<'_>> {
    let mut all = Vec::new();
    for (field, role, kind) in [
        ("initContainers", "init container", "initContainer"),
        ("containers", "container", "container"),
        (
            "ephemeralContainers",
            "ephemeral container",
            "ephemeralContainer",
        ),
    ] {
        for node in pod.get(field).map(Node::items).unwrap_or_default() {
            all.push(Container {
                node,
                name: node.str_at("name").unwrap_or("(unnamed)"),
                role,
                kind,
            });
        }
    }
    all
}

/// Runs every check on a pod spec.
pub fn check_pod(pod: &Node) -> Vec<Hit> {
    let containers = containers(pod);
    let mut hits = Vec::new();
    check_host_paths(pod, &containers, &mut hits);
    check_host_namespaces(pod, &containers, &mut hits);
    check_privileged_mounts(pod, &containers, &mut hits);
    for c in &containers {
        check_commands(c, &mut hits);
    }
    hits.sort_by_key(|h| h.line);
    hits
}

/// hostPath volumes → (volume name, host path, line of the volume entry).
fn host_path_volumes(pod: &Node) -> Vec<(&str, &str, usize)> {
    pod.get("volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            let path = v.path(&["hostPath", "path"])?.as_str()?;
            Some((v.str_at("name").unwrap_or_default(), path, v.line))
        })
        .collect()
}

fn check_host_paths(pod: &Node, containers: &[Container], hits: &mut Vec<Hit>) {
    for (volume, host_path, line) in host_path_volumes(pod) {
        // The worst writable mount of this volume decides.
        let mut worst: Option<(RuleId, String, &Container)> = None;
        for c in containers {
            for mount in c.mounts() {
                if mount.str_at("name") != Some(volume)
                    || mount.get("readOnly").is_some_and(Node::is_true)
                {
                    continue;
                }
                let target = effective_path(host_path, mount.str_at("subPath"));
                let rule = classify(&target);
                if worst
                    .as_ref()
                    .is_none_or(|(r, _, _)| r.severity() < rule.severity())
                {
                    worst = Some((rule, target, c));
                }
            }
        }
        if let Some((rule, target, c)) = worst {
            hits.push(Hit {
                rule,
                line,
                message: format!("writable hostPath {target}"),
                container: Some(c.reference()),
            });
        }
    }
}

/// The host directory a mount writes to: the volume path plus any subPath.
fn effective_path(host_path: &str, sub_path: Option<&str>) -> String {
    let base = host_path.trim_end_matches('/');
    let joined = match sub_path
        .map(|s| s.trim_matches('/'))
        .filter(|s| !s.is_empty())
    {
        Some(sub) => format!("{base}/{sub}"),
        None => base.to_string(),
    };
    if joined.is_empty() {
        "/".to_string()
    } else {
        joined
    }
}

fn is_under(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn classify(path: &str) -> RuleId {
    if OS_DIRS.iter().any(|d| is_under(path, d)) {
        RuleId::HostPathWriteOs
    } else if STATE_DIRS.iter().any(|d| is_under(path, d)) {
        RuleId::HostPathWriteState
    } else {
        RuleId::HostPathWrite
    }
}

fn check_host_namespaces(pod: &Node, containers: &[Container], hits: &mut Vec<Hit>) {
    let powerful = containers.iter().find(|c| c.power(false).is_some());
    for key in ["hostPID", "hostNetwork", "hostIPC"] {
        let Some((key_node, value)) = pod.entry(key) else {
            continue;
        };
        if !value.is_true() {
            continue;
        }
        let (rule, message, container) = match powerful {
            Some(c) => (
                RuleId::HostNamespacePrivileged,
                format!("{key}: true with privileged {}", c.label()),
                Some(c.reference()),
            ),
            None => (RuleId::HostNamespace, format!("{key}: true"), None),
        };
        hits.push(Hit {
            rule,
            line: key_node.line,
            message,
            container,
        });
    }
}

fn check_privileged_mounts(pod: &Node, containers: &[Container], hits: &mut Vec<Hit>) {
    let host_volumes = host_path_volumes(pod);
    for c in containers {
        let Some((line, power)) = c.power(true) else {
            continue;
        };
        let mounted: Vec<&str> = c
            .mounts()
            .iter()
            .filter_map(|m| {
                let name = m.str_at("name")?;
                host_volumes
                    .iter()
                    .find(|(v, _, _)| *v == name)
                    .map(|(_, path, _)| *path)
            })
            .collect();
        if mounted.is_empty() {
            continue;
        }
        hits.push(Hit {
            rule: RuleId::PrivilegedHostMount,
            line,
            message: format!("{} ({power}) mounts host {}", c.label(), mounted.join(", ")),
            container: Some(c.reference()),
        });
    }
}

/// The strings a container executes: command, args, lifecycle hook commands.
fn command_parts<'a>(c: &'a Container) -> Vec<(&'a str, usize)> {
    let mut lists = vec![c.node.get("command"), c.node.get("args")];
    for hook in ["postStart", "preStop"] {
        lists.push(c.node.path(&["lifecycle", hook, "exec", "command"]));
    }
    lists
        .into_iter()
        .flatten()
        .flat_map(|list| match list.as_str() {
            // A single string where a list belongs still gets read.
            Some(s) => vec![(s, list.line)],
            None => list
                .items()
                .iter()
                .filter_map(|i| Some((i.as_str()?, i.line)))
                .collect(),
        })
        .collect()
}

fn check_commands(c: &Container, hits: &mut Vec<Hit>) {
    let found = shell::scan(command_parts(c));
    // One finding per rule and container, naming every program it runs.
    let mut grouped: Vec<(RuleId, usize, Vec<String>)> = Vec::new();
    for hit in found {
        let rule = match hit.action {
            Action::PackageManager { on_host: true } => RuleId::PackageManagerHost,
            Action::PackageManager { on_host: false } => RuleId::PackageManager,
            Action::LoadModule => RuleId::KernelModule,
            Action::InsertModule => RuleId::KernelModuleInsert,
            Action::EnterHost => RuleId::HostEscape,
        };
        match grouped.iter_mut().find(|(r, _, _)| *r == rule) {
            Some((_, _, programs)) if programs.contains(&hit.program) => {}
            Some((_, _, programs)) => programs.push(hit.program),
            None => grouped.push((rule, hit.line, vec![hit.program])),
        }
    }
    for (rule, line, programs) in grouped {
        let programs = programs.join(", ");
        let message = match rule {
            RuleId::PackageManagerHost => {
                format!("{} installs packages on the host ({programs})", c.label())
            }
            RuleId::PackageManager => format!("{} runs a package manager ({programs})", c.label()),
            RuleId::HostEscape => format!("{} enters the host ({programs})", c.label()),
            _ => format!("{} loads kernel modules ({programs})", c.label()),
        };
        hits.push(Hit {
            rule,
            line,
            message,
            container: Some(c.reference()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::audit::yaml::{parse_documents, Parsed};

    fn hits(pod_yaml: &str) -> Vec<(&'static str, usize, String)> {
        let Parsed::Doc(doc) = parse_documents(pod_yaml).unwrap().remove(0) else {
            panic!("fixture must parse");
        };
        check_pod(&doc)
            .into_iter()
            .map(|h| (h.rule.name(), h.line, h.message))
            .collect()
    }

    #[test]
    fn writable_usr_local_breaks_and_readonly_mount_is_fine() {
        let found = hits(
            "containers:\n- name: a\n  volumeMounts:\n  - {name: bin, mountPath: /b}\n  - {name: etc, mountPath: /e, readOnly: true}\n\
             volumes:\n- name: bin\n  hostPath: {path: /usr/local/bin/}\n- name: etc\n  hostPath: {path: /etc}\n",
        );
        assert_eq!(
            found,
            vec![(
                "hostpath-write-os",
                7,
                "writable hostPath /usr/local/bin".to_string()
            )]
        );
    }

    #[test]
    fn a_volume_written_by_an_init_container_counts() {
        let found = hits(
            "initContainers:\n- name: i\n  volumeMounts: [{name: log, mountPath: /l}]\n\
             containers:\n- name: a\n  volumeMounts: [{name: log, mountPath: /l, readOnly: true}]\n\
             volumes:\n- name: log\n  hostPath: {path: /var/log}\n",
        );
        assert_eq!(found[0].0, "hostpath-write");
    }

    #[test]
    fn subpath_into_an_os_dir_breaks() {
        let found = hits(
            "containers:\n- name: a\n  volumeMounts: [{name: root, mountPath: /h, subPath: usr/lib}]\n\
             volumes:\n- name: root\n  hostPath: {path: /}\n",
        );
        assert_eq!(found[0].0, "hostpath-write-os");
        assert_eq!(found[0].2, "writable hostPath /usr/lib");
    }

    #[test]
    fn var_lib_state_is_info_only() {
        let found = hits(
            "containers:\n- name: a\n  volumeMounts: [{name: s, mountPath: /s}]\n\
             volumes:\n- name: s\n  hostPath: {path: /var/lib/agent}\n",
        );
        assert_eq!(found[0].0, "hostpath-write-state");
    }

    #[test]
    fn host_namespaces_are_info_unless_a_container_is_privileged() {
        let plain = hits("hostPID: true\nhostNetwork: false\ncontainers:\n- name: a\n");
        assert_eq!(
            plain,
            vec![("host-namespace", 1, "hostPID: true".to_string())]
        );
        let privileged = hits(
            "hostNetwork: true\ncontainers:\n- name: a\n  securityContext:\n    capabilities:\n      add: [\"CAP_SYS_ADMIN\"]\n",
        );
        assert_eq!(privileged[0].0, "host-namespace-privileged");
    }

    #[test]
    fn privileged_container_with_a_read_only_host_mount_is_reported() {
        let found = hits(
            "containers:\n- name: a\n  securityContext: {privileged: true}\n  volumeMounts: [{name: r, mountPath: /host, readOnly: true}]\n\
             volumes:\n- name: r\n  hostPath: {path: /}\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "privileged-host-mount");
        assert_eq!(found[0].1, 3);
    }

    #[test]
    fn commands_group_per_container_and_rule() {
        let found = hits(
            "initContainers:\n- name: deps\n  command: [sh, -c]\n  args:\n  - |\n    apt-get update\n    apt-get install -y curl\n",
        );
        assert_eq!(
            found,
            vec![(
                "package-manager",
                6,
                "init container deps runs a package manager (apt-get)".to_string()
            )]
        );
    }
}
