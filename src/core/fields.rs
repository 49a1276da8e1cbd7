//! The field table: every setting defined once.
//!
//! Each [`Def`] says, for one [`Field`], how every door spells it:
//!
//! - its flag on `cluster create` and on `nodepool add` (the clap definitions
//!   are generated from this table by [`crate::cli`], help text included);
//! - its key in an apply file, in a cluster entry (`systemPool.` for the system
//!   pool) and in a `nodePools` entry;
//! - the wizard's question, when the wizard asks it;
//! - its value parser: the kind of [`Slot`] it fills, and the API enum values it
//!   accepts (checked the same way for a flag, a file and a question);
//! - where it lands in the request body (documentation and tests; the body
//!   itself is built by [`super::request`] from the checked request).
//!
//! From it come: the flags, the apply-file reader, the wizard's "equivalent
//! command" ([`command_words`]), the names problems are reported under
//! ([`flag`], [`apply_key`], [`prompt`]) and export's check that every typed
//! value is safe to write ([`values`]).
//!
//! To add a setting: add its field to [`super::input`] ([`Field`] and the
//! struct member), then one [`Def`] in [`FIELDS`]; then make preflight check it
//! and the request carry it. Flags, apply key, equivalent command and error
//! names follow from the entry.

use super::input::{ClusterInput, Field, Kind};
use crate::catalog::{self, defaults, enums, Support};
use std::collections::BTreeMap;

/// A command-line flag: the long name without dashes, and an optional short one.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
}

const fn long(name: &'static str) -> Option<Flag> {
    Some(Flag {
        long: name,
        short: None,
    })
}

const fn short(name: &'static str, c: char) -> Option<Flag> {
    Some(Flag {
        long: name,
        short: Some(c),
    })
}

/// Where a field's value lives in a [`ClusterInput`], and so how it is parsed.
#[derive(Clone, Copy)]
pub enum Slot {
    /// One word.
    Text(fn(&mut ClusterInput) -> &mut Option<String>),
    /// A whole number (negative numbers are parsed, and refused by preflight).
    Int(fn(&mut ClusterInput) -> &mut Option<i64>),
    /// On or off; a flag without a value.
    Switch(fn(&mut ClusterInput) -> &mut bool),
    /// `key=value` pairs (flags: repeatable, space-separated; files: a map).
    Pairs(fn(&mut ClusterInput) -> &mut BTreeMap<String, String>),
    /// A list (flags: repeatable, comma- or space-separated; files: a list).
    List(fn(&mut ClusterInput) -> &mut Vec<String>),
    /// A list of whole values, never split (flags: one value per flag,
    /// repeated; files: a list): `--set PATH=VALUE` whose value holds commas.
    Lines(fn(&mut ClusterInput) -> &mut Vec<String>),
}

/// A value as a door received it, before the table parses it into the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Switch(bool),
    Text(String),
    /// Several words (flags) or a list (files).
    List(Vec<String>),
    /// A map (files).
    Pairs(Vec<(String, String)>),
}

/// One setting.
pub struct Def {
    pub field: Field,
    /// The flag on `cluster create` and on `nodepool add` (None: not offered there).
    pub cluster_flag: Option<Flag>,
    pub pool_flag: Option<Flag>,
    /// The key in an apply file's cluster entry (`systemPool.x` for its pool)
    /// and in a `nodePools` entry.
    pub cluster_key: Option<&'static str>,
    pub pool_key: Option<&'static str>,
    /// The wizard's question, when it asks one.
    pub prompt: Option<&'static str>,
    pub value_name: &'static str,
    /// Help text (read from the catalog where it states an OS rule).
    pub help: fn(Kind) -> String,
    /// The values the API accepts (empty: any).
    pub choices: &'static [&'static str],
    pub slot: Slot,
    /// The JSON path of the value in the cluster PUT body and in the pool PUT body.
    pub cluster_body: Option<&'static str>,
    pub pool_body: Option<&'static str>,
}

