//! How aksos asks: the [`Prompter`] trait, the real [`Terminal`] (dialoguer,
//! with the [`Plain`] theme) and [`Scripted`], which answers from a list so
//! the wizard and any command that asks are tested without a terminal.
//!
//! A cancelled prompt (Esc, Ctrl-C) becomes [`AppError::Interrupted`]: exit
//! 130, nothing sent.

use crate::error::{AppError, AppResult};
use dialoguer::Confirm;
use std::collections::VecDeque;

/// Asks questions; a test answers from a script.
pub trait Prompter {
    fn yes_no(&mut self, question: &str, default: bool) -> AppResult<bool>;
    /// Free text, empty allowed; `check` runs on each answer as typed and an
    /// `Err` message asks again.
    fn text(
        &mut self,
        question: &str,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> AppResult<String>;
    /// A line to show (a switch that preflight refused, say).
    fn note(&mut self, line: &str);
}

/// The terminal, through dialoguer (as the other wizard questions).
pub struct Terminal;

impl Prompter for Terminal {
    fn yes_no(&mut self, question: &str, default: bool) -> AppResult<bool> {
        yes_no(question, default)
    }

    fn text(
        &mut self,
        question: &str,
        check: &dyn Fn(&str) -> Result<(), String>,
    ) -> AppResult<String> {
        let answer: String = dialoguer::Input::<String>::with_theme(&Plain)
            .with_prompt(question)
            .allow_empty(true)
            .validate_with(|s: &String| check(s.trim()))
            .interact_text()
            .map_err(prompt_failed)?;
        Ok(answer.trim().to_string())
    }

    fn note(&mut self, line: &str) {
        eprintln!("{}", crate::sanitize::text(line));
    }
}

/// Answers from a script, in order (an empty answer takes the default);
/// records each question asked and each answer a check refused.
#[derive(Debug, Default)]
pub struct Scripted {
    answers: VecDeque<String>,
    /// The questions asked, in order.
    pub asked: Vec<String>,
    /// The messages of refused answers and notes shown.
    pub refused: Vec<String>,
}

impl Scripted {
    pub fn new(answers: &[&str]) -> Scripted {
        Scripted {
            answers: answers.iter().map(|s| s.to_string()).collect(),
            ..Scripted::default()
        }
    }

    fn next(&mut self, q: &str) -> String {
        self.asked.push(q.to_string());
        self.answers.pop_front().unwrap_or_default()
    }
}

impl Prompter for Scripted {
    fn yes_no(&mut self, q: &str, default: bool) -> AppResult<bool> {
        Ok(match self.next(q).as_str() {
            "y" => true,
            "n" => false,
            _ => default,
        })
    }

    fn text(&mut self, q: &str, check: &dyn Fn(&str) -> Result<(), String>) -> AppResult<String> {
        loop {
            let a = self.next(q);
            match check(&a) {
                Ok(()) => return Ok(a),
                Err(m) => self.refused.push(m),
            }
        }
    }

    fn note(&mut self, line: &str) {
        self.refused.push(line.to_string());
    }
}

/// dialoguer's plain theme, except that a question keeps its question mark
/// without a colon after it ("Which OS?", not "Which OS?:").
pub struct Plain;

fn label(prompt: &str) -> String {
    if prompt.ends_with('?') {
        prompt.to_string()
    } else {
        format!("{prompt}:")
    }
}

impl dialoguer::theme::Theme for Plain {
    fn format_prompt(&self, f: &mut dyn std::fmt::Write, prompt: &str) -> std::fmt::Result {
        write!(f, "{}", label(prompt))
    }

    fn format_input_prompt(
        &self,
        f: &mut dyn std::fmt::Write,
        prompt: &str,
        default: Option<&str>,
    ) -> std::fmt::Result {
        match default {
            Some(d) => write!(
                f,
                "{prompt} [{d}]{} ",
                if prompt.ends_with('?') { "" } else { ":" }
            ),
            None => write!(f, "{} ", label(prompt)),
        }
    }

    fn format_input_prompt_selection(
        &self,
        f: &mut dyn std::fmt::Write,
        prompt: &str,
        sel: &str,
    ) -> std::fmt::Result {
        write!(f, "{} {sel}", label(prompt))
    }
}

pub fn cancelled() -> AppError {
    // A choice list hides the cursor; give it back before the message.
    let _ = console::Term::stderr().show_cursor();
    AppError::Interrupted {
        hint: "nothing was sent.".into(),
    }
}

pub fn prompt_failed(e: dialoguer::Error) -> AppError {
    let dialoguer::Error::IO(io) = e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        cancelled()
    } else {
        AppError::Io(format!("cannot read the answer: {io}"))
    }
}

pub fn yes_no(question: &str, default: bool) -> AppResult<bool> {
    Confirm::with_theme(&Plain)
        .with_prompt(question)
        .default(default)
        .interact_opt()
        .map_err(prompt_failed)?
        .ok_or_else(cancelled)
}
