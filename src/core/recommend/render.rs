//! How a [`Recommendation`] reaches the user: a short text a person reads in ten
//! seconds (the choice, why, what to watch, what it needs, the command), or a
//! JSON document with the answers and every option.

use super::answers::Answers;
use super::engine::{RankedOption, Recommendation};
use super::needs::{Commands, RequiredSetting};
use super::rules::{GUIDANCE_TITLE, GUIDANCE_URL};
use crate::core::catalog::Verdict;
use crate::io::output::{Style, Ui};
use std::fmt::Write as _;
use time::Date;

/// How many alternatives the text shows below the recommendation.
const ALTERNATIVES_SHOWN: usize = 3;

/// The text report.
pub fn text(rec: &Recommendation, ui: &Ui) -> String {
    let mut out = String::with_capacity(2048);
    match rec.top() {
        Some(top) => write_top(&mut out, top, ui),
        None => {
            let _ = writeln!(
                out,
                "{}",
                ui.paint("No OS fits every requirement.", Style::Bad)
            );
        }
    }
    if !rec.notes.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            ui.paint(
                &format!("Advice from {GUIDANCE_TITLE}, read with today's lifecycle"),
                Style::Strong
            )
        );
        let _ = writeln!(out, "  {}", ui.paint(GUIDANCE_URL, Style::Dim));
        for note in &rec.notes {
            let _ = writeln!(out, "  * {note}");
        }
    }
    let alternatives: Vec<&RankedOption> = rec.ranked().skip(1).collect();
    if !alternatives.is_empty() {
        let _ = writeln!(out, "\n{}", ui.paint("Alternatives", Style::Strong));
        for alt in alternatives.iter().take(ALTERNATIVES_SHOWN) {
            let rank = alt.rank.unwrap_or_default();
            let _ = writeln!(
                out,
                "  {rank}. {:<20} {}",
                alt.sku.api_value, alt.sku.summary
            );
            if let Some(warning) = alt.warnings.first() {
                let _ = writeln!(
                    out,
                    "     {}",
                    ui.paint(&format!("! {warning}"), Style::Warn)
                );
            }
        }
        if alternatives.len() > ALTERNATIVES_SHOWN {
            let more = alternatives.len() - ALTERNATIVES_SHOWN;
            let _ = writeln!(
                out,
                "  {}",
                ui.paint(&format!("(+{more} more with -o json)"), Style::Dim)
            );
        }
    }
    let excluded: Vec<&RankedOption> = rec.excluded().collect();
    if !excluded.is_empty() {
        let _ = writeln!(out, "\n{}", ui.paint("Excluded", Style::Strong));
        for option in excluded {
            let first = option
                .blockers
                .first()
                .map(String::as_str)
                .unwrap_or_default();
            let more = match option.blockers.len() {
                0 | 1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            let _ = writeln!(
                out,
                "  {:<20} {}",
                option.sku.api_value,
                ui.paint(&format!("{first}{more}"), Style::Bad)
            );
        }
    }
    out
}

fn write_top(out: &mut String, top: &RankedOption, ui: &Ui) {
    let _ = writeln!(
        out,
        "Recommended: {} — {}",
        ui.paint(top.sku.api_value, Style::Good),
        top.sku.display_name
    );
    let _ = writeln!(out, "  {}", top.sku.summary);
    if !top.reasons.is_empty() {
        let _ = writeln!(out, "\n{}", ui.paint("Why", Style::Strong));
        for reason in &top.reasons {
            let _ = writeln!(out, "  + {reason}");
        }
    }
    if !top.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", ui.paint("Watch out", Style::Strong));
        for warning in &top.warnings {
            let _ = writeln!(out, "  {}", ui.paint(&format!("! {warning}"), Style::Warn));
        }
    }
    if !top.required_settings.is_empty() {
        let _ = writeln!(out, "\n{}", ui.paint("Needs", Style::Strong));
        for setting in &top.required_settings {
            match &setting.flag {
                Some(flag) => {
                    let _ = writeln!(
                        out,
                        "  - {}  {}",
                        setting.setting,
                        ui.paint(flag, Style::Dim)
                    );
                }
                None => {
                    let _ = writeln!(out, "  - {}", setting.setting);
                }
            }
        }
    }
    let _ = writeln!(out, "\n{}", ui.paint("Run", Style::Strong));
    if let Some(prepare) = &top.commands.prepare {
        let _ = writeln!(out, "  {prepare}");
    }
    let _ = writeln!(out, "  {}", top.commands.nodepool_add);
    let _ = writeln!(out, "  {}", top.commands.cluster_create);
}

/// The `-o json` document.
#[derive(Debug, serde::Serialize)]
pub struct JsonDocument<'a> {
    pub today: String,
    pub answers: &'a Answers,
    /// The `osSKU` of the recommendation, or null when every option is excluded.
    pub recommended: Option<&'static str>,
    pub notes: &'a [String],
    pub options: Vec<JsonOption<'a>>,
}

/// One option in the JSON document.
#[derive(Debug, serde::Serialize)]
pub struct JsonOption<'a> {
    pub os_sku: &'static str,
    pub display_name: &'static str,
    /// 1 is the recommendation; null when excluded.
    pub rank: Option<usize>,
    pub score: i32,
    pub summary: &'static str,
    pub reasons: &'a [String],
    pub blockers: &'a [String],
    pub warnings: &'a [String],
    pub lifecycle: &'a Verdict,
    pub required_settings: &'a [RequiredSetting],
    pub feature_flag: Option<&'static str>,
    pub api_version: &'static str,
    pub kubernetes: String,
    pub commands: &'a Commands,
}

/// Builds the JSON document for `rec`.
pub fn json_document<'a>(
    answers: &'a Answers,
    today: Date,
    rec: &'a Recommendation,
) -> JsonDocument<'a> {
    JsonDocument {
        today: today.to_string(),
        answers,
        recommended: rec.top().map(|o| o.sku.api_value),
        notes: &rec.notes,
        options: rec
            .options
            .iter()
            .map(|o| JsonOption {
                os_sku: o.sku.api_value,
                display_name: o.sku.display_name,
                rank: o.rank,
                score: o.score,
                summary: o.sku.summary,
                reasons: &o.reasons,
                blockers: &o.blockers,
                warnings: &o.warnings,
                lifecycle: &o.verdict,
                required_settings: &o.required_settings,
                feature_flag: o.sku.feature_flag,
                api_version: o.sku.api_version(),
                kubernetes: o.sku.kubernetes_range(),
                commands: &o.commands,
            })
            .collect(),
    }
}
