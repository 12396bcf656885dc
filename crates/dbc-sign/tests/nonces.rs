//! Nonce generation and decoding.

use dbc_sign::*;
use dbc_types::Nonce;
use proptest::prelude::*;
use std::collections::HashSet;

fn check_v4(n: &Nonce) -> uuid::Uuid {
    let u = decode_nonce(n.as_str()).unwrap();
    assert_eq!(u.get_version_num(), 4, "{n}");
    assert_eq!(u.get_variant(), uuid::Variant::RFC4122, "{n}");
    u
}

#[test]
fn generated_nonces_are_base58check_uuid_v4() {
    for _ in 0..1000 {
        let n = Nonce::generate();
        assert!((50..=56).contains(&n.as_str().len()), "{n}");
        assert!(n
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() && !b"0OIl".contains(&b)));
        check_v4(&n);
    }
}

#[test]
fn a_million_generated_nonces_are_distinct() {
    const N: usize = 1_000_000;
    let mut seen = HashSet::with_capacity(N);
    for _ in 0..N {
        let n = Nonce::generate();
        let u = decode_nonce(n.as_str()).unwrap();
        assert!(seen.insert(u.as_u128()), "duplicate nonce {n}");
    }
    assert_eq!(seen.len(), N);
}

#[test]
fn from_bytes_sets_version_and_variant() {
    for b in [[0u8; 16], [0xff; 16], [0x5a; 16]] {
        let n = nonce_from_uuid_bytes(b);
        let u = check_v4(&n);
        // Only the version and variant bits differ from the input.
        let mask: u128 = !((0xf << 76) | (0x3 << 62));
        assert_eq!(u.as_u128() & mask, u128::from_be_bytes(b) & mask);
        assert_eq!(nonce_from_uuid_bytes(b), n, "deterministic");
    }
}

#[test]
fn decode_rejects_non_nonces() {
    let good = "5q7KRn4d8EmXFFsim8vHBp23N2CpERbD2mWR3WCo1o3teZnGxYEh4N6";
    let mut typo = good.to_string();
    typo.replace_range(5..6, "e");
    let upper_payload = bs58::encode("A2ABB402-29AE-4957-BF37-5961D529C1B8")
        .with_check()
        .into_string();
    let not_uuid = bs58::encode("not-a-uuid-but-thirty-six-characters")
        .with_check()
        .into_string();
    let simple = bs58::encode("a2abb40229ae4957bf375961d529c1b8")
        .with_check()
        .into_string();
    let no_check = bs58::encode("a2abb402-29ae-4957-bf37-5961d529c1b8").into_string();
    for bad in [
        "",
        "0",
        "not base58!",
        &typo,
        &upper_payload,
        &not_uuid,
        &simple,
        &no_check,
        &"1".repeat(300),
    ] {
        assert!(
            matches!(decode_nonce(bad), Err(KeyError::InvalidNonce(_))),
            "{bad:?}"
        );
    }
    assert!(decode_nonce(good).is_ok());
}

proptest! {
    #[test]
    fn bytes_round_trip(b in any::<[u8; 16]>()) {
        let n = nonce_from_uuid_bytes(b);
        let u = decode_nonce(n.as_str()).unwrap();
        prop_assert_eq!(nonce_from_uuid_bytes(*u.as_bytes()), n);
    }

    #[test]
    fn decode_never_panics(s in ".{0,80}") {
        let _ = decode_nonce(&s);
    }
}
