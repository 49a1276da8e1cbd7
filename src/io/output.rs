//! How results reach the user: text or JSON on stdout, colour only when allowed,
//! progress and warnings on stderr. Every command receives one [`Ui`]. What
//! passes here is cleaned ([`crate::sanitize`]): no secret, no raw control
//! character from a server.

use std::io::IsTerminal;

/// Output format chosen with `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    /// Comma-separated values (`scan` only; other commands refuse it).
    Csv,
}

/// What the terminal allows, decided once at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub format: Format,
    /// Colour allowed on stdout (TTY, no `--no-color`, no `NO_COLOR`).
    pub color: bool,
    /// stderr is a terminal: spinners instead of timestamped lines.
    pub stderr_tty: bool,
    /// stdin and stderr are terminals: prompts are allowed.
    pub can_prompt: bool,
}

impl Ui {
    pub fn detect(format: Format, no_color: bool) -> Ui {
        let no_color = no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        Ui {
            format,
            color: stdout_tty && !no_color,
            stderr_tty,
            can_prompt: stderr_tty && std::io::stdin().is_terminal() && !ci,
        }
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// Prints a JSON value on stdout, pretty.
    pub fn print_json(&self, v: &impl serde::Serialize) {
        use std::io::Write;
        match serde_json::to_string_pretty(v) {
            // A closed pipe (`| head`) is not an error worth a panic.
            Ok(s) => {
                let s = crate::sanitize::json_text(&s);
                let _ = writeln!(std::io::stdout().lock(), "{s}");
            }
            Err(e) => eprintln!("error: could not encode JSON: {e}"),
        }
    }

    /// One line of a text result on stdout. Under `-o json` stdout carries
    /// only the one JSON document, so a text line goes to stderr instead:
    /// nothing a command says can break `aksos ... -o json | jq`.
    pub fn line(&self, s: impl AsRef<str>) {
        use std::io::Write;
        if self.json() {
            let _ = writeln!(std::io::stderr().lock(), "{}", s.as_ref());
        } else {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{}", s.as_ref());
        }
    }

    /// Generated text (completions, man page) on stdout, as is.
    pub fn raw(&self, bytes: &[u8]) {
        use std::io::Write;
        let _ = std::io::stdout().lock().write_all(bytes);
    }

    /// A warning on stderr.
    pub fn warn(&self, msg: &str) {
        eprintln!("warning: {}", crate::sanitize::text(msg));
    }

    /// A note on stderr (progress, hints).
    pub fn note(&self, msg: &str) {
        eprintln!("{}", crate::sanitize::text(msg));
    }

    /// Paints `s` with a style when colour is allowed.
    pub fn paint(&self, s: &str, style: Style) -> String {
        if !self.color {
            return s.to_string();
        }
        let st = console::Style::new();
        let st = match style {
            Style::Bad => st.red().bold(),
            Style::Warn => st.yellow(),
            Style::Good => st.green(),
            Style::Dim => st.dim(),
            Style::Strong => st.bold(),
        };
        st.force_styling(true).apply_to(s).to_string()
    }
}

/// Semantic styles; the palette lives here only.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    Bad,
    Warn,
    Good,
    Dim,
    Strong,
}

/// A text table: the head and each row padded to their columns (widths in
/// characters), two spaces apart, without trailing blanks; the head first.
pub fn table(head: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<width$}", width = w[i]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    std::iter::once(line(head.to_vec()))
        .chain(
            rows.iter()
                .map(|r| line(r.iter().map(String::as_str).collect())),
        )
        .collect()
}
