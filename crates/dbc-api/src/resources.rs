//! Resource handles: thin, typed wrappers over [`Client::call`]. No per-endpoint HTTP code.

use crate::client::{Client, CredSource};
use crate::credentials::Credentials;
use crate::error::Error;
use dbc_sign::Signer;
use dbc_types::endpoint::{NoParams, Segment, SnapshotParams};
use dbc_types::models::*;
use dbc_types::registry as r;
use dbc_types::{NodeId, SessionIdSign, TaskId};

/// Client-node-wide calls about nodes.
#[derive(Debug, Clone, Copy)]
pub struct Nodes<'a> {
    pub(crate) c: &'a Client,
}

impl Nodes<'_> {
    /// GPU nodes known to the client node.
    pub async fn list(&self) -> Result<NodeList, Error> {
        self.c.call::<r::NodesList>(None, &NoParams, Empty {}).await
    }
}

/// Peer listings of the client node.
#[derive(Debug, Clone, Copy)]
pub struct Peers<'a> {
    pub(crate) c: &'a Client,
}

impl Peers<'_> {
    /// Connected peers.
    pub async fn active(&self) -> Result<PeerList, Error> {
        self.c
            .call::<r::PeersActive>(None, &NoParams, Empty {})
            .await
    }
    /// Candidate peers.
    pub async fn global(&self) -> Result<PeerList, Error> {
        self.c
            .call::<r::PeersGlobal>(None, &NoParams, Empty {})
            .await
    }
    /// LAN-discovered nodes.
    pub async fn lan(&self) -> Result<PeerList, Error> {
        self.c.call::<r::PeersLan>(None, &NoParams, Empty {}).await
    }
}

/// Image calls that need no GPU node (image servers of the client node).
#[derive(Debug, Clone, Copy)]
pub struct ClientImages<'a> {
    pub(crate) c: &'a Client,
}

impl ClientImages<'_> {
    /// Image server ids configured on the client node.
    pub async fn servers(&self) -> Result<ImageServers, Error> {
        self.c
            .call::<r::ImageServersList>(None, &NoParams, Empty {})
            .await
    }
    /// `.qcow2` files on an image server.
    pub async fn list_server(&self, image_server: &str) -> Result<Vec<ListedImage>, Error> {
        let req = ImageListRequest {
            image_server: Some(image_server.to_owned()),
        };
        self.c.call::<r::ImagesList>(None, &NoParams, req).await
    }
    /// Upload a file from the client node itself to an image server.
    pub async fn upload_local(&self, req: ImageUpload) -> Result<String, Error> {
        self.c
            .call::<r::ImageUploadStart>(None, &NoParams, req)
            .await
    }
    /// Progress of a client-node upload.
    pub async fn upload_progress_local(&self, file: &str) -> Result<TransferProgress, Error> {
        self.c
            .call::<r::ImageUploadProgress>(None, &NoParams, image_file(file))
            .await
    }
    /// Stop a client-node upload.
    pub async fn upload_stop_local(&self, file: &str) -> Result<String, Error> {
        self.c
            .call::<r::ImageUploadStop>(None, &NoParams, image_file(file))
            .await
    }
}

/// Client-node-local LAN table.
#[derive(Debug, Clone, Copy)]
pub struct ClientLan<'a> {
    pub(crate) c: &'a Client,
}

impl ClientLan<'_> {
    /// Networks known to the client node.
    pub async fn list(&self) -> Result<NetworkList, Error> {
        self.c.call::<r::LanList>(None, &NoParams, Empty {}).await
    }
    /// One network known to the client node.
    pub async fn get(&self, name: &str) -> Result<Network, Error> {
        self.c
            .call::<r::LanGet>(None, &Segment(name.to_owned()), Empty {})
            .await
    }
}

/// Bare-metal calls answered by the node that receives the HTTP request (client or manager).
#[derive(Debug, Clone, Copy)]
pub struct ClientBareMetal<'a> {
    pub(crate) c: &'a Client,
}

