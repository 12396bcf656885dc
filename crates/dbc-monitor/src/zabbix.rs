//! The Zabbix TCP server: one request per connection, reply, close (as a Zabbix server does
//! for a DBC node). Bounded: at most `max_connections` at once (more are closed at once), one
//! overall read deadline per connection (slow senders are cut off), frames checked against the
//! size limit before anything is allocated, payload buffers grown only as bytes arrive.

use crate::bridge::Bridge;
use crate::frame::{self, FrameError, LARGE_HEADER_LEN};
use crate::Limits;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

async fn fill<R: AsyncRead + Unpin>(r: &mut R, buf: &mut [u8]) -> Result<(), FrameError> {
    let want = buf.len();
    r.read_exact(buf)
        .await
        .map(|_| ())
        .map_err(|_| FrameError::Truncated {
            needed: want as u64,
        })
}

/// Reads one frame and returns its (inflated) body.
///
/// # Errors
/// Any [`FrameError`]; an early end of the stream is [`FrameError::Truncated`].
pub async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
    limit: u64,
) -> Result<Vec<u8>, FrameError> {
    let mut head = [0u8; LARGE_HEADER_LEN];
    // The standard header in one read; a large-packet header has 8 more bytes.
    let (std_head, rest) = head.split_at_mut(frame::HEADER_LEN);
    fill(r, std_head).await?;
    let hlen = frame::header_len(std_head)?;
    if hlen > frame::HEADER_LEN {
        fill(r, rest).await?;
    }
    let h = frame::parse_header(head.get(..hlen).unwrap_or_default(), limit)?;
    // Grown as bytes arrive beyond the first 64 KiB: a sender that only promises a large
    // frame costs little.
    let first = usize::try_from(h.data_len.min(64 * 1024)).unwrap_or(64 * 1024);
    let mut payload = Vec::with_capacity(first);
    let got = r
        .take(h.data_len)
        .read_to_end(&mut payload)
        .await
        .map_err(|_| FrameError::Truncated { needed: h.data_len })?;
    if (got as u64) < h.data_len {
        return Err(FrameError::Truncated {
            needed: h.data_len - got as u64,
        });
    }
    frame::payload_to_body(&h, payload, limit)
}

async fn handle(mut stream: TcpStream, bridge: Arc<Bridge>, limits: Limits) {
    let read = tokio::time::timeout(
        limits.read_timeout,
        read_frame(&mut stream, limits.max_frame_bytes),
    )
    .await;
    let body = match read {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => {
            tracing::debug!(error = %e, "frame refused, closing");
            bridge.frame_rejected(&e);
            return;
        }
        Err(_) => {
            tracing::debug!("read deadline passed, closing");
            bridge.frame_timed_out();
            return;
        }
    };
    let reply = bridge.handle_body(&body);
    drop(body);
    let wire = crate::reply::frame(&reply);
    // At most 4109 bytes into a fresh connection's send buffer (≥ 16 KiB): this never waits
    // for the peer, so it needs no deadline of its own.
    if stream.write_all(&wire).await.is_ok() {
        let _ = stream.shutdown().await;
    }
}

pub(crate) async fn serve(
    listener: TcpListener,
    bridge: Arc<Bridge>,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            acc = listener.accept() => {
                let stream = match acc {
                    Ok((s, _)) => s,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    }
                };
                match slots.clone().try_acquire_owned() {
                    Ok(permit) => {
                        bridge.count_connection(true);
                        let b = bridge.clone();
                        conns.spawn(async move {
                            handle(stream, b, limits).await;
                            drop(permit);
                        });
                    }
                    Err(_) => {
                        bridge.count_connection(false);
                        drop(stream);
                    }
                }
                while conns.try_join_next().is_some() {}
            }
        }
    }
    conns.abort_all();
}
