//! `aksos wizard`: the interactive door to the same core the flags use.
//!
//! It owns the questions and nothing behind them. The answers become
//! [`Answers`] for the pure [`recommend`] engine; the chosen OS and the
//! cluster or pool details fill the core's typed [`ClusterInput`], checked by
//! the one [`preflight`] and run by the one provisioning flow
//! ([`provision::provision_with`]: plan, confirm, execute). Prompts validate as
//! you type with preflight's field checks, and their questions are the field
//! table's ([`fields::prompt`]). The scripted command printed at the end is
//! generated from the same table ([`fields::command_words`]), so it carries
//! every field the wizard set and sends the same PUT body.
//!
//! Cancelling (Esc at a choice, Ctrl-C anywhere before the run starts) sends
//! nothing and exits 130. Off a terminal the wizard refuses (exit 2) and names
//! the scripted commands instead.

mod production;
use super::provision;
use crate::cli::{WizardArgs, WriteFlags};
use crate::cmd::factory::Factory;
use crate::config::Session;
use crate::core::catalog::defaults;
use crate::core::catalog::{self, Minor, OsSku};
use crate::core::plan::Target;
use crate::core::preflight;
use crate::core::recommend::{recommend, Answers, Recommendation, RunsOn};
use crate::core::{fields, ClusterInput, Field, Kind};
use crate::error::{AppError, AppResult};
use crate::io::output::{Style, Ui};
use crate::io::prompter::{cancelled, prompt_failed, yes_no, Plain};
use crate::shellquote::quote;
use dialoguer::{Input, Select};
use std::path::PathBuf;

/// The error `aksos wizard` gives when it cannot ask (stdin or stderr not a
/// terminal, or `CI` set).
pub fn needs_a_terminal() -> AppError {
    AppError::usage(
        "",
        "`aksos wizard` asks questions and needs a terminal (stdin and stderr, CI unset).\n  \
         In scripts use the commands it wraps:\n    \
         aksos recommend ...            which OS fits (no Azure calls)\n    \
         aksos cluster create ...       a new cluster on that OS\n    \
         aksos nodepool add ...         a node pool on that OS in an existing cluster",
    )
}

/// Runs the wizard; the caller checked that prompting is possible.
pub async fn run(_args: &WizardArgs, f: &Factory) -> AppResult<u8> {
    let ui = f.ui();
    let watcher = watch_ctrl_c(*ui)?;

    let answers = ask_needs(ui)?;
    let rec = recommend(&answers, f.today());
    show_recommendation(&rec, ui);
    let sku = choose_os(&rec)?;

    let s = f.session().await?;
    let (kind, input) = ask_target(&s, ui, sku, &answers).await?;
    finish(f, &s, kind, input, watcher).await
}

/// The wizard's last steps, once the target is chosen: the production
/// questions (from the factory's prompter), preflight, the one provisioning
/// flow, and the scripted command that does the same.
async fn finish(
    f: &Factory,
    s: &Session,
    kind: Kind,
    mut input: ClusterInput,
    watcher: Option<tokio::task::JoinHandle<()>>,
) -> AppResult<u8> {
    let ui = f.ui();
    production::ask(&mut *f.prompter(), kind, &mut input)?;
    let is_pool = kind == Kind::Pool;
    let (target, findings) = checked(kind, &input)?;
    provision::report_findings(&findings, ui);
    let scripted = scripted(kind, &input, &s.replay_flags);
    // From here the executor reports Ctrl-C itself (what keeps running in Azure).
    if let Some(w) = watcher {
        w.abort();
    }

    let write = WriteFlags::default();
    let result = provision::provision_with(&target, &findings, &write, s, ui, true)
        .await
        .map_err(|e| for_the_wizard(e, is_pool));
    let say = |line: String| {
        if ui.json() {
            ui.say(line)
        } else {
            ui.line(line)
        }
    };
    match &result {
        Ok(_) => {
            say(String::new());
            say("The same, scripted:".into());
            say(format!("  {scripted}"));
        }
        Err(AppError::Interrupted { .. }) => {
            ui.say(format!(
                "To run it later without the questions:\n  {scripted}"
            ));
        }
        Err(_) => {}
    }
    result
}

