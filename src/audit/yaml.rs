//! Turns manifest text into line-numbered YAML trees, one per document.
//!
//! The text is cut at `---` lines first, so a malformed document costs only
//! itself: it becomes a [`Parsed::Malformed`] entry with its line and the
//! documents after it are still read. JSON goes through the same parser (JSON
//! is YAML flow syntax).

use saphyr_parser::{Event, Parser, ScanError};
use std::collections::HashMap;

/// A YAML node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub value: Value,
}

/// The shapes a node can take. Scalars keep their text; the audit only needs
/// strings and booleans, so no further typing is done.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node under `key` (the key carries the line of
    /// the field itself).
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// Items of a sequence; empty for anything else.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// YAML 1.2 core-schema `true` (as Kubernetes reads booleans).
    pub fn is_true(&self) -> bool {
        matches!(self.as_str(), Some("true" | "True" | "TRUE"))
    }

    /// The string under `key`, if it is a scalar.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }
}

/// One document of a stream: a tree, or why it could not be read.
#[derive(Debug)]
pub enum Parsed {
    Doc(Node),
    /// `start` is the document's first line, `line` where the parser gave up.
    Malformed {
        start: usize,
        line: usize,
        message: String,
    },
}

/// Parses every document in `text`. Empty documents are dropped.
pub fn parse_documents(text: &str) -> Vec<Parsed> {
    let mut out = Vec::new();
    for (first_line, chunk) in split_documents(text) {
        match parse_chunk(chunk) {
            Ok(docs) => out.extend(docs.into_iter().map(|mut d| {
                shift_lines(&mut d, first_line - 1);
                Parsed::Doc(d)
            })),
            Err(e) => out.push(Parsed::Malformed {
                start: first_line,
                line: e.marker().line() + first_line - 1,
                message: e.info().to_string(),
            }),
        }
    }
    out
}

/// Cuts the text before every line that starts a document (`---` alone or
/// followed by a space). Yields the 1-based line each piece starts on.
fn split_documents(text: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if offset > start && is_document_marker(line) {
            pieces.push((start_line, &text[start..offset]));
            start = offset;
            start_line = index + 1;
        }
        offset += line.len();
    }
    if start < text.len() {
        pieces.push((start_line, &text[start..]));
    }
    pieces
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
}

fn shift_lines(node: &mut Node, by: usize) {
    node.line += by;
    match &mut node.value {
        Value::Scalar(_) => {}
        Value::Seq(items) => items.iter_mut().for_each(|n| shift_lines(n, by)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift_lines(k, by);
            shift_lines(v, by);
        }),
    }
}

/// A container being filled while events arrive.
enum Open {
    Seq(Node, usize),
    /// The mapping, its anchor, and a key waiting for its value.
    Map(Node, usize, Option<Node>),
}

/// Builds trees from parser events for one piece of text.
fn parse_chunk(chunk: &str) -> Result<Vec<Node>, ScanError> {
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    for event in Parser::new_from_str(chunk) {
        let (event, span) = event?;
        let line = span.start.line();
        let finished = match event {
            Event::Scalar(text, _, anchor, _) => {
                let node = Node {
                    line,
                    value: Value::Scalar(text.into_owned()),
                };
                remember(&mut anchors, anchor, &node);
                Some(node)
            }
            Event::Alias(id) => Some(anchors.get(&id).cloned().unwrap_or(Node {
                line,
                value: Value::Scalar(String::new()),
            })),
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq(
                    Node {
                        line,
                        value: Value::Seq(Vec::new()),
                    },
                    anchor,
                ));
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map(
                    Node {
                        line,
                        value: Value::Map(Vec::new()),
                    },
                    anchor,
                    None,
                ));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(node, anchor) | Open::Map(node, anchor, _)) => {
                    remember(&mut anchors, anchor, &node);
                    Some(node)
                }
                None => None,
            },
            Event::DocumentEnd => {
                anchors.clear();
                None
            }
            _ => None,
        };
        if let Some(node) = finished {
            attach(&mut stack, &mut docs, node);
        }
    }
    Ok(docs)
}

fn remember(anchors: &mut HashMap<usize, Node>, anchor: usize, node: &Node) {
    if anchor != 0 {
        anchors.insert(anchor, node.clone());
    }
}

/// Places a finished node into its parent, or makes it a document root.
fn attach(stack: &mut [Open], docs: &mut Vec<Node>, node: Node) {
    match stack.last_mut() {
        None => docs.push(node),
        Some(Open::Seq(seq, _)) => {
            if let Value::Seq(items) = &mut seq.value {
                items.push(node);
            }
        }
        Some(Open::Map(map, _, pending)) => match pending.take() {
            None => *pending = Some(node),
            Some(key) => {
                if let Value::Map(entries) = &mut map.value {
                    entries.push((key, node));
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<Node> {
        parse_documents(text)
            .into_iter()
            .filter_map(|p| match p {
                Parsed::Doc(d) => Some(d),
                Parsed::Malformed { .. } => None,
            })
            .collect()
    }

    #[test]
    fn fields_carry_the_line_they_are_written_on() {
        let d = &docs("kind: Pod\nspec:\n  hostPID: true\n  volumes:\n  - name: a\n")[0];
        let (key, value) = d.get("spec").unwrap().entry("hostPID").unwrap();
        assert_eq!(key.line, 3);
        assert!(value.is_true());
        let vol = &d.path(&["spec", "volumes"]).unwrap().items()[0];
        assert_eq!(vol.line, 5);
        assert_eq!(vol.str_at("name"), Some("a"));
    }

    #[test]
    fn lines_count_from_the_top_of_the_file_across_documents() {
        let all = docs("# head\n---\nkind: A\n---\nkind: B\nx: 1\n");
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].entry("x").unwrap().0.line, 6);
    }

    #[test]
    fn a_broken_document_is_reported_and_the_next_one_is_read() {
        let parsed = parse_documents("kind: A\n---\nkind: [B\n  x: : ]\n---\nkind: C\n");
        assert!(matches!(parsed[0], Parsed::Doc(_)));
        match &parsed[1] {
            Parsed::Malformed { line, .. } => assert!((3..=5).contains(line), "line {line}"),
            other => panic!("expected malformed, got {other:?}"),
        }
        match &parsed[2] {
            Parsed::Doc(d) => assert_eq!(d.str_at("kind"), Some("C")),
            other => panic!("expected a document, got {other:?}"),
        }
    }

    #[test]
    fn json_is_read_with_lines() {
        let d = &docs("{\n  \"kind\": \"Pod\",\n  \"spec\": {\"hostIPC\": true}\n}\n")[0];
        assert_eq!(d.str_at("kind"), Some("Pod"));
        assert_eq!(d.get("spec").unwrap().entry("hostIPC").unwrap().0.line, 3);
    }

    #[test]
    fn aliases_resolve_to_their_anchor() {
        let d = &docs("a: &x {k: v}\nb: *x\n")[0];
        assert_eq!(d.path(&["b", "k"]).and_then(Node::as_str), Some("v"));
    }
}
