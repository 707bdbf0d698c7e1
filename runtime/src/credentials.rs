//! The AppToken and AppSecret, and an agent's pair in SaaS mode. All are kept
//! as secrets: wiped from memory on drop and never shown by `Debug`.

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

/// An agent's token and secret (SaaS mode, 代理商): the agent acts for the
/// companies it serves, and signs every request with this pair besides the
/// company's own, when it acts for one. A type of its own, so the two pairs
/// cannot be swapped by mistake; kept as the company's are.
#[derive(Clone)]
pub struct AgentCredentials(pub(crate) Credentials);

impl AgentCredentials {
    /// The agent's credentials from the open platform.
    pub fn new(agent_token: impl Into<String>, agent_secret: impl Into<String>) -> Self {
        AgentCredentials(Credentials::new(agent_token, agent_secret))
    }
}

impl fmt::Debug for AgentCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentCredentials")
            .field("agent_token", &"<redacted>")
            .field("agent_secret", &"<redacted>")
            .finish()
    }
}
