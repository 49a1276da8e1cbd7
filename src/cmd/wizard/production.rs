//! The wizard's optional "production settings" step, asked after the basic
//! questions (default: No).
//!
//! It is written over the field table, not over a list of settings: every
//! field with a wizard question ([`fields::Def::prompt`]) that the command
//! offers and the basic steps did not already ask ([`BASIC`]) is asked here,
//! so a setting the table gains is asked once it has a prompt. Each answer is
//! checked as it is typed, by the same code as the flag: the table's parser,
//! then preflight of the whole input, keeping the problems that name the field.
//! Last comes a free question for any other property of the body
//! (`PATH=VALUE`, repeated until empty), checked by [`crate::schema`] through
//! preflight, exactly as `--set` is. The equivalent command carries every
//! answer, since it is generated from the same table.
//!
//! Questions go through a [`Prompter`] ([`crate::io::prompter`]), so the step
//! is tested without a terminal ([`Terminal`] is the real one).

use crate::core::fields::{self, Def, Raw, Slot, FIELDS};
use crate::core::{preflight, ClusterInput, Field, Kind};
use crate::error::AppResult;
pub use crate::io::prompter::Prompter;

/// The fields the basic steps ask (the OS, names, region, version, size, count).
pub const BASIC: &[Field] = &[
    Field::ResourceGroup,
    Field::ClusterName,
    Field::PoolName,
    Field::Location,
    Field::OsSku,
    Field::KubernetesVersion,
    Field::VmSize,
    Field::Count,
];

/// The question that opens the step.
pub const OPEN: &str =
    "Production settings (zones, autoscaler, subnets, identity, any API property)?";
/// The free question, asked until the answer is empty.
pub const ANY: &str = "Any other property, PATH=VALUE (empty: done)?";

/// The table's questions for `kind` that this step asks, in table order.
pub fn questions(kind: Kind) -> impl Iterator<Item = &'static Def> {
    FIELDS
        .iter()
        .filter(move |d| d.prompt.is_some() && d.flag(kind).is_some() && !BASIC.contains(&d.field))
}

/// Asks the step (if the user wants it) and writes the answers into `input`.
pub fn ask(p: &mut dyn Prompter, kind: Kind, input: &mut ClusterInput) -> AppResult<()> {
    if !p.yes_no(OPEN, false)? {
        return Ok(());
    }
    for d in questions(kind) {
        let prompt = d.prompt.unwrap_or("Value");
        if let Slot::Switch(_) = d.slot {
            if p.yes_no(prompt, false)? {
                let mut next = input.clone();
                fields::set(&mut next, d.field, Raw::Switch(true))
                    .map_err(|m| crate::error::AppError::usage(prompt.to_string(), m))?;
                match problems_of(kind, &next, d.field) {
                    Ok(()) => *input = next,
                    Err(m) => p.note(&format!("not set: {m}")),
                }
            }
            continue;
        }
        // Asked as a question: the hints go before its question mark.
        let stem = prompt.trim_end_matches('?');
        let question = if d.choices.is_empty() {
            format!("{stem} (empty: skip)?")
        } else {
            format!("{stem} [{}] (empty: skip)?", d.choices.join(", "))
        };
        let current = input.clone();
        let answer = p.text(&question, &|s| {
            if s.is_empty() {
                return Ok(());
            }
            with_answer(&current, d, s).and_then(|next| problems_of(kind, &next, d.field))
        })?;
        if !answer.is_empty() {
            if let Ok(next) = with_answer(input, d, &answer) {
                *input = next;
            }
        }
    }
    loop {
        let current = input.clone();
        let answer = p.text(ANY, &|s| {
            if s.is_empty() {
                return Ok(());
            }
            let mut next = current.clone();
            next.sets.push(s.to_string());
            problems_of(kind, &next, Field::Set)
        })?;
        if answer.is_empty() {
            return Ok(());
        }
        input.sets.push(answer);
    }
}

