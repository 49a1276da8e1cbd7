//! The recommendation engine: answers and a date in, ranked options out.
//!
//! Pure: no I/O, no clock, no environment. Every OS fact comes from the
//! [`catalog`](crate::core::catalog); the decision rules of the AKS team's published OS recommendations come from
//! [`rules`](super::rules). How an option is judged:
//!
//! 1. **Blockers exclude.** A SKU AKS no longer accepts on `today`, or one that
//!    cannot meet a hard requirement (FIPS, Secure Boot, Arm64, a package
//!    manager, the Kubernetes version, workloads that modify nodes on a
//!    read-only OS), gets a blocker saying why and is never ranked.
//! 2. **Preferences score.** Each answered preference that a SKU meets adds
//!    points with a reason (cross-cloud +3, vendor-neutral +3, immutable +3,
//!    IPE +3, Microsoft support +2, Secure Boot by default +2, ...), and each
//!    guidance rule that points at the SKU adds [`RULE_WEIGHT`]. Caveats cost
//!    points with a warning: retiring, preview, a requirement whose support is
//!    unknown, an immutable OS for workloads nobody has checked.
//! 3. **Lifecycle orders.** When a rule's pick is retired or retiring, its
//!    successor inherits the rule's points; a retiring SKU never scores above
//!    its successor and loses ties to it, so it ranks below the durable choice.

use super::answers::Answers;
use super::needs::{self, Commands, RequiredSetting};
use super::rules::{self, SeedRule, RULE_WEIGHT};
use crate::core::catalog::{Arch, OsSku, Stage, Support, Verdict, CATALOG};
use std::fmt::Write as _;
use time::Date;

/// One catalog SKU judged against the answers.
#[derive(Debug, Clone)]
pub struct RankedOption {
    pub sku: &'static OsSku,
    /// 1 for the recommendation; `None` when a blocker excludes the SKU.
    pub rank: Option<usize>,
    pub score: i32,
    /// Why it fits (each traces to a catalog fact or a rule of the AKS guidance).
    pub reasons: Vec<String>,
    /// Why it cannot be used; any blocker excludes the option.
    pub blockers: Vec<String>,
    /// What to watch out for if it is used.
    pub warnings: Vec<String>,
    pub verdict: Verdict,
    pub required_settings: Vec<RequiredSetting>,
    pub commands: Commands,
}

impl RankedOption {
    pub fn is_excluded(&self) -> bool {
        !self.blockers.is_empty()
    }

    fn is_retiring(&self) -> bool {
        matches!(self.verdict, Verdict::Retiring { .. })
    }

    fn reason(&mut self, points: i32, text: impl Into<String>) {
        self.score += points;
        self.reasons.push(text.into());
    }

    fn warn(&mut self, penalty: i32, text: impl Into<String>) {
        self.score -= penalty;
        self.warnings.push(text.into());
    }

    fn block(&mut self, text: impl Into<String>) {
        self.blockers.push(text.into());
    }
}

/// The ranked options (ranked first, then the excluded ones in catalog order)
/// and notes that read the AKS guidance's rules with today's lifecycle.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub options: Vec<RankedOption>,
    pub notes: Vec<String>,
}

impl Recommendation {
    /// The recommended option, unless every option is excluded.
    pub fn top(&self) -> Option<&RankedOption> {
        self.options.first().filter(|o| o.rank.is_some())
    }

    pub fn ranked(&self) -> impl Iterator<Item = &RankedOption> {
        self.options.iter().filter(|o| o.rank.is_some())
    }

    pub fn excluded(&self) -> impl Iterator<Item = &RankedOption> {
        self.options.iter().filter(|o| o.rank.is_none())
    }

    /// The option for an `osSKU` value (case-insensitive).
    pub fn option(&self, api_value: &str) -> Option<&RankedOption> {
        self.options
            .iter()
            .find(|o| o.sku.api_value.eq_ignore_ascii_case(api_value))
    }
}

const PREVIEW_PENALTY: i32 = 1;
const RETIRING_PENALTY: i32 = 1;
const UNKNOWN_SUPPORT_PENALTY: i32 = 2;
const UNCHECKED_WORKLOADS_PENALTY: i32 = 1;

