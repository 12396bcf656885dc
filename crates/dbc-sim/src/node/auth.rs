//! Authorization (§5.3–5.8): the replay store, signature pre-checks, sessions, multisig and
//! `check_authority`.

use super::NodeWorld;
use crate::config::MachineState;
use crate::envelope::Env;
use rand::RngCore;
use std::collections::{HashSet, VecDeque};

/// Capacity of the per-node replay store (§5.3).
pub(super) const REPLAY_CAPACITY: usize = 1_000_000;

/// Bounded replay store: remembers the last `REPLAY_CAPACITY` accepted nonces (the real node
/// keeps a Bloom filter + LRU of 1,000,000 entries). Nonces are kept as 128-bit digests, so a full
/// store costs about 40 MiB instead of ~250 MiB of strings; a digest collision (odds ~2^-128 per
/// pair) would only reject a fresh nonce, which the real node's Bloom filter also does.
#[derive(Debug)]
pub(crate) struct ReplayStore {
    set: HashSet<u128>,
    order: VecDeque<u128>,
    cap: usize,
}

impl Default for ReplayStore {
    fn default() -> Self {
        ReplayStore {
            set: HashSet::new(),
            order: VecDeque::new(),
            cap: REPLAY_CAPACITY,
        }
    }
}

fn nonce_digest(n: &str) -> u128 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(n.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    u128::from_le_bytes(b)
}

impl ReplayStore {
    fn contains(&self, n: &str) -> bool {
        self.set.contains(&nonce_digest(n))
    }
    fn insert(&mut self, n: &str) {
        let k = nonce_digest(n);
        if self.set.insert(k) {
            self.order.push_back(k);
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }
    pub(crate) fn len(&self) -> usize {
        self.set.len()
    }
}

/// Signature results computed outside the node lock.
#[derive(Debug, Default, Clone)]
pub(crate) struct PreAuth {
    pub wallet_sig_ok: bool,
    pub ms_sig_ok: Vec<bool>,
    pub ms_account: Option<String>,
}

impl PreAuth {
    /// Verify the signatures of an envelope (pure, lock-free).
    pub(crate) fn compute(env: &Env) -> PreAuth {
        let wallet_sig_ok = !env.wallet.is_empty()
            && !env.nonce.is_empty()
            && !env.sign.is_empty()
            && crate::crypto::verify(&env.wallet, env.nonce.as_bytes(), &env.sign);
        let (ms_sig_ok, ms_account) = match &env.multisig {
            Some(ms) => {
                // bounded: at most len(wallets) verifications, stopping at the first failure
                let oks = crate::multisig::verify_signs(ms);
                let t = ms.threshold();
                let acct = if t > 0 && !ms.wallets.is_empty() {
                    crate::crypto::multisig_address(&ms.wallets, t as u16)
                } else {
                    None
                };
                (oks, acct)
            }
            None => (Vec::new(), None),
        };
        PreAuth {
            wallet_sig_ok,
            ms_sig_ok,
            ms_account,
        }
    }
}

/// A rent order.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: String,
    pub renter: String,
    pub rent_end: u64,
    pub status: String,
    pub gpu_index: Vec<u32>,
}

impl Order {
    /// `renting` / `waitingVerifying` and not past its end block (§5.6).
    pub(super) fn active(&self, block: u64) -> bool {
        (self.status == "renting" || self.status == "waitingVerifying") && block <= self.rent_end
    }
}

pub(super) struct SessionRec {
    identity: String,
    signers: Vec<String>,
    verified: HashSet<String>,
}

/// Caller role after `check_authority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Verifier,
    WalletRenter,
    SessionRenter,
}

/// An authorized caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub role: Role,
    pub identity: String,
}

impl std::fmt::Debug for SessionRec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRec")
            .field("identity", &self.identity)
            .field("signers", &self.signers.len())
            .finish_non_exhaustive()
    }
}

impl NodeWorld {
    pub(super) fn order_for(&self, identity: &str, rent_order: &str) -> Option<&Order> {
        let key = if rent_order.is_empty() {
            identity
        } else {
            rent_order
        };
        self.orders
            .iter()
            .find(|o| o.id == key && o.renter == identity)
    }

    pub(super) fn nonce_check_single(&mut self, env: &Env, pre: &PreAuth) -> bool {
        if env.wallet.is_empty()
            || env.nonce.is_empty()
            || env.sign.is_empty()
            || !pre.wallet_sig_ok
        {
            return false;
        }
        if self.replay.contains(&env.nonce) {
            return false; // "nonce is already exist"
        }
        self.replay.insert(&env.nonce);
        true
    }

