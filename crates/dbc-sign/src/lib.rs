#![doc = include_str!("../README.md")]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(clippy::missing_errors_doc)]

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
