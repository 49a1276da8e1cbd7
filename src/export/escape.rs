//! Writing one value into each language an export is written in, so that a
//! value is always data and never code, whatever it holds.
//!
//! | language  | filter  | how                                                        |
//! |-----------|---------|------------------------------------------------------------|
//! | bash      | `shq`   | bare when only safe characters, else `'…'` with `'\''`     |
//! | HCL       | `hcl`   | `"…"` with `\\ \" \n \r \t \uNNNN`, `${`→`$${`, `%{`→`%%{`  |
//! | Bicep     | `bicep` | `'…'` with `\\ \' \n \r \t \u{X}`, `${`→`\${`              |
//! | ARM JSON  | `arm`   | JSON, and a string shaped `[…]` (an ARM expression) → `[[…]` |
//!
//! Before any of this, [`refused_char`] keeps values with control characters
//! (and the invisible characters that reorder or break lines) out of every
//! export: they would end a comment line or hide code from a reviewer.

use serde_json::Value;

/// The first character of `s` that no export writes: a control character
/// (C0, DEL, C1: newline, escape, ...), a Unicode line or paragraph separator,
/// or a bidirectional formatting character (which can make code read
/// differently from what runs).
pub fn refused_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}'
                    | '\u{2029}'
                    | '\u{061C}'
                    | '\u{200E}'
                    | '\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}'
            )
    })
}

