//! `--set PATH=VALUE` and body fragments, written into a request body only
//! after the schema table agrees.
//!
//! Path syntax: JSON field names joined by `.`, list items by index
//! (`properties.agentPoolProfiles[0].maxPods`), map keys as plain segments
//! (`properties.nodeLabels.env`, `tags.cost-center`). A map key that holds dots
//! is taken whole when the map's values are plain (`properties.nodeLabels.
//! kubernetes.azure.com/role`), or can be quoted: `tags["a.b"]`.
//!
//! Value syntax, by the schema's type at that path: strings as given, integers,
//! numbers, `true`/`false`; lists as `a,b,c` or JSON `[...]`; maps as
//! `k=v,k2=v2` or JSON `{...}`; objects as JSON `{...}`. A JSON value replaces
//! what was there; a body fragment ([`merge`]) merges into the body like a JSON
//! merge patch (objects and maps key by key, lists replaced, `null` removes).

use super::table::{self, leaf_of, Body, Kind, Prop, Table, API_VERSIONS};
use crate::error::{AppError, AppResult};
use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// A refusal, naming the property (concrete path, e.g.
/// `properties.agentPoolProfiles[0].osSKU`) and what to do about it. Each
/// door prefixes its own name: `--set`, `--body-file FILE`, an apply file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for SetError {}

/// Accepted, but worth telling the user (a value outside the enum sent
/// because unknown values were allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetWarning {
    pub path: String,
    pub message: String,
}

impl fmt::Display for SetWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn err(path: impl Into<String>, message: impl Into<String>) -> SetError {
    SetError {
        path: path.into(),
        message: message.into(),
    }
}

/// Splits `PATH=VALUE` at the first `=` outside a quoted key (`["..."]`).
/// The value may itself contain `=` (`nodeTaints=key=value:NoSchedule`).
pub fn parse_set(arg: &str) -> Result<(String, String), SetError> {
    let mut in_quote = false;
    let mut prev = '\0';
    for (i, c) in arg.char_indices() {
        match c {
            '"' if prev == '[' => in_quote = true,
            '"' if in_quote && arg[i + 1..].starts_with(']') => in_quote = false,
            '=' if !in_quote => {
                let (path, value) = (&arg[..i], &arg[i + 1..]);
                if path.is_empty() {
                    return Err(err(
                        "",
                        format!("`={value}` names no property; expected PATH=VALUE, e.g. properties.kubeletConfig.cpuManagerPolicy=static"),
                    ));
                }
                if path.chars().any(char::is_control) {
                    return Err(err("", "the path contains a control character"));
                }
                return Ok((path.to_string(), value.to_string()));
            }
            _ => {}
        }
        prev = c;
    }
    Err(err(
        "",
        "expected PATH=VALUE (no `=` found), e.g. properties.kubeletConfig.cpuManagerPolicy=static",
    ))
}

/// One segment of a user's path.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Name(String),
    Index(usize),
    /// `["..."]`: a map key (or field name) taken literally.
    Quoted(String),
}

fn split_path(path: &str) -> Result<Vec<Seg>, SetError> {
    let bad = |m: &str| err(path, m.to_string());
    let mut segs = Vec::new();
    let mut name = String::new();
    let mut chars = path.chars().peekable();
    // True right after `]`: a `.` or `[` or the end must follow.
    let mut after_bracket = false;
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if name.is_empty() && !after_bracket {
                    return Err(bad(
                        "empty segment in the path (two dots, or a leading dot)",
                    ));
                }
                if !name.is_empty() {
                    segs.push(Seg::Name(std::mem::take(&mut name)));
                }
                after_bracket = false;
                if chars.peek().is_none() {
                    return Err(bad("the path ends with a dot"));
                }
            }
            '[' if matches!(chars.peek(), Some('"')) => {
                chars.next();
                if !name.is_empty() {
                    segs.push(Seg::Name(std::mem::take(&mut name)));
                }
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&']') => {
                            chars.next();
                            break;
                        }
                        Some(k) => key.push(k),
                        None => return Err(bad("unclosed [\"...\"] in the path")),
                    }
                }
                segs.push(Seg::Quoted(key));
                after_bracket = true;
            }
            '[' if matches!(chars.peek(), Some(d) if d.is_ascii_digit()) => {
                if !name.is_empty() {
                    segs.push(Seg::Name(std::mem::take(&mut name)));
                } else if segs.is_empty() {
                    return Err(bad("the path starts with an index"));
                }
                let mut digits = String::new();
                loop {
                    match chars.next() {
                        Some(']') => break,
                        Some(d) if d.is_ascii_digit() => digits.push(d),
                        _ => return Err(bad("a list index is written [N], e.g. [0]")),
                    }
                }
                let n = digits
                    .parse()
                    .map_err(|_| bad("the list index is too large"))?;
                segs.push(Seg::Index(n));
                after_bracket = true;
            }
            _ if after_bracket => {
                return Err(bad("after ] comes `.`, `[` or the end of the path"));
            }
            _ => name.push(c),
        }
    }
    if !name.is_empty() {
        segs.push(Seg::Name(name));
    }
    if segs.is_empty() {
        return Err(bad("the path is empty"));
    }
    Ok(segs)
}

