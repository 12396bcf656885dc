//! Bad input at the Zabbix listener: malformed, truncated, oversized, slow and compressed-bomb
//! frames close the connection without growing memory; the frame decoder never panics; every
//! reply is readable by the DBC node (≤ 4096 bytes, length never a multiple of 256).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use dbc_monitor::{frame, reply, Bridge, FrameError, Limits};
use proptest::prelude::*;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIMIT: u64 = 1 << 20;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn decoder_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = frame::decode(&bytes, LIMIT);
        let mut with_magic = b"ZBXD".to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = frame::decode(&with_magic, LIMIT);
    }

    #[test]
    fn every_encoding_round_trips_and_every_cut_is_truncated(
        body in proptest::collection::vec(any::<u8>(), 1..2048),
        which in 0u8..3,
        cut_frac in 0.0f64..1.0,
    ) {
        let wire = match which {
            0 => frame::encode(&body),
            1 => frame::encode_compressed(&body),
            _ => frame::encode_large(&body),
        };
        let d = frame::decode(&wire, LIMIT).unwrap();
        prop_assert_eq!(&d.body, &body);
        prop_assert_eq!(d.consumed, wire.len());
        let cut = ((wire.len() as f64) * cut_frac) as usize;
        let r = frame::decode(&wire[..cut], LIMIT);
        prop_assert!(matches!(r, Err(FrameError::Truncated { .. })), "cut at {}: {:?}", cut, r);
    }

    #[test]
    fn any_header_is_checked_before_allocation(flags in any::<u8>(), len in any::<u64>(), reserved in any::<u64>()) {
        let mut wire = b"ZBXD".to_vec();
        wire.push(flags);
        wire.extend_from_slice(&len.to_le_bytes());
        wire.extend_from_slice(&reserved.to_le_bytes());
        if let Ok(h) = frame::parse_header(&wire, LIMIT) {
            let inflated = if h.compressed() { h.reserved } else { h.data_len };
            prop_assert!(inflated <= LIMIT && inflated > 0);
            prop_assert!(h.data_len <= LIMIT + LIMIT / 64 + 64);
        }
    }

    #[test]
    fn bodies_never_panic_and_replies_stay_node_readable(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..256),
            "[ -~]{0,200}".prop_map(String::into_bytes),
            (0usize..200, any::<bool>()).prop_map(|(n, good)| {
                let items: Vec<String> = (0..n).map(|i| if good {
                    format!(r#"{{"host":"t{i}","key":"dom.cpuUsage","value":{i}}}"#)
                } else {
                    format!(r#"{{"host":"t{i}","key":"x{i}","value":"y"}}"#)
                }).collect();
                format!(r#"{{"request":"sender data","data":[{}]}}"#, items.join(",")).into_bytes()
            }),
        ]
    ) {
        let b = Bridge::new(Default::default());
        let r = b.handle_body(&body);
        prop_assert!(!r.is_empty() && r.len() <= 4096 && !r.len().is_multiple_of(256), "{} bytes", r.len());
        prop_assert!(node_reads(&reply::frame(&r)).is_some());
    }

    #[test]
    fn processed_replies_are_never_a_multiple_of_256(
        ok in any::<u64>(), failed in any::<u64>(), nanos in any::<u64>(),
        info in "[ -~]{0,300}",
    ) {
        for r in [
            reply::processed(ok / 2, failed / 2, Duration::from_nanos(nanos)),
            reply::failed(&info),
            reply::active_checks(),
        ] {
            prop_assert!(!r.is_empty() && r.len() <= 4096 && r.len() % 256 != 0);
            let v = node_reads(&reply::frame(&r)).unwrap();
            prop_assert!(v["response"].is_string());
        }
    }
}

#[test]
fn padding_is_exercised_for_every_length_class() {
    // The processed reply's length moves with the counts; cover enough of them to hit
    // lengths ≡ 0 (mod 256) before padding (a reply of exactly 256 bytes must exist).
    let mut padded = 0;
    for ok in 0..100_000u64 {
        let r = reply::processed(ok, 0, Duration::from_micros(512));
        assert!(!r.len().is_multiple_of(256));
        if r.contains(" }") {
            padded += 1;
        }
    }
    for n in 0..600 {
        let r = reply::failed(&"i".repeat(n));
        assert!(!r.len().is_multiple_of(256) && r.len() <= 4096);
        if r.ends_with(" }") {
            padded += 1;
        }
    }
    assert!(
        padded > 0,
        "no reply needed padding: the test does not test it"
    );
}

