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
    /// Writes go to this thread's [`Captured`] buffers instead of the
    /// terminal (unit tests of commands; see [`Ui::captured`]).
    captured: bool,
}

thread_local! {
    /// stdout and stderr of a captured [`Ui`] on this thread.
    static CAPTURE: std::cell::RefCell<(String, String)> = const {
        std::cell::RefCell::new((String::new(), String::new()))
    };
}

/// What a captured [`Ui`] wrote on this thread, stdout and stderr apart.
#[derive(Debug)]
pub struct Captured;

impl Captured {
    /// Everything written to stdout so far.
    pub fn stdout(&self) -> String {
        CAPTURE.with(|c| c.borrow().0.clone())
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        CAPTURE.with(|c| c.borrow().1.clone())
    }
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
            captured: false,
        }
    }

    /// A Ui whose writes stay in memory on this thread, for tests that check
    /// what a command prints without a terminal: no colour, no prompts.
    pub fn captured(format: Format) -> (Ui, Captured) {
        CAPTURE.with(|c| *c.borrow_mut() = (String::new(), String::new()));
        let ui = Ui {
            format,
            color: false,
            stderr_tty: false,
            can_prompt: false,
            captured: true,
        };
        (ui, Captured)
    }

    /// One line on stdout (or the capture). A closed pipe (`| head`) is not
    /// an error worth a panic.
    fn out(&self, s: &str) {
        use std::io::Write;
        if self.captured {
            CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                c.0.push_str(s);
                c.0.push('\n');
            });
        } else {
            let _ = writeln!(std::io::stdout().lock(), "{s}");
        }
    }

    /// One line on stderr (or the capture).
    fn err(&self, s: &str) {
        use std::io::Write;
        if self.captured {
            CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                c.1.push_str(s);
                c.1.push('\n');
            });
        } else {
            let _ = writeln!(std::io::stderr().lock(), "{s}");
        }
    }

    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    /// Prints a JSON value on stdout, pretty.
    pub fn print_json(&self, v: &impl serde::Serialize) {
        match serde_json::to_string_pretty(v) {
            Ok(s) => self.out(&crate::sanitize::json_text(&s)),
            Err(e) => self.err(&format!("error: could not encode JSON: {e}")),
        }
    }

    /// One line of a text result on stdout. Under `-o json` stdout carries
    /// only the one JSON document, so a text line goes to stderr instead:
    /// nothing a command says can break `aksos ... -o json | jq`.
    pub fn line(&self, s: impl AsRef<str>) {
        if self.json() {
            self.err(s.as_ref());
        } else {
            self.out(s.as_ref());
        }
    }

    /// One line of the conversation on stderr, as is (the wizard's questions
    /// and summaries, which never carry a server's text unchecked).
    pub fn say(&self, s: impl AsRef<str>) {
        self.err(s.as_ref());
    }

    /// Generated text (completions, man page) on stdout, as is.
    pub fn raw(&self, bytes: &[u8]) {
        use std::io::Write;
        if self.captured {
            CAPTURE.with(|c| c.borrow_mut().0.push_str(&String::from_utf8_lossy(bytes)));
        } else {
            let _ = std::io::stdout().lock().write_all(bytes);
        }
    }

    /// A warning on stderr.
    pub fn warn(&self, msg: &str) {
        self.err(&format!("warning: {}", crate::sanitize::text(msg)));
    }

    /// A note on stderr (progress, hints).
    pub fn note(&self, msg: &str) {
        self.err(&crate::sanitize::text(msg));
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