/// Judges every catalog SKU against `answers` on `today` and ranks them.
pub fn recommend(answers: &Answers, today: Date) -> Recommendation {
    let rules: Vec<&SeedRule> = rules::applying(answers).collect();
    let mut options: Vec<RankedOption> = CATALOG
        .iter()
        .map(|sku| assess(sku, answers, today, &rules))
        .collect();
    credit_successors(&mut options, &rules);
    keep_retiring_below_successors(&mut options);
    // Stable sort: equal keys keep catalog order.
    options.sort_by_key(|o| {
        let excluded = o.is_excluded();
        (
            excluded,
            if excluded { 0 } else { -o.score },
            o.is_retiring(),
        )
    });
    for (rank, o) in (1..).zip(options.iter_mut().filter(|o| !o.is_excluded())) {
        o.rank = Some(rank);
    }
    let notes = notes(answers, &options, &rules);
    Recommendation { options, notes }
}

fn assess(
    sku: &'static OsSku,
    answers: &Answers,
    today: Date,
    rules: &[&SeedRule],
) -> RankedOption {
    let required_settings = needs::required_settings(sku, answers);
    let commands = needs::commands(sku, &required_settings);
    let mut option = RankedOption {
        sku,
        rank: None,
        score: 0,
        reasons: Vec::new(),
        blockers: Vec::new(),
        warnings: Vec::new(),
        verdict: sku.verdict(today),
        required_settings,
        commands,
    };
    judge_lifecycle(&mut option);
    judge_hard_requirements(&mut option, answers);
    judge_workloads(&mut option, answers);
    judge_preferences(&mut option, answers);
    for rule in rules.iter().filter(|r| (r.fits)(sku)) {
        option.reason(
            RULE_WEIGHT,
            format!("what the AKS guidance recommends for {}", rule.need),
        );
    }
    option
}

fn judge_lifecycle(o: &mut RankedOption) {
    let sku = o.sku;
    match o.verdict.clone() {
        Verdict::Retired {
            date,
            images_removed,
            successor,
        } => {
            let mut text = format!("retired on AKS: no new node pools since {date}");
            if let Some(removed) = images_removed {
                let _ = write!(text, ", node images removed from {removed}");
            }
            if let Some(successor) = successor {
                let _ = write!(text, "; successor: {successor}");
            }
            o.block(text);
        }
        Verdict::Retiring {
            date,
            days_left,
            successor,
        } => {
            let mut text = format!(
                "retiring: AKS takes no new node pools from {date} ({days_left} days left)"
            );
            if let Some(removed) = sku.lifecycle.images_removed_from {
                let _ = write!(text, ", node images removed from {}", removed.date);
            }
            if let Some(successor) = successor {
                let _ = write!(text, "; durable choice: {successor}");
            }
            o.warn(RETIRING_PENALTY, text);
        }
        Verdict::Ok => {}
    }
    if o.is_excluded() {
        return;
    }
    if let Some(flag) = sku.feature_flag {
        o.warn(
            PREVIEW_PENALTY,
            format!("preview on AKS: register the feature flag {flag} first"),
        );
    } else if sku.lifecycle.stage == Stage::Preview {
        o.warn(PREVIEW_PENALTY, "preview on AKS");
    }
}

fn judge_hard_requirements(o: &mut RankedOption, answers: &Answers) {
    let sku = o.sku;
    let name = sku.api_value;
    if answers.fips {
        match sku.fips {
            Support::Required => o.reason(1, "FIPS image: always on"),
            Support::Available => o.reason(1, "FIPS image available"),
            Support::Unsupported => o.block(format!("no FIPS image for {name} (FIPS is required)")),
            Support::Unknown => o.warn(
                UNKNOWN_SUPPORT_PENALTY,
                format!(
                    "FIPS support for {name} is not documented: confirm it before relying on it"
                ),
            ),
        }
    }
    if answers.secure_boot {
        match sku.trusted_launch {
            Support::Required => o.reason(2, "Secure Boot and vTPM always on (Trusted Launch by default)"),
            Support::Available => o.reason(1, "Secure Boot and vTPM available (Trusted Launch VM sizes)"),
            Support::Unsupported => o.block(format!(
                "no Secure Boot (Trusted Launch) for {name} (Secure Boot is required)"
            )),
            Support::Unknown => o.warn(
                UNKNOWN_SUPPORT_PENALTY,
                format!("Secure Boot support for {name} is not documented: confirm it before relying on it"),
            ),
        }
    }
    if answers.arm64 {
        if sku.architectures.contains(&Arch::Arm64) {
            for limit in sku.not_supported.iter().filter(|n| n.contains("Arm64")) {
                o.warn(0, format!("Arm64 limit: {limit} not supported"));
            }
        } else {
            o.block(format!("no Arm64 images for {name} (Arm64 is required)"));
        }
    }
    if answers.package_manager {
        match sku.package_manager {
            Some(tool) => o.reason(2, format!("package manager ({tool}) for host changes")),
            None => o.block(format!(
                "no package manager on {name}: the OS is a read-only image (a package manager is required)"
            )),
        }
    }
    if let Some(version) = answers.kubernetes_version {
        if !sku.supports_kubernetes(version) {
            o.block(format!(
                "supports Kubernetes {}, not {version}",
                sku.kubernetes_range()
            ));
        }
    }
}

