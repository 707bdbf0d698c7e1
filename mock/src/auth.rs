//! The gateway's checks, in its order: required headers (441), token (442),
//! then the mock's own: a malformed header (446), signature (443), timestamp
//! window (444) and nonce reuse (445). The last four codes are the mock's
//! choice; the schema marks them `mockOnly`.
//!
//! An agent operation (SaaS mode) needs the agent's pair, any other the
//! company's; the other pair may come too (an agent acting for a company),
//! and is then checked as strictly, over the same timestamp and nonce.
//!
//! The signature is checked over the header text as sent: a timestamp must be
//! plain digits (no sign, no leading zeros), so the text and the number agree.
//! A nonce stays used for its whole window; when the store of used nonces is
//! full, further requests are refused (rate limited) rather than an old nonce
//! forgotten early, which would let it be replayed.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use hyper::HeaderMap;

use qiyuesuo_runtime::Clock;
use qiyuesuo_runtime::signing::{
    ACCESS_TOKEN_HEADER, AGENT_ACCESS_TOKEN_HEADER, AGENT_SIGNATURE_HEADER, NONCE_HEADER, SIGNATURE_HEADER,
    SystemClock, TIMESTAMP_HEADER, signature,
};

/// How far a timestamp may be from the mock's clock.
pub const TIMESTAMP_WINDOW_MS: u64 = 5 * 60 * 1000;
/// How long a nonce stays used.
pub const NONCE_WINDOW_MS: u64 = 10 * 60 * 1000;
/// Nonces remembered within one window at most, by default; past this,
/// requests are refused.
pub const DEFAULT_NONCE_CAPACITY: usize = 100_000;
/// The longest nonce accepted (a UUID has 36 characters).
const MAX_NONCE_CHARS: usize = 128;

/// Why a request was turned away: the schema name of the code, and the message.
#[derive(Debug)]
pub(crate) struct Rejection {
    pub code_name: &'static str,
    pub message: String,
}

fn reject(code_name: &'static str, message: impl Into<String>) -> Rejection {
    Rejection { code_name, message: message.into() }
}

/// The gateway's message; for the agent's pair, with the header it is about.
fn named(message: &str, pair: &Pair, header: &str) -> String {
    if pair.is_agent() { format!("{message},{header}") } else { message.to_owned() }
}

fn malformed(header: &str) -> Rejection {
    reject("HEADER_MALFORMED", format!("HEADER MALFORMED,{header}"))
}

/// A token and secret the mock accepts, and the headers that carry them.
pub(crate) struct Pair {
    pub token: String,
    pub secret: String,
    token_header: &'static str,
    signature_header: &'static str,
}

impl Pair {
    /// The company's pair.
    pub fn company(token: String, secret: String) -> Self {
        Pair { token, secret, token_header: ACCESS_TOKEN_HEADER, signature_header: SIGNATURE_HEADER }
    }

    /// An agent's pair (SaaS mode).
    pub fn agent(token: String, secret: String) -> Self {
        Pair { token, secret, token_header: AGENT_ACCESS_TOKEN_HEADER, signature_header: AGENT_SIGNATURE_HEADER }
    }

    /// Whether this is the agent's pair: its refusals name its headers.
    fn is_agent(&self) -> bool {
        self.token_header == AGENT_ACCESS_TOKEN_HEADER
    }
}

/// The credentials the mock accepts and the nonces it has seen.
pub(crate) struct Gate {
    pub company: Pair,
    pub agent: Pair,
    pub require_nonce: bool,
    nonce_capacity: usize,
    seen: Mutex<Seen>,
}

/// Nonces used within the window, oldest first.
#[derive(Default)]
struct Seen {
    order: VecDeque<(u64, String)>,
    set: HashSet<String>,
}

impl Gate {
    pub fn new(company: Pair, agent: Pair, require_nonce: bool, nonce_capacity: usize) -> Self {
        Gate { company, agent, require_nonce, nonce_capacity, seen: Mutex::new(Seen::default()) }
    }

