//! MockTransport behaviour (feature `test-util`).

use dbc_transport::mock::MockTransport;
use dbc_transport::{HttpRequest, Transport, TransportError};

#[tokio::test]
async fn fifo_answers_and_captures_requests_in_order() {
    let mock = MockTransport::new("http://127.0.0.1:5052");
    assert_eq!(mock.base_url(), "http://127.0.0.1:5052");
    mock.push_response(200, r#"{"n":1}"#)
        .push_error(TransportError::RequestTimeout {
            method: "POST".into(),
            path: "/b".into(),
            after: std::time::Duration::from_secs(1),
        })
        .push_response(503, "busy");

    // A clone shares the queue and the log.
    let other = mock.clone();
    let r1 = other.send(HttpRequest::post("/a", "one")).await.unwrap();
    assert_eq!(r1.status, 200);
    assert_eq!(&r1.body[..], br#"{"n":1}"#);
    let e2 = mock.send(HttpRequest::post("/b", "two")).await.unwrap_err();
    assert!(e2.is_outcome_unknown());
    let r3 = mock.send(HttpRequest::get("/c?x=1")).await.unwrap();
    assert_eq!(r3.status, 503);
    assert_eq!(mock.remaining(), 0);

    // Empty queue: a clear error, never a panic.
    let e4 = mock
        .send(HttpRequest::post("/d", "four"))
        .await
        .unwrap_err();
    match &e4 {
        TransportError::Other { detail, path, .. } => {
            assert!(detail.contains("no scripted response"), "{detail}");
            assert_eq!(path, "/d");
        }
        other => panic!("{other:?}"),
    }

    let reqs = mock.requests();
    let seen: Vec<_> = reqs
        .iter()
        .map(|r| (r.method.as_str(), r.path_and_query.as_str(), r.body.clone()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("POST", "/a", bytes::Bytes::from("one")),
            ("POST", "/b", bytes::Bytes::from("two")),
            ("GET", "/c?x=1", bytes::Bytes::new()),
            ("POST", "/d", bytes::Bytes::from("four")),
        ]
    );
}

#[tokio::test]
async fn invalid_status_is_an_error_not_a_panic() {
    let mock = MockTransport::new("http://127.0.0.1:5052");
    mock.push_response(1000, "x");
    let err = mock.send(HttpRequest::post("/a", "")).await.unwrap_err();
    assert!(err.to_string().contains("not a valid HTTP status"), "{err}");
}

#[tokio::test]
async fn usable_as_box_transport() {
    let mock = MockTransport::new("http://h:1");
    mock.push_response(204, "");
    let t: dbc_transport::BoxTransport = std::sync::Arc::new(mock.clone());
    assert_eq!(
        t.send(HttpRequest::post("/x", "")).await.unwrap().status,
        204
    );
    assert_eq!(mock.requests().len(), 1);
}
