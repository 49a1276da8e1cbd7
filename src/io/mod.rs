//! The terminal side of aksos: everything that reaches the user or asks them.
//!
//! - [`output`]: the one writer. Commands print results through [`Ui`]
//!   (text or exactly one JSON document on stdout, `-o json`), warnings and
//!   notes on stderr; everything is cleaned on the way out.
//! - [`progress`]: spinners or timestamped lines on stderr while aksos waits,
//!   and the guard that bounds each wait and turns Ctrl-C into exit 130.
//! - [`prompter`]: how aksos asks ([`prompter::Prompter`]): the terminal, or
//!   a script in tests.
//!
//! The core never prints: it returns values, and a command decides how they
//! look here.

pub mod output;
pub mod progress;
pub mod prompter;

pub use output::{Format, Style, Ui};