fn judge_workloads(o: &mut RankedOption, answers: &Answers) {
    match (answers.workloads_modify_nodes, o.sku.immutable) {
        (Some(true), true) => {
            o.block("read-only OS, but your workloads modify nodes (host writes, package installs, host namespaces): they would break");
            for resource in &answers.node_modifying_resources {
                o.block(format!("modifies its node: {resource}"));
            }
        }
        (Some(true), false) => o.reason(1, "writable OS: workloads that change the host keep working"),
        (Some(false), true) => o.reason(0, "no workload modifies its node: safe on a read-only OS"),
        (None, true) => o.warn(
            UNCHECKED_WORKLOADS_PENALTY,
            "read-only OS: first check that no workload writes to the host (`aksos audit PATH`) and test in dev",
        ),
        (Some(false) | None, false) => {}
    }
}

fn judge_preferences(o: &mut RankedOption, answers: &Answers) {
    let sku = o.sku;
    if answers.runs_on.beyond_azure() {
        if sku.cross_cloud {
            o.reason(
                3,
                format!("the same OS runs on {} too", answers.runs_on.elsewhere()),
            );
        } else {
            o.warn(
                0,
                format!(
                    "AKS only: {} need a different OS",
                    answers.runs_on.elsewhere()
                ),
            );
        }
    } else if sku.microsoft_built {
        o.reason(1, "Microsoft-built and optimized for Azure");
    }
    if answers.vendor_neutral && sku.vendor_neutral {
        o.reason(3, "vendor-neutral, community (CNCF) governance");
    }
    if answers.microsoft_support && sku.microsoft_built {
        o.reason(2, "built and supported by Microsoft");
    }
    if answers.ipe && sku.ipe {
        o.reason(3, "Integrity Policy Enforcement: only trusted code runs");
    }
    if answers.immutable {
        if sku.immutable {
            o.reason(3, "immutable: read-only OS, whole-image updates, no drift");
        } else {
            o.warn(0, "writable general-purpose OS, not immutable");
        }
    }
}

/// A rule's pick that AKS is retiring or has retired passes the rule's points
/// to its successor, which is what serves the same need today.
fn credit_successors(options: &mut [RankedOption], rules: &[&SeedRule]) {
    for rule in rules {
        let handovers: Vec<(usize, String)> = options
            .iter()
            .filter(|o| (rule.fits)(o.sku) && o.verdict != Verdict::Ok)
            .filter_map(|pick| {
                let successor = pick.sku.lifecycle.successor?;
                let index = index_of(options, successor)?;
                let heir = &options[index];
                if heir.is_excluded() || (rule.fits)(heir.sku) {
                    return None;
                }
                Some((
                    index,
                    successor_reason(pick.sku, heir.sku, &pick.verdict, rule),
                ))
            })
            .collect();
        for (index, text) in handovers {
            options[index].reason(RULE_WEIGHT, text);
        }
    }
}

/// Why a successor inherits a rule's points, without claiming for it what the
/// retired pick had and it lacks (vendor-neutral, cross-cloud).
fn successor_reason(pick: &OsSku, heir: &OsSku, verdict: &Verdict, rule: &SeedRule) -> String {
    let mut text = format!(
        "AKS's successor to {} ({}), which the AKS guidance recommended for {}",
        pick.api_value,
        lifecycle_phrase(verdict),
        rule.need
    );
    let mut lacks = vec![];
    if pick.vendor_neutral && !heir.vendor_neutral {
        lacks.push("not vendor-neutral");
    }
    if pick.cross_cloud && !heir.cross_cloud {
        lacks.push("AKS only");
    }
    if !lacks.is_empty() {
        let _ = write!(
            text,
            "; {} keeps {}, but is {}",
            heir.api_value,
            if heir.immutable {
                "the immutable image"
            } else {
                "the role"
            },
            lacks.join(" and ")
        );
    }
    text
}