impl ClientBareMetal<'_> {
    /// Bare-metal nodes known here.
    pub async fn list(&self) -> Result<BareMetalList, Error> {
        self.c
            .call::<r::BareMetalListAll>(None, &NoParams, Empty {})
            .await
    }
    /// Filtered by node id or uuid.
    pub async fn get(&self, id: &str) -> Result<BareMetalList, Error> {
        self.c
            .call::<r::BareMetalGet>(None, &Segment(id.to_owned()), Empty {})
            .await
    }
    /// Register servers (manager key).
    pub async fn add(&self, req: AddBareMetal) -> Result<AddedBareMetal, Error> {
        self.c.call::<r::BareMetalAdd>(None, &NoParams, req).await
    }
    /// Remove servers (manager key).
    pub async fn delete(&self, ids: Vec<String>) -> Result<String, Error> {
        let req = DeleteBareMetal {
            bare_metal_node_ids: ids,
        };
        self.c
            .call::<r::BareMetalDelete>(None, &NoParams, req)
            .await
    }
    /// Modify a server (manager key).
    pub async fn modify(&self, node_id: &str, req: ModifyBareMetal) -> Result<String, Error> {
        self.c
            .call::<r::BareMetalModify>(None, &Segment(node_id.to_owned()), req)
            .await
    }
}

fn image_file(f: &str) -> ImageFile {
    ImageFile {
        image_filename: f.to_owned(),
    }
}

/// Calls about one GPU node.
#[derive(Debug, Clone)]
pub struct NodeClient<'a> {
    pub(crate) c: &'a Client,
    pub(crate) id: NodeId,
}

impl<'a> NodeClient<'a> {
    /// The node id.
    pub fn id(&self) -> &NodeId {
        &self.id
    }
    fn n(&self) -> Option<&NodeId> {
        Some(&self.id)
    }
    /// Machine info (no credentials needed).
    pub async fn info(&self) -> Result<NodeInfo, Error> {
        self.c
            .call::<r::NodeInfoGet>(self.n(), &NoParams, NodeInfoRequest::default())
            .await
    }
    /// Machine info including the images of an image server.
    pub async fn info_with_image_server(&self, image_server: &str) -> Result<NodeInfo, Error> {
        let req = NodeInfoRequest {
            image_server: Some(image_server.to_owned()),
        };
        self.c
            .call::<r::NodeInfoGet>(self.n(), &NoParams, req)
            .await
    }
    /// The renter's session id (needs wallet or multisig credentials).
    pub async fn session_id(&self) -> Result<SessionIdReply, Error> {
        self.c
            .call::<r::NodeSessionId>(self.n(), &NoParams, Empty {})
            .await
    }
    /// Spec §9 step 2: fetch the session id with `renter`'s wallet signature, sign it, and return
    /// the session credentials plus a client bound to them (later calls need no nonces).
    pub async fn open_session(&self, renter: &dyn Signer) -> Result<(Credentials, Client), Error> {
        let reply = self
            .c
            .call_inner::<r::NodeSessionId>(
                CredSource::Signer(renter),
                None,
                None,
                self.n(),
                &NoParams,
                Empty {},
            )
            .await?;
        let sig = renter.sign(reply.session_id.as_str().as_bytes())?;
        let creds = Credentials::session(reply.session_id, SessionIdSign::new(sig.as_str())?);
        let client = self.c.with_credentials(creds.clone());
        Ok((creds, client))
    }
    /// Drop the node's page cache.
    pub async fn free_memory(&self) -> Result<String, Error> {
        self.c
            .call::<r::NodeFreeMemory>(self.n(), &NoParams, Empty {})
            .await
    }
    /// Rent orders cached on the node.
    pub async fn rent_orders(&self) -> Result<RentOrders, Error> {
        self.c
            .call::<r::RentOrdersList>(self.n(), &NoParams, Empty {})
            .await
    }
    /// Rent orders (the node ignores the id and lists all).
    pub async fn rent_order(&self, id: &str) -> Result<RentOrders, Error> {
        self.c
            .call::<r::RentOrdersGet>(self.n(), &Segment(id.to_owned()), Empty {})
            .await
    }
    /// The caller's VMs.
    pub fn tasks(&self) -> Tasks<'a> {
        Tasks {
            c: self.c,
            node: self.id.clone(),
        }
    }
    /// One VM.
    pub fn task(&self, id: &TaskId) -> Task<'a> {
        Task {
            c: self.c,
            node: self.id.clone(),
            id: id.clone(),
        }
    }
    /// Images on the node.
    pub fn images(&self) -> NodeImages<'a> {
        NodeImages {
            c: self.c,
            node: self.id.clone(),
        }
    }
    /// Virtual LANs on the node.
    pub fn lan(&self) -> NodeLan<'a> {
        NodeLan {
            c: self.c,
            node: self.id.clone(),
        }
    }
    /// Monitor servers of the caller on the node.
    pub fn monitor(&self) -> Monitor<'a> {
        Monitor {
            c: self.c,
            node: self.id.clone(),
        }
    }
    /// Bare-metal operations on this node id (a bare-metal server or manager).
    pub fn bare_metal(&self) -> NodeBareMetal<'a> {
        NodeBareMetal {
            c: self.c,
            node: self.id.clone(),
        }
    }
    /// DeepLink device info of this bare-metal server.
    pub fn deeplink(&self) -> Deeplink<'a> {
        Deeplink {
            c: self.c,
            node: self.id.clone(),
        }
    }
}

