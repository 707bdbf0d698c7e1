//! The AppToken and AppSecret. Both are kept as secrets: wiped from memory on
//! drop and never shown by `Debug`.

use std::fmt;

use secrecy::SecretString;

/// The access token (AppToken) and access secret (AppSecret).
#[derive(Clone)]
pub struct Credentials {
    pub(crate) access_token: SecretString,
    pub(crate) access_secret: SecretString,
}

impl Credentials {
    /// Credentials from the open platform console.
    pub fn new(access_token: impl Into<String>, access_secret: impl Into<String>) -> Self {
        Credentials {
            access_token: SecretString::from(access_token.into()),
            access_secret: SecretString::from(access_secret.into()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_token", &"<redacted>")
            .field("access_secret", &"<redacted>")
            .finish()
    }
}
