//! Entry point: parse flags, run the command, turn the outcome into an exit code.

use clap::parser::ValueSource;
use std::process::ExitCode;

fn main() -> ExitCode {
    let parsed = aksos::cli::parse_with_matches();
    let cli = match parsed {
        Ok((mut cli, m)) => {
            cli.global.subscription_from_env =
                m.value_source("subscription") == Some(ValueSource::EnvVariable);
            cli
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match aksos::cmd::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // Server text and secrets never reach the terminal raw.
            eprintln!("error: {}", aksos::sanitize::text(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}
