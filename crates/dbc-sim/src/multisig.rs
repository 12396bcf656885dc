//! Multisig signature checks of the GPU node (spec §5.4), bounded in work.
//!
//! The node verifies every provided sign. The simulator verifies at most as many signs as there
//! are member wallets (a bundle with more signs than wallets is refused without any signature
//! check) and stops at the first failing sign, so a crafted bundle costs at most
//! `len(wallets)` sr25519 verifications. The outcome is the node's: any failing sign fails the
//! whole bundle.
//!
//! `DEFECT (spec §5.4)`: the node does not check that the signers are distinct, so one member
//! signing twice (with two nonces) counts twice toward the threshold. The simulator keeps that
//! by default; a node configured with `strict = true` (world file) or a simulator started with
//! `--strict` rejects such bundles ([`has_repeated_signer`]).

use crate::envelope::Multisig;
use std::collections::HashSet;

/// One flag per sign: `true` when that sign verified. Signs after the first failure, and all
/// signs of a bundle with more signs than wallets, are not verified (`false`).
pub(crate) fn verify_signs(ms: &Multisig) -> Vec<bool> {
    verify_signs_with(ms, crate::crypto::verify)
}

/// [`verify_signs`] with the signature check as a parameter (counted in tests).
fn verify_signs_with(
    ms: &Multisig,
    mut verify: impl FnMut(&str, &[u8], &str) -> bool,
) -> Vec<bool> {
    let mut oks = vec![false; ms.signs.len()];
    if ms.signs.len() > ms.wallets.len() {
        return oks;
    }
    for (ok, (w, n, s)) in oks.iter_mut().zip(&ms.signs) {
        let good = !w.is_empty()
            && !n.is_empty()
            && !s.is_empty()
            && ms.wallets.contains(w)
            && verify(w, n.as_bytes(), s);
        if !good {
            break;
        }
        *ok = true;
    }
    oks
}

/// True when some member wallet signed more than once (what `strict` rejects).
pub(crate) fn has_repeated_signer(ms: &Multisig) -> bool {
    let mut seen = HashSet::new();
    ms.signs.iter().any(|(w, _, _)| !seen.insert(w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(wallets: usize, signs: &[(&str, bool)]) -> Multisig {
        Multisig {
            wallets: (0..wallets).map(|i| format!("w{i}")).collect(),
            threshold_text: "1".into(),
            signs: signs
                .iter()
                .map(|(w, good)| {
                    (
                        (*w).to_owned(),
                        "n".to_owned(),
                        if *good { "good" } else { "bad" }.to_owned(),
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn at_most_len_wallets_verifications_stopping_at_the_first_failure() {
        let calls = std::cell::Cell::new(0);
        let count = |_: &str, _: &[u8], s: &str| {
            calls.set(calls.get() + 1);
            s == "good"
        };
        // more signs than wallets: nothing is verified
        let many: Vec<(&str, bool)> = vec![("w0", true); 10_000];
        let oks = verify_signs_with(&bundle(3, &many), &count);
        assert!(oks.iter().all(|ok| !ok));
        assert_eq!(calls.get(), 0);
        // the second sign fails: the third is never verified
        let oks = verify_signs_with(
            &bundle(3, &[("w0", true), ("w1", false), ("w2", true)]),
            &count,
        );
        assert_eq!(oks, [true, false, false]);
        assert_eq!(calls.get(), 2);
        // a non-member fails before any signature check
        let oks = verify_signs_with(&bundle(3, &[("x", true), ("w1", true)]), &count);
        assert_eq!(oks, [false, false]);
        assert_eq!(calls.get(), 2);
        let oks = verify_signs_with(&bundle(3, &[("w0", true), ("w0", true)]), &count);
        assert_eq!(oks, [true, true]);
        assert_eq!(calls.get(), 4);
    }

    #[test]
    fn repeated_signers() {
        assert!(has_repeated_signer(&bundle(
            3,
            &[("w0", true), ("w0", true)]
        )));
        assert!(!has_repeated_signer(&bundle(
            3,
            &[("w0", true), ("w1", true)]
        )));
    }
}
