//! Bad inputs are rejected locally with typed errors naming the field.

use dbc_types::endpoint::{render_path, NoParams, Segment, SnapshotParams};
use dbc_types::models::{
    validate_multicast, CreateVm, Empty, LogDirection, LogQuery, LogsParams, ModifyVm,
    RestartParams,
};
use dbc_types::registry::{
    BareMetalAdd, LanDelete, NodeSessionId, SnapshotInfo, TaskCreate, TaskInfo, TaskLogs,
    TaskRestart, TasksList,
};
use dbc_types::{
    build_request, Credential, Envelope, MultisigBundle, NodeId, SessionIdSign, TaskId, Validate,
    ValidationError, WalletSign,
};
use serde_json::json;

const NODE: &str = "6ed2fd431f99a95501e8588a0a70b7d430e04442933f3fdcc18427e68cd17db3";
const W1: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const W2: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const W3: &str = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";

fn node() -> NodeId {
    NODE.parse().expect("node id")
}

fn sig() -> String {
    "ab".repeat(64)
}

fn wallet_sign(w: &str) -> WalletSign {
    WalletSign {
        wallet: w.parse().expect("wallet"),
        nonce: "3SqyZc9hAxFSSuwiYZGcgoVWQcH5P7bfwtjzyAhfjaeyyFssqt8SPNe"
            .parse()
            .expect("nonce"),
        sign: sig().parse().expect("sign"),
    }
}

fn session() -> Credential {
    Credential::session(
        "3Spfft6fJGur2oNHSiTdqXFsWdXWuMUU2QSJYb8tQ3ch1bp8AGmUez3"
            .parse()
            .expect("session id"),
        SessionIdSign::new(&sig()).expect("sign"),
    )
}

fn good_create() -> CreateVm {
    dbc_testkit::seed::create_vm()
}

fn create_env(c: CreateVm) -> Envelope<CreateVm> {
    Envelope {
        peer: Some(node()),
        additional: c,
        credential: session(),
        rent_order: None,
    }
}

fn create_err(c: CreateVm) -> ValidationError {
    build_request::<TaskCreate>(&NoParams, &create_env(c)).expect_err("must be rejected")
}

#[test]
fn the_good_create_is_accepted() {
    build_request::<TaskCreate>(&NoParams, &create_env(good_create())).expect("valid");
}

#[test]
fn node_id_wrong_length() {
    for bad in ["", "6ed2", &NODE[..63], &format!("{NODE}0")] {
        let e = bad.parse::<NodeId>().expect_err(bad);
        assert_eq!(e.field, "peer_nodes_list");
        assert!(e.message.contains("64 hex"), "{e}");
    }
}

#[test]
fn node_id_non_hex() {
    let bad = format!("{}g", &NODE[..63]);
    let e = bad.parse::<NodeId>().expect_err("non-hex");
    assert_eq!(e.field, "peer_nodes_list");
    assert!(e.message.contains("hex digits"), "{e}");
    // Upper case is hex and is normalised.
    let up: NodeId = NODE.to_ascii_uppercase().parse().expect("upper-case hex");
    assert_eq!(up.as_str(), NODE);
}

#[test]
fn node_id_rejected_when_decoding_an_envelope() {
    let body = json!({"peer_nodes_list": ["xyz"], "additional": {}});
    let r: Result<Envelope<Empty>, _> = serde_json::from_value(body);
    assert!(r.is_err());
}

fn bundle(threshold: u16, wallets: &[&str], signers: &[&str]) -> MultisigBundle {
    MultisigBundle {
        wallets: wallets.iter().map(|w| w.parse().expect("wallet")).collect(),
        threshold,
        signs: signers.iter().map(|w| wallet_sign(w)).collect(),
    }
}

fn list_with(cred: Credential) -> Result<dbc_types::WireRequest, ValidationError> {
    let env = Envelope {
        peer: Some(node()),
        additional: Empty {},
        credential: cred,
        rent_order: None,
    };
    build_request::<TasksList>(&NoParams, &env)
}

#[test]
fn multisig_threshold_zero() {
    let b = bundle(0, &[W1, W2, W3], &[W1, W2]);
    let e = b.validate().expect_err("threshold 0");
    assert_eq!(e.field, "multisig_accounts.threshold");
    let e = list_with(Credential::Multisig(b)).expect_err("threshold 0 via build_request");
    assert_eq!(e.field, "multisig_accounts.threshold");
}

