//! `aksos apply -f FILE`: read and check the whole file before any runtime,
//! credential or request (exit 2, every error with its path, nothing sent),
//! then hand it to the apply engine ([`crate::apply`]) with the factory's
//! session and writer. `--example` prints the commented example file.

use crate::apply::{apply, file, EXAMPLE};
use crate::cli::ApplyArgs;
use crate::cmd::factory::Factory;
use crate::error::AppResult;
use std::collections::BTreeSet;

/// Runs `aksos apply`.
pub fn run(a: &ApplyArgs, f: &Factory) -> AppResult<u8> {
    let ui = f.ui();
    if a.example {
        print!("{EXAMPLE}");
        return Ok(0);
    }
    let path = a.file.as_ref().expect("clap requires --file");
    let text = crate::infile::read_text(path, "--file")?;
    // Whole-file preflight before any runtime, credential or request.
    let work = file::load(&text)?;
    let mut seen = BTreeSet::new();
    for (at, f) in work.iter().flat_map(|w| &w.findings) {
        for w in &f.warnings {
            if seen.insert(w.clone()) {
                ui.warn(&format!("{at}: {w}"));
            }
        }
    }
    let rt = crate::cmd::runtime()?;
    rt.block_on(async {
        let s = f.session().await?;
        apply(&work, a, &s, ui).await
    })
}
