//! sr25519 key pairs, recovery phrases and the [`Signer`] trait.

use crate::address::{encode_address, DBC_SS58_PREFIX};
use crate::error::{KeyError, SignError};
use dbc_types::{SecretString, SignatureHex};
use rand::RngCore;
use schnorrkel::context::SigningContext;
use sp_core::crypto::{Pair as _, SecretStringError};
use std::fmt;
use std::sync::LazyLock;
use zeroize::{Zeroize, Zeroizing};

/// The signing context Substrate (and the DBC node) uses for sr25519.
pub const SIGNING_CONTEXT: &[u8] = b"substrate";

static CONTEXT: LazyLock<SigningContext> =
    LazyLock::new(|| schnorrkel::signing_context(SIGNING_CONTEXT));

/// Something that signs messages as one sr25519 wallet: a local [`Keypair`], or an external
/// device or service. Object safe, so credential builders take `&dyn Signer`.
pub trait Signer: Send + Sync {
    /// The wallet's SS58 address (prefix 42).
    fn address(&self) -> String;
    /// The wallet's 32-byte sr25519 public key.
    fn public_key(&self) -> [u8; 32];
    /// Signs the raw `message` bytes (signing context `substrate`, no `<Bytes>` wrapping).
    ///
    /// # Errors
    /// [`SignError::Signer`] (or another variant) when the signer cannot sign.
    fn sign(&self, message: &[u8]) -> Result<SignatureHex, SignError>;
}

/// An sr25519 key pair. Secret material is zeroized on drop; `Debug` shows the address only.
#[derive(Clone)]
pub struct Keypair {
    inner: schnorrkel::Keypair,
    seed: Option<Zeroizing<[u8; 32]>>,
    address: String,
}

/// A BIP39 recovery phrase. Zeroized on drop; `Debug` prints `** redacted **`; there is no
/// `Display`.
#[derive(Clone)]
pub struct Phrase(Zeroizing<String>);

impl Phrase {
    /// The phrase text. Show it to the user once; never log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// The number of words.
    pub fn word_count(&self) -> usize {
        self.0.split_whitespace().count()
    }
}

impl fmt::Debug for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phrase(** redacted **)")
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keypair")
            .field("address", &self.address)
            .finish()
    }
}

fn suri_error(e: SecretStringError) -> KeyError {
    KeyError::InvalidSuri(match e {
        SecretStringError::InvalidFormat(_) => "malformed secret URI",
        SecretStringError::InvalidPhrase => {
            "not a valid English BIP39 phrase (check the words and their count)"
        }
        SecretStringError::InvalidPassword => "invalid password",
        SecretStringError::InvalidSeed => "the 0x seed is not 32 bytes of hex",
        SecretStringError::InvalidSeedLength => "the seed has the wrong length",
        SecretStringError::InvalidPath => "invalid derivation path",
    })
}

/// Maps a BIP39 word count to the entropy length in bytes.
fn entropy_len(words: usize) -> Option<usize> {
    match words {
        12 | 15 | 18 | 21 | 24 => Some(words / 3 * 4),
        _ => None,
    }
}

impl Keypair {
    pub(crate) fn from_parts(
        inner: schnorrkel::Keypair,
        seed: Option<Zeroizing<[u8; 32]>>,
    ) -> Self {
        let address = encode_address(&inner.public.to_bytes(), DBC_SS58_PREFIX);
        Keypair {
            inner,
            seed,
            address,
        }
    }

    /// A key pair from a Substrate secret URI: `0x` + 64 hex digits (a mini-secret seed), or a
    /// 12–24 word English BIP39 phrase; either may be followed by `//hard` and `/soft`
    /// derivation junctions and a `///password`. A URI that starts with `/` uses the public
    /// development phrase, so `//Alice` is the well-known dev account. An empty URI is an error
    /// (sp-core would read it as the public development phrase).
    ///
    /// Errors never contain the URI.
    ///
    /// # Errors
    /// A [`KeyError`] for a malformed URI, phrase or derivation path.
    pub fn from_suri(suri: &str) -> Result<Keypair, KeyError> {
        Self::from_suri_inner(suri, None)
    }

    /// Like [`Keypair::from_suri`], with the BIP39 password given separately (it overrides a
    /// `///password` inside the URI).
    ///
    /// # Errors
    /// Like [`Keypair::from_suri`].
    pub fn from_suri_with_password(suri: &str, password: &str) -> Result<Keypair, KeyError> {
        Self::from_suri_inner(suri, Some(password))
    }

