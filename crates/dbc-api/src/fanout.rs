//! Bounded-concurrency calls over many nodes, for platforms that manage fleets.

use crate::client::Client;
use crate::error::Error;
use dbc_types::models::{NodeInfo, TaskSummary};
use dbc_types::{Endpoint, NodeId};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The same call on many nodes, at most `concurrency` at a time. Results keep the input order.
///
/// With [`FanOut::deadline`], every node gets at most that long from the moment its turn
/// starts (retries included), so a node that hangs holds up nobody else for longer.
#[derive(Debug, Clone)]
pub struct FanOut {
    pub(crate) client: Client,
    pub(crate) ids: Vec<NodeId>,
    pub(crate) concurrency: usize,
    pub(crate) deadline: Option<Duration>,
}

impl FanOut {
    /// Gives each node at most `d` (from when its turn starts, retries included); a node that
    /// takes longer yields [`Error::Deadline`].
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// The nodes, in input (and result) order.
    pub fn ids(&self) -> &[NodeId] {
        &self.ids
    }

    /// Runs `f(client, node)` for every node, at most `concurrency` at a time, each bounded by
    /// the [deadline](FanOut::deadline) when one is set. Results keep the input order; one
    /// node's failure does not stop the others.
    pub async fn map<T, F, Fut>(&self, f: F) -> Vec<(NodeId, Result<T, Error>)>
    where
        T: Send + 'static,
        F: Fn(Client, NodeId) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
    {
        let sem = Arc::new(Semaphore::new(self.concurrency.max(1)));
        let mut set = tokio::task::JoinSet::new();
        let deadline = self.deadline;
        for (i, id) in self.ids.iter().enumerate() {
            let fut = f(self.client.clone(), id.clone());
            let sem = sem.clone();
            let node = id.clone();
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                let r = match deadline {
                    Some(after) => match tokio::time::timeout(after, fut).await {
                        Ok(r) => r,
                        Err(_) => Err(Error::Deadline { node, after }),
                    },
                    None => fut.await,
                };
                (i, r)
            });
        }
        let mut out: Vec<Option<Result<T, Error>>> = (0..self.ids.len()).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, r)) = joined {
                if let Some(slot) = out.get_mut(i) {
                    *slot = Some(r);
                }
            }
        }
        self.ids
            .iter()
            .cloned()
            .zip(out)
            .map(|(id, r)| {
                let r = r.unwrap_or_else(|| {
                    Err(Error::Cancelled {
                        node: Some(id.clone()),
                    })
                });
                (id, r)
            })
            .collect()
    }

    /// Any read-only endpoint of the registry on every node, with the client's credentials.
    /// A mutating endpoint is refused for every node (fan-out never changes state) with
    /// [`Error::MutatingFanOut`]; nothing is sent then.
    pub async fn call<E: Endpoint>(
        &self,
        params: &E::Params,
        additional: E::Request,
    ) -> Vec<(NodeId, Result<E::Response, Error>)> {
        if E::INFO.mutates {
            let name = E::INFO.name;
            return self
                .ids
                .iter()
                .map(|id| (id.clone(), Err(Error::MutatingFanOut { endpoint: name })))
                .collect();
        }
        let params = Arc::new(params.clone());
        self.map(move |c, id| {
            let params = params.clone();
            let additional = additional.clone();
            async move { c.call::<E>(Some(&id), &params, additional).await }
        })
        .await
    }

    /// Machine info of every node.
    pub async fn info(&self) -> Vec<(NodeId, Result<NodeInfo, Error>)> {
        self.map(|c, id| async move { c.node(&id).info().await })
            .await
    }

    /// The caller's VMs on every node.
    pub async fn tasks(&self) -> Vec<(NodeId, Result<Vec<TaskSummary>, Error>)> {
        self.map(|c, id| async move { c.node(&id).tasks().list().await })
            .await
    }
}
