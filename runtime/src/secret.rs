//! A secret the API answers (an application's AppSecret, a callback key):
//! kept out of `Debug` and logs, read only by asking for it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `scheme://user:password@host…` as `scheme://***@host…`, any other text as
/// it is: a URL as shown in messages, `Debug` and dry runs. (A password in
/// the server URL is a secret like the others.)
pub fn without_userinfo(text: &str) -> String {
    if let Some((scheme, rest)) = text.split_once("://") {
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest.get(..authority_end).and_then(|authority| authority.rfind('@')) {
            return format!("{scheme}://***@{}", rest.get(at + 1..).unwrap_or_default());
        }
    }
    text.to_owned()
}

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
