//! [`Arm`]: the typed operations aksos performs, as [`ArmRequest`]s with the right
//! paths and api-versions (arm-specs/README.md §3), and the decoding of their
//! responses: success bodies into models, error statuses into [`ArmError`]s.
//!
//! # Paging
//!
//! ARM lists are pages of `{value, nextLink}`. The walk over them is
//! `azure_core`'s [`PageIterator`]: our callback turns [`PagerState::Initial`]
//! into the first request and [`PagerState::More`] into a GET of the `nextLink`,
//! and answers [`PagerResult::More`] while a non-empty `nextLink` comes back.
//! Three choices make it fit ARM and our client:
//!
//! * The `nextLink` travels as a [`PagerContinuation::Token`], not a
//!   [`PagerContinuation::Link`]: a `Link` is a parsed `Url`, and re-serialising
//!   a signed `$skipToken` link through the URL parser may change its bytes. As a
//!   token it reaches [`ArmClient::send`] exactly as Azure wrote it; the client
//!   then re-bases it onto the configured endpoint (`http::PipelineClient`).
//! * Each page goes through [`Arm::call`], so the pager inherits everything the
//!   client does per call: bounded body reading, retries of 429/5xx, the
//!   command's one `--timeout` deadline and Ctrl-C ([`crate::cancel`]). The
//!   pager's callback must return `azure_core::Result`, so an [`ArmError`] is
//!   boxed into an `azure_core::Error` there and taken back out unchanged
//!   (`from_core`): the user sees Azure's code, not a wrapper.
//! * `PageIterator` has no bounds of its own, so `Arm::list_all` keeps ours
//!   between pages: before asking for the next page it looks at
//!   [`PageIterator::continuation`] and stops on a `nextLink` already followed
//!   (`PagingLoop`), past [`MAX_PAGES`] pages or [`MAX_ITEMS`] items
//!   (`TooManyPages`) — exit 4, not an endless loop.

use super::models::*;
use super::{ArmClient, ArmError, ArmErrorKind, ArmRequest, ArmResponse, Method};
use crate::core::catalog::api_version;
use azure_core::http::pager::{PageIterator, PagerContinuation, PagerResult, PagerState};
use futures::TryStreamExt;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Most pages one listing follows (ARM pages hold up to 1000 items).
pub const MAX_PAGES: usize = 1000;
/// Most items one listing collects.
pub const MAX_ITEMS: usize = 200_000;

fn paging_error(context: &str, code: &str, message: String) -> ArmError {
    ArmError::new(ArmErrorKind::Protocol, context).with_message(code, message)
}

/// Carries an [`ArmError`] through an `azure_core` callback (see [`from_core`]).
fn into_core(e: ArmError) -> azure_core::Error {
    azure_core::Error::new(azure_core::error::ErrorKind::Other, e)
}

/// Takes back the [`ArmError`] [`into_core`] boxed; any other `azure_core`
/// error (none is expected from our callbacks) becomes a protocol error.
fn from_core(e: azure_core::Error, context: &str) -> ArmError {
    e.into_downcast::<ArmError>().unwrap_or_else(|e| {
        ArmError::new(ArmErrorKind::Protocol, context).with_message("ClientError", e.to_string())
    })
}

/// Typed access to ARM for one subscription.
#[derive(Clone)]
pub struct Arm {
    pub client: Arc<dyn ArmClient>,
    pub subscription: String,
}

/// The result of a PUT that may be long-running.
#[derive(Debug, Clone)]
pub struct Accepted<T> {
    pub resource: T,
    pub status: u16,
    /// `Azure-AsyncOperation` (preferred) or `Location` URL to poll, if any.
    pub poll_url: Option<String>,
    /// `Retry-After` seconds suggested for the first poll.
    pub retry_after: Option<u64>,
}

/// Builds the path of one request; public so `--dry-run` prints the same thing.
///
/// Every name is written as one percent-encoded path segment
/// ([`crate::names::segment`]): a name can add no segment, query or fragment, and
/// the URL parser has nothing to normalise, so the printed path is the one sent.
/// Names are checked against ARM's rules before they get here (the commands,
/// preflight and the apply file parse them into [`crate::names`] types); a name
/// that slips through as `.` or `..` (e.g. from a server's answer) is refused by
/// the client before sending (see `http::PipelineClient::resolve`).
pub mod paths {
    use super::api_version;
    use crate::names::segment as seg;

