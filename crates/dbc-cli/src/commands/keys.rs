//! Key tools: `key generate`, `key inspect`, `sign`, `verify`, `multisig address`.

use super::Ctx;
use crate::args::ArgSecret;
use crate::creds::{keypair_from_suri, ARGV_WARNING};
use crate::error::{CliError, CliResult};
use crate::output::note;
use crate::secret_file::create_secret_file;
use crate::secret_out::{secret_hex, SecretRows};
use clap::{Args, Subcommand};
use dbc_sign::{Keypair, NonceExt, VerifyError};
use dbc_types::Nonce;
use serde::Serialize;
use std::path::PathBuf;

/// `--words`: 12 or 24.
///
/// # Errors
/// Any number of words other than 12 or 24.
fn parse_words(s: &str) -> Result<usize, String> {
    match s {
        "12" => Ok(12),
        "24" => Ok(24),
        _ => Err("the phrase has 12 or 24 words".into()),
    }
}

pub(crate) const SIGN_EXAMPLES: &str = "\
Examples:
  dbc sign --suri-file renter.suri                  # wallet, nonce, sign (like sign_tool)
  dbc sign --suri-file renter.suri --session-id 3QRj...   # also session_id_sign
  DBC_SURI='//Alice' dbc sign --message hello --json";

pub(crate) const VERIFY_EXAMPLES: &str = "\
Examples:
  dbc verify --address 5Dy8ULx1De6u3WE9ixpy1VKK2CVssvsjQT15qcmQsG662Zj4 \\
      --message 5q7KRn4d8EmXFFsim8vHBp23N2CpERbD2mWR3WCo1o3teZnGxYEh4N6 --signature 2460725b...
Exit code: 0 valid, 1 invalid (with a hint when the signature covers <Bytes>…</Bytes>), 2 malformed input.";

/// `dbc key …`
#[derive(Debug, Subcommand)]
pub enum KeyCmd {
    /// Generate a new key: phrase, seed, address, public key
    #[command(
        after_help = "Examples:\n  dbc key generate --out renter.suri   # phrase into a new 0600 file; prints the address\n  dbc key generate --words 24 --out ~/.dbc/renter.suri\n  dbc key generate   # prints phrase and seed: copy them somewhere safe, not into a shell redirect"
    )]
    Generate {
        /// Number of words of the phrase
        #[arg(long, default_value_t = 12, value_parser = parse_words)]
        words: usize,
        /// Write the phrase to this new file (mode 0600, never overwritten) instead of stdout;
        /// then use that file as your SURI file (DBC_SURI_FILE)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print the address and public key of a SURI, an address, or the configured key
    #[command(
        after_help = "Examples:\n  dbc key inspect --suri-file renter.suri\n  dbc key inspect --keystore wallet.json --password-file pw.txt\n  dbc key inspect 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY   # an address: no secret involved\n  dbc key inspect '//Alice'   # works, but the SURI lands in shell history"
    )]
    Inspect {
        /// A SURI or an SS58 address (a SURI here leaks into shell history: prefer --suri-file)
        #[arg(value_name = "SURI", id = "suri_or_address")]
        target: Option<ArgSecret>,
    },
}

/// `dbc sign`
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Sign this message (its UTF-8 bytes) instead of a fresh nonce. Warning: the result is a
    /// one-time login on every DBC node for whoever holds it
    #[arg(long, value_name = "M")]
    pub message: Option<String>,
}

/// `dbc verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// SS58 address of the signer
    #[arg(long, value_name = "A")]
    pub address: String,
    /// The signed message (UTF-8)
    #[arg(long, value_name = "M")]
    pub message: String,
    /// The signature: 128 hex digits, 0x accepted
    #[arg(long, value_name = "S")]
    pub signature: String,
}

