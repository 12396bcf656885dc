//! VMs through the typed handles: the seed flows, every lifecycle action, create validation,
//! logs/modify/passwd, disks and snapshots.

use super::*;

#[tokio::test]
async fn seed_flow_with_wallet_then_session() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    let n = c.node(&node);
    let info = n.info().await.unwrap();
    assert_eq!(info.gpu.as_ref().unwrap().gpu_count, 8);
    let sn = n.open_session().await.unwrap();
    let created = sn.tasks().create(spec(5684, 5904)).await.unwrap();
    assert_eq!(created.status, TaskStatus::Creating);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let p2 = progress.clone();
    let opts = {
        let mut v = fast();
        v.on_progress = Some(Arc::new(move |s: &TaskStatus, _| {
            p2.lock().unwrap().push(s.clone())
        }));
        v
    };
    let task = sn.task(&created.task_id);
    let d = task.wait_running(opts).await.unwrap();
    assert!(progress.lock().unwrap().contains(&TaskStatus::Running));
    assert_eq!(d.ssh_port, Some(5684));
    assert_eq!(d.cpu_cores, 4);
    assert!(d.login_line().starts_with("ssh -p 5684 dbc@"));
    // Wallet and session see the same task (session owner = renter).
    assert_eq!(n.tasks().list().await.unwrap().len(), 1);
    assert_eq!(sn.tasks().list().await.unwrap()[0].task_id, created.task_id);
    assert_eq!(task.delete().await.unwrap(), "ok");
    task.wait_deleted(fast()).await.unwrap();
    assert!(sn.tasks().list().await.unwrap().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn seed_flow_with_a_two_of_three_multisig_renter() {
    let sim = sim().await;
    let node: NodeId = MS_NODE.parse().unwrap();
    let a: Arc<dyn Signer> = Arc::new(alice());
    let b: Arc<dyn Signer> = Arc::new(keypair(BOB_SURI));
    let wallets = vec![ALICE.to_owned(), BOB.to_owned(), CHARLIE.to_owned()];
    let c = client(&sim, Credentials::multisig(wallets.clone(), 2, vec![a, b]));
    let n = c.node(&node);
    let sid = n.session_id().await.unwrap();
    assert!(!sid.session_id.as_str().is_empty());
    let id = running_vm(&c, &node, 6000, 6001).await;
    assert_eq!(n.tasks().list().await.unwrap().len(), 1);
    n.task(&id).delete().await.unwrap();
    // Only one member signing is below the threshold: refused before sending.
    let lone: Arc<dyn Signer> = Arc::new(alice());
    let c1 = client(&sim, Credentials::multisig(wallets, 2, vec![lone]));
    let e = c1.node(&node).tasks().list().await.unwrap_err();
    assert!(matches!(e, Error::Sign(_) | Error::Validation(_)), "{e:?}");
    // Alice alone is not the renter of the multisig node.
    let e = client(&sim, Credentials::signer(alice()))
        .node(&node)
        .tasks()
        .list()
        .await
        .unwrap_err();
    assert_eq!(kind(&e), ErrorKind::WalletNotRenter);
    sim.shutdown().await;
}

#[tokio::test]
async fn task_lifecycle_every_action_and_wrong_state_errors() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    let id = running_vm(&c, &node, 5684, 5904).await;
    let t = c.node(&node).task(&id);
    let closed = |s: &TaskStatus| *s == TaskStatus::Closed;
    // start on a running VM: wrong state.
    let e = t.start().await.unwrap_err();
    assert_eq!(
        kind(&e),
        ErrorKind::TaskWrongState {
            state: "running".into()
        }
    );
    assert_eq!(t.reset().await.unwrap(), "ok");
    t.wait_running(fast()).await.unwrap();
    assert_eq!(t.restart(false).await.unwrap(), "ok");
    t.wait_running(fast()).await.unwrap();
    assert_eq!(t.shutdown().await.unwrap(), "ok");
    t.wait_for(closed, fast()).await.unwrap();
    let e = t.reset().await.unwrap_err();
    assert!(matches!(kind(&e), ErrorKind::TaskWrongState { .. }), "{e}");
    let e = t.shutdown().await.unwrap_err();
    assert!(matches!(kind(&e), ErrorKind::TaskWrongState { .. }), "{e}");
    assert_eq!(t.start().await.unwrap(), "ok");
    t.wait_running(fast()).await.unwrap();
    assert_eq!(t.stop().await.unwrap(), "ok");
    t.wait_for(closed, fast()).await.unwrap();
    assert_eq!(t.restart(true).await.unwrap(), "ok");
    t.wait_running(fast()).await.unwrap();
    assert_eq!(t.poweroff().await.unwrap(), "ok");
    t.wait_for(closed, fast()).await.unwrap();
    let e = t.poweroff().await.unwrap_err();
    assert!(matches!(kind(&e), ErrorKind::TaskWrongState { .. }), "{e}");
    // Unknown task ids.
    let ghost: TaskId = "NoSuchTask00000000000".parse().unwrap();
    let g = c.node(&node).task(&ghost);
    assert_eq!(kind(&g.info().await.unwrap_err()), ErrorKind::TaskNotFound);
    assert_eq!(
        kind(&g.delete().await.unwrap_err()),
        ErrorKind::TaskNotFound
    );
    assert_eq!(kind(&g.start().await.unwrap_err()), ErrorKind::TaskNotFound);
    sim.shutdown().await;
}

