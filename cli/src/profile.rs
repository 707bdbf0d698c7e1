//! Named profiles: a config file of servers and credentials, chosen with
//! `--profile NAME` or `QYS_PROFILE`. A flag beats its environment variable,
//! which beats the profile. A file that holds a secret must be readable by its
//! owner alone, as ssh asks of a private key; the secret is never printed.
//!
//! ```toml
//! [profiles.sandbox]
//! server = "sandbox"
//! access_token = "…"
//! access_secret_file = "/home/me/.config/qys/sandbox.secret"   # or access_secret = "…"
//! agent_token = "…"                                            # SaaS mode, with
//! agent_secret_file = "/home/me/.config/qys/agent.secret"      # or agent_secret = "…"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use qiyuesuo::runtime::__hooks::without_userinfo;
use serde::Deserialize;

use crate::args::{
    ACCESS_SECRET, ACCESS_SECRET_FILE, ACCESS_TOKEN, AGENT_SECRET, AGENT_SECRET_FILE, AGENT_TOKEN, CONFIG, PROFILE,
    SERVER,
};

/// The config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One profile: any of the connection settings.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub server: Option<String>,
    pub access_token: Option<String>,
    access_secret: Option<String>,
    pub access_secret_file: Option<String>,
    pub agent_token: Option<String>,
    agent_secret: Option<String>,
    pub agent_secret_file: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("server", &self.server)
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .field("access_secret", &self.access_secret.as_ref().map(|_| "<redacted>"))
            .field("access_secret_file", &self.access_secret_file)
            .field("agent_token", &self.agent_token.as_ref().map(|_| "<redacted>"))
            .field("agent_secret", &self.agent_secret.as_ref().map(|_| "<redacted>"))
            .field("agent_secret_file", &self.agent_secret_file)
            .finish()
    }
}

/// Where a setting in effect came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Environment,
    Profile,
    Unset,
}

impl Origin {
    pub fn name(self) -> &'static str {
        match self {
            Origin::Flag => "flag",
            Origin::Environment => "environment",
            Origin::Profile => "profile",
            Origin::Unset => "unset",
        }
    }
}

/// The connection settings in effect: each value with where it came from.
#[derive(Debug)]
pub struct Settings {
    pub profile: Option<String>,
    /// The config file read, or that would be.
    pub config: Option<PathBuf>,
    pub server: (Option<String>, Origin),
    pub access_token: (Option<String>, Origin),
    /// The secret's own text from the profile (a file or the flags are read
    /// by `secret.rs`).
    pub profile_secret: Option<String>,
    pub secret_origin: Origin,
    /// The agent's pair (SaaS mode), as the company's.
    pub agent_token: (Option<String>, Origin),
    pub profile_agent_secret: Option<String>,
    pub agent_secret_origin: Origin,
}

/// The default config file: `$XDG_CONFIG_HOME/qys/config.toml`, else
/// `~/.config/qys/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")))?;
    Some(base.join("qys").join("config.toml"))
}

fn origin(matches: &ArgMatches, id: &str) -> Origin {
    match matches.value_source(id) {
        Some(ValueSource::CommandLine) => Origin::Flag,
        Some(ValueSource::EnvVariable) => Origin::Environment,
        _ => Origin::Unset,
    }
}

/// The settings in effect for this run; an error names the file and what is wrong.
pub fn settings(matches: &ArgMatches) -> Result<Settings, String> {
    let chosen = matches.get_one::<String>(PROFILE).cloned();
    let config = matches.get_one::<String>(CONFIG).map(PathBuf::from).or_else(default_path);
    let profile = match (&chosen, &config) {
        (Some(name), Some(path)) => Some(load(path, name)?),
        (Some(_), None) => return Err("--profile: no config file: set --config, QYS_CONFIG or HOME".to_owned()),
        (None, _) => None,
    };
    let pick = |id: &str, from_profile: Option<&String>| {
        let given = matches.get_one::<String>(id).cloned();
        match (given, from_profile) {
            (Some(value), _) => (Some(value), origin(matches, id)),
            (None, Some(value)) => (Some(value.clone()), Origin::Profile),
            (None, None) => (None, Origin::Unset),
        }
    };
    let profile_ref = profile.as_ref();
    let (profile_secret, secret_origin) = secret_of(
        matches,
        [ACCESS_SECRET_FILE, ACCESS_SECRET],
        profile_ref.map(|p| (&p.access_secret, &p.access_secret_file)),
        "access_secret_file",
    )?;
    let (profile_agent_secret, agent_secret_origin) = secret_of(
        matches,
        [AGENT_SECRET_FILE, AGENT_SECRET],
        profile_ref.map(|p| (&p.agent_secret, &p.agent_secret_file)),
        "agent_secret_file",
    )?;
    Ok(Settings {
        server: pick(SERVER, profile_ref.and_then(|p| p.server.as_ref())),
        access_token: pick(ACCESS_TOKEN, profile_ref.and_then(|p| p.access_token.as_ref())),
        profile_secret,
        secret_origin,
        agent_token: pick(AGENT_TOKEN, profile_ref.and_then(|p| p.agent_token.as_ref())),
        profile_agent_secret,
        agent_secret_origin,
        profile: chosen,
        config,
    })
}

