//! The `piao` binary: parses the command line and runs the command. Started with a
//! double-click (no arguments, no terminal), it opens the annex in the browser instead
//! (see `piao::launch`).

use clap::Parser;

fn main() {
    if let Some(code) = piao::launch::double_click() {
        std::process::exit(code);
    }
    let cli = match piao::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help, version or a usage error, printed by clap; a stream that cannot be
            // written ends with 2 (a closed pipe aside), as for every command.
            let code = match e.print() {
                Err(w) if w.kind() != std::io::ErrorKind::BrokenPipe => 2,
                _ => e.exit_code(),
            };
            std::process::exit(code);
        }
    };
    let code = piao::commands::run(cli);
    std::process::exit(code);
}
