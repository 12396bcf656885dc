//! Bounded-concurrency calls over many nodes, for platforms that manage fleets.

use crate::client::Client;
use crate::error::Error;
use dbc_types::models::{NodeInfo, TaskSummary};
use dbc_types::NodeId;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The same call on many nodes, at most `concurrency` at a time. Results keep the input order.
#[derive(Debug, Clone)]
pub struct FanOut {
    pub(crate) client: Client,
    pub(crate) ids: Vec<NodeId>,
    pub(crate) concurrency: usize,
}

impl FanOut {
    async fn run<T, F, Fut>(&self, f: F) -> Vec<(NodeId, Result<T, Error>)>
    where
        T: Send + 'static,
        F: Fn(Client, NodeId) -> Fut,
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
    {
        let sem = Arc::new(Semaphore::new(self.concurrency.max(1)));
        let mut set = tokio::task::JoinSet::new();
        for (i, id) in self.ids.iter().enumerate() {
            let fut = f(self.client.clone(), id.clone());
            let sem = sem.clone();
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                (i, fut.await)
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
                (
                    id,
                    r.unwrap_or_else(|| Err(Error::Config("the call's task was cancelled".into()))),
                )
            })
            .collect()
    }

    /// Machine info of every node.
    pub async fn info(&self) -> Vec<(NodeId, Result<NodeInfo, Error>)> {
        self.run(|c, id| async move { c.node(&id).info().await })
            .await
    }

    /// The caller's VMs on every node.
    pub async fn tasks(&self) -> Vec<(NodeId, Result<Vec<TaskSummary>, Error>)> {
        self.run(|c, id| async move { c.node(&id).tasks().list().await })
            .await
    }
}
