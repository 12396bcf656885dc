//! The simulator serving HTTPS (builder and `dbc-sim --tls-cert/--tls-key`), with a CA made
//! at test time: the URL and ready line say https, requests work over TLS, connections and
//! handshakes are counted, bad identities are clear config errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use dbc_sim::{SimError, Simulator, TlsIdentity};
use dbc_testkit::pki::{write, Ca};
use dbc_transport::{HttpRequest, HttpTransport, Transport};

#[tokio::test]
async fn serves_https_and_counts_one_handshake_for_sequential_requests() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("sim test CA");
    let leaf = ca.leaf(&["localhost", "127.0.0.1"]);
    let ca_file = write(dir.path(), "ca.pem", &ca.cert_pem);
    let sim = Simulator::builder()
        .tls(TlsIdentity::Pem {
            cert: leaf.cert_pem.clone(),
            key: leaf.key_pem.clone(),
        })
        .start()
        .await
        .unwrap();
    assert!(sim.url().starts_with("https://127.0.0.1:"), "{}", sim.url());
    let ready: serde_json::Value = serde_json::from_str(&sim.ready_line()).unwrap();
    assert_eq!(ready["url"], sim.url());
    let t = HttpTransport::builder()
        .base_url(&sim.url())
        .ca_cert_file(&ca_file)
        .build()
        .unwrap();
    for _ in 0..20 {
        let r = t
            .send(HttpRequest::post(
                "/api/v1/mining_nodes",
                r#"{"additional":{}}"#,
            ))
            .await
            .unwrap();
        // a complete node reply, decrypted
        let text = String::from_utf8_lossy(&r.body).to_string();
        assert!(text.contains("\"errcode\""), "{text}");
        // hyper's pool takes a connection back on a task of its own once the reply is read;
        // a request sent in the same instant may open a second connection on a loaded
        // machine. Sequential requests a moment apart (as a user or a poll loop sends them)
        // must share one connection and one handshake.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let s = sim.stats();
    assert_eq!(s.connections, 1);
    assert_eq!(s.tls_handshakes, 1);
    assert_eq!(s.requests, 20);
    // a plain-HTTP client on the HTTPS port gets no reply and no handshake
    let plain = HttpTransport::builder()
        .base_url(&sim.url().replace("https://", "http://"))
        .request_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    assert!(plain
        .send(HttpRequest::post("/api/v1/mining_nodes", "{}"))
        .await
        .is_err());
    assert_eq!(sim.stats().tls_handshakes, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_identities_are_config_errors_that_never_show_the_key() {
    let ca = Ca::new("sim test CA");
    let leaf = ca.leaf(&["localhost"]);
    let other = ca.leaf(&["localhost"]);
    let cases = [
        ("not pem".to_owned(), leaf.key_pem.clone()),
        (leaf.cert_pem.clone(), "not a key".to_owned()),
        // a key that does not match the certificate
        (leaf.cert_pem.clone(), other.key_pem.clone()),
    ];
    for (cert, key) in cases {
        let id = TlsIdentity::Pem {
            cert,
            key: key.clone(),
        };
        assert!(!format!("{id:?}").contains("PRIVATE KEY"));
        let err = Simulator::builder().tls(id).start().await.unwrap_err();
        assert!(matches!(err, SimError::Config(_)), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("TLS") || text.contains("identity"), "{text}");
        assert!(!text.contains("PRIVATE KEY"), "{text}");
    }
    let err = Simulator::builder()
        .tls(TlsIdentity::Files {
            cert: "/nonexistent/cert.pem".into(),
            key: "/nonexistent/key.pem".into(),
        })
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/cert.pem"), "{err}");
}

#[test]
fn the_binary_serves_https_with_tls_cert_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("sim test CA");
    let leaf = ca.leaf(&["localhost", "127.0.0.1"]);
    let cert = write(dir.path(), "cert.pem", &leaf.cert_pem);
    let key = write(dir.path(), "key.pem", &leaf.key_pem);
    let (mut child, line, ready) = dbc_testkit::process::spawn_ready(
        Command::new(env!("CARGO_BIN_EXE_dbc-sim"))
            .args(["--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(&cert)
            .arg("--tls-key")
            .arg(&key),
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        ready["url"]
            .as_str()
            .unwrap()
            .starts_with("https://127.0.0.1:"),
        "{line}"
    );
    // --tls-cert without --tls-key is a usage error
    let out = Command::new(env!("CARGO_BIN_EXE_dbc-sim"))
        .args(["--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"));
}
