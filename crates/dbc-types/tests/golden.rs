//! Golden wire tests: every example document of the spec (copied into
//! `tests/fixtures/examples/`) decodes through the registry and re-encodes to the same JSON.
//!
//! The fixtures are the truth: when a model disagrees with a fixture, the model is fixed.
//!
//! Deliberately skipped files:
//! * `README.md` — the index of the examples, not a wire document (it is used here only as
//!   the source of the file → endpoint mapping, which is written out in the tables below).
//!
//! No JSON file is skipped: `every_fixture_is_mapped` fails when a file is in neither table.

use dbc_types::endpoint::{Descriptor, NoParams};
use dbc_types::registry::{self, TaskCreate};
use dbc_types::{build_request, Credential, Envelope, ReplyError, SessionIdSign};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/examples")
}

fn read(name: &str) -> Vec<u8> {
    let p = fixtures_dir().join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", p.display()))
}

fn read_value(name: &str) -> Value {
    serde_json::from_slice(&read(name))
        .unwrap_or_else(|e| panic!("fixture {name} is not JSON: {e}"))
}

fn entry(name: &str) -> &'static Descriptor {
    registry::find(name).unwrap_or_else(|| panic!("no registry entry named {name}"))
}

/// Request documents → the endpoints whose envelope they are.
const REQUESTS: &[(&str, &[&str])] = &[
    ("bare_metal.manager_list.request.json", &["bare_metal.list"]),
    ("bare_metal_add.request.json", &["bare_metal.add"]),
    ("bare_metal_bootdev.request.json", &["bare_metal.bootdev"]),
    ("bare_metal_delete.request.json", &["bare_metal.delete"]),
    ("bare_metal_power.request.json", &["bare_metal.power"]),
    ("deeplink.request.json", &["deeplink.get"]),
    ("deeplink_set.request.json", &["deeplink.set"]),
    ("disk_add.request.json", &["disks.add"]),
    ("disk_delete.request.json", &["disks.delete"]),
    ("disk_list.request.json", &["disks.list"]),
    ("disk_resize.request.json", &["disks.resize"]),
    // "any R endpoint": checked against every endpoint with an empty `additional`.
    (
        "envelope.multisig.request.json",
        &[
            "tasks.list",
            "tasks.info",
            "tasks.delete",
            "snapshots.list",
            "nodes.free_memory",
        ],
    ),
    (
        "envelope.session.request.json",
        &[
            "tasks.list",
            "tasks.info",
            "tasks.delete",
            "snapshots.list",
            "nodes.free_memory",
        ],
    ),
    (
        "envelope.wallet.request.json",
        &[
            "tasks.list",
            "tasks.info",
            "tasks.delete",
            "snapshots.list",
            "nodes.free_memory",
        ],
    ),
    ("images_download.request.json", &["images.download"]),
    (
        "images_downloadprogress.request.json",
        &["images.download_progress"],
    ),
    ("images_list.image_server.request.json", &["images.list"]),
    ("images_list.node.request.json", &["images.list"]),
    ("images_servers.request.json", &["images.servers"]),
    (
        "images_upload.client_local.request.json",
        &["images.upload"],
    ),
    ("lan_create.request.json", &["lan.create"]),
    ("mining_nodes.list.request.json", &["nodes.list"]),
    ("mining_nodes.request.json", &["nodes.info"]),
    (
        "mining_nodes_session_id.request.json",
        &["nodes.session_id"],
    ),
    ("monitor_set.request.json", &["monitor.set"]),
    (
        "rent_orders.request.json",
        &["rent_orders.list", "rent_orders.get"],
    ),
    ("snapshot_create.request.json", &["snapshots.create"]),
    ("task_info.request.json", &["tasks.info"]),
    ("tasks_delete.request.json", &["tasks.delete"]),
    ("tasks_list.request.json", &["tasks.list"]),
    ("tasks_modify.request.json", &["tasks.modify"]),
    ("tasks_passwd.request.json", &["tasks.passwd"]),
    ("tasks_start.request.json", &["tasks.create"]),
    (
        "tasks_start.wallet_rent_order.request.json",
        &["tasks.create"],
    ),
];

/// Every endpoint whose success reply is the plain `"ok"` of `task_action.ok.response.json`.
const OK_ACTIONS: &[&str] = &[
    "tasks.start",
    "tasks.shutdown",
    "tasks.poweroff",
    "tasks.stop",
    "tasks.restart",
    "tasks.reset",
    "tasks.passwd",
    "images.download",
    "images.upload",
    "images.download_stop",
    "images.upload_stop",
    "images.delete",
    "snapshots.create",
    "snapshots.delete",
    "disks.resize",
    "disks.add",
    "disks.delete",
    "monitor.set",
    "lan.create",
    "lan.delete",
    "nodes.free_memory",
];