/// A retiring SKU never outscores its (usable) successor; ties go to the successor.
fn keep_retiring_below_successors(options: &mut [RankedOption]) {
    for i in 0..options.len() {
        if !options[i].is_retiring() || options[i].is_excluded() {
            continue;
        }
        let Some(successor) = options[i].sku.lifecycle.successor else {
            continue;
        };
        let Some(j) = index_of(options, successor) else {
            continue;
        };
        if !options[j].is_excluded() && options[i].score > options[j].score {
            options[i].score = options[j].score;
        }
    }
}

fn index_of(options: &[RankedOption], api_value: &str) -> Option<usize> {
    options
        .iter()
        .position(|o| o.sku.api_value.eq_ignore_ascii_case(api_value))
}

fn lifecycle_phrase(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Retired { date, .. } => format!("no new pools since {date}"),
        Verdict::Retiring {
            date, days_left, ..
        } => format!("no new pools from {date}, {days_left} days left"),
        Verdict::Ok => "accepted".into(),
    }
}

fn kind_of(sku: &OsSku) -> &'static str {
    match (sku.immutable, sku.cross_cloud) {
        (true, false) => "an immutable OS on AKS",
        (true, true) => "an immutable OS on any cloud",
        (false, false) => "a general-purpose OS on AKS",
        (false, true) => "a general-purpose OS on any cloud",
    }
}

fn notes(answers: &Answers, options: &[RankedOption], rules: &[&SeedRule]) -> Vec<String> {
    let mut notes: Vec<String> = rules.iter().map(|r| rule_note(r, options)).collect();
    let usable = || options.iter().filter(|o| o.rank.is_some());
    if answers.vendor_neutral && !usable().any(|o| o.sku.vendor_neutral) {
        notes.push("No OS that AKS accepts today has vendor-neutral, community governance.".into());
    }
    if answers.ipe && !usable().any(|o| o.sku.ipe && o.verdict == Verdict::Ok) {
        let mut text = String::from("No durable option has IPE");
        if let Some(o) = usable().find(|o| o.sku.ipe) {
            let _ = write!(
                text,
                ": only {} ({})",
                o.sku.api_value,
                lifecycle_phrase(&o.verdict)
            );
        }
        notes.push(text + ".");
    }
    if answers.immutable && usable().next().is_some_and(|top| !top.sku.immutable) {
        notes.push("No immutable option meets every requirement: see the excluded options.".into());
    }
    if usable().next().is_none() {
        notes
            .push("No OS meets every requirement: relax the one behind the blockers below.".into());
    }
    notes
}

/// "For <need>: <picks>", then what today's lifecycle changes.
fn rule_note(rule: &SeedRule, options: &[RankedOption]) -> String {
    let fitting = || options.iter().filter(|o| (rule.fits)(o.sku));
    let current: Vec<&str> = fitting()
        .filter(|o| o.rank.is_some())
        .map(|o| o.sku.api_value)
        .collect();
    let mut text = format!("For {}: ", rule.need);
    if current.is_empty() {
        text.push_str("no fitting option is usable today.");
    } else {
        let _ = write!(text, "{}.", current.join(", "));
    }
    let mut lifecycle_changed = false;
    for pick in fitting().filter(|o| o.verdict != Verdict::Ok) {
        let successor = pick
            .sku
            .lifecycle
            .successor
            .and_then(|s| index_of(options, s).map(|i| &options[i]));
        // A pick whose successor fits the same rule is covered by `current`.
        if successor.is_some_and(|s| (rule.fits)(s.sku)) && !pick.is_retiring() {
            continue;
        }
        lifecycle_changed = true;
        let _ = write!(
            text,
            " {} is {}: {}",
            pick.sku.api_value,
            if pick.is_retiring() {
                "retiring"
            } else {
                "retired on AKS"
            },
            lifecycle_phrase(&pick.verdict)
        );
        match successor {
            Some(s) => {
                let _ = write!(
                    text,
                    "; {} is the durable choice for {}.",
                    s.sku.api_value,
                    kind_of(s.sku)
                );
            }
            None => text.push('.'),
        }
    }
    if lifecycle_changed {
        if let Some(fallback) = &rule.fallback {
            let serves = fallback.serves;
            if let Some(alt) = options.iter().find(|o| o.rank.is_some() && serves(o.sku)) {
                let _ = write!(text, " For {}: {}.", fallback.need, alt.sku.api_value);
            }
        }
    }
    text
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
