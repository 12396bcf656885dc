//! The client and its single generic call path.

use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::plaintext::{self, PlaintextExposure};
use dbc_sign::Signer;
use dbc_transport::{BoxTransport, HttpRequest, HttpTransport, Proxy, Transport, TransportError};
use dbc_types::endpoint::{build_request, Auth, EndpointInfo, WireRequest};
use dbc_types::models::CreateVm;
use dbc_types::registry::TaskCreate;
use dbc_types::{decode, Credential, Endpoint, Envelope, NodeId, RentOrder, ReplyError};
use rand::Rng;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Retry policy for read-only calls (mutating calls are never retried automatically).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// First backoff (default 250 ms), doubled per retry, with ±50 % jitter.
    pub base_delay: Duration,
    /// Upper bound of one backoff (default 5 s).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    fn delay(&self, attempt: u32) -> Duration {
        let base = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        let jitter: f64 = rand::thread_rng().gen_range(0.5..1.5);
        base.mul_f64(jitter)
    }
}

/// Per-call overrides.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Use these credentials instead of the client's.
    pub credentials: Option<Credentials>,
    /// Send this `rent_order` (per-GPU rentals).
    pub rent_order: Option<RentOrder>,
    /// Whole-request timeout for this call.
    pub timeout: Option<Duration>,
}

pub(crate) struct Inner {
    pub(crate) transport: BoxTransport,
    pub(crate) retry: RetryPolicy,
    pub(crate) rent_order: Option<RentOrder>,
    /// The plaintext-credential warning (once per client).
    pub(crate) plaintext: plaintext::Warning,
}

/// The typed DBC client. `Clone + Send + Sync`; clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) creds: Credentials,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.inner.transport.base_url())
            .field("credentials", &self.creds)
            .finish()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    url: Option<String>,
    transport: Option<BoxTransport>,
    creds: Credentials,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    rent_order: Option<RentOrder>,
    ca_files: Vec<PathBuf>,
    proxy: Option<Proxy>,
    allow_http: bool,
    on_plaintext: Option<plaintext::Hook>,
}

impl ClientBuilder {
    /// The client node's URL: `https://HOST[:PORT]` (port 443 by default) or
    /// `http://HOST[:PORT]` (port 80 by default).
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
    /// Default credentials.
    pub fn credentials(mut self, c: Credentials) -> Self {
        self.creds = c;
        self
    }
    /// A custom transport, any [`Transport`] (then `url` and timeouts are the transport's
    /// business). An `Arc<dyn Transport>` ([`BoxTransport`]) is a transport too.
    pub fn transport(mut self, t: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(t));
        self
    }
    /// Whole-request timeout (default 45 s: longer than the node's own 30 s).
    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = Some(d);
        self
    }
    /// Connect timeout (default 5 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }
    /// Retries for read-only calls (default 2).
    pub fn retries(mut self, n: u32) -> Self {
        self.retry.max_retries = n;
        self
    }
    /// The full retry policy.
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }
    /// A default `rent_order` for every request (per-GPU rentals).
    pub fn rent_order(mut self, r: RentOrder) -> Self {
        self.rent_order = Some(r);
        self
    }
    /// Also trust the CA certificates of this PEM file (repeatable): for a node behind TLS
    /// with a self-signed certificate or a private CA. The system's trust store stays trusted;
    /// certificate verification cannot be turned off.
    pub fn ca_cert_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }
    /// Which HTTP proxy to use (default: from the environment, like curl; see
    /// [`Proxy::from_env`]).
    pub fn proxy(mut self, p: Proxy) -> Self {
        self.proxy = Some(p);
        self
    }
    /// Accept sending credentials over plain `http://` to a host that is not loopback
    /// without a warning (also: environment `DBC_ALLOW_HTTP=1`).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }
    /// Called (at most once per client) instead of the default `tracing` warning when a
    /// request carrying a credential is about to go over plain `http://` to a host that is
    /// not loopback.
    pub fn on_plaintext_credentials(
        mut self,
        hook: impl Fn(&PlaintextExposure<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.on_plaintext = Some(Arc::new(hook));
        self
    }
    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::NoUrl`] without a URL, [`Error::TlsNotCompiled`] for an `https://` URL in a
    /// build without the `rustls` feature, [`Error::TransportSetup`] for an invalid URL, an
    /// unreadable CA file or an invalid proxy.
    pub fn build(self) -> Result<Client, Error> {
        let transport = match self.transport {
            Some(t) => t,
            None => {
                let url = self.url.ok_or(Error::NoUrl)?;
                check_tls_compiled(&url)?;
                let mut b = HttpTransport::builder().base_url(&url);
                if let Some(t) = self.request_timeout {
                    b = b.request_timeout(t);
                }
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                for f in self.ca_files {
                    b = b.ca_cert_file(f);
                }
                if let Some(p) = self.proxy {
                    b = b.proxy(p);
                }
                let t = b
                    .build()
                    .map_err(|source| Error::TransportSetup { source })?;
                Arc::new(t) as BoxTransport
            }
        };
        let plaintext =
            plaintext::Warning::new(transport.base_url(), self.allow_http, self.on_plaintext);
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                retry: self.retry,
                rent_order: self.rent_order,
                plaintext,
            }),
            creds: self.creds,
        })
    }
}

