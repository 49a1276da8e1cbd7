//! The regions the emulator serves, as Azure's public, US Government and China
//! clouds name them. Kept apart from the client's list on purpose (the emulator
//! believes nothing the client believes): a region the client lets through and
//! Azure does not know is answered as Azure answers it,
//! `400 LocationNotAvailableForResourceType`.

pub(super) static SERVED: &[&str] = &[
    "australiacentral",
    "australiacentral2",
    "australiaeast",
    "australiasoutheast",
    "austriaeast",
    "belgiumcentral",
    "brazilsouth",
    "brazilsoutheast",
    "canadacentral",
    "canadaeast",
    "centralindia",
    "centralus",
    // Canary (EUAP) regions: where the Azure CLI recordings were made.
    "centraluseuap",
    "chilecentral",
    "chinaeast",
    "chinaeast2",
    "chinaeast3",
    "chinanorth",
    "chinanorth2",
    "chinanorth3",
    "denmarkeast",
    "eastasia",
    "eastus",
    "eastus2",
    "eastus2euap",
    "francecentral",
    "francesouth",
    "germanynorth",
    "germanywestcentral",
    "indonesiacentral",
    "israelcentral",
    "italynorth",
    "japaneast",
    "japanwest",
    "jioindiacentral",
    "jioindiawest",
    "koreacentral",
    "koreasouth",
    "malaysiawest",
    "mexicocentral",
    "newzealandnorth",
    "northcentralus",
    "northeurope",
    "norwayeast",
    "norwaywest",
    "polandcentral",
    "qatarcentral",
    "southafricanorth",
    "southafricawest",
    "southcentralus",
    "southeastasia",
    "southindia",
    "spaincentral",
    "swedencentral",
    "swedensouth",
    "switzerlandnorth",
    "switzerlandwest",
    "uaecentral",
    "uaenorth",
    "uksouth",
    "ukwest",
    "usdodcentral",
    "usdodeast",
    "usgovarizona",
    "usgovtexas",
    "usgovvirginia",
    "westcentralus",
    "westeurope",
    "westindia",
    "westus",
    "westus2",
    "westus3",
];

/// Whether the emulator serves `location` ("East US" and "eastus" alike).
pub fn served(location: &str) -> bool {
    let norm: String = location
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    SERVED.binary_search(&norm.as_str()).is_ok()
}

/// Azure's answer for a location it does not serve.
pub fn not_available(location: &str) -> super::routes::EmuResponse {
    super::routes::error(
        400,
        "LocationNotAvailableForResourceType",
        format!(
            "The provided location '{location}' is not available for resource type 'Microsoft.ContainerService/managedClusters'. List of available regions for the resource type is '{}'.",
            SERVED.join(",")
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_is_sorted_for_binary_search() {
        assert!(super::SERVED.windows(2).all(|w| w[0] < w[1]));
        assert!(super::served("East US") && super::served("westeurope"));
        assert!(!super::served("eastuss"));
    }
}
