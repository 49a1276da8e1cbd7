//! The two Microsoft.Compute reads, as [`ArmRequest`]s on [`Arm`]: the VM sizes
//! of one region (resource SKUs, `$filter=location eq '{loc}'`, api-version
//! 2021-07-01, `arm-specs/compute/skus/`) and the subscription's compute usages
//! there (`locations/{loc}/usages`, Compute RP api-version 2024-11-01, whose
//! `Usage_List` example is in the azure-rest-api-specs ComputeRP folder). Both
//! page on `nextLink` through [`Arm::list_all`]'s bounds.

use super::models::{ResourceSku, Usage};
use crate::arm::{Arm, ArmError, ArmRequest, Method};
use crate::names::segment as seg;

/// Resource SKUs api-version (the spec in `arm-specs/compute/skus/`).
pub const SKUS_API: &str = "2021-07-01";
/// Compute RP api-version for usages.
pub const USAGES_API: &str = "2024-11-01";

/// Request paths; public so tests and `--dry-run` see what is sent.
pub mod paths {
    use super::*;

    /// The region's resource SKUs. The OData filter value is percent-encoded
    /// whole (space, quotes), so the URL parser leaves it as built.
    pub fn skus(sub: &str, location: &str) -> String {
        format!(
            "/subscriptions/{}/providers/Microsoft.Compute/skus?api-version={SKUS_API}&$filter={}",
            seg(sub),
            seg(&format!("location eq '{location}'"))
        )
    }

    pub fn usages(sub: &str, location: &str) -> String {
        format!(
            "/subscriptions/{}/providers/Microsoft.Compute/locations/{}/usages?api-version={USAGES_API}",
            seg(sub),
            seg(location)
        )
    }
}

impl Arm {
    pub fn list_skus_request(&self, location: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Get,
            paths::skus(&self.subscription, location),
            format!("list VM sizes in {location}"),
        )
    }

    pub fn list_usages_request(&self, location: &str) -> ArmRequest {
        ArmRequest::new(
            Method::Get,
            paths::usages(&self.subscription, location),
            format!("list compute usages in {location}"),
        )
    }

    /// Every resource SKU Azure lists for `location` (all resource types).
    pub async fn list_skus(&self, location: &str) -> Result<Vec<ResourceSku>, ArmError> {
        self.list_all(self.list_skus_request(location)).await
    }

    /// The subscription's compute usages and limits in `location`.
    pub async fn list_usages(&self, location: &str) -> Result<Vec<Usage>, ArmError> {
        self.list_all(self.list_usages_request(location)).await
    }
}

#[cfg(test)]
mod tests {
    use super::paths;
    use azure_core::http::Url;

    const SUB: &str = "00000000-0000-0000-0000-000000000000";

    #[test]
    fn paths_are_encoded_and_kept_by_the_url_parser() {
        let skus = paths::skus(SUB, "eastus");
        assert_eq!(
            skus,
            format!("/subscriptions/{SUB}/providers/Microsoft.Compute/skus?api-version=2021-07-01&$filter=location%20eq%20%27eastus%27")
        );
        let usages = paths::usages(SUB, "east/us?x");
        assert!(usages.contains("/locations/east%2Fus%3Fx/usages?api-version=2024-11-01"));
        for p in [skus, usages] {
            let text = format!("https://management.azure.com{p}");
            assert_eq!(Url::parse(&text).unwrap().as_str(), text);
        }
    }
}
