//! libvirt states forced from outside the API (a crashed guest, a paused domain, …) and the
//! status reconciliation a read applies (spec §8.2, §8.3).

use super::{fmt_time, Lv, NodeWorld};
use std::time::SystemTime;

impl NodeWorld {
    /// Puts the domain of `task_id` into `state`; the stored status follows the read-side
    /// reconciliation rule (only `closed` / `running` / `pmsuspend` follow libvirt).
    /// `false` when no such task exists.
    pub(crate) fn force_libvirt_state(&mut self, task_id: &str, state: Lv) -> bool {
        let Some(t) = self.tasks.iter_mut().find(|t| t.id == task_id) else {
            return false;
        };
        t.lv = state;
        if t.pending.as_ref().is_some_and(|p| !p.remove) {
            // The domain changed under the lifecycle worker: its transition is over.
            t.pending = None;
            t.status = match state {
                Lv::ShutOff | Lv::BeingShutdown => "closed",
                Lv::PmSuspended => "pmsuspend",
                _ => "running",
            };
        }
        t.status = state.reconciled_status(t.status);
        t.events.push(format!(
            "{}.000 INFO  domain of task {} is {}",
            fmt_time(SystemTime::now()),
            t.id,
            state.word()
        ));
        true
    }
}
