//! The budget that stops a failing server from being hammered: retries are
//! spent from a bucket every call refills a little.

use std::sync::atomic::{AtomicU32, Ordering};

/// A token bucket shared by a client's calls: every call deposits a fifth
/// of a token, every retry spends one. While the server keeps failing,
/// retries stop at about 0.2 per call; a burst of up to `capacity` retries
/// is allowed before that. Counted in tenths, so the arithmetic is exact; an
/// atomic rather than a lock, since every call deposits.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tenths: AtomicU32,
    capacity_tenths: u32,
}

/// Tenths of a token each call adds, and each retry spends.
const DEPOSIT: u32 = 2;
const COST: u32 = 10;

/// Retries a new client may make in a burst.
pub(crate) const DEFAULT_BUDGET_RETRIES: u32 = 10;

impl RetryBudget {
    pub fn new(retries: u32) -> Self {
        let capacity_tenths = retries.saturating_mul(COST);
        RetryBudget { tenths: AtomicU32::new(capacity_tenths), capacity_tenths }
    }

    pub fn deposit(&self) {
        // A full bucket, the usual case, needs no write.
        let _ = self.tenths.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tenths| {
            (tenths < self.capacity_tenths).then(|| tenths.saturating_add(DEPOSIT).min(self.capacity_tenths))
        });
    }

    /// Spends a token for a retry, if there is one.
    pub fn withdraw(&self) -> bool {
        self.tenths.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tenths| tenths.checked_sub(COST)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_allows_a_burst_then_a_fifth_of_a_retry_per_call() {
        let budget = RetryBudget::new(2);
        assert!(budget.withdraw() && budget.withdraw());
        assert!(!budget.withdraw());
        let mut retries = 0;
        for _ in 0..100 {
            budget.deposit();
            if budget.withdraw() {
                retries += 1;
            }
        }
        assert_eq!(retries, 20);
    }
}
