#![doc = include_str!("../README.md")]
#![doc = "\n## Example: the seed flow (`examples/seed_flow.rs`)\n\n```rust"]
#![doc = include_str!("../examples/seed_flow.rs")]
#![doc = "```"]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![warn(clippy::missing_errors_doc)]

pub mod client;
pub mod credentials;
pub mod error;
pub mod fanout;
pub mod options;
pub mod plaintext;
pub mod resources;
pub mod task;
pub mod tasks;

pub use client::{CallOptions, Client, ClientBuilder, RetryPolicy};
pub use credentials::Credentials;
pub use error::{Error, ErrorKind, Resource};
pub use fanout::FanOut;
pub use plaintext::PlaintextExposure;
pub use resources::{
    ClientBareMetal, ClientImages, ClientLan, Deeplink, Disks, Monitor, NodeBareMetal, NodeClient,
    NodeImages, NodeLan, Nodes, Peers, Snapshots, Task, Tasks,
};
pub use tasks::{Created, ProgressFn, WaitOptions};

pub use dbc_sign;
pub use dbc_transport;
pub use dbc_types;

use dbc_types::endpoint::NoParams;
use dbc_types::models::{ClientVersion, Empty, Unsupported};
use dbc_types::NodeId;

impl Client {
    /// The client node's version.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn version(&self) -> Result<ClientVersion, Error> {
        self.call::<dbc_types::registry::Version>(None, &NoParams, Empty {})
            .await
    }
    /// `/api/v1/stat`: disabled in this node version (always HTTP 500 `Unhandled request`,
    /// an [`Error::Api`]); here so every registry endpoint has a typed method.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn stat(&self) -> Result<Unsupported, Error> {
        self.call::<dbc_types::registry::Stat>(None, &NoParams, Empty {})
            .await
    }
    /// `/api/v1/config`: disabled in this node version (always HTTP 500 `Unhandled
    /// request`, an [`Error::Api`]); here so every registry endpoint has a typed method.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn client_config(&self) -> Result<Unsupported, Error> {
        self.call::<dbc_types::registry::Config>(None, &NoParams, Empty {})
            .await
    }
    /// Node listing.
    pub fn nodes(&self) -> Nodes {
        Nodes { c: self.clone() }
    }
    /// Peers of the client node.
    pub fn peers(&self) -> Peers {
        Peers { c: self.clone() }
    }
    /// Image servers (client-node side).
    pub fn images(&self) -> ClientImages {
        ClientImages { c: self.clone() }
    }
    /// The client node's own LAN table.
    pub fn lan(&self) -> ClientLan {
        ClientLan { c: self.clone() }
    }
    /// Bare-metal calls answered by the receiving node.
    pub fn bare_metal(&self) -> ClientBareMetal {
        ClientBareMetal {
            c: self.clone(),
            node: None,
        }
    }
    /// Calls about one GPU node.
    pub fn node(&self, id: &NodeId) -> NodeClient {
        NodeClient {
            c: self.clone(),
            node: id.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn owned<T: Send + Sync + 'static>() {}

    /// Every handle owns its client: it can be stored and moved into spawned tasks.
    #[test]
    fn handles_are_static_send_sync() {
        owned::<Client>();
        owned::<Nodes>();
        owned::<Peers>();
        owned::<ClientImages>();
        owned::<ClientLan>();
        owned::<ClientBareMetal>();
        owned::<NodeClient>();
        owned::<Tasks>();
        owned::<Task>();
        owned::<NodeImages>();
        owned::<NodeLan>();
        owned::<Monitor>();
        owned::<NodeBareMetal>();
        owned::<Deeplink>();
        owned::<Disks>();
        owned::<Snapshots>();
        owned::<FanOut>();
    }
}
