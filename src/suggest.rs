//! "Did you mean …?" for values checked outside clap (clap's own value lists
//! already suggest): OS SKUs, `migrate --to`, regions. The closest candidate
//! wins when it is close enough to be a typo (Jaro-Winkler similarity on the
//! lower-cased words, from the `strsim` crate); otherwise nothing is suggested.

/// How similar a typo must be to a candidate (0..1) to be suggested.
const THRESHOLD: f64 = 0.85;

/// The candidate closest to `input`, when it is close enough to be a typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.trim().to_ascii_lowercase();
    if input.is_empty() {
        return None;
    }
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= THRESHOLD)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// " Did you mean `X`?" or "" (ready to append to an error message).
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(input, candidates)
        .map(|c| format!(" Did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_word_and_nonsense_finds_nothing() {
        let skus = ["Ubuntu", "Ubuntu2204", "AzureLinux", "AzureContainerLinux"];
        assert_eq!(closest("Ubunto", skus), Some("Ubuntu"));
        assert_eq!(closest("azurelinx", skus), Some("AzureLinux"));
        assert_eq!(
            closest("AzureContainerLinx", skus),
            Some("AzureContainerLinux")
        );
        assert_eq!(closest("windows", skus), None);
        assert_eq!(did_you_mean("", skus), "");
        assert_eq!(did_you_mean("Ubunto", skus), " Did you mean `Ubuntu`?");
    }
}