/// `dbc multisig …`
#[derive(Debug, Subcommand)]
pub enum MultisigCmd {
    /// The multisig account id the chain sees for these members and --threshold
    #[command(
        after_help = "Examples:\n  dbc multisig address --threshold 2 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY \\\n      5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty 5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y"
    )]
    Address {
        /// Member addresses (any order)
        #[arg(value_name = "ADDRESS", required = true)]
        addresses: Vec<String>,
    },
}

/// Public key as 64 hex digits without `0x`.
fn public_hex(kp: &Keypair) -> String {
    let h = kp.public_hex();
    h.strip_prefix("0x").unwrap_or(&h).to_owned()
}

#[derive(Serialize)]
struct KeyInfo {
    address: String,
    public_key: String,
}

/// Warning printed by `dbc sign --message`.
pub const MESSAGE_WARNING: &str = "warning: a wallet signature of a string the node never saw works as a one-time login on EVERY DBC node (the node treats the message as a nonce): hand it only to a party you would let act as this wallet once; see docs/security.md";

/// `dbc key …`
///
/// # Errors
/// No key or an invalid SURI/keystore, an `--out` file that exists or cannot be written, or stdout cannot be written.
pub fn key(ctx: &Ctx, cmd: KeyCmd) -> CliResult {
    match cmd {
        KeyCmd::Generate { words, out } => {
            let (kp, phrase) = Keypair::generate_with_words(words)
                .map_err(|e| CliError::Usage(format!("cannot generate a key: {e}")))?;
            let address = kp.address();
            let public_key = public_hex(&kp);
            if let Some(path) = out {
                // the phrase goes to a new 0600 file only; stdout gets public data
                let mut text = zeroize::Zeroizing::new(String::with_capacity(
                    phrase.expose_secret().len() + 1,
                ));
                text.push_str(phrase.expose_secret());
                text.push('\n');
                create_secret_file(&path, text.as_bytes())?;
                let shown = path.display().to_string();
                SecretRows(vec![
                    ("suri_file", shown.as_str()),
                    ("address", address.as_str()),
                    ("public_key", public_key.as_str()),
                ])
                .emit(&ctx.out)?;
                note(&format!("The recovery phrase is in {shown} (mode 0600); use it with --suri-file {shown}. Back it up offline: anyone holding it controls the wallet."));
                return Ok(());
            }
            let seed = kp.seed_hex();
            let seed_text = seed.as_ref().map(|s| s.expose_secret()).unwrap_or("");
            SecretRows(vec![
                ("phrase", phrase.expose_secret()),
                ("seed", seed_text),
                ("address", address.as_str()),
                ("public_key", public_key.as_str()),
            ])
            .emit(&ctx.out)?;
            note("Keep the phrase and seed secret: anyone holding them controls the wallet. Prefer `dbc key generate --out FILE`, which writes the phrase to a new file with mode 0600 for --suri-file.");
            Ok(())
        }
        KeyCmd::Inspect { target } => {
            let info = match target.map(|t| zeroize::Zeroizing::new(t.0)) {
                Some(s) => {
                    if let Ok(pk) = dbc_sign::decode_address(&s) {
                        KeyInfo {
                            address: dbc_sign::encode_address(&pk, 42),
                            public_key: hex_lower(&pk),
                        }
                    } else {
                        note(ARGV_WARNING);
                        let kp = keypair_from_suri(&s, "the SURI argument")?;
                        KeyInfo {
                            address: kp.address(),
                            public_key: public_hex(&kp),
                        }
                    }
                }
                None => {
                    let kp = ctx.creds.require_keypair()?;
                    KeyInfo {
                        address: kp.address(),
                        public_key: public_hex(&kp),
                    }
                }
            };
            ctx.out.emit(&info)
        }
    }
}

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// `dbc sign`: a fresh nonce (or `--message`) and its signature; with `--session-id` also
/// `session_id_sign`. Signatures are credentials: they are hex-encoded into zeroizing buffers
/// and printed once.
///
/// # Errors
/// No key or an invalid one, or stdout cannot be written.
pub fn sign(ctx: &Ctx, a: SignArgs) -> CliResult {
    let kp = ctx.creds.require_keypair()?;
    let (nonce, message) = match a.message {
        Some(m) => {
            note(MESSAGE_WARNING);
            (None, m)
        }
        None => {
            let n: Nonce = Nonce::generate();
            (Some(n.as_str().to_owned()), n.as_str().to_owned())
        }
    };
    let sig = zeroize::Zeroizing::new(kp.sign_bytes(message.as_bytes()));
    let sign = secret_hex(&sig[..]);
    let session_id_sign = ctx.global.session_id.as_ref().map(|sid| {
        let s = zeroize::Zeroizing::new(kp.sign_bytes(sid.as_bytes()));
        secret_hex(&s[..])
    });
    let wallet = kp.address();
    let mut rows = vec![("wallet", wallet.as_str())];
    match &nonce {
        Some(n) => rows.push(("nonce", n.as_str())),
        None => rows.push(("message", message.as_str())),
    }
    rows.push(("sign", sign.as_str()));
    if let (Some(sid), Some(ss)) = (&ctx.global.session_id, &session_id_sign) {
        rows.push(("session_id", sid.as_str()));
        rows.push(("session_id_sign", ss.as_str()));
    }
    SecretRows(rows).emit(&ctx.out)
}

