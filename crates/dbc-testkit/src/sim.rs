//! A started simulator for integration tests.

use dbc_sim::{SimBuilder, SimHandle, Simulator};
use std::time::Duration;

/// The default test world (seed 42) with VM creation taking `create_delay`.
pub fn builder(create_delay: Duration) -> SimBuilder {
    Simulator::builder().seed(42).create_delay(create_delay)
}

/// Starts [`builder`]`(create_delay)`.
pub async fn start(create_delay: Duration) -> SimHandle {
    start_with(builder(create_delay)).await
}

/// Starts a configured builder (panics if the simulator cannot start: test code).
pub async fn start_with(b: SimBuilder) -> SimHandle {
    b.start()
        .await
        .unwrap_or_else(|e| panic!("simulator did not start: {e}"))
}