/// Success replies (HTTP 200, errcode 0) → the endpoints that produce them.
const RESPONSES: &[(&str, &[&str])] = &[
    (
        "bare_metal.client_list.response.json",
        &["bare_metal.list", "bare_metal.get"],
    ),
    (
        "bare_metal.manager_list.response.json",
        &["bare_metal.list", "bare_metal.get"],
    ),
    (
        "bare_metal.server_info.response.json",
        &["bare_metal.list", "bare_metal.get"],
    ),
    ("bare_metal_add.response.json", &["bare_metal.add"]),
    ("bare_metal_power.response.json", &["bare_metal.power"]),
    ("deeplink.response.json", &["deeplink.get"]),
    ("disk_list.response.json", &["disks.list"]),
    (
        "images_downloadprogress.response.json",
        &["images.download_progress"],
    ),
    ("images_list.image_server.response.json", &["images.list"]),
    ("images_list.node.response.json", &["images.list"]),
    ("images_servers.response.json", &["images.servers"]),
    (
        "images_uploadprogress.done.response.json",
        &["images.upload_progress", "images.download_progress"],
    ),
    ("lan_info.response.json", &["lan.get"]),
    ("lan_list.client_local.response.json", &["lan.list"]),
    ("lan_list.node.response.json", &["lan.list"]),
    (
        "mining_nodes.bare_metal_server.response.json",
        &["nodes.info"],
    ),
    ("mining_nodes.list.response.json", &["nodes.list"]),
    ("mining_nodes.response.json", &["nodes.info"]),
    (
        "mining_nodes_free_memory.response.json",
        &["nodes.free_memory"],
    ),
    (
        "mining_nodes_session_id.response.json",
        &["nodes.session_id"],
    ),
    ("monitor.response.json", &["monitor.list"]),
    (
        "peers_active.response.json",
        &["peers.active", "peers.global"],
    ),
    ("peers_lan.response.json", &["peers.lan"]),
    (
        "rent_orders.response.json",
        &["rent_orders.list", "rent_orders.get"],
    ),
    ("root_version.response.json", &["version"]),
    ("snapshot_info.response.json", &["snapshots.info"]),
    ("snapshot_list.response.json", &["snapshots.list"]),
    ("task_action.ok.response.json", OK_ACTIONS),
    ("task_info.response.json", &["tasks.info"]),
    ("task_info.windows.response.json", &["tasks.info"]),
    ("tasks_delete.response.json", &["tasks.delete"]),
    ("tasks_list.empty.response.json", &["tasks.list"]),
    ("tasks_list.response.json", &["tasks.list"]),
    ("tasks_logs.response.json", &["tasks.logs"]),
    ("tasks_modify.response.json", &["tasks.modify"]),
    ("tasks_start.response.json", &["tasks.create"]),
];

