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

#[tokio::test]
async fn images_on_node_and_servers() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    let servers = c.images().servers().await.unwrap();
    assert_eq!(servers.image_server, ["imgsrv1"]);
    let on_server = c.images().list_server("imgsrv1").await.unwrap();
    assert!(on_server.iter().any(|i| i.name() == "ubuntu-cuda.qcow2"));
    assert!(c.images().list_server("nope").await.is_err());
    let imgs = c.node(&node).images().list(None).await.unwrap();
    assert!(imgs.iter().any(|i| i.name() == "ubuntu.qcow2"));
    // The node list uses the defective `image_name:` key.
    assert!(imgs.iter().all(|i| matches!(i, ListedImage::Node(_))));
    let ni = c.node(&node).images();
    let dl = {
        let mut v = ImageDownload::default();
        v.image_server = "imgsrv1".into();
        v.image_filename = "ubuntu-cuda.qcow2".into();
        v.local_dir = "/data".into();
        v
    };
    assert_eq!(ni.download(dl.clone()).await.unwrap(), "ok");
    let p = ni.download_progress("ubuntu-cuda.qcow2").await.unwrap();
    assert!(p.status == "downloading" || p.is_done(), "{p:?}");
    assert_eq!(ni.download_stop("ubuntu-cuda.qcow2").await.unwrap(), "ok");
    let bad = {
        let mut v = dl;
        v.image_filename = "nope.qcow2".into();
        v
    };
    assert!(api_message(&ni.download(bad).await.unwrap_err()).contains("not exist"));
    let up = {
        let mut v = ImageUpload::default();
        v.image_filename = "ubuntu.qcow2".into();
        v.image_server = "imgsrv1".into();
        v
    };
    assert_eq!(ni.upload(up).await.unwrap(), "ok");
    let p = ni.upload_progress("ubuntu.qcow2").await.unwrap();
    assert!(p.status == "uploading" || p.is_done(), "{p:?}");
    assert_eq!(ni.upload_stop("ubuntu.qcow2").await.unwrap(), "ok");
    let e = ni
        .upload({
            let mut v = ImageUpload::default();
            v.image_filename = "nope.qcow2".into();
            v.image_server = "imgsrv1".into();
            v
        })
        .await
        .unwrap_err();
    assert!(api_message(&e).contains("not exist"), "{e}");
    assert_eq!(ni.delete("windows.qcow2").await.unwrap(), "ok");
    assert!(api_message(&ni.delete("windows.qcow2").await.unwrap_err()).contains("not exist"));
    // Local (client-node) upload path.
    let lc = c.images();
    let _ = lc
        .upload_local({
            let mut v = ImageUpload::default();
            v.image_filename = "upload.qcow2".into();
            v.image_server = "imgsrv1".into();
            v
        })
        .await;
    let _ = lc.upload_progress_local("upload.qcow2").await;
    let _ = lc.upload_stop_local("upload.qcow2").await;
    sim.shutdown().await;
}