    pub fn feature(sub: &str, ns: &str, name: &str) -> String {
        format!(
            "/subscriptions/{}/providers/Microsoft.Features/providers/{}/features/{}?api-version={}",
            seg(sub),
            seg(ns),
            seg(name),
            api_version::FEATURES
        )
    }
    pub fn feature_action(sub: &str, ns: &str, name: &str, action: &str) -> String {
        format!(
            "/subscriptions/{}/providers/Microsoft.Features/providers/{}/features/{}/{}?api-version={}",
            seg(sub),
            seg(ns),
            seg(name),
            seg(action),
            api_version::FEATURES
        )
    }
    pub fn features(sub: &str, ns: &str) -> String {
        format!(
            "/subscriptions/{}/providers/Microsoft.Features/providers/{}/features?api-version={}",
            seg(sub),
            seg(ns),
            api_version::FEATURES
        )
    }
    pub fn provider(sub: &str, ns: &str) -> String {
        format!(
            "/subscriptions/{}/providers/{}?api-version={}",
            seg(sub),
            seg(ns),
            api_version::PROVIDERS
        )
    }
    pub fn provider_register(sub: &str, ns: &str) -> String {
        format!(
            "/subscriptions/{}/providers/{}/register?api-version={}",
            seg(sub),
            seg(ns),
            api_version::PROVIDERS
        )
    }
    pub fn cluster(sub: &str, rg: &str, name: &str, api: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}?api-version={}",
            seg(sub),
            seg(rg),
            seg(name),
            seg(api)
        )
    }
    pub fn clusters(sub: &str, rg: Option<&str>) -> String {
        match rg {
            Some(rg) => format!(
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters?api-version={}",
                seg(sub),
                seg(rg),
                api_version::AKS_STABLE
            ),
            None => format!(
                "/subscriptions/{}/providers/Microsoft.ContainerService/managedClusters?api-version={}",
                seg(sub),
                api_version::AKS_STABLE
            ),
        }
    }
    pub fn pool(sub: &str, rg: &str, cluster: &str, pool: &str, api: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}/agentPools/{}?api-version={}",
            seg(sub),
            seg(rg),
            seg(cluster),
            seg(pool),
            seg(api)
        )
    }
    pub fn pools(sub: &str, rg: &str, cluster: &str) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerService/managedClusters/{}/agentPools?api-version={}",
            seg(sub),
            seg(rg),
            seg(cluster),
            api_version::AKS_STABLE
        )
    }
    pub fn kubernetes_versions(sub: &str, location: &str) -> String {
        format!(
            "/subscriptions/{}/providers/Microsoft.ContainerService/locations/{}/kubernetesVersions?api-version={}",
            seg(sub),
            seg(location),
            api_version::AKS_STABLE
        )
    }
}

/// Decodes an error response into an [`ArmError`] (ARM and Features error bodies
/// both have `{"error": {...}}`; anything else, e.g. a proxy's HTML page, is
/// described rather than parsed).
pub fn error_from_response(resp: &ArmResponse, context: &str) -> ArmError {
    let mut err = ArmError::new(
        ArmErrorKind::Http {
            status: resp.status,
        },
        context,
    );
    err.correlation_id = resp
        .header("x-ms-correlation-request-id")
        .map(str::to_string);
    err.request_id = resp.header("x-ms-request-id").map(str::to_string);
    err.client_request_id = resp.header("x-ms-client-request-id").map(str::to_string);
    match serde_json::from_slice::<super::error::ErrorResponse>(&resp.body) {
        Ok(body) => err.error = body.error,
        Err(_) => {
            let text = String::from_utf8_lossy(&resp.body);
            let looks_html = text.trim_start().starts_with('<');
            err.error.code = Some(format!("Http{}", resp.status));
            err.error.message = Some(if resp.body.is_empty() {
                "the response had no body".to_string()
            } else if looks_html {
                "the response was an HTML page, not an ARM error (a proxy or gateway answered?)"
                    .to_string()
            } else {
                format!("the response was not an ARM error body: {}", snippet(&text))
            });
        }
    }
    err
}

