//! TLS client configuration (feature `rustls`): trust roots, extra CA files, handshake
//! failure classification.
//!
//! Trust roots are the system store (`rustls-native-certs`: `SSL_CERT_FILE`/`SSL_CERT_DIR` or
//! the platform's bundle), or Mozilla's roots (`webpki-roots`) when the system store is empty
//! or unreadable. They are loaded once per process, and only when a transport to an `https://`
//! URL is built: a process that talks plain HTTP never reads or parses them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{CertificateError, ClientConfig, RootCertStore};

use crate::failure::TlsFailure;
use crate::TransportError;

static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
static ROOT_LOADS: AtomicUsize = AtomicUsize::new(0);

/// How many times this process loaded the default trust roots (0 or 1).
pub(crate) fn root_loads() -> usize {
    ROOT_LOADS.load(Ordering::SeqCst)
}

fn default_roots() -> &'static RootCertStore {
    ROOTS.get_or_init(|| {
        ROOT_LOADS.fetch_add(1, Ordering::SeqCst);
        let loaded = rustls_native_certs::load_native_certs();
        for e in &loaded.errors {
            tracing::debug!(error = %e, "could not read part of the system trust store");
        }
        let mut store = RootCertStore::empty();
        let (added, _ignored) = store.add_parsable_certificates(loaded.certs);
        if added > 0 {
            tracing::debug!(roots = added, "trusting the system certificate store");
        } else {
            tracing::debug!("the system certificate store is empty or unreadable: trusting Mozilla's roots (webpki-roots)");
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        store
    })
}

fn ca_error(path: &Path, reason: String) -> TransportError {
    TransportError::Config {
        setting: "ca_cert_file",
        reason: format!("{}: {reason}", path.display()),
    }
}

/// Reads the certificates of a PEM file (at most 4 MiB).
fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TransportError> {
    const MAX: u64 = 4 * 1024 * 1024;
    let meta = std::fs::metadata(path)
        .map_err(|e| ca_error(path, format!("cannot read the CA file: {e}")))?;
    if !meta.is_file() || meta.len() > MAX {
        return Err(ca_error(
            path,
            "is not a regular file of at most 4 MiB; give a PEM file of CA certificates".into(),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| ca_error(path, format!("cannot read the CA file: {e}")))?;
    let mut certs = Vec::new();
    for item in CertificateDer::pem_slice_iter(&bytes) {
        let cert = item.map_err(|e| {
            ca_error(
                path,
                format!("is not a valid PEM file ({e}); give CA certificates in PEM form (-----BEGIN CERTIFICATE-----)"),
            )
        })?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(ca_error(
            path,
            "holds no `-----BEGIN CERTIFICATE-----` block; give CA certificates in PEM form".into(),
        ));
    }
    Ok(certs)
}

/// The client configuration: default roots plus the certificates of `ca_files`, ring, TLS 1.2
/// and 1.3, ALPN `http/1.1`, SNI on.
pub(crate) fn client_config(ca_files: &[PathBuf]) -> Result<Arc<ClientConfig>, TransportError> {
    let mut roots = default_roots().clone();
    for path in ca_files {
        for cert in read_ca_file(path)? {
            roots.add(cert).map_err(|e| {
                ca_error(
                    path,
                    format!("holds a certificate that cannot be a trust anchor ({e})"),
                )
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::Config {
            setting: "tls",
            reason: format!("cannot configure TLS: {e}"),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Classifies a failed handshake (`tokio-rustls` wraps rustls errors in `io::Error`s).
pub(crate) fn classify(err: &std::io::Error) -> TlsFailure {
    let Some(tls) = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    else {
        return TlsFailure::Protocol;
    };
    match tls {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                TlsFailure::WrongHost
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsFailure::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TlsFailure::NotYetValid
            }
            _ => TlsFailure::BadCertificate,
        },
        _ => TlsFailure::Protocol,
    }
}
