//! Constructors and chainable setters of the option structs users build.

use crate::client::{CallOptions, RetryPolicy};
use crate::credentials::Credentials;
use crate::tasks::{ProgressFn, WaitOptions};
use dbc_types::models::TaskStatus;
use dbc_types::RentOrder;
use std::sync::Arc;
use std::time::Duration;

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        CallOptions::default()
    }
    /// Use these credentials instead of the client's.
    #[must_use]
    pub fn credentials(mut self, c: Credentials) -> Self {
        self.credentials = Some(c);
        self
    }
    /// Send this `rent_order` (per-GPU rentals).
    #[must_use]
    pub fn rent_order(mut self, r: RentOrder) -> Self {
        self.rent_order = Some(r);
        self
    }
    /// Whole-request timeout for this call.
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
}

impl RetryPolicy {
    /// The default policy: 2 retries, 250 ms first backoff, 5 s at most.
    pub fn new() -> Self {
        RetryPolicy::default()
    }
    /// Retries after the first attempt.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }
    /// First backoff (doubled per retry, ±50 % jitter).
    #[must_use]
    pub fn base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }
    /// Upper bound of one backoff.
    #[must_use]
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }
}

impl WaitOptions {
    /// The defaults: 60 min timeout, a poll every 5 s, no progress callback.
    pub fn new() -> Self {
        WaitOptions::default()
    }
    /// Give up after this long.
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    /// Time between polls.
    #[must_use]
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = d;
        self
    }
    /// Called after every poll with the status seen and the time waited so far.
    #[must_use]
    pub fn on_progress(
        mut self,
        f: impl Fn(&TaskStatus, Duration) + Send + Sync + 'static,
    ) -> Self {
        let f: ProgressFn = Arc::new(f);
        self.on_progress = Some(f);
        self
    }
}
