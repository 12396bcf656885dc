//! Secret files (SURI, password, keystore and multisig signer files), read the way ssh reads
//! private keys: on Unix a regular file must belong to the user (or root) and must not be
//! readable by other users nor writable by the group or others; a group-readable file gets a
//! warning. At most [`MAX_SECRET_FILE`] bytes are read, so `--keystore /dev/zero` is an error,
//! not a hang. Contents are held in zeroizing buffers only.
//!
//! New secret files are created with mode 0600 and never overwrite anything
//! ([`create_secret_file`]).

use crate::config::expand;
use crate::error::{CliError, CliResult};
use crate::output::note;
use std::io::{Read, Write};
use std::path::Path;
use zeroize::Zeroizing;

/// Largest secret file accepted (real SURI, password and keystore files are under 4 KiB).
pub const MAX_SECRET_FILE: usize = 64 * 1024;

/// What is wrong with a secret file's ownership or mode.
#[cfg_attr(not(unix), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Mode and owner are fine.
    Private,
    /// Readable by the file's group: allowed, with a warning.
    GroupReadable,
    /// Readable by every user.
    WorldReadable,
    /// Writable by the group or by every user: someone else could replace the secret.
    OthersWritable,
    /// Owned by another user (not root).
    OtherOwner,
}

/// Judges a regular file's `mode` and owner `uid` for a process running as `euid`.
#[cfg_attr(not(unix), allow(dead_code))]
pub fn exposure(mode: u32, uid: u32, euid: u32) -> Exposure {
    if uid != euid && uid != 0 {
        Exposure::OtherOwner
    } else if mode & 0o022 != 0 {
        Exposure::OthersWritable
    } else if mode & 0o004 != 0 {
        Exposure::WorldReadable
    } else if mode & 0o040 != 0 {
        Exposure::GroupReadable
    } else {
        Exposure::Private
    }
}

/// # Errors
/// The file's metadata cannot be read, or another user owns it or can read or write it (the
/// message says how to fix it).
#[cfg(unix)]
fn check_permissions(file: &std::fs::File, path: &Path, what: &str) -> CliResult {
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata().map_err(|e| {
        CliError::Usage(format!(
            "cannot stat the {what} file {}: {e}",
            path.display()
        ))
    })?;
    // Pipes (`<(pass show …)`) and devices are not secrets at rest: only the size cap applies.
    if !meta.is_file() {
        return Ok(());
    }
    let mode = meta.mode() & 0o7777;
    let euid = rustix::process::geteuid().as_raw();
    let shown = path.display();
    let fix = format!("run `chmod 600 {shown}` (like ssh keys, secret files must be readable and writable by you only)");
    let problem = match exposure(mode, meta.uid(), euid) {
        Exposure::Private => return Ok(()),
        Exposure::GroupReadable => {
            note(&format!(
                "warning: the {what} file {shown} is readable by its group (mode {mode:04o}); {fix}"
            ));
            return Ok(());
        }
        Exposure::WorldReadable => "readable by every user",
        Exposure::OthersWritable => "writable by other users",
        Exposure::OtherOwner => {
            return Err(CliError::Usage(format!(
                "refusing the {what} file {shown}: it is owned by another user (uid {}), who can read or replace it; copy it to a file of your own, then run `chmod 600` on the copy",
                meta.uid()
            )))
        }
    };
    Err(CliError::Usage(format!(
        "refusing the {what} file {shown}: it is {problem} (mode {mode:04o}); {fix}"
    )))
}

/// Reads a secret file as UTF-8 text (not trimmed), after the permission checks.
///
/// # Errors
///
/// [`CliError::Usage`] when the file cannot be read, is exposed (see the module doc), holds
/// more than [`MAX_SECRET_FILE`] bytes or is not UTF-8. Messages name the path, never contents.
pub fn read_secret_text(path: &Path, what: &str) -> CliResult<Zeroizing<String>> {
    let mut file = std::fs::File::open(expand(path)).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the {what} file {}: {e}",
            path.display()
        ))
    })?;
    #[cfg(unix)]
    check_permissions(&file, path, what)?;
    // one buffer of fixed size: never reallocated, so no unzeroized copy is left behind
    let mut buf = Zeroizing::new(vec![0u8; MAX_SECRET_FILE + 1]);
    let mut len = 0;
    while len < buf.len() {
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(CliError::Usage(format!(
                    "cannot read the {what} file {}: {e}",
                    path.display()
                )))
            }
        }
    }
    if len > MAX_SECRET_FILE {
        return Err(CliError::Usage(format!(
            "the {what} file {} is larger than 64 KiB: it is not a {what} file (check the path)",
            path.display()
        )));
    }
    let text = std::str::from_utf8(buf.get(..len).unwrap_or_default()).map_err(|_| {
        CliError::Usage(format!(
            "the {what} file {} is not UTF-8 text (check the path)",
            path.display()
        ))
    })?;
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    out.push_str(text);
    Ok(out)
}

/// Creates `path` with mode 0600 (on Unix) and writes `contents`; an existing file is never
/// overwritten.
///
/// # Errors
///
/// [`CliError::Usage`] when the file exists or cannot be written.
pub fn create_secret_file(path: &Path, contents: &[u8]) -> CliResult {
    let target = expand(path);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(&target).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Usage(format!(
                "{} already exists: it is never overwritten (it may hold another key); choose a new path",
                path.display()
            ))
        } else {
            CliError::Usage(format!("cannot create {}: {e}", path.display()))
        }
    })?;
    file.write_all(contents)
        .and_then(|_| file.sync_all())
        .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_like_ssh() {
        assert_eq!(exposure(0o600, 1000, 1000), Exposure::Private);
        assert_eq!(exposure(0o400, 1000, 1000), Exposure::Private);
        assert_eq!(exposure(0o600, 0, 1000), Exposure::Private);
        assert_eq!(exposure(0o640, 1000, 1000), Exposure::GroupReadable);
        assert_eq!(exposure(0o644, 1000, 1000), Exposure::WorldReadable);
        assert_eq!(exposure(0o604, 1000, 1000), Exposure::WorldReadable);
        assert_eq!(exposure(0o620, 1000, 1000), Exposure::OthersWritable);
        assert_eq!(exposure(0o602, 1000, 1000), Exposure::OthersWritable);
        assert_eq!(exposure(0o600, 1001, 1000), Exposure::OtherOwner);
    }
}
