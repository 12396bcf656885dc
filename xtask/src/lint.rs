//! `cargo xtask lint`: formatting, clippy, rustdoc and (when installed) cargo-deny.

use crate::workspace_root;
use std::process::{Command, Stdio};

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// One lint step: a name for messages, the cargo arguments and extra environment.
struct Step {
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        args: &["fmt", "--all", "--check"],
        env: &[],
    },
    Step {
        name: "clippy",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        name: "doc",
        args: &["doc", "--workspace", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-Dwarnings")],
    },
];

fn run_step(step: &Step) -> Result<(), String> {
    eprintln!("xtask lint: running `cargo {}`", step.args.join(" "));
    let status = Command::new(cargo())
        .args(step.args)
        .envs(step.env.iter().copied())
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("lint step `{}` could not start cargo: {e}", step.name))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "lint step `{}` failed ({status}): `cargo {}`",
            step.name,
            step.args.join(" ")
        ))
    }
}

fn cargo_deny_installed() -> bool {
    Command::new(cargo())
        .args(["deny", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The dependency rule (docs/architecture.md): crate → crates it must not pull in (normal deps).
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("dbc-types", &["hyper", "tokio", "sp-core", "schnorrkel"]),
    ("dbc-sign", &["hyper", "tokio"]),
    // the command line is behind dbc-sim's `cli` feature: the library pulls no clap
    ("dbc-sim", &["clap", "tracing-subscriber"]),
    (
        "dbc-transport",
        &["dbc-types", "dbc-sign", "sp-core", "schnorrkel"],
    ),
    (
        "dbc-monitor",
        &[
            "dbc-api",
            "dbc-sim",
            "dbc-types",
            "dbc-sign",
            "dbc-transport",
        ],
    ),
];

/// Checks the layering with `cargo tree -e normal`.
fn check_layers() -> Result<(), String> {
    eprintln!("xtask lint: checking the dependency rule (cargo tree -e normal)");
    for (krate, banned) in FORBIDDEN {
        let out = Command::new(cargo())
            .args([
                "tree", "-p", krate, "-e", "normal", "--prefix", "none", "--format", "{p}",
            ])
            .current_dir(workspace_root())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("lint step `layers` could not start cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "lint step `layers` failed: `cargo tree -p {krate}` exited with {}",
                out.status
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        for line in text.lines() {
            let name = line.split_whitespace().next().unwrap_or("");
            if banned.contains(&name) {
                return Err(format!(
                    "lint step `layers` failed: {krate} depends on {name} (see docs/architecture.md, the dependency rule)"
                ));
            }
        }
    }
    Ok(())
}

/// Runs every step in order and stops at the first failure.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(a) = args.first() {
        return Err(format!("`lint` takes no arguments (got `{a}`)"));
    }
    check_layers()?;
    for step in STEPS {
        run_step(step)?;
    }
    if cargo_deny_installed() {
        run_step(&Step {
            name: "deny",
            // Advisories need the advisory database from GitHub: not part of the offline lint.
            args: &["deny", "check", "bans", "licenses", "sources"],
            env: &[],
        })?;
    } else {
        eprintln!("cargo-deny not installed: skipped (install: cargo install cargo-deny --locked)");
    }
    eprintln!("xtask lint: all steps passed");
    Ok(())
}
