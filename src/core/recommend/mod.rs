//! `aksos recommend`: which OS fits these node pools, and why.
//!
//! The flags (`crate::cmd::recommend`) and the wizard fill [`Answers`],
//! asking the yes/no questions from one table ([`answers::YES_NO`]); the pure
//! [`engine::recommend`] ranks every catalog SKU for a given day; [`render`]
//! prints the result as text or JSON. The wizard builds [`Answers`] itself and
//! calls the same engine.

pub mod answers;
pub mod engine;
pub mod needs;
pub mod render;
pub mod rules;

pub use answers::{Answers, Question, RunsOn, YesNo, YES_NO};
pub use engine::{recommend, RankedOption, Recommendation};
