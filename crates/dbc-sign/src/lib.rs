//! Credentials for the DeepBrainChain (DBC) client node API: sr25519 keys, nonces, signing,
//! verification and multisig account ids.
//!
//! A DBC node authorizes a request by an sr25519 signature (signing context `substrate`) of
//! the **raw bytes** of a fresh nonce (a wallet credential), by a bundle of member signatures
//! (a multisig credential) or by a renter's signature of a session id (a session credential).
//! This crate makes and checks all three; it does no IO.
//!
//! ```
//! use dbc_sign::{verify, wallet_credential, Keypair};
//! use dbc_types::Credential;
//!
//! let alice = Keypair::from_suri("//Alice")?;
//! assert_eq!(alice.address(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
//!
//! let cred = wallet_credential(&alice)?; // a fresh nonce, signed
//! let Credential::Wallet(w) = &cred else { unreachable!() };
//! assert!(verify(w.wallet.as_str(), w.nonce.as_str().as_bytes(), w.sign.as_str()));
//! assert!(!verify(w.wallet.as_str(), b"another message", w.sign.as_str()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What is here:
//!
//! * keys: [`Keypair::from_suri`] (seeds, BIP39 phrases, `//hard`/`/soft` junctions,
//!   `///password`, dev accounts such as `//Alice`), [`Keypair::from_keystore_json`]
//!   (polkadot-js account exports), [`Keypair::generate`]; anything else that can sign
//!   implements [`Signer`];
//! * nonces: `Nonce::generate()` with [`NonceExt`] in scope (Base58Check of a UUID v4, like
//!   DBC's `sign_tool`), [`nonce_from_uuid_bytes`], [`decode_nonce`];
//! * credentials: [`wallet_credential`], [`session_credential`], [`MultisigBuilder`];
//! * checks: [`verify`], [`verify_detailed`] (which recognises signatures that browser
//!   extensions wrap in `<Bytes>…</Bytes>`), [`decode_address`], [`encode_address`],
//!   [`multisig_address`].
//!
//! Secrets (key material, phrases, seeds, passwords) are zeroized on drop and never shown by
//! `Debug`, `Display` or error messages. One limitation: a [`Signer`] returns its signature as a
//! plain [`dbc_types::SignatureHex`], so the intermediate copy of a session signature (which
//! [`session_credential`] then wraps in the zeroizing [`dbc_types::SessionIdSign`]) is not
//! zeroized.
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod address;
mod credential;
mod error;
mod keypair;
mod keystore;
mod nonce;
mod verify;

pub use address::{
    decode_address, decode_address_with_prefix, encode_address, multisig_account_id,
    multisig_address, DBC_SS58_PREFIX,
};
pub use credential::{
    session_credential, wallet_credential, wallet_credential_with_nonce, MultisigBuilder,
};
pub use error::{KeyError, SignError, VerifyError};
pub use keypair::{Keypair, Phrase, Signer, SIGNING_CONTEXT};
pub use keystore::{KeystoreProtection, OpenedKeystore, MAX_SCRYPT_MEMORY, MAX_SCRYPT_N};
pub use nonce::{decode_nonce, nonce_from_uuid_bytes, NonceExt};
pub use verify::{verify, verify_detailed};
