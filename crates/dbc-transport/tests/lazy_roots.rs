//! Trust roots are loaded only when an `https://` transport is built (its own test binary:
//! the count is per process).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dbc_transport::{trust_roots_loaded, HttpTransport, Proxy};

#[test]
fn trust_roots_are_loaded_once_and_only_for_https() {
    assert_eq!(trust_roots_loaded(), 0);
    for url in [
        "http://127.0.0.1:5052",
        "http://node.example",
        "http://[::1]:1",
    ] {
        HttpTransport::builder().base_url(url).build().unwrap();
        // through a proxy too: an http:// target never needs TLS
        HttpTransport::builder()
            .base_url(url)
            .proxy(Proxy::url("http://127.0.0.1:3128"))
            .build()
            .unwrap();
    }
    assert_eq!(
        trust_roots_loaded(),
        0,
        "plain HTTP must not load trust roots"
    );
    HttpTransport::builder()
        .base_url("https://node.example")
        .build()
        .unwrap();
    assert_eq!(trust_roots_loaded(), 1);
    HttpTransport::builder()
        .base_url("https://other.example:8443")
        .build()
        .unwrap();
    assert_eq!(trust_roots_loaded(), 1, "cached for the process");
}
