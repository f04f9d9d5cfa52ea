//! The `atlas` binary: parse the command line, run, exit with its code.

use clap::Parser;

// A build allocates many small strings from several threads at once;
// mimalloc is much faster at that than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = match atlas::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() {
                atlas::cli::EXIT_USAGE
            } else {
                atlas::cli::EXIT_OK
            };
            std::process::exit(code);
        }
    };
    std::process::exit(atlas::cli::main_with(cli));
}
