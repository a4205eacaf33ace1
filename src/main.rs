//! The `piao` binary: parses the command line and runs the command. Started with a
//! double-click (no arguments, no terminal), it opens the annex in the browser instead
//! (see `piao::launch`).

fn main() {
    if let Some(code) = piao::launch::double_click() {
        std::process::exit(code);
    }
    let code = match piao::cli::parse(std::env::args_os()) {
        Ok(cli) => piao::commands::run(cli),
        // Help, version or a usage error, already printed (in Italian).
        Err(code) => code,
    };
    std::process::exit(code);
}
