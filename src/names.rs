//! The client's own rules for the names that end up in a URL path, and the one
//! way such a name is written into a path.
//!
//! Every name a user (or a file, or the wizard) gives aksos — subscription,
//! resource group, cluster, node pool, feature, provider namespace, region — is
//! parsed here into a typed value *before* anything is sent. The rules are ARM's
//! own, from the path parameters in `arm-specs/`:
//!
//! | value | rule | source |
//! |---|---|---|
//! | subscription | a UUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` | common-types `SubscriptionIdParameter` (`format: uuid`) |
//! | resource group | 1-90 letters (any script), digits, `-` `_` `.` `(` `)`; not ending in `.` | common-types `ResourceGroupNameParameter` `^[-\w\._\(\)]+$` + ARM's naming rules |
//! | cluster | 1-63; letters, digits, `-`, `_`; first and last a letter or digit | managedClusters `resourceName` |
//! | node pool | 1-12 lower-case letters and digits, starting with a letter | managedClusters `agentPoolName` |
//! | feature | letters, digits, `-`, `_` | SubscriptionFeatureRegistration `featureName` (features.json has no pattern) |
//! | provider namespace | dot-separated words of letters and digits (`Microsoft.ContainerService`) | no pattern in the spec; every published namespace has this shape |
//! | region | letters and digits, normalised (`East US` → `eastus`) | `LocationParameter` (no pattern); ARM's region names |
//!
//! None of these rules admits `.` or `..` as a whole name, so a name can never
//! climb out of its place in a path. On top of that, [`segment`] percent-encodes
//! everything but RFC 3986 unreserved characters, so `/`, `?`, `#`, `%` and `@`
//! can never change a path's shape either, and the URL parser has nothing left
//! to normalise: what `--dry-run` prints is byte for byte what is sent.
//!
//! The emulator keeps its own checks (`emulator::schema`); these are the
//! client's, so a wrong rule on either side can fail a test.

use std::fmt;

/// A name that breaks its rule: what it should have been and the rule, for an
/// error that names the flag (`AppError::usage(flag, invalid.to_string())`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// "resource group name", "cluster name", ...
    pub what: &'static str,
    /// The value as given, escaped for a terminal and shortened.
    pub shown: String,
    /// The rule, in words.
    pub rule: &'static str,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}: {}",
            self.shown, self.what, self.rule
        )
    }
}

impl std::error::Error for Invalid {}

/// A value safe to echo in an error: control characters escaped, at most 80 chars.
pub fn shown(value: &str) -> String {
    let escaped: String = value.chars().flat_map(char::escape_debug).collect();
    let cut: String = escaped.chars().take(80).collect();
    if cut.len() < escaped.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// RFC 3986 unreserved characters: the only bytes written into a path as-is.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Writes `s` as one path segment: every byte that is not unreserved becomes
/// `%XX` (UTF-8, upper-case hex). The result never holds `/`, `?`, `#` or `%`
/// other than as an escape; it is `.` or `..` only when `s` is, which no name
/// type accepts.
pub fn segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
    out
}