/// One bash word that expands to exactly `s`: bare when every character is
/// safe, else single-quoted (inside single quotes nothing is special; a `'`
/// is written as `'\''`). Correct for any string without NUL.
pub fn shell(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// An HCL quoted string that evaluates to exactly `s` (template sequences
/// escaped, so nothing is interpolated).
pub fn hcl(s: &str) -> String {
    format!("\"{}\"", hcl_literal(s))
}

/// The inside of an HCL quoted string for `s`, for writing next to an
/// interpolation the template itself owns.
pub fn hcl_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                // `${` and `%{` open a template sequence; doubling the first
                // character makes them literal.
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => push_hcl_unicode(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

fn push_hcl_unicode(out: &mut String, c: char) {
    let n = c as u32;
    if n <= 0xFFFF {
        out.push_str(&format!("\\u{n:04X}"));
    } else {
        out.push_str(&format!("\\U{n:08X}"));
    }
}

/// A Bicep single-quoted string that evaluates to exactly `s` (no
/// interpolation).
pub fn bicep(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `v` with every string that ARM would evaluate as a template expression
/// (one that starts with `[` and ends with `]`) escaped as `[[…]`, which ARM
/// reads back as the literal text.
pub fn arm(v: Value) -> Value {
    match v {
        Value::String(s) if s.starts_with('[') && s.ends_with(']') => {
            Value::String(format!("[{s}"))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(arm).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, arm(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(shell("Standard_D4s_v5"), "Standard_D4s_v5");
        assert_eq!(shell("a b"), "'a b'");
        assert_eq!(shell("it's"), r"'it'\''s'");
        assert_eq!(shell(""), "''");
        assert_eq!(shell("$(touch x)"), "'$(touch x)'");
    }

    #[test]
    fn hcl_strings_interpolate_nothing() {
        assert_eq!(hcl("plain"), "\"plain\"");
        assert_eq!(hcl("${file(\"x\")}"), r#""$${file(\"x\")}""#);
        assert_eq!(hcl("%{ if true }"), "\"%%{ if true }\"");
        assert_eq!(hcl("$${x}"), "\"$$${x}\"");
        assert_eq!(hcl("a\\b\n"), r#""a\\b\n""#);
        assert_eq!(hcl("\u{1b}"), r#""\u001B""#);
        assert_eq!(hcl("$ and %"), "\"$ and %\"");
    }

    #[test]
    fn bicep_strings_interpolate_nothing() {
        assert_eq!(bicep("plain"), "'plain'");
        assert_eq!(bicep("it's ${x}"), r"'it\'s \${x}'");
        assert_eq!(bicep("a\\b"), r"'a\\b'");
        assert_eq!(bicep("\u{7}"), r"'\u{7}'");
    }

    #[test]
    fn arm_expressions_become_literals() {
        let v = serde_json::json!({"a": "[concat('x')]", "b": ["[x] y", "[[z]"], "c": 1});
        assert_eq!(
            arm(v),
            serde_json::json!({"a": "[[concat('x')]", "b": ["[x] y", "[[[z]"], "c": 1})
        );
    }

    #[test]
    fn refused_characters() {
        for bad in [
            "a\nb",
            "a\rb",
            "\u{1b}[2J",
            "\u{7f}",
            "\u{85}",
            "a\u{2028}",
            "\u{202E}x",
        ] {
            assert!(refused_char(bad).is_some(), "{bad:?}");
        }
        for good in ["Ubuntu", "my.rg(prod)", "é ü 日本", "$(x) '\"`"] {
            assert_eq!(refused_char(good), None, "{good:?}");
        }
    }

    /// What Bicep reads from a single-quoted string (its documented escapes),
    /// or None when the text is not one literal (an unescaped `'` or `${`).
    fn bicep_value(quoted: &str) -> Option<String> {
        let inner = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
        let mut out = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next()? {
                    '\\' => out.push('\\'),
                    '\'' => out.push('\''),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '$' => out.push('$'),
                    'u' => {
                        let rest: String = chars.by_ref().take_while(|&c| c != '}').collect();
                        let hex = rest.strip_prefix('{')?;
                        out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                    }
                    _ => return None,
                },
                '\'' => return None,
                '$' if chars.peek() == Some(&'{') => return None,
                c => out.push(c),
            }
        }
        Some(out)
    }

    /// What ARM makes of a JSON string value: only a string that starts with
    /// `[` and ends with `]` is special; then `[[…]` is the literal `[…]` and
    /// anything else an expression (None).
    fn arm_literal(s: &str) -> Option<String> {
        if !(s.starts_with('[') && s.ends_with(']')) {
            return Some(s.to_string());
        }
        s.strip_prefix('[')
            .filter(|rest| rest.starts_with('['))
            .map(str::to_string)
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            /// For any strings (without NUL, which no argv can carry), bash
            /// expands each quoted word to exactly the original.
            #[test]
            fn bash_expands_a_quoted_word_to_the_original(
                values in prop::collection::vec("[^\\x00]{0,24}", 1..8)
            ) {
                let words: Vec<String> = values.iter().map(|v| shell(v)).collect();
                let script = format!("printf '%s\\0' {}", words.join(" "));
                let out = std::process::Command::new("bash")
                    .arg("-c")
                    .arg(&script)
                    .env("LC_ALL", "C")
                    .output()
                    .expect("bash runs");
                prop_assert!(out.status.success(), "{script}: {:?}", out);
                let mut got: Vec<String> = out
                    .stdout
                    .split(|b| *b == 0)
                    .map(|w| String::from_utf8(w.to_vec()).unwrap())
                    .collect();
                prop_assert_eq!(got.pop(), Some(String::new()));
                prop_assert_eq!(got, values);
            }

            /// An HCL2 parser reads the quoted string back as a plain string
            /// (not a template) equal to the original.
            #[test]
            fn hcl_reads_back_the_original_and_interpolates_nothing(s in "\\PC{0,40}|[$%{}\"\\\\a\n\t]{0,20}") {
                let quoted = hcl(&s);
                match hcl_edit::parser::parse_expr(&quoted) {
                    Ok(hcl_edit::expr::Expression::String(v)) => prop_assert_eq!(v.value(), &s),
                    other => prop_assert!(false, "{quoted} parsed as {other:?}"),
                }
            }

            /// Bicep reads the quoted string back as the original, and no
            /// `'` or `${` is left unescaped.
            #[test]
            fn bicep_reads_back_the_original(s in "\\PC{0,40}|[$'{}\\\\a\n]{0,20}") {
                prop_assert_eq!(bicep_value(&bicep(&s)), Some(s));
            }

            /// ARM takes every escaped string as the literal original.
            #[test]
            fn arm_takes_every_string_literally(s in "\\[?[\\[\\]a-z' ()]{0,12}\\]?") {
                let escaped = arm(Value::String(s.clone()));
                prop_assert_eq!(arm_literal(escaped.as_str().unwrap()), Some(s));
            }
        }
    }
}