/// A pool field: the same flag and key everywhere.
macro_rules! pool_def {
    ($field:ident, $flag:expr, $key:expr, $slot:expr, $value_name:expr, $choices:expr, $body:expr, $prompt:expr, $help:expr) => {
        Def {
            field: Field::$field,
            cluster_flag: long($flag),
            pool_flag: long($flag),
            cluster_key: Some(concat!("systemPool.", $key)),
            pool_key: Some($key),
            prompt: $prompt,
            value_name: $value_name,
            help: $help,
            choices: $choices,
            slot: $slot,
            cluster_body: Some(concat!("properties.agentPoolProfiles[0].", $body)),
            pool_body: Some(concat!("properties.", $body)),
        }
    };
}

fn rules(what: &str, pick: impl Fn(&catalog::OsSku) -> bool) -> String {
    let skus = catalog::skus_where(pick);
    if skus.is_empty() {
        String::new()
    } else {
        format!("; {what} {}, filled in", skus.join(" and "))
    }
}

/// The table. Order is the order of flags in `--help` and in a printed command.
pub static FIELDS: &[Def] = &[
    Def {
        field: Field::ResourceGroup,
        cluster_flag: short("resource-group", 'g'),
        pool_flag: short("resource-group", 'g'),
        cluster_key: Some("resourceGroup"),
        pool_key: None,
        prompt: Some("Resource group"),
        value_name: "RESOURCE_GROUP",
        help: |_| "Resource group".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.resource_group),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::ClusterName,
        cluster_flag: short("name", 'n'),
        pool_flag: long("cluster"),
        cluster_key: Some("name"),
        pool_key: None,
        prompt: Some("Cluster name"),
        value_name: "NAME",
        help: |_| "Cluster name".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.name),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::PoolName,
        cluster_flag: long("nodepool-name"),
        pool_flag: short("name", 'n'),
        cluster_key: Some("systemPool.name"),
        pool_key: Some("name"),
        prompt: Some("Node pool name"),
        value_name: "NAME",
        help: |kind| match kind {
            Kind::Cluster => format!(
                "Name of the system node pool [default: {}]",
                defaults::SYSTEM_POOL_NAME
            ),
            Kind::Pool => {
                "Node pool name (lower-case letters and digits, 1-12, starts with a letter)".into()
            }
        },
        choices: &[],
        slot: Slot::Text(|c| &mut c.pool.name),
        cluster_body: Some("properties.agentPoolProfiles[0].name"),
        pool_body: None,
    },
    Def {
        field: Field::Location,
        cluster_flag: short("location", 'l'),
        pool_flag: None,
        cluster_key: Some("location"),
        pool_key: None,
        prompt: Some("Region"),
        value_name: "LOCATION",
        help: |_| "Azure region, e.g. eastus".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.location),
        cluster_body: Some("location"),
        pool_body: None,
    },
    Def {
        field: Field::Mode,
        cluster_flag: None,
        pool_flag: long("mode"),
        cluster_key: Some("systemPool.mode"),
        pool_key: Some("mode"),
        prompt: None,
        value_name: "MODE",
        help: |_| format!("Pool mode [default: {}]", defaults::POOL_MODE),
        choices: enums::POOL_MODES,
        slot: Slot::Text(|c| &mut c.pool.mode),
        cluster_body: Some("properties.agentPoolProfiles[0].mode"),
        pool_body: Some("properties.mode"),
    },
    pool_def!(
        OsSku,
        "os-sku",
        "osSku",
        Slot::Text(|c| &mut c.pool.os_sku),
        "SKU",
        &[],
        "osSKU",
        Some("Which OS?"),
        |_| {
            format!(
                "OS SKU, one of {} (see `aksos recommend`)",
                catalog::skus_where(|_| true).join(", ")
            )
        }
    ),
    Def {
        field: Field::KubernetesVersion,
        cluster_flag: long("kubernetes-version"),
        pool_flag: long("kubernetes-version"),
        cluster_key: Some("kubernetesVersion"),
        pool_key: Some("kubernetesVersion"),
        prompt: Some("Kubernetes version"),
        value_name: "VERSION",
        help: |_| "Kubernetes version x.y or x.y.z [default: newest the OS supports]".into(),
        choices: &[],
        slot: Slot::Text(|c| &mut c.pool.kubernetes_version),
        cluster_body: Some("properties.kubernetesVersion"),
        pool_body: Some("properties.orchestratorVersion"),
    },
    pool_def!(
        VmSize,
        "node-vm-size",
        "vmSize",
        Slot::Text(|c| &mut c.pool.vm_size),
        "SIZE",
        &[],
        "vmSize",
        Some("VM size"),
        |_| format!("VM size of the nodes [default: {}]", defaults::VM_SIZE)
    ),
    pool_def!(
        Count,
        "node-count",
        "count",
        Slot::Int(|c| &mut c.pool.count),
        "N",
        &[],
        "count",
        Some("Node count"),
        |_| format!("Number of nodes [default: {}]", defaults::NODE_COUNT)
    ),
    pool_def!(
        EnableFipsImage,
        "enable-fips-image",
        "enableFipsImage",
        Slot::Switch(|c| &mut c.pool.enable_fips_image),
        "",
        &[],
        "enableFIPS",
        None,
        |_| {
            format!(
                "Use a FIPS-enabled image{}",
                rules("required by", |s| s.fips == Support::Required)
            )
        }
    ),
    pool_def!(
        EnableSecureBoot,
        "enable-secure-boot",
        "enableSecureBoot",
        Slot::Switch(|c| &mut c.pool.enable_secure_boot),
        "",
        &[],
        "securityProfile.enableSecureBoot",
        None,
        |_| {
            format!(
                "Secure Boot (Trusted Launch{})",
                rules("required by", |s| s.trusted_launch == Support::Required)
            )
        }
    ),
    pool_def!(
        EnableVtpm,
        "enable-vtpm",
        "enableVtpm",
        Slot::Switch(|c| &mut c.pool.enable_vtpm),
        "",
        &[],
        "securityProfile.enableVTPM",
        None,
        |_| {
            format!(
                "vTPM (Trusted Launch{})",
                rules("required by", |s| s.trusted_launch == Support::Required)
            )
        }
    ),
    pool_def!(
        OsDiskType,
        "node-osdisk-type",
        "osDiskType",
        Slot::Text(|c| &mut c.pool.os_disk_type),
        "TYPE",
        enums::OS_DISK_TYPES,
        "osDiskType",
        None,
        |_| {
            format!(
                "OS disk type{}",
                rules("Managed required by", |s| s.required_os_disk.is_some())
            )
        }
    ),
    pool_def!(
        Labels,
        "labels",
        "labels",
        Slot::Pairs(|c| &mut c.pool.labels),
        "K=V",
        &[],
        "nodeLabels",
        None,
        |_| "Node labels, k=v (repeatable)".into()
    ),
    pool_def!(
        Taints,
        "taints",
        "taints",
        Slot::List(|c| &mut c.pool.taints),
        "TAINT",
        &[],
        "nodeTaints",
        None,
        |_| "Node taints, key=value:NoSchedule|PreferNoSchedule|NoExecute (repeatable)".into()
    ),
    Def {
        field: Field::NodeOsUpgradeChannel,
        cluster_flag: long("node-os-upgrade-channel"),
        pool_flag: None,
        cluster_key: Some("nodeOsUpgradeChannel"),
        pool_key: None,
        prompt: None,
        value_name: "CHANNEL",
        help: |_| {
            let immutable = catalog::skus_where(|s| !s.node_os_channels.is_empty());
            format!(
                "Node OS upgrade channel (cluster level) [AKS default: {}]; {} allow only some, filled in",
                defaults::NODE_OS_UPGRADE_CHANNEL,
                immutable.join(", ")
            )
        },
        choices: enums::NODE_OS_UPGRADE_CHANNELS,
        slot: Slot::Text(|c| &mut c.node_os_upgrade_channel),
        cluster_body: Some("properties.autoUpgradeProfile.nodeOSUpgradeChannel"),
        pool_body: None,
    },
    Def {
        field: Field::Tags,
        cluster_flag: long("tags"),
        pool_flag: None,
        cluster_key: Some("tags"),
        pool_key: None,
        prompt: None,
        value_name: "K=V",
        help: |_| "Tags, k=v (repeatable)".into(),
        choices: &[],
        slot: Slot::Pairs(|c| &mut c.tags),
        cluster_body: Some("tags"),
        pool_body: None,
    },
    Def {
        field: Field::AllowRetired,
        cluster_flag: long("allow-retired"),
        pool_flag: long("allow-retired"),
        cluster_key: Some("systemPool.allowRetired"),
        pool_key: Some("allowRetired"),
        prompt: None,
        value_name: "",
        help: |_| "Send an OS SKU that AKS has retired (it will most likely be rejected)".into(),
        choices: &[],
        slot: Slot::Switch(|c| &mut c.pool.allow_retired),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::AllowUnknownSku,
        cluster_flag: long("allow-unknown-sku"),
        pool_flag: long("allow-unknown-sku"),
        cluster_key: Some("systemPool.allowUnknownSku"),
        pool_key: Some("allowUnknownSku"),
        prompt: None,
        value_name: "",
        help: |_| "Send an osSKU the catalog does not know (the API's enum is extensible)".into(),
        choices: &[],
        slot: Slot::Switch(|c| &mut c.pool.allow_unknown_sku),
        cluster_body: None,
        pool_body: None,
    },
    // Any other property of the body, checked against the official schema
    // (src/schema) when the body is built: see src/core/body.rs.
    Def {
        field: Field::Set,
        cluster_flag: long("set"),
        pool_flag: long("set"),
        cluster_key: Some("set"),
        pool_key: Some("set"),
        prompt: None,
        value_name: "PATH=VALUE",
        help: |kind| {
            format!(
                "Set any property of the {} body, checked against the official schema \
                 (repeatable), e.g. properties.{}=static",
                match kind {
                    Kind::Cluster => "ManagedCluster",
                    Kind::Pool => "AgentPool",
                },
                match kind {
                    Kind::Cluster => "agentPoolProfiles[0].kubeletConfig.cpuManagerPolicy",
                    Kind::Pool => "kubeletConfig.cpuManagerPolicy",
                }
            )
        },
        choices: &[],
        slot: Slot::Lines(|c| &mut c.sets),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::BodyFile,
        cluster_flag: long("body-file"),
        pool_flag: long("body-file"),
        cluster_key: Some("bodyFile"),
        pool_key: Some("bodyFile"),
        prompt: None,
        value_name: "FILE",
        help: |_| {
            "A JSON or YAML fragment of the body, merged in (checked like --set; --set applies after)"
                .into()
        },
        choices: &[],
        slot: Slot::Text(|c| &mut c.body_file),
        cluster_body: None,
        pool_body: None,
    },
    Def {
        field: Field::AllowUnknownValues,
        cluster_flag: long("allow-unknown-values"),
        pool_flag: long("allow-unknown-values"),
        cluster_key: Some("allowUnknownValues"),
        pool_key: Some("allowUnknownValues"),
        prompt: None,
        value_name: "",
        help: |_| {
            "Send a --set / --body-file value outside the schema's enum (with a warning)".into()
        },
        choices: &[],
        slot: Slot::Switch(|c| &mut c.allow_unknown_values),
        cluster_body: None,
        pool_body: None,
    },
];

