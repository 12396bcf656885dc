//! Substrate's well-known development keys (`//Alice`, `//Bob`, …) and their addresses.
//!
//! Never use them outside tests: their secret derivation paths are public.

use dbc_sign::Keypair;

/// SURI of the dev account Alice (the simulator's default renter).
pub const ALICE_SURI: &str = "//Alice";
/// SURI of the dev account Bob.
pub const BOB_SURI: &str = "//Bob";
/// SURI of the dev account Charlie.
pub const CHARLIE_SURI: &str = "//Charlie";

/// SS58 address of `//Alice`.
pub const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
/// SS58 address of `//Bob`.
pub const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
/// SS58 address of `//Charlie`.
pub const CHARLIE: &str = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";
/// The 2-of-3 multisig account of Alice, Bob and Charlie.
pub const MULTISIG_ABC_2: &str = "5DjYJStmdZ2rcqXbXGX7TW85JsrW6uG4y9MUcLq2BoPMpRA7";

/// The keypair of a SURI (panics on a bad SURI: test code).
pub fn keypair(suri: &str) -> Keypair {
    Keypair::from_suri(suri).unwrap_or_else(|e| panic!("bad test SURI {suri:?}: {e}"))
}

/// The SS58 address of a SURI.
pub fn address(suri: &str) -> String {
    keypair(suri).address()
}

/// `suri`'s signature over the raw bytes of `msg`, 128 hex characters.
pub fn sign_hex(suri: &str, msg: &[u8]) -> String {
    hex::encode(keypair(suri).sign_bytes(msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_constants_belong_to_the_dev_suris() {
        assert_eq!(address(ALICE_SURI), ALICE);
        assert_eq!(address(BOB_SURI), BOB);
        assert_eq!(address(CHARLIE_SURI), CHARLIE);
    }
}