/// An `https://` URL needs this crate's `rustls` feature (on by default).
fn check_tls_compiled(url: &str) -> Result<(), Error> {
    let https = url
        .trim()
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    if https && !cfg!(feature = "rustls") {
        return Err(Error::TlsNotCompiled {
            url: dbc_transport::redact_userinfo(url.trim()),
        });
    }
    Ok(())
}

/// Where the credential of one call comes from.
#[derive(Clone, Copy)]
pub(crate) enum CredSource<'a> {
    Creds(&'a Credentials),
    Signer(&'a dyn Signer),
}

impl CredSource<'_> {
    fn credential(&self) -> Result<Credential, Error> {
        match self {
            CredSource::Creds(c) => c.credential(),
            CredSource::Signer(s) => Ok(dbc_sign::wallet_credential(*s)?),
        }
    }
}

/// Whether an endpoint gets the configured credential.
fn wants_credential(auth: Auth) -> bool {
    !matches!(auth, Auth::None | Auth::Local)
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The same client (same pool) with other default credentials.
    pub fn with_credentials(&self, c: Credentials) -> Client {
        Client {
            inner: self.inner.clone(),
            creds: c,
        }
    }

    /// The default credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.creds
    }

    /// The client node URL.
    pub fn url(&self) -> &str {
        self.inner.transport.base_url()
    }

    /// Calls any endpoint with the client's credentials.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn call<E: Endpoint>(
        &self,
        node: Option<&NodeId>,
        params: &E::Params,
        additional: E::Request,
    ) -> Result<E::Response, Error> {
        self.call_inner::<E>(
            CredSource::Creds(&self.creds),
            None,
            None,
            node,
            params,
            additional,
        )
        .await
    }

    /// Calls any endpoint with per-call overrides.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn call_with<E: Endpoint>(
        &self,
        opts: &CallOptions,
        node: Option<&NodeId>,
        params: &E::Params,
        additional: E::Request,
    ) -> Result<E::Response, Error> {
        let creds = opts.credentials.as_ref().unwrap_or(&self.creds);
        self.call_inner::<E>(
            CredSource::Creds(creds),
            opts.rent_order.clone(),
            opts.timeout,
            node,
            params,
            additional,
        )
        .await
    }

    /// The typed request path: builds `E`'s request and decodes `E`'s response around the
    /// one shared loop ([`Client::send_loop`]).
    pub(crate) async fn call_inner<E: Endpoint>(
        &self,
        creds: CredSource<'_>,
        rent_order: Option<RentOrder>,
        timeout: Option<Duration>,
        node: Option<&NodeId>,
        params: &E::Params,
        additional: E::Request,
    ) -> Result<E::Response, Error> {
        let mut env = Envelope {
            peer: node.cloned(),
            additional,
            credential: Credential::None,
            rent_order: rent_order.or_else(|| self.inner.rent_order.clone()),
        };
        self.send_loop(
            &E::INFO,
            creds,
            timeout,
            |cred| {
                env.credential = cred.clone();
                Ok(build_request::<E>(params, &env)?)
            },
            decode::<E>,
        )
        .await
    }

    /// The type-erased request path: any registry endpoint by name, with path parameters as
    /// name/value pairs (path placeholders and query names) and `additional` as JSON
    /// (`null`: the request type's defaults). The request goes through the endpoint's typed
    /// parameters and request, and the reply through its typed response, over the same loop
    /// as the typed methods (fresh nonce per attempt, retries only for read-only endpoints,
    /// the same error classification).
    ///
    /// # Errors
    /// [`Error::UnknownEndpoint`] for a name not in the registry, [`Error::RawRequest`] /
    /// [`Error::Validation`] for parameters or `additional` that cannot be sent, and every
    /// error of a typed call.
    pub async fn call_raw(
        &self,
        name: &str,
        node: Option<&NodeId>,
        path_params: &[(&str, &str)],
        additional: serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        let d = dbc_types::registry::find(name).ok_or_else(|| Error::UnknownEndpoint {
            name: name.to_owned(),
        })?;
        let mut env = Envelope {
            peer: node.cloned(),
            additional: (),
            credential: Credential::None,
            rent_order: self.inner.rent_order.clone(),
        };
        let started_at = std::time::SystemTime::now();
        let result = self
            .send_loop(
                d.info,
                CredSource::Creds(&self.creds),
                None,
                |cred| {
                    env.credential = cred.clone();
                    d.build_json(path_params, additional.clone(), &env)
                        .map_err(|e| Error::raw_request(d.info.name, e))
                },
                |status, body| d.decode_json(status, body),
            )
            .await;
        // A create whose outcome is unknown is reported as such, like `Tasks::create`, so
        // that it is reconciled rather than sent again.
        match (result, node) {
            (Err(e), Some(node))
                if d.info.name == <TaskCreate as Endpoint>::INFO.name
                    && crate::tasks::outcome_unknown(&e) =>
            {
                match serde_json::from_value::<CreateVm>(additional) {
                    Ok(spec) => Err(Error::CreateOutcomeUnknown {
                        node: node.clone(),
                        spec: Box::new(spec),
                        started_at,
                        cause: Box::new(e),
                    }),
                    Err(_) => Err(e),
                }
            }
            (r, _) => r,
        }
    }

    /// The one request loop of every call: sign (fresh nonce per attempt), build, send,
    /// decode, classify, and retry read-only calls.
    async fn send_loop<T>(
        &self,
        info: &'static EndpointInfo,
        creds: CredSource<'_>,
        timeout: Option<Duration>,
        mut build: impl FnMut(&Credential) -> Result<WireRequest, Error>,
        decode: impl Fn(u16, &[u8]) -> Result<T, ReplyError>,
    ) -> Result<T, Error> {
        let retries = if info.mutates {
            0
        } else {
            self.inner.retry.max_retries
        };
        let mut attempt = 0u32;
        loop {
            // A fresh nonce and signature for every attempt.
            let credential = if wants_credential(info.auth) {
                creds.credential()?
            } else {
                Credential::None
            };
            let wire = build(&credential)?;
            self.inner
                .plaintext
                .before_send(self.inner.transport.base_url(), &credential);
            let req = HttpRequest {
                method: http::Method::POST,
                path_and_query: wire.path_and_query,
                body: wire.body.into(),
                timeout,
            };
            let outcome = match self.inner.transport.send(req).await {
                Ok(resp) => match decode(resp.status.as_u16(), &resp.body) {
                    Ok(v) => return Ok(v),
                    Err(e) => reply_error(info.name, e, &credential),
                },
                Err(source) => Error::Transport {
                    endpoint: info.name,
                    source,
                },
            };
            if attempt < retries && retryable(&outcome) {
                tracing::debug!(endpoint = info.name, attempt, "retrying read-only call");
                tokio::time::sleep(self.inner.retry.delay(attempt)).await;
                attempt += 1;
                continue;
            }
            return Err(outcome);
        }
    }
}

