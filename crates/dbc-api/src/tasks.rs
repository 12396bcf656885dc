//! VM creation (never duplicated), reconciliation, listing and waiting.

use crate::error::{Error, ErrorKind};
use crate::resources::{Task, Tasks};
use dbc_types::endpoint::NoParams;
use dbc_types::models::{CreateVm, Empty, OsFamily, TaskDetails, TaskStatus, TaskSummary};
use dbc_types::registry as r;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A VM created by [`Tasks::create_or_reconcile`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Created {
    /// The VM (as the create reply, or as listed when reconciled).
    pub task: TaskSummary,
    /// `true` when the create got no usable answer and the VM was found by listing.
    pub reconciled: bool,
}

/// True when a failed create may nevertheless have created the VM.
pub(crate) fn outcome_unknown(e: &Error) -> bool {
    match e {
        // A reply too large to read still means the node received the request and answered.
        Error::Transport { source, .. } => {
            source.is_outcome_unknown()
                || matches!(source, dbc_transport::TransportError::BodyTooLarge { .. })
        }
        Error::Api {
            kind, http_status, ..
        } => *kind == ErrorKind::OperationTimeout || *http_status >= 500,
        Error::Decode { .. } => true,
        _ => false,
    }
}

impl Tasks {
    /// The caller's VMs on this node.
    ///
    /// # Errors
    /// The errors of a call ([`crate::error::Error`]): [`Error::Validation`] or
    /// [`Error::Sign`] before anything is sent, [`Error::Transport`], [`Error::Api`] (its
    /// [`Error::kind`] says what the node meant) or [`Error::Decode`].
    pub async fn list(&self) -> Result<Vec<TaskSummary>, Error> {
        self.ep::<r::TasksList>(&NoParams, Empty {}).await
    }

    /// Creates a VM. The reply arrives at once with status `creating`; poll with
    /// [`Task::wait_running`].
    ///
    /// Never retried. When the outcome is unknown (request timeout, `create task timeout`, a
    /// broken reply) the error is [`Error::CreateOutcomeUnknown`], which carries the spec and
    /// the start time for [`Tasks::reconcile_create`]. Do not simply create again: the first
    /// VM may exist and hold the ports and GPUs.
    ///
    /// # Errors
    /// [`Error::CreateOutcomeUnknown`] when the VM may exist although the call failed;
    /// otherwise the errors of a call (validation, transport, node errors).
    pub async fn create(&self, spec: CreateVm) -> Result<TaskSummary, Error> {
        let started_at = SystemTime::now();
        match self.ep::<r::TaskCreate>(&NoParams, spec.clone()).await {
            Ok(t) => Ok(t),
            Err(e) if outcome_unknown(&e) => Err(Error::CreateOutcomeUnknown {
                node: self.node.clone(),
                spec: Box::new(spec),
                started_at,
                cause: Box::new(e),
            }),
            Err(e) => Err(e),
        }
    }

    /// Creates a VM and, when the outcome is unknown (the reply was lost or late, e.g.
    /// `create task timeout`), reconciles instead of creating again: the VM the node created
    /// anyway is returned with [`Created::reconciled`] set. The create request is sent once.
    ///
    /// # Errors
    /// The create's own error when it certainly failed; [`Error::CreateOutcomeUnknown`] when
    /// the outcome is unknown and no matching VM is listed (yet) or the listing failed — list
    /// again later before creating again.
    pub async fn create_or_reconcile(&self, spec: CreateVm) -> Result<Created, Error> {
        match self.create(spec).await {
            Ok(task) => Ok(Created {
                task,
                reconciled: false,
            }),
            Err(e) => {
                let Error::CreateOutcomeUnknown {
                    spec, started_at, ..
                } = &e
                else {
                    return Err(e);
                };
                match self.reconcile_create(spec, *started_at).await {
                    Ok(Some(task)) => Ok(Created {
                        task,
                        reconciled: true,
                    }),
                    Ok(None) => Err(e),
                    Err(re) => {
                        tracing::debug!(error = %re, "reconcile after an unknown create outcome failed");
                        Err(e)
                    }
                }
            }
        }
    }

    /// Finds the VM a create with an unknown outcome produced, by listing the caller's tasks
    /// and matching the custom `task_id` (exact), else `desc`, creation time (not earlier than a
    /// day before `since`, the node's clock zone being unknown) and the VNC / SSH / RDP ports
    /// from the details. `Ok(None)` means no such VM exists (yet): it is then safe to create
    /// again once the node has had time to act (a real node may still be authorising for ~20 s).
    ///
    /// # Errors
    /// The errors of listing the tasks or reading a candidate's details.
    pub async fn reconcile_create(
        &self,
        spec: &CreateVm,
        since: SystemTime,
    ) -> Result<Option<TaskSummary>, Error> {
        let list = self.list().await?;
        if let Some(id) = &spec.task_id {
            return Ok(list.into_iter().find(|t| t.task_id.as_str() == id));
        }
        let desc = spec.desc.clone().unwrap_or_default();
        let floor = since
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs().saturating_sub(24 * 3600))
            .unwrap_or(0);
        for t in list.into_iter().rev() {
            if t.desc != desc {
                continue;
            }
            if let Some(secs) = parse_node_time(&t.create_time) {
                if secs < floor {
                    continue;
                }
            }
            let task = Task::new(self.c.clone(), self.node.clone(), t.task_id.clone());
            let d = match task.info().await {
                Ok(d) => d,
                Err(Error::Api {
                    kind: ErrorKind::TaskNotFound,
                    ..
                }) => continue,
                Err(e) => return Err(e),
            };
            if ports_match(spec, &d) {
                return Ok(Some(t));
            }
        }
        Ok(None)
    }
}

