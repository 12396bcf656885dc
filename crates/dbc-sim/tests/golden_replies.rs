//! Golden replies: every response example in `crates/dbc-types/tests/fixtures/examples/` is
//! produced by a fresh simulator in the matching state, from the example's request (ids and
//! credentials substituted), and compared structurally — same members and JSON types, same
//! errcode and HTTP status, and the same message text where the example is not
//! instance-specific. Examples that cannot be produced are listed in [`CANNOT`] with why.
mod common;
use common::*;
use dbc_sim::{Fault, FaultKind, SimHandle};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

/// Ids used by the examples.
const GPU: &str = "6ed2fd431f99a95501e8588a0a70b7d430e04442933f3fdcc18427e68cd17db3";
const GPU2: &str = "0f3b2c4d5e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
const MANAGER: &str = "6804b85686a0e10f1e315df5196e17465fcd076300afbcaa40188d4ce6f6d654";
const SERVER: &str = "a41d0c9e8b7f6a5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a29180f7e6d5c";
/// The manager key the simulator can sign with (the examples' manager key is unknown).
const MANAGER_SURI: &str = "//Dave";

/// Response examples the simulator cannot produce, with the reason.
const CANNOT: &[(&str, &str)] = &[(
    "lan_list.client_local.response.json",
    "the client node's own LAN table is filled by P2P announcements of GPU nodes, which the simulator does not model: it is always empty",
)];

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dbc-types/tests/fixtures/examples")
}