/// One step into the JSON body.
#[derive(Debug, Clone)]
enum Step {
    Field(String),
    Index(usize),
}

fn show_field(shown: &str, key: &str) -> String {
    let plain = !key.is_empty() && !key.contains(['.', '[', ']', '"']);
    match (shown.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{shown}.{key}"),
        (_, false) => format!("{shown}[\"{key}\"]"),
    }
}

fn join(generic: &str, name: &str) -> String {
    if generic.is_empty() {
        name.to_string()
    } else {
        format!("{generic}.{name}")
    }
}

/// Everything one check needs: the table, the policy, and what was noticed.
struct Ctx {
    table: &'static Table,
    allow_unknown_values: bool,
    warnings: Vec<SetWarning>,
}

impl Ctx {
    /// The table of `body` at `api_version`, no warnings yet.
    fn new(body: Body, api_version: &str, allow_unknown_values: bool) -> Result<Ctx, SetError> {
        Ok(Ctx {
            table: lookup(body, api_version)?,
            allow_unknown_values,
            warnings: vec![],
        })
    }
}

fn lookup(body: Body, api_version: &str) -> Result<&'static Table, SetError> {
    table::table(body, api_version).ok_or_else(|| {
        err(
            "",
            format!(
                "aksos has no schema for the {} body at api-version {api_version} (it has: {})",
                body.definition(),
                API_VERSIONS.join(", ")
            ),
        )
    })
}

/// Checks `PATH=VALUE` (already split by [`parse_set`]) against the schema of
/// `body` at `api_version`, types the value, and writes it into `body`.
/// Nothing is written when it fails.
pub fn apply(
    body: &mut Value,
    kind: Body,
    api_version: &str,
    path: &str,
    raw: &str,
    allow_unknown_values: bool,
) -> Result<Vec<SetWarning>, SetError> {
    let mut ctx = Ctx::new(kind, api_version, allow_unknown_values)?;
    let segs = split_path(path)?;
    let (steps, generic, shown) = resolve(&ctx, &segs, path)?;
    let value = value_from_raw(&mut ctx, &generic, &shown, raw)?;
    put(body, &steps, value, &shown)?;
    Ok(ctx.warnings)
}

/// Merges a fragment (`{"properties": {...}}`) into `body`, every leaf checked
/// as [`apply`] checks one. Objects and maps merge key by key, lists and
/// scalars replace, `null` removes the key. Nothing is written when it fails.
pub fn merge(
    body: &mut Value,
    kind: Body,
    api_version: &str,
    fragment: &Value,
    allow_unknown_values: bool,
) -> Result<Vec<SetWarning>, SetError> {
    let mut ctx = Ctx::new(kind, api_version, allow_unknown_values)?;
    let Value::Object(frag) = fragment else {
        return Err(err(
            "",
            format!(
                "a body fragment is an object, like {{\"properties\": {{...}}}}; this is {}",
                json_type(fragment)
            ),
        ));
    };
    let mut out = body.clone();
    if !out.is_object() {
        out = Value::Object(Map::new());
    }
    merge_node(&mut ctx, &mut out, "", Kind::Object, "", frag)?;
    *body = out;
    Ok(ctx.warnings)
}