/// The definition of `field`.
pub fn def(field: Field) -> &'static Def {
    FIELDS
        .iter()
        .find(|d| d.field == field)
        .expect("every field has a definition")
}

impl Def {
    /// The flag for `kind`'s command.
    pub fn flag(&self, kind: Kind) -> Option<Flag> {
        match kind {
            Kind::Cluster => self.cluster_flag,
            Kind::Pool => self.pool_flag,
        }
    }
}

/// `--node-count`: how the flags door names `field` (the table's other spelling
/// when the command does not offer it, so a message still names something).
pub fn flag(kind: Kind, field: Field) -> String {
    let d = def(field);
    let f = d.flag(kind).or(d.cluster_flag).or(d.pool_flag);
    format!("--{}", f.map(|f| f.long).unwrap_or("?"))
}

/// `systemPool.count`, `count`: how an apply file names `field`, within a
/// cluster entry (`Kind::Cluster`) or a `nodePools` entry (`Kind::Pool`).
/// Cluster-level fields of a pool entry are its cluster's keys.
pub fn apply_key(kind: Kind, field: Field) -> String {
    let d = def(field);
    let key = match kind {
        Kind::Cluster => d.cluster_key,
        Kind::Pool => d.pool_key.or(d.cluster_key),
    };
    key.unwrap_or("?").to_string()
}

