//! A started simulator for integration tests.

use crate::http::Http;
use crate::keys::{ALICE, BOB, CHARLIE};
use dbc_sim::{MachineState, NodeConfig, Renter, SimBuilder, SimConfig, SimHandle, Simulator};
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

/// Starts [`builder`]`(create_delay)`; returns it with a raw HTTP client and the id of its
/// rented node (node 0).
pub async fn started(create_delay: Duration) -> (SimHandle, Http, String) {
    started_with(builder(create_delay)).await
}

/// Starts a configured builder; returns it with a raw HTTP client and the id of its rented node.
pub async fn started_with(b: SimBuilder) -> (SimHandle, Http, String) {
    let sim = start_with(b).await;
    let h = Http::new(&sim.url());
    let node = sim.rented_node().to_string();
    (sim, h, node)
}

/// A world of one GPU node rented by the 2-of-3 multisig account of Alice, Bob and Charlie
/// ([`crate::keys::MULTISIG_ABC_2`]).
pub fn multisig_world() -> SimConfig {
    SimConfig {
        nodes: vec![NodeConfig {
            state: MachineState::Rented,
            renter: Some(Renter::Multisig {
                members: vec![ALICE.into(), BOB.into(), CHARLIE.into()],
                threshold: 2,
            }),
            ..Default::default()
        }],
        ..Default::default()
    }
}
