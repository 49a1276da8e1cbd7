//! The one `terraform fmt` rule a template cannot follow by itself: the `=`
//! of consecutive single-line attributes line up.
//!
//! `terraform fmt` (hclwrite) looks at each line: a line whose first `=`
//! starts a whole expression (its brackets balance on that line) is a
//! single-line attribute. A run of such lines, unbroken by a blank line, a
//! comment, a block header, a multi-line value (`tags = {`) or a closing
//! brace, has its `=` put one column after the longest name. The templates
//! write everything else (2-space indentation, one space around `=`) as fmt
//! does; this pass does only the alignment, so a template stays readable.
//!
//! Widths count characters; fmt counts grapheme clusters, which differs only
//! for names with combining marks (the output is then still valid HCL).

/// Aligns the `=` of consecutive single-line attributes, as `terraform fmt`.
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let split: Vec<Option<(String, String)>> = lines.iter().map(|l| split_attribute(l)).collect();
    let mut out = String::with_capacity(text.len() + 256);
    let mut i = 0;
    while i < lines.len() {
        if split[i].is_none() {
            out.push_str(lines[i]);
            i += 1;
            continue;
        }
        let end = (i..lines.len())
            .find(|&j| split[j].is_none())
            .unwrap_or(lines.len());
        let width = split[i..end]
            .iter()
            .flatten()
            .map(|(lead, _)| lead.chars().count())
            .max()
            .unwrap_or(0);
        for (lead, rest) in split[i..end].iter().flatten() {
            let pad = width - lead.chars().count() + 1;
            out.push_str(lead);
            out.push_str(&" ".repeat(pad));
            out.push('=');
            if !rest.trim().is_empty() {
                out.push(' ');
            }
            out.push_str(rest.trim_start_matches([' ', '\t']));
        }
        i = end;
    }
    out
}

/// `(indent + name, text after the "=")` when `line` is a single-line
/// attribute.
fn split_attribute(line: &str) -> Option<(String, String)> {
    let body = line.trim_start();
    if body.is_empty() || body.starts_with('#') || body.starts_with("//") {
        return None;
    }
    let eq = first_assign(line)?;
    let (lead, rest) = (&line[..eq], &line[eq + 1..]);
    if lead.trim().is_empty() || bracket_change(rest) != 0 {
        return None;
    }
    Some((lead.trim_end().to_string(), rest.to_string()))
}

/// Where the scanner is: in code (with the bracket depth opened since this
/// code began) or inside a quoted string.
enum Mode {
    Code(u32),
    Str,
}

/// Scans HCL source text, calling `f` for each character that is code (not
/// inside a string literal, not in a comment) with its byte offset, until `f`
/// returns false. Interpolations inside strings are code again. Returns the
/// net bracket change, counting `${` and `%{` as openings as hclwrite does.
fn scan(text: &str, mut f: impl FnMut(usize, char) -> bool) -> i32 {
    let mut modes = vec![Mode::Code(0)];
    let mut net = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match modes.last_mut() {
            Some(Mode::Str) => match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    modes.pop();
                }
                '$' | '%' if next == Some(c) => {
                    // `$${` / `%%{` is an escape: literal text.
                    chars.next();
                    if chars.peek().map(|&(_, n)| n) == Some('{') {
                        chars.next();
                    }
                }
                '$' | '%' if next == Some('{') => {
                    chars.next();
                    net += 1;
                    modes.push(Mode::Code(0));
                }
                _ => {}
            },
            Some(Mode::Code(depth)) => {
                match c {
                    '"' => modes.push(Mode::Str),
                    '#' => break,
                    '/' if next == Some('/') => break,
                    '{' | '[' | '(' => {
                        *depth += 1;
                        net += 1;
                    }
                    '}' | ']' | ')' => {
                        net -= 1;
                        if *depth > 0 {
                            *depth -= 1;
                        } else if c == '}' && modes.len() > 1 {
                            // The `}` that ends an interpolation: back in its string.
                            modes.pop();
                        }
                    }
                    _ => {}
                }
                if !f(at, c) {
                    break;
                }
            }
            None => break,
        }
    }
    net
}

/// Byte offset of the first assignment `=` on the line (not `==`, `!=`,
/// `<=`, `>=`, `=>`), outside strings.
fn first_assign(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut found = None;
    scan(line, |at, c| {
        if c != '=' {
            return true;
        }
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + 1).copied();
        let operator =
            matches!(before, Some(b'=' | b'!' | b'<' | b'>')) || matches!(after, Some(b'=' | b'>'));
        if operator {
            return true;
        }
        found = Some(at);
        false
    });
    found
}

fn bracket_change(text: &str) -> i32 {
    scan(text, |_, _| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_single_line_attributes_line_up() {
        let src = "resource \"a\" \"b\" {\n  type = \"x\"\n  parent_id = y.id\n  tags = {\n    env = \"p\"\n    team = \"q\"\n  }\n\n  body = {}\n}\n";
        let want = "resource \"a\" \"b\" {\n  type      = \"x\"\n  parent_id = y.id\n  tags = {\n    env  = \"p\"\n    team = \"q\"\n  }\n\n  body = {}\n}\n";
        assert_eq!(align(src), want);
    }

    #[test]
    fn strings_comments_and_operators_do_not_confuse_it() {
        let src = "  a = \"x = {\"\n  \"k=v\" = \"${b.c} }\"\n  # c = d\n  cond = x == \"y\"\n  lst = [a.b]\n";
        let want = "  a     = \"x = {\"\n  \"k=v\" = \"${b.c} }\"\n  # c = d\n  cond = x == \"y\"\n  lst  = [a.b]\n";
        assert_eq!(align(src), want);
    }

    #[test]
    fn escaped_template_sequences_are_text() {
        let src = "  a = \"$${x\"\n  bb = \"%%{y\"\n";
        assert_eq!(align(src), "  a  = \"$${x\"\n  bb = \"%%{y\"\n");
    }
}
