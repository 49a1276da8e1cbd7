//! What may reach a terminal, a log or a file: text from a server (ARM, a proxy,
//! anything `--arm-endpoint` points at) is not trusted. Two dangers:
//!
//! - **Secrets.** A server may echo the request, `Authorization: Bearer …`
//!   included. Every token aksos obtains is registered here
//!   ([`register_secret`]) and replaced by `<redacted>` wherever it appears;
//!   so is anything shaped like `Bearer <credential>` or a JSON Web Token
//!   (`eyJ….….…`), whoever issued it.
//! - **Control characters.** An error code carrying `ESC [2J` clears the
//!   screen; `ESC ] 0;… BEL` retitles the window; C1 controls (U+0080–U+009F)
//!   do the same on some terminals; bidi overrides reorder what is shown.
//!   [`text`] removes whole escape sequences (CSI, OSC, DCS, …) and every other
//!   control character except newline and tab.
//!
//! The rule: server text is cleaned once when it enters ([`json_value`], used
//! by `arm::ops::decode`) and every path to the user goes through [`text`]
//! (error messages, progress, `-v` logs) or [`json_text`] (`-o json`).

use std::borrow::Cow;
use std::sync::RwLock;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not registered (they would redact ordinary words).
const MIN_SECRET_LEN: usize = 8;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Remembers a secret (a token, a client secret) so that it never appears in
/// anything [`text`], [`secrets`] or [`json_text`] returns.
pub fn register_secret(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut all = SECRETS.write().unwrap_or_else(|p| p.into_inner());
    if !all.iter().any(|s| s == secret) {
        // Longest first, so that a secret containing another is replaced whole.
        all.push(secret.to_string());
        all.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Text fit for a terminal: no secret, no escape sequence, no control character
/// other than newline and tab.
pub fn text(s: &str) -> String {
    secrets(&controls(s)).into_owned()
}

/// Replaces registered secrets, `Bearer …` credentials and JWT-shaped strings.
pub fn secrets(s: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(s);
    {
        let all = SECRETS.read().unwrap_or_else(|p| p.into_inner());
        for secret in all.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
    }
    if let Some(b) = bearer(&out) {
        out = Cow::Owned(b);
    }
    if let Some(j) = jwts(&out) {
        out = Cow::Owned(j);
    }
    out
}

/// `-o json` output: secrets redacted, and the controls serde_json leaves raw
/// (DEL, C1, bidi overrides; it already escapes C0) written as `\uXXXX`, which
/// only occur inside strings, so the JSON stays valid and equal in meaning.
pub fn json_text(s: &str) -> String {
    let s = secrets(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Cleans every string (keys too) of a JSON value from a server, in place.
pub fn json_value(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) if needs_cleaning(s) => *s = text(s),
        Value::Array(items) => items.iter_mut().for_each(json_value),
        Value::Object(map) => {
            if map.keys().any(|k| needs_cleaning(k)) {
                let old = std::mem::take(map);
                for (k, mut val) in old {
                    json_value(&mut val);
                    map.insert(text(&k), val);
                }
            } else {
                map.values_mut().for_each(json_value);
            }
        }
        _ => {}
    }
}

/// At most `max` characters of `s`, with `…` when cut (server text can be huge).
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}… ({} more bytes)", &s[..i], s.len() - i)),
    }
}

fn needs_cleaning(s: &str) -> bool {
    s.chars().any(|c| is_control(c) || c == '\u{1b}') || secrets(s) != s
}

