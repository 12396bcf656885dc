//! Wallet, session and multisig credentials.

use dbc_sign::*;
use dbc_types::{Credential, Nonce, SessionId, SignatureHex};

fn dev(name: &str) -> Keypair {
    Keypair::from_suri(&format!("//{name}")).unwrap()
}

fn members() -> (Keypair, Keypair, Keypair, Vec<String>) {
    let (a, b, c) = (dev("Alice"), dev("Bob"), dev("Charlie"));
    let wallets = vec![a.address(), b.address(), c.address()];
    (a, b, c, wallets)
}

fn multisig_err(r: Result<Credential, SignError>) -> String {
    match r {
        Err(SignError::Multisig(v)) => v.message.to_string(),
        other => panic!("expected a multisig error, got {other:?}"),
    }
}

#[test]
fn wallet_credential_signs_a_fresh_nonce() {
    let alice = dev("Alice");
    let c1 = wallet_credential(&alice).unwrap();
    let c2 = wallet_credential(&alice).unwrap();
    let (Credential::Wallet(w1), Credential::Wallet(w2)) = (&c1, &c2) else {
        panic!("wallet credentials expected")
    };
    assert_ne!(w1.nonce, w2.nonce);
    assert_eq!(w1.wallet.as_str(), alice.address());
    for w in [w1, w2] {
        assert!(verify(
            w.wallet.as_str(),
            w.nonce.as_str().as_bytes(),
            w.sign.as_str()
        ));
        decode_nonce(w.nonce.as_str()).unwrap();
    }
}

#[test]
fn wallet_credential_with_given_nonce() {
    let bob = dev("Bob");
    let nonce: Nonce = "5q7KRn4d8EmXFFsim8vHBp23N2CpERbD2mWR3WCo1o3teZnGxYEh4N6"
        .parse()
        .unwrap();
    let Credential::Wallet(w) = wallet_credential_with_nonce(&bob, nonce.clone()).unwrap() else {
        panic!("wallet credential expected")
    };
    assert_eq!(w.nonce, nonce);
    assert!(verify(
        &bob.address(),
        nonce.as_str().as_bytes(),
        w.sign.as_str()
    ));
}

#[test]
fn session_credential_signs_the_session_id() {
    let alice = dev("Alice");
    let sid: SessionId = "3QRjS1PsbDReGJKVBBRqxUh9RqXB5jbfHJ8bMgGoJ3C9HHHHm9rCmmh"
        .parse()
        .unwrap();
    let Credential::Session {
        session_id,
        session_id_sign,
    } = session_credential(&alice, &sid).unwrap()
    else {
        panic!("session credential expected")
    };
    assert_eq!(session_id, sid);
    assert!(verify(
        &alice.address(),
        sid.as_str().as_bytes(),
        session_id_sign.expose_secret()
    ));
}

#[test]
fn multisig_builder_happy_paths() {
    let (a, b, c, wallets) = members();
    let cred = MultisigBuilder::new(wallets.clone(), 2)
        .signer(&a)
        .signer(&c)
        .build()
        .unwrap();
    let Credential::Multisig(bundle) = cred else {
        panic!("multisig expected")
    };
    assert_eq!(bundle.threshold, 2);
    assert_eq!(
        bundle
            .wallets
            .iter()
            .map(|w| w.as_str())
            .collect::<Vec<_>>(),
        wallets
    );
    assert_eq!(bundle.signs.len(), 2);
    assert_ne!(
        bundle.signs[0].nonce, bundle.signs[1].nonce,
        "each member signs its own nonce"
    );
    for s in &bundle.signs {
        assert!(verify(
            s.wallet.as_str(),
            s.nonce.as_str().as_bytes(),
            s.sign.as_str()
        ));
    }
    // More signatures than the threshold are fine.
    let all = MultisigBuilder::new(wallets.clone(), 2)
        .signer(&a)
        .signer(&b)
        .signer(&c)
        .build();
    assert!(all.is_ok());
    // Members listed as hex keys are matched by key and keep the listed spelling.
    let hex_wallets = vec![a.public_hex(), b.public_hex(), c.public_hex()];
    let Credential::Multisig(bundle) = MultisigBuilder::new(hex_wallets.clone(), 1)
        .signer(&b)
        .build()
        .unwrap()
    else {
        panic!("multisig expected")
    };
    assert_eq!(bundle.signs[0].wallet.as_str(), hex_wallets[1]);
}