macro_rules! handle {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone)]
        pub struct $name<'a> {
            pub(crate) c: &'a Client,
            pub(crate) node: NodeId,
        }
    };
}

handle!(
    /// The caller's VMs on a node.
    Tasks
);
handle!(
    /// Images on a node.
    NodeImages
);
handle!(
    /// Virtual LANs on a node.
    NodeLan
);
handle!(
    /// Monitor servers on a node.
    Monitor
);
handle!(
    /// Bare-metal operations on a node id.
    NodeBareMetal
);
handle!(
    /// DeepLink device info.
    Deeplink
);

impl NodeImages<'_> {
    /// Images on the node (optionally including those of an image server).
    pub async fn list(&self, image_server: Option<&str>) -> Result<Vec<ListedImage>, Error> {
        let req = ImageListRequest {
            image_server: image_server.map(str::to_owned),
        };
        self.c
            .call::<r::ImagesList>(Some(&self.node), &NoParams, req)
            .await
    }
    /// Start downloading an image to the node.
    pub async fn download(&self, req: ImageDownload) -> Result<String, Error> {
        self.c
            .call::<r::ImageDownloadStart>(Some(&self.node), &NoParams, req)
            .await
    }
    /// Download progress.
    pub async fn download_progress(&self, file: &str) -> Result<TransferProgress, Error> {
        self.c
            .call::<r::ImageDownloadProgress>(Some(&self.node), &NoParams, image_file(file))
            .await
    }
    /// Stop a download.
    pub async fn download_stop(&self, file: &str) -> Result<String, Error> {
        self.c
            .call::<r::ImageDownloadStop>(Some(&self.node), &NoParams, image_file(file))
            .await
    }
    /// Upload an image from the node to an image server.
    pub async fn upload(&self, req: ImageUpload) -> Result<String, Error> {
        self.c
            .call::<r::ImageUploadStart>(Some(&self.node), &NoParams, req)
            .await
    }
    /// Upload progress.
    pub async fn upload_progress(&self, file: &str) -> Result<TransferProgress, Error> {
        self.c
            .call::<r::ImageUploadProgress>(Some(&self.node), &NoParams, image_file(file))
            .await
    }
    /// Stop an upload.
    pub async fn upload_stop(&self, file: &str) -> Result<String, Error> {
        self.c
            .call::<r::ImageUploadStop>(Some(&self.node), &NoParams, image_file(file))
            .await
    }
    /// Delete an image file on the node.
    pub async fn delete(&self, file: &str) -> Result<String, Error> {
        self.c
            .call::<r::ImageDelete>(Some(&self.node), &NoParams, image_file(file))
            .await
    }
}

impl NodeLan<'_> {
    /// Networks hosted on the node.
    pub async fn list(&self) -> Result<NetworkList, Error> {
        self.c
            .call::<r::LanList>(Some(&self.node), &NoParams, Empty {})
            .await
    }
    /// One network.
    pub async fn get(&self, name: &str) -> Result<Network, Error> {
        self.c
            .call::<r::LanGet>(Some(&self.node), &Segment(name.to_owned()), Empty {})
            .await
    }
    /// Create a network.
    pub async fn create(&self, req: CreateNetwork) -> Result<String, Error> {
        self.c
            .call::<r::LanCreate>(Some(&self.node), &NoParams, req)
            .await
    }
    /// Delete a network.
    pub async fn delete(&self, name: &str) -> Result<String, Error> {
        self.c
            .call::<r::LanDelete>(Some(&self.node), &Segment(name.to_owned()), Empty {})
            .await
    }
}