/// Error replies: (file, endpoint, HTTP status per the README index, errcode, message).
const ERRORS: &[(&str, &str, u16, i64, &str)] = &[
    (
        "bare_metal_bootdev.response.json",
        "bare_metal.bootdev",
        200,
        -3,
        "bare metal client not existed",
    ),
    (
        "error.create_node_request_failed.json",
        "tasks.info",
        400,
        -32701,
        "create node request failed",
    ),
    (
        "error.invalid_params.auth_missing.json",
        "tasks.list",
        400,
        -25,
        "wallet_sign and multisig_wallets all invalid",
    ),
    (
        "error.invalid_params.auth_missing_create.json",
        "tasks.create",
        400,
        -25,
        "session_id and wallet all invalid",
    ),
    (
        "error.invalid_params.json",
        "tasks.list",
        400,
        -25,
        "has no peer_nodes_list",
    ),
    (
        "error.invalid_params.peer_nodeid_empty.json",
        "tasks.list",
        400,
        -25,
        "peer_nodeid is empty",
    ),
    (
        "error.invalid_requests_uri.json",
        "tasks.list",
        400,
        -32600,
        "invalid requests uri",
    ),
    (
        "error.invalid_uri.json",
        "tasks.list",
        400,
        -32600,
        "request uri is invalid, uri:/api/v2/tasks",
    ),
    (
        "error.json_parse.json",
        "tasks.create",
        400,
        -25,
        "json parse error: Missing a comma or '}' after an object member.(57)",
    ),
    (
        "error.node_auth_failed.json",
        "tasks.info",
        200,
        -3,
        "check authority failed: wallet not rented",
    ),
    (
        "error.node_machine_not_rented.json",
        "tasks.list",
        200,
        -3,
        "check authority failed: machine is not be rented",
    ),
    (
        "error.not_post.json",
        "tasks.list",
        400,
        -32600,
        "only support POST request",
    ),
    (
        "error.not_support_uri.json",
        "version",
        404,
        -32601,
        "not support uri:/api/v1/unknown",
    ),
    (
        "error.port_conflict.json",
        "tasks.create",
        200,
        1,
        "port conflict, exist ssh_port = 20022",
    ),
    (
        "error.response_parse.json",
        "tasks.list",
        500,
        -1,
        "response parse error",
    ),
    (
        "error.retry_later.json",
        "tasks.create",
        200,
        -3,
        "create task failed, please try again in a minute",
    ),
    (
        "error.session_id_not_renter.json",
        "nodes.session_id",
        200,
        -3,
        "check authority failed",
    ),
    (
        "error.task_info_not_exist.json",
        "tasks.info",
        200,
        -3,
        "task_id not exist",
    ),
    (
        "error.task_not_exist.json",
        "tasks.start",
        200,
        1,
        "task not exist",
    ),
    (
        "error.task_state.json",
        "tasks.reset",
        200,
        1,
        "task is running",
    ),
    (
        "error.timeout.json",
        "tasks.create",
        500,
        -1,
        "create task timeout",
    ),
    (
        "error.unhandled_request.json",
        "stat",
        500,
        -32701,
        "Unhandled request",
    ),
];

/// Files that are deliberately not wire documents.
const SKIPPED: &[&str] = &["README.md"];

#[test]
fn every_fixture_is_mapped() {
    let mut mapped: BTreeSet<&str> = BTreeSet::new();
    for (f, _) in REQUESTS.iter().chain(RESPONSES) {
        assert!(mapped.insert(f), "{f} mapped twice");
    }
    for (f, ..) in ERRORS {
        assert!(mapped.insert(f), "{f} mapped twice");
    }
    mapped.extend(SKIPPED);
    let mut on_disk = BTreeSet::new();
    for e in std::fs::read_dir(fixtures_dir()).expect("fixtures dir") {
        let name = e
            .expect("dir entry")
            .file_name()
            .into_string()
            .expect("utf-8 name");
        on_disk.insert(name);
    }
    let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
    let unmapped: Vec<_> = on_disk.difference(&mapped).collect();
    let missing: Vec<_> = mapped.difference(&on_disk).collect();
    assert!(
        unmapped.is_empty(),
        "fixtures without a mapping: {unmapped:?}"
    );
    assert!(
        missing.is_empty(),
        "mapped fixtures not on disk: {missing:?}"
    );
    assert_eq!(
        on_disk.len(),
        93,
        "the spec ships 92 JSON examples plus README.md"
    );
}