/// The wizard's question for `field`, if it asks one.
pub fn prompt(field: Field) -> Option<&'static str> {
    def(field).prompt
}

/// Parses `raw` into `input`'s `field`, checking the API's enum values.
pub fn set(input: &mut ClusterInput, field: Field, raw: Raw) -> Result<(), String> {
    let d = def(field);
    let check = |v: &str| -> Result<(), String> {
        if d.choices.is_empty() || d.choices.contains(&v) {
            Ok(())
        } else {
            Err(format!(
                "`{}` is not one of {}",
                crate::names::shown(v),
                d.choices.join(", ")
            ))
        }
    };
    match (d.slot, raw) {
        (Slot::Switch(at), Raw::Switch(b)) => *at(input) = b,
        (Slot::Text(at), Raw::Text(s)) => {
            check(&s)?;
            *at(input) = Some(s);
        }
        (Slot::Int(at), Raw::Text(s)) => {
            let n = s
                .trim()
                .parse()
                .map_err(|_| format!("`{}` is not a whole number", crate::names::shown(&s)))?;
            *at(input) = Some(n);
        }
        (Slot::Pairs(at), Raw::Pairs(pairs)) => at(input).extend(pairs),
        (Slot::Pairs(at), Raw::List(items)) => {
            let what = if field == Field::Tags { "tag" } else { "label" };
            let map = at(input);
            // `a=1 b=2` in one word is two pairs (as az reads it); `k=a b`
            // is one pair whose value has a space (the words printed for it).
            let words = items.iter().flat_map(|i| {
                let parts: Vec<&str> = i.split_whitespace().collect();
                if parts.iter().all(|p| p.contains('=')) {
                    parts
                } else {
                    vec![i.as_str()]
                }
            });
            for item in words {
                match item.split_once('=') {
                    Some((k, v)) if !k.is_empty() => {
                        map.insert(k.to_string(), v.to_string());
                    }
                    _ => {
                        return Err(format!(
                            "`{}` is not a {what}; use key=value",
                            crate::names::shown(item)
                        ))
                    }
                }
            }
        }
        (Slot::List(at), Raw::List(items)) => at(input).extend(
            items
                .iter()
                .flat_map(|i| i.split(','))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        ),
        (Slot::List(at) | Slot::Lines(at), Raw::Text(s)) => at(input).push(s),
        (Slot::Lines(at), Raw::List(items)) => at(input).extend(items),
        (_, raw) => return Err(format!("expected {}, not {raw:?}", kind_name(d.slot))),
    }
    Ok(())
}

