//! The Azure region names aksos accepts for `--location` (the `name` column of
//! `az account list-locations`, public cloud plus US Government and China),
//! so that a typo such as `eastuss` is refused before any request, with a
//! suggestion. A region Azure adds later is accepted with
//! `AKSOS_ALLOW_UNKNOWN_REGION=1` until this list learns it.

/// Region names, lower case, no spaces.
pub static REGIONS: &[&str] = &[
    // Americas
    "eastus",
    "eastus2",
    "centralus",
    "northcentralus",
    "southcentralus",
    "westcentralus",
    "westus",
    "westus2",
    "westus3",
    "canadacentral",
    "canadaeast",
    "brazilsouth",
    "brazilsoutheast",
    "mexicocentral",
    "chilecentral",
    // Europe
    "northeurope",
    "westeurope",
    "uksouth",
    "ukwest",
    "francecentral",
    "francesouth",
    "germanywestcentral",
    "germanynorth",
    "switzerlandnorth",
    "switzerlandwest",
    "norwayeast",
    "norwaywest",
    "swedencentral",
    "swedensouth",
    "polandcentral",
    "italynorth",
    "spaincentral",
    "austriaeast",
    "belgiumcentral",
    "denmarkeast",
    // Asia Pacific
    "eastasia",
    "southeastasia",
    "japaneast",
    "japanwest",
    "koreacentral",
    "koreasouth",
    "centralindia",
    "southindia",
    "westindia",
    "jioindiawest",
    "jioindiacentral",
    "australiaeast",
    "australiasoutheast",
    "australiacentral",
    "australiacentral2",
    "newzealandnorth",
    "indonesiacentral",
    "malaysiawest",
    // Middle East and Africa
    "uaenorth",
    "uaecentral",
    "qatarcentral",
    "israelcentral",
    "southafricanorth",
    "southafricawest",
    // Sovereign clouds
    "usgovvirginia",
    "usgovarizona",
    "usgovtexas",
    "usdodcentral",
    "usdodeast",
    "chinanorth",
    "chinanorth2",
    "chinanorth3",
    "chinaeast",
    "chinaeast2",
    "chinaeast3",
];

/// Whether `name` (already normalised: lower case, no spaces) is a known region.
pub fn is_known(name: &str) -> bool {
    REGIONS.contains(&name)
        || std::env::var_os("AKSOS_ALLOW_UNKNOWN_REGION").is_some_and(|v| !v.is_empty() && v != "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_regions_are_known_and_typos_are_not() {
        for r in ["eastus", "westeurope", "swedencentral", "usgovvirginia"] {
            assert!(REGIONS.contains(&r), "{r}");
        }
        assert!(!REGIONS.contains(&"eastuss"));
        assert_eq!(
            crate::suggest::closest("eastuss", REGIONS.iter().copied()),
            Some("eastus")
        );
        assert_eq!(
            crate::suggest::closest("westeurop", REGIONS.iter().copied()),
            Some("westeurope")
        );
    }
}
