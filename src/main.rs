//! The `piao` binary: parses the command line and runs the command.

use clap::Parser;

fn main() {
    let cli = piao::cli::Cli::parse();
    let code = piao::commands::run(cli);
    std::process::exit(code);
}