fn kind_name(slot: Slot) -> &'static str {
    match slot {
        Slot::Text(_) => "a text value",
        Slot::Int(_) => "a whole number",
        Slot::Switch(_) => "true or false",
        Slot::Pairs(_) => "a map of key: value",
        Slot::List(_) | Slot::Lines(_) => "a list",
    }
}

/// `field`'s value in `input`, when it was given (switches when on).
pub fn get(input: &ClusterInput, field: Field) -> Option<Raw> {
    // Slots hand out `&mut`; read through a copy (inputs are small).
    let mut c = input.clone();
    match def(field).slot {
        Slot::Text(at) => at(&mut c).clone().map(Raw::Text),
        Slot::Int(at) => at(&mut c).map(|n| Raw::Text(n.to_string())),
        Slot::Switch(at) => at(&mut c).then_some(Raw::Switch(true)),
        Slot::Pairs(at) => {
            let m = at(&mut c);
            (!m.is_empty()).then(|| Raw::Pairs(m.clone().into_iter().collect()))
        }
        Slot::List(at) | Slot::Lines(at) => {
            let l = at(&mut c);
            (!l.is_empty()).then(|| Raw::List(l.clone()))
        }
    }
}

/// The flags and values that give `input` to `kind`'s command, in table order:
/// the wizard's "equivalent command" (quote each word for a shell).
pub fn command_words(kind: Kind, input: &ClusterInput) -> Vec<String> {
    let mut out = vec![];
    for d in FIELDS {
        let (Some(flag), Some(raw)) = (d.flag(kind), get(input, d.field)) else {
            continue;
        };
        let name = match flag.short {
            Some(c) => format!("-{c}"),
            None => format!("--{}", flag.long),
        };
        match raw {
            Raw::Switch(_) => out.push(name),
            Raw::Text(v) => out.extend([name, v]),
            Raw::List(items) if matches!(d.slot, Slot::Lines(_)) => {
                for item in items {
                    out.extend([name.clone(), item]);
                }
            }
            Raw::List(items) => {
                out.push(name);
                out.extend(items);
            }
            Raw::Pairs(pairs) => {
                out.push(name);
                out.extend(pairs.into_iter().map(|(k, v)| format!("{k}={v}")));
            }
        }
    }
    out
}

