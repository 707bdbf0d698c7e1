//! The workspace's integration tests: one binary, one module per subject.
//!
//! One binary rather than one per file: each links the whole generated client
//! (with `mock` and `blocking`), so two dozen binaries spent most of CI's time
//! and disk in the linker. Modules that need process-wide state keep it to
//! themselves: `redaction` captures logs through a thread-local subscriber, not
//! a global one, so the other modules' tests neither feed nor disturb it.

mod common;

mod agreement;
mod architecture;
mod bad_input;
mod blocking;
mod browser;
mod callbacks;
mod client;
mod codes;
mod downloads;
mod examples;
mod fixtures;
mod http_settings;
mod lifecycle;
mod mock;
mod mock_hostile;
mod operations_doc;
mod properties;
mod redaction;
mod redirects;
mod reliability;
mod schema_errors;
mod signing;
mod snapshots;
mod test_kit;
mod traits;
mod uploads;
mod walks;
