//! Entry point: parse flags, run the command, turn the outcome into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match aksos::cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match aksos::commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
