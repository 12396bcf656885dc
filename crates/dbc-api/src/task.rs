//! Owned handles on one VM: [`Task`] and its [`Disks`] and [`Snapshots`].

use crate::client::Client;
use crate::error::Error;
use dbc_types::endpoint::SnapshotParams;
use dbc_types::models::*;
use dbc_types::registry as r;
use dbc_types::{Endpoint, NodeId, TaskId};

/// One VM.
#[derive(Debug, Clone)]
pub struct Task {
    pub(crate) c: Client,
    pub(crate) node: NodeId,
    pub(crate) id: TaskId,
}

impl Task {
    pub(crate) fn new(c: Client, node: NodeId, id: TaskId) -> Self {
        Task { c, node, id }
    }
    /// The one call of every method: endpoint `E` on this VM's node.
    async fn ep<E: Endpoint>(&self, p: &E::Params, req: E::Request) -> Result<E::Response, Error> {
        self.c.call::<E>(Some(&self.node), p, req).await
    }
    /// The task id.
    pub fn id(&self) -> &TaskId {
        &self.id
    }
    /// The node the VM runs on.
    pub fn node(&self) -> &NodeId {
        &self.node
    }
    /// Details (login information once `running`).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn info(&self) -> Result<TaskDetails, Error> {
        self.ep::<r::TaskInfo>(&self.id, Empty {}).await
    }
    /// Start.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn start(&self) -> Result<String, Error> {
        self.ep::<r::TaskStart>(&self.id, Empty {}).await
    }
    /// Shut down (a hard power-off in this node version).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn shutdown(&self) -> Result<String, Error> {
        self.ep::<r::TaskShutdown>(&self.id, Empty {}).await
    }
    /// Power off.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn poweroff(&self) -> Result<String, Error> {
        self.ep::<r::TaskPoweroff>(&self.id, Empty {}).await
    }
    /// Stop (alias of power off).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn stop(&self) -> Result<String, Error> {
        self.ep::<r::TaskStop>(&self.id, Empty {}).await
    }
    /// Restart; `force` destroys and starts again.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn restart(&self, force: bool) -> Result<String, Error> {
        let p = RestartParams::new(self.id.clone(), Some(force));
        self.ep::<r::TaskRestart>(&p, Empty {}).await
    }
    /// Hard reset of a running VM.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn reset(&self) -> Result<String, Error> {
        self.ep::<r::TaskReset>(&self.id, Empty {}).await
    }
    /// Delete.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn delete(&self) -> Result<String, Error> {
        self.ep::<r::TaskDelete>(&self.id, Empty {}).await
    }
    /// The node's log about this VM (`None`: the node's default, last 100 lines).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn logs(&self, query: Option<LogQuery>) -> Result<TaskLogs, Error> {
        if let Some(q) = &query {
            q.validate()?;
        }
        let p = LogsParams::new(self.id.clone(), query);
        self.ep::<r::TaskLogs>(&p, Empty {}).await
    }
    /// Modify (non-transactional; omitting `new_public_ip` clears an existing public IP).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn modify(&self, req: ModifyVm) -> Result<String, Error> {
        self.ep::<r::TaskModify>(&self.id, req).await
    }
    /// Set the login password of a running VM.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn set_password(
        &self,
        username: &str,
        password: dbc_types::SecretString,
    ) -> Result<String, Error> {
        let req = SetPassword::new(username, password);
        self.ep::<r::TaskPasswd>(&self.id, req).await
    }
    /// Disks of this VM.
    pub fn disks(&self) -> Disks {
        Disks { t: self.clone() }
    }
    /// Snapshots of this VM.
    pub fn snapshots(&self) -> Snapshots {
        Snapshots { t: self.clone() }
    }
}

/// Disks of a VM.
#[derive(Debug, Clone)]
pub struct Disks {
    t: Task,
}

impl Disks {
    /// List.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<Vec<DiskEntry>, Error> {
        self.t.ep::<r::DisksList>(&self.t.id, Empty {}).await
    }
    /// Grow `disk` by `size_gib`.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn resize(&self, disk: &str, size_gib: u32) -> Result<String, Error> {
        let req = ResizeDisk::new(disk, size_gib);
        self.t.ep::<r::DiskResize>(&self.t.id, req).await
    }
    /// Add a data disk.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn add(&self, req: AddDisk) -> Result<String, Error> {
        self.t.ep::<r::DiskAdd>(&self.t.id, req).await
    }
    /// Delete a data disk.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn delete(&self, disk: &str) -> Result<String, Error> {
        let req = DeleteDisk::new(disk);
        self.t.ep::<r::DiskDelete>(&self.t.id, req).await
    }
}

/// Snapshots of a VM.
#[derive(Debug, Clone)]
pub struct Snapshots {
    t: Task,
}

impl Snapshots {
    fn p(&self, name: &str) -> SnapshotParams {
        SnapshotParams::new(self.t.id.clone(), name)
    }
    /// List.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<Vec<Snapshot>, Error> {
        self.t.ep::<r::SnapshotsList>(&self.t.id, Empty {}).await
    }
    /// One snapshot.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn get(&self, name: &str) -> Result<Snapshot, Error> {
        self.t.ep::<r::SnapshotInfo>(&self.p(name), Empty {}).await
    }
    /// Create (the VM must be shut off).
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn create(&self, req: CreateSnapshot) -> Result<String, Error> {
        self.t.ep::<r::SnapshotCreate>(&self.t.id, req).await
    }
    /// Delete.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn delete(&self, name: &str) -> Result<String, Error> {
        self.t
            .ep::<r::SnapshotDelete>(&self.p(name), Empty {})
            .await
    }
}
