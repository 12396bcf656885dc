//! Property tests: sign/verify round trips, tampering, and agreement with sp-core.

use dbc_sign::*;
use proptest::prelude::*;
use sp_core::crypto::Pair as _;
use sp_core::sr25519;

fn flip(hex_text: &str, bit: usize) -> String {
    let mut b = hex::decode(hex_text).unwrap();
    let i = (bit / 8) % b.len();
    b[i] ^= 1 << (bit % 8);
    hex::encode(b)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sign_verify_round_trip(seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..200)) {
        let kp = Keypair::from_seed(&seed).unwrap();
        let sig = Signer::sign(&kp, &msg).unwrap();
        prop_assert!(verify(&kp.address(), &msg, sig.as_str()));
        prop_assert!(verify(&kp.public_hex(), &msg, sig.as_str()));
        prop_assert_eq!(verify_detailed(&kp.address(), &msg, sig.as_str()), Ok(()));
    }

    #[test]
    fn tampering_fails(
        seed in any::<[u8; 32]>(),
        msg in proptest::collection::vec(any::<u8>(), 1..100),
        bit in any::<usize>(),
    ) {
        let kp = Keypair::from_seed(&seed).unwrap();
        let sig = Signer::sign(&kp, &msg).unwrap();
        let addr = kp.address();

        let mut m2 = msg.clone();
        let i = (bit / 8) % m2.len();
        m2[i] ^= 1 << (bit % 8);
        prop_assert!(!verify(&addr, &m2, sig.as_str()));

        let bad_sig = flip(sig.as_str(), bit % 512);
        prop_assert!(!verify(&addr, &msg, &bad_sig));
        prop_assert!(verify_detailed(&addr, &msg, &bad_sig).is_err());

        let bad_key = flip(&kp.public_hex(), bit % 256);
        prop_assert!(!verify(&bad_key, &msg, sig.as_str()));
    }

    #[test]
    fn our_signatures_verify_in_sp_core(seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..100)) {
        let ours = Keypair::from_seed(&seed).unwrap();
        let theirs = sr25519::Pair::from_seed(&seed);
        prop_assert_eq!(theirs.public().0, ours.public_key());
        let sig = Signer::sign(&ours, &msg).unwrap();
        let mut raw = [0u8; 64];
        hex::decode_to_slice(sig.as_str(), &mut raw).unwrap();
        let sp_sig = sr25519::Signature::from_raw(raw);
        prop_assert!(sr25519::Pair::verify(&sp_sig, &msg, &theirs.public()));
        // And a tampered one fails in both.
        raw[0] ^= 1;
        prop_assert!(!sr25519::Pair::verify(&sr25519::Signature::from_raw(raw), &msg, &theirs.public()));
        prop_assert!(!verify(&ours.address(), &msg, &hex::encode(raw)));
    }

    #[test]
    fn sp_core_signatures_verify_here(seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..100)) {
        let theirs = sr25519::Pair::from_seed(&seed);
        let sig = theirs.sign(&msg);
        let addr = encode_address(&theirs.public().0, 42);
        prop_assert!(verify(&addr, &msg, &hex::encode(sig.0)));
        let prefixed = format!("0x{}", hex::encode(sig.0));
        prop_assert!(verify(&addr, &msg, &prefixed));
        let mut other = msg.clone();
        other.push(0);
        prop_assert!(!verify(&addr, &other, &hex::encode(sig.0)));
        prop_assert_eq!(
            sr25519::Pair::verify(&sig, &other, &theirs.public()),
            verify(&addr, &other, &hex::encode(sig.0))
        );
    }

    #[test]
    fn suri_derivation_matches_sp_core(seed in any::<[u8; 32]>(), path in "(//?[a-z0-9]{1,8}){0,3}") {
        let suri = format!("0x{}{}", hex::encode(seed), path);
        let ours = Keypair::from_suri(&suri).unwrap();
        let theirs = sr25519::Pair::from_string(&suri, None).unwrap();
        prop_assert_eq!(ours.public_key(), theirs.public().0);
    }

    #[test]
    fn verify_never_panics(addr in ".{0,80}", sig in ".{0,140}", msg in proptest::collection::vec(any::<u8>(), 0..40)) {
        let _ = verify(&addr, &msg, &sig);
        let _ = verify_detailed(&addr, &msg, &sig);
        let _ = decode_address(&addr);
        let _ = Keypair::from_suri(&addr);
    }
}

#[test]
fn malformed_inputs_are_classified() {
    let kp = Keypair::from_suri("//Alice").unwrap();
    let sig = Signer::sign(&kp, b"m").unwrap();
    let a = kp.address();
    assert!(matches!(
        verify_detailed("nope", b"m", sig.as_str()),
        Err(VerifyError::MalformedAddress(_))
    ));
    assert!(matches!(
        verify_detailed(&a, b"m", "abcd"),
        Err(VerifyError::MalformedSignature(_))
    ));
    assert!(matches!(
        verify_detailed(&a, b"m", &"zz".repeat(64)),
        Err(VerifyError::MalformedSignature(_))
    ));
    // The schnorrkel marker bit (top bit of the last byte) must be set.
    let mut raw = hex::decode(sig.as_str()).unwrap();
    raw[63] &= 0x7f;
    assert!(matches!(
        verify_detailed(&a, b"m", &hex::encode(&raw)),
        Err(VerifyError::MalformedSignature(_))
    ));
    assert_eq!(
        verify_detailed(&a, b"other", sig.as_str()),
        Err(VerifyError::Invalid)
    );
    // A browser extension's wrapped signature is recognised.
    let wrapped = Signer::sign(&kp, b"<Bytes>m</Bytes>").unwrap();
    assert_eq!(
        verify_detailed(&a, b"m", wrapped.as_str()),
        Err(VerifyError::WrappedBytes)
    );
    assert!(!verify(&a, b"m", wrapped.as_str()));
    assert!(VerifyError::WrappedBytes.to_string().contains("raw"));
}
