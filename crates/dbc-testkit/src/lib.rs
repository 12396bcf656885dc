//! Test support shared by the dbc-rs crates' integration tests (`publish = false`): one copy of
//! what several crates' tests need, instead of a copy in each `tests/` folder.
//!
//! * [`pki`]: a certificate authority and leaf certificates made at test time (rcgen);
//! * [`proxy`]: a forward HTTP proxy (absolute form and `CONNECT`, optional Basic auth → 407);
//! * [`secret`]: secret files written with mode 0600, as the CLI requires;
//! * [`keys`]: the dev keys (`//Alice`, `//Bob`, `//Charlie`), their addresses and a multisig;
//! * [`ids`]: sample node, task and session ids;
//! * [`seed`]: the seed document's `CreateVm`;
//! * [`sim`]: a started simulator;
//! * [`http`]: raw HTTP with hand-built envelopes, for tests that check exact bodies.
//!
//! Test code: it panics on failure, which is what a test wants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod http;
pub mod ids;
pub mod keys;
pub mod pki;
pub mod proxy;
pub mod secret;
pub mod seed;
pub mod sim;
