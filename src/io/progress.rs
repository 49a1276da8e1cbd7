//! Progress on stderr while aksos waits on Azure: an indicatif spinner per step
//! on a terminal (state, elapsed time, percent when Azure gives it), plain
//! timestamped lines otherwise (CI logs). Also the guard that bounds every wait
//! by `--timeout` and turns Ctrl-C into a clean exit that says what keeps running.

use crate::error::{AppError, AppResult};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::future::Future;
use std::time::{Duration, Instant};

/// Reports steps; cheap to clone into callbacks.
#[derive(Clone)]
pub struct Reporter {
    multi: Option<MultiProgress>,
    start: Instant,
    quiet: bool,
}

/// One step being reported.
pub struct Step {
    bar: Option<ProgressBar>,
    label: String,
    start: Instant,
    last: String,
    origin: Instant,
    quiet: bool,
}

impl Reporter {
    pub fn new(tty: bool) -> Reporter {
        Reporter {
            multi: tty.then(MultiProgress::new),
            start: Instant::now(),
            quiet: false,
        }
    }

    /// Reports nothing (a caller such as `apply` shows its own progress).
    pub fn quiet() -> Reporter {
        Reporter {
            multi: None,
            start: Instant::now(),
            quiet: true,
        }
    }

    /// A message about the whole run on stderr, shown even when [`quiet`]
    /// (what was done before a run stopped must reach the user whoever
    /// draws the progress).
    ///
    /// [`quiet`]: Reporter::quiet
    pub fn tell(&self, msg: &str) {
        let msg = crate::sanitize::text(msg);
        match &self.multi {
            Some(m) => {
                let _ = m.println(msg);
            }
            None => eprintln!("{msg}"),
        }
    }

    /// Starts a step, e.g. "register feature AKSFlatcarPreview".
    pub fn step(&self, label: impl Into<String>) -> Step {
        let label = label.into();
        let bar = self.multi.as_ref().map(|m| {
            let bar = m.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {prefix} {msg} {elapsed:.dim}")
                    .expect("template"),
            );
            bar.set_prefix(label.clone());
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        let step = Step {
            bar,
            label,
            start: Instant::now(),
            last: String::new(),
            origin: self.start,
            quiet: self.quiet,
        };
        if step.bar.is_none() {
            step.line("started");
        }
        step
    }
}

impl Step {
    fn line(&self, msg: &str) {
        if self.quiet {
            return;
        }
        let t = self.origin.elapsed().as_secs_f64();
        let line = crate::sanitize::text(&format!("{}: {msg}", self.label));
        eprintln!("[{t:7.1}s] {line}");
    }

    /// Reports the current state (only changes are printed off a TTY).
    pub fn update(&mut self, state: &str, percent: Option<f64>) {
        let state = crate::sanitize::text(state);
        let msg = match percent {
            Some(p) => format!("{state} ({p:.0}%)"),
            None => state,
        };
        if msg == self.last {
            return;
        }
        match &self.bar {
            Some(b) => b.set_message(msg.clone()),
            None => self.line(&msg),
        }
        self.last = msg;
    }

    /// Ends the step with a final word ("Registered", "Succeeded", "skipped").
    pub fn finish(self, msg: &str) {
        let took = self.start.elapsed();
        let text = format!("{msg} in {:.1}s", took.as_secs_f64());
        match &self.bar {
            Some(b) => {
                b.set_style(ProgressStyle::with_template("✓ {prefix} {msg}").expect("template"));
                b.finish_with_message(text);
            }
            None => self.line(&text),
        }
    }

    /// Ends the step as failed.
    pub fn fail(self, msg: &str) {
        match &self.bar {
            Some(b) => {
                b.set_style(ProgressStyle::with_template("✗ {prefix} {msg}").expect("template"));
                b.finish_with_message(msg.to_string());
            }
            None => self.line(msg),
        }
    }
}

impl Step {
    /// Ends the step according to `r` (its first line on failure) and passes `r` on.
    /// An interruption or a timeout is only named here: the error itself, with
    /// what keeps running and how to check it, is printed once, at exit.
    pub fn settle<T>(self, r: AppResult<T>, ok: &str) -> AppResult<T> {
        match &r {
            Ok(_) => self.finish(ok),
            Err(AppError::Interrupted { .. }) => self.fail("interrupted"),
            Err(AppError::Timeout { .. }) => self.fail("timed out"),
            Err(e) => self.fail(e.to_string().lines().next().unwrap_or_default()),
        }
        r
    }
}

/// Runs `fut` until it ends, the deadline passes (exit 5) or Ctrl-C (exit 130,
/// also when Ctrl-C came before this wait began: see [`crate::cancel`]).
/// `what` names what is being waited on; `hint` is the command that checks it later.
/// A poll that the HTTP client cut at the command's deadline (`RequestTimeout`,
/// `DeadlineExceeded`) is reported the same way as this wait's own deadline.
pub async fn bounded<T>(
    fut: impl Future<Output = AppResult<T>>,
    deadline: Duration,
    what: &str,
    hint: &str,
) -> AppResult<T> {
    tokio::select! {
        biased;
        _ = crate::cancel::interrupted() => Err(AppError::Interrupted {
            hint: format!("stopped waiting for {what}; it keeps running in Azure. Check it with: {hint}"),
        }),
        r = fut => match r {
            Err(AppError::Arm(e))
                if e.is_timeout() && matches!(e.code(), "RequestTimeout" | "DeadlineExceeded") =>
            {
                Err(AppError::Timeout {
                    what: what.to_string(),
                    hint: hint.to_string(),
                })
            }
            r => r,
        },
        _ = tokio::time::sleep(deadline) => Err(AppError::Timeout {
            what: what.to_string(),
            hint: hint.to_string(),
        }),
    }
}
