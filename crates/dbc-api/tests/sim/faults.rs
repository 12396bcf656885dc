//! Unknown create outcomes are reconciled, injected faults map to typed errors, fan-out.

use super::*;

#[tokio::test]
async fn create_with_lost_reply_is_reconciled_not_duplicated() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    sim.set_faults(vec![Fault::on_route(
        "tasks.create",
        FaultKind::DropMidReply,
    )]);
    let mut s = spec(5684, 5904);
    s.desc = Some("reconcile-me".into());
    let e = c.node(&node).tasks().create(s.clone()).await.unwrap_err();
    let (spec_back, started_at) = match e {
        Error::CreateOutcomeUnknown {
            spec, started_at, ..
        } => (spec, started_at),
        other => panic!("expected CreateOutcomeUnknown, got {other:?}"),
    };
    sim.clear_faults();
    let found = c
        .node(&node)
        .tasks()
        .reconcile_create(&spec_back, started_at)
        .await
        .unwrap();
    let found = found.expect("the VM created despite the lost reply is found");
    assert_eq!(found.desc, "reconcile-me");
    assert_eq!(
        c.node(&node).tasks().list().await.unwrap().len(),
        1,
        "no duplicate VM"
    );
    // A spec that was never created reconciles to None.
    let other = spec(5800, 5999);
    assert!(c
        .node(&node)
        .tasks()
        .reconcile_create(&other, SystemTime::now())
        .await
        .unwrap()
        .is_none());
    sim.shutdown().await;
}

/// A create whose reply is lost (the GPU node acted, the caller got `create task timeout`):
/// `create_or_reconcile` returns the VM found by listing; the create is sent once and no
/// second VM ever appears. A create the node never got reconciles to nothing.
#[tokio::test]
async fn create_with_reply_lost_returns_the_reconciled_task_and_no_second_vm() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    sim.set_faults(vec![Fault::on_route("tasks.create", FaultKind::ReplyLost)]);
    let mut s = spec(5690, 5910);
    s.desc = Some("lost-reply".into());
    let created = c
        .node(&node)
        .tasks()
        .create_or_reconcile(s.clone())
        .await
        .unwrap();
    assert!(created.reconciled, "the reply was lost: found by reconcile");
    assert_eq!(created.task.desc, "lost-reply");
    let list = c.node(&node).tasks().list().await.unwrap();
    assert_eq!(list.len(), 1, "exactly one VM: {list:?}");
    assert_eq!(list[0].task_id, created.task.task_id);
    // The VM the lost reply was about becomes usable.
    c.node(&node)
        .task(&created.task.task_id)
        .wait_running(fast())
        .await
        .unwrap();
    assert_eq!(c.node(&node).tasks().list().await.unwrap().len(), 1);
    // Never got the request: nothing to reconcile, the outcome stays unknown.
    sim.set_faults(vec![Fault::on_route(
        "tasks.create",
        FaultKind::NeverAnswer,
    )]);
    let e = c
        .node(&node)
        .tasks()
        .create_or_reconcile(spec(5691, 5911))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::CreateOutcomeUnknown { .. }), "{e:?}");
    assert_eq!(c.node(&node).tasks().list().await.unwrap().len(), 1);
    // Without faults the reply itself is returned.
    sim.clear_faults();
    let plain = c
        .node(&node)
        .tasks()
        .create_or_reconcile(spec(5692, 5912))
        .await
        .unwrap();
    assert!(!plain.reconciled);
    assert_eq!(c.node(&node).tasks().list().await.unwrap().len(), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn error_mapping_from_injected_faults() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    let set = |kind: FaultKind| sim.set_faults(vec![Fault::on_route("tasks.list", kind)]);
    set(FaultKind::NeverAnswer);
    let e = c.node(&node).tasks().list().await.unwrap_err();
    assert_eq!(kind(&e), ErrorKind::OperationTimeout);
    set(FaultKind::Http502Html);
    assert!(matches!(
        c.node(&node).tasks().list().await.unwrap_err(),
        Error::Decode {
            http_status: 502,
            ..
        }
    ));
    set(FaultKind::InvalidJson);
    assert!(matches!(
        c.node(&node).tasks().list().await.unwrap_err(),
        Error::Api {
            http_status: 500,
            errcode: -1,
            ..
        }
    ));
    set(FaultKind::DropMidReply);
    let e = c.node(&node).tasks().list().await.unwrap_err();
    assert!(
        e.is_transport() || matches!(e, Error::Decode { .. }),
        "{e:?}"
    );
    sim.clear_faults();
    assert!(
        c.node(&node).tasks().list().await.is_ok(),
        "the simulator keeps serving"
    );
    // Connection refused.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let dead = Client::builder()
        .url(format!("http://{closed}"))
        .retries(0)
        .build()
        .unwrap();
    let e = dead.version().await.unwrap_err();
    assert!(e.is_transport());
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn fan_out_over_nodes() {
    let sim = sim().await;
    let c = client(&sim, Credentials::signer(alice()));
    let mut ids = sim.node_ids();
    ids.push(NodeId::repeat('e').unwrap());
    let res = c.for_nodes(ids.clone(), 2).info().await;
    assert_eq!(res.len(), ids.len());
    assert!(res[0].1.is_ok());
    assert_eq!(
        kind(res.last().unwrap().1.as_ref().unwrap_err()),
        ErrorKind::NodeUnknown
    );
    let tasks = c
        .for_nodes(vec![sim.rented_node(), sim.unrented_node()], 4)
        .tasks()
        .await;
    assert!(tasks[0].1.is_ok());
    assert_eq!(
        kind(tasks[1].1.as_ref().unwrap_err()),
        ErrorKind::MachineNotRented
    );
    sim.shutdown().await;
}
