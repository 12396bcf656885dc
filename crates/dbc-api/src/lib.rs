#![doc = include_str!("../README.md")]
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
pub use tasks::{Created, ProgressFn, WaitOptions};

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
            deadline: None,
        }
    }
}
