//! A secret the API answers (an application's AppSecret, a callback key):
//! kept out of `Debug` and logs, read only by asking for it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Text the API answers that must not be shown: its `Debug` is
/// `Secret(<redacted>)`; [`Secret::expose`] reads it.
///
/// ```
/// use qiyuesuo_runtime::Secret;
///
/// let secret: Secret = serde_json::from_str("\"s3cr3t\"").unwrap();
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// assert_eq!(secret.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret with this text.
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// Its text. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}