#[test]
fn multisig_threshold_above_member_count() {
    let b = bundle(4, &[W1, W2, W3], &[W1, W2, W3]);
    let e = list_with(Credential::Multisig(b)).expect_err("threshold 4 of 3");
    assert_eq!(e.field, "multisig_accounts.threshold");
    assert!(e.message.contains("number of wallets"), "{e}");
}

#[test]
fn multisig_other_rules() {
    let e = bundle(2, &[W1, W2, W3], &[W1])
        .validate()
        .expect_err("too few signatures");
    assert_eq!(e.field, "multisig_accounts.signs");
    let e = bundle(1, &[W1, W2], &[W3])
        .validate()
        .expect_err("signer not a member");
    assert_eq!(e.field, "multisig_accounts.signs");
    let e = bundle(2, &[W1, W2, W3], &[W1, W1])
        .validate()
        .expect_err("double signer");
    assert_eq!(e.field, "multisig_accounts.signs");
    let e = bundle(1, &[], &[W1]).validate().expect_err("no wallets");
    assert_eq!(e.field, "multisig_accounts.wallets");
    bundle(2, &[W1, W2, W3], &[W1, W2])
        .validate()
        .expect("2 of 3 is fine");
    list_with(Credential::Multisig(bundle(2, &[W1, W2, W3], &[W1, W2])))
        .expect("2 of 3 via build_request");
}

#[test]
fn vnc_port_below_5900() {
    let e = create_err({
        let mut v = good_create();
        v.vnc_port = 5899;
        v
    });
    assert_eq!(e.field, "vnc_port");
    build_request::<TaskCreate>(
        &NoParams,
        &create_env({
            let mut v = good_create();
            v.vnc_port = 5900;
            v
        }),
    )
    .expect("5900 is the lowest valid port");
    let e = {
        let mut v = ModifyVm::default();
        v.new_vnc_port = Some(5899);
        v
    }
    .validate()
    .expect_err("modify vnc 5899");
    assert_eq!(e.field, "new_vnc_port");
}

#[test]
fn cpu_cores_zero() {
    let e = create_err({
        let mut v = good_create();
        v.cpu_cores = 0;
        v
    });
    assert_eq!(e.field, "cpu_cores");
}

#[test]
fn other_create_numbers() {
    assert_eq!(
        create_err({
            let mut v = good_create();
            v.mem_size = 0;
            v
        })
        .field,
        "mem_size"
    );
    assert_eq!(
        create_err({
            let mut v = good_create();
            v.disk_size = None;
            v
        })
        .field,
        "disk_size"
    );
    assert_eq!(
        create_err({
            let mut v = good_create();
            v.ssh_port = None;
            v
        })
        .field,
        "ssh_port"
    );
}

#[test]
fn image_without_qcow2() {
    for bad in ["ubuntu.img", "ubuntu", "ubuntu.qcow", "ubuntu.qcow2.bak"] {
        let e = create_err({
            let mut v = good_create();
            v.image_name = bad.into();
            v
        });
        assert_eq!(e.field, "image_name", "{bad}");
    }
    let e = create_err({
        let mut v = good_create();
        v.image_name = String::new();
        v
    });
    assert_eq!(e.field, "image_name");
    assert!(e.message.contains("empty"));
}

