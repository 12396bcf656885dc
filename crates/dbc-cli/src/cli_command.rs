//! The clap command used for parsing, completions and man pages: the derive grammar of
//! [`crate::args`], with the credential options hidden from the help of commands where they do
//! not apply (they are still accepted there, so scripts that set them globally keep working).

use crate::args::Cli;
use clap::{Arg, CommandFactory};

/// The key-source options `key inspect` reads.
const KEY_SOURCES: &[&str] = &["suri_file", "suri", "keystore", "password_file"];

/// The credential options of the root command (help heading "Credentials …").
fn credential_args(root: &clap::Command) -> Vec<Arg> {
    root.get_arguments()
        .filter(|a| {
            a.get_help_heading()
                .is_some_and(|h| h.starts_with("Credentials"))
        })
        .cloned()
        .collect()
}

/// Copies of the credential options, hidden except those in `keep`. Adding them to a
/// subcommand before clap propagates the root's global options makes the subcommand keep
/// these copies (clap skips options a subcommand already has).
fn creds_except(creds: &[Arg], keep: &[&str]) -> Vec<Arg> {
    creds
        .iter()
        .map(|a| {
            let visible = keep.contains(&a.get_id().as_str());
            a.clone().hide(!visible)
        })
        .collect()
}

/// The `dbc` command with credential options hidden where they do not apply: `key generate`,
/// `verify`, `multisig` (except `--threshold`), `completion`, `config …`, `sim …`, `demo`;
/// `key inspect` keeps only the key sources.
pub fn command() -> clap::Command {
    let root = Cli::command();
    let creds = credential_args(&root);
    let none = creds_except(&creds, &[]);
    let mut cmd = root;
    for name in ["verify", "completion", "config", "sim", "demo"] {
        if cmd.find_subcommand(name).is_some() {
            let args = none.clone();
            cmd = cmd.mut_subcommand(name, |c| c.args(args));
        }
    }
    let key_inspect = creds_except(&creds, KEY_SOURCES);
    let none_for_key = none.clone();
    cmd = cmd.mut_subcommand("key", |k| {
        k.args(none_for_key)
            .mut_subcommand("inspect", |i| i.args(key_inspect))
    });
    let threshold = creds_except(&creds, &["threshold"]);
    cmd = cmd.mut_subcommand("multisig", |m| m.args(threshold));
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help_of(path: &[&str]) -> String {
        let mut cmd = command();
        cmd.build();
        let mut c = &mut cmd;
        for p in path {
            c = match c.find_subcommand_mut(p) {
                Some(s) => s,
                None => panic!("no subcommand {p}"),
            };
        }
        c.render_long_help().to_string()
    }

    #[test]
    fn grammar_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn credentials_hidden_where_they_do_not_apply() {
        for path in [
            &["key", "generate"][..],
            &["verify"],
            &["config", "show"],
            &["sim", "serve"],
            &["completion"],
        ] {
            let h = help_of(path);
            assert!(!h.contains("--suri-file"), "{path:?}: {h}");
            assert!(!h.contains("--session-id"), "{path:?}: {h}");
            assert!(!h.contains("--multisig-wallets"), "{path:?}: {h}");
        }
        let inspect = help_of(&["key", "inspect"]);
        assert!(
            inspect.contains("--suri-file") && !inspect.contains("--session-id"),
            "{inspect}"
        );
        let list = help_of(&["vm", "list"]);
        assert!(
            list.contains("--suri-file") && list.contains("--session-id"),
            "{list}"
        );
        let ms = help_of(&["multisig", "address"]);
        assert!(
            ms.contains("--threshold") && !ms.contains("--suri-file"),
            "{ms}"
        );
    }

    #[test]
    fn hidden_options_are_still_accepted() {
        let m = command().try_get_matches_from(["dbc", "key", "generate", "--suri-file", "x"]);
        assert!(m.is_ok(), "{m:?}");
    }
}
