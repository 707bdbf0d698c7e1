//! Retrying, in one home (as smithy-rs keeps it): `classify` says what a
//! failed attempt was and whether sending it again could help, `policy` how
//! many attempts a call makes and how long it waits between them, `budget`
//! how many retries a client may spend while a server keeps failing. The
//! call loop (`core`) asks all three, in that order, after each failure.

mod budget;
mod classify;
mod policy;

pub(crate) use budget::{DEFAULT_BUDGET_RETRIES, RetryBudget};
pub(crate) use classify::{Failure, may_retry};
pub use policy::RetryPolicy;
pub(crate) use policy::retry_after;
