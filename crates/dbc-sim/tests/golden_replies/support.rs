//! The golden-replies harness: the examples' world, live credentials, structural comparison.

use dbc_testkit::http::{fresh_nonce, session_env, wait_status, wallet_env, Http, Resp};
use dbc_testkit::keys::{sign_hex, ALICE, BOB};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

/// Ids used by the examples.
pub const GPU: &str = "6ed2fd431f99a95501e8588a0a70b7d430e04442933f3fdcc18427e68cd17db3";
pub const GPU2: &str = "0f3b2c4d5e6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e";
pub const MANAGER: &str = "6804b85686a0e10f1e315df5196e17465fcd076300afbcaa40188d4ce6f6d654";
pub const SERVER: &str = "a41d0c9e8b7f6a5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a29180f7e6d5c";
/// The manager key the simulator can sign with (the examples' manager key is unknown).
pub const MANAGER_SURI: &str = "//Dave";

/// Response examples the simulator cannot produce, with the reason.
pub const CANNOT: &[(&str, &str)] = &[(
    "lan_list.client_local.response.json",
    "the client node's own LAN table is filled by P2P announcements of GPU nodes, which the simulator does not model: it is always empty",
)];

pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dbc-types/tests/fixtures/examples")
}

pub fn example(name: &str) -> Value {
    let p = examples_dir().join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

pub fn manager_id() -> String {
    dbc_sign::Keypair::from_suri(MANAGER_SURI)
        .unwrap()
        .public_hex()
}

/// The world of the examples: the GPU node rented by Alice (whole machine, plus per-GPU
/// order 1024), a second GPU node online, a bare-metal manager and its server.
pub fn world(with_server: bool) -> dbc_sim::SimConfig {
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

pub struct Ctx {
    pub sim: dbc_sim::SimHandle,
    pub h: Http,
    /// Alice's session on the GPU node.
    pub sid: String,
    /// Alice's sessions per node id.
    pub sids: std::collections::HashMap<String, String>,
}

impl Ctx {
    pub async fn new(with_server: bool, create_ms: u64) -> Ctx {
        Ctx::with(
            dbc_sim::Simulator::builder()
                .config(world(with_server))
                .create_delay(Duration::from_millis(create_ms))
                .node_timeout(Duration::from_millis(150)),
        )
        .await
    }
    pub async fn with(b: dbc_sim::SimBuilder) -> Ctx {
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
    pub fn request(&self, name: &str) -> Value {
        let text = serde_json::to_string(&example(name))
            .unwrap()
            .replace(MANAGER, &manager_id());
        let mut v: Value = serde_json::from_str(&text).unwrap();
        self.live(&mut v, true);
        v
    }

    pub fn live(&self, v: &mut Value, resign_manager: bool) {
        if v.get("session_id").is_some() {
            let peer = v["peer_nodes_list"][0].as_str().unwrap_or(GPU).to_string();
            let sid = self.sids.get(&peer).cloned().unwrap_or_default();
            v["session_id"] = json!(sid);
            v["session_id_sign"] = json!(sign_hex("//Alice", sid.as_bytes()));
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
                v["sign"] = json!(sign_hex(suri, n.as_bytes()));
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
                s["sign"] = json!(sign_hex(suri, n.as_bytes()));
            }
        }
    }

    pub fn session(&self, additional: Value) -> Value {
        session_env("//Alice", GPU, &self.sid, additional)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.h.post(path, body).await
    }

    /// Creates the Linux VM of `tasks_start.request.json` (optionally on LAN testnet1 with
    /// order 1024) and waits until it runs.
    pub async fn linux_vm(&self, on_lan: bool) -> String {
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
        let id = self.h.create_task(&req).await;
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
    pub async fn windows_vm_off(&self) -> String {
        let mut req = self.request("tasks_start.wallet_rent_order.request.json");
        if let Some(o) = req.as_object_mut() {
            o.remove("rent_order");
        }
        let id = self.h.create_task(&req).await;
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

pub fn kind(v: &Value) -> &'static str {
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
pub fn same_shape(path: &str, ex: &Value, got: &Value, out: &mut Vec<String>) {
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
pub enum Text {
    /// Structure only (instance-specific values).
    Shape,
    /// The string message must be equal.
    Exact,
}

pub fn check(file: &str, status: u16, text: Text, r: &Resp, seen: &mut BTreeSet<String>) {
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
