//! Resource handles: owned, `'static + Send + Sync` typed wrappers over [`Client::call`]
//! (each holds a `Client` clone, which is an `Arc` inside). Every endpoint method is one line
//! calling the handle's private `ep` helper; there is no per-endpoint HTTP code.

use crate::client::{Client, CredSource};
use crate::credentials::Credentials;
use crate::error::Error;
use dbc_sign::Signer;
use dbc_types::endpoint::{NoParams, Segment};
use dbc_types::models::*;
use dbc_types::registry as r;
use dbc_types::{Endpoint, NodeId, SessionIdSign, TaskId};

pub use crate::task::{Disks, Snapshots, Task};

/// Declares an owned handle on the client node (no target node).
macro_rules! local_handle {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pub(crate) c: Client,
        }

        impl $name {
            /// The one call of every method: endpoint `E` on the client node itself.
            pub(crate) async fn ep<E: Endpoint>(
                &self,
                p: &E::Params,
                req: E::Request,
            ) -> Result<E::Response, Error> {
                self.c.call::<E>(None, p, req).await
            }
        }
    };
}

/// Declares an owned handle on one GPU node.
macro_rules! node_handle {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pub(crate) c: Client,
            pub(crate) node: NodeId,
        }

        impl $name {
            /// The one call of every method: endpoint `E` on this handle's node.
            pub(crate) async fn ep<E: Endpoint>(
                &self,
                p: &E::Params,
                req: E::Request,
            ) -> Result<E::Response, Error> {
                self.c.call::<E>(Some(&self.node), p, req).await
            }
        }
    };
}

local_handle!(
    /// Client-node-wide calls about nodes.
    Nodes
);
local_handle!(
    /// Peer listings of the client node.
    Peers
);
local_handle!(
    /// Image calls that need no GPU node (image servers of the client node).
    ClientImages
);
local_handle!(
    /// Client-node-local LAN table.
    ClientLan
);
/// Bare-metal calls answered by the node that receives them: the client node (or a manager the
/// client talks to directly) from [`crate::Client::bare_metal`], or a manager node addressed by
/// id from [`NodeBareMetal::manager`].
#[derive(Debug, Clone)]
pub struct ClientBareMetal {
    pub(crate) c: Client,
    pub(crate) node: Option<NodeId>,
}

impl ClientBareMetal {
    /// The one call of every method: endpoint `E` on the client node or the addressed manager.
    pub(crate) async fn ep<E: Endpoint>(
        &self,
        p: &E::Params,
        req: E::Request,
    ) -> Result<E::Response, Error> {
        self.c.call::<E>(self.node.as_ref(), p, req).await
    }
}
node_handle!(
    /// Calls about one GPU node.
    NodeClient
);
node_handle!(
    /// The caller's VMs on a node.
    Tasks
);
node_handle!(
    /// Images on a node.
    NodeImages
);
node_handle!(
    /// Virtual LANs on a node.
    NodeLan
);
node_handle!(
    /// Monitor servers on a node.
    Monitor
);
node_handle!(
    /// Bare-metal operations on a node id.
    NodeBareMetal
);
node_handle!(
    /// DeepLink device info.
    Deeplink
);

impl Nodes {
    /// GPU nodes known to the client node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<NodeList, Error> {
        self.ep::<r::NodesList>(&NoParams, Empty {}).await
    }
}

impl Peers {
    /// Connected peers.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn active(&self) -> Result<PeerList, Error> {
        self.ep::<r::PeersActive>(&NoParams, Empty {}).await
    }
    /// Candidate peers.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn global(&self) -> Result<PeerList, Error> {
        self.ep::<r::PeersGlobal>(&NoParams, Empty {}).await
    }
    /// LAN-discovered nodes.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn lan(&self) -> Result<PeerList, Error> {
        self.ep::<r::PeersLan>(&NoParams, Empty {}).await
    }
}

impl ClientImages {
    /// Image server ids configured on the client node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn servers(&self) -> Result<ImageServers, Error> {
        self.ep::<r::ImageServersList>(&NoParams, Empty {}).await
    }
    /// `.qcow2` files on an image server.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list_server(&self, image_server: &str) -> Result<Vec<ListedImage>, Error> {
        let req = image_list(Some(image_server));
        self.ep::<r::ImagesList>(&NoParams, req).await
    }
    /// Upload a file from the client node itself to an image server.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn upload_local(&self, req: ImageUpload) -> Result<String, Error> {
        self.ep::<r::ImageUploadStart>(&NoParams, req).await
    }
    /// Progress of a client-node upload.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn upload_progress_local(&self, file: &str) -> Result<TransferProgress, Error> {
        self.ep::<r::ImageUploadProgress>(&NoParams, image_file(file))
            .await
    }
    /// Stop a client-node upload.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn upload_stop_local(&self, file: &str) -> Result<String, Error> {
        self.ep::<r::ImageUploadStop>(&NoParams, image_file(file))
            .await
    }
}

impl ClientLan {
    /// Networks known to the client node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<NetworkList, Error> {
        self.ep::<r::LanList>(&NoParams, Empty {}).await
    }
    /// One network known to the client node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn get(&self, name: &str) -> Result<Network, Error> {
        self.ep::<r::LanGet>(&seg(name), Empty {}).await
    }
}