    /// Checks one request's signing headers; `agent`: the operation is an
    /// agent operation (SaaS mode), which needs the agent's pair.
    pub fn check(&self, headers: &HeaderMap, agent: bool) -> Result<(), Rejection> {
        // Absent (or empty) is `None`; present but not text is malformed.
        let get = |name: &'static str| -> Result<Option<&str>, Rejection> {
            match headers.get(name) {
                None => Ok(None),
                Some(value) => value.to_str().map(|v| Some(v).filter(|v| !v.is_empty())).map_err(|_| malformed(name)),
            }
        };
        let (needed, other) = if agent { (&self.agent, &self.company) } else { (&self.company, &self.agent) };
        let mut required = vec![needed.token_header, TIMESTAMP_HEADER, needed.signature_header];
        if self.require_nonce {
            required.insert(2, NONCE_HEADER);
        }
        // The other pair is optional, but whole: a token without its signature is not signed.
        let other_sent = get(other.token_header)?.is_some() || get(other.signature_header)?.is_some();
        if other_sent {
            required.extend([other.token_header, other.signature_header]);
        }
        for name in &required {
            if get(name)?.is_none() {
                return Err(reject("HEADER_REQUIRED", format!("HEADER REQUIRED,{name}")));
            }
        }
        let pairs: &[&Pair] = if other_sent { &[needed, other] } else { &[needed] };
        let text = |name| get(name).ok().flatten().unwrap_or_default();
        for pair in pairs {
            if text(pair.token_header) != pair.token {
                return Err(reject("INVALID_TOKEN", named("INVALID TOKEN", pair, pair.token_header)));
            }
        }
        let timestamp = text(TIMESTAMP_HEADER);
        let millis = plain_millis(timestamp).ok_or_else(|| malformed(TIMESTAMP_HEADER))?;
        let nonce = get(NONCE_HEADER)?;
        if nonce.is_some_and(|n| !sane_nonce(n)) {
            return Err(malformed(NONCE_HEADER));
        }
        for pair in pairs {
            // The number and the text agree (plain digits), so this is the text as sent.
            if text(pair.signature_header) != signature(&pair.token, &pair.secret, millis, nonce) {
                return Err(reject("INVALID_SIGNATURE", named("INVALID SIGNATURE", pair, pair.signature_header)));
            }
        }
        let now = SystemClock.now_millis();
        if now.abs_diff(millis) > TIMESTAMP_WINDOW_MS {
            return Err(reject("TIMESTAMP_EXPIRED", "TIMESTAMP EXPIRED"));
        }
        if let Some(nonce) = nonce {
            self.use_nonce(nonce, now)?;
        }
        Ok(())
    }

    fn use_nonce(&self, nonce: &str, now: u64) -> Result<(), Rejection> {
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forget only what the window has passed.
        while let Some((at, _)) = seen.order.front() {
            if now.saturating_sub(*at) <= NONCE_WINDOW_MS {
                break;
            }
            if let Some((_, old)) = seen.order.pop_front() {
                seen.set.remove(&old);
            }
        }
        if seen.set.contains(nonce) {
            return Err(reject("NONCE_REUSED", "NONCE REUSED"));
        }
        if seen.order.len() >= self.nonce_capacity {
            let minutes = NONCE_WINDOW_MS / 60_000;
            let message = format!("RATE LIMITED,more than {} nonces within {minutes} minutes", self.nonce_capacity);
            return Err(reject("RATE_LIMITED", message));
        }
        seen.set.insert(nonce.to_owned());
        seen.order.push_back((now, nonce.to_owned()));
        Ok(())
    }
}

/// Unix milliseconds in plain digits: no sign, no leading zeros, at most 16 digits.
fn plain_millis(text: &str) -> Option<u64> {
    let plain = !text.is_empty()
        && text.len() <= 16
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    plain.then(|| text.parse().ok()).flatten()
}

/// At most 128 letters, digits and `-_.~` (a UUID, or any client's token).
fn sane_nonce(nonce: &str) -> bool {
    nonce.len() <= MAX_NONCE_CHARS && nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_plain_digits_and_nonces_short_and_plain() {
        assert_eq!(super::plain_millis("1700000000000"), Some(1_700_000_000_000));
        for bad in ["+1700000000000", "01700000000000", "1700000000000 ", "17e11", "", "12345678901234567"] {
            assert_eq!(super::plain_millis(bad), None, "{bad:?}");
        }
        assert!(super::sane_nonce("254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0"));
        assert!(!super::sane_nonce(&"n".repeat(129)));
        assert!(!super::sane_nonce("a b") && !super::sane_nonce("ü"));
    }
}