async fn closed_within(mon: &dbc_monitor::Monitor, bytes: &[u8], within: Duration) -> Vec<u8> {
    let mut s = TcpStream::connect(mon.zabbix_addr()).await.unwrap();
    let _ = s.write_all(bytes).await;
    let _ = s.shutdown().await; // end of input: a short frame is truncated, not slow
    let mut out = Vec::new();
    tokio::time::timeout(within, s.read_to_end(&mut out))
        .await
        .expect("connection closed in time")
        .ok();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_close_the_connection_without_memory_growth() {
    let mon = start(Limits {
        max_frame_bytes: 16 << 20,
        read_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    // 64 MiB of spaces, compressed in 1-MiB steps so the test itself never holds them.
    let honest_bomb = {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..64 {
            z.write_all(&chunk).unwrap();
        }
        let data = z.finish().unwrap();
        let mut f = b"ZBXD\x03".to_vec();
        f.extend_from_slice(&(data.len() as u32).to_le_bytes());
        f.extend_from_slice(&(64u32 << 20).to_le_bytes()); // declares 64 MiB: over the limit
        f.extend_from_slice(&data);
        f
    };
    let mut lying_bomb = honest_bomb.clone(); // declares 1 MiB, inflates to 64 MiB
    lying_bomb[9..13].copy_from_slice(&(1u32 << 20).to_le_bytes());
    let mut oversized = b"ZBXD\x01".to_vec();
    oversized.extend_from_slice(&(1u64 << 40).to_le_bytes());
    let mut huge_promise = b"ZBXD\x01".to_vec(); // 16 MiB promised, 100 bytes sent, then EOF
    huge_promise.extend_from_slice(&((16u64 << 20) - 1).to_le_bytes());
    huge_promise.extend_from_slice(&[b'{'; 100]);
    let valid = frame::encode(SPEC_AGENT_DATA.as_bytes());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "http request",
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        (
            "no protocol flag",
            b"ZBXD\x00\x05\0\0\0\0\0\0\0hello".to_vec(),
        ),
        ("unknown flag", b"ZBXD\x11\x05\0\0\0\0\0\0\0hello".to_vec()),
        ("length 0", b"ZBXD\x01\0\0\0\0\0\0\0\0".to_vec()),
        ("oversized", oversized),
        ("truncated header", b"ZBXD\x01\x05\0".to_vec()),
        ("truncated body", valid[..valid.len() / 2].to_vec()),
        ("huge promise", huge_promise),
        ("honest bomb", honest_bomb),
        ("lying bomb", lying_bomb),
        ("bad zlib", b"ZBXD\x03\x05\0\0\0\x05\0\0\0hello".to_vec()),
    ];
    let peak_before = hwm_kib();
    // warm up (allocator pools, the runtime) before measuring RSS
    for (_, bytes) in &cases {
        closed_within(&mon, bytes, Duration::from_secs(5)).await;
    }
    let before = rss_kib();
    for round in 0..10 {
        for (what, bytes) in &cases {
            let reply = closed_within(&mon, bytes, Duration::from_secs(5)).await;
            assert!(
                reply.is_empty(),
                "round {round}, {what}: got a reply {reply:?}"
            );
        }
    }
    let after = rss_kib();
    assert!(
        after < before + 32 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    // and no bad frame ever made the process allocate its declared or inflated size
    let peak_after = hwm_kib();
    assert!(
        peak_after < peak_before + 32 * 1024,
        "peak RSS grew from {peak_before} KiB to {peak_after} KiB"
    );
    let (_, text) = get(&mon, "/metrics").await;
    for result in [
        "bad_magic",
        "bad_flags",
        "empty",
        "too_large",
        "truncated",
        "bad_compression",
    ] {
        let n = series_value(
            &text,
            &format!("dbc_monitor_frames_total{{result=\"{result}\"}}"),
        );
        assert!(n.unwrap_or(0.0) >= 11.0, "{result}: {n:?}");
    }
    // still serving
    assert!(send(&mon, SPEC_ACTIVE_CHECKS).await.contains("success"));
    mon.shutdown().await;
}

#[tokio::test]
async fn slow_loris_is_cut_at_the_read_deadline() {
    let mon = start(Limits {
        read_timeout: Duration::from_millis(400),
        ..Limits::default()
    })
    .await;
    let wire = frame::encode(SPEC_AGENT_DATA.as_bytes());
    let mut s = TcpStream::connect(mon.zabbix_addr()).await.unwrap();
    let started = Instant::now();
    let mut closed = false;
    for b in wire.iter() {
        if s.write_all(&[*b]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        if started.elapsed() > Duration::from_secs(3) {
            break;
        }
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    assert!(closed || out.is_empty(), "a slow sender got a reply");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "not cut in time"
    );
    let (_, text) = get(&mon, "/metrics").await;
    assert_eq!(
        series_value(&text, r#"dbc_monitor_frames_total{result="timeout"}"#),
        Some(1.0)
    );
    mon.shutdown().await;
}

#[tokio::test]
async fn connections_over_the_limit_are_closed_at_once() {
    let mon = start(Limits {
        max_connections: 4,
        read_timeout: Duration::from_secs(5),
        ..Limits::default()
    })
    .await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        let s = TcpStream::connect(mon.zabbix_addr()).await.unwrap();
        idle.push(s);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let out = closed_within(
        &mon,
        &frame::encode(SPEC_ACTIVE_CHECKS.as_bytes()),
        Duration::from_secs(2),
    )
    .await;
    assert!(out.is_empty());
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(idle);
    tokio::time::sleep(Duration::from_millis(200)).await;
    // idle connections are cut at the deadline; meanwhile the slots were freed by the drop
    assert!(send(&mon, SPEC_ACTIVE_CHECKS).await.contains("success"));
    let (_, text) = get(&mon, "/metrics").await;
    assert_eq!(
        series_value(&text, r#"dbc_monitor_connections_total{result="refused"}"#),
        Some(1.0)
    );
    mon.shutdown().await;
}

#[tokio::test]
async fn the_series_limit_bounds_the_store() {
    let mon = start(Limits {
        max_series: 100,
        ..Limits::default()
    })
    .await;
    for i in 0..10 {
        let body = SPEC_AGENT_DATA.replace(TASK, &format!("task{i:02}"));
        send(&mon, &body).await;
    }
    let (_, text) = get(&mon, "/metrics").await;
    assert_eq!(series_value(&text, "dbc_monitor_series"), Some(100.0));
    assert_eq!(
        series_value(&text, "dbc_monitor_series_refused_total"),
        Some(10.0 * 36.0 - 100.0)
    );
    mon.shutdown().await;
}
