//! Wire tests with the mock transport: exact JSON sent, fresh nonces, retry rules.

use dbc_api::{Client, Credentials, Error, ErrorKind};
use dbc_sign::Signer;
use dbc_transport::mock::MockTransport;
use dbc_transport::BoxTransport;
use dbc_types::models::{CreateVm, LogDirection, LogQuery};
use dbc_types::{NodeId, SessionId, SessionIdSign, TaskId};
use serde_json::{json, Value};
use std::sync::Arc;

const NODE: &str = "58fb618aa482c41114eb3cfdaefd3ba183172da9e25251449d045043fbd37f45";
const TASK: &str = "7KhaCevciMbc5v1TZGUHei";
use dbc_testkit::keys::{keypair, ALICE, ALICE_SURI, BOB_SURI};

fn node() -> NodeId {
    NODE.parse().unwrap()
}

fn setup(creds: Credentials) -> (MockTransport, Client) {
    let mock = MockTransport::new("http://127.0.0.1:5052");
    let client = Client::builder()
        .transport(Arc::new(mock.clone()) as BoxTransport)
        .credentials(creds)
        .retry_policy({
            let mut v = dbc_api::RetryPolicy::default();
            v.max_retries = 2;
            v.base_delay = std::time::Duration::from_millis(1);
            v.max_delay = std::time::Duration::from_millis(2);
            v
        })
        .build()
        .unwrap();
    (mock, client)
}

fn alice() -> Credentials {
    Credentials::signer(keypair(ALICE_SURI))
}

fn bodies(mock: &MockTransport) -> Vec<(String, Value)> {
    mock.requests()
        .into_iter()
        .map(|r| {
            (
                r.path_and_query.clone(),
                serde_json::from_slice(&r.body).unwrap(),
            )
        })
        .collect()
}

fn assert_wallet_signed(body: &Value) -> String {
    assert_eq!(body["wallet"], ALICE);
    let nonce = body["nonce"].as_str().unwrap().to_owned();
    let sign = body["sign"].as_str().unwrap();
    assert_eq!(sign.len(), 128, "signature is 128 hex chars");
    assert!(!sign.starts_with("0x"));
    assert!(
        dbc_sign::verify(ALICE, nonce.as_bytes(), sign),
        "signature verifies for its nonce"
    );
    nonce
}

const OK: &str = r#"{"errcode":0, "message":"ok"}"#;