fn snippet(s: &str) -> String {
    let s = s.trim();
    let cut: String = s.chars().take(120).collect();
    if cut.len() < s.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Parses a success body, reporting malformed JSON as a protocol error. Every
/// string in it is cleaned first ([`crate::sanitize::json_value`]): names,
/// states and messages from a server reach tables and progress lines, and must
/// carry neither escape sequences nor an echoed token.
pub fn decode<T: DeserializeOwned>(resp: &ArmResponse, context: &str) -> Result<T, ArmError> {
    serde_json::from_slice::<serde_json::Value>(&resp.body)
        .and_then(|mut v| {
            crate::sanitize::json_value(&mut v);
            serde_json::from_value(v)
        })
        .map_err(|e| {
            let mut err = ArmError::new(ArmErrorKind::Protocol, context).with_message(
                "MalformedResponse",
                format!(
                    "HTTP {} with a body that is not the expected JSON ({e}): {}",
                    resp.status,
                    snippet(&String::from_utf8_lossy(&resp.body))
                ),
            );
            err.correlation_id = resp
                .header("x-ms-correlation-request-id")
                .map(str::to_string);
            err
        })
}

impl Arm {
    pub fn new(client: Arc<dyn ArmClient>, subscription: impl Into<String>) -> Self {
        Arm {
            client,
            subscription: subscription.into(),
        }
    }

    /// Sends a request; error statuses become [`ArmError`]s.
    pub async fn call(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
        let resp = self.client.send(req).await?;
        if resp.is_success() {
            Ok(resp)
        } else {
            Err(error_from_response(&resp, &req.context))
        }
    }

    async fn call_json<T: DeserializeOwned>(&self, req: ArmRequest) -> Result<T, ArmError> {
        let resp = self.call(&req).await?;
        decode(&resp, &req.context)
    }

    /// GET that maps 404 to `None`.
    async fn get_optional<T: DeserializeOwned>(
        &self,
        req: ArmRequest,
    ) -> Result<Option<T>, ArmError> {
        match self.call(&req).await {
            Ok(resp) => decode(&resp, &req.context).map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Follows `nextLink` until the list ends, within bounds: a link already
    /// followed, more than [`MAX_PAGES`] pages or [`MAX_ITEMS`] items is a
    /// protocol error (exit 4), not an endless loop. (The command's deadline
    /// bounds the time, in the client.)
    pub(crate) async fn list_all<T: DeserializeOwned + Send + 'static>(
        &self,
        first: ArmRequest,
    ) -> Result<Vec<T>, ArmError> {
        let context = first.context.clone();
        let mut seen = std::collections::HashSet::from([first.path.clone()]);
        let mut pages = self.pages::<T>(first);
        let mut out = Vec::new();
        let mut read = 0usize;
        while let Some(items) = pages.try_next().await.map_err(|e| from_core(e, &context))? {
            read += 1;
            out.extend(items);
            if out.len() > MAX_ITEMS {
                return Err(paging_error(
                    &context,
                    "TooManyPages",
                    format!("the list went past {MAX_ITEMS} items; stopped following nextLink"),
                ));
            }
            // The pager already holds the next link; check it before asking.
            let Some(next) = pages.continuation() else {
                break;
            };
            let next = next.as_ref();
            if !seen.insert(next.to_string()) {
                return Err(paging_error(
                    &context,
                    "PagingLoop",
                    format!(
                        "nextLink points back to a page already read ({}); stopped after {read} pages",
                        crate::sanitize::truncate(next, 200),
                    ),
                ));
            }
            if read >= MAX_PAGES {
                return Err(paging_error(
                    &context,
                    "TooManyPages",
                    format!("the list went past {MAX_PAGES} pages; stopped following nextLink"),
                ));
            }
        }
        Ok(out)
    }

    /// The pages of a list as an `azure_core` [`PageIterator`] of items: `first`,
    /// then each non-empty `nextLink` as given (see the module doc).
    fn pages<T: DeserializeOwned + Send + 'static>(
        &self,
        first: ArmRequest,
    ) -> PageIterator<Vec<T>> {
        let arm = self.clone();
        PageIterator::new(
            move |state: PagerState, _options| {
                let arm = arm.clone();
                let mut req = first.clone();
                if let PagerState::More(next) = state {
                    req.path = String::from(next);
                }
                Box::pin(async move {
                    let page: Page<T> = arm.call_json(req).await.map_err(into_core)?;
                    Ok(match page.next_link.filter(|l| !l.is_empty()) {
                        Some(next) => PagerResult::More {
                            response: page.value,
                            continuation: PagerContinuation::Token(next),
                        },
                        None => PagerResult::Done {
                            response: page.value,
                        },
                    })
                })
            },
            None,
        )
    }

    // --- Microsoft.Features ---

    pub fn get_feature_request(&self, ns: &str, name: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Get,
            paths::feature(&self.subscription, ns, name),
            format!("get feature {ns}/{name}"),
        )
    }

    pub fn register_feature_request(&self, ns: &str, name: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Post,
            paths::feature_action(&self.subscription, ns, name, "register"),
            format!("register feature {ns}/{name}"),
        )
    }

    pub async fn get_feature(&self, ns: &str, name: &str) -> Result<Feature, ArmError> {
        self.call_json(self.get_feature_request(ns, name)).await
    }

    pub async fn register_feature(&self, ns: &str, name: &str) -> Result<Feature, ArmError> {
        self.call_json(self.register_feature_request(ns, name))
            .await
    }

    pub async fn unregister_feature(&self, ns: &str, name: &str) -> Result<Feature, ArmError> {
        self.call_json(ArmRequest::new(
            Method::Post,
            paths::feature_action(&self.subscription, ns, name, "unregister"),
            format!("unregister feature {ns}/{name}"),
        ))
        .await
    }

    pub async fn list_features(&self, ns: &str) -> Result<Vec<Feature>, ArmError> {
        self.list_all(ArmRequest::new(
            Method::Get,
            paths::features(&self.subscription, ns),
            format!("list features of {ns}"),
        ))
        .await
    }

    // --- Microsoft.Resources providers ---

    pub fn get_provider_request(&self, ns: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Get,
            paths::provider(&self.subscription, ns),
            format!("get provider {ns}"),
        )
    }

    pub fn register_provider_request(&self, ns: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Post,
            paths::provider_register(&self.subscription, ns),
            format!("register provider {ns}"),
        )
    }

    pub async fn get_provider(&self, ns: &str) -> Result<Provider, ArmError> {
        self.call_json(self.get_provider_request(ns)).await
    }

    pub async fn register_provider(&self, ns: &str) -> Result<Provider, ArmError> {
        self.call_json(self.register_provider_request(ns)).await
    }

    // --- Microsoft.ContainerService ---

    pub fn get_cluster_request(&self, rg: &str, name: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Get,
            paths::cluster(&self.subscription, rg, name, api_version::AKS_STABLE),
            format!("get cluster {rg}/{name}"),
        )
    }

    pub async fn get_cluster(
        &self,
        rg: &str,
        name: &str,
    ) -> Result<Option<ManagedCluster>, ArmError> {
        self.get_optional(self.get_cluster_request(rg, name)).await
    }

    /// GETs a cluster that must exist. A 404 stays Azure's answer (exit 4 with
    /// its code, message and correlation id), with `missing` — a plain line
    /// saying what is missing and what to do — leading the error.
    pub async fn get_cluster_required(
        &self,
        rg: &str,
        name: &str,
        missing: impl FnOnce() -> String,
    ) -> Result<ManagedCluster, ArmError> {
        let req = self.get_cluster_request(rg, name);
        match self.call(&req).await {
            Ok(resp) => decode(&resp, &req.context),
            Err(mut e) if e.is_not_found() => {
                e.context = format!("{}\n{}", missing(), e.context);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn list_clusters(&self, rg: Option<&str>) -> Result<Vec<ManagedCluster>, ArmError> {
        self.list_all(ArmRequest::new(
            Method::Get,
            paths::clusters(&self.subscription, rg),
            "list clusters",
        ))
        .await
    }

    /// The node pool's path at the stable AKS API version.
    fn pool_path(&self, rg: &str, cluster: &str, pool: &str) -> String {
        paths::pool(
            &self.subscription,
            rg,
            cluster,
            pool,
            api_version::AKS_STABLE,
        )
    }

    pub fn get_pool_request(&self, rg: &str, cluster: &str, pool: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Get,
            self.pool_path(rg, cluster, pool),
            format!("get node pool {rg}/{cluster}/{pool}"),
        )
    }

    pub async fn get_pool(
        &self,
        rg: &str,
        cluster: &str,
        pool: &str,
    ) -> Result<Option<AgentPool>, ArmError> {
        self.get_optional(self.get_pool_request(rg, cluster, pool))
            .await
    }

    pub async fn list_pools(&self, rg: &str, cluster: &str) -> Result<Vec<AgentPool>, ArmError> {
        self.list_all(ArmRequest::new(
            Method::Get,
            paths::pools(&self.subscription, rg, cluster),
            format!("list node pools of {rg}/{cluster}"),
        ))
        .await
    }

    pub fn delete_pool_request(&self, rg: &str, cluster: &str, pool: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Delete,
            self.pool_path(rg, cluster, pool),
            format!("delete node pool {rg}/{cluster}/{pool}"),
        )
    }

    /// Sends a DELETE; `None` poll URL when it was already gone (204).
    pub async fn delete(&self, req: &ArmRequest) -> Result<Accepted<()>, ArmError> {
        let resp = self.call(req).await?;
        Ok(Accepted {
            resource: (),
            status: resp.status,
            poll_url: if resp.status == 204 {
                None
            } else {
                poll_url(&resp)
            },
            retry_after: retry_after(&resp),
        })
    }

    pub async fn kubernetes_versions(
        &self,
        location: &str,
    ) -> Result<KubernetesVersionList, ArmError> {
        self.call_json(ArmRequest::new(
            Method::Get,
            paths::kubernetes_versions(&self.subscription, location),
            format!("list Kubernetes versions in {location}"),
        ))
        .await
    }

    /// Sends a PUT (cluster or pool) and returns the accepted resource and where to poll.
    pub async fn put<T: DeserializeOwned>(
        &self,
        req: &ArmRequest,
    ) -> Result<Accepted<T>, ArmError> {
        let resp = self.call(req).await?;
        let resource = decode(&resp, &req.context)?;
        Ok(Accepted {
            resource,
            status: resp.status,
            poll_url: poll_url(&resp),
            retry_after: retry_after(&resp),
        })
    }
}