#[test]
fn request_fixtures_roundtrip() {
    let mut failures = Vec::new();
    for (file, endpoints) in REQUESTS {
        let bytes = read(file);
        let want = read_value(file);
        for name in *endpoints {
            match (entry(name).request_roundtrip)(&bytes) {
                Ok(got) if got == want => {}
                Ok(got) => failures.push(format!(
                    "{file} via {name}: re-encoded differently\n  want {want}\n  got  {got}"
                )),
                Err(e) => failures.push(format!("{file} via {name}: does not decode: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn envelope_fixtures_decode_generically() {
    for file in [
        "envelope.multisig.request.json",
        "envelope.session.request.json",
        "envelope.wallet.request.json",
    ] {
        let env: Envelope<Value> =
            serde_json::from_slice(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(env.additional, json!({}), "{file}");
        assert!(env.peer.is_some(), "{file}: peer");
        let kind = file.split('.').nth(1).expect("kind");
        assert_eq!(env.credential.kind(), kind, "{file}: credential kind");
        assert_eq!(
            serde_json::to_value(&env).expect("encode"),
            read_value(file),
            "{file}"
        );
    }
    let wallet: Envelope<Value> =
        serde_json::from_slice(&read("envelope.wallet.request.json")).expect("wallet");
    assert_eq!(wallet.rent_order.as_ref().map(|r| r.as_str()), Some("1024"));
    let multisig: Envelope<Value> =
        serde_json::from_slice(&read("envelope.multisig.request.json")).expect("multisig");
    match &multisig.credential {
        Credential::Multisig(b) => {
            assert_eq!(b.threshold, 2);
            assert_eq!(b.wallets.len(), 3);
            assert_eq!(b.signs.len(), 2);
        }
        other => panic!("expected multisig, got {}", other.kind()),
    }
}

#[test]
fn response_fixtures_roundtrip() {
    let mut failures = Vec::new();
    for (file, endpoints) in RESPONSES {
        let doc = read_value(file);
        assert_eq!(doc["errcode"], json!(0), "{file} is a success reply");
        let message = &doc["message"];
        let bytes = read(file);
        for name in *endpoints {
            let d = entry(name);
            if let Err(e) = (d.decode_check)(200, &bytes) {
                failures.push(format!("{file} via {name}: decode_check failed: {e}"));
            }
            match (d.response_roundtrip)(message) {
                Ok(got) if &got == message => {}
                Ok(got) => failures.push(format!(
                    "{file} via {name}: re-encoded differently\n  want {message}\n  got  {got}"
                )),
                Err(e) => failures.push(format!("{file} via {name}: does not decode: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_fixtures_are_api_errors() {
    for (file, name, status, errcode, message) in ERRORS {
        let doc = read_value(file);
        assert_eq!(
            doc["errcode"],
            json!(errcode),
            "{file}: errcode in the fixture"
        );
        match (entry(name).decode_check)(*status, &read(file)) {
            Err(ReplyError::Api {
                http_status,
                errcode: got_code,
                message: got_msg,
            }) => {
                assert_eq!(http_status, *status, "{file}");
                assert_eq!(got_code, *errcode, "{file}");
                assert_eq!(got_msg, *message, "{file}");
            }
            other => panic!("{file} via {name}: expected ReplyError::Api, got {other:?}"),
        }
    }
}

#[test]
fn error_fixtures_are_errors_for_every_endpoint() {
    // An error envelope must never be mistaken for a success, whatever the endpoint.
    for (file, _, status, errcode, _) in ERRORS {
        let bytes = read(file);
        for d in dbc_types::REGISTRY {
            match (d.decode_check)(*status, &bytes) {
                Err(ReplyError::Api { errcode: c, .. }) => {
                    assert_eq!(c, *errcode, "{file} via {}", d.info.name)
                }
                other => panic!(
                    "{file} via {}: expected ReplyError::Api, got {other:?}",
                    d.info.name
                ),
            }
        }
    }
}

#[test]
fn success_shape_with_non_200_status_is_an_error() {
    let bytes = read("task_action.ok.response.json");
    match (entry("tasks.start").decode_check)(500, &bytes) {
        Err(ReplyError::Api {
            http_status: 500,
            errcode: 0,
            ..
        }) => {}
        other => panic!("expected Api error for HTTP 500, got {other:?}"),
    }
}

/// Seed §3: the create body of the six seed calls, built through the typed request builder.
#[test]
fn seed_create_body_has_exact_members_and_string_values() {
    let node = dbc_testkit::ids::SEED_NODE;
    let session_id = dbc_testkit::ids::SAMPLE_SESSION_ID;
    let sign = "0123456789abcdef".repeat(8);
    let create = dbc_testkit::seed::create_vm();
    let env = Envelope {
        peer: Some(node.parse().expect("node id")),
        additional: create,
        credential: Credential::session(
            session_id.parse().expect("session id"),
            SessionIdSign::new(&sign).expect("sign"),
        ),
        rent_order: None,
    };
    let req = build_request::<TaskCreate>(&NoParams, &env).expect("valid create");
    assert_eq!(req.method, "POST");
    assert_eq!(req.path_and_query, "/api/v1/tasks/start");
    let body: Value = serde_json::from_slice(&req.body).expect("JSON body");
    let expected = json!({
        "peer_nodes_list": [node],
        "additional": {
            "ssh_port": "5684",
            "image_name": "ubuntu.qcow2",
            "gpu_count": "0",
            "cpu_cores": "4",
            "mem_size": "8",
            "disk_size": "10",
            "vnc_port": "5904"
        },
        "session_id": session_id,
        "session_id_sign": sign,
    });
    assert_eq!(body, expected);
    // Every member of `additional` is a JSON string, as the node reads them with atoi.
    for (k, v) in body["additional"].as_object().expect("object") {
        assert!(v.is_string(), "additional.{k} must be a string, got {v}");
    }
}