impl ClientBareMetal {
    /// Bare-metal nodes known here.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<BareMetalList, Error> {
        self.ep::<r::BareMetalListAll>(&NoParams, Empty {}).await
    }
    /// Filtered by node id or uuid.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn get(&self, id: &str) -> Result<BareMetalList, Error> {
        self.ep::<r::BareMetalGet>(&seg(id), Empty {}).await
    }
    /// Register servers (manager key).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn add(&self, req: AddBareMetal) -> Result<AddedBareMetal, Error> {
        self.ep::<r::BareMetalAdd>(&NoParams, req).await
    }
    /// Remove servers (manager key).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn delete(&self, ids: Vec<String>) -> Result<String, Error> {
        self.ep::<r::BareMetalDelete>(&NoParams, DeleteBareMetal::new(ids))
            .await
    }
    /// Modify a server (manager key).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn modify(&self, node_id: &str, req: ModifyBareMetal) -> Result<String, Error> {
        self.ep::<r::BareMetalModify>(&seg(node_id), req).await
    }
}

fn image_file(f: &str) -> ImageFile {
    ImageFile::new(f)
}

fn image_list(image_server: Option<&str>) -> ImageListRequest {
    match image_server {
        Some(s) => ImageListRequest::new().image_server(s),
        None => ImageListRequest::new(),
    }
}

fn seg(s: &str) -> Segment {
    Segment(s.to_owned())
}

impl NodeClient {
    /// The node id.
    pub fn id(&self) -> &NodeId {
        &self.node
    }
    /// The client this handle calls through (with its credentials: the session's after
    /// [`NodeClient::open_session`]).
    pub fn client(&self) -> &Client {
        &self.c
    }
    /// The credentials this handle's calls carry.
    pub fn credentials(&self) -> &Credentials {
        self.c.credentials()
    }
    /// Machine info (no credentials needed).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn info(&self) -> Result<NodeInfo, Error> {
        self.ep::<r::NodeInfoGet>(&NoParams, NodeInfoRequest::new())
            .await
    }
    /// Machine info including the images of an image server.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn info_with_image_server(&self, image_server: &str) -> Result<NodeInfo, Error> {
        let req = NodeInfoRequest::new().image_server(image_server);
        self.ep::<r::NodeInfoGet>(&NoParams, req).await
    }
    /// The renter's session id (needs wallet or multisig credentials).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn session_id(&self) -> Result<SessionIdReply, Error> {
        self.ep::<r::NodeSessionId>(&NoParams, Empty {}).await
    }
    /// Spec §9 step 2 with the client's own wallet signer: fetch the session id with a
    /// wallet signature, sign it, and return a handle on this node whose calls carry the
    /// session (later calls need no nonces). [`NodeClient::credentials`] gives the session
    /// to store or hand over.
    ///
    /// # Errors
    /// [`Error::NoSigner`] when the client was not built with a wallet signer
    /// ([`Credentials::Signer`]; use [`NodeClient::open_session_with`] for another signer,
    /// e.g. a multisig member); otherwise the errors of [`NodeClient::session_id`].
    pub async fn open_session(&self) -> Result<NodeClient, Error> {
        let Credentials::Signer(s) = self.c.credentials() else {
            return Err(Error::NoSigner {
                operation: "open_session",
            });
        };
        let s = s.clone();
        self.open_session_with(s.as_ref()).await
    }
    /// [`NodeClient::open_session`] with an explicit renter signer instead of the client's.
    ///
    /// # Errors
    /// Signing errors and the errors of [`NodeClient::session_id`].
    pub async fn open_session_with(&self, renter: &dyn Signer) -> Result<NodeClient, Error> {
        let reply = self
            .c
            .call_inner::<r::NodeSessionId>(
                CredSource::Signer(renter),
                None,
                None,
                Some(&self.node),
                &NoParams,
                Empty {},
            )
            .await?;
        let sig = renter.sign(reply.session_id.as_str().as_bytes())?;
        let creds = Credentials::session(reply.session_id, SessionIdSign::new(sig.as_str())?);
        Ok(NodeClient {
            c: self.c.with_credentials(creds),
            node: self.node.clone(),
        })
    }
    /// Drop the node's page cache.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn free_memory(&self) -> Result<String, Error> {
        self.ep::<r::NodeFreeMemory>(&NoParams, Empty {}).await
    }
    /// Rent orders cached on the node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn rent_orders(&self) -> Result<RentOrders, Error> {
        self.ep::<r::RentOrdersList>(&NoParams, Empty {}).await
    }
    /// Rent orders (the node ignores the id and lists all).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn rent_order(&self, id: &str) -> Result<RentOrders, Error> {
        self.ep::<r::RentOrdersGet>(&seg(id), Empty {}).await
    }
    /// The caller's VMs.
    pub fn tasks(&self) -> Tasks {
        Tasks {
            c: self.c.clone(),
            node: self.node.clone(),
        }
    }
    /// One VM.
    pub fn task(&self, id: &TaskId) -> Task {
        Task::new(self.c.clone(), self.node.clone(), id.clone())
    }
    /// Images on the node.
    pub fn images(&self) -> NodeImages {
        NodeImages {
            c: self.c.clone(),
            node: self.node.clone(),
        }
    }
    /// Virtual LANs on the node.
    pub fn lan(&self) -> NodeLan {
        NodeLan {
            c: self.c.clone(),
            node: self.node.clone(),
        }
    }
    /// Monitor servers of the caller on the node.
    pub fn monitor(&self) -> Monitor {
        Monitor {
            c: self.c.clone(),
            node: self.node.clone(),
        }
    }
    /// Bare-metal operations on this node id (a bare-metal server or manager).
    pub fn bare_metal(&self) -> NodeBareMetal {
        NodeBareMetal {
            c: self.c.clone(),
            node: self.node.clone(),
        }
    }
    /// DeepLink device info of this bare-metal server.
    pub fn deeplink(&self) -> Deeplink {
        Deeplink {
            c: self.c.clone(),
            node: self.node.clone(),
        }
    }
}

