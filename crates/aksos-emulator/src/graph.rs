//! Azure Resource Graph and the subscription list, as the emulator answers them.
//!
//! - `POST /providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01`
//!   (arm-specs/resourcegraph/2024-04-01): a `QueryRequest` (`subscriptions` or
//!   `managementGroups`, `query`, `options.$top`, `options.$skipToken`,
//!   `options.resultFormat`) answered with a `QueryResponse` (`totalRecords`,
//!   `count`, `resultTruncated`, `$skipToken`, `data`). The query language is the
//!   small subset a tenant scan needs, evaluated over the emulator's managed
//!   clusters: `resources`, `where F =~ 'v'`, `where F == 'v'`,
//!   `where F in ('a','b')` (and `in~`), `project a, b`, `order by F [asc|desc]`,
//!   `limit N` / `take N`. Anything else is Azure's 400 `BadRequest` /
//!   `InvalidQuery`. Every answer carries Resource Graph's per-user quota headers
//!   (`x-ms-user-quota-remaining`, `x-ms-user-quota-resets-after`, 15 requests
//!   per 5 s window by default, as Azure documents); past it, 429.
//! - `GET /subscriptions?api-version=2022-12-01` (Microsoft.Resources
//!   Subscriptions_List): the subscriptions the emulator holds anything in,
//!   paged with `nextLink` like every other list.
//!
//! Management groups have no hierarchy here: a management-group scope covers
//! every subscription. Faults: `graph-refuse[=403|unregistered|policy]`,
//! `graph-page-size=N`, `graph-quota=N` (see [`super::faults`]).
//!
//! [`clone_fleet`] multiplies a seeded cluster across many subscriptions for
//! tests and the tenant-scale benchmark (`POST /_emulator/fleet/{subs}/{clusters}`).

use super::routes::{error, Ctx, EmuRequest, EmuResponse};
use super::state::{key, sync_profiles, ClusterRec, State};
use serde_json::{json, Map, Value};

/// Api-versions the emulated Resource Graph accepts (arm-specs/resourcegraph).
pub const GRAPH_VERSIONS: &[&str] = &["2021-03-01", "2022-10-01", "2024-04-01"];
/// Api-versions of Subscriptions_List (Microsoft.Resources subscriptions API).
pub const SUBSCRIPTION_VERSIONS: &[&str] = &["2016-06-01", "2020-01-01", "2022-12-01"];
/// Resource Graph's largest page.
const MAX_TOP: usize = 1000;
/// Resource Graph's per-user quota window.
const QUOTA_WINDOW_MS: u64 = 5000;

/// Per-emulator quota bookkeeping.
#[derive(Debug, Default)]
pub struct Quota {
    window_start_ms: u64,
    used: u32,
}

/// Routes Resource Graph and the subscription list; `None` for anything else.
pub fn route(ctx: &mut Ctx, req: &EmuRequest, l: &[&str], api: &str) -> Option<EmuResponse> {
    match l {
        ["providers", "microsoft.resourcegraph", "resources"] => Some(if req.method != "POST" {
            error(
                405,
                "MethodNotAllowed",
                format!("The method {} is not allowed here.", req.method),
            )
        } else if !GRAPH_VERSIONS.contains(&api) {
            bad_api(api, GRAPH_VERSIONS, "Microsoft.ResourceGraph")
        } else {
            query(ctx, req)
        }),
        ["subscriptions"] => Some(if req.method != "GET" {
            error(
                405,
                "MethodNotAllowed",
                format!("The method {} is not allowed here.", req.method),
            )
        } else if !SUBSCRIPTION_VERSIONS.contains(&api) {
            bad_api(api, SUBSCRIPTION_VERSIONS, "Microsoft.Resources")
        } else {
            list_subscriptions(ctx, req)
        }),
        _ => None,
    }
}

fn bad_api(api: &str, allowed: &[&str], ns: &str) -> EmuResponse {
    error(
        400,
        "InvalidApiVersionParameter",
        format!(
            "The api-version '{api}' is invalid for {ns}. The supported versions are '{}'.",
            allowed.join(",")
        ),
    )
}

