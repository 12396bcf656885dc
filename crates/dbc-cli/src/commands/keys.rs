//! Key tools: `key generate`, `key inspect`, `sign`, `verify`, `multisig address`.

use super::Ctx;
use crate::args::{KeyCmd, MultisigCmd, SignArgs, VerifyArgs};
use crate::creds::{keypair_from_suri, ARGV_WARNING};
use crate::error::{CliError, CliResult};
use crate::output::note;
use crate::secret_file::create_secret_file;
use crate::secret_out::{secret_hex, SecretRows};
use dbc_sign::{Keypair, NonceExt, VerifyError};
use dbc_types::Nonce;
use serde::Serialize;

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