#[derive(Serialize)]
struct Verified<'a> {
    valid: bool,
    address: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'static str>,
}

/// Hint shown when the signature covers `<Bytes>message</Bytes>`.
pub const WRAPPED_HINT: &str = "the signature covers <Bytes>message</Bytes> (what browser wallet extensions sign); the DBC node verifies the raw message bytes only: sign with `dbc sign` or subkey instead";

/// `dbc verify`: exit 0 valid, 1 invalid, 2 malformed.
///
/// # Errors
/// A malformed address or signature (usage), or a signature that does not verify ([`CliError::Failed`]).
pub fn verify(ctx: &Ctx, a: VerifyArgs) -> CliResult {
    let result = dbc_sign::verify_detailed(&a.address, a.message.as_bytes(), &a.signature);
    let (valid, hint) = match result {
        Ok(()) => (true, None),
        Err(VerifyError::WrappedBytes) => (false, Some(WRAPPED_HINT)),
        Err(VerifyError::Invalid) => (false, None),
        Err(VerifyError::MalformedAddress { .. }) => {
            return Err(CliError::Usage(format!(
                "--address is not a valid SS58 address: {}",
                result.err().map(|e| e.to_string()).unwrap_or_default()
            )))
        }
        Err(e) => return Err(CliError::Usage(format!("malformed input: {e}"))),
    };
    let out = Verified {
        valid,
        address: &a.address,
        message: &a.message,
        hint,
    };
    if ctx.out.json {
        ctx.out.emit(&out)?;
    } else {
        crate::output::println_stdout(if valid { "valid" } else { "invalid" })?;
        if let Some(h) = hint {
            note(&format!("hint: {h}"));
        }
    }
    if valid {
        Ok(())
    } else {
        Err(CliError::Failed(String::new()))
    }
}

#[derive(Serialize)]
struct MultisigOut {
    address: String,
    threshold: u16,
    signatories: Vec<String>,
}

/// `dbc multisig address`
///
/// # Errors
/// A malformed member address, a missing or invalid `--threshold`, or stdout cannot be written.
pub fn multisig(ctx: &Ctx, cmd: MultisigCmd) -> CliResult {
    match cmd {
        MultisigCmd::Address { addresses } => {
            let threshold = ctx
                .global
                .threshold
                .ok_or_else(|| CliError::Usage("multisig address needs --threshold N".into()))?;
            let refs: Vec<&str> = addresses.iter().map(String::as_str).collect();
            let address = dbc_sign::multisig_address(&refs, threshold).map_err(|e| {
                CliError::Usage(format!("cannot compute the multisig address: {e}"))
            })?;
            ctx.out.emit(&MultisigOut {
                address,
                threshold,
                signatories: addresses,
            })
        }
    }
}
