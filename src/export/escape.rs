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
        Value::String(s) if s.starts_with('[') && s.ends_with(']') => Value::String(format!("[{s}")),
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
        for bad in ["a\nb", "a\rb", "\u{1b}[2J", "\u{7f}", "\u{85}", "a\u{2028}", "\u{202E}x"] {
            assert!(refused_char(bad).is_some(), "{bad:?}");
        }
        for good in ["Ubuntu", "my.rg(prod)", "é ü 日本", "$(x) '\"`"] {
            assert_eq!(refused_char(good), None, "{good:?}");
        }
    }
}
