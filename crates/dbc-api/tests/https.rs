//! The typed client over HTTPS (a CA made at test time, `ca_cert_file`) and through proxies,
//! against the simulator: one TLS handshake for many calls, typed certificate errors, and the
//! plaintext-credential warning (one `tracing` warning per client, silenced by `allow_http`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_api::dbc_transport::{Proxy, TlsFailure, TransportError};
use dbc_api::{Client, Credentials, Error};
use dbc_sign::Keypair;
use dbc_sim::{Simulator, TlsIdentity};
use dbc_testkit::pki::{write, Ca};
use std::io::Write;
use std::sync::{Arc, Mutex};

fn alice() -> Keypair {
    static K: std::sync::OnceLock<Keypair> = std::sync::OnceLock::new();
    K.get_or_init(|| dbc_testkit::keys::keypair(dbc_testkit::keys::ALICE_SURI))
        .clone()
}

#[tokio::test]
async fn many_calls_share_one_tls_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("api test CA");
    let leaf = ca.leaf(&["127.0.0.1"]);
    let sim = Simulator::builder()
        .tls(TlsIdentity::Pem {
            cert: leaf.cert_pem,
            key: leaf.key_pem,
        })
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .url(sim.url())
        .ca_cert_file(write(dir.path(), "ca.pem", &ca.cert_pem))
        .credentials(Credentials::signer(alice()))
        .build()
        .unwrap();
    let node = client.node(&sim.rented_node());
    for _ in 0..10 {
        node.info().await.unwrap();
        // hyper's pool takes a connection back on a task of its own once the reply is read;
        // a request sent in the same instant may open a second connection on a loaded
        // machine. Sequential requests a moment apart (as a user or a poll loop sends them)
        // must share one connection and one handshake.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        node.tasks().list().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let s = sim.stats();
    assert_eq!(s.requests, 20);
    assert_eq!((s.connections, s.tls_handshakes), (1, 1));

    // without the CA: a typed certificate error, exit code 3, nothing sent
    let untrusting = Client::builder().url(sim.url()).build().unwrap();
    let err = untrusting.version().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Transport {
                source: TransportError::Tls {
                    reason: TlsFailure::UnknownIssuer,
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
    // A transport failure (the CLI maps it to exit code 3: dbc-cli/src/error.rs).
    assert!(err.is_transport());
    assert_eq!(sim.stats().requests, 20);
    sim.shutdown().await;
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Credentials about to go over plain HTTP to a remote host (the proxy makes
/// `http://node.example:5002` reach the simulator): one warning per client.
#[test]
fn one_plaintext_warning_per_client() {
    let logs = Captured::default();
    let w = logs.clone();
    let sub = tracing_subscriber::fmt()
        .with_writer(move || w.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _guard = tracing::subscriber::set_default(sub);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sim = Simulator::builder().start().await.unwrap();
        let (p, _) = dbc_testkit::proxy::start(sim.addr(), None).await;
        let remote = |allow: bool| {
            Client::builder()
                .url("http://node.example:5002")
                .proxy(Proxy::url(format!("http://{p}")))
                .credentials(Credentials::signer(alice()))
                .allow_http(allow)
                .build()
                .unwrap()
        };
        let warnings = || {
            String::from_utf8_lossy(&logs.0.lock().unwrap())
                .matches("over plain http")
                .count()
        };
        let c = remote(false);
        c.version().await.unwrap(); // no credential: no warning
        assert_eq!(warnings(), 0);
        let node = c.node(&sim.rented_node());
        for _ in 0..3 {
            node.tasks().list().await.unwrap();
        }
        assert_eq!(warnings(), 1);
        let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
        assert!(text.contains("WARN") && text.contains("https://"), "{text}");
        // a clone shares the client (and its warning); a new client warns again
        c.clone()
            .node(&sim.rented_node())
            .tasks()
            .list()
            .await
            .unwrap();
        assert_eq!(warnings(), 1);
        remote(false)
            .node(&sim.rented_node())
            .tasks()
            .list()
            .await
            .unwrap();
        assert_eq!(warnings(), 2);
        // allowed, or loopback: silent
        remote(true)
            .node(&sim.rented_node())
            .tasks()
            .list()
            .await
            .unwrap();
        Client::builder()
            .url(sim.url())
            .credentials(Credentials::signer(alice()))
            .build()
            .unwrap()
            .node(&sim.rented_node())
            .tasks()
            .list()
            .await
            .unwrap();
        assert_eq!(warnings(), 2);
        sim.shutdown().await;
    });
}
