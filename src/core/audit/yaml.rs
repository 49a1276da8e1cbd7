//! Turns manifest text into line-numbered YAML trees, one per document.
//!
//! The text is cut at `---` lines first, so a malformed document costs only
//! itself: it becomes a [`Parsed::Malformed`] entry with its line and the
//! documents after it are still read. JSON goes through the same parser (JSON
//! is YAML flow syntax).
//!
//! An alias (`*x`) becomes a copy of its anchor's tree, so a few hundred bytes
//! of nested aliases (a "billion laughs" bomb) could ask for gigabytes. Every
//! tree built from one text is therefore costed as it grows (about
//! [`NODE_COST`] bytes per node plus its text) and the whole text stops with
//! [`TooLarge`] once its alias copies pass [`MAX_ALIAS_BYTES`], everything
//! passes [`MAX_TREE_BYTES`], or nesting passes [`MAX_DEPTH`]. Real manifests
//! stay far below all three (rendered charts and `kubectl get -o yaml` use no
//! aliases at all).

use saphyr_parser::{Event, Parser, ScanError};
use std::collections::HashMap;

/// What one node is counted as, before its text: about its size in memory.
pub const NODE_COST: u64 = 64;

/// The most one text may build, aliases expanded: 256 MiB (counted as above).
pub const MAX_TREE_BYTES: u64 = 256 * 1024 * 1024;

/// The most alias copies in one text may add: 32 MiB (counted as above).
pub const MAX_ALIAS_BYTES: u64 = 32 * 1024 * 1024;

/// What one text has built so far.
#[derive(Default)]
struct Spent {
    all: u64,
    aliases: u64,
}

/// The deepest nesting read (Kubernetes objects are a few dozen levels deep).
pub const MAX_DEPTH: usize = 512;

/// Why a whole text was refused: the trees it asks for are too large or too
/// deep. `line` is where the limit was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct TooLarge {
    pub line: usize,
    pub message: String,
}

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

/// Parses every document in `text`. Empty documents are dropped. Fails as a
/// whole when the trees pass the budget (see the module doc).
pub fn parse_documents(text: &str) -> Result<Vec<Parsed>, TooLarge> {
    let mut out = Vec::new();
    let mut spent = Spent::default();
    for (first_line, chunk) in split_documents(text) {
        match parse_chunk(chunk, &mut spent) {
            Ok(docs) => out.extend(docs.into_iter().map(|mut d| {
                shift_lines(&mut d, first_line - 1);
                Parsed::Doc(d)
            })),
            Err(ChunkError::Scan(e)) => out.push(Parsed::Malformed {
                start: first_line,
                line: e.marker().line() + first_line - 1,
                message: e.info().to_string(),
            }),
            Err(ChunkError::TooLarge(mut e)) => {
                e.line += first_line - 1;
                return Err(e);
            }
        }
    }
    Ok(out)
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

/// A container being filled while events arrive, with what its tree costs
/// so far (see [`NODE_COST`]).
enum Open {
    Seq(Node, usize, u64),
    /// The mapping, its anchor, its cost, and a key waiting for its value.
    Map(Node, usize, u64, Option<Node>),
}

enum ChunkError {
    Scan(ScanError),
    TooLarge(TooLarge),
}

/// Adds `cost` to what this text has built; fails past the budgets.
fn spend(spent: &mut Spent, cost: u64, line: usize, alias: bool) -> Result<(), ChunkError> {
    const MIB: u64 = 1024 * 1024;
    spent.all = spent.all.saturating_add(cost);
    if alias {
        spent.aliases = spent.aliases.saturating_add(cost);
    }
    let message = if spent.aliases > MAX_ALIAS_BYTES {
        format!(
            "its YAML aliases expand to more than {} MiB of copies (an alias bomb?); \
             aksos stops reading it",
            MAX_ALIAS_BYTES / MIB
        )
    } else if spent.all > MAX_TREE_BYTES {
        format!(
            "its YAML builds more than {} MiB of documents; aksos stops reading it",
            MAX_TREE_BYTES / MIB
        )
    } else {
        return Ok(());
    };
    Err(ChunkError::TooLarge(TooLarge { line, message }))
}

/// Builds trees from parser events for one piece of text, adding what they
/// cost to `spent`.
fn parse_chunk(chunk: &str, spent: &mut Spent) -> Result<Vec<Node>, ChunkError> {
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, (Node, u64)> = HashMap::new();
    for event in Parser::new_from_str(chunk) {
        let (event, span) = event.map_err(ChunkError::Scan)?;
        let line = span.start.line();
        let finished = match event {
            Event::Scalar(text, _, anchor, _) => {
                let cost = NODE_COST + text.len() as u64;
                spend(spent, cost, line, false)?;
                let node = Node {
                    line,
                    value: Value::Scalar(text.into_owned()),
                };
                remember(&mut anchors, anchor, &node, cost);
                Some((node, cost))
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((node, cost)) => {
                    // Charged before the copy is made.
                    spend(spent, *cost, line, true)?;
                    Some((node.clone(), *cost))
                }
                None => Some((
                    Node {
                        line,
                        value: Value::Scalar(String::new()),
                    },
                    NODE_COST,
                )),
            },
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ChunkError::TooLarge(TooLarge {
                        line,
                        message: format!(
                            "its YAML nests deeper than {MAX_DEPTH} levels; aksos stops reading it"
                        ),
                    }));
                }
                spend(spent, NODE_COST, line, false)?;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(
                        Node {
                            line,
                            value: Value::Seq(Vec::new()),
                        },
                        anchor,
                        NODE_COST,
                    )
                } else {
                    Open::Map(
                        Node {
                            line,
                            value: Value::Map(Vec::new()),
                        },
                        anchor,
                        NODE_COST,
                        None,
                    )
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(node, anchor, cost) | Open::Map(node, anchor, cost, _)) => {
                    remember(&mut anchors, anchor, &node, cost);
                    Some((node, cost))
                }
                None => None,
            },
            Event::DocumentEnd => {
                anchors.clear();
                None
            }
            _ => None,
        };
        if let Some((node, cost)) = finished {
            attach(&mut stack, &mut docs, node, cost);
        }
    }
    Ok(docs)
}

