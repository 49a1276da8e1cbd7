//! Kubernetes versions as people type them: `1.35` or `1.35.2`.
//!
//! One parser for every door: `--kubernetes-version` on `cluster create` /
//! `nodepool add` (preflight), on `recommend`, in apply files and in the
//! wizard. It keeps the minor version ([`Minor`]), which is what the catalog's
//! support windows are written in.

use crate::core::catalog::Minor;

/// Parses `s` as `X.Y` or `X.Y.Z`; the error says what to type instead.
pub fn parse_kubernetes_version(s: &str) -> Result<Minor, String> {
    Minor::parse(s)
        .ok_or_else(|| format!("`{s}` is not a Kubernetes version; use x.y or x.y.z, e.g. 1.35"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_and_patch_versions_parse_to_their_minor() {
        assert_eq!(parse_kubernetes_version("1.35"), Ok(Minor(1, 35)));
        assert_eq!(parse_kubernetes_version(" 1.34.2 "), Ok(Minor(1, 34)));
    }

    #[test]
    fn anything_else_says_what_to_type() {
        let e = parse_kubernetes_version("latest").unwrap_err();
        assert!(e.contains("`latest`") && e.contains("x.y"), "{e}");
        assert!(parse_kubernetes_version("1.x").is_err());
    }
}
