#![doc = include_str!("../README.md")]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(clippy::missing_errors_doc)]

pub mod endpoint;
pub mod envelope;
pub mod erased;
pub mod error;
pub mod ids;
pub mod json_text;
pub mod models;
pub mod numstr;
pub mod redact;
pub mod registry;
pub mod reply;
pub mod routes;
pub mod secret;

pub use endpoint::{build_request, decode, Endpoint, EndpointInfo, WireRequest};
pub use envelope::{Credential, Envelope, MultisigBundle, SessionIdSign, WalletSign};
pub use error::{Validate, ValidationError};
pub use ids::{NodeId, Nonce, RentOrder, SessionId, SignatureHex, TaskId, Wallet};
pub use registry::REGISTRY;
pub use reply::{decode_reply, Reply, ReplyError};
pub use secret::SecretString;

// The property tests build response models (`#[non_exhaustive]`), so they run inside the
// crate; `dbc_types::` paths in them resolve to this crate.
#[cfg(test)]
extern crate self as dbc_types;
#[cfg(test)]
#[path = "../tests/unit/prop/mod.rs"]
mod prop_tests;
