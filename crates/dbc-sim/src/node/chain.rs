//! What the chain clock implies on a GPU node (spec §5.6, §8.7): rent orders that end,
//! VMs powered off and later deleted, committee verification windows.

use super::{fmt_time, Lv, NodeWorld, Order};
use crate::clock::VERIFY_WINDOW_BLOCKS;
use std::time::{Instant, SystemTime};

/// A VM of an ended per-GPU order is deleted this many blocks after the order's end (3 days).
pub(crate) const DELETE_AFTER_ORDER_END: u64 = 43_200;
/// A VM of an ended whole-machine rental is deleted this many blocks after the rent end (10 days).
pub(crate) const DELETE_AFTER_RENT_END: u64 = 144_000;
/// Ended orders are forgotten this many blocks after their end (30 days).
pub(crate) const FORGET_ORDER_AFTER: u64 = 432_000;

impl Order {
    /// The status the chain reports at `block`: an active order past its end is `rentExpired`.
    pub(super) fn chain_status(&self, block: u64) -> &str {
        let open = self.status == "renting" || self.status == "waitingVerifying";
        if open && block > self.rent_end {
            "rentExpired"
        } else {
            &self.status
        }
    }
}

impl NodeWorld {
    /// Whether `who` is inside one of its verification windows `(v, v + 2400]` (§5.6).
    /// A committee member listed without `verify_time` blocks is always inside.
    pub(super) fn in_verify_time(&self, who: &str) -> bool {
        let block = self.clock.block();
        let mut listed = false;
        for vt in self.cfg.verify_time.iter().filter(|v| v.wallet == who) {
            listed = true;
            if vt
                .blocks
                .iter()
                .any(|&v| v < block && block <= v.saturating_add(VERIFY_WINDOW_BLOCKS))
            {
                return true;
            }
        }
        !listed && self.cfg.committee.iter().any(|c| c == who)
    }

    /// The node's expiration sweep (§8.7), run lazily on every request instead of every
    /// 900 s: VMs whose order is no longer active are powered off; they are deleted 43 200
    /// blocks (per-GPU order) or 144 000 blocks (whole-machine rental) after the end; ended
    /// orders are forgotten after 432 000 blocks. Check VMs are left alone.
    pub(super) fn expire(&mut self, _now: Instant) {
        let block = self.clock.block();
        if self.orders.iter().all(|o| o.active(block)) {
            return;
        }
        let mut removed = false;
        for i in 0..self.tasks.len() {
            let t = &self.tasks[i];
            if t.id.starts_with("vm_check_") || t.id.is_empty() {
                continue;
            }
            let (active, end) = match self.order_for(&t.owner, &t.rent_order) {
                Some(o) => (o.active(block), Some(o.rent_end)),
                None => (false, None),
            };
            if active {
                continue;
            }
            let grace = if t.rent_order.is_empty() {
                DELETE_AFTER_RENT_END
            } else {
                DELETE_AFTER_ORDER_END
            };
            let Some(t) = self.tasks.get_mut(i) else {
                continue;
            };
            if end.is_some_and(|e| block > e.saturating_add(grace)) {
                t.id.clear();
                removed = true;
                continue;
            }
            if t.lv != Lv::ShutOff && !t.pending.as_ref().is_some_and(|p| p.remove) {
                t.lv = Lv::ShutOff;
                t.status = "closed";
                t.pending = None;
                t.events.push(format!(
                    "{}.000 INFO  rent of task {} ended at block {}: powered off",
                    fmt_time(SystemTime::now()),
                    t.id,
                    end.unwrap_or(0)
                ));
            }
        }
        if removed {
            self.tasks.retain(|t| !t.id.is_empty());
        }
        self.orders
            .retain(|o| o.active(block) || block <= o.rent_end.saturating_add(FORGET_ORDER_AFTER));
    }
}