#[tokio::test]
async fn nodes_peers_version_rent_orders_free_memory_stat_config() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    assert_eq!(c.version().await.unwrap().client_version, "0.4.1.8");
    let nodes = c.nodes().list().await.unwrap();
    assert!(nodes.mining_nodes.iter().any(|n| n.node_id == node));
    for list in [
        c.peers().active().await.unwrap(),
        c.peers().global().await.unwrap(),
        c.peers().lan().await.unwrap(),
    ] {
        assert!(list.peer_nodes.len() <= 51);
    }
    let orders = c.node(&node).rent_orders().await.unwrap();
    assert!(orders.rent_orders.iter().any(|o| o.renter == ALICE));
    assert_eq!(c.node(&node).rent_order("1024").await.unwrap(), orders);
    assert_eq!(c.node(&node).free_memory().await.unwrap(), "ok");
    // Unknown node id: create node request failed, at once.
    let ghost: NodeId = NodeId::repeat('e').unwrap();
    assert_eq!(
        kind(&c.node(&ghost).info().await.unwrap_err()),
        ErrorKind::NodeUnknown
    );
    assert_eq!(
        kind(&c.node(&ghost).rent_orders().await.unwrap_err()),
        ErrorKind::NodeUnknown
    );
    // Not rented.
    let e = c
        .node(&sim.unrented_node())
        .free_memory()
        .await
        .unwrap_err();
    assert_eq!(kind(&e), ErrorKind::MachineNotRented);
    // Stat and config are disabled in this node version.
    for r in [c.stat().await, c.client_config().await] {
        match r.unwrap_err() {
            Error::Api {
                http_status: 500,
                errcode: -32701,
                message,
                ..
            } => assert_eq!(message, "Unhandled request"),
            other => panic!("{other:?}"),
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn session_id_failures() {
    let sim = sim().await;
    let node = sim.rented_node();
    let bob = client(&sim, Credentials::signer(keypair(BOB_SURI)));
    assert_eq!(
        kind(&bob.node(&node).session_id().await.unwrap_err()),
        ErrorKind::WalletNotRenter
    );
    let c = client(&sim, Credentials::signer(alice()));
    assert_eq!(
        kind(&c.node(&sim.unrented_node()).session_id().await.unwrap_err()),
        ErrorKind::MachineNotRented
    );
    // A session credential cannot fetch a session id (pre-check B): refused before sending.
    let creds = c
        .node(&node)
        .open_session()
        .await
        .unwrap()
        .credentials()
        .clone();
    let e = c
        .with_credentials(creds.clone())
        .node(&node)
        .session_id()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Validation(_)), "{e:?}");
    // A session signed by a stranger is invalid.
    if let Credentials::Session { session_id, .. } = creds {
        let forged = Keypair::from_suri("//Mallory")
            .unwrap()
            .sign(session_id.as_str().as_bytes())
            .unwrap();
        let bad = Credentials::session(
            session_id,
            dbc_types::SessionIdSign::new(forged.as_str()).unwrap(),
        );
        let e = c
            .with_credentials(bad)
            .node(&node)
            .tasks()
            .list()
            .await
            .unwrap_err();
        assert_eq!(kind(&e), ErrorKind::SessionInvalid, "{e}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn monitor_and_lan() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    let m = c.node(&node).monitor();
    assert_eq!(
        m.set(vec![
            "203.0.113.50:10051".into(),
            "203.0.113.51:10051".into()
        ])
        .await
        .unwrap(),
        "ok"
    );
    assert_eq!(m.list().await.unwrap().servers.len(), 2);
    assert!(matches!(
        m.set(vec!["a:1".into(), "b:2".into(), "c:3".into()])
            .await
            .unwrap_err(),
        Error::Validation(_)
    ));
    let e = c
        .node(&sim.unrented_node())
        .monitor()
        .list()
        .await
        .unwrap_err();
    assert_eq!(kind(&e), ErrorKind::MachineNotRented);
    let lan = c.node(&node).lan();
    let net = {
        let mut v = CreateNetwork::default();
        v.network_name = "testnet1".into();
        v.ip_cidr = "10.20.0.0/24".into();
        v
    };
    assert_eq!(lan.create(net.clone()).await.unwrap(), "ok");
    assert!(api_message(&lan.create(net).await.unwrap_err()).contains("already exist"));
    assert!(lan
        .list()
        .await
        .unwrap()
        .networks()
        .iter()
        .any(|n| n.network_name == "testnet1"));
    assert_eq!(lan.get("testnet1").await.unwrap().network_name, "testnet1");
    assert!(
        api_message(&lan.get("nosuchnet").await.unwrap_err()).contains("network name not exist")
    );
    let _local = c.lan().list().await.unwrap();
    assert!(c.lan().get("nosuchnet").await.is_err());
    assert_eq!(lan.delete("testnet1").await.unwrap(), "ok");
    assert!(
        api_message(&lan.delete("testnet1").await.unwrap_err()).contains("network name not exist")
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn bare_metal_and_deeplink() {
    let sim = sim().await;
    let alice_c = client(&sim, Credentials::signer(alice()));
    let bob_c = client(&sim, Credentials::signer(keypair(BOB_SURI)));
    let manager: NodeId = BM_MANAGER.parse().unwrap();
    let server: NodeId = BM_SERVER_ID.parse().unwrap();
    let compute = sim.rented_node();
    // Client-node listing of announced bare-metal nodes, and a filtered listing.
    match alice_c.bare_metal().list().await.unwrap() {
        BareMetalList::List { bare_metal_nodes } => assert!(!bare_metal_nodes.is_empty()),
        other => panic!("{other:?}"),
    }
    let _ = alice_c.bare_metal().get(BM_SERVER_ID).await.unwrap();
    // The manager's list, forwarded; unmasked only for the manager key.
    let masked = bob_c.node(&manager).bare_metal().info().await.unwrap();
    let mgr_c = alice_c.with_credentials(Credentials::node_key(alice()));
    let unmasked = mgr_c.node(&manager).bare_metal().info().await.unwrap();
    let pw = |l: &BareMetalList| match l {
        BareMetalList::List { bare_metal_nodes } => bare_metal_nodes[0]
            .ipmi_password
            .clone()
            .unwrap()
            .expose_secret()
            .to_owned(),
        BareMetalList::Server(s) => s
            .ipmi_password
            .clone()
            .map(|p| p.expose_secret().to_owned())
            .unwrap_or_default(),
    };
    assert!(
        pw(&masked).chars().all(|c| c == '*'),
        "masked for a stranger"
    );
    assert_eq!(pw(&unmasked), "s3cret99", "unmasked for the manager key");
    // Manager-key operations (forwarded to the manager): add, modify, delete.
    let add = {
        let mut v = AddBareMetal::default();
        v.bare_metal_nodes = vec![{
            let mut v = NewBareMetal::default();
            v.uuid = "u-1".into();
            v.ip = "203.0.113.22".into();
            v.ipmi_hostname = "192.168.0.111".into();
            v.ipmi_username = "admin".into();
            v.ipmi_password = SecretString::new("s3cret98");
            v
        }];
        v
    };
    let mgr_opts = dbc_api::CallOptions::default();
    let added = mgr_c
        .call_with::<dbc_types::registry::BareMetalAdd>(
            &mgr_opts,
            Some(&manager),
            &dbc_types::endpoint::NoParams,
            add.clone(),
        )
        .await
        .unwrap();
    let new_id = added.bare_metal_nodes[0].node_id.clone();
    let e = bob_c
        .call_with::<dbc_types::registry::BareMetalAdd>(
            &mgr_opts,
            Some(&manager),
            &dbc_types::endpoint::NoParams,
            add,
        )
        .await
        .unwrap_err();
    assert!(api_message(&e).contains("verify sign failed"), "{e}");
    let modify = ModifyBareMetal::new().os("Ubuntu");
    mgr_c
        .call_with::<dbc_types::registry::BareMetalModify>(
            &mgr_opts,
            Some(&manager),
            &dbc_types::endpoint::Segment(new_id.clone()),
            modify,
        )
        .await
        .unwrap();
    let del = {
        let mut v = DeleteBareMetal::default();
        v.bare_metal_node_ids = vec![new_id];
        v
    };
    mgr_c
        .call_with::<dbc_types::registry::BareMetalDelete>(
            &mgr_opts,
            Some(&manager),
            &dbc_types::endpoint::NoParams,
            del,
        )
        .await
        .unwrap();
    // The client node is not a manager: the local (no peer) variants are refused.
    assert!(alice_c
        .bare_metal()
        .delete(vec![BM_SERVER_ID.into()])
        .await
        .is_err());
    assert!(alice_c
        .bare_metal()
        .modify(BM_SERVER_ID, ModifyBareMetal::default())
        .await
        .is_err());
    assert!(alice_c
        .bare_metal()
        .add(AddBareMetal::default())
        .await
        .is_err());
    // Power control of the rented server.
    let s = alice_c.node(&server).bare_metal();
    let p = s.power(PowerCommand::Status).await;
    assert!(p.is_ok(), "{p:?}");
    // DEFECT reproduced by the simulator: bootdev always fails.
    let e = s.bootdev(BootDevice::Pxe).await.unwrap_err();
    assert!(
        api_message(&e).contains("bare metal client not existed"),
        "{e}"
    );
    assert!(s.info().await.is_ok());
    let e = bob_c
        .node(&server)
        .bare_metal()
        .power(PowerCommand::On)
        .await
        .unwrap_err();
    assert_eq!(kind(&e), ErrorKind::WalletNotRenter, "{e}");
    // Bare-metal operations on a compute node: Not supported.
    let e = alice_c
        .node(&compute)
        .bare_metal()
        .power(PowerCommand::Status)
        .await
        .unwrap_err();
    assert!(api_message(&e).contains("Not supported"), "{e}");
    // DeepLink of the server.
    let d = alice_c.node(&server).deeplink();
    assert_eq!(d.get().await.unwrap().device_id, "123456789");
    let set = {
        let mut v = SetDeeplink::default();
        v.device_id = Some("987654321".into());
        v.device_password = None;
        v
    };
    d.set(set).await.unwrap();
    assert_eq!(d.get().await.unwrap().device_id, "987654321");
    let e = alice_c.node(&compute).deeplink().get().await.unwrap_err();
    assert!(api_message(&e).contains("Not supported"), "{e}");
    sim.shutdown().await;
}

#[tokio::test]
async fn create_with_lost_reply_is_reconciled_not_duplicated() {
    let sim = sim().await;
    let node = sim.rented_node();
    let c = client(&sim, Credentials::signer(alice()));
    sim.set_faults(vec![Fault {
        node: None,
        route: Some("tasks.create".into()),
        kind: FaultKind::DropMidReply,
    }]);
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
    sim.set_faults(vec![Fault {
        node: None,
        route: Some("tasks.create".into()),
        kind: FaultKind::ReplyLost,
    }]);
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
    sim.set_faults(vec![Fault {
        node: None,
        route: Some("tasks.create".into()),
        kind: FaultKind::NeverAnswer,
    }]);
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
    let set = |kind: FaultKind| {
        sim.set_faults(vec![Fault {
            node: None,
            route: Some("tasks.list".into()),
            kind,
        }])
    };
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

/// The endpoints whose typed methods the tests above exercise. Every endpoint has a typed method
/// today, so the list equals the registry; a new endpoint needs none (the fault matrix reaches
/// every registry endpoint through `Client::call_raw` against the simulator, and `Client::call`
/// types it), so only a stale name fails here.
#[test]
fn exercised_endpoints_are_registry_endpoints() {
    let names: BTreeSet<&str> = [
        "version",
        "tasks.list",
        "tasks.info",
        "tasks.create",
        "tasks.start",
        "tasks.shutdown",
        "tasks.poweroff",
        "tasks.stop",
        "tasks.restart",
        "tasks.reset",
        "tasks.delete",
        "tasks.logs",
        "tasks.modify",
        "tasks.passwd",
        "images.list",
        "images.servers",
        "images.download",
        "images.download_progress",
        "images.download_stop",
        "images.upload",
        "images.upload_progress",
        "images.upload_stop",
        "images.delete",
        "snapshots.list",
        "snapshots.info",
        "snapshots.create",
        "snapshots.delete",
        "disks.list",
        "disks.resize",
        "disks.add",
        "disks.delete",
        "nodes.list",
        "nodes.info",
        "nodes.session_id",
        "nodes.free_memory",
        "peers.active",
        "peers.global",
        "peers.lan",
        "stat",
        "config",
        "monitor.list",
        "monitor.set",
        "lan.list",
        "lan.get",
        "lan.create",
        "lan.delete",
        "bare_metal.list",
        "bare_metal.get",
        "bare_metal.add",
        "bare_metal.delete",
        "bare_metal.modify",
        "bare_metal.power",
        "bare_metal.bootdev",
        "deeplink.get",
        "deeplink.set",
        "rent_orders.list",
        "rent_orders.get",
    ]
    .into_iter()
    .collect();
    let registry: BTreeSet<&str> = dbc_types::REGISTRY.iter().map(|d| d.info.name).collect();
    let stale: Vec<&&str> = names.difference(&registry).collect();
    assert!(stale.is_empty(), "not registry endpoints: {stale:?}");
}
