//! Where the AppSecret (and an agent's secret, `--agent-secret…`) comes
//! from, most private first: a file (or standard input, `-`) named by
//! `--access-secret-file` or `QYS_ACCESS_SECRET_FILE`; `QYS_ACCESS_SECRET`;
//! `--access-secret`, which other users of the machine can read in the
//! process list, and so draws a warning. Never echoed.

use std::io::Read;
use std::path::Path;

use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::args::{ACCESS_SECRET, ACCESS_SECRET_FILE, AGENT_SECRET, AGENT_SECRET_FILE};

/// The secret in a file (`-`: standard input), its line ending dropped; an
/// error starts with `what` (the flag, variable or setting that named the
/// file). One rule wherever the file is named: others may not read it.
pub fn read_file(path: &str, what: &str) -> Result<String, String> {
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text)
    } else {
        private(Path::new(path)).map_err(|e| format!("{what}: {e}"))?;
        std::fs::File::open(path).and_then(|mut file| file.read_to_string(&mut text))
    };
    read.map_err(|e| format!("{what}: cannot read {path}: {e}"))?;
    let secret = text.trim_end_matches(['\r', '\n']).to_owned();
    if secret.is_empty() {
        return Err(format!("{what}: {path} holds no secret"));
    }
    Ok(secret)
}

/// A file that holds a secret is readable and writable by its owner alone
/// (a secret file, or the config file when a profile keeps a secret in it).
#[cfg(unix)]
pub fn private(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(format!(
            "{} holds a secret but others may read it (mode {:o}); run: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn private(_path: &Path) -> Result<(), String> {
    Ok(())
}

/// The secret, if one was given; an error names where it could not be read.
/// `real`: a secret for a real server (not the mock's own), warned about on argv.
pub fn access_secret(matches: &ArgMatches, real: bool) -> Result<Option<String>, String> {
    secret(matches, real, ACCESS_SECRET, ACCESS_SECRET_FILE, "QYS_ACCESS_SECRET")
}

/// The agent's secret (SaaS mode), from its own flags, as [`access_secret`].
pub fn agent_secret(matches: &ArgMatches, real: bool) -> Result<Option<String>, String> {
    secret(matches, real, AGENT_SECRET, AGENT_SECRET_FILE, "QYS_AGENT_SECRET")
}

fn secret(matches: &ArgMatches, real: bool, flag: &str, file_flag: &str, env: &str) -> Result<Option<String>, String> {
    if let Some(path) = matches.get_one::<String>(file_flag) {
        let what = match matches.value_source(file_flag) {
            Some(ValueSource::EnvVariable) => format!("{env}_FILE"),
            _ => format!("--{file_flag}"),
        };
        return read_file(path, &what).map(Some);
    }
    if real && matches.value_source(flag) == Some(ValueSource::CommandLine) {
        eprintln!(
            "warning: --{flag} on the command line can be read by other users of this machine (the process \
             list); use --{file_flag} FILE (or -, standard input) or {env}"
        );
    }
    Ok(matches.get_one::<String>(flag).cloned())
}
