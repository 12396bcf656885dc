//! Writes the `dbc` man pages (section 1, one per command: `dbc.1`, `dbc-vm.1`,
//! `dbc-vm-list.1`, …) into a directory. Used by `cargo xtask man [--check]`:
//!
//! ```sh
//! cargo run -p dbc-cli --example man -- docs/man
//! ```
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn render(cmd: &clap::Command, name: &str, dir: &Path) -> Result<usize, String> {
    let page = cmd
        .clone()
        .name(name.to_owned())
        .bin_name(name.replace('-', " "));
    let mut buf: Vec<u8> = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .map_err(|e| format!("rendering {name}: {e}"))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, &buf).map_err(|e| format!("writing {}: {e}", path.display()))?;
    let mut n = 1;
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        n += render(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(n)
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: man DIR");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let mut cmd = dbc_cli::command();
    cmd.build();
    match render(&cmd, "dbc", &dir) {
        Ok(n) => {
            eprintln!("wrote {n} man pages to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