impl NodeImages {
    /// Images on the node (optionally including those of an image server).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self, image_server: Option<&str>) -> Result<Vec<ListedImage>, Error> {
        self.ep::<r::ImagesList>(&NoParams, image_list(image_server))
            .await
    }
    /// Start downloading an image to the node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn download(&self, req: ImageDownload) -> Result<String, Error> {
        self.ep::<r::ImageDownloadStart>(&NoParams, req).await
    }
    /// Download progress.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn download_progress(&self, file: &str) -> Result<TransferProgress, Error> {
        self.ep::<r::ImageDownloadProgress>(&NoParams, image_file(file))
            .await
    }
    /// Stop a download.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn download_stop(&self, file: &str) -> Result<String, Error> {
        self.ep::<r::ImageDownloadStop>(&NoParams, image_file(file))
            .await
    }
    /// Upload an image from the node to an image server.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn upload(&self, req: ImageUpload) -> Result<String, Error> {
        self.ep::<r::ImageUploadStart>(&NoParams, req).await
    }
    /// Upload progress.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn upload_progress(&self, file: &str) -> Result<TransferProgress, Error> {
        self.ep::<r::ImageUploadProgress>(&NoParams, image_file(file))
            .await
    }
    /// Stop an upload.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn upload_stop(&self, file: &str) -> Result<String, Error> {
        self.ep::<r::ImageUploadStop>(&NoParams, image_file(file))
            .await
    }
    /// Delete an image file on the node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn delete(&self, file: &str) -> Result<String, Error> {
        self.ep::<r::ImageDelete>(&NoParams, image_file(file)).await
    }
}

impl NodeLan {
    /// Networks hosted on the node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<NetworkList, Error> {
        self.ep::<r::LanList>(&NoParams, Empty {}).await
    }
    /// One network.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn get(&self, name: &str) -> Result<Network, Error> {
        self.ep::<r::LanGet>(&seg(name), Empty {}).await
    }
    /// Create a network.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn create(&self, req: CreateNetwork) -> Result<String, Error> {
        self.ep::<r::LanCreate>(&NoParams, req).await
    }
    /// Delete a network.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn delete(&self, name: &str) -> Result<String, Error> {
        self.ep::<r::LanDelete>(&seg(name), Empty {}).await
    }
}

impl Monitor {
    /// The caller's monitor servers.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<MonitorServers, Error> {
        self.ep::<r::MonitorList>(&NoParams, Empty {}).await
    }
    /// Replace them (`[]` clears).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn set(&self, servers: Vec<String>) -> Result<String, Error> {
        self.ep::<r::MonitorSet>(&NoParams, SetMonitor::new(servers))
            .await
    }
}

impl NodeBareMetal {
    /// Info of this bare-metal server (or the manager's list).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn info(&self) -> Result<BareMetalList, Error> {
        self.ep::<r::BareMetalListAll>(&NoParams, Empty {}).await
    }
    /// The list, get, add, delete and modify calls addressed to this node (a bare-metal
    /// manager) rather than to the node that receives the request.
    pub fn manager(&self) -> ClientBareMetal {
        ClientBareMetal {
            c: self.c.clone(),
            node: Some(self.node.clone()),
        }
    }
    /// IPMI power control.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn power(&self, command: PowerCommand) -> Result<String, Error> {
        self.ep::<r::BareMetalPowerSet>(&NoParams, BareMetalPower::new(command))
            .await
    }
    /// IPMI boot device (the real manager always answers an error: a known defect).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn bootdev(&self, device: BootDevice) -> Result<String, Error> {
        self.ep::<r::BareMetalBootDevSet>(&NoParams, BareMetalBootDev::new(device))
            .await
    }
}

impl Deeplink {
    /// Device id and password.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn get(&self) -> Result<DeeplinkInfo, Error> {
        self.ep::<r::DeeplinkGet>(&NoParams, Empty {}).await
    }
    /// Set device id and/or password.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn set(&self, req: SetDeeplink) -> Result<String, Error> {
        self.ep::<r::DeeplinkSet>(&NoParams, req).await
    }
}