/// `Azure-AsyncOperation` first, else `Location` (ARM's LRO rule).
pub fn poll_url(resp: &ArmResponse) -> Option<String> {
    resp.header("azure-asyncoperation")
        .or_else(|| resp.header("location"))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `Retry-After` in whole seconds (ARM sends seconds; an HTTP date is accepted too).
pub fn retry_after(resp: &ArmResponse) -> Option<u64> {
    super::limits::parse_retry_after(resp.header("retry-after")?, std::time::SystemTime::now())
        .map(|d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> ArmResponse {
        ArmResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn arm_error_bodies_keep_code_target_details_and_ids() {
        let r = resp(
            400,
            &[("x-ms-correlation-request-id", "corr-1")],
            r#"{"error":{"code":"PreviewFeatureNotRegistered","message":"register it","target":"osSKU","details":[{"code":"Inner","message":"more"}]}}"#,
        );
        let e = error_from_response(&r, "create pool");
        assert_eq!(e.code(), "PreviewFeatureNotRegistered");
        assert_eq!(e.error.target.as_deref(), Some("osSKU"));
        assert_eq!(e.error.details[0].code.as_deref(), Some("Inner"));
        assert_eq!(e.correlation_id.as_deref(), Some("corr-1"));
        let text = e.to_string();
        assert!(text.contains("HTTP 400") && text.contains("corr-1") && text.contains("Inner"));
        assert!(
            text.contains("aksos feature register"),
            "suggests the fix: {text}"
        );
    }

    #[test]
    fn html_and_garbage_bodies_are_described_not_parsed() {
        let e = error_from_response(
            &resp(502, &[], "<html><body>Bad gateway</body></html>"),
            "x",
        );
        assert!(e.to_string().contains("HTML page"));
        let e = error_from_response(&resp(500, &[], "oops"), "x");
        assert!(e.to_string().contains("not an ARM error body: oops"));
        let bad = decode::<Feature>(&resp(200, &[], "{not json"), "get feature");
        assert!(matches!(bad.unwrap_err().kind, ArmErrorKind::Protocol));
    }

    mod paths_are_exact {
        use super::super::paths;
        use crate::names::{decode_segment, ClusterName, PoolName, ResourceGroup};
        use azure_core::http::Url;
        use proptest::prelude::*;

        const SUB: &str = "00000000-0000-0000-0000-000000000000";

        proptest! {
            /// For names ARM allows, the URL parser keeps the path exactly as
            /// built (so `--dry-run` prints what is sent), and each name comes
            /// back whole from its one segment.
            #[test]
            fn valid_names_build_paths_the_parser_keeps(
                rg in "[-\\p{L}\\p{Nd}_.()]{0,89}[-\\p{L}\\p{Nd}_()]",
                cluster in "[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]",
                pool in "[a-z][a-z0-9]{0,11}",
            ) {
                prop_assert!(ResourceGroup::parse(&rg).is_ok());
                prop_assert!(ClusterName::parse(&cluster).is_ok() && PoolName::parse(&pool).is_ok());
                let built = [
                    paths::cluster(SUB, &rg, &cluster, "2026-08-01"),
                    paths::pool(SUB, &rg, &cluster, &pool, "2026-08-01"),
                    paths::pools(SUB, &rg, &cluster),
                    paths::clusters(SUB, Some(&rg)),
                ];
                for path in built {
                    let text = format!("https://management.azure.com{path}");
                    let url = Url::parse(&text).expect("parses");
                    prop_assert_eq!(url.as_str(), text.as_str());
                    let segs: Vec<&str> = url.path_segments().expect("path").collect();
                    prop_assert_eq!(segs[1], SUB);
                    let names = [(3, &rg), (7, &cluster), (9, &pool)];
                    for (i, name) in names.into_iter().filter(|(i, _)| *i < segs.len()) {
                        prop_assert_eq!(decode_segment(segs[i]), Some(name.clone()));
                    }
                }
            }
        }

        #[test]
        fn every_name_is_one_encoded_segment() {
            assert_eq!(
                paths::feature_action(SUB, "Microsoft.ContainerService", "a/../b?c#", "register"),
                format!("/subscriptions/{SUB}/providers/Microsoft.Features/providers/Microsoft.ContainerService/features/a%2F..%2Fb%3Fc%23/register?api-version=2021-07-01")
            );
        }
    }

    /// An in-memory ARM that answers each path from a table and records the
    /// paths asked for, in order.
    struct Pages {
        answers: std::collections::HashMap<String, ArmResponse>,
        seen: std::sync::Mutex<Vec<String>>,
    }

    #[async_trait::async_trait]
    impl ArmClient for Pages {
        async fn send(&self, req: &ArmRequest) -> Result<ArmResponse, ArmError> {
            self.seen.lock().unwrap().push(req.path.clone());
            Ok(self
                .answers
                .get(&req.path)
                .cloned()
                .unwrap_or_else(|| resp(404, &[], r#"{"error":{"code":"NotFound"}}"#)))
        }
        fn base_url(&self) -> &str {
            "http://127.0.0.1"
        }
    }

    fn pages(answers: &[(&str, ArmResponse)]) -> (Arm, Arc<Pages>) {
        let c = Arc::new(Pages {
            answers: answers
                .iter()
                .map(|(p, r)| (p.to_string(), r.clone()))
                .collect(),
            seen: Default::default(),
        });
        (Arm::new(c.clone(), "sub"), c)
    }

    fn page(names: &[&str], next: Option<&str>) -> ArmResponse {
        let value: Vec<_> = names
            .iter()
            .map(|n| serde_json::json!({"name": n, "properties": {}}))
            .collect();
        let mut body = serde_json::json!({ "value": value });
        if let Some(next) = next {
            body["nextLink"] = next.into();
        }
        resp(200, &[], &body.to_string())
    }

    fn first_path() -> String {
        paths::pools("sub", "rg", "c")
    }

    const SIGNED: &str = "https://management.azure.com/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c/agentPools?api-version=2025-10-01&%24skipToken=a%2Bb%3D%3D&sig=x%2Fy";

    #[tokio::test]
    async fn paging_follows_signed_next_links_byte_for_byte_to_an_empty_link() {
        let (arm, c) = pages(&[
            (first_path().as_str(), page(&["a", "b"], Some(SIGNED))),
            (SIGNED, page(&["c"], Some(""))),
        ]);
        let pools = arm.list_pools("rg", "c").await.unwrap();
        let names: Vec<_> = pools.iter().filter_map(|p| p.name.as_deref()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(*c.seen.lock().unwrap(), [first_path(), SIGNED.to_string()]);
    }

    #[tokio::test]
    async fn a_next_link_back_to_a_read_page_stops_without_asking_again() {
        let (arm, c) = pages(&[
            (first_path().as_str(), page(&["a"], Some("/p2"))),
            ("/p2", page(&["b"], Some(&first_path()))),
        ]);
        let e = arm.list_pools("rg", "c").await.unwrap_err();
        assert_eq!(e.code(), "PagingLoop");
        assert!(matches!(e.kind, ArmErrorKind::Protocol));
        assert!(e.to_string().contains("stopped after 2 pages"), "{e}");
        assert_eq!(c.seen.lock().unwrap().len(), 2, "no third request");
    }

    #[tokio::test]
    async fn paging_stops_at_the_page_cap() {
        let mut answers = vec![(first_path(), page(&[], Some("/p/1")))];
        for n in 1..=MAX_PAGES {
            answers.push((format!("/p/{n}"), page(&[], Some(&format!("/p/{}", n + 1)))));
        }
        let answers: Vec<_> = answers
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect();
        let (arm, c) = pages(&answers);
        let e = arm.list_pools("rg", "c").await.unwrap_err();
        assert_eq!(e.code(), "TooManyPages");
        assert!(e.to_string().contains("1000 pages"), "{e}");
        assert_eq!(c.seen.lock().unwrap().len(), MAX_PAGES);
    }

    #[tokio::test]
    async fn an_error_on_a_later_page_is_azures_error_unchanged() {
        let denied = resp(
            403,
            &[("x-ms-correlation-request-id", "corr-9")],
            r#"{"error":{"code":"AuthorizationFailed","message":"no list on page 2"}}"#,
        );
        let (arm, _) = pages(&[
            (first_path().as_str(), page(&["a"], Some("/p2"))),
            ("/p2", denied),
        ]);
        let e = arm.list_pools("rg", "c").await.unwrap_err();
        assert_eq!(e.code(), "AuthorizationFailed");
        assert!(matches!(e.kind, ArmErrorKind::Http { status: 403 }));
        assert_eq!(e.correlation_id.as_deref(), Some("corr-9"));
        let bad = resp(200, &[], "{not json");
        let (arm, _) = pages(&[(first_path().as_str(), bad)]);
        let e = arm.list_pools("rg", "c").await.unwrap_err();
        assert_eq!(e.code(), "MalformedResponse");
    }

    #[test]
    fn poll_url_prefers_async_operation_over_location() {
        let both = resp(
            202,
            &[
                ("Azure-AsyncOperation", "https://a/op"),
                ("Location", "https://a/loc"),
                ("Retry-After", "7"),
            ],
            "",
        );
        assert_eq!(poll_url(&both).as_deref(), Some("https://a/op"));
        assert_eq!(retry_after(&both), Some(7));
        let loc = resp(202, &[("Location", "https://a/loc")], "");
        assert_eq!(poll_url(&loc).as_deref(), Some("https://a/loc"));
        assert_eq!(poll_url(&resp(200, &[], "")), None);
    }
}
