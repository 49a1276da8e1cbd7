//! The rule catalogue: every rule's id, severity and the text `--explain`
//! prints. Checks refer to rules by [`RuleId`]; nothing else defines them.

use serde::Serialize;
use std::fmt;

/// How bad a finding is on an immutable node OS. Ordered: `Info < MayMisbehave < Breaks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    MayMisbehave,
    Breaks,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::MayMisbehave => "may-misbehave",
            Severity::Breaks => "breaks",
        }
    }

    /// Words for text output.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::MayMisbehave => "may misbehave",
            Severity::Breaks => "breaks",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Every rule the audit knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    HostPathWriteOs,
    HostPathWrite,
    HostPathWriteState,
    PackageManagerHost,
    PackageManager,
    KernelModuleInsert,
    KernelModule,
    HostEscape,
    PrivilegedHostMount,
    HostNamespacePrivileged,
    HostNamespace,
}

/// What `--explain` prints for a rule.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    pub name: &'static str,
    pub severity: Severity,
    pub detects: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub example: &'static str,
}

impl RuleId {
    pub fn rule(self) -> &'static Rule {
        RULES
            .iter()
            .find(|r| r.id == self)
            .expect("every rule id has a catalogue entry")
    }

    pub fn name(self) -> &'static str {
        self.rule().name
    }

    pub fn severity(self) -> Severity {
        self.rule().severity
    }

    /// Looks a rule up by its id as users write it.
    pub fn parse(name: &str) -> Option<RuleId> {
        let name = name.trim();
        RULES
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
            .map(|r| r.id)
    }
}

/// Comma-separated rule names, for error messages.
pub fn known_names() -> String {
    RULES.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
}

