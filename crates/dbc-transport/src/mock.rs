//! An in-memory [`Transport`] for tests (feature `test-util`).
//!
//! ```
//! use dbc_transport::{mock::MockTransport, HttpRequest, Transport};
//! # tokio_test_block_on(async {
//! let mock = MockTransport::new("http://127.0.0.1:5052");
//! mock.push_response(200, r#"{"ok":true}"#);
//! let resp = mock.send(HttpRequest::post("/x", "{}")).await.unwrap();
//! assert_eq!(resp.status, 200);
//! assert_eq!(mock.requests()[0].path_and_query, "/x");
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use crate::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};

enum Scripted {
    Status(u16, Bytes),
    Response(HttpResponse),
    Error(TransportError),
}

#[derive(Default)]
struct State {
    queue: VecDeque<Scripted>,
    requests: Vec<HttpRequest>,
}

/// A scripted transport: answers requests from a FIFO queue and records them.
///
/// Clones share the same queue and request log. When the queue is empty,
/// [`send`](Transport::send) returns [`TransportError::Other`] (never panics).
#[derive(Clone)]
pub struct MockTransport {
    base_url: String,
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.lock();
        f.debug_struct("MockTransport")
            .field("base_url", &self.base_url)
            .field("queued", &st.queue.len())
            .field("requests", &st.requests.len())
            .finish()
    }
}

impl MockTransport {
    /// A mock reporting `base_url` from [`Transport::base_url`].
    pub fn new(base_url: impl Into<String>) -> Self {
        MockTransport {
            base_url: base_url.into(),
            state: Arc::new(Mutex::new(State::default())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another test thread panicked; the data is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a response with `status` (e.g. 200) and `body` and
    /// `Content-Type: application/json`. An invalid status code is reported
    /// as an error when it is dequeued.
    pub fn push_response(&self, status: u16, body: impl Into<Bytes>) -> &Self {
        self.lock()
            .queue
            .push_back(Scripted::Status(status, body.into()));
        self
    }

    /// Queue a fully specified response.
    pub fn push_http_response(&self, resp: HttpResponse) -> &Self {
        self.lock().queue.push_back(Scripted::Response(resp));
        self
    }

    /// Queue an error.
    pub fn push_error(&self, err: TransportError) -> &Self {
        self.lock().queue.push_back(Scripted::Error(err));
        self
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.lock().requests.clone()
    }

    /// Number of scripted answers not yet consumed.
    pub fn remaining(&self) -> usize {
        self.lock().queue.len()
    }

    fn answer(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = req.method.as_str().to_owned();
        let path = req.path().to_owned();
        let next = {
            let mut st = self.lock();
            st.requests.push(req);
            st.queue.pop_front()
        };
        match next {
            Some(Scripted::Status(code, body)) => {
                let status =
                    http::StatusCode::from_u16(code).map_err(|_| TransportError::Other {
                        method: method.clone(),
                        path: path.clone(),
                        detail: format!("mock transport: {code} is not a valid HTTP status code"),
                    })?;
                let mut headers = http::HeaderMap::new();
                headers.insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/json"),
                );
                Ok(HttpResponse {
                    status,
                    headers,
                    body,
                })
            }
            Some(Scripted::Response(r)) => Ok(r),
            Some(Scripted::Error(e)) => Err(e),
            None => Err(TransportError::Other {
                method,
                path,
                detail: "mock transport: no scripted response left in the queue; \
                         push_response/push_error one more answer"
                    .to_owned(),
            }),
        }
    }
}

impl Transport for MockTransport {
    fn send(&self, req: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let r = self.answer(req);
        Box::pin(async move { r })
    }

    fn base_url(&self) -> &str {
        &self.base_url
    }
}