    fn from_suri_inner(suri: &str, password: Option<&str>) -> Result<Keypair, KeyError> {
        // sp-core reads an empty URI as the public development phrase; an empty secret (say, an
        // unset variable) must not silently become a well-known key.
        if suri.trim().is_empty() {
            return Err(KeyError::InvalidSuri("it is empty"));
        }
        let (pair, seed) =
            sp_core::sr25519::Pair::from_string_with_seed(suri, password).map_err(suri_error)?;
        let seed = seed.map(|mut s| {
            let z = Zeroizing::new(s);
            s.zeroize();
            z
        });
        Ok(Self::from_parts(pair.into(), seed))
    }

    /// A key pair from a 32-byte mini-secret seed (what `0x…` SURIs and BIP39 phrases yield).
    ///
    /// # Errors
    /// A [`KeyError`] when the seed does not form a key.
    pub fn from_seed(seed: &[u8; 32]) -> Result<Keypair, KeyError> {
        let mini = schnorrkel::MiniSecretKey::from_bytes(seed)
            .map_err(|_| KeyError::InvalidSuri("the seed is not 32 bytes"))?;
        let kp = mini.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519);
        Ok(Self::from_parts(kp, Some(Zeroizing::new(*seed))))
    }

    /// A fresh random key pair and its 12-word recovery phrase.
    #[allow(clippy::expect_used)]
    pub fn generate() -> (Keypair, Phrase) {
        // 12 is a valid word count, and every phrase built from fresh entropy parses.
        Self::generate_with_words(12).expect("12 words is a valid BIP39 length")
    }

    /// A fresh random key pair and its recovery phrase of `words` words (12, 15, 18, 21 or 24).
    ///
    /// # Errors
    /// A [`KeyError`] for a word count other than 12, 15, 18, 21 or 24.
    pub fn generate_with_words(words: usize) -> Result<(Keypair, Phrase), KeyError> {
        let len = entropy_len(words).ok_or(KeyError::InvalidWordCount { words })?;
        let mut entropy = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut entropy[..len]);
        let mnemonic = bip39::Mnemonic::from_entropy(&entropy[..len])
            .map_err(|_| KeyError::InvalidSuri("could not build a phrase from the entropy"))?;
        let mut text = Zeroizing::new(String::with_capacity(words * 9));
        for (i, w) in mnemonic.words().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(w);
        }
        drop(mnemonic);
        let (pair, seed) = sp_core::sr25519::Pair::from_phrase(&text, None).map_err(suri_error)?;
        let mut seed = seed;
        let kp = Self::from_parts(pair.into(), Some(Zeroizing::new(seed)));
        seed.zeroize();
        Ok((kp, Phrase(text)))
    }

    /// The 32-byte sr25519 public key (also available through [`Signer::public_key`]).
    pub fn public_key(&self) -> [u8; 32] {
        self.inner.public.to_bytes()
    }

    /// The SS58 address with the DBC prefix 42 (starts with `5`).
    pub fn address(&self) -> String {
        self.address.clone()
    }

    /// The SS58 address with another network prefix.
    pub fn address_with_prefix(&self, prefix: u16) -> String {
        encode_address(&self.inner.public.to_bytes(), prefix)
    }

    /// The public key as 64 lower-case hex digits, without `0x`.
    pub fn public_hex(&self) -> String {
        hex::encode(self.inner.public.to_bytes())
    }

    /// The 32-byte mini-secret seed as `0x` + 64 hex digits, when it is known (keys from a seed,
    /// a phrase, hard derivations only, legacy keystores). `None` after a soft derivation or for
    /// keystores that store the expanded key. Secret: never log it.
    pub fn seed_hex(&self) -> Option<SecretString> {
        self.seed.as_ref().map(|seed| {
            // Exact capacity: the buffer is never reallocated, so no unzeroized copy is left.
            let mut s = String::with_capacity(66);
            s.push_str("0x");
            const HEX: &[u8; 16] = b"0123456789abcdef";
            for b in seed.iter() {
                s.push(char::from(HEX[usize::from(b >> 4)]));
                s.push(char::from(HEX[usize::from(b & 0xf)]));
            }
            SecretString::new(s)
        })
    }

    /// The raw schnorrkel signature bytes of `message` (context `substrate`).
    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        self.inner.sign(CONTEXT.bytes(message)).to_bytes()
    }
}

impl Signer for Keypair {
    fn address(&self) -> String {
        self.address.clone()
    }

    fn public_key(&self) -> [u8; 32] {
        self.inner.public.to_bytes()
    }

    fn sign(&self, message: &[u8]) -> Result<SignatureHex, SignError> {
        let sig = self.sign_bytes(message);
        let mut buf = [0u8; 128];
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for (i, b) in sig.iter().enumerate() {
            buf[2 * i] = HEX[usize::from(b >> 4)];
            buf[2 * i + 1] = HEX[usize::from(b & 0xf)];
        }
        let text = std::str::from_utf8(&buf)
            .map_err(|_| SignError::Signer("hex encoding failed".into()))?;
        Ok(text.parse::<SignatureHex>()?)
    }
}