fn invalid_query(message: impl Into<String>) -> EmuResponse {
    let message = message.into();
    EmuResponse::json(
        400,
        json!({"error": {
            "code": "BadRequest",
            "message": "Please provide below info when asking for support: timestamp, correlation id.",
            "details": [{"code": "InvalidQuery", "message": message}],
        }}),
    )
}

/// The subscriptions the emulator holds anything in, original casing from cluster ids.
pub fn subscriptions(state: &State) -> Vec<String> {
    let mut subs: Vec<String> = state
        .clusters
        .values()
        .filter_map(|c| c.body["id"].as_str().and_then(sub_of).map(str::to_string))
        .chain(
            state
                .features
                .keys()
                .chain(state.providers.keys())
                .filter_map(|k| k.split('/').next().map(str::to_string)),
        )
        .collect();
    subs.sort_by_key(|s| s.to_ascii_lowercase());
    subs.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    subs
}

fn sub_of(id: &str) -> Option<&str> {
    let mut it = id
        .split('/')
        .skip_while(|s| !s.eq_ignore_ascii_case("subscriptions"));
    it.next()?;
    it.next()
}

fn rg_of(id: &str) -> Option<&str> {
    let mut it = id
        .split('/')
        .skip_while(|s| !s.eq_ignore_ascii_case("resourceGroups"));
    it.next()?;
    it.next()
}

fn list_subscriptions(ctx: &mut Ctx, req: &EmuRequest) -> EmuResponse {
    let all: Vec<Value> = subscriptions(ctx.state)
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "id": format!("/subscriptions/{s}"),
                "authorizationSource": "RoleBased",
                "subscriptionId": s,
                "tenantId": "72f988bf-0000-0000-0000-000000000000",
                "displayName": format!("Emulated subscription {}", i + 1),
                "state": "Enabled",
                "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"},
            })
        })
        .collect();
    let skip: usize = req
        .query
        .get("$skipToken")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let size = ctx.faults.page_size.max(1);
    let items: Vec<Value> = all.iter().skip(skip).take(size).cloned().collect();
    let mut body = json!({ "value": items });
    if skip + size < all.len() {
        let api = req.query.get("api-version").cloned().unwrap_or_default();
        body["nextLink"] = json!(format!(
            "{}{}?api-version={api}&$skipToken={}",
            req.base,
            req.path,
            skip + size
        ));
    }
    EmuResponse::json(200, body)
}

/// Applies the quota; `Err` is the 429 to send.
fn take_quota(ctx: &mut Ctx) -> Result<(u32, u64), EmuResponse> {
    let limit = ctx.faults.graph_quota;
    let q = &mut ctx.counters.graph;
    if ctx.now >= q.window_start_ms + QUOTA_WINDOW_MS {
        q.window_start_ms = ctx.now;
        q.used = 0;
    }
    let resets_ms = (q.window_start_ms + QUOTA_WINDOW_MS).saturating_sub(ctx.now);
    if q.used >= limit {
        let mut resp = error(
            429,
            "RateLimiting",
            "Please provide below info when asking for support: timestamp, correlation id. Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed.",
        );
        resp.headers
            .push(("x-ms-user-quota-remaining".into(), "0".into()));
        resp.headers.push((
            "x-ms-user-quota-resets-after".into(),
            hms(resets_ms.div_ceil(1000)),
        ));
        resp.headers
            .push(("Retry-After".into(), resets_ms.div_ceil(1000).to_string()));
        return Err(resp);
    }
    q.used += 1;
    Ok((limit - q.used, resets_ms))
}