#[tokio::test]
async fn seed_call_1_machine_info_sends_no_credential() {
    let (mock, client) = setup(alice());
    mock.push_response(200, r#"{"errcode":0,"message":{"version":"0.4.1.8","node_type":"1","ip":"*.1.*.2","os":"x","cpu":{"type":"t","hz":"1MHz","cores":"64","used_usage":"1%"},"gpu":{"gpu_count":"8","gpu_used":"0"}}}"#);
    let info = client.node(&node()).info().await.unwrap();
    assert_eq!(info.gpu.unwrap().gpu_count, 8);
    let b = bodies(&mock);
    assert_eq!(b[0].0, "/api/v1/mining_nodes");
    assert_eq!(b[0].1, json!({"peer_nodes_list": [NODE], "additional": {}}));
}

#[tokio::test]
async fn seed_call_2_session_id_is_wallet_signed() {
    let (mock, client) = setup(alice());
    mock.push_response(200, r#"{"errcode":0, "message":{"session_id":"3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh"}}"#);
    let kp = keypair(ALICE_SURI);
    let creds = client
        .node(&node())
        .open_session_with(&kp)
        .await
        .unwrap()
        .credentials()
        .clone();
    let b = bodies(&mock);
    assert_eq!(b[0].0, "/api/v1/mining_nodes/session_id");
    assert_eq!(b[0].1["peer_nodes_list"], json!([NODE]));
    assert_eq!(b[0].1["additional"], json!({}));
    assert_wallet_signed(&b[0].1);
    // The session credential's signature verifies over the session id.
    match creds {
        Credentials::Session {
            session_id,
            session_id_sign,
        } => assert!(dbc_sign::verify(
            ALICE,
            session_id.as_str().as_bytes(),
            session_id_sign.expose_secret()
        )),
        other => panic!("expected a session, got {other:?}"),
    }
}

fn seed_create() -> CreateVm {
    dbc_testkit::seed::create_vm()
}

fn session() -> Credentials {
    Credentials::session(
        SessionId::try_from("3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh").unwrap(),
        SessionIdSign::new(&"ca".repeat(64)).unwrap(),
    )
}

#[tokio::test]
async fn seed_call_3_create_body_is_exactly_the_seed() {
    let (mock, client) = setup(session());
    mock.push_response(200, r#"{"errcode":0, "message":{"task_id":"7KhaCevciMbc5v1TZGUHei","create_time":"2024-11-25 16:03:27","desc":"","status":"creating"}}"#);
    let t = client
        .node(&node())
        .tasks()
        .create(seed_create())
        .await
        .unwrap();
    assert_eq!(t.task_id.as_str(), TASK);
    let b = bodies(&mock);
    assert_eq!(b[0].0, "/api/v1/tasks/start");
    assert_eq!(
        b[0].1,
        json!({
            "peer_nodes_list": [NODE],
            "additional": {"ssh_port": "5684", "image_name": "ubuntu.qcow2", "gpu_count": "0", "cpu_cores": "4",
                           "mem_size": "8", "disk_size": "10", "vnc_port": "5904"},
            "session_id": "3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh",
            "session_id_sign": "ca".repeat(64)
        })
    );
}

#[tokio::test]
async fn seed_calls_4_5_6_details_list_delete_paths_and_bodies() {
    let (mock, client) = setup(alice());
    mock.push_response(200, r#"{"errcode":0, "message":{"task_id":"7KhaCevciMbc5v1TZGUHei","os":"linux","ssh_ip":"1.2.3.4","ssh_port":"5684","user_name":"dbc","login_password":"Kq8_x@Zp2#mW+t9]","cpu_cores":4,"gpu_count":0,"mem_size":"8G","disk_system":"350G","vnc_port":"5904","vnc_password":"Kq8_x@Zp","create_time":"2024-11-25 16:03:27","desc":"","status":"running","interface":[]}}"#);
    mock.push_response(200, r#"{"errcode":0, "message":[{"task_id":"7KhaCevciMbc5v1TZGUHei","create_time":"2024-11-25 16:03:27","desc":"","status":"running"}]}"#);
    mock.push_response(200, OK);
    let n = client.node(&node());
    let task_id: TaskId = TASK.parse().unwrap();
    let d = n.task(&task_id).info().await.unwrap();
    assert_eq!(d.login_line(), "ssh -p 5684 dbc@1.2.3.4");
    assert!(
        !format!("{d:?}").contains("Kq8_x@Zp2"),
        "login password redacted in Debug"
    );
    assert_eq!(n.tasks().list().await.unwrap().len(), 1);
    assert_eq!(n.task(&task_id).delete().await.unwrap(), "ok");
    let b = bodies(&mock);
    let paths: Vec<&str> = b.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            format!("/api/v1/tasks/{TASK}").as_str(),
            "/api/v1/tasks",
            format!("/api/v1/tasks/delete/{TASK}").as_str()
        ]
    );
    let mut nonces = std::collections::HashSet::new();
    for (_, body) in &b {
        assert_eq!(body["peer_nodes_list"], json!([NODE]));
        assert_eq!(body["additional"], json!({}));
        assert!(
            nonces.insert(assert_wallet_signed(body)),
            "a fresh nonce per request"
        );
    }
}

#[tokio::test]
async fn read_only_retry_uses_a_fresh_nonce_each_attempt() {
    let (mock, client) = setup(alice());
    mock.push_response(
        500,
        "{\n    \"errcode\": -1,\n    \"message\": \"list task timeout\"\n}\r\n",
    );
    mock.push_response(502, "<html><body>Bad Gateway</body></html>");
    mock.push_response(200, r#"{"errcode":0, "message":[]}"#);
    let list = client.node(&node()).tasks().list().await.unwrap();
    assert!(list.is_empty());
    let b = bodies(&mock);
    assert_eq!(b.len(), 3, "two retries then success");
    let nonces: std::collections::HashSet<String> = b
        .iter()
        .map(|(_, body)| assert_wallet_signed(body))
        .collect();
    assert_eq!(nonces.len(), 3, "every attempt signs a fresh nonce");
}

#[tokio::test]
async fn retries_give_up_after_the_policy() {
    let (mock, client) = setup(alice());
    for _ in 0..3 {
        mock.push_response(500, r#"{"errcode":-1,"message":"list task timeout"}"#);
    }
    let err = client.node(&node()).tasks().list().await.unwrap_err();
    assert_eq!(err.kind(), Some(&ErrorKind::OperationTimeout));
    assert_eq!(mock.requests().len(), 3);
    assert!(err.to_string().contains("errcode -1"), "{err}");
    assert!(err.to_string().contains("list task timeout"), "{err}");
}

#[tokio::test]
async fn mutating_calls_are_never_retried() {
    let (mock, client) = setup(alice());
    let task_id: TaskId = TASK.parse().unwrap();
    let n = client.node(&node());
    let t = n.task(&task_id);
    type Op<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, Error>> + 'a>>;
    let ops: Vec<(&str, Op<'_>)> = vec![
        ("start task timeout", Box::pin(t.start())),
        ("shutdown task timeout", Box::pin(t.shutdown())),
        ("stop task timeout", Box::pin(t.poweroff())),
        ("stop task timeout", Box::pin(t.stop())),
        ("restart task timeout", Box::pin(t.restart(true))),
        ("reset task timeout", Box::pin(t.reset())),
        ("delete task timeout", Box::pin(t.delete())),
    ];
    for (msg, op) in ops {
        let before = mock.requests().len();
        mock.push_response(500, format!(r#"{{"errcode":-1,"message":"{msg}"}}"#));
        mock.push_response(200, OK); // would be consumed by a retry
        let err = op.await.unwrap_err();
        assert_eq!(err.kind(), Some(&ErrorKind::OperationTimeout), "{msg}");
        assert_eq!(
            mock.requests().len(),
            before + 1,
            "{msg}: sent exactly once"
        );
        // drain the unused OK so the next op starts clean
        let _ = client.version().await;
    }
}

#[tokio::test]
async fn create_timeout_is_outcome_unknown_and_not_retried() {
    let (mock, client) = setup(session());
    mock.push_response(500, r#"{"errcode":-1,"message":"create task timeout"}"#);
    mock.push_response(200, r#"{"errcode":0, "message":{"task_id":"x2345678901234567890","create_time":"","desc":"","status":"creating"}}"#);
    let err = client
        .node(&node())
        .tasks()
        .create(seed_create())
        .await
        .unwrap_err();
    match &err {
        Error::CreateOutcomeUnknown { spec, .. } => assert_eq!(spec.vnc_port, 5904),
        other => panic!("expected CreateOutcomeUnknown, got {other:?}"),
    }
    // The advice moved from the Display to the hint (RFC-0022).
    assert!(
        err.hint().is_some_and(|h| h.contains("reconcile")),
        "{:?}",
        err.hint()
    );
    assert!(!err.to_string().contains("hint"), "{err}");
    assert_eq!(mock.requests().len(), 1, "create is never retried");
}

#[tokio::test]
async fn multisig_threshold_is_a_string_and_each_member_signs_its_nonce() {
    let a: Arc<dyn Signer> = Arc::new(keypair(ALICE_SURI));
    let b: Arc<dyn Signer> = Arc::new(keypair(BOB_SURI));
    let wallets = vec![
        ALICE.to_owned(),
        "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty".to_owned(),
        "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y".to_owned(),
    ];
    let (mock, client) = setup(Credentials::multisig(wallets.clone(), 2, vec![a, b]));
    mock.push_response(200, r#"{"errcode":0, "message":[]}"#);
    client.node(&node()).tasks().list().await.unwrap();
    let body = &bodies(&mock)[0].1;
    let m = &body["multisig_accounts"];
    assert_eq!(m["threshold"], "2");
    assert_eq!(m["wallets"], json!(wallets));
    let signs = m["signs"].as_array().unwrap();
    assert_eq!(signs.len(), 2);
    for s in signs {
        assert!(dbc_sign::verify(
            s["wallet"].as_str().unwrap(),
            s["nonce"].as_str().unwrap().as_bytes(),
            s["sign"].as_str().unwrap()
        ));
    }
    assert_ne!(signs[0]["nonce"], signs[1]["nonce"]);
    assert!(body.get("wallet").is_none());
}

#[tokio::test]
async fn logs_query_and_restart_force_are_in_the_path() {
    let (mock, client) = setup(alice());
    mock.push_response(
        200,
        r#"{"errcode":0, "message":{"task_id":"7KhaCevciMbc5v1TZGUHei","log_content":["a","b"]}}"#,
    );
    mock.push_response(200, OK);
    let task_id: TaskId = TASK.parse().unwrap();
    let t = client.node(&node()).task(&task_id);
    let logs = t
        .logs(Some({
            let mut v = LogQuery::default();
            v.direction = LogDirection::Head;
            v.lines = 50;
            v
        }))
        .await
        .unwrap();
    assert_eq!(logs.log_content, ["a", "b"]);
    t.restart(true).await.unwrap();
    let b = bodies(&mock);
    assert_eq!(
        b[0].0,
        format!("/api/v1/tasks/logs/{TASK}?flag=head&line_num=50")
    );
    assert_eq!(
        b[1].0,
        format!("/api/v1/tasks/restart/{TASK}?force_reboot=true")
    );
}

#[tokio::test]
async fn validation_errors_send_nothing() {
    let (mock, client) = setup(alice());
    let mut bad = seed_create();
    bad.vnc_port = 5899;
    let err = client.node(&node()).tasks().create(bad).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    // The rule is the cause's message (RFC-0022: not repeated in the top-level Display).
    let cause = std::error::Error::source(&err).map(ToString::to_string);
    assert!(
        cause
            .as_deref()
            .is_some_and(|c| c.contains("vnc_port is invalid (usage: [5900, 65535])")),
        "{cause:?}"
    );
    // Not a transport failure (the CLI maps validation to exit code 2: dbc-cli/src/error.rs).
    assert!(!err.is_transport());
    let no_creds = client.with_credentials(Credentials::None);
    let err = no_creds.node(&node()).tasks().list().await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn api_errors_are_classified_with_hints() {
    let cases: &[(u16, &str, ErrorKind)] = &[
        (
            200,
            r#"{"errcode":-3, "message":"check authority failed: machine is not be rented"}"#,
            ErrorKind::MachineNotRented,
        ),
        (
            200,
            r#"{"errcode":-3, "message":"check authority failed: wallet not rented"}"#,
            ErrorKind::WalletNotRenter,
        ),
        (
            200,
            r#"{"errcode":-3, "message":"check authority failed: session_id is invalid"}"#,
            ErrorKind::SessionInvalid,
        ),
        (
            200,
            r#"{"errcode":-3, "message":"check authority failed: machine has already expired"}"#,
            ErrorKind::RentExpired,
        ),
        (
            200,
            r#"{"errcode":-3, "message":"check authority failed: not in verify time"}"#,
            ErrorKind::NotInVerifyTime,
        ),
        (
            200,
            r#"{"errcode":1, "message":"task not exist"}"#,
            ErrorKind::TaskNotFound,
        ),
        (
            200,
            r#"{"errcode":-3, "message":"task_id not exist"}"#,
            ErrorKind::TaskNotFound,
        ),
        (
            200,
            r#"{"errcode":1, "message":"task is running"}"#,
            ErrorKind::TaskWrongState {
                state: "running".into(),
            },
        ),
        (
            200,
            r#"{"errcode":1, "message":"port conflict, exist ssh_port = 5684"}"#,
            ErrorKind::PortConflict { port: Some(5684) },
        ),
        (
            200,
            r#"{"errcode":1, "message":"allocate mem failed"}"#,
            ErrorKind::ResourceExhausted {
                resource: dbc_api::Resource::Memory,
            },
        ),
        (
            400,
            "{\n    \"errcode\": -32701,\n    \"message\": \"create node request failed\"\n}\r\n",
            ErrorKind::NodeUnknown,
        ),
    ];
    let (mock, client) = setup(alice());
    for (status, body, kind) in cases {
        mock.push_response(*status, *body);
        let task_id: TaskId = TASK.parse().unwrap();
        let err = client
            .node(&node())
            .task(&task_id)
            .start()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(kind), "{body}");
        assert!(err.hint().is_some(), "{body}");
        let shown = err.to_string();
        let msg: Value = serde_json::from_str(body).unwrap();
        assert!(
            shown.contains(msg["message"].as_str().unwrap()),
            "Display keeps the node message: {shown}"
        );
        assert!(
            shown.contains(&format!("errcode {}", msg["errcode"])),
            "Display keeps the errcode: {shown}"
        );
    }
}

#[tokio::test]
async fn nonce_check_failed_with_our_valid_signature_means_nonce_reused() {
    let (mock, client) = setup(alice());
    mock.push_response(
        200,
        r#"{"errcode":-3, "message":"check authority failed: nonce check failed"}"#,
    );
    let err = client.node(&node()).free_memory().await.unwrap_err();
    assert_eq!(err.kind(), Some(&ErrorKind::NonceReused));
}

#[tokio::test]
async fn decode_errors_keep_the_body_excerpt() {
    let (mock, client) = setup(alice());
    mock.push_response(
        200,
        r#"{"errcode":0, "message":{"task_id":"7KhaCevciMbc5v1TZGUHei","desc":"a"b"}}"#,
    );
    let task_id: TaskId = TASK.parse().unwrap();
    let err = client
        .node(&node())
        .task(&task_id)
        .start()
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            endpoint,
            body_excerpt,
            ..
        } => {
            assert_eq!(*endpoint, "tasks.start");
            assert!(body_excerpt.contains("desc"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[test]
fn credentials_debug_redacts_the_session_signature() {
    let s = format!("{:?}", session());
    assert!(!s.contains(&"ca".repeat(64)), "{s}");
    assert!(s.contains("redacted"));
}
