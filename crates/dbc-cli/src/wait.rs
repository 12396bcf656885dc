//! Waiting for a VM status with a spinner on stderr (hidden when stderr is not a terminal or
//! with `--json`); Ctrl-C stops waiting without touching the VM.

use crate::error::{CliError, CliResult};
use dbc_api::{Client, WaitOptions};
use dbc_types::models::{TaskDetails, TaskStatus};
use dbc_types::{NodeId, TaskId};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

/// A spinner on stderr, or a hidden one when stderr is not a terminal or `json` is set.
pub fn spinner(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        pb.set_style(style);
    }
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// What to wait for.
pub struct WaitSpec<'a> {
    /// The node.
    pub node: &'a NodeId,
    /// The VM.
    pub task: &'a TaskId,
    /// Target status text (`running`, `closed`, …).
    pub status: &'a str,
    /// Give up after this long.
    pub timeout: Duration,
    /// Poll interval.
    pub poll: Duration,
    /// Hide the spinner.
    pub json: bool,
}

/// Waits until the VM has `spec.status` (or an error status), showing a spinner.
///
/// # Errors
/// The task ends in an error status, the wait times out or is interrupted, or a status poll fails.
pub async fn wait_status(client: &Client, spec: WaitSpec<'_>) -> CliResult<TaskDetails> {
    let pb = spinner(spec.json);
    let label = spec.task.to_string();
    let target = spec.status.to_owned();
    pb.set_message(format!("{label}: waiting for `{target}`"));
    let pb2 = pb.clone();
    let label2 = label.clone();
    let target2 = target.clone();
    let on_progress: dbc_api::ProgressFn = Arc::new(move |s: &TaskStatus, elapsed: Duration| {
        pb2.set_message(format!(
            "{label2}: {s} ({}s, waiting for `{target2}`)",
            elapsed.as_secs()
        ));
    });
    let opts = {
        let mut v = WaitOptions::default();
        v.timeout = spec.timeout;
        v.poll_interval = spec.poll;
        v.on_progress = Some(on_progress);
        v
    };
    let target3 = target.clone();
    let node_client = client.node(spec.node);
    let task = node_client.task(spec.task);
    let fut = task.wait_for(move |s: &TaskStatus| s.as_str() == target3, opts);
    let result = tokio::select! {
        r = fut => r,
        _ = tokio::signal::ctrl_c() => {
            pb.finish_and_clear();
            return Err(CliError::Interrupted(format!(
                "interrupted: stopped waiting for {label}; the VM keeps being created/changed on the node. Check it with `dbc vm info {} {label}`",
                spec.node
            )));
        }
    };
    pb.finish_and_clear();
    let details = result?;
    if details.status.as_str() != target && details.status.is_error() {
        return Err(CliError::Failed(format!(
            "{label} ended in status `{}` instead of `{target}`; see `dbc vm logs {} {label}`",
            details.status, spec.node
        )));
    }
    Ok(details)
}