/// `hh:mm:ss`, the format of `x-ms-user-quota-resets-after`.
fn hms(secs: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

fn query(ctx: &mut Ctx, req: &EmuRequest) -> EmuResponse {
    if let Some(mode) = &ctx.faults.graph_refuse {
        return match mode.as_str() {
            "unregistered" => error(
                409,
                "MissingSubscriptionRegistration",
                "The subscription is not registered to use namespace 'Microsoft.ResourceGraph'. See https://aka.ms/rps-not-found for how to register subscriptions.",
            ),
            "policy" => error(
                403,
                "RequestDisallowedByPolicy",
                "Resource 'resources' was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"Deny Resource Graph\"}}]'.",
            ),
            _ => error(
                403,
                "AuthorizationFailed",
                "The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '/providers/Microsoft.ResourceGraph'.",
            ),
        };
    }
    let (remaining, resets_ms) = match take_quota(ctx) {
        Ok(q) => q,
        Err(resp) => return resp,
    };
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(Value::Object(m)) => Value::Object(m),
        _ => {
            return error(
                400,
                "InvalidRequestContent",
                "The request content was invalid and could not be deserialized.",
            )
        }
    };
    let Some(text) = body["query"].as_str() else {
        return error(400, "BadRequest", "The query property is required.");
    };
    let scope: Option<Vec<String>> = match (&body["subscriptions"], &body["managementGroups"]) {
        (Value::Array(subs), _) => Some(
            subs.iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect(),
        ),
        // No hierarchy here: a management group holds every subscription.
        _ => None,
    };
    let options = &body["options"];
    if options["resultFormat"]
        .as_str()
        .is_some_and(|f| f != "objectArray")
    {
        return invalid_query("only resultFormat objectArray is emulated");
    }
    let top = match &options["$top"] {
        Value::Null => MAX_TOP,
        v => match v.as_u64() {
            Some(n) if (1..=MAX_TOP as u64).contains(&n) => n as usize,
            _ => return invalid_query("$top must be between 1 and 1000"),
        },
    };
    let skip = match options["$skipToken"].as_str() {
        None => 0,
        Some(t) => match decode_token(t) {
            Some(n) => n,
            None => return invalid_query(format!("the $skipToken '{t}' is not valid")),
        },
    };
    let rows: Vec<Value> = ctx
        .state
        .clusters
        .values()
        .filter(|c| {
            let sub = c.body["id"].as_str().and_then(sub_of).unwrap_or_default();
            scope
                .as_ref()
                .is_none_or(|s| s.contains(&sub.to_ascii_lowercase()))
        })
        .map(row)
        .collect();
    let rows = match run_query(text, rows) {
        Ok(r) => r,
        Err(m) => return invalid_query(m),
    };
    let page = top.min(ctx.faults.graph_page_size.max(1));
    let data: Vec<Value> = rows.iter().skip(skip).take(page).cloned().collect();
    let mut out = json!({
        "totalRecords": rows.len(),
        "count": data.len(),
        "resultTruncated": "false",
        "data": data,
    });
    if skip + page < rows.len() {
        out["$skipToken"] = json!(encode_token(skip + page));
    }
    let mut resp = EmuResponse::json(200, out);
    resp.headers
        .push(("x-ms-user-quota-remaining".into(), remaining.to_string()));
    resp.headers.push((
        "x-ms-user-quota-resets-after".into(),
        hms(resets_ms.div_ceil(1000)),
    ));
    resp
}

/// An opaque-looking continuation token carrying the offset.
fn encode_token(offset: usize) -> String {
    format!("ew0KICAiJGlkIjogIjEi{offset:x}")
}

fn decode_token(t: &str) -> Option<usize> {
    usize::from_str_radix(t.strip_prefix("ew0KICAiJGlkIjogIjEi")?, 16).ok()
}

/// One row of the `resources` table for a managed cluster.
fn row(c: &ClusterRec) -> Value {
    let b = &c.body;
    let id = b["id"].as_str().unwrap_or_default();
    json!({
        "id": id,
        "name": b["name"],
        "type": b["type"].as_str().unwrap_or("Microsoft.ContainerService/ManagedClusters").to_ascii_lowercase(),
        "tenantId": "72f988bf-0000-0000-0000-000000000000",
        "kind": b.get("kind").cloned().unwrap_or(json!("")),
        "location": b["location"],
        "resourceGroup": rg_of(id).unwrap_or_default().to_ascii_lowercase(),
        "subscriptionId": sub_of(id).unwrap_or_default(),
        "managedBy": "",
        "sku": b.get("sku").cloned().unwrap_or(Value::Null),
        "plan": Value::Null,
        "properties": b["properties"],
        "tags": b.get("tags").cloned().unwrap_or(Value::Null),
        "identity": b.get("identity").cloned().unwrap_or(Value::Null),
        "zones": Value::Null,
        "extendedLocation": Value::Null,
    })
}