/// Checks a whole body as if every field were given by the user (read-only
/// fields refused, enums, types, bounds): a last look before sending.
pub fn check_body(
    kind: Body,
    api_version: &str,
    body: &Value,
    allow_unknown_values: bool,
) -> Result<Vec<SetWarning>, SetError> {
    let mut scratch = Value::Object(Map::new());
    merge(&mut scratch, kind, api_version, body, allow_unknown_values)
}

/// Parses a fragment written as JSON or YAML.
pub fn parse_fragment(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
    } else {
        serde_saphyr::from_str(text).map_err(|e| format!("not valid YAML or JSON: {e}"))
    }
}

/// `--body-file FILE`: reads the fragment (bounded, regular files or `-`),
/// and [`merge`]s it. Errors name `--body-file FILE` and the property.
pub fn merge_file(
    body: &mut Value,
    kind: Body,
    api_version: &str,
    file: &Path,
    allow_unknown_values: bool,
) -> AppResult<Vec<SetWarning>> {
    let flag = format!("--body-file {}", file.display());
    let text = crate::infile::read_text(file, "--body-file")?;
    let fragment = parse_fragment(&text).map_err(|m| AppError::usage(&flag, m))?;
    merge(body, kind, api_version, &fragment, allow_unknown_values)
        .map_err(|e| AppError::usage(&flag, e.to_string()))
}

/// Walks the user's segments through the table: the JSON steps, the generic
/// path of the target, and its concrete path for messages.
fn resolve(ctx: &Ctx, segs: &[Seg], raw: &str) -> Result<(Vec<Step>, String, String), SetError> {
    let t = ctx.table;
    let mut steps = Vec::new();
    let mut generic = String::new();
    let mut shown = String::new();
    let mut kind = Kind::Object;
    let mut i = 0;
    while i < segs.len() {
        let seg = &segs[i];
        let next_generic = match (kind, seg) {
            (Kind::Object, Seg::Name(n) | Seg::Quoted(n)) => {
                let child = join(&generic, n);
                if t.get(&child).is_none() {
                    return Err(unknown(t, &generic, &shown, n, &segs[i + 1..], raw));
                }
                steps.push(Step::Field(n.clone()));
                shown = show_field(&shown, n);
                i += 1;
                child
            }
            (Kind::Array, Seg::Index(n)) => {
                steps.push(Step::Index(*n));
                shown = format!("{shown}[{n}]");
                i += 1;
                format!("{generic}[]")
            }
            (Kind::Map, Seg::Quoted(k)) => {
                steps.push(Step::Field(k.clone()));
                shown = show_field(&shown, k);
                i += 1;
                join(&generic, "*")
            }
            (Kind::Map, Seg::Name(_)) => {
                let value_generic = join(&generic, "*");
                let structured = t
                    .get(&value_generic)
                    .is_some_and(|p| matches!(p.kind, Kind::Object | Kind::Map));
                // The key runs over following plain segments: to the end for
                // plain values, or up to the first one that names a field of
                // the value (`addonProfiles.KEY.enabled`).
                let mut j = i;
                while j < segs.len() {
                    let Seg::Name(n) = &segs[j] else { break };
                    if structured && j > i && t.get(&join(&value_generic, n)).is_some() {
                        break;
                    }
                    j += 1;
                }
                let key = segs[i..j]
                    .iter()
                    .map(|s| match s {
                        Seg::Name(n) => n.as_str(),
                        _ => "",
                    })
                    .collect::<Vec<_>>()
                    .join(".");
                steps.push(Step::Field(key.clone()));
                shown = show_field(&shown, &key);
                i = j;
                value_generic
            }
            (Kind::Array, _) => {
                return Err(err(
                    shown.clone(),
                    format!("is a list: address one item as {shown}[0], or set the whole list"),
                ));
            }
            (Kind::Object | Kind::Map, Seg::Index(_)) => {
                return Err(err(
                    shown.clone(),
                    "is an object, not a list; it takes no [N]",
                ));
            }
            (Kind::Any, _) => {
                // The spec says nothing below here: the rest is free.
                for s in &segs[i..] {
                    match s {
                        Seg::Name(n) | Seg::Quoted(n) => {
                            shown = show_field(&shown, n);
                            steps.push(Step::Field(n.clone()));
                        }
                        Seg::Index(n) => {
                            shown = format!("{shown}[{n}]");
                            steps.push(Step::Index(*n));
                        }
                    }
                }
                return Ok((steps, generic, shown));
            }
            (scalar, _) => {
                return Err(err(
                    shown.clone(),
                    format!("is {}; it has nothing inside to set", scalar.name()),
                ));
            }
        };
        let prop = t
            .get(&next_generic)
            .expect("resolved paths are in the table");
        if prop.read_only {
            return Err(read_only(t, &shown));
        }
        generic = next_generic;
        kind = prop.kind;
    }
    Ok((steps, generic, shown))
}

