//! `Client::call_raw`: any registry endpoint by name through the same path as the typed
//! methods, against the simulator.

use dbc_api::{Client, Credentials, Error, ErrorKind};
use dbc_sim::{SimHandle, Simulator};
use dbc_testkit::keys::{keypair, ALICE_SURI};
use serde_json::json;
use std::time::Duration;

async fn sim() -> SimHandle {
    Simulator::builder()
        .seed(7)
        .create_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap()
}

fn client(sim: &SimHandle) -> Client {
    Client::builder()
        .url(sim.url())
        .credentials(Credentials::signer(keypair(ALICE_SURI)))
        .retries(0)
        .build()
        .unwrap()
}

#[tokio::test]
async fn raw_calls_match_the_typed_methods() {
    let sim = sim().await;
    let c = client(&sim);
    let node = sim.rented_node();
    let typed = serde_json::to_value(c.version().await.unwrap()).unwrap();
    let raw = c.call_raw("version", None, &[], json!(null)).await.unwrap();
    assert_eq!(raw, typed);

    let created = c
        .call_raw(
            "tasks.create",
            Some(&node),
            &[],
            serde_json::to_value(dbc_testkit::seed::create_vm()).unwrap(),
        )
        .await
        .unwrap();
    let id = created["task_id"].as_str().unwrap().to_owned();
    let info = c
        .call_raw("tasks.info", Some(&node), &[("task_id", &id)], json!(null))
        .await
        .unwrap();
    let typed = c
        .node(&node)
        .task(&id.parse().unwrap())
        .info()
        .await
        .unwrap();
    assert_eq!(info, serde_json::to_value(typed).unwrap());
}

#[tokio::test]
async fn raw_errors_are_typed() {
    let sim = sim().await;
    let c = client(&sim);
    let node = sim.rented_node();
    let e = c
        .call_raw("no.such", None, &[], json!(null))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::UnknownEndpoint { ref name } if name == "no.such"),
        "{e:?}"
    );
    assert!(e.hint().unwrap().contains("dbc call --list"));
    let e = c
        .call_raw("tasks.info", Some(&node), &[("task", "x")], json!(null))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::RawRequest {
                endpoint: "tasks.info",
                ..
            }
        ),
        "{e:?}"
    );
    // The typed validation applies: an empty task id is refused before sending.
    let e = c
        .call_raw("tasks.info", Some(&node), &[("task_id", "")], json!(null))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Validation(_)), "{e:?}");
    // Node errors are classified like the typed path's.
    let e = c
        .call_raw(
            "tasks.info",
            Some(&node),
            &[("task_id", "nope")],
            json!(null),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some(&ErrorKind::TaskNotFound), "{e:?}");
}
