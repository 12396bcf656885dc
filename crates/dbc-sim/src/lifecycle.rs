//! VM lifecycle rules that do not depend on a node's state: libvirt domain states and what
//! each operation admits (spec §8.3), the status a read reports for a libvirt state (§8.2),
//! and how creations end (duration, failure share, retry-later; §6.4, §8.2).

use crate::SimError;
use std::time::Duration;

/// A libvirt domain state (spec §7.2.4, §8.3). Admission of task operations is decided on
/// this state, not on the DBC status string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LibvirtState {
    /// No state (`none`), e.g. transiently after a node restart.
    NoState,
    /// Running.
    Running,
    /// Blocked on a resource.
    Blocked,
    /// Paused by the hypervisor or an administrator.
    Paused,
    /// Being shut down.
    BeingShutdown,
    /// Shut off.
    ShutOff,
    /// Crashed.
    Crashed,
    /// Suspended by guest power management (`pm-suspended`).
    PmSuspended,
}

impl LibvirtState {
    /// The word the node uses in `task is <state>`.
    pub fn word(self) -> &'static str {
        match self {
            LibvirtState::NoState => "none",
            LibvirtState::Running => "running",
            LibvirtState::Blocked => "blocked",
            LibvirtState::Paused => "paused",
            LibvirtState::BeingShutdown => "being shutdown",
            LibvirtState::ShutOff => "shut_off",
            LibvirtState::Crashed => "crashed",
            LibvirtState::PmSuspended => "suspended",
        }
    }

    /// Whether `start` is admitted: no-state, shut-off or pm-suspended.
    pub(crate) fn admits_start(self) -> bool {
        matches!(
            self,
            LibvirtState::NoState | LibvirtState::ShutOff | LibvirtState::PmSuspended
        )
    }
    /// Whether `shutdown` is admitted: anything except shut-off and being shut down.
    pub(crate) fn admits_shutdown(self) -> bool {
        !matches!(self, LibvirtState::ShutOff | LibvirtState::BeingShutdown)
    }
    /// Whether `poweroff` / `stop` is admitted: anything except shut-off.
    pub(crate) fn admits_poweroff(self) -> bool {
        self != LibvirtState::ShutOff
    }
    /// Whether `restart` is admitted: no-state, shut-off or running.
    pub(crate) fn admits_restart(self) -> bool {
        matches!(
            self,
            LibvirtState::NoState | LibvirtState::ShutOff | LibvirtState::Running
        )
    }
    /// Whether `reset` and `passwd` are admitted: running.
    pub(crate) fn is_running(self) -> bool {
        self == LibvirtState::Running
    }
    /// Whether the domain holds CPU, memory and its ports (running, blocked or paused).
    pub(crate) fn holds_resources(self) -> bool {
        matches!(
            self,
            LibvirtState::Running | LibvirtState::Blocked | LibvirtState::Paused
        )
    }

    /// The status a read reports when the stored status is `closed`, `running` or
    /// `pmsuspend` and libvirt disagrees (§8.2); `None` keeps the stored status.
    pub(crate) fn reconciled_status(self, stored: &'static str) -> &'static str {
        if !matches!(stored, "closed" | "running" | "pmsuspend") {
            return stored;
        }
        match self {
            LibvirtState::ShutOff | LibvirtState::BeingShutdown => "closed",
            LibvirtState::Running | LibvirtState::Paused | LibvirtState::Blocked => "running",
            LibvirtState::PmSuspended => "pmsuspend",
            LibvirtState::NoState | LibvirtState::Crashed => stored,
        }
    }
}

impl std::str::FromStr for LibvirtState {
    type Err = SimError;

    fn from_str(s: &str) -> Result<Self, SimError> {
        Ok(match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "none" | "nostate" | "no_state" => LibvirtState::NoState,
            "running" => LibvirtState::Running,
            "blocked" => LibvirtState::Blocked,
            "paused" => LibvirtState::Paused,
            "being_shutdown" => LibvirtState::BeingShutdown,
            "shut_off" | "shutoff" => LibvirtState::ShutOff,
            "crashed" => LibvirtState::Crashed,
            "suspended" | "pm_suspended" | "pmsuspended" => LibvirtState::PmSuspended,
            other => {
                return Err(SimError::Config(format!(
                    "unknown libvirt state {other:?} (use none, running, blocked, paused, being-shutdown, shut-off, crashed or pm-suspended)"
                )))
            }
        })
    }
}