/// C0 (but newline and tab), DEL, C1, and the Unicode bidi controls.
fn is_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Removes escape sequences whole and every other control character.
fn controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_control(c) || c == '\u{1b}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            // ESC [ … final (CSI), ESC ] … BEL/ST (OSC), ESC P/X/^/_ … ST (strings),
            // ESC + one char otherwise.
            '\u{1b}' => match it.next() {
                Some('[') => skip_csi(&mut it),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut it),
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut it),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut it),
            c if is_control(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Parameters and intermediates (0x20–0x3F) up to a final byte (0x40–0x7E).
fn skip_csi(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = it.peek() {
        if ('\u{20}'..='\u{3f}').contains(&c) {
            it.next();
        } else {
            if ('\u{40}'..='\u{7e}').contains(&c) {
                it.next();
            }
            return;
        }
    }
}

/// Up to BEL, ST (`ESC \` or U+009C), or a newline (so a missing terminator
/// cannot swallow the rest of a message).
fn skip_string(it: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = it.next() {
        match c {
            '\u{7}' | '\u{9c}' | '\n' => return,
            '\u{1b}' => {
                if it.peek() == Some(&'\\') {
                    it.next();
                }
                return;
            }
            _ => {}
        }
    }
}

/// `Bearer <credential>` (any case, also `bearer=`/`bearer:`) → `Bearer <redacted>`.
fn bearer(s: &str) -> Option<String> {
    if !s
        .as_bytes()
        .windows(6)
        .any(|w| w.eq_ignore_ascii_case(b"bearer"))
    {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut changed = false;
    while let Some(pos) = lower[i..].find("bearer") {
        let start = i + pos;
        let mut j = start + "bearer".len();
        let sep_start = j;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b':' | b'=' | b'"') {
            j += 1;
        }
        let tok_start = j;
        while j < bytes.len() && is_token_byte(bytes[j]) {
            j += 1;
        }
        if j > sep_start && tok_start > sep_start && j - tok_start >= MIN_SECRET_LEN {
            out.push_str(&s[i..tok_start]);
            out.push_str(REDACTED);
            changed = true;
        } else {
            out.push_str(&s[i..j.max(sep_start)]);
        }
        i = j.max(sep_start);
    }
    out.push_str(&s[i..]);
    changed.then_some(out)
}

/// Characters of a bearer credential (base64url, base64, JWT dots, `~`).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=')
}

/// `eyJ` followed by at least one dot-separated base64url segment → redacted.
fn jwts(s: &str) -> Option<String> {
    if !s.contains("eyJ") {
        return None;
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut changed = false;
    while let Some(pos) = s[i..].find("eyJ") {
        let start = i + pos;
        let mut j = start;
        let mut dots = 0;
        while j < bytes.len()
            && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'-' | b'_' | b'.'))
        {
            dots += usize::from(bytes[j] == b'.');
            j += 1;
        }
        if dots >= 1 && j - start >= 16 {
            out.push_str(&s[i..start]);
            out.push_str(REDACTED);
            changed = true;
        } else {
            out.push_str(&s[i..j]);
        }
        i = j;
    }
    out.push_str(&s[i..]);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_go_whole_and_newlines_stay() {
        let s = "a\u{1b}[2J\u{1b}[31mb\u{1b}]0;pwned\u{7}c\u{9b}1;2Hd\u{7}\u{8}e\nf\tg\u{202e}h";
        assert_eq!(text(s), "abcde\nf\tgh");
        // An OSC with no terminator stops at the end of the line.
        assert_eq!(text("x\u{1b}]0;title\nnext"), "xnext");
        assert_eq!(text("\u{1b}P1$r\u{1b}\\ok"), "ok");
        assert_eq!(text("plain"), "plain");
    }

    #[test]
    fn tokens_bearer_credentials_and_jwts_are_redacted() {
        register_secret("s3cr3t-token-value");
        assert_eq!(
            text("echo: s3cr3t-token-value!"),
            format!("echo: {REDACTED}!")
        );
        assert_eq!(
            text("Authorization: Bearer abcdefgh12345678"),
            format!("Authorization: Bearer {REDACTED}")
        );
        assert_eq!(
            text("authorization=bearer=ZZZZZZZZZZ rest"),
            format!("authorization=bearer={REDACTED} rest")
        );
        assert_eq!(
            text("t=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln end"),
            format!("t={REDACTED} end")
        );
        // Words that only look alike are kept.
        assert_eq!(text("a bearer of bad news"), "a bearer of bad news");
        assert_eq!(text("eyJust"), "eyJust");
    }

    #[test]
    fn json_output_stays_valid_and_carries_no_raw_controls() {
        let v = serde_json::json!({"name": "a\u{9b}2Jb\u{7f}"});
        let out = json_text(&serde_json::to_string(&v).unwrap());
        assert!(!out.chars().any(is_control));
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn server_json_is_cleaned_in_place_keys_too() {
        let mut v = serde_json::json!({
            "name": "c1\u{1b}[2J",
            "tags": {"k\u{1b}]0;x\u{7}": ["v\u{7}"]},
            "n": 1
        });
        json_value(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"name": "c1", "tags": {"k": ["v"]}, "n": 1})
        );
    }

    #[test]
    fn truncation_says_how_much_was_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("abcdef", 3), "abc… (3 more bytes)");
    }
}
