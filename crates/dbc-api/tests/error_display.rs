//! smithy-rs RFC-0022: an error's `Display` is this level's message only — no source text,
//! no hint (the hint is `Error::hint`, the cause `source()`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_api::dbc_transport::TransportError;
use dbc_api::{Error, ErrorKind};
use dbc_types::{NodeId, ValidationError};
use std::error::Error as _;

fn samples() -> Vec<Error> {
    let node: NodeId = "ab".repeat(32).parse().unwrap();
    let transport = || Error::Transport {
        endpoint: "tasks.create",
        source: TransportError::RequestTimeout {
            method: "POST".into(),
            path: "/api/v1/tasks/start".into(),
            after: std::time::Duration::from_secs(45),
        },
    };
    vec![
        transport(),
        Error::Validation(ValidationError::new("vnc_port", "vnc_port is invalid")),
        Error::Sign(dbc_sign::SignError::Signer("device unplugged".into())),
        Error::CreateOutcomeUnknown {
            node: node.clone(),
            spec: Box::new(dbc_types::models::CreateVm::new("ubuntu.qcow2", 2, 4)),
            started_at: std::time::SystemTime::now(),
            cause: Box::new(transport()),
        },
        Error::Api {
            endpoint: "tasks.start",
            http_status: 200,
            errcode: 1,
            message: "task is running".into(),
            kind: ErrorKind::TaskWrongState {
                state: "running".into(),
            },
        },
        Error::UnknownEndpoint {
            name: "no.such".into(),
        },
        Error::Deadline {
            node,
            after: std::time::Duration::from_secs(1),
        },
        Error::NoUrl,
    ]
}

#[test]
fn display_shows_neither_the_source_nor_the_hint() {
    for e in samples() {
        let shown = e.to_string();
        if let Some(src) = e.source() {
            let src = src.to_string();
            assert!(
                !shown.contains(&src),
                "`{shown}` repeats its source `{src}`"
            );
        }
        if let Some(h) = e.hint() {
            assert!(!shown.contains(h), "`{shown}` contains its hint");
        }
        assert!(!shown.contains("hint"), "{shown}");
    }
}

#[test]
fn every_sample_has_something_to_say() {
    for e in samples() {
        assert!(!e.to_string().is_empty());
    }
    // The wrappers do carry their cause.
    let s = samples();
    assert!(s[0].source().is_some() && s[1].source().is_some() && s[3].source().is_some());
}
