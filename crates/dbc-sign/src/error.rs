//! Error types. No message ever contains secret input (SURIs, phrases, seeds, passwords) nor,
//! for that matter, any caller input at all: every message is fixed text plus public numbers.

use dbc_types::ValidationError;

/// Something wrong with key material, an address, a keystore file or a nonce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The secret URI could not be parsed. The SURI itself is never echoed.
    #[error(
        "the secret URI is not valid ({0}); use 0x followed by 64 hex digits, or a 12-24 word \
         English BIP39 phrase, optionally followed by //hard or /soft junctions and ///password"
    )]
    InvalidSuri(&'static str),
    /// A mnemonic word count other than 12, 15, 18, 21 or 24 was requested.
    #[error("a recovery phrase has 12, 15, 18, 21 or 24 words, not {words}")]
    InvalidWordCount {
        /// The requested word count.
        words: usize,
    },
    /// The address is neither a valid SS58 address nor 64 hex digits.
    #[error(
        "the address is not valid ({0}); use an SS58 address (starting with 5 on DBC) or the \
         public key as 64 hex digits"
    )]
    InvalidAddress(&'static str),
    /// The keystore file is not a polkadot-js account export this crate understands.
    #[error("the keystore JSON is not a polkadot-js account export ({0}); export the account again from polkadot-js")]
    KeystoreFormat(&'static str),
    /// The keystore holds a key type other than sr25519, or uses an unknown cipher.
    #[error("the keystore is not supported ({0}); DBC wallets are sr25519 accounts encrypted with scrypt + xsalsa20-poly1305")]
    KeystoreUnsupported(&'static str),
    /// The keystore asks for scrypt parameters that would cost too much CPU or memory.
    #[error(
        "the keystore's scrypt parameters (N={n}, p={p}, r={r}) are refused to avoid excessive \
         CPU/memory use (accepted: N a power of two up to 2^18, r <= 16, p <= 16, memory \
         128*N*r <= 256 MiB); re-export the account with polkadot-js defaults"
    )]
    KeystoreScryptParams {
        /// scrypt cost parameter N.
        n: u32,
        /// scrypt parallelism p.
        p: u32,
        /// scrypt block size r.
        r: u32,
    },
    /// Decryption failed: the password is wrong (or the file was altered).
    #[error("wrong keystore password (or the keystore file is corrupted); check the password and try again")]
    WrongPassword,
    /// The decrypted key does not match the public key or address stored in the keystore.
    #[error(
        "the keystore's secret key does not match its {0}; the file is corrupted or was edited, \
         export the account again"
    )]
    KeystoreKeyMismatch(&'static str),
    /// The text is not a Base58Check-encoded UUID nonce.
    #[error("the nonce is not valid ({0}); a DBC nonce is the Base58Check encoding of a lower-case hyphenated UUID")]
    InvalidNonce(&'static str),
    /// The multisig signatories or threshold cannot form a multisig account.
    #[error("cannot derive the multisig account: {0}")]
    Multisig(&'static str),
}

/// Signing or credential building failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// Key material or an address was unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A value produced for the wire was refused by the wire format (for example an address the
    /// `Wallet` type does not accept).
    #[error("a signed value does not fit the wire format")]
    Wire(#[from] ValidationError),
    /// The multisig bundle would be refused by the GPU node; the message is the node's wording.
    #[error("the multisig bundle would be refused by the node: {0}")]
    Multisig(ValidationError),
    /// A signer produced a signature that does not verify against its own address.
    #[error("the signer for wallet {wallet} produced a signature that does not verify")]
    BadSignature {
        /// The signer's address (public).
        wallet: String,
        /// Why verification failed.
        source: VerifyError,
    },
    /// An external signer (hardware wallet, remote service) failed. Implementations of
    /// [`crate::Signer`] use this variant; the text must not contain secrets.
    #[error("the signer failed: {0}")]
    Signer(String),
}

/// Why a signature did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The address is neither SS58 nor 64 hex digits, or is not a valid sr25519 public key.
    #[error("the address is not valid ({0}); use an SS58 address or 64 hex digits")]
    MalformedAddress(&'static str),
    /// The signature is not 64 bytes of hex (optionally `0x`-prefixed) or is not an sr25519
    /// signature.
    #[error("the signature is malformed ({0}); an sr25519 signature is 128 hex digits")]
    MalformedSignature(&'static str),
    /// Well-formed, but not a signature of this message by this address.
    #[error("the signature does not match this message and address; sign the exact bytes with the wallet's key")]
    Invalid,
    /// The signature is valid for `<Bytes>` + message + `</Bytes>`: it was made by a browser
    /// extension (`signRaw`), which wraps the data. DBC nodes verify the raw bytes only.
    #[error(
        "the signature covers \"<Bytes>\" + message + \"</Bytes>\" (what browser wallet \
         extensions sign); DBC nodes verify the raw message bytes, so sign the raw bytes instead \
         (for example with `dbc sign` or schnorrkel/sp-core directly)"
    )]
    WrappedBytes,
}