/// Until the run starts, Ctrl-C ends the wizard with exit 130 and nothing sent.
/// At a prompt the terminal library reads Ctrl-C as a key and raises SIGINT;
/// with this handler installed the process survives it and the prompt returns
/// an interrupted read (see [`prompt_failed`]). Between prompts (while listing
/// clusters, say) the handler itself ends the process.
fn watch_ctrl_c(ui: Ui) -> AppResult<Option<tokio::task::JoinHandle<()>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut sig = signal(SignalKind::interrupt())
            .map_err(|e| AppError::Io(format!("cannot watch for Ctrl-C: {e}")))?;
        Ok(Some(tokio::spawn(async move {
            if sig.recv().await.is_some() {
                let _ = console::Term::stderr().show_cursor();
                ui.say(format!("\nerror: {}", cancelled()));
                std::process::exit(i32::from(crate::error::exit::INTERRUPTED));
            }
        })))
    }
    #[cfg(not(unix))]
    Ok(None)
}

/// Preflight of what the wizard built, problems named by their questions.
fn checked(kind: Kind, input: &ClusterInput) -> AppResult<(Target, preflight::Findings)> {
    let name = |f: Field| question_or_flag(kind, f);
    Ok(match kind {
        Kind::Cluster => {
            let (r, f) =
                preflight::cluster(input).map_err(|p| crate::core::problems_error(p, name))?;
            (Target::Cluster(r), f)
        }
        Kind::Pool => {
            let (r, f) =
                preflight::pool(input).map_err(|p| crate::core::problems_error(p, name))?;
            (Target::Pool(r), f)
        }
    })
}

/// The scripted command that gives `input` to `kind`'s command, generated from
/// the field table: every field the wizard set, each word quoted for a shell.
fn scripted(kind: Kind, input: &ClusterInput, replay_flags: &str) -> String {
    let verb = match kind {
        Kind::Cluster => "cluster create",
        Kind::Pool => "nodepool add",
    };
    let words: Vec<String> = fields::command_words(kind, input)
        .iter()
        .map(|w| quote(w).into_owned())
        .collect();
    format!("aksos {replay_flags}{verb} {}", words.join(" "))
}

/// How the wizard names a field: its question, or the flag when it asked none.
fn question_or_flag(kind: Kind, field: Field) -> String {
    let question = match (kind, field) {
        (Kind::Pool, Field::ClusterName) => Some("New cluster, or a node pool?"),
        _ => fields::prompt(field),
    };
    match question {
        Some(q) => format!("your answer to \"{q}\""),
        None => fields::flag(kind, field),
    }
}

// ---- prompts -------------------------------------------------------------

fn choose(question: &str, items: &[String], default: usize) -> AppResult<usize> {
    Select::with_theme(&Plain)
        .with_prompt(question)
        .items(items)
        .default(default)
        .interact_opt()
        .map_err(prompt_failed)?
        .ok_or_else(cancelled)
}

/// Free text checked as typed by `check`, which also returns the value to use
/// (e.g. a normalised region name).
fn text(
    question: &str,
    default: &str,
    check: impl Fn(&str) -> Result<String, String>,
) -> AppResult<String> {
    let raw: String = Input::with_theme(&Plain)
        .with_prompt(question)
        .default(default.to_string())
        .validate_with(|s: &String| check(s.trim()).map(|_| ()))
        .interact_text()
        .map_err(prompt_failed)?;
    check(raw.trim()).map_err(|m| AppError::usage("", m))
}

fn count(question: &str, default: i64, mode: &str) -> AppResult<i64> {
    Input::<i64>::with_theme(&Plain)
        .with_prompt(question)
        .default(default)
        .validate_with(|n: &i64| preflight::check_count(*n, mode).map(|_| ()))
        .interact_text()
        .map_err(prompt_failed)
}

// ---- the questions -------------------------------------------------------

