//! Timeouts and call settings: defaults on every client, overridable per
//! client (the builder) and per call (`Client::with_options`). The retry
//! policy itself is `retry`'s.

use std::time::Duration;

use crate::pages::WalkLimits;
use crate::retry::RetryPolicy;

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Default time allowed for one attempt, from sending to the last byte of the answer.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time allowed for a whole call: every attempt and every wait between them.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);
/// Default cap on the size of a JSON answer.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Settings for the calls made through one client handle; `None` keeps the client's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// Time allowed to open a connection (a new connection pool when it differs).
    pub connect_timeout: Option<Duration>,
    /// Time allowed for one attempt.
    pub attempt_timeout: Option<Duration>,
    /// Time allowed for the whole call.
    pub total_timeout: Option<Duration>,
    /// When to retry.
    pub retry: Option<RetryPolicy>,
    /// The largest file a download may bring (none by default).
    pub max_download_bytes: Option<u64>,
    /// How far a page walk (`…_all`) may go.
    pub walk: Option<WalkLimits>,
    /// Build each call as if to send it, then do not: the call returns
    /// `Error::DryRun` with what it would have sent.
    pub dry_run: bool,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Calls through this handle send nothing: each is validated, encoded
    /// and signed, then returned as `Error::DryRun` with its `Preview`.
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }

    /// Overrides the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Overrides the attempt timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Overrides the total timeout.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Overrides the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Caps a download's size: a larger file is an error, read no further
    /// (and `save` leaves nothing behind).
    pub fn max_download_bytes(mut self, bytes: u64) -> Self {
        self.max_download_bytes = Some(bytes);
        self
    }

    /// Bounds page walks (`…_all`) made through this handle.
    pub fn walk_limits(mut self, limits: WalkLimits) -> Self {
        self.walk = Some(limits);
        self
    }
}

/// The settings in force for a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub connect_timeout: Duration,
    pub attempt_timeout: Duration,
    pub total_timeout: Duration,
    pub retry: RetryPolicy,
    pub max_body_bytes: usize,
    pub max_download_bytes: Option<u64>,
    pub walk: WalkLimits,
    pub dry_run: bool,
}

impl Settings {
    pub fn with(mut self, options: CallOptions) -> Settings {
        self.connect_timeout = options.connect_timeout.unwrap_or(self.connect_timeout);
        self.attempt_timeout = options.attempt_timeout.unwrap_or(self.attempt_timeout);
        self.total_timeout = options.total_timeout.unwrap_or(self.total_timeout);
        self.retry = options.retry.unwrap_or(self.retry);
        self.max_download_bytes = options.max_download_bytes.or(self.max_download_bytes);
        self.walk = options.walk.unwrap_or(self.walk);
        self.dry_run |= options.dry_run;
        self
    }
}