#[tokio::test]
async fn create_validation_port_conflict_and_resources() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    running_vm(&c, &node, 5684, 5904).await;
    let e = c
        .node(&node)
        .tasks()
        .create(spec(5685, 5904))
        .await
        .unwrap_err();
    assert_eq!(
        kind(&e),
        ErrorKind::PortConflict { port: Some(5904) },
        "{e}"
    );
    let mut big = spec(5690, 5990);
    big.cpu_cores = 10_000;
    let e = c.node(&node).tasks().create(big).await.unwrap_err();
    assert_eq!(
        kind(&e),
        ErrorKind::ResourceExhausted {
            resource: dbc_api::Resource::Cpu
        },
        "{e}"
    );
    let mut no_image = spec(5691, 5991);
    no_image.image_name = "missing.qcow2".into();
    let e = c.node(&node).tasks().create(no_image).await.unwrap_err();
    assert!(api_message(&e).contains("is not exist"), "{e}");
    // Client-side validation mirrors the node's rules and sends nothing.
    let mut bad = spec(5692, 5899);
    bad.cpu_cores = 1;
    let e = c.node(&node).tasks().create(bad).await.unwrap_err();
    assert!(matches!(e, Error::Validation(_)));
    sim.shutdown().await;
}

#[tokio::test]
async fn logs_modify_passwd() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    let id = running_vm(&c, &node, 5684, 5904).await;
    let t = c.node(&node).task(&id);
    let logs = t.logs(None).await.unwrap();
    assert_eq!(logs.task_id, id);
    assert!(!logs.log_content.is_empty());
    let head = t
        .logs(Some({
            let mut v = LogQuery::default();
            v.direction = LogDirection::Head;
            v.lines = 2;
            v
        }))
        .await
        .unwrap();
    assert!(head.log_content.len() <= 2);
    assert_eq!(
        t.set_password("dbc", SecretString::new("N3w_passw0rd"))
            .await
            .unwrap(),
        "ok"
    );
    assert_eq!(
        t.info().await.unwrap().login_password.expose_secret(),
        "N3w_passw0rd"
    );
    let m = t.modify(ModifyVm::new().new_ssh_port(5700)).await.unwrap();
    assert!(m == "ok" || m.contains("next boot"), "{m}");
    assert_eq!(t.info().await.unwrap().ssh_port, Some(5700));
    t.poweroff().await.unwrap();
    t.wait_for(|s| *s == TaskStatus::Closed, fast())
        .await
        .unwrap();
    let e = t
        .set_password("dbc", SecretString::new("x_passw0rd"))
        .await
        .unwrap_err();
    assert!(
        api_message(&e).contains("Only the running task can change the password"),
        "{e}"
    );
    let ghost: TaskId = "NoSuchTask00000000000".parse().unwrap();
    let g = c.node(&node).task(&ghost);
    assert_eq!(
        kind(&g.logs(None).await.unwrap_err()),
        ErrorKind::TaskNotFound
    );
    assert_eq!(
        kind(&g.modify(ModifyVm::default()).await.unwrap_err()),
        ErrorKind::TaskNotFound
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn disks_and_snapshots_need_a_shut_off_vm() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    let id = running_vm(&c, &node, 5684, 5904).await;
    let t = c.node(&node).task(&id);
    let disks = t.disks().list().await.unwrap();
    assert!(disks.iter().any(|d| d.name == "vda"));
    let e = t.disks().resize("vdb", 10).await.unwrap_err();
    assert!(api_message(&e).contains("please close task first"), "{e}");
    let snap = {
        let mut v = CreateSnapshot::default();
        v.snapshot_name = "snap1".into();
        v.desc = Some("before".into());
        v.image_server = "imgsrv1".into();
        v
    };
    let e = t.snapshots().create(snap.clone()).await.unwrap_err();
    assert!(api_message(&e).contains("please close task first"), "{e}");
    t.poweroff().await.unwrap();
    t.wait_for(|s| *s == TaskStatus::Closed, fast())
        .await
        .unwrap();
    assert_eq!(t.disks().resize("vdb", 10).await.unwrap(), "ok");
    assert_eq!(
        t.disks()
            .add({
                let mut v = AddDisk::default();
                v.size = 20;
                v.mount_dir = None;
                v
            })
            .await
            .unwrap(),
        "ok"
    );
    let names: Vec<String> = t
        .disks()
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    let added = names.iter().find(|n| n.as_str() > "vdb").cloned().unwrap();
    assert_eq!(t.disks().delete(&added).await.unwrap(), "ok");
    assert_eq!(t.snapshots().create(snap).await.unwrap(), "ok");
    let list = t.snapshots().list().await.unwrap();
    assert!(list.iter().any(|s| s.snapshot_name == "snap1"));
    assert_eq!(
        t.snapshots().get("snap1").await.unwrap().snapshot_name,
        "snap1"
    );
    assert!(api_message(&t.snapshots().get("nope").await.unwrap_err())
        .contains("snapshot_name not exist"));
    assert_eq!(t.snapshots().delete("snap1").await.unwrap(), "ok");
    assert!(api_message(&t.snapshots().delete("snap1").await.unwrap_err()).contains("not exist"));
    sim.shutdown().await;
}
