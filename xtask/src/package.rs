//! `cargo xtask package`: what `cargo package` would publish for each crate, checked against
//! the intended set (manifest, README, licence files, `src/**/*.rs`): no tests, fixtures,
//! benches or stray files go to crates.io.

use crate::workspace_root;
use std::process::Command;

/// The published crates.
pub const CRATES: &[&str] = &[
    "dbc-types",
    "dbc-sign",
    "dbc-transport",
    "dbc-api",
    "dbc-sim",
    "dbc-monitor",
    "dbc-cli",
];

/// Whether a packaged path is intended.
pub fn intended(path: &str) -> bool {
    matches!(
        path,
        "Cargo.toml"
            | "Cargo.toml.orig"
            | "Cargo.lock"
            | ".cargo_vcs_info.json"
            | "README.md"
            | "LICENSE-MIT"
            | "LICENSE-APACHE"
    ) || (path.starts_with("src/") && path.ends_with(".rs") && !path.contains(".."))
}

/// The files `cargo package --list` shows for `krate`.
fn list(krate: &str) -> Result<Vec<String>, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["package", "--list", "--allow-dirty", "-p", krate])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo package --list -p {krate}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Checks every crate; prints the file lists.
pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("package: unknown arguments {args:?}"));
    }
    let mut bad = Vec::new();
    for krate in CRATES {
        let files = list(krate)?;
        for must in [
            "Cargo.toml",
            "README.md",
            "LICENSE-MIT",
            "LICENSE-APACHE",
            "src/lib.rs",
        ] {
            if !files.iter().any(|f| f == must) {
                bad.push(format!("{krate}: {must} is missing"));
            }
        }
        for f in &files {
            if !intended(f) {
                bad.push(format!("{krate}: {f} would be published"));
            }
        }
        eprintln!("xtask package: {krate}: {} files", files.len());
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "unintended package contents:\n  {}",
            bad.join("\n  ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intended_paths() {
        assert!(intended("src/models/tasks.rs"));
        assert!(intended("LICENSE-MIT"));
        assert!(!intended("tests/cli.rs"));
        assert!(!intended("benches/x.rs"));
        assert!(!intended("src/fixture.json"));
    }

    /// Runs `cargo package --list` for every crate (a few seconds, no build).
    #[test]
    fn published_files_are_only_the_intended_ones() {
        if let Err(e) = run(&[]) {
            panic!("{e}");
        }
    }
}