fn example(name: &str) -> Value {
    let p = examples_dir().join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

fn manager_id() -> String {
    dbc_sign::Keypair::from_suri(MANAGER_SURI)
        .unwrap()
        .public_hex()
}

/// The world of the examples: the GPU node rented by Alice (whole machine, plus per-GPU
/// order 1024), a second GPU node online, a bare-metal manager and its server.
fn world(with_server: bool) -> dbc_sim::SimConfig {
    let text = format!(
        r#"
client_files = ["custom.qcow2"]

[[image_servers]]
id = "ID_1"
ip = "203.0.113.7"
images = ["ubuntu.qcow2", "win10.qcow2"]

[[image_servers]]
id = "ID_2"
ip = "203.0.113.8"

[[nodes]]
id = "{GPU}"
name = "gpu-room-3-rack-7"
state = "rented"
images = ["ubuntu.qcow2", "win10.qcow2"]
rent_orders = [
  {{ id = "1024", renter = "{ALICE}", gpu_index = [6, 7] }},
  {{ id = "{ALICE}", renter = "{ALICE}", gpu_index = [0, 1, 2, 3, 4, 5, 6, 7] }},
  {{ id = "{BOB}", renter = "{BOB}", gpu_index = [0, 1, 2, 3, 4, 5, 6, 7], status = "rentExpired", rent_end = 3650001 }},
]

[[nodes]]
id = "{GPU2}"
version = "0.4.1.7"

[[nodes]]
id = "{manager}"
kind = "bare_metal_manager"

{server}
"#,
        manager = manager_id(),
        server = if with_server {
            format!(
                r#"[[nodes]]
id = "{SERVER}"
kind = "bare_metal_server"
state = "rented"
renter = {{ wallet = "{ALICE}" }}
public_ip = "203.0.113.21"
bare_metal = {{ uuid = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", ip = "203.0.113.21", os = "Windows 10", description = "netbar seat 17", ipmi_hostname = "192.168.0.110", ipmi_username = "admin", ipmi_password = "s3cret99", ipmi_port = 623, deeplink_device_id = "123456789", deeplink_device_password = "aB3dE9" }}
"#
            )
        } else {
            String::new()
        }
    );
    dbc_sim::SimConfig::from_toml_str(&text).unwrap()
}

struct Ctx {
    sim: SimHandle,
    h: Http,
    /// Alice's session on the GPU node.
    sid: String,
    /// Alice's sessions per node id.
    sids: std::collections::HashMap<String, String>,
}

impl Ctx {
    async fn new(with_server: bool, create_ms: u64) -> Ctx {
        Ctx::with(
            dbc_sim::Simulator::builder()
                .config(world(with_server))
                .create_delay(Duration::from_millis(create_ms))
                .node_timeout(Duration::from_millis(150)),
        )
        .await
    }
    async fn with(b: dbc_sim::SimBuilder) -> Ctx {
        let sim = b.start().await.unwrap();
        let h = Http::new(&sim.url());
        let mut sids = std::collections::HashMap::new();
        for node in [GPU, SERVER] {
            let r = h
                .post(
                    "/api/v1/mining_nodes/session_id",
                    &wallet_env("//Alice", node, json!({})),
                )
                .await;
            if let Some(sid) = r.json()["message"]["session_id"].as_str() {
                sids.insert(node.to_string(), sid.to_string());
            }
        }
        let sid = sids.get(GPU).cloned().unwrap_or_default();
        Ctx { sim, h, sid, sids }
    }

    /// The example request with live credentials: a real session id and signature, fresh
    /// wallet nonces signed by the key the wallet names, fresh multisig signatures; the
    /// manager id of the examples replaced by the simulator's.
    fn request(&self, name: &str) -> Value {
        let text = serde_json::to_string(&example(name))
            .unwrap()
            .replace(MANAGER, &manager_id());
        let mut v: Value = serde_json::from_str(&text).unwrap();
        self.live(&mut v, true);
        v
    }

    fn live(&self, v: &mut Value, resign_manager: bool) {
        if v.get("session_id").is_some() {
            let peer = v["peer_nodes_list"][0].as_str().unwrap_or(GPU).to_string();
            let sid = self.sids.get(&peer).cloned().unwrap_or_default();
            v["session_id"] = json!(sid);
            v["session_id_sign"] = json!(sign("//Alice", sid.as_bytes()));
        }
        if let Some(w) = v.get("wallet").and_then(Value::as_str).map(str::to_string) {
            let suri = if w == ALICE {
                Some("//Alice")
            } else if w == BOB {
                Some("//Bob")
            } else if w == manager_id() && resign_manager {
                Some(MANAGER_SURI)
            } else {
                None
            };
            if let Some(suri) = suri {
                let n = fresh_nonce();
                v["nonce"] = json!(n);
                v["sign"] = json!(sign(suri, n.as_bytes()));
            }
        }
        if let Some(signs) = v
            .get_mut("multisig_accounts")
            .and_then(|m| m.get_mut("signs"))
            .and_then(Value::as_array_mut)
        {
            for s in signs {
                let suri = match s["wallet"].as_str() {
                    Some(w) if w == ALICE => "//Alice",
                    Some(w) if w == BOB => "//Bob",
                    _ => "//Charlie",
                };
                let n = fresh_nonce();
                s["nonce"] = json!(n);
                s["sign"] = json!(sign(suri, n.as_bytes()));
            }
        }
    }

    fn session(&self, additional: Value) -> Value {
        session_env("//Alice", GPU, &self.sid, additional)
    }

    async fn post(&self, path: &str, body: &Value) -> Resp {
        self.h.post(path, body).await
    }

    /// Creates the Linux VM of `tasks_start.request.json` (optionally on LAN testnet1 with
    /// order 1024) and waits until it runs.
    async fn linux_vm(&self, on_lan: bool) -> String {
        let mut req = self.request("tasks_start.request.json");
        if on_lan {
            self.post(
                "/api/v1/lan/create",
                &self.request("lan_create.request.json"),
            )
            .await
            .ok();
            req["additional"]["network_name"] = json!("testnet1");
            req["additional"]["gpu_count"] = json!("2");
            req["rent_order"] = json!("1024");
        }
        let id = self.post("/api/v1/tasks/start", &req).await.ok()["task_id"]
            .as_str()
            .unwrap()
            .to_string();
        let sid = self.sid.clone();
        wait_status(
            &self.h,
            || session_env("//Alice", GPU, &sid, json!({})),
            &id,
            "running",
        )
        .await;
        id
    }

    /// The Windows VM of `tasks_start.wallet_rent_order.request.json`, shut off. Like the
    /// details example (which has no `rent_order` member) it is made on the whole-machine order.
    async fn windows_vm_off(&self) -> String {
        let mut req = self.request("tasks_start.wallet_rent_order.request.json");
        if let Some(o) = req.as_object_mut() {
            o.remove("rent_order");
        }
        let id = self.post("/api/v1/tasks/start", &req).await.ok()["task_id"]
            .as_str()
            .unwrap()
            .to_string();
        let sid = self.sid.clone();
        let env = || session_env("//Alice", GPU, &sid, json!({}));
        wait_status(&self.h, env, &id, "running").await;
        self.post(&format!("/api/v1/tasks/poweroff/{id}"), &env())
            .await
            .ok();
        wait_status(&self.h, env, &id, "closed").await;
        id
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Structural comparison: same members (names and order), same JSON types, arrays compared
/// element-wise against the example's first element.
fn same_shape(path: &str, ex: &Value, got: &Value, out: &mut Vec<String>) {
    if kind(ex) != kind(got) {
        out.push(format!(
            "{path}: example is {}, got {}",
            kind(ex),
            kind(got)
        ));
        return;
    }
    match (ex, got) {
        (Value::Object(a), Value::Object(b)) => {
            let ka: Vec<&String> = a.keys().collect();
            let kb: Vec<&String> = b.keys().collect();
            if ka != kb {
                out.push(format!("{path}: members {ka:?} vs {kb:?}"));
            }
            for (k, va) in a {
                if let Some(vb) = b.get(k) {
                    same_shape(&format!("{path}.{k}"), va, vb, out);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if let Some(first) = a.first() {
                if b.is_empty() {
                    out.push(format!("{path}: example has items, got []"));
                }
                for (i, vb) in b.iter().enumerate() {
                    same_shape(&format!("{path}[{i}]"), first, vb, out);
                }
            } else if !b.is_empty() {
                out.push(format!("{path}: example is [], got items"));
            }
        }
        _ => {}
    }
}

/// How much of the message text must be equal.
#[derive(Clone, Copy, PartialEq)]
enum Text {
    /// Structure only (instance-specific values).
    Shape,
    /// The string message must be equal.
    Exact,
}

fn check(file: &str, status: u16, text: Text, r: &Resp, seen: &mut BTreeSet<String>) {
    let ex = example(file);
    let got: Value = serde_json::from_str(&r.text)
        .unwrap_or_else(|e| panic!("{file}: reply is not JSON ({e}): {:?}", r.text));
    assert_eq!(r.status, status, "{file}: HTTP status; reply {}", r.text);
    assert_eq!(
        got["errcode"], ex["errcode"],
        "{file}: errcode; reply {}",
        r.text
    );
    let mut diffs = Vec::new();
    same_shape("$", &ex, &got, &mut diffs);
    assert!(diffs.is_empty(), "{file}: {diffs:#?}\nreply {}", r.text);
    if text == Text::Exact || ex["errcode"] != 0 || ex["message"].is_string() {
        assert_eq!(got["message"], ex["message"], "{file}: message text");
    }
    seen.insert(file.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_reply_is_reproduced() {
    let mut seen = BTreeSet::new();
    let ok = "task_action.ok.response.json";
    let s = &mut seen;

    // Client-node replies.
    let c = Ctx::new(true, 30).await;
    let r = c.h.raw("GET", "/api/v1/", vec![]).await;
    check("root_version.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/mining_nodes",
            &c.request("mining_nodes.list.request.json"),
        )
        .await;
    check("mining_nodes.list.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/mining_nodes",
            &c.request("mining_nodes.request.json"),
        )
        .await;
    check("mining_nodes.response.json", 200, Text::Shape, &r, s);
    let mut req = c.request("mining_nodes.request.json");
    req["peer_nodes_list"] = json!([SERVER]);
    req["additional"] = json!({});
    let r = c.post("/api/v1/mining_nodes", &req).await;
    check(
        "mining_nodes.bare_metal_server.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/mining_nodes/session_id",
            &c.request("mining_nodes_session_id.request.json"),
        )
        .await;
    check(
        "mining_nodes_session_id.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/mining_nodes/free_memory",
            &c.request("envelope.session.request.json"),
        )
        .await;
    check(
        "mining_nodes_free_memory.response.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/images/servers",
            &c.request("images_servers.request.json"),
        )
        .await;
    check("images_servers.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/images",
            &c.request("images_list.image_server.request.json"),
        )
        .await;
    check(
        "images_list.image_server.response.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/images",
            &c.request("images_list.node.request.json"),
        )
        .await;
    check("images_list.node.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/images/upload",
            &c.request("images_upload.client_local.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let req = c.request("images_downloadprogress.request.json");
    let r = c.post("/api/v1/images/uploadprogress", &req).await;
    check(
        "images_uploadprogress.done.response.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c.h.raw("POST", "/api/v1/peers/active", vec![]).await;
    check("peers_active.response.json", 200, Text::Shape, &r, s);
    let r = c.h.raw("POST", "/api/v1/peers/lan", vec![]).await;
    check("peers_lan.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/rent_orders",
            &c.request("rent_orders.request.json"),
        )
        .await;
    check("rent_orders.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/monitor/set",
            &c.request("monitor_set.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c.post("/api/v1/monitor", &c.session(json!({}))).await;
    check("monitor.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post("/api/v1/lan/create", &c.request("lan_create.request.json"))
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/bare_metal",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await;
    check(
        "bare_metal.client_list.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    // The manager list example is masked: its signature is not the manager's.
    let mut req = example("bare_metal.manager_list.request.json");
    req["peer_nodes_list"] = json!([manager_id()]);
    req["wallet"] = json!(manager_id());
    let r = c.post("/api/v1/bare_metal", &req).await;
    check(
        "bare_metal.manager_list.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let mut req = c.request("envelope.session.request.json");
    req["peer_nodes_list"] = json!([SERVER]);
    c.live(&mut req, false);
    let r = c.post("/api/v1/bare_metal", &req).await;
    check(
        "bare_metal.server_info.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    let r = c
        .post(
            "/api/v1/bare_metal/power",
            &c.request("bare_metal_power.request.json"),
        )
        .await;
    check("bare_metal_power.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/bare_metal/bootdev",
            &c.request("bare_metal_bootdev.request.json"),
        )
        .await;
    check("bare_metal_bootdev.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post("/api/v1/deeplink", &c.request("deeplink.request.json"))
        .await;
    check("deeplink.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/deeplink/set",
            &c.request("deeplink_set.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    c.sim.shutdown().await;

    // A manager without the server: add it.
    let c = Ctx::new(false, 30).await;
    let mut req = c.request("bare_metal_add.request.json");
    req["peer_nodes_list"] = json!([manager_id()]);
    let r = c.post("/api/v1/bare_metal/add", &req).await;
    check("bare_metal_add.response.json", 200, Text::Shape, &r, s);
    c.sim.shutdown().await;

    // Tasks.
    let c = Ctx::new(true, 30).await;
    let r = c
        .post("/api/v1/tasks", &c.request("tasks_list.request.json"))
        .await;
    check("tasks_list.empty.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.request.json"),
        )
        .await;
    check("tasks_start.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.wallet_rent_order.request.json"),
        )
        .await;
    check("tasks_start.response.json", 200, Text::Shape, &r, s);
    c.sim.shutdown().await;

    let c = Ctx::new(true, 30).await;
    let linux = c.linux_vm(true).await;
    let win = c.windows_vm_off().await;
    let r = c
        .post("/api/v1/tasks", &c.request("tasks_list.request.json"))
        .await;
    check("tasks_list.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/{linux}"),
            &c.request("task_info.request.json"),
        )
        .await;
    check("task_info.response.json", 200, Text::Shape, &r, s);
    // The LAN with the Linux VM as its member.
    let lan = json!({"peer_nodes_list": [GPU], "additional": {}});
    let r = c.post("/api/v1/lan", &lan).await;
    check("lan_list.node.response.json", 200, Text::Shape, &r, s);
    let r = c.post("/api/v1/lan/testnet1", &lan).await;
    check("lan_info.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/{win}"),
            &c.request("task_info.request.json"),
        )
        .await;
    check("task_info.windows.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/logs/{linux}"),
            &c.session(json!({})),
        )
        .await;
    check("tasks_logs.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/passwd/{linux}"),
            &c.request("tasks_passwd.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    // Port conflict with the running Linux VM.
    let mut req = c.request("tasks_start.request.json");
    req["additional"]["vnc_port"] = json!("5990");
    let r = c.post("/api/v1/tasks/start", &req).await;
    check("error.port_conflict.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/start/{linux}"),
            &c.session(json!({})),
        )
        .await;
    check("error.task_state.json", 200, Text::Exact, &r, s);
    // Disks and snapshots need the VM shut off.
    let r = c
        .post(
            &format!("/api/v1/disk/list/{win}"),
            &c.request("disk_list.request.json"),
        )
        .await;
    check("disk_list.response.json", 200, Text::Shape, &r, s);
    for (verb, file) in [
        ("resize", "disk_resize.request.json"),
        ("add", "disk_add.request.json"),
        ("delete", "disk_delete.request.json"),
    ] {
        let r = c
            .post(&format!("/api/v1/disk/{verb}/{win}"), &c.request(file))
            .await;
        check(ok, 200, Text::Exact, &r, s);
    }
    let mut snap = c.request("snapshot_create.request.json");
    let r = c
        .post(&format!("/api/v1/snapshot/create/{win}"), &snap)
        .await;
    check(ok, 200, Text::Exact, &r, s);
    snap["additional"]["snapshot_name"] = json!("snap0");
    snap["additional"]["desc"] = json!("");
    c.live(&mut snap, false);
    c.post(&format!("/api/v1/snapshot/create/{win}"), &snap)
        .await
        .ok();
    let r = c
        .post(
            &format!("/api/v1/snapshot/list/{win}"),
            &c.session(json!({})),
        )
        .await;
    check("snapshot_list.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/snapshot/list/{win}/snap1"),
            &c.session(json!({})),
        )
        .await;
    check("snapshot_info.response.json", 200, Text::Shape, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/modify/{win}"),
            &c.request("tasks_modify.request.json"),
        )
        .await;
    check("tasks_modify.response.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/shutdown/{linux}"),
            &c.session(json!({})),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c
        .post(
            &format!("/api/v1/tasks/delete/{win}"),
            &c.request("tasks_delete.request.json"),
        )
        .await;
    check("tasks_delete.response.json", 200, Text::Exact, &r, s);
    // A desc with a quote breaks the node's unescaped reply (§2).
    let mut req = c.request("tasks_start.request.json");
    req["additional"]["desc"] = json!("say \"hi\"");
    req["additional"]["ssh_port"] = json!("20099");
    req["additional"]["vnc_port"] = json!("5999");
    let r = c.post("/api/v1/tasks/start", &req).await;
    assert_eq!(r.status, 500, "{}", r.text);
    let r = c
        .post("/api/v1/tasks", &c.request("tasks_list.request.json"))
        .await;
    check("error.response_parse.json", 500, Text::Exact, &r, s);
    // Images on the node: download, progress.
    let r = c
        .post(
            "/api/v1/images/download",
            &c.request("images_download.request.json"),
        )
        .await;
    check(ok, 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/images/downloadprogress",
            &c.request("images_downloadprogress.request.json"),
        )
        .await;
    check(
        "images_downloadprogress.response.json",
        200,
        Text::Shape,
        &r,
        s,
    );
    c.sim.shutdown().await;

    // HTTP-side errors.
    let c = Ctx::new(true, 30).await;
    let list = c.request("tasks_list.request.json");
    let r = c.h.raw("GET", "/api/v1/tasks", vec![]).await;
    check("error.not_post.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v1/tasks", &json!({"additional": {}})).await;
    check("error.invalid_params.json", 400, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/tasks",
            &json!({"peer_nodes_list": [], "additional": {}}),
        )
        .await;
    check(
        "error.invalid_params.peer_nodeid_empty.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    let bare = json!({"peer_nodes_list": [GPU], "additional": {}});
    let r = c.post("/api/v1/tasks", &bare).await;
    check(
        "error.invalid_params.auth_missing.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    let r = c.post("/api/v1/tasks/start", &bare).await;
    check(
        "error.invalid_params.auth_missing_create.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    let body = format!("{{\"wallet\":\"{}\"\"nonce\":\"n\"}}", "a".repeat(45));
    let r = c.h.raw("POST", "/api/v1/tasks", body.into_bytes()).await;
    check("error.json_parse.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v2/tasks", &list).await;
    check("error.invalid_uri.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v1/unknown", &list).await;
    check("error.not_support_uri.json", 404, Text::Exact, &r, s);
    let r = c.post("/api/v1/images/unknown", &list).await;
    check("error.invalid_requests_uri.json", 400, Text::Exact, &r, s);
    let r = c.post("/api/v1/stat", &list).await;
    check("error.unhandled_request.json", 500, Text::Exact, &r, s);
    let mut req = list.clone();
    req["peer_nodes_list"] = json!(["ab".repeat(32)]);
    let r = c.post("/api/v1/tasks", &req).await;
    check(
        "error.create_node_request_failed.json",
        400,
        Text::Exact,
        &r,
        s,
    );
    // GPU-node errors.
    let r = c
        .post("/api/v1/tasks", &wallet_env("//Bob", GPU, json!({})))
        .await;
    check("error.node_auth_failed.json", 200, Text::Exact, &r, s);
    let r = c
        .post("/api/v1/tasks", &wallet_env("//Alice", GPU2, json!({})))
        .await;
    check(
        "error.node_machine_not_rented.json",
        200,
        Text::Exact,
        &r,
        s,
    );
    let r = c
        .post("/api/v1/tasks/NoSuchTask0000000001", &c.session(json!({})))
        .await;
    check("error.task_info_not_exist.json", 200, Text::Exact, &r, s);
    let r = c
        .post(
            "/api/v1/tasks/start/NoSuchTask0000000001",
            &c.session(json!({})),
        )
        .await;
    check("error.task_not_exist.json", 200, Text::Exact, &r, s);
    c.sim.add_fault(Fault {
        node: None,
        route: Some("tasks.create".into()),
        kind: FaultKind::NeverAnswer,
    });
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.request.json"),
        )
        .await;
    check("error.timeout.json", 500, Text::Exact, &r, s);
    c.sim.clear_faults();
    c.sim.shutdown().await;

    // Retry later: the node's lifecycle worker is still creating another VM.
    let c = Ctx::with(
        dbc_sim::Simulator::builder()
            .config(world(true))
            .create_delay(Duration::from_secs(5))
            .create_timing(dbc_sim::CreateTiming {
                retry_later_when_busy: true,
                ..Default::default()
            }),
    )
    .await;
    c.post(
        "/api/v1/tasks/start",
        &c.request("tasks_start.request.json"),
    )
    .await
    .ok();
    let r = c
        .post(
            "/api/v1/tasks/start",
            &c.request("tasks_start.wallet_rent_order.request.json"),
        )
        .await;
    check("error.retry_later.json", 200, Text::Exact, &r, s);
    c.sim.shutdown().await;

    // A verifier asking for a session id.
    let mut cfg = world(false);
    cfg.nodes[0].state = dbc_sim::MachineState::Verify;
    cfg.nodes[0].committee = vec![BOB.into()];
    let sim = dbc_sim::Simulator::builder()
        .config(cfg)
        .start()
        .await
        .unwrap();
    let h = Http::new(&sim.url());
    let r = h
        .post(
            "/api/v1/mining_nodes/session_id",
            &wallet_env("//Bob", GPU, json!({})),
        )
        .await;
    check("error.session_id_not_renter.json", 200, Text::Exact, &r, s);
    sim.shutdown().await;

    // Every response example is matched or listed as impossible.
    let all: BTreeSet<String> = std::fs::read_dir(examples_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".request.json"))
        .collect();
    let cannot: BTreeSet<String> = CANNOT.iter().map(|(f, _)| f.to_string()).collect();
    let missing: Vec<&String> = all
        .iter()
        .filter(|f| !seen.contains(*f) && !cannot.contains(*f))
        .collect();
    assert!(missing.is_empty(), "examples not reproduced: {missing:?}");
    for f in &cannot {
        assert!(all.contains(f), "{f} is listed but no longer exists");
        assert!(
            !seen.contains(f),
            "{f} is listed as impossible but was reproduced"
        );
    }
}