impl Monitor<'_> {
    /// The caller's monitor servers.
    pub async fn list(&self) -> Result<MonitorServers, Error> {
        self.c
            .call::<r::MonitorList>(Some(&self.node), &NoParams, Empty {})
            .await
    }
    /// Replace them (`[]` clears).
    pub async fn set(&self, servers: Vec<String>) -> Result<String, Error> {
        self.c
            .call::<r::MonitorSet>(Some(&self.node), &NoParams, SetMonitor { servers })
            .await
    }
}

impl NodeBareMetal<'_> {
    /// Info of this bare-metal server (or the manager's list).
    pub async fn info(&self) -> Result<BareMetalList, Error> {
        self.c
            .call::<r::BareMetalListAll>(Some(&self.node), &NoParams, Empty {})
            .await
    }
    /// IPMI power control.
    pub async fn power(&self, command: PowerCommand) -> Result<String, Error> {
        self.c
            .call::<r::BareMetalPowerSet>(Some(&self.node), &NoParams, BareMetalPower { command })
            .await
    }
    /// IPMI boot device (the real manager always answers an error: a known defect).
    pub async fn bootdev(&self, device: BootDevice) -> Result<String, Error> {
        self.c
            .call::<r::BareMetalBootDevSet>(
                Some(&self.node),
                &NoParams,
                BareMetalBootDev { device },
            )
            .await
    }
}

impl Deeplink<'_> {
    /// Device id and password.
    pub async fn get(&self) -> Result<DeeplinkInfo, Error> {
        self.c
            .call::<r::DeeplinkGet>(Some(&self.node), &NoParams, Empty {})
            .await
    }
    /// Set device id and/or password.
    pub async fn set(&self, req: SetDeeplink) -> Result<String, Error> {
        self.c
            .call::<r::DeeplinkSet>(Some(&self.node), &NoParams, req)
            .await
    }
}

/// One VM.
#[derive(Debug, Clone)]
pub struct Task<'a> {
    pub(crate) c: &'a Client,
    pub(crate) node: NodeId,
    pub(crate) id: TaskId,
}

impl<'a> Task<'a> {
    /// The task id.
    pub fn id(&self) -> &TaskId {
        &self.id
    }
    fn n(&self) -> Option<&NodeId> {
        Some(&self.node)
    }
    /// Details (login information once `running`).
    pub async fn info(&self) -> Result<TaskDetails, Error> {
        self.c
            .call::<r::TaskInfo>(self.n(), &self.id, Empty {})
            .await
    }
    /// Start.
    pub async fn start(&self) -> Result<String, Error> {
        self.c
            .call::<r::TaskStart>(self.n(), &self.id, Empty {})
            .await
    }
    /// Shut down (a hard power-off in this node version).
    pub async fn shutdown(&self) -> Result<String, Error> {
        self.c
            .call::<r::TaskShutdown>(self.n(), &self.id, Empty {})
            .await
    }
    /// Power off.
    pub async fn poweroff(&self) -> Result<String, Error> {
        self.c
            .call::<r::TaskPoweroff>(self.n(), &self.id, Empty {})
            .await
    }
    /// Stop (alias of power off).
    pub async fn stop(&self) -> Result<String, Error> {
        self.c
            .call::<r::TaskStop>(self.n(), &self.id, Empty {})
            .await
    }
    /// Restart; `force` destroys and starts again.
    pub async fn restart(&self, force: bool) -> Result<String, Error> {
        let p = RestartParams {
            task_id: self.id.clone(),
            force: Some(force),
        };
        self.c.call::<r::TaskRestart>(self.n(), &p, Empty {}).await
    }
    /// Hard reset of a running VM.
    pub async fn reset(&self) -> Result<String, Error> {
        self.c
            .call::<r::TaskReset>(self.n(), &self.id, Empty {})
            .await
    }
    /// Delete.
    pub async fn delete(&self) -> Result<String, Error> {
        self.c
            .call::<r::TaskDelete>(self.n(), &self.id, Empty {})
            .await
    }
    /// The node's log about this VM (`None`: the node's default, last 100 lines).
    pub async fn logs(&self, query: Option<LogQuery>) -> Result<TaskLogs, Error> {
        if let Some(q) = &query {
            q.validate()?;
        }
        let p = LogsParams {
            task_id: self.id.clone(),
            query,
        };
        self.c.call::<r::TaskLogs>(self.n(), &p, Empty {}).await
    }
    /// Modify (non-transactional; omitting `new_public_ip` clears an existing public IP).
    pub async fn modify(&self, req: ModifyVm) -> Result<String, Error> {
        self.c.call::<r::TaskModify>(self.n(), &self.id, req).await
    }
    /// Set the login password of a running VM.
    pub async fn set_password(
        &self,
        username: &str,
        password: dbc_types::SecretString,
    ) -> Result<String, Error> {
        let req = SetPassword {
            username: username.to_owned(),
            password,
        };
        self.c.call::<r::TaskPasswd>(self.n(), &self.id, req).await
    }
    /// Disks of this VM.
    pub fn disks(&self) -> Disks<'a> {
        Disks { t: self.clone() }
    }
    /// Snapshots of this VM.
    pub fn snapshots(&self) -> Snapshots<'a> {
        Snapshots { t: self.clone() }
    }
}