/// How creations end. The real node takes 5–15 minutes (up to ~50) from `creating` to
/// `running`; the simulator's default is 3 s so demos stay fast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CreateTiming {
    /// Upper bound of the creation time: each creation takes a uniformly drawn time between
    /// the builder's `create_delay` and this. `None`: exactly `create_delay`.
    pub max: Option<Duration>,
    /// Share of creations (0.0–1.0) that end in the node's `create error` status instead of
    /// `running` (the task record stays; its domain is shut off).
    pub failure_share: f64,
    /// Answer `-3 "create task failed, please try again in a minute"` to a create while
    /// another VM on the same node is still `creating` (the node's lifecycle worker is busy).
    pub retry_later_when_busy: bool,
    /// Share of successful creations (0.0–1.0) whose login password the guest agent could
    /// not set: the VM runs, `user_name` and `login_password` read `N/A` (spec §8.6).
    pub login_failure_share: f64,
}

impl Default for CreateTiming {
    fn default() -> Self {
        CreateTiming {
            max: None,
            failure_share: 0.0,
            retry_later_when_busy: false,
            login_failure_share: 0.0,
        }
    }
}

impl CreateTiming {
    /// Checks the values against the fixed lower bound `min`.
    pub(crate) fn validated(self, min: Duration) -> Result<CreateTiming, SimError> {
        if !(0.0..=1.0).contains(&self.failure_share) {
            return Err(SimError::Config(format!(
                "the create failure share must be between 0 and 1 (got {})",
                self.failure_share
            )));
        }
        if !(0.0..=1.0).contains(&self.login_failure_share) {
            return Err(SimError::Config(format!(
                "the login failure share must be between 0 and 1 (got {})",
                self.login_failure_share
            )));
        }
        if let Some(max) = self.max {
            if max < min {
                return Err(SimError::Config(format!(
                    "the create time range ends ({}) before it starts ({})",
                    humantime::format_duration(max),
                    humantime::format_duration(min)
                )));
            }
        }
        Ok(self)
    }
}

/// Parses a creation time: `3s` (fixed) or `2s..5s` (uniform range).
///
/// # Errors
/// A message saying what to write.
#[cfg(any(feature = "cli", test))]
pub fn parse_create_time(s: &str) -> Result<(Duration, Option<Duration>), String> {
    let one = |x: &str| {
        humantime::parse_duration(x.trim())
            .map_err(|e| format!("bad duration {x:?} ({e}); write e.g. 3s or 2s..5s"))
    };
    match s.split_once("..") {
        None => Ok((one(s)?, None)),
        Some((a, b)) => {
            let (lo, hi) = (one(a)?, one(b)?);
            if hi < lo {
                return Err(format!("the range {s:?} ends before it starts"));
            }
            Ok((lo, Some(hi)))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn admission_follows_the_libvirt_state_table() {
        use LibvirtState as L;
        let all = [
            L::NoState,
            L::Running,
            L::Blocked,
            L::Paused,
            L::BeingShutdown,
            L::ShutOff,
            L::Crashed,
            L::PmSuspended,
        ];
        let start: Vec<_> = all.iter().filter(|s| s.admits_start()).collect();
        assert_eq!(start, [&L::NoState, &L::ShutOff, &L::PmSuspended]);
        let restart: Vec<_> = all.iter().filter(|s| s.admits_restart()).collect();
        assert_eq!(restart, [&L::NoState, &L::Running, &L::ShutOff]);
        assert!(!L::BeingShutdown.admits_shutdown() && L::BeingShutdown.admits_poweroff());
        assert!(L::Crashed.admits_shutdown() && !L::ShutOff.admits_poweroff());
        assert_eq!(L::Paused.reconciled_status("running"), "running");
        assert_eq!(L::ShutOff.reconciled_status("running"), "closed");
        assert_eq!(L::PmSuspended.reconciled_status("closed"), "pmsuspend");
        assert_eq!(L::Crashed.reconciled_status("running"), "running");
        assert_eq!(L::ShutOff.reconciled_status("creating"), "creating");
        for s in all {
            assert_eq!(s.word().replace(' ', "-").parse::<L>().unwrap(), s);
        }
    }

    #[test]
    fn create_time_is_fixed_or_a_range() {
        assert_eq!(
            parse_create_time("3s").unwrap(),
            (Duration::from_secs(3), None)
        );
        assert_eq!(
            parse_create_time("2s..5s").unwrap(),
            (Duration::from_secs(2), Some(Duration::from_secs(5)))
        );
        assert!(parse_create_time("5s..2s")
            .unwrap_err()
            .contains("ends before"));
        assert!(parse_create_time("soon").unwrap_err().contains("2s..5s"));
    }
}
