//! The gateway's checks, in its order: required headers (441), token (442),
//! then the mock's own: signature (443), timestamp window (444) and nonce
//! reuse (445). The last three codes are the mock's choice; the schema marks
//! them `mockOnly`.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use hyper::HeaderMap;

use qiyuesuo_runtime::Clock;
use qiyuesuo_runtime::signing::{
    ACCESS_TOKEN_HEADER, NONCE_HEADER, SIGNATURE_HEADER, SystemClock, TIMESTAMP_HEADER, signature,
};

/// How far a timestamp may be from the mock's clock.
pub const TIMESTAMP_WINDOW_MS: u64 = 5 * 60 * 1000;
/// How long a nonce stays used.
pub const NONCE_WINDOW_MS: u64 = 10 * 60 * 1000;
/// Nonces remembered at most; past this the oldest are forgotten early.
const NONCE_CAPACITY: usize = 100_000;

/// Why a request was turned away: the schema name of the code, and the message.
#[derive(Debug)]
pub(crate) struct Rejection {
    pub code_name: &'static str,
    pub message: String,
}

fn reject(code_name: &'static str, message: impl Into<String>) -> Rejection {
    Rejection { code_name, message: message.into() }
}

/// The credentials the mock accepts and the nonces it has seen.
pub(crate) struct Gate {
    pub access_token: String,
    pub access_secret: String,
    pub require_nonce: bool,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    order: VecDeque<(u64, String)>,
    set: HashSet<String>,
}

impl Gate {
    pub fn new(access_token: String, access_secret: String, require_nonce: bool) -> Self {
        Gate { access_token, access_secret, require_nonce, seen: Mutex::new(Seen::default()) }
    }

    /// Checks one request's signing headers.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), Rejection> {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty());
        let mut required = vec![ACCESS_TOKEN_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER];
        if self.require_nonce {
            required.insert(2, NONCE_HEADER);
        }
        if let Some(missing) = required.iter().find(|name| get(name).is_none()) {
            return Err(reject("HEADER_REQUIRED", format!("HEADER REQUIRED,{missing}")));
        }
        let (Some(token), Some(timestamp), Some(signed)) =
            (get(ACCESS_TOKEN_HEADER), get(TIMESTAMP_HEADER), get(SIGNATURE_HEADER))
        else {
            return Err(reject("HEADER_REQUIRED", "HEADER REQUIRED"));
        };
        if token != self.access_token {
            return Err(reject("INVALID_TOKEN", "INVALID TOKEN"));
        }
        let Ok(millis) = timestamp.parse::<u64>() else {
            return Err(reject(
                "TIMESTAMP_EXPIRED",
                format!("TIMESTAMP EXPIRED,{TIMESTAMP_HEADER} is not Unix milliseconds"),
            ));
        };
        let nonce = get(NONCE_HEADER);
        let expected = signature(&self.access_token, &self.access_secret, millis, nonce);
        if signed != expected {
            return Err(reject("INVALID_SIGNATURE", "INVALID SIGNATURE"));
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
        while let Some((at, _)) = seen.order.front() {
            if now.saturating_sub(*at) <= NONCE_WINDOW_MS && seen.order.len() < NONCE_CAPACITY {
                break;
            }
            if let Some((_, old)) = seen.order.pop_front() {
                seen.set.remove(&old);
            }
        }
        if !seen.set.insert(nonce.to_owned()) {
            return Err(reject("NONCE_REUSED", "NONCE REUSED"));
        }
        seen.order.push_back((now, nonce.to_owned()));
        Ok(())
    }
}
