//! The `dbc` binary; everything lives in the `dbc_cli` library.

fn main() {
    let code = dbc_cli::run(std::env::args_os());
    std::process::exit(code);
}