/// Every text a user gave, with the field it came from (map keys and values
/// separately): what export checks before writing anything.
pub fn values(input: &ClusterInput, kind: Kind) -> Vec<(Field, String)> {
    let mut out = vec![];
    for d in FIELDS {
        if d.flag(kind).is_none() {
            continue;
        }
        match get(input, d.field) {
            Some(Raw::Text(v)) => out.push((d.field, v)),
            Some(Raw::List(items)) => out.extend(items.into_iter().map(|v| (d.field, v))),
            Some(Raw::Pairs(pairs)) => {
                for (k, v) in pairs {
                    out.push((d.field, k));
                    out.push((d.field, v));
                }
            }
            Some(Raw::Switch(_)) | None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_defined_once() {
        let mut seen = std::collections::BTreeSet::new();
        for d in FIELDS {
            assert!(seen.insert(d.field), "{:?} twice", d.field);
        }
        for kind in [Kind::Cluster, Kind::Pool] {
            let mut flags = std::collections::BTreeSet::new();
            for d in FIELDS {
                if let Some(f) = d.flag(kind) {
                    assert!(flags.insert(f.long), "--{} twice", f.long);
                }
            }
        }
    }

    #[test]
    fn doors_name_a_field_each_their_way() {
        assert_eq!(flag(Kind::Pool, Field::Count), "--node-count");
        assert_eq!(flag(Kind::Pool, Field::PoolName), "--name");
        assert_eq!(flag(Kind::Cluster, Field::PoolName), "--nodepool-name");
        assert_eq!(flag(Kind::Pool, Field::ClusterName), "--cluster");
        assert_eq!(apply_key(Kind::Cluster, Field::Count), "systemPool.count");
        assert_eq!(apply_key(Kind::Pool, Field::Count), "count");
        assert_eq!(prompt(Field::VmSize), Some("VM size"));
    }

    #[test]
    fn values_round_trip_through_command_words() {
        let mut c = ClusterInput::default();
        set(&mut c, Field::Labels, Raw::List(vec!["a=1 b=2".into()])).unwrap();
        set(
            &mut c,
            Field::Taints,
            Raw::List(vec!["x=y:NoSchedule".into()]),
        )
        .unwrap();
        set(&mut c, Field::Count, Raw::Text("2".into())).unwrap();
        set(&mut c, Field::EnableVtpm, Raw::Switch(true)).unwrap();
        assert!(set(&mut c, Field::OsDiskType, Raw::Text("Premium".into())).is_err());
        assert!(set(&mut c, Field::Labels, Raw::List(vec!["novalue".into()])).is_err());
        let words = command_words(Kind::Pool, &c);
        assert_eq!(
            words,
            [
                "--node-count",
                "2",
                "--enable-vtpm",
                "--labels",
                "a=1",
                "b=2",
                "--taints",
                "x=y:NoSchedule"
            ]
        );
    }

    #[test]
    fn help_states_os_rules_from_the_catalog() {
        let fips = (def(Field::EnableFipsImage).help)(Kind::Pool);
        for sku in catalog::skus_where(|s| s.fips == Support::Required) {
            assert!(fips.contains(sku), "{fips}");
        }
        let sb = (def(Field::EnableSecureBoot).help)(Kind::Pool);
        for sku in catalog::skus_where(|s| s.trusted_launch == Support::Required) {
            assert!(sb.contains(sku), "{sb}");
        }
    }
}
