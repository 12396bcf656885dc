//! Where a request's credential comes from.

use crate::error::Error;
use dbc_sign::{MultisigBuilder, Signer};
use dbc_types::{Credential, Nonce, SessionId, SessionIdSign, Wallet, WalletSign};
use std::fmt;
use std::sync::Arc;

/// A credential source. Signature-based sources sign a **fresh nonce for every request and
/// every retry**; a session is reused as is.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No credential (version, node list, machine info, peers…).
    #[default]
    None,
    /// A tenant wallet: signs a fresh nonce per request.
    Signer(Arc<dyn Signer>),
    /// A renter-issued session (`session_id` + `session_id_sign`).
    Session {
        /// The session id.
        session_id: SessionId,
        /// The renter's signature of it (secret).
        session_id_sign: SessionIdSign,
    },
    /// A node key (bare-metal manager operations): like [`Credentials::Signer`], but the
    /// `wallet` member is the 64-hex public key (the node id) instead of an SS58 address.
    NodeKey(Arc<dyn Signer>),
    /// A multisig renter: all member wallets, the threshold, and the members who sign.
    Multisig {
        /// Every member wallet, in the registered order.
        wallets: Vec<String>,
        /// Signatures required.
        threshold: u16,
        /// At least `threshold` member signers.
        signers: Vec<Arc<dyn Signer>>,
    },
}

impl Credentials {
    /// A wallet signer.
    pub fn signer(s: impl Signer + 'static) -> Self {
        Credentials::Signer(Arc::new(s))
    }

    /// A node key signer (bare-metal manager operations).
    pub fn node_key(s: impl Signer + 'static) -> Self {
        Credentials::NodeKey(Arc::new(s))
    }

    /// A session handed over by the renter.
    pub fn session(session_id: SessionId, session_id_sign: SessionIdSign) -> Self {
        Credentials::Session {
            session_id,
            session_id_sign,
        }
    }

    /// A multisig set.
    pub fn multisig(wallets: Vec<String>, threshold: u16, signers: Vec<Arc<dyn Signer>>) -> Self {
        Credentials::Multisig {
            wallets,
            threshold,
            signers,
        }
    }

    /// True when no credential is configured.
    pub fn is_none(&self) -> bool {
        matches!(self, Credentials::None)
    }

    /// Produces the wire credential (signing fresh nonces where needed).
    ///
    /// # Errors
    /// [`Error::Sign`] when a signer fails or a multisig set is incomplete.
    pub fn credential(&self) -> Result<Credential, Error> {
        Ok(match self {
            Credentials::None => Credential::None,
            Credentials::Signer(s) => dbc_sign::wallet_credential(s.as_ref())?,
            Credentials::NodeKey(s) => {
                let nonce = <Nonce as dbc_sign::NonceExt>::generate();
                let sign = s.sign(nonce.as_str().as_bytes())?;
                let wallet = Wallet::try_from(hex_lower(&s.public_key()))?;
                Credential::Wallet(WalletSign {
                    wallet,
                    nonce,
                    sign,
                })
            }
            Credentials::Session {
                session_id,
                session_id_sign,
            } => Credential::session(session_id.clone(), session_id_sign.clone()),
            Credentials::Multisig {
                wallets,
                threshold,
                signers,
            } => {
                let mut b = MultisigBuilder::new(wallets.clone(), *threshold);
                for s in signers {
                    b = b.signer(s.as_ref());
                }
                b.build()?
            }
        })
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("Credentials::None"),
            Credentials::Signer(s) => write!(f, "Credentials::Signer({})", s.address()),
            Credentials::NodeKey(s) => {
                write!(f, "Credentials::NodeKey({})", hex_lower(&s.public_key()))
            }
            Credentials::Session { session_id, .. } => {
                write!(f, "Credentials::Session {{ session_id: {session_id}, session_id_sign: ** redacted ** }}")
            }
            Credentials::Multisig {
                wallets, threshold, ..
            } => write!(
                f,
                "Credentials::Multisig {{ wallets: {wallets:?}, threshold: {threshold} }}"
            ),
        }
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}
