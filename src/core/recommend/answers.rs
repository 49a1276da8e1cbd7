//! The questions `aksos recommend` asks, as plain data.
//!
//! [`Answers`] is what the engine reads. The CLI fills it from flags and the
//! wizard fills it from prompts; neither needs the other. Every question has a
//! default (`Answers::default()`), so a caller answers only what it knows.
//!
//! The yes/no questions are one table, [`YES_NO`]: each row gives the
//! question's flag on `aksos recommend`, the wizard's prompt and the help
//! text, and which field of [`Answers`] it fills. A door asks them by walking
//! the table ([`Answers::ask_yes_no`]), so no door can forget one.

use crate::core::catalog::Minor;

/// Where the clusters run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunsOn {
    #[default]
    Azure,
    MultiCloud,
    Hybrid,
}

impl RunsOn {
    /// What the choice means (the help of `--runs-on`'s values).
    pub fn help(self) -> &'static str {
        match self {
            RunsOn::Azure => "Azure only",
            RunsOn::MultiCloud => "Azure and other clouds",
            RunsOn::Hybrid => "Azure and on-prem (or edge) infrastructure",
        }
    }

    /// Whether the same OS is wanted outside Azure too.
    pub fn beyond_azure(self) -> bool {
        self != RunsOn::Azure
    }

    /// Where else the clusters run, for messages.
    pub fn elsewhere(self) -> &'static str {
        match self {
            RunsOn::Azure => "nowhere else",
            RunsOn::MultiCloud => "your other clouds",
            RunsOn::Hybrid => "your on-prem clusters",
        }
    }
}

/// Everything the recommendation depends on besides the date.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Answers {
    pub runs_on: RunsOn,
    /// Community (CNCF), vendor-neutral governance wanted.
    pub vendor_neutral: bool,
    /// Microsoft-backed support for the OS wanted.
    pub microsoft_support: bool,
    /// Secure Boot is a requirement.
    pub secure_boot: bool,
    /// A FIPS-validated OS image is a requirement.
    pub fips: bool,
    /// Trusted code execution (Integrity Policy Enforcement) wanted.
    pub ipe: bool,
    /// An immutable (read-only, image-based) OS wanted.
    pub immutable: bool,
    /// Workloads write to the host, run privileged with host mounts, install
    /// packages or use hostPID/hostNetwork. `None`: not answered yet.
    pub workloads_modify_nodes: Option<bool>,
    /// The resources `aksos audit` found modifying their node (empty when not audited).
    pub node_modifying_resources: Vec<String>,
    /// A package manager or other host changes are needed on the node.
    pub package_manager: bool,
    /// Arm64 node pools are needed.
    pub arm64: bool,
    /// The Kubernetes version the pools run, if known.
    #[serde(serialize_with = "serialize_minor")]
    pub kubernetes_version: Option<Minor>,
}

impl Answers {
    /// Records an audit's findings: any finding answers "workloads modify nodes"
    /// with yes and names the resources; no finding answers it with no.
    pub fn with_audit_findings(mut self, resources: Vec<String>) -> Answers {
        self.workloads_modify_nodes = Some(!resources.is_empty());
        self.node_modifying_resources = resources;
        self
    }
}

fn serialize_minor<S: serde::Serializer>(v: &Option<Minor>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(m) => s.collect_str(m),
        None => s.serialize_none(),
    }
}

/// A yes/no question of `recommend` and the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YesNo {
    VendorNeutral,
    MicrosoftSupport,
    SecureBoot,
    Fips,
    Ipe,
    Immutable,
    PackageManager,
    Arm64,
}

/// One row of the question table.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub id: YesNo,
    /// Its flag on `aksos recommend` (`--flag` is yes, `--flag=false` no).
    pub flag: &'static str,
    /// How the wizard asks it.
    pub prompt: &'static str,
    /// The flag's help text.
    pub help: &'static str,
}

