//! One span per request with method/path/status/bytes/elapsed; bodies never logged.

use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use dbc_transport::{HttpRequest, HttpTransport, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone)]
struct Buf(Arc<Mutex<Vec<u8>>>);
impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn span_has_fields_and_no_body_or_query() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let _ = s.read(&mut buf).await;
            let body = "RESPONSE-SECRET-xyz";
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await;
        }
    });

    let out = Arc::new(Mutex::new(Vec::new()));
    let w = Buf(out.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || w.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let t = HttpTransport::builder()
        .base_url(&format!("http://{addr}"))
        .build()
        .unwrap();
    let resp = t
        .send(HttpRequest::post(
            "/api/v1/thing?token=QUERY-SECRET",
            Bytes::from_static(b"{\"password\":\"REQUEST-SECRET\"}"),
        ))
        .await
        .unwrap();
    assert_eq!(resp.status, 404);

    let text = String::from_utf8(out.lock().unwrap().clone()).unwrap();
    assert!(text.contains("http_request"), "{text}");
    assert!(text.contains("method=POST"), "{text}");
    assert!(text.contains("path=/api/v1/thing"), "{text}");
    assert!(text.contains("status=404"), "{text}");
    assert!(text.contains("bytes=19"), "{text}");
    assert!(text.contains("elapsed_ms="), "{text}");
    for secret in ["REQUEST-SECRET", "RESPONSE-SECRET", "QUERY-SECRET"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}
