//! The no-echo secret prompt.
//!
//! On Unix the terminal is switched to non-canonical mode without echo and without signal
//! characters, so that Ctrl-C arrives as a byte: the prompt then restores the terminal and the
//! command exits with 130 (a SIGINT would kill the process with echo still off, leaving the
//! user's shell blind). Erase, kill-line and end-of-file keys keep their usual meaning.

use crate::error::CliError;
use std::io::IsTerminal;
use zeroize::Zeroizing;

/// Message of the error returned when the user presses Ctrl-C at the prompt.
pub const INTERRUPTED: &str = "interrupted at the password prompt (the terminal was restored)";

/// Maps a prompt failure to a CLI error: Ctrl-C becomes [`CliError::Interrupted`] (exit 130),
/// anything else a usage error with `hint` (how to give the secret without a prompt).
pub fn prompt_error(e: &std::io::Error, hint: String) -> CliError {
    if e.kind() == std::io::ErrorKind::Interrupted {
        CliError::Interrupted(INTERRUPTED.to_owned())
    } else {
        CliError::Usage(hint)
    }
}

/// Reads a secret from the terminal without echo; fails when stdin is not a terminal.
///
/// Echo is switched off (discarding anything typed ahead) *before* the prompt is printed, so
/// whatever is typed after the prompt appears is never echoed and never thrown away. The
/// terminal settings are restored on every path out, errors and Ctrl-C included. The line is
/// read byte by byte straight from the terminal into a zeroizing buffer (no stdio buffer keeps
/// a copy).
///
/// # Errors
///
/// `ErrorKind::Interrupted` when the user pressed Ctrl-C (or Ctrl-\), `UnexpectedEof` on
/// end of input before any character, other IO errors as they come.
pub fn prompt_secret(prompt: &str) -> std::io::Result<Zeroizing<String>> {
    if !std::io::stdin().is_terminal() {
        return Err(std::io::Error::other("stdin is not a terminal"));
    }
    #[cfg(unix)]
    {
        hidden::read_line(prompt)
    }
    #[cfg(not(unix))]
    {
        let term = console::Term::stderr();
        term.write_str(prompt)?;
        Ok(Zeroizing::new(term.read_secure_line()?))
    }
}

/// What a byte typed at the prompt does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// End of the line.
    Enter,
    /// Ctrl-C / Ctrl-\: abandon.
    Interrupt,
    /// Erase the last character.
    Erase,
    /// Erase the whole line.
    Kill,
    /// End of input (Ctrl-D).
    Eof,
    /// Another control character: ignored.
    Ignore,
    /// Part of the secret.
    Char(u8),
}

/// The terminal's special characters the prompt honours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Specials {
    /// VINTR (usually Ctrl-C).
    pub intr: u8,
    /// VQUIT (usually Ctrl-\).
    pub quit: u8,
    /// VERASE (usually DEL).
    pub erase: u8,
    /// VKILL (usually Ctrl-U).
    pub kill: u8,
    /// VEOF (usually Ctrl-D).
    pub eof: u8,
}

/// Classifies one typed byte. A special character set to 0 (disabled) never matches.
pub fn classify(b: u8, sp: &Specials) -> Key {
    let is = |c: u8| c != 0 && b == c;
    if b == b'\n' || b == b'\r' {
        Key::Enter
    } else if is(sp.intr) || is(sp.quit) {
        Key::Interrupt
    } else if is(sp.erase) || b == 0x7f || b == 0x08 {
        Key::Erase
    } else if is(sp.kill) {
        Key::Kill
    } else if is(sp.eof) {
        Key::Eof
    } else if b < 0x20 && b != b'\t' {
        Key::Ignore
    } else {
        Key::Char(b)
    }
}

/// Removes the last UTF-8 character of `line`.
fn pop_char(line: &mut Vec<u8>) {
    while let Some(b) = line.pop() {
        // continuation bytes are 10xxxxxx: keep popping until the first byte of the character
        if b & 0xc0 != 0x80 {
            break;
        }
    }
}

/// Applies typed bytes to `line`; `Some(Ok(()))` when the line is complete, `Some(Err(kind))`
/// when the prompt must stop, `None` to keep reading.
pub fn feed(line: &mut Vec<u8>, b: u8, sp: &Specials) -> Option<Result<(), std::io::ErrorKind>> {
    match classify(b, sp) {
        Key::Enter => Some(Ok(())),
        Key::Interrupt => Some(Err(std::io::ErrorKind::Interrupted)),
        Key::Erase => {
            pop_char(line);
            None
        }
        Key::Kill => {
            line.clear();
            None
        }
        Key::Eof if line.is_empty() => Some(Err(std::io::ErrorKind::UnexpectedEof)),
        Key::Eof => Some(Ok(())),
        Key::Ignore => None,
        Key::Char(c) => {
            line.push(c);
            None
        }
    }
}

#[cfg(unix)]
mod hidden {
    use super::{feed, Specials};
    use std::io::Write;
    use std::os::fd::{AsFd, BorrowedFd};

    use rustix::termios::{
        tcgetattr, tcsetattr, LocalModes, OptionalActions, SpecialCodeIndex, Termios,
    };
    use zeroize::Zeroizing;