    pub(super) fn nonce_check_multisig(&mut self, env: &Env, pre: &PreAuth) -> Option<String> {
        let ms = env.multisig.as_ref()?;
        let t = ms.threshold();
        if ms.wallets.is_empty() || ms.signs.is_empty() || t <= 0 {
            return None;
        }
        if t as u64 > ms.wallets.len() as u64 || t as u64 > ms.signs.len() as u64 {
            return None;
        }
        for (i, (w, n, s)) in ms.signs.iter().enumerate() {
            if !ms.wallets.contains(w)
                || n.is_empty()
                || s.is_empty()
                || !pre.ms_sig_ok.get(i).copied().unwrap_or(false)
            {
                return None;
            }
        }
        // DEFECT (spec §5.4): no distinct-signer check; `strict` adds it (see multisig.rs)
        if self.cfg.strict && crate::multisig::has_repeated_signer(ms) {
            return None;
        }
        let mut seen = HashSet::new();
        for (_, n, _) in &ms.signs {
            if self.replay.contains(n) || !seen.insert(n.as_str()) {
                return None;
            }
        }
        for (_, n, _) in &ms.signs {
            self.replay.insert(n);
        }
        pre.ms_account.clone()
    }

    pub(super) fn session_caller(&mut self, env: &Env) -> Option<String> {
        if env.session_id.is_empty() || env.session_id_sign.is_empty() {
            return None;
        }
        let rec = self.sessions.get_mut(&env.session_id)?;
        if rec.verified.contains(&env.session_id_sign) {
            return Some(rec.identity.clone());
        }
        let ok = rec
            .signers
            .iter()
            .any(|s| crate::crypto::verify(s, env.session_id.as_bytes(), &env.session_id_sign));
        if ok {
            if rec.verified.len() >= 64 {
                rec.verified.clear();
            }
            rec.verified.insert(env.session_id_sign.clone());
            Some(rec.identity.clone())
        } else {
            None
        }
    }

    pub(super) fn ensure_session(&mut self, identity: &str, env: &Env, multisig: bool) {
        if self.session_by_identity.contains_key(identity) {
            return;
        }
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let sid = crate::crypto::session_id(b);
        let signers = match (&env.multisig, multisig) {
            (Some(ms), true) => ms.wallets.clone(),
            _ => vec![identity.to_string()],
        };
        self.sessions.insert(
            sid.clone(),
            SessionRec {
                identity: identity.to_string(),
                signers,
                verified: HashSet::new(),
            },
        );
        self.session_by_identity.insert(identity.to_string(), sid);
    }

    /// `check_authority` (§5.6). `Err(reason)`.
    pub(super) fn check_authority(
        &mut self,
        env: &Env,
        pre: &PreAuth,
        use_session: bool,
    ) -> Result<Caller, &'static str> {
        match self.cfg.state {
            MachineState::Unknown => Err("query machine_status failed"),
            MachineState::Unmapped => Err("unknown machine status"),
            MachineState::Online => {
                self.tasks.retain(|t| !t.id.starts_with("vm_check_"));
                Err("machine is not be rented")
            }
            MachineState::Verify => {
                let ms = self.nonce_check_multisig(env, pre);
                let w = self.nonce_check_single(env, pre);
                let who = ms.or(if w { Some(env.wallet.clone()) } else { None });
                let Some(who) = who else {
                    return Err("nonce check failed");
                };
                if !self.in_verify_time(&who) {
                    return Err("not in verify time");
                }
                Ok(Caller {
                    role: Role::Verifier,
                    identity: who,
                })
            }
            MachineState::Rented => {
                self.tasks.retain(|t| !t.id.starts_with("vm_check_"));
                let block = self.clock.block();
                if use_session {
                    if let Some(id) = self.session_caller(env) {
                        return match self.order_for(&id, &env.rent_order) {
                            Some(o) if o.active(block) => Ok(Caller {
                                role: Role::SessionRenter,
                                identity: id,
                            }),
                            _ => Err("machine has already expired"),
                        };
                    }
                }
                let ms = self.nonce_check_multisig(env, pre);
                let w = self.nonce_check_single(env, pre);
                let (who, is_ms) = match (ms, w) {
                    (Some(a), _) => (a, true),
                    (None, true) => (env.wallet.clone(), false),
                    (None, false) => {
                        return Err(
                            if use_session
                                && !env.session_id.is_empty()
                                && !env.session_id_sign.is_empty()
                            {
                                "session_id is invalid"
                            } else {
                                "nonce check failed"
                            },
                        )
                    }
                };
                match self.order_for(&who, &env.rent_order) {
                    Some(o) if o.active(block) => {}
                    _ => return Err("wallet not rented"),
                }
                self.ensure_session(&who, env, is_ms);
                Ok(Caller {
                    role: Role::WalletRenter,
                    identity: who,
                })
            }
        }
    }

    /// Manager-side key check: `wallet` must be this node's id with a valid, fresh signature.
    pub(super) fn manager_key_ok(&mut self, env: &Env, pre: &PreAuth) -> bool {
        env.wallet.eq_ignore_ascii_case(&self.id) && self.nonce_check_single(env, pre)
    }

    /// Session id of an identity, if any (test/introspection helper).
    pub(crate) fn session_of(&self, identity: &str) -> Option<&str> {
        self.session_by_identity.get(identity).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_store_is_bounded_and_forgets_oldest_first() {
        let mut r = ReplayStore {
            cap: 3,
            ..ReplayStore::default()
        };
        for n in ["a", "b", "c", "d"] {
            r.insert(n);
        }
        assert_eq!(r.len(), 3);
        assert!(!r.contains("a"));
        assert!(r.contains("d"));
        r.insert("d");
        assert_eq!(r.len(), 3);
    }
}
