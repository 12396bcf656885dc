//! Property tests: every request and response model survives encode → decode unchanged, and
//! no input (arbitrary JSON or bytes) makes any registry entry panic.
//!
//! Compiled into the crate's unit tests (`src/lib.rs` includes this file), because the
//! models are `#[non_exhaustive]` and only the crate itself can build them with literals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_types::models::*;
use dbc_types::{
    Credential, Envelope, MultisigBundle, NodeId, SecretString, SessionIdSign, TaskId, WalletSign,
    REGISTRY,
};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Debug;

const CASES: u32 = 128;

fn cfg() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn roundtrip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    v: &T,
) -> Result<(), TestCaseError> {
    let json = serde_json::to_value(v).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    let back: T = serde_json::from_value(json.clone())
        .map_err(|e| TestCaseError::fail(format!("decode {json}: {e}")))?;
    prop_assert_eq!(&back, v, "via {}", json);
    // And through bytes, as on the wire.
    let bytes = serde_json::to_vec(v).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T = serde_json::from_slice(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&back, v);
    Ok(())
}

// ---------- leaf strategies ----------

fn text() -> BoxedStrategy<String> {
    prop_oneof![4 => "[ -~]{0,12}", 1 => "\\PC{0,6}"].boxed()
}
fn secret() -> BoxedStrategy<SecretString> {
    text().prop_map(SecretString::new).boxed()
}
fn task_id() -> BoxedStrategy<TaskId> {
    "[A-Za-z0-9_.-]{1,30}"
        // `.` and `..` are path navigation, refused as task ids
        .prop_filter("not . or ..", |s| s != "." && s != "..")
        .prop_map(|s| s.parse().expect("valid task id"))
        .boxed()
}
fn node_id() -> BoxedStrategy<NodeId> {
    "[0-9a-f]{64}"
        .prop_map(|s| s.parse().expect("valid node id"))
        .boxed()
}
fn wallet() -> BoxedStrategy<dbc_types::Wallet> {
    "5[1-9A-HJ-NP-Za-km-z]{47}"
        .prop_map(|s| s.parse().expect("valid wallet"))
        .boxed()
}
fn hex128() -> BoxedStrategy<String> {
    "[0-9a-f]{128}".boxed()
}
fn status() -> BoxedStrategy<TaskStatus> {
    prop_oneof![
        prop::sample::select(vec![
            "creating",
            "running",
            "closed",
            "pmsuspend",
            "starting",
            "being shutdown",
            "being poweroff",
            "restarting",
            "resetting",
            "deleting",
            "create error",
            "start error",
            "shutdown error",
            "poweroff error",
            "restart error",
            "reset error",
            "none",
        ])
        .prop_map(|s: &str| TaskStatus::parse(s)),
        "x-[a-z ]{0,8}".prop_map(|s: String| TaskStatus::parse(&s)),
    ]
    .boxed()
}
fn strings() -> BoxedStrategy<Vec<String>> {
    vec(text(), 0..3).boxed()
}
fn empty_extra() -> Extra {
    Extra::new()
}

mod requests;
mod responses;
mod robustness;
