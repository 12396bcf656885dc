//! Integration tests against the simulator: every registry endpoint through its typed method,
//! happy path and main failure, the seed flow with wallet, session and multisig credentials,
//! waiting, error mapping and the create-timeout reconcile path.

use dbc_api::{Client, Credentials, Error, ErrorKind, WaitOptions};
use dbc_sign::{Keypair, Signer};
use dbc_sim::config::{BareMetalConfig, MachineState, NodeConfig, NodeKind, Renter, SimConfig};
use dbc_sim::{Fault, FaultKind, SimHandle, Simulator};
use dbc_types::models::*;
use dbc_types::{NodeId, SecretString, TaskId};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use dbc_testkit::keys::{keypair, ALICE, ALICE_SURI, BOB, BOB_SURI, CHARLIE};
const MS_NODE: &str = "aa00000000000000000000000000000000000000000000000000000000000002";
/// The manager's node id is //Alice's public key, so Alice can sign as the manager.
const BM_MANAGER: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
const BM_SERVER_ID: &str = "a41d0c9e000000000000000000000000000000000000000000000000000d6d5c";

fn world() -> SimConfig {
    let mut cfg = SimConfig::default();
    cfg.nodes.push(NodeConfig {
        id: Some(MS_NODE.into()),
        state: MachineState::Rented,
        renter: Some(Renter::Multisig {
            members: vec![ALICE.into(), BOB.into(), CHARLIE.into()],
            threshold: 2,
        }),
        ..NodeConfig::default()
    });
    cfg.nodes.push(NodeConfig {
        id: Some(BM_MANAGER.into()),
        kind: NodeKind::BareMetalManager,
        state: MachineState::Online,
        ..NodeConfig::default()
    });
    cfg.nodes.push(NodeConfig {
        id: Some(BM_SERVER_ID.into()),
        kind: NodeKind::BareMetalServer,
        state: MachineState::Rented,
        renter: Some(Renter::Wallet {
            wallet: ALICE.into(),
        }),
        gpus: 0,
        bare_metal: Some(BareMetalConfig {
            manager: Some(BM_MANAGER.into()),
            uuid: "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f".into(),
            ip: "203.0.113.21".into(),
            os: "Windows10".into(),
            description: "seat17".into(),
            ipmi_hostname: "192.168.0.110".into(),
            ipmi_username: "admin".into(),
            ipmi_password: "s3cret99".into(),
            ipmi_port: Some(623),
            deeplink_device_id: Some("123456789".into()),
            deeplink_device_password: Some("aB3dE9".into()),
        }),
        ..NodeConfig::default()
    });
    cfg
}

async fn sim() -> SimHandle {
    Simulator::builder()
        .seed(7)
        .create_delay(Duration::from_millis(150))
        .node_timeout(Duration::from_millis(300))
        .config(world())
        .start()
        .await
        .unwrap()
}

fn alice() -> Keypair {
    keypair(ALICE_SURI)
}

fn client(sim: &SimHandle, creds: Credentials) -> Client {
    Client::builder()
        .url(sim.url())
        .credentials(creds)
        .request_timeout(Duration::from_secs(5))
        .retry_policy({
            let mut v = dbc_api::RetryPolicy::default();
            v.max_retries = 1;
            v.base_delay = Duration::from_millis(5);
            v.max_delay = Duration::from_millis(10);
            v
        })
        .build()
        .unwrap()
}

fn fast() -> WaitOptions {
    {
        let mut v = WaitOptions::default();
        v.timeout = Duration::from_secs(10);
        v.poll_interval = Duration::from_millis(25);
        v.on_progress = None;
        v
    }
}

fn spec(ssh: u16, vnc: u16) -> CreateVm {
    dbc_testkit::seed::create_vm_on_ports(ssh, vnc)
}

fn kind(e: &Error) -> ErrorKind {
    e.kind()
        .cloned()
        .unwrap_or_else(|| panic!("expected an API error, got {e:?}"))
}

fn api_message(e: &Error) -> &str {
    match e {
        Error::Api { message, .. } => message,
        other => panic!("expected an API error, got {other:?}"),
    }
}

async fn running_vm(c: &Client, node: &NodeId, ssh: u16, vnc: u16) -> TaskId {
    let t = c.node(node).tasks().create(spec(ssh, vnc)).await.unwrap();
    c.node(node)
        .task(&t.task_id)
        .wait_running(fast())
        .await
        .unwrap();
    t.task_id
}

mod faults;
mod node;
mod registry;
mod vms;
