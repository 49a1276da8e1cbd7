//! Quoting for the commands aksos prints for people to paste into a shell
//! (the wizard's "same, scripted" line, scan's migrate hints, "check it with"
//! hints). Every value goes through [`quote`], so a valid resource group such
//! as `my.rg(prod)` pastes into bash, zsh or sh as one word.
//!
//! The rule is POSIX single quoting: a word made only of characters no shell
//! treats specially is printed bare (so common commands stay readable); any
//! other word is wrapped in `'...'`, where nothing is special, and each `'`
//! inside becomes `'\''` (close, escaped quote, reopen).

use std::borrow::Cow;

/// Characters that never need quoting in a POSIX shell word (`=` and `:` are
/// safe outside the first word and an assignment position, which is where
/// aksos puts values).
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '-' | '_' | '.' | '/' | ':' | ',' | '@' | '%' | '+' | '=')
}

/// One shell word that the shell reads back as exactly `s`.
pub fn quote(s: &str) -> Cow<'_, str> {
    if !s.is_empty() && s.chars().all(is_plain) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::quote;
    use proptest::prelude::*;

    #[test]
    fn plain_words_stay_readable() {
        assert_eq!(quote("rg1"), "rg1");
        assert_eq!(quote("Standard_D4s_v5"), "Standard_D4s_v5");
        assert_eq!(quote("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(quote("my.rg(prod)"), "'my.rg(prod)'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }

    /// bash reads every quoted word back as the original (no expansion, no
    /// splitting). Skipped where bash is not installed.
    fn bash_echo(words: &[String]) -> Option<Vec<String>> {
        let script = format!(
            "printf '%s\\0' {}",
            words
                .iter()
                .map(|w| quote(w).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &script])
            .output()
            .ok()?;
        assert!(out.status.success(), "{script}: {out:?}");
        let text = String::from_utf8(out.stdout).expect("utf-8");
        Some(text.split_terminator('\0').map(str::to_string).collect())
    }

    #[test]
    fn bash_reads_back_names_with_shell_characters() {
        let words: Vec<String> = [
            "my.rg(prod)",
            "a b",
            "it's",
            "$(rm -rf x)",
            "*",
            "~",
            "#x",
            "!x",
            "",
        ]
        .map(String::from)
        .to_vec();
        if let Some(back) = bash_echo(&words) {
            assert_eq!(back, words);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn bash_round_trips_any_printable_words(words in proptest::collection::vec("[ -~]{0,16}", 1..6)) {
            if let Some(back) = bash_echo(&words) {
                prop_assert_eq!(back, words);
            }
        }
    }
}
