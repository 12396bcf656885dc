//! Wire models and the endpoint registry of the DeepBrainChain (DBC) client node HTTP API.
//!
//! `dbc-types` describes the API exactly and does nothing else: no IO, no async, no crypto.
//! Every endpoint is one declaration in [`registry`]; one generic function,
//! [`build_request`], turns any endpoint's parameters and envelope into a [`WireRequest`]
//! (method, path, JSON body) that any HTTP client can send, and [`decode`] turns the reply
//! into the endpoint's typed result.
//!
//! Numbers that the node reads from JSON *strings* are Rust integers here and are written as
//! strings, so a `"cpu_cores": 4` mistake cannot be expressed.
//!
//! ```
//! use dbc_types::{build_request, decode, Credential, Envelope, NodeId};
//! use dbc_types::models::CreateVm;
//! use dbc_types::registry::TaskCreate;
//! use dbc_types::endpoint::NoParams;
//!
//! let node: NodeId = "58fb618aa482c41114eb3cfdaefd3ba183172da9e25251449d045043fbd37f45".parse()?;
//! let create = CreateVm {
//!     image_name: "ubuntu.qcow2".into(),
//!     ssh_port: Some(5684),
//!     vnc_port: 5904,
//!     gpu_count: Some(0),
//!     cpu_cores: 4,
//!     mem_size: 8,
//!     disk_size: Some(10),
//!     ..Default::default()
//! };
//! let session = Credential::session("3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh".parse()?,
//!     dbc_types::SessionIdSign::new(&"ab".repeat(64))?);
//! let env = Envelope { peer: Some(node), additional: create, credential: session, rent_order: None };
//! let req = build_request::<TaskCreate>(&NoParams, &env)?;
//! assert_eq!(req.path_and_query, "/api/v1/tasks/start");
//! let body: serde_json::Value = serde_json::from_slice(&req.body)?;
//! assert_eq!(body["additional"]["cpu_cores"], "4"); // a string, as the node expects
//!
//! let reply = br#"{"errcode":0, "message":{"task_id":"7KhaCevciMbc5v1TZGUHei","create_time":"2024-11-25 16:03:27","desc":"","status":"creating"}}"#;
//! let created = decode::<TaskCreate>(200, reply)?;
//! assert!(created.status == dbc_types::models::TaskStatus::Creating);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod endpoint;
pub mod envelope;
pub mod error;
pub mod ids;
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