/// An error reply (or an undecodable one) as an [`Error`].
fn reply_error(endpoint: &'static str, e: ReplyError, sent: &Credential) -> Error {
    match e {
        ReplyError::Api {
            http_status,
            errcode,
            message,
        } => {
            let mut kind = ErrorKind::classify(http_status, errcode, &message);
            if let ErrorKind::SignatureInvalid { .. } = kind {
                kind = refine_signature_kind(sent);
            }
            Error::Api {
                endpoint,
                http_status,
                errcode,
                message,
                kind,
            }
        }
        ReplyError::Decode {
            http_status,
            reason,
            body_excerpt,
        } => Error::Decode {
            endpoint,
            http_status,
            reason,
            body_excerpt,
        },
        other => Error::UnknownReply {
            endpoint,
            reason: other.to_string(),
        },
    }
}

/// Read-only calls retry on connect failures, timeouts, resets and 5xx gateway/timeout replies.
fn retryable(e: &Error) -> bool {
    match e {
        Error::Transport { source, .. } => {
            source.is_connect_failure()
                || source.is_outcome_unknown()
                || matches!(source, TransportError::ConnectTimeout { .. })
        }
        Error::Api { kind, .. } => *kind == ErrorKind::OperationTimeout,
        Error::Decode { http_status, .. } => matches!(http_status, 500 | 502 | 503 | 504),
        _ => false,
    }
}