/// Reverses [`segment`] (and any other percent-encoding); `None` when an escape
/// is malformed or the bytes are not UTF-8.
pub fn decode_segment(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

macro_rules! name_type {
    ($(#[$doc:meta])* $ty:ident, $what:literal, $rule:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $ty(String);

        impl $ty {
            /// What this is, in words (for messages).
            pub const WHAT: &'static str = $what;
            /// The rule, in words (for messages and help).
            pub const RULE: &'static str = $rule;

            /// Checks `s` against the rule.
            pub fn parse(s: &str) -> Result<Self, Invalid> {
                let check: fn(&str) -> Option<String> = $check;
                check(s).map($ty).ok_or_else(|| Invalid {
                    what: $what,
                    shown: shown(s),
                    rule: $rule,
                })
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value as one percent-encoded path segment.
            pub fn segment(&self) -> String {
                segment(&self.0)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

name_type!(
    /// A subscription ID: a UUID (surrounding whitespace is dropped).
    SubscriptionId,
    "subscription ID",
    "a UUID like 00000000-0000-0000-0000-000000000000 (see `az account list -o table`)",
    |s| {
        let s = s.trim();
        let b = s.as_bytes();
        let ok = b.len() == 36
            && b.iter().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_hexdigit(),
            });
        ok.then(|| s.to_string())
    }
);

name_type!(
    /// A resource group name.
    ResourceGroup,
    "resource group name",
    "1-90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'",
    |s| {
        let ok = (1..=90).contains(&s.chars().count())
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')'))
            && !s.ends_with('.');
        ok.then(|| s.to_string())
    }
);

name_type!(
    /// A managed cluster name.
    ClusterName,
    "cluster name",
    "1-63 letters, digits, '-' or '_', starting and ending with a letter or digit",
    |s| {
        let b = s.as_bytes();
        let ends_ok = |c: &u8| c.is_ascii_alphanumeric();
        let ok = (1..=63).contains(&b.len())
            && b.first().is_some_and(ends_ok)
            && b.last().is_some_and(ends_ok)
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'));
        ok.then(|| s.to_string())
    }
);

name_type!(
    /// An agent (node) pool name.
    PoolName,
    "node pool name",
    "1-12 lower-case letters and digits, starting with a letter",
    |s| {
        let b = s.as_bytes();
        let ok = (1..=12).contains(&b.len())
            && b[0].is_ascii_lowercase()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        ok.then(|| s.to_string())
    }
);

name_type!(
    /// A preview feature name (Microsoft.Features).
    FeatureName,
    "feature name",
    "1-256 letters, digits, '-' or '_' (see `aksos feature list`)",
    |s| {
        let ok = (1..=256).contains(&s.len())
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'));
        ok.then(|| s.to_string())
    }
);

name_type!(
    /// A resource provider namespace.
    ProviderNamespace,
    "resource provider namespace",
    "words of letters and digits joined by single dots, e.g. Microsoft.ContainerService",
    |s| {
        let ok = (3..=128).contains(&s.len())
            && s.contains('.')
            && s.split('.')
                .all(|w| !w.is_empty() && w.bytes().all(|c| c.is_ascii_alphanumeric()));
        ok.then(|| s.to_string())
    }
);

name_type!(
    /// An Azure region, normalised: spaces dropped, lower case (`East US` → `eastus`).
    Location,
    "Azure region name",
    "letters and digits, e.g. eastus, westeurope (see `az account list-locations -o table`)",
    |s| {
        let norm: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        let ok = (1..=64).contains(&norm.len()) && norm.bytes().all(|c| c.is_ascii_alphanumeric());
        ok.then_some(norm)
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What every accepted name must satisfy once written into a path.
    fn safe_segment(raw: &str, seg: &str) -> Result<(), TestCaseError> {
        prop_assert!(!seg.is_empty());
        prop_assert!(seg != "." && seg != "..", "dot segment from {raw:?}");
        prop_assert!(!seg.contains(['/', '?', '#', '\\', '@', ' ']), "{seg}");
        prop_assert!(seg.is_ascii());
        let back = decode_segment(seg);
        prop_assert_eq!(back.as_deref(), Some(raw));
        // The URL parser leaves it exactly as written: no folding, no re-encoding.
        let text = format!("https://management.azure.com/x/{seg}/y?api-version=1");
        let url = azure_core::http::Url::parse(&text).expect("parses");
        prop_assert_eq!(url.as_str(), text.as_str());
        prop_assert_eq!(url.host_str(), Some("management.azure.com"));
        Ok(())
    }

    /// Strings that look like the attacks and like real names, plus anything.
    fn any_name() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z0-9._()/?#%@&=:\\\\ -]{0,20}",
            "\\.{1,3}",
            "[a-z][a-z0-9]{0,13}",
            "[A-Za-z0-9]{1,8}(\\.[A-Za-z0-9]{1,8}){0,3}",
            "\\PC{0,95}",
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}[ \n]?",
            "[0-9a-fA-F./-]{34,38}",
            "[A-Za-z0-9_?&=-]{1,20}",
        ]
    }

    macro_rules! property {
        ($name:ident, $ty:ty) => {
            proptest! {
                #[test]
                fn $name(s in any_name()) {
                    match <$ty>::parse(&s) {
                        Ok(v) => safe_segment(v.as_str(), &v.segment())?,
                        Err(e) => {
                            prop_assert!(e.to_string().contains(<$ty>::RULE));
                            prop_assert!(!e.shown.chars().any(char::is_control));
                        }
                    }
                }
            }
        };
    }

    property!(subscription_ids_are_safe_segments, SubscriptionId);
    property!(resource_groups_are_safe_segments, ResourceGroup);
    property!(cluster_names_are_safe_segments, ClusterName);
    property!(pool_names_are_safe_segments, PoolName);
    property!(feature_names_are_safe_segments, FeatureName);
    property!(namespaces_are_safe_segments, ProviderNamespace);
    property!(locations_are_safe_segments, Location);

    proptest! {
        #[test]
        fn any_string_round_trips_through_segment(s in any::<String>()) {
            let seg = segment(&s);
            prop_assert!(!seg.contains(['/', '?', '#']));
            prop_assert_eq!(decode_segment(&seg), Some(s));
        }

        #[test]
        fn valid_resource_groups_are_accepted(s in "[-a-zA-Z0-9_.()é]{0,89}[-a-zA-Z0-9_()é]") {
            prop_assert!(ResourceGroup::parse(&s).is_ok(), "{s}");
        }

        #[test]
        fn valid_cluster_names_are_accepted(s in "[a-zA-Z0-9]|[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]") {
            prop_assert!(ClusterName::parse(&s).is_ok(), "{s}");
        }
    }

    #[test]
    fn the_issue_s_attacks_are_refused() {
        for s in [
            "..",
            ".",
            "../../../../Microsoft.ContainerService",
            "c1?x=1#",
            "a/b",
            "",
        ] {
            assert!(ClusterName::parse(s).is_err(), "{s}");
            assert!(ResourceGroup::parse(s).is_err(), "{s}");
            assert!(PoolName::parse(s).is_err(), "{s}");
            assert!(FeatureName::parse(s).is_err(), "{s}");
            assert!(SubscriptionId::parse(s).is_err(), "{s}");
            assert!(Location::parse(s).is_err(), "{s}");
        }
        assert!(FeatureName::parse("X?api-version=evil&").is_err());
        assert!(ProviderNamespace::parse("..").is_err());
        assert!(ProviderNamespace::parse("Microsoft..Features").is_err());
        assert!(ProviderNamespace::parse("../Microsoft.Features").is_err());
    }

    #[test]
    fn real_names_are_accepted() {
        assert!(SubscriptionId::parse("0b1f6471-1bf0-4dda-aec3-cb9272f09590").is_ok());
        assert_eq!(
            SubscriptionId::parse(" 0B1F6471-1BF0-4DDA-AEC3-CB9272F09590\n")
                .unwrap()
                .as_str(),
            "0B1F6471-1BF0-4DDA-AEC3-CB9272F09590"
        );
        assert!(SubscriptionId::parse("0b1f64711bf04ddaaec3cb9272f09590").is_err());
        for rg in ["rg1", "my_rg-(prod).v2", "grüße", "資源", "MC_rg_c1_eastus"] {
            assert!(ResourceGroup::parse(rg).is_ok(), "{rg}");
        }
        assert!(ResourceGroup::parse("rg.").is_err());
        assert!(ResourceGroup::parse(&"r".repeat(91)).is_err());
        assert_eq!(
            ResourceGroup::parse("rg(1)").unwrap().segment(),
            "rg%281%29"
        );
        assert_eq!(ResourceGroup::parse("é").unwrap().segment(), "%C3%A9");
        assert!(ClusterName::parse("my-cluster_1").is_ok() && ClusterName::parse("-a").is_err());
        assert!(PoolName::parse("np1").is_ok() && PoolName::parse("Np1").is_err());
        assert!(FeatureName::parse("AKS-GitOps_Preview2").is_ok());
        for ns in [
            "Microsoft.ContainerService",
            "microsoft.insights",
            "84codes.CloudAMQP",
            "Microsoft.Azure.Geneva",
        ] {
            assert!(ProviderNamespace::parse(ns).is_ok(), "{ns}");
        }
        assert!(ProviderNamespace::parse("Microsoft").is_err());
        assert_eq!(Location::parse("East US 2").unwrap().as_str(), "eastus2");
    }

    #[test]
    fn errors_name_the_rule_and_escape_the_value() {
        let e = ClusterName::parse("a\u{1b}]0;pwned\u{7}")
            .unwrap_err()
            .to_string();
        assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e}");
        assert!(e.contains("\\u{1b}") && e.contains("cluster name") && e.contains("1-63"));
        let long = ClusterName::parse(&"x".repeat(500)).unwrap_err();
        assert!(long.shown.chars().count() <= 81);
    }
}