/// Evaluates the query subset over `rows`.
fn run_query(text: &str, mut rows: Vec<Value>) -> Result<Vec<Value>, String> {
    let mut stages = text.split('|').map(str::trim);
    match stages.next() {
        Some(t) if t.eq_ignore_ascii_case("resources") => {}
        Some(t) => return Err(format!("table '{t}' is not emulated; use resources")),
        None => return Err("empty query".into()),
    }
    for stage in stages {
        let (op, rest) = stage.split_once(char::is_whitespace).unwrap_or((stage, ""));
        let rest = rest.trim();
        match op.to_ascii_lowercase().as_str() {
            "where" => {
                let pred = predicate(rest)?;
                rows.retain(|r| pred(r));
            }
            "project" => {
                let cols: Vec<&str> = rest.split(',').map(str::trim).collect();
                if cols.iter().any(|c| !is_ident(c)) {
                    return Err(format!("project: '{rest}' is not a list of columns"));
                }
                rows = rows
                    .into_iter()
                    .map(|r| {
                        let mut m = Map::new();
                        for c in &cols {
                            m.insert(c.to_string(), r.get(*c).cloned().unwrap_or(Value::Null));
                        }
                        Value::Object(m)
                    })
                    .collect();
            }
            "order" | "sort" => {
                let rest = rest
                    .strip_prefix("by")
                    .ok_or("expected 'order by COLUMN'")?
                    .trim();
                let mut parts = rest.split_whitespace();
                let col = parts.next().ok_or("order by: missing column")?.to_string();
                let desc = match parts.next().map(str::to_ascii_lowercase).as_deref() {
                    None | Some("desc") => true,
                    Some("asc") => false,
                    Some(o) => return Err(format!("order by: unknown direction '{o}'")),
                };
                rows.sort_by(|a, b| {
                    let (x, y) = (text_of(&a[&col]), text_of(&b[&col]));
                    if desc {
                        y.cmp(&x)
                    } else {
                        x.cmp(&y)
                    }
                });
            }
            "limit" | "take" => {
                let n: usize = rest
                    .parse()
                    .map_err(|_| format!("{op}: '{rest}' is not a number"))?;
                rows.truncate(n);
            }
            other => return Err(format!("operator '{other}' is not emulated")),
        }
    }
    Ok(rows)
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

type Pred = Box<dyn Fn(&Value) -> bool>;

fn predicate(expr: &str) -> Result<Pred, String> {
    let (col, rest) = expr
        .split_once(char::is_whitespace)
        .ok_or_else(|| format!("where: cannot read '{expr}'"))?;
    if !is_ident(col) {
        return Err(format!("where: '{col}' is not a column"));
    }
    let col = col.to_string();
    let rest = rest.trim();
    let (op, value) = rest
        .split_once(char::is_whitespace)
        .ok_or_else(|| format!("where: cannot read '{expr}'"))?;
    let value = value.trim();
    match op {
        "=~" | "==" => {
            let want = literal(value)?;
            let ci = op == "=~";
            Ok(Box::new(move |r| {
                let have = text_of(&r[&col]);
                if ci {
                    have.eq_ignore_ascii_case(&want)
                } else {
                    have == want
                }
            }))
        }
        "in" | "in~" => {
            let inner = value
                .strip_prefix('(')
                .and_then(|v| v.strip_suffix(')'))
                .ok_or_else(|| format!("where {col} in: expected (...), got '{value}'"))?;
            let set: Vec<String> = inner
                .split(',')
                .map(|s| literal(s.trim()))
                .collect::<Result<_, _>>()?;
            let ci = op == "in~";
            Ok(Box::new(move |r| {
                let have = text_of(&r[&col]);
                set.iter().any(|w| {
                    if ci {
                        w.eq_ignore_ascii_case(&have)
                    } else {
                        *w == have
                    }
                })
            }))
        }
        other => Err(format!("where: operator '{other}' is not emulated")),
    }
}

/// A single- or double-quoted string literal without escapes.
fn literal(s: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
        .ok_or_else(|| format!("expected a quoted string, got '{s}'"))?;
    if inner.contains(['\'', '"', '\\']) {
        return Err(format!("string '{s}' has quotes or escapes inside"));
    }
    Ok(inner.to_string())
}

/// A subscription id for fleet member `i` (a valid lower-case UUID).
pub fn fleet_subscription(i: usize) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        0xf1ee7000u32 as usize + i,
        i
    )
}