fn remember(anchors: &mut HashMap<usize, (Node, u64)>, anchor: usize, node: &Node, cost: u64) {
    if anchor != 0 {
        anchors.insert(anchor, (node.clone(), cost));
    }
}

/// Places a finished node into its parent (which then costs `cost` more), or
/// makes it a document root.
fn attach(stack: &mut [Open], docs: &mut Vec<Node>, node: Node, cost: u64) {
    match stack.last_mut() {
        None => docs.push(node),
        Some(Open::Seq(seq, _, total)) => {
            *total = total.saturating_add(cost);
            if let Value::Seq(items) = &mut seq.value {
                items.push(node);
            }
        }
        Some(Open::Map(map, _, total, pending)) => {
            *total = total.saturating_add(cost);
            match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((key, node));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<Node> {
        parse_documents(text)
            .unwrap()
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
        let parsed = parse_documents("kind: A\n---\nkind: [B\n  x: : ]\n---\nkind: C\n").unwrap();
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

    /// The classic bomb: nine levels of nine aliases each ask for 9^9 copies.
    fn bomb() -> String {
        let mut text = String::from("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for i in 1..10 {
            let p = i - 1;
            let refs = vec![format!("*a{p}"); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn an_alias_bomb_is_refused_within_the_budget() {
        let err = parse_documents(&bomb()).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{}", err.message);
        assert!((5..=10).contains(&err.line), "line {}", err.line);
    }

    #[test]
    fn a_big_scalar_aliased_many_times_is_refused() {
        let big = "x".repeat(1 << 20);
        let refs = vec!["*b"; 300].join(", ");
        let err = parse_documents(&format!("b: &b {big}\nc: [{refs}]\n")).unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn nesting_past_the_limit_is_refused_not_overflowing_the_stack() {
        let deep = "- ".repeat(MAX_DEPTH + 10) + "x\n";
        let err = parse_documents(&deep).unwrap_err();
        assert!(err.message.contains("nests deeper"), "{}", err.message);
        // Within the limit it reads.
        let ok = "- ".repeat(MAX_DEPTH - 1) + "x\n";
        assert_eq!(docs(&ok).len(), 1);
    }

    #[test]
    fn the_budget_is_shared_by_every_document_of_a_text() {
        // Each document alone fits; all of them together do not.
        let mut one = String::from("---\na: &a [");
        one.push_str(&vec!["\"aaaaaaaaaaaaaaaa\""; 1000].join(", "));
        one.push_str("]\nb: [");
        one.push_str(&vec!["*a"; 50].join(", "));
        one.push_str("]\n");
        assert!(parse_documents(&one).is_ok());
        let err = parse_documents(&one.repeat(10)).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{}", err.message);
    }
}
