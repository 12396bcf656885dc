//! Project automation for dbc-rs: `cargo xtask <command>`.
//!
//! Commands are dispatched by [`main`] through one `match`; adding a command is adding a module
//! and one arm (plus a line in [`USAGE`]).

mod bench;
mod bench_fleet;
mod bench_monitor;
mod codegen;
mod lint;
mod man;
mod package;
mod report;
mod soak;

use std::path::PathBuf;
use std::process::ExitCode;

/// Shown for `help`, no command, or an unknown command.
const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  codegen [--check]   write docs/api/endpoints.md and docs/api/openapi.json from the registry
                      (--check: only compare, exit 1 if the committed files are stale)
  lint                dependency rule, cargo fmt --check, clippy -D warnings, rustdoc -D warnings,
                      cargo deny check bans licenses sources (if installed; policy in deny.toml)
  bench [--quick]     run every benchmark; write target/bench/summary.json and the table in
                      docs/benchmarks.md (--quick: smaller runs, < 5 min on 2 cores)
  soak [--quick]      64 concurrent clients, mixed requests and VM create/delete against the
                      simulator; checks errors, fds, RSS and leaks; updates docs/reliability.md
                      (--requests N, --vms N; --quick: 10,000 requests, 1,000 VMs)
  man [--check]       write the dbc man pages to docs/man/ (clap_mangen; --check: only
                      compare, exit 1 when docs/man/ is stale)
  package             check that `cargo package` publishes only manifest, README, licences
                      and src/ for each crate
  help                show this message
";

/// The workspace root (the parent of `xtask/`).
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "codegen" => codegen::run(rest),
        "lint" => lint::run(rest),
        "bench" => bench::run(rest),
        "soak" => soak::run(rest),
        "man" => man::run(rest),
        "package" => package::run(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}
