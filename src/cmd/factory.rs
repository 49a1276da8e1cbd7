//! What a command works with, handed to it instead of reached for: the output
//! writer ([`Ui`]), the ARM session, the prompter and the clock. This is gh's
//! `cmdutil.Factory`: `main` builds the real one from the global flags, and a
//! test builds one over a fake ARM client ([`Factory::with_arm`]) with
//! captured output ([`Ui::captured`]), a scripted prompter and a fixed date,
//! so a command runs whole in a unit test, with no terminal and no server.

use crate::arm::Arm;
use crate::cli::GlobalArgs;
use crate::config::Session;
use crate::core::catalog;
use crate::error::AppResult;
use crate::io::output::Ui;
use crate::io::prompter::{Prompter, Scripted, Terminal};
use time::Date;

/// Where sessions come from.
enum Arms {
    /// Resolved from the global flags (credential, endpoint, subscription).
    Flags(Box<GlobalArgs>),
    /// One client for every session (tests: a fake ARM).
    Fixed(Arm),
}

/// A command's collaborators.
pub struct Factory {
    ui: Ui,
    arms: Arms,
    script: Option<Vec<String>>,
    today: Option<Date>,
}

impl Factory {
    /// The real one: sessions from `global`, the terminal, today's date (or
    /// `AKSOS_TODAY`).
    pub fn new(ui: Ui, global: GlobalArgs) -> Factory {
        Factory {
            ui,
            arms: Arms::Flags(Box::new(global)),
            script: None,
            today: None,
        }
    }

    /// Every session talks to `arm` with fast polling and no replay flags.
    pub fn with_arm(ui: Ui, arm: Arm) -> Factory {
        Factory {
            ui,
            arms: Arms::Fixed(arm),
            script: None,
            today: None,
        }
    }

    /// Prompts are answered from `answers`, in order.
    pub fn scripted(mut self, answers: &[&str]) -> Factory {
        self.script = Some(answers.iter().map(|s| s.to_string()).collect());
        self
    }

    /// The clock reads `today`.
    pub fn on(mut self, today: Date) -> Factory {
        self.today = Some(today);
        self
    }

    /// The output writer (`-o json` aware).
    pub fn ui(&self) -> &Ui {
        &self.ui
    }

    /// The global flags, when sessions come from them.
    pub fn global(&self) -> Option<&GlobalArgs> {
        match &self.arms {
            Arms::Flags(g) => Some(g),
            Arms::Fixed(_) => None,
        }
    }

    /// A session from the global flags.
    pub async fn session(&self) -> AppResult<Session> {
        self.session_with(GlobalArgs::clone).await
    }

    /// A session from global flags the command adjusts first (`scan
    /// --tenant` drops the subscription, say); a fixed client ignores them.
    pub async fn session_with(
        &self,
        adjust: impl FnOnce(&GlobalArgs) -> GlobalArgs,
    ) -> AppResult<Session> {
        match &self.arms {
            Arms::Flags(g) => Session::connect(&adjust(g)).await,
            Arms::Fixed(arm) => Ok(Session {
                arm: arm.clone(),
                cadence: crate::arm::lro::Cadence {
                    first: std::time::Duration::from_millis(1),
                    max: std::time::Duration::from_millis(2),
                },
                timeout: std::time::Duration::from_secs(60),
                sandbox: None,
                replay_flags: String::new(),
            }),
        }
    }

    /// Who answers questions: the terminal, or the script.
    pub fn prompter(&self) -> Box<dyn Prompter> {
        match &self.script {
            Some(a) => {
                let a: Vec<&str> = a.iter().map(String::as_str).collect();
                Box::new(Scripted::new(&a))
            }
            None => Box::new(Terminal),
        }
    }

    /// Today, for lifecycle verdicts ([`catalog::today`] reads `AKSOS_TODAY`).
    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(catalog::today)
    }
}

/// What command tests share: parsing a command line and a factory over a
/// fake ARM with captured output.
#[cfg(test)]
pub(crate) mod test_support {
    /// The one JSON document a `--dry-run -o json` printed: asserts its first
    /// request is a PUT to a URL containing `url_part`, and returns that request.
    pub fn planned_put(stdout: &str, url_part: &str) -> serde_json::Value {
        let doc: serde_json::Value = serde_json::from_str(stdout).expect("one JSON document");
        let put = doc["requests"][0].clone();
        assert_eq!(put["method"], "PUT", "{doc}");
        assert!(
            put["url"].as_str().unwrap_or_default().contains(url_part),
            "{doc}"
        );
        put
    }

    use super::Factory;
    use crate::cli::{Cli, Command};
    use crate::io::output::{Captured, Format, Ui};
    use crate::testing::FakeArm;
    use clap::Parser;
    use std::sync::Arc;

    /// The command `aksos ARGS...` parses to.
    pub fn command(args: &[&str]) -> Command {
        let mut all = vec!["aksos"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all)
            .expect("valid command line")
            .command
    }

    /// A factory over `fake`, writing `format` into memory.
    pub fn factory(fake: &Arc<FakeArm>, format: Format) -> (Factory, Captured) {
        let (ui, out) = Ui::captured(format);
        (Factory::with_arm(ui, fake.arm()), out)
    }
}
