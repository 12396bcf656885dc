//! The fan-out over many nodes: bounded concurrency, input order, a per-node deadline that keeps
//! a hanging node from holding up the rest, any read-only endpoint, and mutations refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_api::{Client, Credentials, Error, ErrorKind};
use dbc_sim::config::{MachineState, NodeConfig, NodeFaultConfig, Renter, SimConfig};
use dbc_sim::Simulator;
use dbc_types::models::Empty;
use dbc_types::registry::{TaskDelete, TasksList};
use dbc_types::NodeId;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dbc_testkit::keys::{keypair, ALICE, ALICE_SURI};

fn world(nodes: usize, hang: Option<usize>) -> SimConfig {
    SimConfig {
        nodes: (0..nodes)
            .map(|i| NodeConfig {
                state: MachineState::Rented,
                renter: Some(Renter::Wallet {
                    wallet: ALICE.into(),
                }),
                faults: if Some(i) == hang {
                    vec![NodeFaultConfig {
                        route: None,
                        kind: "hang".into(),
                        millis: None,
                        bytes: None,
                    }]
                } else {
                    Vec::new()
                },
                ..NodeConfig::default()
            })
            .collect(),
        ..SimConfig::default()
    }
}

fn client(url: &str, timeout: Duration) -> Client {
    Client::builder()
        .url(url)
        .request_timeout(timeout)
        .credentials(Credentials::signer(keypair(ALICE_SURI)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn concurrency_is_bounded_and_order_kept() {
    let sim = Simulator::builder()
        .config(world(12, None))
        .start()
        .await
        .unwrap();
    let ids = sim.node_ids();
    let c = client(&sim.url(), Duration::from_secs(10));
    let now = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let res = c
        .for_nodes(ids.clone(), 3)
        .map(|c, id| {
            let (now, peak) = (now.clone(), peak.clone());
            async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                let r = c.node(&id).tasks().list().await;
                now.fetch_sub(1, Ordering::SeqCst);
                r
            }
        })
        .await;
    assert_eq!(peak.load(Ordering::SeqCst), 3);
    let got: Vec<NodeId> = res.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(got, ids);
    assert!(res.iter().all(|(_, r)| r.is_ok()));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_hanging_node_costs_at_most_the_deadline() {
    let sim = Simulator::builder()
        .config(world(8, Some(3)))
        .start()
        .await
        .unwrap();
    let ids = sim.node_ids();
    // Request timeout 1 s with the default 2 retries: up to ~3.5 s without a deadline.
    let c = client(&sim.url(), Duration::from_secs(1));
    let t = Instant::now();
    let res = c
        .for_nodes(ids.clone(), 4)
        .deadline(Duration::from_millis(1200))
        .call::<TasksList>(&Default::default(), Empty {})
        .await;
    let took = t.elapsed();
    assert!(took < Duration::from_millis(2200), "took {took:?}");
    for (i, (id, r)) in res.iter().enumerate() {
        assert_eq!(id, &ids[i]);
        if i == 3 {
            match r {
                Err(e @ Error::Deadline { node, after }) => {
                    assert_eq!(node, id);
                    assert_eq!(*after, Duration::from_millis(1200));
                    assert!(e.is_transport());
                    assert!(e.hint().is_some());
                }
                other => panic!("node 3: {other:?}"),
            }
        } else {
            assert!(r.is_ok(), "node {i}: {r:?}");
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_nodes_fail_alone_and_mutations_are_refused() {
    let sim = Simulator::builder()
        .config(world(2, None))
        .start()
        .await
        .unwrap();
    let mut ids = sim.node_ids();
    ids.push(NodeId::repeat('e').unwrap());
    let c = client(&sim.url(), Duration::from_secs(5));
    let res = c
        .for_nodes(ids.clone(), 16)
        .call::<TasksList>(&Default::default(), Empty {})
        .await;
    assert!(res[0].1.is_ok() && res[1].1.is_ok());
    assert_eq!(
        res[2].1.as_ref().unwrap_err().kind(),
        Some(&ErrorKind::NodeUnknown)
    );
    let before = sim.stats().requests;
    let res = c
        .for_nodes(ids, 16)
        .call::<TaskDelete>(&"abcdefghijklmnopqrst".parse().unwrap(), Empty {})
        .await;
    assert!(res.iter().all(|(_, r)| matches!(
        r,
        Err(e @ Error::MutatingFanOut { endpoint: "tasks.delete" })
            if e.hint().is_some_and(|h| h.contains("read-only"))
    )));
    assert_eq!(sim.stats().requests, before, "nothing may be sent");
    sim.shutdown().await;
}
