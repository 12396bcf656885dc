//! Key tools: `key generate`, `key inspect`, `sign`, `verify`, `multisig address`.

use super::Ctx;
use crate::args::{KeyCmd, MultisigCmd, SignArgs, VerifyArgs};
use crate::creds::{keypair_from_suri, ARGV_WARNING};
use crate::error::{CliError, CliResult};
use crate::output::note;
use dbc_sign::{Keypair, NonceExt, Signer, VerifyError};
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

#[derive(Serialize)]
struct NewKey<'a> {
    phrase: &'a str,
    seed: &'a str,
    address: String,
    public_key: String,
}

/// `dbc key …`
pub fn key(ctx: &Ctx, cmd: KeyCmd) -> CliResult {
    match cmd {
        KeyCmd::Generate { words } => {
            let (kp, phrase) = Keypair::generate_with_words(words)
                .map_err(|e| CliError::Usage(format!("cannot generate a key: {e}")))?;
            let seed = kp.seed_hex();
            let seed_text = seed.as_ref().map(|s| s.expose_secret()).unwrap_or("");
            let out = NewKey {
                phrase: phrase.expose_secret(),
                seed: seed_text,
                address: kp.address(),
                public_key: public_hex(&kp),
            };
            ctx.out.emit(&out)?;
            note("Keep the phrase and seed secret: anyone holding them controls the wallet. Store the phrase in a file (chmod 600) and use --suri-file.");
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

#[derive(Serialize)]
struct Signed {
    wallet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    sign: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id_sign: Option<String>,
}

/// `dbc sign`: a fresh nonce (or `--message`) and its signature; with `--session-id` also
/// `session_id_sign`.
pub fn sign(ctx: &Ctx, a: SignArgs) -> CliResult {
    let kp = ctx.creds.require_keypair()?;
    let sign_err = |e: dbc_sign::SignError| CliError::Failed(format!("signing failed: {e}"));
    let (nonce, message) = match a.message {
        Some(m) => (None, m),
        None => {
            let n: Nonce = Nonce::generate();
            (Some(n.as_str().to_owned()), n.as_str().to_owned())
        }
    };
    let sig = kp.sign(message.as_bytes()).map_err(sign_err)?;
    let (session_id, session_id_sign) = match &ctx.global.session_id {
        Some(sid) => {
            let s = kp.sign(sid.as_bytes()).map_err(sign_err)?;
            (Some(sid.clone()), Some(s.as_str().to_owned()))
        }
        None => (None, None),
    };
    let out = Signed {
        wallet: kp.address(),
        message: if nonce.is_some() { None } else { Some(message) },
        nonce,
        sign: sig.as_str().to_owned(),
        session_id,
        session_id_sign,
    };
    ctx.out.emit(&out)
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