fn ask_needs(ui: &Ui) -> AppResult<Answers> {
    ui.say("A few questions about your nodes (Enter takes the default, Esc or Ctrl-C stops).");
    let runs_on = [RunsOn::Azure, RunsOn::MultiCloud, RunsOn::Hybrid][choose(
        "Where do your clusters run?",
        &[
            "Azure only".into(),
            "Azure and other clouds".into(),
            "Azure and on-prem / edge".into(),
        ],
        0,
    )?];
    // Every yes/no question comes from recommend's table, so the wizard asks
    // exactly what `aksos recommend` has flags for.
    let mut a = Answers {
        runs_on,
        ..Answers::default()
    }
    .ask_yes_no(|q| yes_no(q.prompt, false))?;
    let modify = choose(
        "Do your workloads modify their nodes (hostPath writes, privileged host mounts, package installs)?",
        &[
            "not sure".into(),
            "no".into(),
            "yes".into(),
            "check my manifests".into(),
        ],
        0,
    )?;
    a = match modify {
        1 => Answers {
            workloads_modify_nodes: Some(false),
            ..a
        },
        2 => Answers {
            workloads_modify_nodes: Some(true),
            ..a
        },
        3 => {
            let path = text("Manifests to check (file or directory)", "k8s", |s| {
                if std::path::Path::new(s).exists() {
                    Ok(s.to_string())
                } else {
                    Err(format!("`{s}` does not exist"))
                }
            })?;
            let found = crate::core::audit::node_modifying_resources(&[PathBuf::from(path)])?;
            if found.is_empty() {
                ui.say("  no workload modifies its node");
            } else {
                ui.say(format!("  modify their node: {}", found.join(", ")));
            }
            a.with_audit_findings(found)
        }
        _ => a,
    };
    Ok(a)
}

fn show_recommendation(rec: &Recommendation, ui: &Ui) {
    ui.say("");
    for (i, o) in rec.ranked().take(3).enumerate() {
        let name = if i == 0 {
            ui.paint(o.sku.api_value, Style::Strong)
        } else {
            o.sku.api_value.to_string()
        };
        ui.say(format!("{}. {name} — {}", i + 1, o.sku.summary));
        for r in &o.reasons {
            ui.say(format!("     + {r}"));
        }
        for w in &o.warnings {
            ui.say(format!("     ! {w}"));
        }
    }
    ui.say("");
}

fn choose_os(rec: &Recommendation) -> AppResult<&'static OsSku> {
    let ranked: Vec<&'static OsSku> = rec.ranked().map(|o| o.sku).collect();
    if ranked.is_empty() {
        let why: Vec<String> = rec
            .excluded()
            .map(|o| format!("{}: {}", o.sku.api_value, o.blockers.join("; ")))
            .collect();
        return Err(AppError::usage(
            "",
            format!(
                "no OS fits these answers:\n    {}\n  answer again with fewer requirements",
                why.join("\n    ")
            ),
        ));
    }
    let items: Vec<String> = ranked
        .iter()
        .map(|s| format!("{:<20} {}", s.api_value, s.display_name))
        .collect();
    Ok(ranked[choose(ask(Field::OsSku), &items, 0)?])
}

/// A cluster the wizard can add a pool to.
struct Existing {
    resource_group: String,
    name: String,
    location: String,
    label: String,
}

fn resource_group_of(id: &str) -> Option<String> {
    let mut parts = id.split('/');
    parts
        .by_ref()
        .find(|p| p.eq_ignore_ascii_case("resourceGroups"))?;
    parts.next().map(str::to_string)
}

/// Initials and digits of the SKU plus 1: AzureContainerLinux → acl1.
fn default_pool_name(sku: &OsSku) -> String {
    let initials: String = sku
        .api_value
        .chars()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        .map(|c| c.to_ascii_lowercase())
        .take(10)
        .collect();
    let name = format!("{initials}1");
    if preflight::check_pool_name(&name).is_ok() {
        name
    } else {
        "pool1".into()
    }
}

