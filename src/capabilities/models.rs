//! Serde models of the two Microsoft.Compute reads, shaped as Azure answers
//! them: resource SKUs (`arm-specs/compute/skus/2021-07-01/skus.json`,
//! `ResourceSku`) and usages (`{name{value, localizedValue}, currentValue,
//! limit, unit}`). Every struct keeps unknown fields in `extra`; enum-like
//! fields (`type`, `reasonCode`, capability values) stay strings, so a new
//! value round-trips instead of failing. A `null` where a list is expected
//! reads as an empty list.
//!
//! The helpers answer the questions the checks ask ("which zones in this
//! region?", "is the size restricted here?") and compare names and locations
//! the way ARM does: case-insensitively, `East US` = `eastus`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

type Extra = Map<String, Value>;

/// A list that may be absent or `null`.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Locations compare without case and spaces (`East US` = `eastus`).
pub fn same_location(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase()
    };
    norm(a) == norm(b)
}

/// One `{name, value}` capability (`ResourceSkuCapabilities`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Capability {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Zones sharing extra capabilities (`ResourceSkuZoneDetails`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ZoneDetails {
    #[serde(default, deserialize_with = "list")]
    pub name: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub capabilities: Vec<Capability>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Where the SKU is offered and in which zones (`ResourceSkuLocationInfo`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LocationInfo {
    #[serde(default)]
    pub location: String,
    #[serde(default, deserialize_with = "list")]
    pub zones: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub zone_details: Vec<ZoneDetails>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Where the restriction applies (`ResourceSkuRestrictionInfo`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RestrictionInfo {
    #[serde(default, deserialize_with = "list")]
    pub locations: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub zones: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Why the subscription cannot use the SKU somewhere (`ResourceSkuRestrictions`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Restriction {
    /// `Location` or `Zone`.
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "list")]
    pub values: Vec<String>,
    #[serde(default)]
    pub restriction_info: RestrictionInfo,
    /// `QuotaId` or `NotAvailableForSubscription`.
    #[serde(default)]
    pub reason_code: String,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Restriction {
    fn applies_to(&self, location: &str) -> bool {
        self.values
            .iter()
            .chain(&self.restriction_info.locations)
            .any(|l| same_location(l, location))
    }

    /// What the reason code means, for a message.
    pub fn reason(&self) -> String {
        match self.reason_code.as_str() {
            c if c.eq_ignore_ascii_case("NotAvailableForSubscription") => {
                "NotAvailableForSubscription: not offered to this subscription".into()
            }
            c if c.eq_ignore_ascii_case("QuotaId") => {
                "QuotaId: the subscription's offer type cannot use it".into()
            }
            "" => "no reason given".into(),
            other => other.to_string(),
        }
    }
}

/// One resource SKU (`ResourceSku`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSku {
    #[serde(default)]
    pub resource_type: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<String>,
    /// The quota family (the usage name that counts its vCPUs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub locations: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub location_info: Vec<LocationInfo>,
    #[serde(default, deserialize_with = "list")]
    pub capabilities: Vec<Capability>,
    #[serde(default, deserialize_with = "list")]
    pub restrictions: Vec<Restriction>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// CPU architecture as `CpuArchitectureType` says (`x64`, `Arm64`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpuArch {
    X64,
    Arm64,
    Other(String),
}

impl ResourceSku {
    pub fn is_vm(&self) -> bool {
        self.resource_type.eq_ignore_ascii_case("virtualMachines")
    }

    /// A capability's value (names compared case-insensitively).
    pub fn capability(&self, name: &str) -> Option<&str> {
        self.capabilities
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.value.trim())
    }

    /// A `True`/`False` capability; `None` when absent or not a boolean.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.capability(name)? {
            v if v.eq_ignore_ascii_case("true") => Some(true),
            v if v.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// `vCPUs`.
    pub fn vcpus(&self) -> Option<i64> {
        self.capability("vCPUs")?.parse().ok()
    }

    /// `HyperVGenerations` split (`"V1,V2"` → `["V1", "V2"]`); `None` when absent.
    pub fn hyperv_generations(&self) -> Option<Vec<String>> {
        self.capability("HyperVGenerations").map(|v| {
            v.split(',')
                .map(|g| g.trim().to_string())
                .filter(|g| !g.is_empty())
                .collect()
        })
    }

    /// Whether the size offers Generation 2; `None` when Azure does not say.
    pub fn supports_gen2(&self) -> Option<bool> {
        self.hyperv_generations()
            .map(|g| g.iter().any(|g| g.eq_ignore_ascii_case("V2")))
    }

    /// `TrustedLaunchDisabled: True` (absent or `False`: Trusted Launch possible).
    pub fn trusted_launch_disabled(&self) -> bool {
        self.flag("TrustedLaunchDisabled") == Some(true)
    }

    /// `CpuArchitectureType`; `None` when absent.
    pub fn cpu_arch(&self) -> Option<CpuArch> {
        let v = self.capability("CpuArchitectureType")?;
        Some(if v.eq_ignore_ascii_case("x64") {
            CpuArch::X64
        } else if v.eq_ignore_ascii_case("Arm64") {
            CpuArch::Arm64
        } else {
            CpuArch::Other(v.to_string())
        })
    }

    /// `EphemeralOSDiskSupported`; `None` when absent.
    pub fn ephemeral_os_disk(&self) -> Option<bool> {
        self.flag("EphemeralOSDiskSupported")
    }

    /// Whether the SKU is listed for `location` at all.
    pub fn offered_in(&self, location: &str) -> bool {
        self.locations.iter().any(|l| same_location(l, location))
            || self
                .location_info
                .iter()
                .any(|i| same_location(&i.location, location))
    }

    /// Zones the SKU is offered in at `location` (empty: not zonal there).
    pub fn zones_in(&self, location: &str) -> Vec<String> {
        let mut z: Vec<String> = self
            .location_info
            .iter()
            .filter(|i| same_location(&i.location, location))
            .flat_map(|i| i.zones.iter().cloned())
            .collect();
        z.sort();
        z.dedup();
        z
    }

    /// The `Location` restriction at `location`, if any.
    pub fn location_restriction(&self, location: &str) -> Option<&Restriction> {
        self.restrictions
            .iter()
            .find(|r| r.kind.eq_ignore_ascii_case("Location") && r.applies_to(location))
    }

    /// The `Zone` restriction covering `zone` at `location`, if any.
    pub fn zone_restriction(&self, location: &str, zone: &str) -> Option<&Restriction> {
        self.restrictions.iter().find(|r| {
            r.kind.eq_ignore_ascii_case("Zone")
                && r.applies_to(location)
                && r.restriction_info.zones.iter().any(|z| z.trim() == zone)
        })
    }
}

/// `{value, localizedValue}` of a usage.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UsageName {
    #[serde(default)]
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized_value: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One compute usage of a region: a VM family's vCPUs, `cores` (all regional
/// vCPUs), `lowPriorityCores` (Spot), and counts of other resources.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    #[serde(default)]
    pub name: UsageName,
    #[serde(default)]
    pub current_value: i64,
    /// A negative limit means none.
    #[serde(default)]
    pub limit: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Usage {
    /// What is left under the limit; `None` when there is no limit.
    pub fn available(&self) -> Option<i64> {
        (self.limit >= 0).then(|| (self.limit - self.current_value).max(0))
    }

    /// "Standard DSv5 Family vCPUs" (or the value when no localized name).
    pub fn display(&self) -> &str {
        self.name
            .localized_value
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.name.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_parses_and_answers() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/arm-specs/compute/skus/2021-07-01/examples/ListAvailableResourceSkus.json"
        ))
        .expect("fixture");
        let ex: Value = serde_json::from_str(&text).unwrap();
        let page: crate::arm::models::Page<ResourceSku> =
            serde_json::from_value(ex["responses"]["200"]["body"].clone()).unwrap();
        let a0 = &page.value[0];
        assert!(a0.is_vm() && a0.name == "Standard_A0");
        assert_eq!(a0.vcpus(), Some(1));
        assert_eq!(a0.supports_gen2(), Some(false));
        assert_eq!(a0.ephemeral_os_disk(), Some(false));
        assert!(!a0.trusted_launch_disabled());
        assert_eq!(a0.cpu_arch(), None, "absent in this old example");
        assert_eq!(a0.zones_in("West US"), vec!["1", "2"]);
        assert!(a0.offered_in("westus") && !a0.offered_in("eastus"));
        // Unknown fields survive a round trip.
        let mut v = serde_json::to_value(a0).unwrap();
        v["newField"] = Value::from(1);
        let back: ResourceSku = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap()["newField"], 1);
    }

    #[test]
    fn nulls_read_as_empty_and_restrictions_match_by_location_and_zone() {
        let sku: ResourceSku = serde_json::from_value(serde_json::json!({
            "resourceType": "virtualMachines", "name": "Standard_X", "locations": null,
            "locationInfo": [{"location": "EastUS", "zones": ["3", "1", "2"], "zoneDetails": null}],
            "capabilities": null,
            "restrictions": [
                {"type": "Zone", "values": ["eastus"], "restrictionInfo": {"locations": ["eastus"], "zones": ["3"]}, "reasonCode": "NotAvailableForSubscription"},
                {"type": "Location", "values": ["westus"], "restrictionInfo": {"locations": ["westus"], "zones": null}, "reasonCode": "QuotaId"}
            ]
        }))
        .unwrap();
        assert_eq!(sku.zones_in("East US"), vec!["1", "2", "3"]);
        assert!(sku.zone_restriction("eastus", "3").is_some());
        assert!(sku.zone_restriction("eastus", "1").is_none());
        assert!(sku.location_restriction("eastus").is_none());
        let r = sku.location_restriction("West US").expect("restricted");
        assert!(r.reason().starts_with("QuotaId"));
        let u: Usage = serde_json::from_value(serde_json::json!({
            "name": {"value": "cores", "localizedValue": "Total Regional vCPUs"},
            "currentValue": 12, "limit": 10, "unit": "Count"
        }))
        .unwrap();
        assert_eq!(
            (u.available(), u.display()),
            (Some(0), "Total Regional vCPUs")
        );
    }
}
