//! Black-box helpers: a plain hyper client and hand-built JSON.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
pub const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
pub const CHARLIE: &str = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";
pub const MULTISIG_ABC_2: &str = "5DjYJStmdZ2rcqXbXGX7TW85JsrW6uG4y9MUcLq2BoPMpRA7";

pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    pub base: String,
}

pub struct Resp {
    pub status: u16,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
    pub fn errcode(&self) -> i64 {
        self.json()["errcode"].as_i64().unwrap()
    }
    pub fn msg(&self) -> Value {
        self.json()["message"].clone()
    }
    pub fn msg_str(&self) -> String {
        self.msg()
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| panic!("message not a string: {}", self.text))
    }
    /// Assert an HTTP-side error (pretty JSON).
    pub fn assert_http(&self, status: u16, errcode: i64, message: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.errcode(), errcode, "{}", self.text);
        assert_eq!(self.msg_str(), message, "{}", self.text);
        assert!(
            self.text.starts_with("{\n    \"errcode\""),
            "not pretty: {:?}",
            self.text
        );
        assert!(self.text.ends_with("}\r\n"), "{:?}", self.text);
    }
    /// Assert a pass-through/local reply (HTTP 200, compact).
    pub fn assert_node(&self, errcode: i64, message: &str) {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.errcode(), errcode, "{}", self.text);
        assert_eq!(self.msg_str(), message, "{}", self.text);
        assert!(
            self.text.starts_with("{\"errcode\":"),
            "not compact: {:?}",
            self.text
        );
    }
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.errcode(), 0, "{}", self.text);
        self.msg()
    }
}

impl Http {
    pub fn new(base: &str) -> Http {
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(4)
            .build_http();
        Http {
            client,
            base: base.to_string(),
        }
    }

    pub async fn raw(&self, method: &str, path: &str, body: Vec<u8>) -> Resp {
        let req = http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path))
            .body(Full::new(Bytes::from(body)))
            .unwrap();
        let resp = tokio::time::timeout(Duration::from_secs(20), self.client.request(req))
            .await
            .expect("request timed out")
            .expect("request failed");
        let status = resp.status().as_u16();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            text: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.raw("POST", path, serde_json::to_vec(body).unwrap())
            .await
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub fn fresh_nonce() -> String {
    format!(
        "nonce-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn sign(suri: &str, msg: &[u8]) -> String {
    let kp = dbc_sign::Keypair::from_suri(suri).unwrap();
    hex::encode(kp.sign_bytes(msg))
}

pub fn addr(suri: &str) -> String {
    dbc_sign::Keypair::from_suri(suri).unwrap().address()
}

/// Envelope with a fresh wallet signature.
pub fn wallet_env(suri: &str, peer: &str, additional: Value) -> Value {
    let nonce = fresh_nonce();
    json!({"peer_nodes_list": [peer], "additional": additional, "wallet": addr(suri), "nonce": nonce, "sign": sign(suri, nonce.as_bytes())})
}

pub fn session_env(suri: &str, peer: &str, session_id: &str, additional: Value) -> Value {
    json!({"peer_nodes_list": [peer], "additional": additional, "session_id": session_id, "session_id_sign": sign(suri, session_id.as_bytes())})
}

/// Multisig envelope signed by the given suris.
pub fn multisig_env(
    wallets: &[&str],
    threshold: &str,
    signers: &[&str],
    peer: &str,
    additional: Value,
) -> Value {
    let signs: Vec<Value> = signers
        .iter()
        .map(|s| {
            let n = fresh_nonce();
            json!({"wallet": addr(s), "nonce": n, "sign": sign(s, n.as_bytes())})
        })
        .collect();
    json!({"peer_nodes_list": [peer], "additional": additional, "multisig_accounts": {"wallets": wallets, "threshold": threshold, "signs": signs}})
}

pub fn create_params(ssh: u32, vnc: u32) -> Value {
    json!({"image_name": "ubuntu.qcow2", "ssh_port": ssh.to_string(), "vnc_port": vnc.to_string(), "gpu_count": "1", "cpu_cores": "4", "mem_size": "8", "disk_size": "10", "desc": "t"})
}

pub async fn start_sim(create_delay_ms: u64) -> dbc_sim::SimHandle {
    dbc_sim::Simulator::builder()
        .seed(42)
        .create_delay(Duration::from_millis(create_delay_ms))
        .start()
        .await
        .unwrap()
}

pub async fn session_of(h: &Http, suri: &str, node: &str) -> String {
    let r = h
        .post(
            "/api/v1/mining_nodes/session_id",
            &wallet_env(suri, node, json!({})),
        )
        .await;
    r.ok()["session_id"].as_str().unwrap().to_string()
}

/// Poll details until the status is `want`.
pub async fn wait_status(h: &Http, env: impl Fn() -> Value, task: &str, want: &str) -> Value {
    for _ in 0..200 {
        let r = h.post(&format!("/api/v1/tasks/{task}"), &env()).await;
        let m = r.ok();
        if m["status"] == want {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("task {task} never reached {want}");
}