/// The pool settings the answers and the chosen OS decide, and the VM size
/// (one of `fitting` when the region's sizes could be read).
fn pool_input_for(
    sku: &OsSku,
    answers: &Answers,
    fitting: Option<&[String]>,
) -> AppResult<crate::core::PoolInput> {
    let default_size = match (answers.arm64, catalog::arm64_only_on_cobalt_v6(sku)) {
        (true, true) => defaults::ARM64_COBALT_VM_SIZE,
        (true, false) => defaults::ARM64_VM_SIZE,
        _ => defaults::VM_SIZE,
    };
    let default_size = match fitting {
        Some(names) if !names.iter().any(|n| n.eq_ignore_ascii_case(default_size)) => {
            names[0].as_str()
        }
        _ => default_size,
    };
    Ok(crate::core::PoolInput {
        os_sku: Some(sku.api_value.to_string()),
        vm_size: Some(text(ask(Field::VmSize), default_size, |s| {
            let size = preflight::check_vm_size_for(s, sku)?;
            match fitting {
                Some(names) if !names.iter().any(|n| n.eq_ignore_ascii_case(&size)) => {
                    Err(format!(
                        "{size} is not offered in the region, or does not fit {}; sizes that fit: {}",
                        sku.api_value,
                        shortlist(names)
                    ))
                }
                _ => Ok(size),
            }
        })?),
        enable_fips_image: answers.fips,
        enable_secure_boot: answers.secure_boot,
        enable_vtpm: answers.secure_boot,
        ..Default::default()
    })
}

/// The first few names of a list, and how many there are.
fn shortlist(names: &[String]) -> String {
    const SHOWN: usize = 8;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{}, … ({} in all)", names[..SHOWN].join(", "), names.len())
    }
}

/// The VM sizes of `location` that fit `sku`, from the live SKU list
/// ([`crate::capabilities::fitting_sizes`], read once per region), closest to
/// the default size first; listed before the size question. `None` (with a
/// note) when the list cannot be read: then any size is accepted, and Azure
/// judges it.
async fn sizes_that_fit(
    s: &Session,
    location: &str,
    sku: &OsSku,
    answers: &Answers,
) -> Option<Vec<String>> {
    use crate::capabilities::{fitting_sizes, Cache, PoolAsk};
    let region = match Cache::global().region(&s.arm, location).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "note: cannot read the VM sizes of {location} ({}); any size is accepted, and Azure judges it",
                e.status()
                    .map(|c| format!("HTTP {c}"))
                    .unwrap_or_else(|| "no answer".into())
            );
            return None;
        }
    };
    let ask = PoolAsk {
        location,
        os: catalog::find(sku.api_value),
        count: 1,
        trusted_launch: answers.secure_boot || sku.trusted_launch == catalog::Support::Required,
        ..Default::default()
    };
    let like = region
        .skus
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(defaults::VM_SIZE));
    let names: Vec<String> = fitting_sizes(&region.skus, &ask, like)
        .into_iter()
        .map(|r| r.name.clone())
        .collect();
    if names.is_empty() {
        eprintln!(
            "note: {location} lists no VM size that fits {}; any size is accepted, and Azure judges it",
            sku.api_value
        );
        return None;
    }
    eprintln!(
        "VM sizes in {location} that fit {}: {}",
        sku.api_value,
        shortlist(&names)
    );
    Some(names)
}

/// The table's question for `field`.
fn ask(field: Field) -> &'static str {
    fields::prompt(field).unwrap_or("Value")
}

/// When the chosen cluster has pools on retired or retiring OSes, says so and
/// offers the `aksos migrate` command for each (the lifecycle path).
async fn offer_migration(s: &Session, ui: &Ui, rg: &str, cluster: &str) -> AppResult<()> {
    let report = crate::core::scan::scan(&s.arm, Some(rg), Some(cluster), &s.replay_flags).await?;
    let affected: Vec<_> = report
        .pools
        .iter()
        .filter(|p| p.migrate.is_some())
        .collect();
    if affected.is_empty() {
        return Ok(());
    }
    ui.say(format!(
        "{rg}/{cluster} has pools on retired or retiring OSes:"
    ));
    for p in &affected {
        ui.say(format!(
            "  {} ({}): move it with `{}`",
            p.pool,
            p.os_sku,
            p.migrate.as_deref().unwrap_or_default()
        ));
    }
    Ok(())
}

