//! Hand-transcribed parts of `arm-specs/` that the generated tables ([`crate::spec`])
//! do not cover: the api-versions of Microsoft.Features and Microsoft.Resources,
//! the one `osSKU` value AKS documents outside every published enum, and the
//! name checks of the path parameters (their patterns are compared with the
//! generated tables by a test).

/// Microsoft.Features api-versions (arm-specs/features).
pub const FEATURES_VERSIONS: &[&str] = &["2021-07-01", "2025-03-01"];
/// Microsoft.Resources provider api-versions.
pub const PROVIDER_VERSIONS: &[&str] = &["2025-04-01"];
/// Values AKS takes outside the published enum (modelAsString): OS Guard is
/// documented with `--os-sku AzureLinuxOSGuard` at 2025-05-01 and later.
pub const OFF_ENUM_ACCEPTED: &[&str] = &["AzureLinuxOSGuard"];

/// The specs' path-parameter patterns the three checks below implement
/// (checked against the generated tables in `spec`'s tests).
pub const RESOURCE_GROUP_PATTERN: &str = r"^[-\w\._\(\)]+$";
pub const CLUSTER_NAME_PATTERN: &str = r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$";
pub const POOL_NAME_PATTERN: &str = r"^[a-z][a-z0-9]{0,11}$";

/// Resource group: `^[-\w\._\(\)]+$`, 1–90.
pub fn valid_resource_group(s: &str) -> bool {
    (1..=90).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
}

/// Cluster: `^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$`.
pub fn valid_cluster_name(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        1 => b[0].is_ascii_alphanumeric(),
        2..=63 => {
            b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
        }
        _ => false,
    }
}

/// Agent pool: `^[a-z][a-z0-9]{0,11}$`.
pub fn valid_pool_name(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=12).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_patterns_match_the_spec() {
        assert!(valid_pool_name("np1") && valid_pool_name("abcdefghijkl"));
        assert!(
            !valid_pool_name("Np1") && !valid_pool_name("1np") && !valid_pool_name("abcdefghijklm")
        );
        assert!(valid_cluster_name("a") && valid_cluster_name("my-cluster_1"));
        assert!(!valid_cluster_name("-a") && !valid_cluster_name("a-") && !valid_cluster_name(""));
        assert!(valid_resource_group("rg.(x)_-") && !valid_resource_group("rg/x"));
    }
}