#[test]
fn create_task_id_length_and_charset() {
    for bad in [
        "short",
        "a23456789012345678901234",
        "abcdefghij0123456789_",
        "abcdefghij012345678 9",
    ] {
        let e = create_err({
            let mut v = good_create();
            v.task_id = Some(bad.into());
            v
        });
        assert_eq!(e.field, "task_id", "{bad}");
    }
    for good in [
        "abcdefghij0123456789",
        "myWinBox0000000000001",
        "ABCDEFGHIJ012345678901",
    ] {
        build_request::<TaskCreate>(
            &NoParams,
            &create_env({
                let mut v = good_create();
                v.task_id = Some(good.into());
                v
            }),
        )
        .unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

#[test]
fn path_task_id_charset() {
    for bad in [
        "", "a/b", "a?b", "a#b", "a&b", "a%2Fb", "a b", "a\"b", "a\\b",
    ] {
        let e = bad.parse::<TaskId>().expect_err(bad);
        assert_eq!(e.field, "task_id", "{bad:?}");
    }
    let e = "x".repeat(129).parse::<TaskId>().expect_err("too long");
    assert_eq!(e.field, "task_id");
    "vm_check_1732550000"
        .parse::<TaskId>()
        .expect("committee check id");
    "7KhaCevciMbc5v1TZGUHei"
        .parse::<TaskId>()
        .expect("generated id");
}

#[test]
fn path_unsafe_segments_are_rejected_by_the_builder() {
    for bad in ["a/b", "a?b", "a#b", "", "..%2F"] {
        let env: Envelope<Empty> = Envelope {
            peer: Some(node()),
            additional: Empty {},
            credential: session(),
            rent_order: None,
        };
        let e = build_request::<LanDelete>(&Segment(bad.into()), &env).expect_err(bad);
        assert_eq!(e.field, "network_name", "{bad:?}");
        let params = SnapshotParams::new("7KhaCevciMbc5v1TZGUHei".parse().expect("task"), bad);
        let e = build_request::<SnapshotInfo>(&params, &env).expect_err(bad);
        assert_eq!(e.field, "snapshot_name", "{bad:?}");
    }
    let e = render_path("/api/v1/tasks/{task_id}", &["a/b"], &[]).expect_err("slash");
    assert_eq!(e.field, "task_id");
}

#[test]
fn multicast_outside_224_0_0_0_4() {
    for bad in [
        "192.168.1.1:5558",
        "223.255.255.255:1",
        "240.0.0.1:1",
        "10.0.0.1:80",
    ] {
        let e = validate_multicast(bad).expect_err(bad);
        assert_eq!(e.field, "multicast");
        let e = create_err({
            let mut v = good_create();
            v.multicast = vec![bad.into()];
            v
        });
        assert_eq!(e.field, "multicast", "{bad}");
    }
    for bad in ["239.1.1.1", "239.1.1.1:0", "239.1.1.1:x", "239.1.1:5", ":5"] {
        assert!(validate_multicast(bad).is_err(), "{bad}");
    }
    for good in ["224.0.0.1:1", "239.1.1.1:5558", "239.255.255.255:65535"] {
        validate_multicast(good).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

fn logs_env() -> Envelope<Empty> {
    Envelope {
        peer: Some(node()),
        additional: Empty {},
        credential: session(),
        rent_order: None,
    }
}

fn logs(lines: u32) -> Result<dbc_types::WireRequest, ValidationError> {
    let params = LogsParams::new(
        "7KhaCevciMbc5v1TZGUHei".parse().expect("task"),
        Some({
            let mut v = LogQuery::default();
            v.direction = LogDirection::Head;
            v.lines = lines;
            v
        }),
    );
    build_request::<TaskLogs>(&params, &logs_env())
}

#[test]
fn line_num_bounds() {
    for bad in [0, 101, 1000] {
        let e = logs(bad).expect_err("out of range");
        assert_eq!(e.field, "line_num", "{bad}");
    }
    for good in [1, 50, 100] {
        let r = logs(good).expect("in range");
        assert_eq!(
            r.path_and_query,
            format!("/api/v1/tasks/logs/7KhaCevciMbc5v1TZGUHei?flag=head&line_num={good}")
        );
    }
}

#[test]
fn restart_query() {
    let params = RestartParams::new("7KhaCevciMbc5v1TZGUHei".parse().expect("task"), Some(true));
    let r = build_request::<TaskRestart>(&params, &logs_env()).expect("restart");
    assert_eq!(
        r.path_and_query,
        "/api/v1/tasks/restart/7KhaCevciMbc5v1TZGUHei?force_reboot=true"
    );
}

#[test]
fn missing_credential_precheck_a() {
    let env: Envelope<Empty> = Envelope::to(Some(node()));
    let e = build_request::<TasksList>(&NoParams, &env).expect_err("pre-check A");
    assert_eq!(e.field, "credential");
    assert!(
        e.message
            .starts_with("wallet_sign and multisig_wallets all invalid"),
        "{e}"
    );
    let tid: TaskId = "7KhaCevciMbc5v1TZGUHei".parse().expect("task");
    let e = build_request::<TaskInfo>(&tid, &env).expect_err("pre-check A");
    assert_eq!(e.field, "credential");
    let mut create = create_env(good_create());
    create.credential = Credential::None;
    let e = build_request::<TaskCreate>(&NoParams, &create).expect_err("pre-check A (create)");
    assert_eq!(e.field, "credential");
    assert!(
        e.message.starts_with("session_id and wallet all invalid"),
        "{e}"
    );
}

#[test]
fn precheck_b_rejects_session_and_none() {
    for cred in [Credential::None, session()] {
        let env = Envelope {
            peer: Some(node()),
            additional: Empty {},
            credential: cred,
            rent_order: None,
        };
        let e = build_request::<NodeSessionId>(&NoParams, &env).expect_err("pre-check B");
        assert_eq!(e.field, "credential");
    }
    let env = Envelope {
        peer: Some(node()),
        additional: Empty {},
        credential: Credential::Wallet(wallet_sign(W1)),
        rent_order: None,
    };
    build_request::<NodeSessionId>(&NoParams, &env).expect("wallet passes pre-check B");
}

#[test]
fn precheck_c_needs_a_wallet_signature() {
    let add: dbc_types::models::AddBareMetal = serde_json::from_value(json!({
        "bare_metal_nodes": [{
            "uuid": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "ip": "203.0.113.21",
            "ipmi_hostname": "192.168.0.110", "ipmi_username": "admin", "ipmi_password": "pw", "ipmi_port": 623
        }]
    }))
    .expect("add body");
    for cred in [
        Credential::None,
        session(),
        Credential::Multisig(bundle(1, &[W1], &[W1])),
    ] {
        let env = Envelope {
            peer: Some(node()),
            additional: add.clone(),
            credential: cred,
            rent_order: None,
        };
        let e = build_request::<BareMetalAdd>(&NoParams, &env).expect_err("pre-check C");
        assert_eq!(e.field, "credential");
    }
    let env = Envelope {
        peer: Some(node()),
        additional: add,
        credential: Credential::Wallet(wallet_sign(W1)),
        rent_order: None,
    };
    build_request::<BareMetalAdd>(&NoParams, &env).expect("wallet passes pre-check C");
}

#[test]
fn missing_target_node() {
    let mut env = create_env(good_create());
    env.peer = None;
    let e = build_request::<TaskCreate>(&NoParams, &env).expect_err("target required");
    assert_eq!(e.field, "peer_nodes_list");
}

/// Decision: request types accept JSON numbers on decode (lenient, as replies use both forms)
/// but always encode decimal strings, which is what the node's `atoi` reads.
#[test]
fn numbers_decode_but_encode_as_strings() {
    let c: CreateVm = serde_json::from_value(json!({
        "image_name": "ubuntu.qcow2", "ssh_port": 5684, "vnc_port": 5904, "gpu_count": 0,
        "cpu_cores": 4, "mem_size": 8, "disk_size": 10
    }))
    .expect("numbers are accepted on decode");
    assert_eq!(c, good_create());
    let v = serde_json::to_value(&c).expect("encode");
    for k in [
        "ssh_port",
        "vnc_port",
        "gpu_count",
        "cpu_cores",
        "mem_size",
        "disk_size",
    ] {
        assert!(
            v[k].is_string(),
            "{k} must encode as a string, got {}",
            v[k]
        );
    }
    assert_eq!(v["cpu_cores"], json!("4"));
    let m: ModifyVm = serde_json::from_value(json!({"new_cpu_cores": 2, "new_vnc_port": "5910"}))
        .expect("modify");
    let v = serde_json::to_value(&m).expect("encode");
    assert_eq!(v, json!({"new_cpu_cores": "2", "new_vnc_port": "5910"}));
}

#[test]
fn non_numeric_strings_and_fractions_are_rejected() {
    for bad in [
        json!("four"),
        json!(4.5),
        json!(-1),
        json!("99999999999"),
        json!(true),
    ] {
        let body =
            json!({"image_name": "u.qcow2", "vnc_port": 5904, "cpu_cores": bad, "mem_size": 8});
        assert!(
            serde_json::from_value::<CreateVm>(body).is_err(),
            "cpu_cores = {bad}"
        );
    }
}

#[test]
fn session_id_sign_shape_and_redaction() {
    assert!(SessionIdSign::new("abc").is_err());
    assert!(SessionIdSign::new(&"zz".repeat(64)).is_err());
    let s = SessionIdSign::new(&sig()).expect("sign");
    assert!(!format!("{s:?}").contains(&sig()));
    let env = create_env(good_create());
    let dbg = format!("{env:?}");
    assert!(!dbg.contains(&sig()), "session_id_sign leaked in Debug");
    let req = build_request::<TaskCreate>(&NoParams, &env).expect("valid");
    assert!(
        !format!("{req:?}").contains(&sig()),
        "WireRequest Debug leaked the body"
    );
}

#[test]
fn validation_errors_read_well() {
    let e = create_err({
        let mut v = good_create();
        v.vnc_port = 5899;
        v
    });
    let text = e.to_string();
    assert!(text.starts_with("invalid `vnc_port`:"), "{text}");
    assert!(text.contains("5900"), "{text}");
}
