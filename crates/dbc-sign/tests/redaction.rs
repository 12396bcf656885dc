//! Secrets never show up in Debug, Display or error text.

mod common;

use dbc_sign::*;

const PHRASE: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";
const PASSWORD: &str = "correct horse battery staple";

/// Every piece of secret text that must never be printed.
fn assert_clean(text: &str, secrets: &[&str]) {
    let lower = text.to_lowercase();
    for s in secrets {
        assert!(!lower.contains(&s.to_lowercase()), "{text:?} leaks {s:?}");
        for word in s
            .split(|c: char| c.is_whitespace() || c == '/')
            .filter(|w| w.len() >= 4)
        {
            assert!(
                !lower.contains(&word.to_lowercase()),
                "{text:?} leaks word {word:?}"
            );
        }
    }
}

/// A keystore with cheap scrypt parameters (the published one costs seconds in debug builds).
fn keystore_json() -> String {
    common::modern(PASSWORD, 1 << 10, 1, 8).0
}

#[test]
fn keys_phrases_and_seeds_are_redacted() {
    let suri = format!("{PHRASE}//hard///pa55word");
    let kp = Keypair::from_suri(&suri).unwrap();
    let seed = kp.seed_hex().unwrap();
    let seed_text = seed.expose_secret().to_string();
    let dbg = format!("{kp:?}");
    assert_eq!(dbg, format!("Keypair {{ address: {:?} }}", kp.address()));
    let alt = format!("{kp:#?}");
    for text in [&dbg, &alt, &format!("{seed:?}")] {
        assert_clean(text, &[PHRASE, "pa55word", &seed_text, &seed_text[2..]]);
    }

    // A random phrase: its words are random too, and one may happen to occur in the public
    // text ("address" is a BIP39 word; a 4-letter word can occur in a base58 address). So the
    // output is checked exactly (only the public address can appear), and for the whole
    // phrase and seed rather than word by word.
    let (gen, phrase) = Keypair::generate_with_words(24).unwrap();
    let gseed = gen.seed_hex().unwrap().expose_secret().to_string();
    assert_eq!(
        format!("{gen:?}"),
        format!("Keypair {{ address: {:?} }}", gen.address())
    );
    assert_eq!(format!("{phrase:?}"), "Phrase(** redacted **)");
    assert_eq!(format!("{phrase:#?}"), "Phrase(** redacted **)");
    for text in [
        format!("{gen:?}"),
        format!("{gen:#?}"),
        format!("{phrase:?}"),
    ] {
        let lower = text.to_lowercase();
        assert!(
            !lower.contains(&phrase.expose_secret().to_lowercase()),
            "{text}"
        );
        assert!(!lower.contains(&gseed[2..].to_lowercase()), "{text}");
    }
}

#[test]
fn suri_errors_do_not_echo_input() {
    let bad_phrase = "legal winner thank year wave sausage worth useful legal winner thank thank";
    let bad_seed = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdXX";
    let short_seed = "0xdeadbeefcafe";
    for suri in [
        bad_phrase.to_string(),
        format!("{PHRASE} extra"),
        bad_seed.to_string(),
        short_seed.to_string(),
        format!("{PHRASE}//hard//\u{0}///pa55word"),
        "  ".to_string(),
    ] {
        let Err(err) = Keypair::from_suri(&suri) else {
            continue;
        };
        assert_clean(
            &format!("{err}"),
            &[&suri, "pa55word", "1234567890abcdef", "deadbeef"],
        );
        assert_clean(
            &format!("{err:?}"),
            &[&suri, "pa55word", "1234567890abcdef", "deadbeef"],
        );
        let sign_err = SignError::from(err);
        assert_clean(&format!("{sign_err} {sign_err:?}"), &[&suri, "pa55word"]);
    }
    let err = Keypair::from_suri_with_password("zebra quokka", "hunter22").unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &["zebra quokka", "hunter22"]);
}

#[test]
fn keystore_errors_and_keys_do_not_echo_the_password() {
    let json = keystore_json();
    let err = Keypair::from_keystore_json(&json, "wrong-password-xyz").unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &["wrong-password-xyz"]);
    let kp = Keypair::from_keystore_json(&json, PASSWORD).unwrap();
    assert_clean(&format!("{kp:?}"), &[PASSWORD]);
    let err =
        Keypair::from_keystore_json("{\"encoded\": \"s3cr3tpass\"}", "s3cr3tpass").unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &["s3cr3tpass"]);
}

#[test]
fn session_credentials_hide_the_signature() {
    let kp = Keypair::from_suri(PHRASE).unwrap();
    let sid: dbc_types::SessionId = "3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh"
        .parse()
        .unwrap();
    let cred = session_credential(&kp, &sid).unwrap();
    let dbc_types::Credential::Session {
        session_id_sign, ..
    } = &cred
    else {
        panic!("session expected")
    };
    let text = format!("{cred:?}");
    assert!(!text.contains(session_id_sign.expose_secret()));
    assert!(text.contains("redacted"));
}
