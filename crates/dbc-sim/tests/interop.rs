//! §5.2: signatures made by independent implementations are accepted. The vectors below were
//! produced outside this project (the DBC wiki's `sign_tool` output, checked against schnorrkel
//! and polkadot-js `keyring.sign`); the simulator must accept them byte for byte, and reject the
//! browser-extension `<Bytes>`-wrapped form.
use dbc_testkit::http::Http;
use dbc_testkit::keys::ALICE;
use dbc_testkit::sim;
use serde_json::json;
use std::time::Duration;

/// Wallet of the DBC request-format document and its signature of a nonce.
const WIKI_WALLET: &str = "5Dy8ULx1De6u3WE9ixpy1VKK2CVssvsjQT15qcmQsG662Zj4";
const WIKI_NONCE: &str = "5q7KRn4d8EmXFFsim8vHBp23N2CpERbD2mWR3WCo1o3teZnGxYEh4N6";
const WIKI_SIGN: &str = "2460725b2f5e737cd810c773be61b9b27c3b9dbdac4af9cf25c7be9949ad7202a0b7467f71ad843888f482662d3ae2e4fa566d3c1930a3fa90f3dcb97ea4098d";
/// //Alice signed `<Bytes>` + nonce + `</Bytes>` (what browser wallet extensions produce).
const WRAPPED_NONCE: &str = "3Spg7pK2sn4Yes31tVkTwVoBTz3b4Va74ELngmnUqdvYzvYxmNX3qwp";
const WRAPPED_SIGN: &str = "50ead72f81b45a0c17e5b0694bbcc246d34e39584edc7096baeb8b0ef1ccb266e7426b97be8c7541d98fef869fb5fef80da4670ab2c20d5414c3d4a4e9dc918a";

#[tokio::test]
async fn spec_5_2_independent_signature_accepted_then_replay_rejected() {
    let cfg = dbc_sim::SimConfig {
        nodes: vec![dbc_sim::NodeConfig {
            state: dbc_sim::MachineState::Rented,
            renter: Some(dbc_sim::Renter::Wallet {
                wallet: WIKI_WALLET.into(),
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    let sim = dbc_sim::Simulator::builder()
        .seed(3)
        .config(cfg)
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let node = sim.node_ids()[0].to_string();
    let env = json!({"peer_nodes_list": [node], "additional": {},
                     "wallet": WIKI_WALLET, "nonce": WIKI_NONCE, "sign": WIKI_SIGN});
    let r = h.post("/api/v1/mining_nodes/session_id", &env).await;
    assert!(
        r.ok()["session_id"].as_str().is_some_and(|s| !s.is_empty()),
        "{}",
        r.text
    );
    // §5.3: the nonce is now consumed on this node.
    h.post("/api/v1/mining_nodes/session_id", &env)
        .await
        .assert_node(-3, "check authority failed: nonce check failed");
    sim.shutdown().await;
}

#[tokio::test]
async fn spec_5_2_bytes_wrapped_signature_rejected() {
    let (sim, h, node) = sim::started(Duration::from_millis(100)).await;
    let env = json!({"peer_nodes_list": [node], "additional": {},
                     "wallet": ALICE, "nonce": WRAPPED_NONCE, "sign": WRAPPED_SIGN});
    h.post("/api/v1/tasks", &env)
        .await
        .assert_node(-3, "check authority failed: nonce check failed");
    sim.shutdown().await;
}
