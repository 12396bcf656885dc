//! Server limits of the reference listener (spec §1.1) that the simulator enforces too.

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Largest request header block accepted, in bytes (libevent's `max_headers_size` on the node,
/// 8192). A larger head is answered `431 Request Header Fields Too Large` and the connection is
/// closed (the node's exact reply is unknown, spec §11).
pub const MAX_HEADER_BYTES: usize = 8192;

/// Default cap on concurrent connections ([`crate::SimBuilder::max_connections`]).
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// Counts open connections; a connection over the cap is closed right after `accept`, so
/// memory stays bounded whatever clients do.
#[derive(Debug, Clone)]
pub(crate) struct ConnLimit(Arc<Semaphore>);

impl ConnLimit {
    /// A limit of `max` connections (at least 1).
    pub(crate) fn new(max: usize) -> ConnLimit {
        ConnLimit(Arc::new(Semaphore::new(
            max.clamp(1, Semaphore::MAX_PERMITS),
        )))
    }

    /// A slot for one more connection, held until the connection ends; `None` at the cap.
    pub(crate) fn try_admit(&self) -> Option<OwnedSemaphorePermit> {
        self.0.clone().try_acquire_owned().ok()
    }
}
