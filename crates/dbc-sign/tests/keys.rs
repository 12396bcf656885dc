//! Key derivation: SURIs, phrases, seeds, generation, addresses.

use dbc_sign::*;

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const ALICE_PUB: &str = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
const PHRASE: &str = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

#[test]
fn dev_accounts_and_explicit_dev_phrase_agree() {
    let a = Keypair::from_suri("//Alice").unwrap();
    let b = Keypair::from_suri(&format!("{PHRASE}//Alice")).unwrap();
    assert_eq!(a.address(), ALICE);
    assert_eq!(b.address(), ALICE);
    assert_eq!(a.public_hex(), ALICE_PUB);
}

#[test]
fn seed_hex_round_trips_through_from_suri() {
    let kp = Keypair::from_suri("//Alice").unwrap();
    let seed = kp.seed_hex().expect("hard derivation keeps the seed");
    let s = seed.expose_secret();
    assert!(s.starts_with("0x") && s.len() == 66);
    assert!(s[2..]
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    let again = Keypair::from_suri(s).unwrap();
    assert_eq!(again.address(), ALICE);
    assert_eq!(again.seed_hex().unwrap().expose_secret(), s);
    // Upper-case hex seeds are accepted too.
    let upper = format!("0x{}", s[2..].to_ascii_uppercase());
    assert_eq!(Keypair::from_suri(&upper).unwrap().address(), ALICE);
}

#[test]
fn hex_seed_matches_from_seed() {
    let seed = [0x42u8; 32];
    let a = Keypair::from_suri(&format!("0x{}", hex::encode(seed))).unwrap();
    let b = Keypair::from_seed(&seed).unwrap();
    assert_eq!(a.address(), b.address());
    // Derivation from a hex seed works as well.
    let c = Keypair::from_suri(&format!("0x{}//dbc", hex::encode(seed))).unwrap();
    assert_ne!(c.address(), a.address());
}

#[test]
fn soft_derivation_forgets_the_seed_hard_keeps_it() {
    let hard = Keypair::from_suri(&format!("{PHRASE}//dbc/1")).unwrap();
    assert_eq!(
        hard.address(),
        "5Ecr6eZsBLMK9UhUAc4a1iJsHk3AqU21BRD7LbASuukXvdGL"
    );
    assert!(
        hard.seed_hex().is_none(),
        "a soft junction leaves no mini-secret seed"
    );
    let hard_only = Keypair::from_suri(&format!("{PHRASE}//dbc//1")).unwrap();
    assert!(hard_only.seed_hex().is_some());
    assert!(Keypair::from_suri(PHRASE).unwrap().seed_hex().is_some());
}

#[test]
fn password_in_suri_equals_password_argument() {
    let a = Keypair::from_suri(&format!("{PHRASE}///s3cret")).unwrap();
    let b = Keypair::from_suri_with_password(PHRASE, "s3cret").unwrap();
    let plain = Keypair::from_suri(PHRASE).unwrap();
    assert_eq!(a.address(), b.address());
    assert_ne!(a.address(), plain.address());
    // The argument overrides the URI's password.
    let c = Keypair::from_suri_with_password(&format!("{PHRASE}///other"), "s3cret").unwrap();
    assert_eq!(c.address(), a.address());
    let d = Keypair::from_suri(&format!("{PHRASE}//hard///s3cret")).unwrap();
    let e = Keypair::from_suri_with_password(&format!("{PHRASE}//hard"), "s3cret").unwrap();
    assert_eq!(d.address(), e.address());
}

#[test]
fn bad_suris_are_typed_errors() {
    for bad in [
        "",
        "   ",
        "0x1234",
        "0xzz35f0b2ff8eb57dd1fc0e03ad0e9c3a2bc1bb0a8daf5c04b0be0b9f0e0b9f0e",
        "bottom drive obey lake curtain smoke basket hold race lonely fit fit",
        "not a phrase at all",
        "bottom drive obey",
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
    ] {
        let err = Keypair::from_suri(bad).unwrap_err();
        assert!(matches!(err, KeyError::InvalidSuri(_)), "{bad:?}: {err:?}");
    }
}

#[test]
fn generate_all_word_counts() {
    for words in [12usize, 15, 18, 21, 24] {
        let (kp, phrase) = Keypair::generate_with_words(words).unwrap();
        assert_eq!(phrase.word_count(), words);
        assert_eq!(phrase.expose_secret().split(' ').count(), words);
        let again = Keypair::from_suri(phrase.expose_secret()).unwrap();
        assert_eq!(again.address(), kp.address());
        assert_eq!(again.seed_hex().unwrap(), kp.seed_hex().unwrap());
        assert!(kp.address().starts_with('5'));
    }
    let (a, pa) = Keypair::generate();
    let (b, pb) = Keypair::generate();
    assert_eq!(pa.word_count(), 12);
    assert_ne!(a.address(), b.address());
    assert_ne!(pa.expose_secret(), pb.expose_secret());
}

#[test]
fn invalid_word_counts() {
    for words in [0usize, 1, 11, 13, 16, 25, 48, usize::MAX] {
        assert_eq!(
            Keypair::generate_with_words(words).unwrap_err(),
            KeyError::InvalidWordCount { words }
        );
    }
}

#[test]
fn addresses_with_other_prefixes() {
    let kp = Keypair::from_suri("//Alice").unwrap();
    // Polkadot (0) and Kusama (2) encodings of the same key.
    assert_eq!(
        kp.address_with_prefix(0),
        "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
    );
    assert_eq!(
        kp.address_with_prefix(2),
        "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
    );
    assert_eq!(kp.address_with_prefix(42), ALICE);
    for prefix in [0u16, 2, 42, 63, 64, 1000, 16383] {
        let a = kp.address_with_prefix(prefix);
        assert_eq!(
            decode_address(&a).unwrap(),
            kp.public_key(),
            "prefix {prefix}"
        );
        assert_eq!(decode_address_with_prefix(&a).unwrap().1, Some(prefix));
    }
}

#[test]
fn decode_address_rejects_garbage() {
    let mut typo = ALICE.to_string();
    typo.replace_range(10..11, "Y");
    for bad in [
        "",
        "5",
        "0x",
        &typo,
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQ",
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQYY",
        "0OIl",
        "zz3593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
        &"1".repeat(500),
    ] {
        assert!(
            matches!(decode_address(bad), Err(KeyError::InvalidAddress(_))),
            "{bad:?}"
        );
    }
    assert_eq!(hex::encode(decode_address(ALICE_PUB).unwrap()), ALICE_PUB);
    assert_eq!(
        hex::encode(decode_address(&format!("0x{}", ALICE_PUB.to_uppercase())).unwrap()),
        ALICE_PUB
    );
}

#[test]
fn signer_trait_is_object_safe_and_matches_keypair() {
    let kp = Keypair::from_suri("//Bob").unwrap();
    let s: &dyn Signer = &kp;
    assert_eq!(s.address(), kp.address());
    assert_eq!(hex::encode(s.public_key()), kp.public_hex());
    let sig = s.sign(b"hello").unwrap();
    assert_eq!(sig.as_str().len(), 128);
    assert!(verify(&kp.address(), b"hello", sig.as_str()));
    let boxed: Box<dyn Signer> = Box::new(kp.clone());
    assert!(verify(
        &boxed.address(),
        b"x",
        boxed.sign(b"x").unwrap().as_str()
    ));
    // Signatures are randomized.
    assert_ne!(s.sign(b"hello").unwrap(), sig);
}