fn read_only(t: &Table, shown: &str) -> SetError {
    err(
        shown,
        format!(
            "is read-only in the {} API (Azure sets it; a request must not)",
            t.body.definition()
        ),
    )
}

/// The refusal for an unknown name, with the closest valid path: a sibling
/// with a near name, the same name elsewhere, or the nearest full path.
fn unknown(t: &Table, parent: &str, shown: &str, name: &str, rest: &[Seg], raw: &str) -> SetError {
    let rest_generic: String = rest
        .iter()
        .map(|s| match s {
            Seg::Name(n) | Seg::Quoted(n) => format!(".{n}"),
            Seg::Index(_) => "[]".to_string(),
        })
        .collect();
    let rest_shown: String = rest
        .iter()
        .map(|s| match s {
            Seg::Name(n) | Seg::Quoted(n) => format!(".{n}"),
            Seg::Index(i) => format!("[{i}]"),
        })
        .collect();
    let lower = name.to_ascii_lowercase();
    let siblings: Vec<&Prop> = t
        .children(parent)
        .filter(|p| !p.read_only && !matches!(leaf_of(p.path), "*" | "[]"))
        .collect();
    let near_sibling = siblings
        .iter()
        .map(|p| {
            let leaf = leaf_of(p.path);
            (
                strsim::levenshtein(&lower, &leaf.to_ascii_lowercase()),
                leaf,
            )
        })
        .min();
    let containing = siblings
        .iter()
        .map(|p| leaf_of(p.path))
        .filter(|leaf| lower.len() >= 3 && leaf.to_ascii_lowercase().contains(&lower))
        .min_by_key(|leaf| (leaf.len(), *leaf));
    let suggestion = match near_sibling {
        Some((d, leaf)) if d <= (name.len() / 3).max(2) => {
            Some(format!("{}{rest_shown}", show_field(shown, leaf)))
        }
        // A shortened name (`networkProfile.plugin` → `networkPlugin`).
        _ if containing.is_some() => {
            containing.map(|leaf| format!("{}{rest_shown}", show_field(shown, leaf)))
        }
        _ => {
            // The same name one level off (`properties.cpuManagerPolicy`),
            // nearest to where the user was first.
            let elsewhere = t
                .props
                .iter()
                .filter(|p| {
                    !p.read_only && leaf_of(p.path).eq_ignore_ascii_case(name) && p.path != parent
                })
                .min_by_key(|p| (!p.path.starts_with(parent), p.path.len()));
            let full = join(parent, name) + &rest_generic;
            elsewhere
                .map(|p| display_generic(p.path) + &rest_shown)
                .or_else(|| {
                    t.props
                        .iter()
                        .filter(|p| !p.read_only)
                        .map(|p| (strsim::levenshtein(&full, p.path), p.path))
                        .min()
                        .filter(|(d, _)| *d <= full.len() / 3)
                        .map(|(_, p)| display_generic(p))
                })
        }
    };
    let place = if shown.is_empty() {
        format!("the {} body", t.body.definition())
    } else {
        format!("`{shown}`")
    };
    let mut message = format!(
        "unknown property `{name}` in {place} at api-version {}",
        t.api_version
    );
    match suggestion {
        Some(s) => message.push_str(&format!("; did you mean `{s}`?")),
        None => {
            let names: Vec<&str> = siblings.iter().map(|p| leaf_of(p.path)).collect();
            let more = if names.len() > 12 { ", ..." } else { "" };
            message.push_str(&format!(
                "; valid here: {}{more}",
                names
                    .iter()
                    .take(12)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    err(raw, message)
}

/// A generic path as a user would type it: `[]` → `[0]`, `*` → `KEY`.
fn display_generic(generic: &str) -> String {
    generic.replace("[]", "[0]").replace(".*", ".KEY")
}

/// Types a `--set` value by the schema at `generic`, then checks it.
fn value_from_raw(ctx: &mut Ctx, generic: &str, shown: &str, raw: &str) -> Result<Value, SetError> {
    let t = ctx.table;
    let prop = t.get(generic).expect("resolved");
    let json_like = |open: char| raw.trim_start().starts_with(open);
    let value = match prop.kind {
        Kind::String => Value::String(raw.to_string()),
        Kind::Integer => Value::from(raw.trim().parse::<i64>().map_err(|_| {
            err(
                shown,
                format!("expects an integer{}, got `{raw}`", format_note(prop)),
            )
        })?),
        Kind::Number => {
            parse_number(raw).ok_or_else(|| err(shown, format!("expects a number, got `{raw}`")))?
        }
        Kind::Boolean => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => {
                return Err(err(
                    shown,
                    format!("expects a boolean (true or false), got `{raw}`"),
                ))
            }
        },
        Kind::Array if json_like('[') => parse_json(raw, shown)?,
        Kind::Array => {
            let item = format!("{generic}[]");
            let item_prop = t.get(&item).expect("arrays list their items");
            if !item_prop.kind.is_scalar() {
                return Err(err(
                    shown,
                    format!(
                        "is a list of {}s: give it as JSON, e.g. {shown}='[{{...}}]'",
                        item_prop.kind.name().trim_start_matches("an ")
                    ),
                ));
            }
            let mut items = Vec::new();
            if !raw.is_empty() {
                for (i, part) in raw.split(',').enumerate() {
                    items.push(value_from_raw(ctx, &item, &format!("{shown}[{i}]"), part)?);
                }
            }
            Value::Array(items)
        }
        Kind::Map | Kind::Object | Kind::Any if json_like('{') => parse_json(raw, shown)?,
        Kind::Map => {
            let value_generic = join(generic, "*");
            let value_prop = t.get(&value_generic).expect("maps list their values");
            if !value_prop.kind.is_scalar() {
                return Err(err(
                    shown,
                    format!("expects a JSON object, e.g. {shown}='{{\"KEY\": {{...}}}}', or one entry: {shown}.KEY.FIELD=VALUE"),
                ));
            }
            let mut map = Map::new();
            if !raw.is_empty() {
                for pair in raw.split(',') {
                    let Some((k, v)) = pair.split_once('=') else {
                        return Err(err(
                            shown,
                            format!("expects KEY=VALUE pairs separated by commas (or JSON {{...}}), got `{pair}`"),
                        ));
                    };
                    let at = show_field(shown, k);
                    let v = value_from_raw(ctx, &value_generic, &at, v)?;
                    map.insert(k.to_string(), v);
                }
            }
            Value::Object(map)
        }
        Kind::Object => {
            let fields: Vec<&str> = t
                .children(generic)
                .filter(|p| !p.read_only)
                .map(|p| leaf_of(p.path))
                .collect();
            return Err(err(
                shown,
                format!(
                    "is an object: give JSON, e.g. {shown}='{{\"{}\": ...}}', or set one field, e.g. {shown}.{}=VALUE (fields: {})",
                    fields.first().copied().unwrap_or("FIELD"),
                    fields.first().copied().unwrap_or("FIELD"),
                    fields.join(", ")
                ),
            ));
        }
        Kind::Any => serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.into())),
    };
    check_value(ctx, generic, shown, &value)
}

fn format_note(prop: &Prop) -> String {
    if prop.format.is_empty() {
        String::new()
    } else {
        format!(" ({})", prop.format)
    }
}

fn parse_number(raw: &str) -> Option<Value> {
    let s = raw.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite()
        .then(|| serde_json::Number::from_f64(f).map(Value::Number))
        .flatten()
}

fn parse_json(raw: &str, shown: &str) -> Result<Value, SetError> {
    serde_json::from_str(raw).map_err(|e| err(shown, format!("is not valid JSON: {e}")))
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Checks (and, where lossless, types) one JSON value at `generic`:
/// read-only, type, enum, pattern, bounds; recursing into objects, maps, lists.
fn check_value(
    ctx: &mut Ctx,
    generic: &str,
    shown: &str,
    value: &Value,
) -> Result<Value, SetError> {
    let t = ctx.table;
    let prop = t.get(generic).expect("checked paths are in the table");
    if prop.read_only {
        return Err(read_only(t, shown));
    }
    let wrong = || {
        err(
            shown,
            format!(
                "expects {}{}, got {} `{}`",
                prop.kind.name(),
                format_note(prop),
                json_type(value),
                short(value)
            ),
        )
    };
    match (prop.kind, value) {
        (_, Value::Null) | (Kind::Any, _) => Ok(value.clone()),
        (Kind::String, Value::String(s)) => check_string(ctx, prop, shown, s),
        // YAML writes `maxSurge: 1`; the API wants the string "1".
        (Kind::String, Value::Number(n)) => check_string(ctx, prop, shown, &n.to_string()),
        (Kind::String, Value::Bool(b)) => check_string(ctx, prop, shown, &b.to_string()),
        (Kind::Integer, Value::Number(n)) => {
            let Some(i) = n.as_i64() else {
                return Err(wrong());
            };
            let (lo, hi) = match prop.format {
                "int32" => (i32::MIN as i64, i32::MAX as i64),
                _ => (i64::MIN, i64::MAX),
            };
            if i < lo || i > hi {
                return Err(err(shown, format!("{i} does not fit in {}", prop.format)));
            }
            check_bounds(prop, shown, i as f64, "")?;
            Ok(value.clone())
        }
        (Kind::Number, Value::Number(n)) => {
            check_bounds(prop, shown, n.as_f64().unwrap_or(f64::NAN), "")?;
            Ok(value.clone())
        }
        (Kind::Boolean, Value::Bool(_)) => Ok(value.clone()),
        (Kind::Array, Value::Array(items)) => {
            check_bounds(prop, shown, items.len() as f64, " items")?;
            let item = format!("{generic}[]");
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                out.push(check_value(ctx, &item, &format!("{shown}[{i}]"), v)?);
            }
            Ok(Value::Array(out))
        }
        (Kind::Object | Kind::Map, Value::Object(fields)) => {
            let mut out = Map::new();
            for (k, v) in fields {
                let at = show_field(shown, k);
                let child = child_generic(t, generic, prop.kind, k, shown)?;
                out.insert(k.clone(), check_value(ctx, &child, &at, v)?);
            }
            Ok(Value::Object(out))
        }
        _ => Err(wrong()),
    }
}

/// The generic path of key `k` under an object or map, or the unknown-name refusal.
fn child_generic(
    t: &Table,
    generic: &str,
    kind: Kind,
    k: &str,
    shown: &str,
) -> Result<String, SetError> {
    if kind == Kind::Map {
        return Ok(join(generic, "*"));
    }
    let child = join(generic, k);
    if t.get(&child).is_none() {
        return Err(unknown(t, generic, shown, k, &[], &show_field(shown, k)));
    }
    Ok(child)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    let cut: String = s.chars().take(60).collect();
    let cut: String = cut.chars().filter(|c| !c.is_control()).collect();
    if s.chars().count() > 60 {
        format!("{cut}...")
    } else {
        cut
    }
}

fn check_string(ctx: &mut Ctx, prop: &Prop, shown: &str, s: &str) -> Result<Value, SetError> {
    let mut s = s.to_string();
    if !prop.enum_values.is_empty() && !prop.enum_values.contains(&s.as_str()) {
        if let Some(canon) = prop.enum_values.iter().find(|v| v.eq_ignore_ascii_case(&s)) {
            // Same value, the spec's spelling.
            s = canon.to_string();
        } else {
            let listed = prop.enum_values.join(", ");
            let version = ctx.table.api_version;
            let shown_value: String = s.chars().filter(|c| !c.is_control()).collect();
            if !ctx.allow_unknown_values {
                let open = if prop.open_enum {
                    "; the API keeps this list open, so pass --allow-unknown-values to send a newer value anyway"
                } else {
                    "; pass --allow-unknown-values to send it anyway"
                };
                return Err(err(
                    shown,
                    format!("`{shown_value}` is not a valid value at api-version {version}; valid values: {listed}{open}"),
                ));
            }
            let risk = if prop.open_enum {
                "Azure may still refuse it"
            } else {
                "the API declares this list closed, so Azure will likely refuse it"
            };
            ctx.warnings.push(SetWarning {
                path: shown.to_string(),
                message: format!(
                    "`{shown_value}` is not among the values api-version {version} lists ({listed}); sent anyway because unknown values are allowed; {risk}"
                ),
            });
        }
    }
    if let Some(pattern) = prop.pattern {
        if let Some(re) = compiled(pattern) {
            if !re.is_match(&s) {
                return Err(err(
                    shown,
                    format!(
                        "`{}` does not match the pattern the API requires: {pattern}",
                        short(&Value::String(s.clone())).trim_matches('"')
                    ),
                ));
            }
        }
    }
    check_bounds(prop, shown, s.chars().count() as f64, " characters")?;
    Ok(Value::String(s))
}

fn check_bounds(prop: &Prop, shown: &str, n: f64, unit: &str) -> Result<(), SetError> {
    let fmt = |x: f64| {
        if x.fract() == 0.0 {
            format!("{}", x as i64)
        } else {
            x.to_string()
        }
    };
    if let Some(lo) = prop.min {
        if n < lo {
            return Err(err(
                shown,
                format!("{}{unit} is below the minimum of {}", fmt(n), fmt(lo)),
            ));
        }
    }
    if let Some(hi) = prop.max {
        if n > hi {
            return Err(err(
                shown,
                format!("{}{unit} is above the maximum of {}", fmt(n), fmt(hi)),
            ));
        }
    }
    Ok(())
}

/// The spec's patterns, compiled once. A pattern the `regex` crate cannot
/// read (ECMAScript look-around) is not enforced; a test keeps that list empty.
pub(crate) fn compiled(pattern: &'static str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern)
        .or_insert_with(|| Regex::new(pattern).ok())
        .clone()
}

fn merge_node(
    ctx: &mut Ctx,
    target: &mut Value,
    generic: &str,
    kind: Kind,
    shown: &str,
    frag: &Map<String, Value>,
) -> Result<(), SetError> {
    let t = ctx.table;
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(obj) = target else {
        unreachable!("made an object above")
    };
    for (k, v) in frag {
        let at = show_field(shown, k);
        let child = child_generic(t, generic, kind, k, shown)?;
        let prop = t.get(&child).expect("child_generic checked it");
        if prop.read_only {
            return Err(read_only(t, &at));
        }
        match v {
            Value::Null => {
                obj.remove(k);
            }
            Value::Object(sub) if matches!(prop.kind, Kind::Object | Kind::Map) => {
                let slot = obj.entry(k.clone()).or_insert(Value::Null);
                merge_node(ctx, slot, &child, prop.kind, &at, sub)?;
            }
            _ => {
                let checked = check_value(ctx, &child, &at, v)?;
                obj.insert(k.clone(), checked);
            }
        }
    }
    Ok(())
}

/// Writes `value` at `steps`, creating objects and lists on the way. A list
/// index may be one past the end (appends); further is refused.
fn put(body: &mut Value, steps: &[Step], value: Value, shown: &str) -> Result<(), SetError> {
    let mut cur = body;
    let mut value = Some(value);
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        let fresh = || match steps.get(i + 1) {
            Some(Step::Index(_)) => Value::Array(vec![]),
            _ => Value::Object(Map::new()),
        };
        cur = match step {
            Step::Field(k) => {
                if cur.is_null() {
                    *cur = Value::Object(Map::new());
                }
                let Value::Object(obj) = cur else {
                    return Err(err(
                        shown,
                        format!("the body holds {} where an object belongs", json_type(cur)),
                    ));
                };
                if last {
                    obj.insert(k.clone(), value.take().expect("set once"));
                    return Ok(());
                }
                let slot = obj.entry(k.clone()).or_insert_with(fresh);
                if slot.is_null() {
                    *slot = fresh();
                }
                slot
            }
            Step::Index(n) => {
                if cur.is_null() {
                    *cur = Value::Array(vec![]);
                }
                let Value::Array(items) = cur else {
                    return Err(err(
                        shown,
                        format!("the body holds {} where a list belongs", json_type(cur)),
                    ));
                };
                let len = items.len();
                if *n > len {
                    return Err(err(
                        shown,
                        format!("index {n} is past the end: the list has {len} item(s); use [{len}] to add one"),
                    ));
                }
                if *n == len {
                    items.push(if last { Value::Null } else { fresh() });
                }
                if last {
                    items[*n] = value.take().expect("set once");
                    return Ok(());
                }
                let slot = &mut items[*n];
                if slot.is_null() {
                    *slot = fresh();
                }
                slot
            }
        };
    }
    Ok(())
}