/// Disks of a VM.
#[derive(Debug, Clone)]
pub struct Disks<'a> {
    t: Task<'a>,
}

impl Disks<'_> {
    /// List.
    pub async fn list(&self) -> Result<Vec<DiskEntry>, Error> {
        self.t
            .c
            .call::<r::DisksList>(Some(&self.t.node), &self.t.id, Empty {})
            .await
    }
    /// Grow `disk` by `size_gib`.
    pub async fn resize(&self, disk: &str, size_gib: u32) -> Result<String, Error> {
        let req = ResizeDisk {
            disk: disk.to_owned(),
            size: size_gib,
        };
        self.t
            .c
            .call::<r::DiskResize>(Some(&self.t.node), &self.t.id, req)
            .await
    }
    /// Add a data disk.
    pub async fn add(&self, req: AddDisk) -> Result<String, Error> {
        self.t
            .c
            .call::<r::DiskAdd>(Some(&self.t.node), &self.t.id, req)
            .await
    }
    /// Delete a data disk.
    pub async fn delete(&self, disk: &str) -> Result<String, Error> {
        let req = DeleteDisk {
            disk: disk.to_owned(),
        };
        self.t
            .c
            .call::<r::DiskDelete>(Some(&self.t.node), &self.t.id, req)
            .await
    }
}

/// Snapshots of a VM.
#[derive(Debug, Clone)]
pub struct Snapshots<'a> {
    t: Task<'a>,
}

impl Snapshots<'_> {
    fn p(&self, name: &str) -> SnapshotParams {
        SnapshotParams {
            task_id: self.t.id.clone(),
            snapshot_name: name.to_owned(),
        }
    }
    /// List.
    pub async fn list(&self) -> Result<Vec<Snapshot>, Error> {
        self.t
            .c
            .call::<r::SnapshotsList>(Some(&self.t.node), &self.t.id, Empty {})
            .await
    }
    /// One snapshot.
    pub async fn get(&self, name: &str) -> Result<Snapshot, Error> {
        self.t
            .c
            .call::<r::SnapshotInfo>(Some(&self.t.node), &self.p(name), Empty {})
            .await
    }
    /// Create (the VM must be shut off).
    pub async fn create(&self, req: CreateSnapshot) -> Result<String, Error> {
        self.t
            .c
            .call::<r::SnapshotCreate>(Some(&self.t.node), &self.t.id, req)
            .await
    }
    /// Delete.
    pub async fn delete(&self, name: &str) -> Result<String, Error> {
        self.t
            .c
            .call::<r::SnapshotDelete>(Some(&self.t.node), &self.p(name), Empty {})
            .await
    }
}