/// Multiplies the first cluster of `state` (the template: its pools, version,
/// settings) into `subs` subscriptions × `clusters` clusters each, named
/// `rg-{j}/aks-{j}` in subscription [`fleet_subscription`]`(i)`, and copies the
/// template subscription's feature and provider registrations to each. The
/// template itself stays. Returns how many clusters were added.
pub fn clone_fleet(state: &mut State, subs: usize, clusters: usize) -> Result<usize, String> {
    let (tkey, template) = state
        .clusters
        .iter()
        .next()
        .map(|(k, c)| (k.clone(), c.clone()))
        .ok_or("no template cluster: create one cluster (with its pools) first")?;
    let tid = template.body["id"].as_str().unwrap_or_default().to_string();
    let tsub = sub_of(&tid).unwrap_or_default().to_string();
    let trg = rg_of(&tid).unwrap_or_default().to_string();
    let tname = template.body["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let text = serde_json::to_string(&template).map_err(|e| e.to_string())?;
    let prefix = format!("/subscriptions/{tsub}/resourceGroups/{trg}/providers/Microsoft.ContainerService/managedClusters/{tname}");
    let features: Vec<_> = state
        .features
        .iter()
        .filter(|(k, _)| k.starts_with(&format!("{}/", tsub.to_ascii_lowercase())))
        .map(|(k, v)| {
            (
                k.split_once('/').map(|x| x.1).unwrap_or("").to_string(),
                v.clone(),
            )
        })
        .collect();
    let providers: Vec<_> = state
        .providers
        .iter()
        .filter(|(k, _)| k.starts_with(&format!("{}/", tsub.to_ascii_lowercase())))
        .map(|(k, v)| {
            (
                k.split_once('/').map(|x| x.1).unwrap_or("").to_string(),
                v.clone(),
            )
        })
        .collect();
    let mut added = 0;
    for i in 0..subs {
        let sub = fleet_subscription(i);
        for (rest, f) in &features {
            state.features.insert(format!("{sub}/{rest}"), f.clone());
        }
        for (rest, p) in &providers {
            state.providers.insert(format!("{sub}/{rest}"), p.clone());
        }
        for j in 0..clusters {
            let (rg, name) = (format!("rg-{j}"), format!("aks-{j}"));
            let k = key(&[&sub, &rg, &name]);
            if k == tkey {
                continue;
            }
            let id = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}");
            let mut rec: ClusterRec =
                serde_json::from_str(&text.replace(&prefix, &id)).map_err(|e| e.to_string())?;
            rec.body["name"] = json!(name);
            if let Some(fqdn) = rec.body["properties"]["fqdn"].as_str() {
                let fqdn = fqdn.replacen(&tname, &name, 1);
                rec.body["properties"]["fqdn"] = json!(fqdn);
            }
            sync_profiles(&mut rec);
            state.clusters.insert(k, rec);
            added += 1;
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Value> {
        vec![
            json!({"id": "b", "type": "microsoft.containerservice/managedclusters", "subscriptionId": "S1", "name": "x"}),
            json!({"id": "a", "type": "microsoft.compute/virtualmachines", "subscriptionId": "S2", "name": "y"}),
            json!({"id": "c", "type": "Microsoft.ContainerService/managedClusters", "subscriptionId": "S2", "name": "z"}),
        ]
    }

    #[test]
    fn the_query_subset_filters_projects_orders_and_limits() {
        let out = run_query(
            "resources | where type =~ 'microsoft.containerservice/managedclusters' | where subscriptionId in ('S2', 'S3') | project id, name | order by id asc | limit 5",
            rows(),
        )
        .unwrap();
        assert_eq!(out, vec![json!({"id": "c", "name": "z"})]);
        let all = run_query("Resources | order by id asc | take 2", rows()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0]["id"], "a");
        for bad in [
            "securityresources",
            "resources | summarize count()",
            "resources | where type contains 'x'",
            "resources | where type =~ x",
            "resources | project id; drop",
        ] {
            assert!(run_query(bad, rows()).is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        assert_eq!(decode_token(&encode_token(2000)), Some(2000));
        assert_eq!(decode_token("nope"), None);
        assert_eq!(hms(65), "00:01:05");
    }
}
