//! Signing and verification cost of the dbc-sign API against bare schnorrkel, on the same
//! 55-byte nonce. Run with `cargo bench -p dbc-sign --bench sign`.

use criterion::{criterion_main, Criterion};
use dbc_sign::{nonce_from_uuid_bytes, verify, Keypair, Signer};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let kp = Keypair::from_suri("//Alice").unwrap_or_else(|e| panic!("dev key: {e}"));
    let nonce = nonce_from_uuid_bytes([0x5a; 16]);
    let msg = nonce.as_str().as_bytes().to_vec();
    let raw = schnorrkel::MiniSecretKey::from_bytes(&[7u8; 32])
        .unwrap_or_else(|e| panic!("seed: {e}"))
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519);

    let mut g = c.benchmark_group("sign");
    g.bench_function("sign nonce via dbc-sign", |b| {
        b.iter(|| kp.sign(black_box(&msg)))
    });
    g.bench_function("bare schnorrkel sign", |b| {
        b.iter(|| raw.sign(schnorrkel::signing_context(b"substrate").bytes(black_box(&msg))))
    });
    g.finish();

    let address = kp.address();
    let sig = kp.sign(&msg).unwrap_or_else(|e| panic!("sign: {e}"));
    let raw_sig = raw.sign(schnorrkel::signing_context(b"substrate").bytes(&msg));
    let mut g = c.benchmark_group("verify");
    g.bench_function("verify nonce via dbc-sign", |b| {
        b.iter(|| {
            verify(
                black_box(&address),
                black_box(&msg),
                black_box(sig.as_str()),
            )
        })
    });
    g.bench_function("bare schnorrkel verify", |b| {
        b.iter(|| {
            raw.public
                .verify_simple(b"substrate", black_box(&msg), black_box(&raw_sig))
        })
    });
    g.finish();
}

#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::bench);
}

criterion_main!(group::benches);