/// `input` with `answer` written into `d`'s field by the table's parser.
fn with_answer(input: &ClusterInput, d: &Def, answer: &str) -> Result<ClusterInput, String> {
    let raw = match d.slot {
        Slot::Text(_) | Slot::Int(_) | Slot::Switch(_) => Raw::Text(answer.to_string()),
        Slot::List(_) | Slot::Pairs(_) | Slot::Lines(_) => {
            Raw::List(answer.split_whitespace().map(str::to_string).collect())
        }
    };
    let mut next = input.clone();
    fields::set(&mut next, d.field, raw)?;
    Ok(next)
}

/// Preflight of the whole input; the problems naming `field`, if any.
fn problems_of(kind: Kind, input: &ClusterInput, field: Field) -> Result<(), String> {
    let problems = match kind {
        Kind::Cluster => preflight::cluster(input).err(),
        Kind::Pool => preflight::pool(input).err(),
    }
    .unwrap_or_default();
    let mine: Vec<String> = problems
        .into_iter()
        .filter(|p| p.field == field)
        .map(|p| p.message)
        .collect();
    if mine.is_empty() {
        Ok(())
    } else {
        Err(mine.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::prompter::Scripted as Script;

    fn pool() -> ClusterInput {
        let mut c = ClusterInput {
            resource_group: Some("rg1".into()),
            name: Some("c1".into()),
            ..Default::default()
        };
        c.pool.name = Some("np1".into());
        c.pool.os_sku = Some("Ubuntu".into());
        c
    }

    #[test]
    fn declined_by_default_asks_nothing_more() {
        let mut s = Script::new(&[""]);
        let mut input = pool();
        ask(&mut s, Kind::Pool, &mut input).unwrap();
        assert_eq!(input, pool());
        assert_eq!(s.asked, [OPEN]);
    }

    #[test]
    fn every_table_question_is_asked_and_set_answers_are_checked_as_typed() {
        // Accept the step, skip every table question, then the free ones.
        let mut answers = vec!["y"];
        answers.extend(questions(Kind::Pool).map(|_| ""));
        answers.extend([
            "properties.kubletConfig.cpuManagerPolicy=static", // unknown: asked again
            "properties.maxPods=many",                         // wrong type: asked again
            "properties.kubeletConfig.cpuManagerPolicy=static",
            "properties.upgradeSettings.undrainableNodeBehavior=Cordon",
            "",
        ]);
        let mut s = Script::new(&answers);
        let mut input = pool();
        ask(&mut s, Kind::Pool, &mut input).unwrap();
        assert_eq!(
            input.sets,
            [
                "properties.kubeletConfig.cpuManagerPolicy=static",
                "properties.upgradeSettings.undrainableNodeBehavior=Cordon"
            ]
        );
        assert_eq!(s.refused.len(), 2, "{:?}", s.refused);
        assert!(s.refused[0].contains("kubeletConfig"), "{:?}", s.refused);
        assert!(s.refused[1].contains("integer"), "{:?}", s.refused);
        // Every table question the step owns was asked, once.
        for d in questions(Kind::Pool) {
            let q = d.prompt.unwrap();
            assert_eq!(
                s.asked
                    .iter()
                    .filter(|a| a.starts_with(q.trim_end_matches('?')))
                    .count(),
                1,
                "{q}"
            );
        }
        // The equivalent command carries the answers.
        let words = fields::command_words(Kind::Pool, &input);
        let at = words.iter().position(|w| w == "--set").expect("--set");
        assert_eq!(
            words[at + 1],
            "properties.kubeletConfig.cpuManagerPolicy=static"
        );
        assert!(preflight::pool(&input).is_ok());
    }

    #[test]
    fn every_prompted_field_is_asked_by_some_step() {
        for kind in [Kind::Cluster, Kind::Pool] {
            for d in FIELDS
                .iter()
                .filter(|d| d.prompt.is_some() && d.flag(kind).is_some())
            {
                assert!(
                    BASIC.contains(&d.field) || questions(kind).any(|q| q.field == d.field),
                    "{:?}",
                    d.field
                );
            }
        }
    }

    /// Answers by question, so the test reads as a user's session; any answer
    /// the step refuses fails the test.
    struct Keyed(Vec<(&'static str, &'static str)>, Vec<String>);

    impl Keyed {
        fn answer(&mut self, q: &str) -> String {
            self.1.push(q.to_string());
            self.0
                .iter()
                .find(|(k, _)| q.starts_with(k))
                .map(|(_, a)| a.to_string())
                .unwrap_or_default()
        }
    }

    impl Prompter for Keyed {
        fn yes_no(&mut self, q: &str, _default: bool) -> AppResult<bool> {
            Ok(q == OPEN || self.answer(q) == "y")
        }
        fn text(
            &mut self,
            q: &str,
            check: &dyn Fn(&str) -> Result<(), String>,
        ) -> AppResult<String> {
            let a = self.answer(q);
            check(&a).unwrap_or_else(|m| panic!("{q} refused {a:?}: {m}"));
            Ok(a)
        }
        fn note(&mut self, line: &str) {
            panic!("{line}");
        }
    }

    /// A production cluster answered through the step sends the same body as
    /// the equivalent command the wizard prints, every setting included.
    #[test]
    fn a_production_cluster_through_the_step_equals_its_printed_command() {
        let subnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/nodes";
        let identity = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks";
        let mut s = Keyed(
            vec![
                ("Which availability zones", "1 2 3"),
                ("Enable the cluster autoscaler?", "y"),
                ("Autoscaler minimum", "1"),
                ("Autoscaler maximum", "5"),
                ("How many pods", "50"),
                ("Which subnet", subnet),
                ("OS disk size", "128"),
                ("Which OS disk type", "Managed"),
                ("How many extra nodes", "33%"),
                ("Which network plugin [", "azure"),
                ("Which network plugin mode", "overlay"),
                ("Which network dataplane", "cilium"),
                ("Which network policy", "cilium"),
                ("Which pod address", "10.244.0.0/16"),
                ("Which service address", "10.0.0.0/16"),
                ("Which cluster DNS", "10.0.0.10"),
                ("Which address ranges", "203.0.113.0/24"),
                ("Which pricing tier", "Standard"),
                ("Enable the OIDC issuer", "y"),
                ("Enable workload identity", "y"),
                ("Which user-assigned identity", identity),
                ("Enable Microsoft Entra ID", "y"),
                ("Which Entra groups", "11111111-1111-1111-1111-111111111111"),
                ("Use Azure RBAC", "y"),
                ("Disable local accounts", "y"),
                ("Which Kubernetes auto-upgrade channel", "stable"),
            ],
            vec![],
        );
        let mut input = pool();
        input.location = Some("eastus".into());
        input.pool.name = Some("sys".into());
        ask(&mut s, Kind::Cluster, &mut input).unwrap();
        // Every question is worded as a question, without a stray "?:".
        for q in &s.1 {
            assert!(q.ends_with('?') && !q.contains("?:"), "{q}");
        }
        let (want, _) = preflight::cluster(&input).unwrap();
        let want = serde_json::to_value(want.body(Some("1.35"))).unwrap();
        let mut argv = vec!["aksos".to_string(), "cluster".into(), "create".into()];
        argv.extend(fields::command_words(Kind::Cluster, &input));
        let cli = crate::cli::parse_from(&argv).unwrap();
        let crate::cli::Command::Cluster(crate::cli::ClusterCommand::Create(a)) = cli.command
        else {
            panic!("{argv:?}");
        };
        let (got, _) = a.fields.check(preflight::cluster).unwrap();
        let got = serde_json::to_value(got.body(Some("1.35"))).unwrap();
        assert_eq!(got, want, "{argv:?}");
        let body = want.to_string();
        for needle in [
            r#""availabilityZones":["1","2","3"]"#,
            r#""enableAutoScaling":true"#,
            r#""maxCount":5"#,
            r#""maxPods":50"#,
            r#""osDiskSizeGB":128"#,
            r#""maxSurge":"33%""#,
            r#""networkPluginMode":"overlay""#,
            r#""networkDataplane":"cilium""#,
            r#""dnsServiceIP":"10.0.0.10""#,
            r#""authorizedIPRanges":["203.0.113.0/24"]"#,
            r#""tier":"Standard""#,
            r#""enableAzureRBAC":true"#,
            r#""disableLocalAccounts":true"#,
            r#""upgradeChannel":"stable""#,
            "UserAssigned",
            "subnets/nodes",
        ] {
            assert!(body.contains(needle), "{needle} in {body}");
        }
    }
}
