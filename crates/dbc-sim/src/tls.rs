//! Serving HTTPS: a certificate chain and key (PEM) for the listener, and the accepted
//! connections (plain or TLS) the HTTP server runs on. Counts connections and handshakes so
//! tests can see connection reuse.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

use crate::SimError;

/// How long a client may take to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest certificate or key file accepted.
const MAX_PEM: u64 = 1024 * 1024;

/// The certificate chain and private key the simulator serves HTTPS with. `Debug` never
/// shows the key.
#[derive(Clone)]
pub enum TlsIdentity {
    /// PEM files: the certificate chain (leaf first) and the private key.
    Files {
        /// Certificate chain file.
        cert: PathBuf,
        /// Private key file (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
    /// PEM text held in memory.
    Pem {
        /// Certificate chain.
        cert: String,
        /// Private key.
        key: String,
    },
}

impl fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsIdentity::Files { cert, key } => f
                .debug_struct("Files")
                .field("cert", cert)
                .field("key", key)
                .finish(),
            TlsIdentity::Pem { .. } => f.write_str("Pem { .. }"),
        }
    }
}

fn read_pem(path: &Path, what: &str) -> Result<Vec<u8>, SimError> {
    let bad = |why: String| SimError::Config(format!("TLS {what} {}: {why}", path.display()));
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    if !meta.is_file() || meta.len() > MAX_PEM {
        return Err(bad("is not a PEM file of at most 1 MiB".into()));
    }
    std::fs::read(path).map_err(|e| bad(format!("cannot read it: {e}")))
}

impl TlsIdentity {
    /// Builds the acceptor (ring, TLS 1.2 and 1.3, ALPN `http/1.1`).
    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, SimError> {
        let (cert_pem, key_pem, cert_name, key_name) = match self {
            TlsIdentity::Files { cert, key } => (
                read_pem(cert, "certificate")?,
                read_pem(key, "key")?,
                cert.display().to_string(),
                key.display().to_string(),
            ),
            TlsIdentity::Pem { cert, key } => (
                cert.as_bytes().to_vec(),
                key.as_bytes().to_vec(),
                "(PEM text)".to_owned(),
                "(PEM text)".to_owned(),
            ),
        };
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| {
                SimError::Config(format!(
                    "TLS certificate {cert_name} is not valid PEM ({e}): give the chain as -----BEGIN CERTIFICATE----- blocks, leaf first"
                ))
            })?;
        if chain.is_empty() {
            return Err(SimError::Config(format!(
                "TLS certificate {cert_name} holds no -----BEGIN CERTIFICATE----- block"
            )));
        }
        // The key's parse error is not shown: it could quote key material.
        let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| {
            SimError::Config(format!(
                "TLS key {key_name} holds no usable private key: give a PEM PKCS#8, PKCS#1 or SEC1 key"
            ))
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SimError::Config(format!("cannot configure TLS: {e}")))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| {
                SimError::Config(format!(
                    "TLS certificate {cert_name} and key {key_name} do not form a usable identity: {e}"
                ))
            })?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// Connection counters.
#[derive(Debug, Default)]
pub(crate) struct ConnStats {
    pub accepted: AtomicU64,
    pub handshakes: AtomicU64,
}

/// An accepted connection, after the TLS handshake when serving HTTPS.
pub(crate) enum SimIo {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

/// Counts the connection and, with TLS, runs the handshake (bounded); `None` when it fails.
pub(crate) async fn accept(
    tls: Option<&TlsAcceptor>,
    stream: TcpStream,
    stats: &ConnStats,
) -> Option<SimIo> {
    stats.accepted.fetch_add(1, Ordering::Relaxed);
    let Some(acceptor) = tls else {
        return Some(SimIo::Plain(stream));
    };
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(s)) => {
            stats.handshakes.fetch_add(1, Ordering::Relaxed);
            Some(SimIo::Tls(Box::new(s)))
        }
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!("TLS handshake timed out");
            None
        }
    }
}

impl AsyncRead for SimIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            SimIo::Plain(s) => Pin::new(s).poll_read(cx, buf),
            SimIo::Tls(s) => Pin::new(&mut **s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for SimIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            SimIo::Plain(s) => Pin::new(s).poll_write(cx, buf),
            SimIo::Tls(s) => Pin::new(&mut **s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            SimIo::Plain(s) => Pin::new(s).poll_flush(cx),
            SimIo::Tls(s) => Pin::new(&mut **s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            SimIo::Plain(s) => Pin::new(s).poll_shutdown(cx),
            SimIo::Tls(s) => Pin::new(&mut **s).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            SimIo::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            SimIo::Tls(s) => Pin::new(&mut **s).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            SimIo::Plain(s) => s.is_write_vectored(),
            SimIo::Tls(s) => s.is_write_vectored(),
        }
    }
}