/// A secret's text from the profile (its own, or its file's) unless a flag
/// or the environment gives one (`secret.rs` reads those), and its origin.
fn secret_of(
    matches: &ArgMatches,
    flags: [&str; 2],
    profile: Option<(&Option<String>, &Option<String>)>,
    file_setting: &str,
) -> Result<(Option<String>, Origin), String> {
    if let Some(id) = flags.into_iter().find(|id| matches.get_one::<String>(id).is_some()) {
        return Ok((None, origin(matches, id)));
    }
    Ok(match profile {
        Some((Some(secret), _)) => (Some(secret.clone()), Origin::Profile),
        Some((None, Some(path))) => (Some(crate::secret::read_file(path, file_setting)?), Origin::Profile),
        _ => (None, Origin::Unset),
    })
}

fn load(path: &Path, name: &str) -> Result<Profile, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("--profile {name}: cannot read {shown}: {e}"))?;
    let file: File = toml::from_str(&text).map_err(|e| format!("{shown}: {}", config_error(&e, &text)))?;
    let holds_secret = file.profiles.values().any(|p| p.access_secret.is_some() || p.agent_secret.is_some());
    if holds_secret {
        crate::secret::private(path)?;
    }
    let mut profiles = file.profiles;
    profiles.remove(name).ok_or_else(|| {
        let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
        let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
        format!("{shown} has no profile `{name}` (it has: {known})")
    })
}

/// A config file's error without the values it quotes: a secret written
/// unquoted (`access_secret = 123456`) is a type error whose message would
/// show it. The line and the key's name are enough to find it.
fn config_error(error: &toml::de::Error, text: &str) -> String {
    let line = error.span().map(|span| text.get(..span.start).unwrap_or_default().matches('\n').count() + 1);
    let message = error.message();
    // serde quotes the offending value in backticks after "invalid type: KIND" or
    // "invalid value: KIND"; keys and expectations may stay.
    let shown = match message.split_once('`') {
        Some((before, rest)) if before.starts_with("invalid type:") || before.starts_with("invalid value:") => {
            let after = rest.split_once('`').map_or("", |(_, after)| after);
            format!("{}{after}", before.trim_end())
        }
        _ => message.to_owned(),
    };
    match line {
        Some(line) => format!("line {line}: {shown}"),
        None => shown,
    }
}

/// `qys config show`: what is in effect and where each value comes from,
/// the token and secret shown only as set or not.
pub fn show(settings: &Settings, secret_set: bool, agent_secret_set: bool) -> serde_json::Value {
    let hidden = |set: bool| if set { "<redacted>" } else { "" };
    serde_json::json!({
        "profile": settings.profile,
        "server": {
            "value": settings.server.0.as_deref().map_or("mock (none given)".to_owned(), without_userinfo),
            "from": settings.server.1.name(),
        },
        "accessToken": {"value": hidden(settings.access_token.0.is_some()), "from": settings.access_token.1.name()},
        "accessSecret": {"value": hidden(secret_set), "from": settings.secret_origin.name()},
        "agentToken": {"value": hidden(settings.agent_token.0.is_some()), "from": settings.agent_token.1.name()},
        "agentSecret": {"value": hidden(agent_secret_set), "from": settings.agent_secret_origin.name()},
        "configFile": settings.config.as_ref().map(|p| p.display().to_string()),
    })
}