#[test]
fn multisig_builder_applies_the_node_checks_in_order() {
    let (a, b, c, wallets) = members();
    let eve = dev("Eve");
    assert!(multisig_err(MultisigBuilder::new(vec![], 1).signer(&a).build()).contains("emtpty"));
    assert_eq!(
        multisig_err(MultisigBuilder::new(wallets.clone(), 0).signer(&a).build()),
        "threshold is invalid: it must be greater than 0"
    );
    assert_eq!(
        multisig_err(
            MultisigBuilder::new(wallets.clone(), 4)
                .signer(&a)
                .signer(&b)
                .signer(&c)
                .build()
        ),
        "threshold is invalid: it must not exceed the number of wallets"
    );
    assert_eq!(
        multisig_err(MultisigBuilder::new(wallets.clone(), 2).signer(&a).build()),
        "threshold is invalid: fewer signatures than the threshold"
    );
    let msg = multisig_err(
        MultisigBuilder::new(wallets.clone(), 2)
            .signer(&a)
            .signer(&eve)
            .build(),
    );
    assert_eq!(
        msg,
        format!(
            "multisig sign_wallet {} not found in wallets",
            eve.address()
        )
    );
    let msg = multisig_err(
        MultisigBuilder::new(wallets.clone(), 2)
            .signer(&a)
            .signer(&a)
            .build(),
    );
    assert!(msg.contains("signed twice"), "{msg}");
    assert!(msg.contains(&a.address()));
}

#[test]
fn multisig_builder_rejects_bad_wallets() {
    let (a, _, _, mut wallets) = members();
    wallets.push("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ".into()); // checksum typo
    let err = MultisigBuilder::new(wallets, 1)
        .signer(&a)
        .build()
        .unwrap_err();
    assert!(
        matches!(err, SignError::Key(KeyError::InvalidAddress(_))),
        "{err:?}"
    );
}

/// A signer that signs what a browser extension signs.
struct Wrapping(Keypair);

impl Signer for Wrapping {
    fn address(&self) -> String {
        self.0.address()
    }
    fn public_key(&self) -> [u8; 32] {
        self.0.public_key()
    }
    fn sign(&self, message: &[u8]) -> Result<SignatureHex, SignError> {
        let wrapped = [b"<Bytes>".as_slice(), message, b"</Bytes>"].concat();
        Signer::sign(&self.0, &wrapped)
    }
}

/// A signer whose device fails.
struct Broken;

impl Signer for Broken {
    fn address(&self) -> String {
        "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY".into()
    }
    fn public_key(&self) -> [u8; 32] {
        decode_address(&self.address()).unwrap()
    }
    fn sign(&self, _: &[u8]) -> Result<SignatureHex, SignError> {
        Err(SignError::Signer("device unplugged".into()))
    }
}

#[test]
fn multisig_builder_checks_member_signatures() {
    let (a, b, _, wallets) = members();
    let err = MultisigBuilder::new(wallets.clone(), 2)
        .signer(&a)
        .signer(&Wrapping(b.clone()))
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        SignError::BadSignature {
            wallet: b.address(),
            source: VerifyError::WrappedBytes
        }
    );
    let err = MultisigBuilder::new(wallets, 2)
        .signer(&Broken)
        .signer(&b)
        .build()
        .unwrap_err();
    assert_eq!(err, SignError::Signer("device unplugged".into()));
}

#[test]
fn multisig_address_errors() {
    let (a, b, c, _) = members();
    let (a, b, c) = (a.address(), b.address(), c.address());
    assert!(matches!(
        multisig_address(&[], 1),
        Err(KeyError::Multisig(_))
    ));
    assert!(matches!(
        multisig_address(&[&a, &b], 0),
        Err(KeyError::Multisig(_))
    ));
    assert!(matches!(
        multisig_address(&[&a, &b], 3),
        Err(KeyError::Multisig(_))
    ));
    assert!(matches!(
        multisig_address(&[&a, &a], 1),
        Err(KeyError::Multisig(_))
    ));
    assert!(matches!(
        multisig_address(&[&a, "nope"], 1),
        Err(KeyError::InvalidAddress(_))
    ));
    // Threshold and membership both change the account.
    let t2 = multisig_address(&[&a, &b, &c], 2).unwrap();
    assert_ne!(multisig_address(&[&a, &b, &c], 3).unwrap(), t2);
    assert_ne!(multisig_address(&[&a, &b], 2).unwrap(), t2);
    // Hex spellings give the same account.
    let hex: Vec<String> = [&a, &b, &c]
        .iter()
        .map(|x| hex::encode(decode_address(x).unwrap()))
        .collect();
    let hex_refs: Vec<&str> = hex.iter().map(String::as_str).collect();
    assert_eq!(multisig_address(&hex_refs, 2).unwrap(), t2);
}