pub static RULES: &[Rule] = &[
    Rule {
        id: RuleId::HostPathWriteOs,
        name: "hostpath-write-os",
        severity: Severity::Breaks,
        detects: "A hostPath volume under an OS directory (/usr, /usr/local, /lib, /lib64, /bin, \
                  /sbin, /opt, /boot) mounted without readOnly: true by at least one container \
                  or init container.",
        why: "On Flatcar, Azure Linux OS Guard and Azure Container Linux these directories are \
              read-only (and on OS Guard integrity-protected). Agents that install binaries or \
              libraries into the host this way fail to start or crash-loop.",
        fix: "Ship the files inside the container image, or write them under a writable host \
              directory such as /var/lib/<agent> and set readOnly: true on the OS path mount. \
              Prefer a node OS with a package manager (Ubuntu, Azure Linux) for pools that need \
              host software.",
        example: "volumes:\n- name: bin\n  hostPath: {path: /usr/local/bin}\n\
                  containers:\n- name: installer\n  volumeMounts:\n  - {name: bin, mountPath: /host/bin}",
    },
    Rule {
        id: RuleId::HostPathWrite,
        name: "hostpath-write",
        severity: Severity::MayMisbehave,
        detects: "A hostPath volume outside the OS directories (for example /, /etc, /var/log, \
                  /host, /home) mounted without readOnly: true.",
        why: "Immutable OSes manage /etc and the root file system themselves: writes may be \
              refused, reverted at reboot or image upgrade, or (log collectors writing host \
              /var/log, tools rewriting /etc) conflict with the OS's own layout and journald.",
        fix: "Mount the path with readOnly: true if the workload only reads it; keep writable \
              state under a dedicated /var/lib/<app> directory; let log collectors read \
              /var/log and write their position files elsewhere.",
        example: "volumes:\n- name: varlog\n  hostPath: {path: /var/log}\n\
                  containers:\n- name: fluent-bit\n  volumeMounts:\n  - {name: varlog, mountPath: /var/log}",
    },
    Rule {
        id: RuleId::HostPathWriteState,
        name: "hostpath-write-state",
        severity: Severity::Info,
        detects: "A writable hostPath under a runtime or state directory (/var/lib, /run, \
                  /var/run, /tmp, /dev).",
        why: "These stay writable on immutable OSes, so this usually works; it is listed so the \
              node-modifying surface of the workload is visible in one place.",
        fix: "Nothing required. Keep the path as narrow as possible.",
        example: "volumes:\n- name: state\n  hostPath: {path: /var/lib/agent}",
    },
    Rule {
        id: RuleId::PackageManagerHost,
        name: "package-manager-host",
        severity: Severity::Breaks,
        detects: "A package manager (apt, apt-get, yum, dnf, tdnf, zypper, apk, rpm -i, dpkg -i) \
                  run against the host: after chroot /host or nsenter, or with an install root \
                  under /host.",
        why: "Immutable node OSes have no package manager and a read-only /usr. Installing \
              packages onto the node fails, and on OS images that do allow it the change is lost \
              at the next image upgrade.",
        fix: "Put the software in the container image, use a node OS that supports host \
              packages (Ubuntu, Azure Linux) for this pool, or ask for the component to be part \
              of the node image.",
        example: "initContainers:\n- name: install-nfs\n  command: [chroot, /host, sh, -c, \
                  \"apt-get install -y nfs-common\"]",
    },
    Rule {
        id: RuleId::PackageManager,
        name: "package-manager",
        severity: Severity::MayMisbehave,
        detects: "A container or init container whose command, args or shell script runs a \
                  package manager (apt, apt-get, yum, dnf, tdnf, zypper, apk, rpm -i, dpkg -i).",
        why: "Installing into the container's own file system works on any node OS, but the \
              pattern often targets the host through a mount, and start-up installs make pods \
              depend on a package mirror. Check that nothing lands on the node.",
        fix: "Install at image build time (Dockerfile RUN) instead of at start-up; if the target \
              is the host, see package-manager-host.",
        example: "initContainers:\n- name: deps\n  command: [sh, -c, \"apt-get update && apt-get install -y curl\"]",
    },
    Rule {
        id: RuleId::KernelModuleInsert,
        name: "kernel-module-insert",
        severity: Severity::Breaks,
        detects: "A container that runs insmod: it loads a kernel module file it brought along.",
        why: "Immutable OSes ship their kernel modules in the read-only image and OS Guard \
              enforces code integrity: out-of-tree, unsigned modules built or shipped by a \
              container are refused.",
        fix: "Use drivers that come with the node image (for GPUs, the AKS GPU node image or a \
              precompiled, signed driver path), or run the pool on a general-purpose OS.",
        example: "containers:\n- name: driver\n  command: [insmod, /opt/driver/acme.ko]",
    },
    Rule {
        id: RuleId::KernelModule,
        name: "kernel-module",
        severity: Severity::MayMisbehave,
        detects: "A container that runs modprobe.",
        why: "modprobe only finds modules shipped in the node image's /lib/modules, which is \
              read-only on immutable OSes; loaders that expect to add modules there, or a module \
              the image does not ship, fail.",
        fix: "Check the module exists in the target node image; prefer the OS's own module \
              loading (it loads what the image ships) or a node image that includes the driver.",
        example: "initContainers:\n- name: load\n  command: [modprobe, nvidia]",
    },
    Rule {
        id: RuleId::HostEscape,
        name: "host-escape",
        severity: Severity::MayMisbehave,
        detects: "A command that enters the host: nsenter, or chroot into /host.",
        why: "Whatever runs next runs on the node itself, where an immutable OS has no package \
              manager, a read-only /usr and a different tool set than Ubuntu. Scripts written \
              for a mutable host fail half-way.",
        fix: "Replace the host script with a container-native approach (a DaemonSet with the \
              tools in its image, node configuration through AKS settings), or test the script \
              on the target OS before migrating.",
        example: "containers:\n- name: tuner\n  command: [nsenter, -t, \"1\", -m, --, sysctl, -w, vm.max_map_count=262144]",
    },
    Rule {
        id: RuleId::PrivilegedHostMount,
        name: "privileged-host-mount",
        severity: Severity::MayMisbehave,
        detects: "A privileged container (or one with allowPrivilegeEscalation, SYS_ADMIN or \
                  SYS_MODULE) that also mounts a hostPath volume.",
        why: "Such a container can remount host file systems and change the node. On an \
              immutable OS those changes are refused or undone, so the workload behaves \
              differently than on Ubuntu.",
        fix: "Drop privileged and the extra capabilities if the workload only reads host data; \
              otherwise test it on the target OS and keep the mounts read-only.",
        example: "containers:\n- name: agent\n  securityContext: {privileged: true}\n  volumeMounts:\n  - {name: host-root, mountPath: /host}",
    },
    Rule {
        id: RuleId::HostNamespacePrivileged,
        name: "host-namespace-privileged",
        severity: Severity::MayMisbehave,
        detects: "hostPID, hostNetwork or hostIPC in a pod that also runs a privileged container \
                  (or one with SYS_ADMIN or SYS_MODULE).",
        why: "Together they let the pod change the host's processes, network or IPC state \
              (sysctls, iptables, entering PID 1). Immutable OSes reset or forbid part of that, \
              and their networking stack differs from Ubuntu's.",
        fix: "Keep the host namespaces only where needed, drop privileged, and test the \
              workload on the target OS.",
        example: "spec:\n  hostNetwork: true\n  containers:\n  - securityContext: {privileged: true}",
    },
    Rule {
        id: RuleId::HostNamespace,
        name: "host-namespace",
        severity: Severity::Info,
        detects: "hostPID, hostNetwork or hostIPC without a privileged container.",
        why: "Reading host namespaces (monitoring agents, node exporters) works on immutable \
              OSes; listed so you know which pods see the host.",
        fix: "Nothing required.",
        example: "spec:\n  hostPID: true\n  hostNetwork: true",
    },
];

/// The `--explain` text for one rule.
pub fn explain(rule: &Rule) -> String {
    let indent = |s: &str| {
        s.lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "{name}  (severity: {sev})\n\nWhat it detects:\n{detects}\n\nWhy it matters on an immutable OS:\n{why}\n\nHow to fix:\n{fix}\n\nExample that triggers it:\n{example}\n",
        name = rule.name,
        sev = rule.severity,
        detects = indent(&wrap(rule.detects)),
        why = indent(&wrap(rule.why)),
        fix = indent(&wrap(rule.fix)),
        example = indent(rule.example),
    )
}

/// Collapses runs of spaces (from the source layout) and wraps at 76 columns.
fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for word in text.split_whitespace() {
        if width > 0 && width + 1 + word.len() > 76 {
            out.push('\n');
            width = 0;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += word.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_id_has_one_entry_and_parses_back() {
        for rule in RULES {
            assert_eq!(RuleId::parse(rule.name), Some(rule.id));
            assert_eq!(RULES.iter().filter(|r| r.id == rule.id).count(), 1);
        }
        assert_eq!(RuleId::parse("nope"), None);
    }

    #[test]
    fn severities_order_from_info_to_breaks() {
        assert!(Severity::Info < Severity::MayMisbehave);
        assert!(Severity::MayMisbehave < Severity::Breaks);
    }
}