    /// Puts the saved terminal settings back when dropped.
    struct Restore<'a> {
        fd: BorrowedFd<'a>,
        saved: Termios,
    }

    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let _ = tcsetattr(self.fd, OptionalActions::Now, &self.saved);
        }
    }

    /// Longest secret accepted from the prompt, in bytes.
    const MAX: usize = 64 * 1024;

    /// # Errors
    /// The terminal settings cannot be read or changed, or the prompt cannot be written or the
    /// line read (Ctrl-C included).
    pub(super) fn read_line(prompt: &str) -> std::io::Result<Zeroizing<String>> {
        let stdin = std::io::stdin();
        let fd = stdin.as_fd();
        let saved = tcgetattr(fd)?;
        let sc = &saved.special_codes;
        let specials = Specials {
            intr: sc[SpecialCodeIndex::VINTR],
            quit: sc[SpecialCodeIndex::VQUIT],
            erase: sc[SpecialCodeIndex::VERASE],
            kill: sc[SpecialCodeIndex::VKILL],
            eof: sc[SpecialCodeIndex::VEOF],
        };
        let mut quiet = saved.clone();
        // no echo; Ctrl-C arrives as a byte (no SIGINT with echo off); we edit the line ourselves
        quiet
            .local_modes
            .remove(LocalModes::ECHO | LocalModes::ISIG | LocalModes::ICANON);
        quiet.special_codes[SpecialCodeIndex::VMIN] = 1;
        quiet.special_codes[SpecialCodeIndex::VTIME] = 0;
        // `Flush`: typeahead (typed before the prompt) is discarded now, not after the prompt
        tcsetattr(fd, OptionalActions::Flush, &quiet)?;
        let restore = Restore { fd, saved };
        let mut err = std::io::stderr().lock();
        err.write_all(prompt.as_bytes())?;
        err.flush()?;
        // fixed capacity: never reallocated, so no unzeroized copy is left behind
        let mut line = Zeroizing::new(Vec::<u8>::with_capacity(MAX));
        let mut byte = [0u8; 1];
        let outcome = loop {
            match rustix::io::read(restore.fd, &mut byte) {
                Ok(0) if line.is_empty() => break Err(std::io::ErrorKind::UnexpectedEof),
                Ok(0) => break Ok(()),
                Ok(_) => {
                    if let Some(done) = feed(&mut line, byte[0], &specials) {
                        break done;
                    }
                    if line.len() >= MAX {
                        break Err(std::io::ErrorKind::InvalidInput);
                    }
                }
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        };
        drop(restore);
        let _ = err.write_all(b"\n");
        match outcome {
            Ok(()) => {}
            Err(std::io::ErrorKind::Interrupted) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "interrupted at the password prompt",
                ))
            }
            Err(std::io::ErrorKind::UnexpectedEof) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "end of input at the password prompt",
                ))
            }
            Err(kind) => {
                return Err(std::io::Error::new(kind, "the typed secret is too long"));
            }
        }
        match std::str::from_utf8(&line) {
            Ok(s) => {
                let mut out = Zeroizing::new(String::with_capacity(s.len()));
                out.push_str(s);
                Ok(out)
            }
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the typed secret is not valid UTF-8",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SP: Specials = Specials {
        intr: 3,
        quit: 0x1c,
        erase: 0x7f,
        kill: 0x15,
        eof: 4,
    };

    fn typed(bytes: &[u8]) -> (Vec<u8>, Option<Result<(), std::io::ErrorKind>>) {
        let mut line = Vec::new();
        for b in bytes {
            if let Some(done) = feed(&mut line, *b, &SP) {
                return (line, Some(done));
            }
        }
        (line, None)
    }

    #[test]
    fn line_editing_and_interrupts() {
        assert_eq!(typed(b"pw\n"), (b"pw".to_vec(), Some(Ok(()))));
        assert_eq!(typed(b"pwx\x7f\r"), (b"pw".to_vec(), Some(Ok(()))));
        assert_eq!(
            typed("pé\x7f!\n".as_bytes()),
            (b"p!".to_vec(), Some(Ok(())))
        );
        assert_eq!(typed(b"abc\x15pw\n"), (b"pw".to_vec(), Some(Ok(()))));
        assert_eq!(
            typed(b"pw\x03rest\n").1,
            Some(Err(std::io::ErrorKind::Interrupted))
        );
        assert_eq!(typed(b"\x1c").1, Some(Err(std::io::ErrorKind::Interrupted)));
        assert_eq!(
            typed(b"\x04").1,
            Some(Err(std::io::ErrorKind::UnexpectedEof))
        );
        assert_eq!(typed(b"p\tw\x01\n"), (b"p\tw".to_vec(), Some(Ok(()))));
        // a disabled special character (0) is an ordinary control byte
        let sp = Specials { intr: 0, ..SP };
        assert_eq!(classify(0, &sp), Key::Ignore);
        assert_eq!(
            prompt_error(
                &std::io::Error::from(std::io::ErrorKind::Interrupted),
                "hint".into()
            )
            .exit_code(),
            130
        );
    }
}