/// `nonce check failed`: our signature verifies locally → the nonce was rejected; otherwise the
/// signature is wrong (and maybe `<Bytes>`-wrapped).
fn refine_signature_kind(sent: &Credential) -> ErrorKind {
    let verdicts: Vec<Result<(), dbc_sign::VerifyError>> = match sent {
        Credential::Wallet(w) => vec![dbc_sign::verify_detailed(
            w.wallet.as_str(),
            w.nonce.as_str().as_bytes(),
            w.sign.as_str(),
        )],
        Credential::Multisig(m) => m
            .signs
            .iter()
            .map(|w| {
                dbc_sign::verify_detailed(
                    w.wallet.as_str(),
                    w.nonce.as_str().as_bytes(),
                    w.sign.as_str(),
                )
            })
            .collect(),
        _ => {
            return ErrorKind::SignatureInvalid {
                bytes_wrapped: false,
            }
        }
    };
    if verdicts.iter().all(|v| v.is_ok()) {
        return ErrorKind::NonceReused;
    }
    let wrapped = verdicts
        .iter()
        .any(|v| matches!(v, Err(dbc_sign::VerifyError::WrappedBytes)));
    ErrorKind::SignatureInvalid {
        bytes_wrapped: wrapped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With the `rustls` feature (the default) an https URL builds (port 443 by default).
    #[cfg(feature = "rustls")]
    #[test]
    fn https_urls_build_with_the_rustls_feature() {
        let c = Client::builder().url("https://node.example").build();
        assert_eq!(
            c.map(|c| c.url().to_owned()).ok().as_deref(),
            Some("https://node.example:443")
        );
    }

    /// Built with `default-features = false` (CI: `cargo test -p dbc-api --no-default-features
    /// --lib`), an https URL is a clear error naming the feature.
    #[cfg(not(feature = "rustls"))]
    #[test]
    fn https_without_the_rustls_feature_names_it() {
        let Err(e) = Client::builder()
            .url("https://u:hunter2@node.example")
            .build()
        else {
            panic!("an https URL must be refused without TLS support")
        };
        let msg = e.to_string();
        // What to do is the hint (RFC-0022: not part of the Display).
        let hint = e.hint().unwrap_or_default();
        assert!(
            hint.contains("`rustls` feature") && msg.contains("dbc-api"),
            "{msg} / {hint}"
        );
        assert!(
            !msg.contains("hunter2") && !hint.contains("hunter2"),
            "{msg}"
        );
    }

    #[test]
    fn user_info_in_the_url_is_refused_and_never_shown() {
        for url in [
            "http://user:hunter2@node.example:1",
            "https://user:hunter2@node.example",
        ] {
            let Err(e) = Client::builder().url(url).build() else {
                panic!("user info must be refused: {url}")
            };
            assert!(!format!("{e} {e:?}").contains("hunter2"), "{e}");
        }
    }
}
