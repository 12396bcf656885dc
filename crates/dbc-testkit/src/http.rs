//! Raw HTTP against a client node (the simulator): a plain hyper client, the reply as text, and
//! hand-built JSON envelopes — for tests that must see the exact bytes and bodies.

use crate::keys::{address, sign_hex};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A plain HTTP/1.1 client bound to one base URL.
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    /// `http://host:port`.
    pub base: String,
}

/// A reply: status and body text.
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// Body, lossily decoded.
    pub text: String,
}

impl Resp {
    /// The body as JSON (panics if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
    /// `errcode`.
    pub fn errcode(&self) -> i64 {
        self.json()["errcode"]
            .as_i64()
            .unwrap_or_else(|| panic!("no integer errcode: {}", self.text))
    }
    /// `message`.
    pub fn msg(&self) -> Value {
        self.json()["message"].clone()
    }
    /// `message` as a string.
    pub fn msg_str(&self) -> String {
        self.msg()
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| panic!("message not a string: {}", self.text))
    }
    /// Asserts an error the client node answers itself (pretty JSON, `\r\n`).
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
    /// Asserts a passed-through or local reply (HTTP 200, compact JSON).
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
    /// Asserts success and returns `message`.
    pub fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text);
        assert_eq!(self.errcode(), 0, "{}", self.text);
        self.msg()
    }
}

impl Http {
    /// A client for `base` (e.g. a simulator's URL).
    pub fn new(base: &str) -> Http {
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(4)
            .build_http();
        Http {
            client,
            base: base.to_string(),
        }
    }

    /// Sends `body` with `method` to `path` (20 s limit).
    pub async fn raw(&self, method: &str, path: &str, body: Vec<u8>) -> Resp {
        let req = http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path))
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_else(|e| panic!("bad request {method} {path}: {e}"));
        let resp = tokio::time::timeout(Duration::from_secs(20), self.client.request(req))
            .await
            .unwrap_or_else(|_| panic!("{method} {path} timed out"))
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}"));
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap_or_else(|e| panic!("reading the body of {path}: {e}"))
            .to_bytes();
        Resp {
            status,
            text: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// `POST`s a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.raw("POST", path, body.to_string().into_bytes()).await
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A nonce never used before in this process.
pub fn fresh_nonce() -> String {
    format!(
        "nonce-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// An envelope with a fresh wallet signature of `suri`.
pub fn wallet_env(suri: &str, peer: &str, additional: Value) -> Value {
    let nonce = fresh_nonce();
    json!({"peer_nodes_list": [peer], "additional": additional, "wallet": address(suri), "nonce": nonce, "sign": sign_hex(suri, nonce.as_bytes())})
}

/// An envelope with a session credential signed by `suri`.
pub fn session_env(suri: &str, peer: &str, session_id: &str, additional: Value) -> Value {
    json!({"peer_nodes_list": [peer], "additional": additional, "session_id": session_id, "session_id_sign": sign_hex(suri, session_id.as_bytes())})
}

/// A multisig envelope for `wallets`/`threshold`, signed by `signers` (SURIs).
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
            json!({"wallet": address(s), "nonce": n, "sign": sign_hex(s, n.as_bytes())})
        })
        .collect();
    json!({"peer_nodes_list": [peer], "additional": additional, "multisig_accounts": {"wallets": wallets, "threshold": threshold, "signs": signs}})
}

/// Asks `node` for `suri`'s session id (wallet-signed).
pub async fn session_of(h: &Http, suri: &str, node: &str) -> String {
    let r = h
        .post(
            "/api/v1/mining_nodes/session_id",
            &wallet_env(suri, node, json!({})),
        )
        .await;
    r.ok()["session_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no session_id: {}", r.text))
        .to_string()
}

/// Polls the VM's details (envelopes from `env`) until its status is `want` (4 s at most).
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