/// Every yes/no question, in the order the wizard asks them. "Do workloads
/// modify their nodes" is not here: it has a third answer (not sure) and can
/// be answered by an audit.
pub const YES_NO: &[Question] = &[
    Question {
        id: YesNo::VendorNeutral,
        flag: "--vendor-neutral",
        prompt: "Vendor-neutral (CNCF community) OS wanted?",
        help: "Community (CNCF), vendor-neutral governance of the OS wanted",
    },
    Question {
        id: YesNo::MicrosoftSupport,
        flag: "--microsoft-support",
        prompt: "Microsoft support for the OS wanted?",
        help: "Microsoft-backed support for the OS wanted",
    },
    Question {
        id: YesNo::SecureBoot,
        flag: "--secure-boot",
        prompt: "Is Secure Boot required?",
        help: "Secure Boot is required",
    },
    Question {
        id: YesNo::Fips,
        flag: "--fips",
        prompt: "Is a FIPS-enabled image required?",
        help: "A FIPS-enabled OS image is required",
    },
    Question {
        id: YesNo::Ipe,
        flag: "--ipe",
        prompt: "Trusted code execution (Integrity Policy Enforcement) wanted?",
        help: "Trusted code execution (Integrity Policy Enforcement) wanted",
    },
    Question {
        id: YesNo::Immutable,
        flag: "--immutable",
        prompt: "Immutable (read-only, image-based) OS wanted?",
        help: "An immutable (read-only, image-based) OS wanted",
    },
    Question {
        id: YesNo::PackageManager,
        flag: "--package-manager",
        prompt: "Do you need a package manager on the nodes?",
        help: "A package manager or other host changes are needed on the nodes",
    },
    Question {
        id: YesNo::Arm64,
        flag: "--arm64",
        prompt: "Do you need Arm64 nodes?",
        help: "Arm64 node pools are needed",
    },
];

impl Answers {
    /// The field `q` fills.
    pub fn yes_no_mut(&mut self, q: YesNo) -> &mut bool {
        match q {
            YesNo::VendorNeutral => &mut self.vendor_neutral,
            YesNo::MicrosoftSupport => &mut self.microsoft_support,
            YesNo::SecureBoot => &mut self.secure_boot,
            YesNo::Fips => &mut self.fips,
            YesNo::Ipe => &mut self.ipe,
            YesNo::Immutable => &mut self.immutable,
            YesNo::PackageManager => &mut self.package_manager,
            YesNo::Arm64 => &mut self.arm64,
        }
    }

    /// Asks every question of [`YES_NO`] through `ask` (a flag lookup, a
    /// prompt, a script in a test) and records the answers. The first error
    /// (Esc, Ctrl-C) stops the walk. The wizard can call this with its
    /// `yes_no` prompt and so ask the IPE question too.
    pub fn ask_yes_no<E>(
        mut self,
        mut ask: impl FnMut(&Question) -> Result<bool, E>,
    ) -> Result<Answers, E> {
        for q in YES_NO {
            *self.yes_no_mut(q.id) = ask(q)?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_yes_no_question_fills_its_own_field() {
        for (i, q) in YES_NO.iter().enumerate() {
            let a = Answers::default()
                .ask_yes_no(|asked| Ok::<_, ()>(asked.id == q.id))
                .unwrap();
            let mut only = Answers::default();
            *only.yes_no_mut(q.id) = true;
            assert_eq!(a, only, "question {i} ({}) fills one field", q.flag);
        }
    }

    #[test]
    fn a_scripted_walk_asks_every_question_once_in_order_and_stops_at_the_first_error() {
        let mut asked = vec![];
        Answers::default()
            .ask_yes_no(|q| {
                asked.push(q.flag);
                Ok::<_, ()>(false)
            })
            .unwrap();
        assert_eq!(asked, YES_NO.iter().map(|q| q.flag).collect::<Vec<_>>());
        assert!(asked.contains(&"--ipe"), "the IPE question is asked");
        let mut n = 0;
        let stopped = Answers::default().ask_yes_no(|_| {
            n += 1;
            if n == 2 {
                Err("esc")
            } else {
                Ok(true)
            }
        });
        assert_eq!(stopped, Err("esc"));
        assert_eq!(n, 2);
    }
}