fn ports_match(spec: &CreateVm, d: &TaskDetails) -> bool {
    if d.vnc_port != spec.vnc_port {
        return false;
    }
    match spec.operation_system.unwrap_or_default() {
        OsFamily::Linux => spec.ssh_port.is_none() || d.ssh_port == spec.ssh_port.map(u64::from),
        OsFamily::Windows => spec.rdp_port.is_none() || d.rdp_port == spec.rdp_port.map(u64::from),
    }
}

/// Parses `YYYY-MM-DD HH:MM:SS` as seconds since the epoch (as if UTC).
pub(crate) fn parse_node_time(s: &str) -> Option<u64> {
    let (date, time) = s.split_once(' ')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let (hh, mm, ss) = (t.next()??, t.next()??, t.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

/// Progress callback of [`WaitOptions`]: each observed status and the time waited so far.
pub type ProgressFn = Arc<dyn Fn(&TaskStatus, Duration) + Send + Sync>;

/// How to wait for a VM status.
#[derive(Clone)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long (default 60 min: a real creation can take ~50 min).
    pub timeout: Duration,
    /// Time between polls (default 5 s).
    pub poll_interval: Duration,
    /// Called after every poll.
    pub on_progress: Option<ProgressFn>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(60 * 60),
            poll_interval: Duration::from_secs(5),
            on_progress: None,
        }
    }
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("poll_interval", &self.poll_interval)
            .field("on_progress", &self.on_progress.is_some())
            .finish()
    }
}

/// One observation of a poll loop.
enum Step<T> {
    /// Finished; the status (if any) is reported to the progress callback first.
    Done(Option<TaskStatus>, T),
    /// Not yet; report this status and poll again.
    Continue(TaskStatus),
}

impl Task {
    /// The shared poll loop: observe, report progress, stop on `Done`, time out, sleep.
    async fn poll<T>(
        &self,
        opts: &WaitOptions,
        mut observe: impl FnMut(Result<TaskDetails, Error>) -> Result<Step<T>, Error>,
    ) -> Result<T, Error> {
        let start = Instant::now();
        loop {
            let step = observe(self.info().await)?;
            let waited = start.elapsed();
            let status = match &step {
                Step::Done(s, _) => s.as_ref(),
                Step::Continue(s) => Some(s),
            };
            if let (Some(cb), Some(s)) = (&opts.on_progress, status) {
                cb(s, waited);
            }
            let last_status = match step {
                Step::Done(_, v) => return Ok(v),
                Step::Continue(s) => s,
            };
            if waited + opts.poll_interval > opts.timeout {
                return Err(Error::WaitTimeout {
                    task_id: self.id.clone(),
                    last_status: last_status.to_string(),
                    waited,
                });
            }
            tokio::time::sleep(opts.poll_interval).await;
        }
    }

    /// Polls the details until `pred` accepts the status. Stops early with
    /// [`Error::TaskFailed`] on an `… error` status that `pred` does not accept, and with
    /// [`Error::WaitTimeout`] after `opts.timeout`.
    ///
    /// # Errors
    /// [`Error::TaskFailed`], [`Error::WaitTimeout`], or the errors of [`Task::info`].
    pub async fn wait_for<F>(&self, pred: F, opts: WaitOptions) -> Result<TaskDetails, Error>
    where
        F: Fn(&TaskStatus) -> bool,
    {
        self.poll(&opts, |r| {
            let d = r?;
            if pred(&d.status) {
                return Ok(Step::Done(Some(d.status.clone()), d));
            }
            if d.status.is_error() {
                return Err(Error::TaskFailed {
                    task_id: self.id.clone(),
                    status: d.status.to_string(),
                });
            }
            Ok(Step::Continue(d.status))
        })
        .await
    }

    /// Waits until the VM is `running` (stops early on `create error` and the like).
    ///
    /// # Errors
    /// Like [`Task::wait_for`].
    pub async fn wait_running(&self, opts: WaitOptions) -> Result<TaskDetails, Error> {
        self.wait_for(TaskStatus::is_running, opts).await
    }

    /// Waits until the VM has disappeared (after `delete`).
    ///
    /// # Errors
    /// [`Error::WaitTimeout`], or the errors of [`Task::info`] other than `TaskNotFound`.
    pub async fn wait_deleted(&self, opts: WaitOptions) -> Result<(), Error> {
        self.poll(&opts, |r| match r {
            Err(Error::Api {
                kind: ErrorKind::TaskNotFound,
                ..
            }) => Ok(Step::Done(None, ())),
            Err(e) => Err(e),
            Ok(d) => Ok(Step::Continue(d.status)),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::parse_node_time;

    #[test]
    fn node_time_parses() {
        assert_eq!(parse_node_time("1970-01-01 00:00:10"), Some(10));
        assert_eq!(parse_node_time("2024-11-25 16:03:27"), Some(1_732_550_607));
        assert_eq!(parse_node_time("garbage"), None);
        assert_eq!(parse_node_time("2024-13-01 00:00:00"), None);
    }
}