/// A pool name the cluster does not have yet: acl1, acl2, ...
fn free_pool_name(sku: &OsSku, taken: &[String]) -> String {
    let first = default_pool_name(sku);
    let stem = first
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string();
    (1..100)
        .map(|n| format!("{stem}{n}"))
        .find(|n| {
            preflight::check_pool_name(n).is_ok()
                && !taken.iter().any(|t| t.eq_ignore_ascii_case(n))
        })
        .unwrap_or(first)
}

/// Renames the flags in a plan error after the wizard's questions, which is
/// what the user answered (the field table maps each flag back to its field).
fn for_the_wizard(e: AppError, pool: bool) -> AppError {
    let kind = if pool { Kind::Pool } else { Kind::Cluster };
    match e {
        AppError::Usage { flag, message } => {
            let field = fields::FIELDS
                .iter()
                .map(|d| d.field)
                .find(|f| fields::flag(kind, *f) == flag);
            match field {
                Some(f) => AppError::usage(question_or_flag(kind, f), message),
                None => AppError::Usage { flag, message },
            }
        }
        AppError::UsageMany(all) => {
            AppError::UsageMany(all.into_iter().map(|e| for_the_wizard(e, pool)).collect())
        }
        other => other,
    }
}

async fn ask_target(
    s: &Session,
    ui: &Ui,
    sku: &'static OsSku,
    answers: &Answers,
) -> AppResult<(Kind, ClusterInput)> {
    let mut clusters: Vec<Existing> = vec![];
    let mut unsuited: Vec<String> = vec![];
    for mc in s.arm.list_clusters(None).await? {
        let (Some(rg), Some(name)) = (
            mc.id.as_deref().and_then(resource_group_of),
            mc.name.clone(),
        ) else {
            continue;
        };
        if let Err(why) = crate::core::plan::cluster_suits_os(&mc, sku) {
            unsuited.push(format!("{rg}/{name}: {why}"));
            continue;
        }
        let label = format!(
            "node pool on {rg}/{name} ({}, Kubernetes {})",
            mc.location,
            mc.kubernetes_version().unwrap_or("?")
        );
        clusters.push(Existing {
            resource_group: rg,
            name,
            location: mc.location.to_string(),
            label,
        });
    }
    if !unsuited.is_empty() {
        ui.say(format!(
            "Not offered: these clusters cannot take {} yet.",
            sku.api_value
        ));
        for u in &unsuited {
            ui.say(format!("  {u}"));
        }
    }
    let mut items = vec!["new cluster".to_string()];
    items.extend(clusters.iter().map(|c| c.label.clone()));
    let pick = if clusters.is_empty() {
        if unsuited.is_empty() {
            ui.say("No clusters in this subscription yet: creating a new one.");
        } else {
            ui.say(format!(
                "No cluster here can take {} as it is: creating a new one.",
                sku.api_value
            ));
        }
        0
    } else {
        choose(
            &format!("New cluster, or a node pool on {}?", sku.api_value),
            &items,
            0,
        )?
    };
    if pick > 0 {
        let c = &clusters[pick - 1];
        offer_migration(s, ui, &c.resource_group, &c.name).await?;
        let taken: Vec<String> = s
            .arm
            .list_pools(&c.resource_group, &c.name)
            .await?
            .into_iter()
            .filter_map(|p| p.name)
            .collect();
        let cluster = format!("{}/{}", c.resource_group, c.name);
        let name = text(ask(Field::PoolName), &free_pool_name(sku, &taken), |n| {
            let n = preflight::check_pool_name(n)?;
            if taken.iter().any(|t| t.eq_ignore_ascii_case(&n)) {
                return Err(format!(
                    "{cluster} already has a node pool `{n}` (it has {}); choose another name",
                    taken.join(", ")
                ));
            }
            Ok(n)
        })?;
        let fitting = sizes_that_fit(s, &c.location, sku, answers).await;
        let mut pool = pool_input_for(sku, answers, fitting.as_deref())?;
        pool.name = Some(name);
        pool.mode = Some(defaults::POOL_MODE.into());
        pool.count = Some(count(
            ask(Field::Count),
            defaults::NODE_COUNT,
            defaults::POOL_MODE,
        )?);
        return Ok((
            Kind::Pool,
            ClusterInput {
                resource_group: Some(c.resource_group.clone()),
                name: Some(c.name.clone()),
                pool,
                ..Default::default()
            },
        ));
    }
    let rg = text(
        ask(Field::ResourceGroup),
        "rg-aksos",
        preflight::check_resource_group,
    )?;
    // The cluster name is checked against the subscription as soon as it is
    // given (a prompt's own check cannot wait on Azure): asked again if taken.
    let name = loop {
        let name = text(
            ask(Field::ClusterName),
            "aksos1",
            preflight::check_cluster_name,
        )?;
        match s.arm.get_cluster(&rg, &name).await? {
            None => break name,
            Some(_) => ui.say(format!(
                "error: {rg} already has a cluster `{name}`; choose another name (or start again and pick it to add a node pool)"
            )),
        }
    };
    let location = text(ask(Field::Location), "eastus", preflight::check_location)?;
    let versions = s.arm.kubernetes_versions(&location).await?;
    let mut fitting: Vec<(Minor, String)> = versions
        .values
        .iter()
        .filter(|v| v.is_preview != Some(true))
        .filter_map(|v| Some((Minor::parse(&v.version)?, v.version.clone())))
        .filter(|(m, _)| sku.supports_kubernetes(*m))
        .collect();
    fitting.sort_by(|a, b| b.cmp(a));
    if fitting.is_empty() {
        return Err(AppError::usage(
            question_or_flag(Kind::Cluster, Field::Location),
            format!(
                "{location} offers no generally available Kubernetes version that {} supports ({})",
                sku.api_value,
                sku.kubernetes_range()
            ),
        ));
    }
    let labels: Vec<String> = fitting.iter().map(|(_, v)| v.clone()).collect();
    let version = labels[choose(ask(Field::KubernetesVersion), &labels, 0)?].clone();
    let fitting = sizes_that_fit(s, &location, sku, answers).await;
    let mut pool = pool_input_for(sku, answers, fitting.as_deref())?;
    pool.kubernetes_version = Some(version);
    pool.count = Some(count(
        &format!("{} (system pool)", ask(Field::Count)),
        defaults::NODE_COUNT,
        defaults::SYSTEM_MODE,
    )?);
    Ok((
        Kind::Cluster,
        ClusterInput {
            resource_group: Some(rg),
            name: Some(name),
            location: Some(location),
            pool,
            ..Default::default()
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pool_names_are_valid() {
        for sku in catalog::CATALOG {
            let n = default_pool_name(sku);
            assert!(preflight::check_pool_name(&n).is_ok(), "{n}");
        }
        assert_eq!(
            default_pool_name(catalog::find("AzureContainerLinux").unwrap()),
            "acl1"
        );
    }

    #[test]
    fn resource_group_comes_from_the_id() {
        assert_eq!(
            resource_group_of("/subscriptions/s/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1")
                .as_deref(),
            Some("rg1")
        );
        assert_eq!(resource_group_of("/subscriptions/s"), None);
    }

    /// The wizard's last steps without a terminal: the scripted prompter
    /// declines the production questions, the fake ARM has the cluster, and
    /// the wizard sends the pool's PUT and prints the command that does the
    /// same.
    #[test]
    fn a_chosen_pool_is_created_and_the_scripted_command_printed() {
        use crate::io::output::Format;
        use crate::testing::{run, FakeArm};
        let fake = FakeArm::with_cluster_c1();
        let pool = fake.accepts_pool("u1", 2);
        let (ui, out) = Ui::captured(Format::Text);
        let f = Factory::with_arm(ui, fake.arm()).scripted(&["n"]);
        let input = ClusterInput {
            resource_group: Some("rg1".into()),
            name: Some("c1".into()),
            pool: crate::core::PoolInput {
                name: Some("u1".into()),
                mode: Some("User".into()),
                os_sku: Some("Ubuntu".into()),
                count: Some(2),
                ..Default::default()
            },
            ..Default::default()
        };
        let s = run(f.session()).unwrap();
        let code = run(finish(&f, &s, Kind::Pool, input, None)).expect("created");
        assert_eq!(code, 0);
        assert_eq!(
            fake.writes(),
            vec![format!("PUT {}", pool.split('?').next().unwrap())]
        );
        let text = out.stdout();
        assert!(text.contains("The same, scripted:"), "{text}");
        assert!(
            text.contains("aksos nodepool add") && text.contains("--os-sku Ubuntu"),
            "{text}"
        );
    }

    fn acl_pool(rg: &str) -> ClusterInput {
        ClusterInput {
            resource_group: Some(rg.into()),
            name: Some("c1".into()),
            pool: crate::core::PoolInput {
                name: Some("acl1".into()),
                mode: Some("User".into()),
                os_sku: Some("AzureContainerLinux".into()),
                vm_size: Some("Standard_D8s_v5".into()),
                count: Some(2),
                enable_secure_boot: true,
                enable_vtpm: true,
                os_disk_type: Some("Managed".into()),
                labels: [("team".to_string(), "a b".to_string())].into(),
                taints: vec!["dedicated=x:NoSchedule".into()],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// bash's words for `line` (None without bash).
    fn bash_words(line: &str) -> Option<Vec<String>> {
        let out = std::process::Command::new("bash")
            .args(["--norc", "-c", &format!("printf '%s\\0' {line}")])
            .output()
            .ok()?;
        assert!(out.status.success(), "{line}: {out:?}");
        Some(
            String::from_utf8(out.stdout)
                .unwrap()
                .split_terminator('\0')
                .map(str::to_string)
                .collect(),
        )
    }

    #[test]
    fn scripted_command_pastes_into_bash_for_a_resource_group_with_parentheses() {
        let line = scripted(Kind::Pool, &acl_pool("my.rg(prod)"), "--sandbox ");
        assert!(
            line.contains("-g 'my.rg(prod)'") || line.contains("--resource-group 'my.rg(prod)'"),
            "{line}"
        );
        let Some(words) = bash_words(&line) else {
            return;
        };
        let cli = crate::cli::parse_from(&words).unwrap();
        let crate::cli::Command::Nodepool(crate::cli::NodepoolCommand::Add(a)) = cli.command else {
            panic!("{line}");
        };
        assert_eq!(
            a.fields.input.resource_group.as_deref(),
            Some("my.rg(prod)")
        );
    }

    /// The printed command, re-parsed by the flags door, sends the very body
    /// the wizard sent: every field it set, labels, taints and disk included.
    #[test]
    fn scripted_command_parses_back_into_the_same_request_body() {
        let pool = acl_pool("rg1");
        let mut cluster = acl_pool("rg1");
        cluster.location = Some("eastus".into());
        cluster.tags = [("owner".to_string(), "team a".to_string())].into();
        cluster.pool.mode = None;
        cluster.pool.kubernetes_version = Some("1.35".into());
        cluster.pool.name = Some("sys".into());
        for (kind, input) in [(Kind::Pool, pool), (Kind::Cluster, cluster)] {
            let line = scripted(kind, &input, "");
            let words = match bash_words(&line) {
                Some(w) => w,
                None => continue,
            };
            let cli = crate::cli::parse_from(&words).unwrap();
            let (got, want) = match cli.command {
                crate::cli::Command::Nodepool(crate::cli::NodepoolCommand::Add(a)) => (
                    serde_json::to_value(a.fields.check(preflight::pool).unwrap().0.body()),
                    serde_json::to_value(preflight::pool(&input).unwrap().0.body()),
                ),
                crate::cli::Command::Cluster(crate::cli::ClusterCommand::Create(a)) => {
                    let (got, _) = a.fields.check(preflight::cluster).unwrap();
                    let (want, _) = preflight::cluster(&input).unwrap();
                    (
                        serde_json::to_value(got.body(Some("1.35"))),
                        serde_json::to_value(want.body(Some("1.35"))),
                    )
                }
                _ => panic!("{line}"),
            };
            let (got, want) = (got.unwrap(), want.unwrap());
            assert_eq!(got, want, "{line}");
            for needle in ["nodeLabels", "nodeTaints", "osDiskType", "Standard_D8s_v5"] {
                assert!(want.to_string().contains(needle), "{needle} in {want}");
            }
        }
    }
}
