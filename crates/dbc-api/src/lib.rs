//! The typed client for the DeepBrainChain (DBC) client node HTTP API.
//!
//! `dbc-api` composes [`dbc_types`] (what to send), [`dbc_sign`] (credentials) and
//! [`dbc_transport`] (HTTP). Every endpoint of the registry has a typed method, and every
//! method goes through one generic path, [`Client::call`]: validate → sign a fresh nonce →
//! send → decode → classify errors (with a hint) → retry read-only calls.
//!
//! The seed flow (machine info, session id, create VM, details, list, delete) against the
//! embedded simulator:
//!
//! ```
//! use dbc_api::{Client, Credentials, WaitOptions};
//! use dbc_sign::Keypair;
//! use dbc_types::models::CreateVm;
//! use std::time::Duration;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = dbc_sim::Simulator::builder()
//!     .create_delay(Duration::from_millis(200))
//!     .start()
//!     .await?;
//! let renter = Keypair::from_suri("//Alice")?;
//! let client = Client::builder().url(sim.url()).credentials(Credentials::signer(renter.clone())).build()?;
//! let node = client.node(&sim.rented_node());
//!
//! let info = node.info().await?;                                    // 1. machine info
//! println!("{} GPUs", info.gpu.map(|g| g.gpu_count).unwrap_or(0));
//! let (_session, session_client) = node.open_session(&renter).await?; // 2. session id (+ signature)
//! let node = session_client.node(&sim.rented_node());
//! let created = node.tasks().create(CreateVm {                       // 3. create VM
//!     image_name: "ubuntu.qcow2".into(),
//!     ssh_port: Some(5684),
//!     vnc_port: 5904,
//!     gpu_count: Some(0),
//!     cpu_cores: 4,
//!     mem_size: 8,
//!     disk_size: Some(10),
//!     ..Default::default()
//! }).await?;
//! let task = node.task(&created.task_id);
//! let wait = WaitOptions { poll_interval: Duration::from_millis(50), ..Default::default() };
//! let details = task.wait_running(wait.clone()).await?;             // 4. details
//! println!("{}", details.login_line());
//! assert_eq!(node.tasks().list().await?.len(), 1);                  // 5. list
//! task.delete().await?;                                             // 6. delete
//! task.wait_deleted(wait).await?;
//! assert!(node.tasks().list().await?.is_empty());
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Safety rules built in
//! * A fresh nonce and signature for every signed request, including every retry.
//! * Read-only calls retry (connect errors, timeouts, 5xx) with jittered backoff; mutating
//!   calls never retry.
//! * A create whose outcome is unknown returns [`Error::CreateOutcomeUnknown`]; reconcile with
//!   [`resources::Tasks::reconcile_create`] instead of creating again.
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod client;
pub mod credentials;
pub mod error;
pub mod fanout;
pub mod plaintext;
pub mod resources;
pub mod tasks;

pub use client::{CallOptions, Client, ClientBuilder, RetryPolicy};
pub use credentials::Credentials;
pub use error::{Error, ErrorKind};
pub use fanout::FanOut;
pub use plaintext::PlaintextExposure;
pub use tasks::{ProgressFn, WaitOptions};

pub use dbc_sign;
pub use dbc_transport;
pub use dbc_types;

use dbc_types::endpoint::NoParams;
use dbc_types::models::{ClientVersion, Empty};
use dbc_types::NodeId;
use resources::{ClientBareMetal, ClientImages, ClientLan, NodeClient, Nodes, Peers};

impl Client {
    /// The client node's version.
    pub async fn version(&self) -> Result<ClientVersion, Error> {
        self.call::<dbc_types::registry::Version>(None, &NoParams, Empty {})
            .await
    }
    /// Node listing.
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes { c: self }
    }
    /// Peers of the client node.
    pub fn peers(&self) -> Peers<'_> {
        Peers { c: self }
    }
    /// Image servers (client-node side).
    pub fn images(&self) -> ClientImages<'_> {
        ClientImages { c: self }
    }
    /// The client node's own LAN table.
    pub fn lan(&self) -> ClientLan<'_> {
        ClientLan { c: self }
    }
    /// Bare-metal calls answered by the receiving node.
    pub fn bare_metal(&self) -> ClientBareMetal<'_> {
        ClientBareMetal { c: self }
    }
    /// Calls about one GPU node.
    pub fn node(&self, id: &NodeId) -> NodeClient<'_> {
        NodeClient {
            c: self,
            id: id.clone(),
        }
    }
    /// The same call over many nodes with bounded concurrency.
    pub fn for_nodes(&self, ids: Vec<NodeId>, concurrency: usize) -> FanOut {
        FanOut {
            client: self.clone(),
            ids,
            concurrency,
        }
    }
}
