//! `qys config init` and `qys config set`: the profiles file written by
//! `qys` itself, readable by its owner alone (mode 0600, in a 0700
//! directory), whole or not at all (a temporary file renamed into place),
//! its comments and layout kept. Secrets go in a file of their own, named by
//! `access_secret_file`, never on the command line.

use std::io::Write as _;
use std::path::Path;

/// The keys `config set` writes.
const KEYS: [&str; 5] = ["server", "access_token", "access_secret_file", "agent_token", "agent_secret_file"];

const TEMPLATE: &str = "# qys profiles: qys --profile NAME …, or QYS_PROFILE=NAME.\n\
# Keep secrets in files of their own (mode 600) named by access_secret_file.\n\
#\n\
# [profiles.sandbox]\n\
# server = \"sandbox\"\n\
# access_token = \"…\"\n\
# access_secret_file = \"/home/me/.config/qys/sandbox.secret\"\n";

/// Creates the file with a commented template; refuses one that exists.
pub fn init(path: &Path) -> Result<String, String> {
    if path.exists() {
        return Err(format!("{} exists already: edit it, or use qys config set", path.display()));
    }
    write_private(path, TEMPLATE)?;
    Ok(format!("wrote {}", path.display()))
}

/// Sets `key` to `value` in profile `name`, creating the file and the
/// profile as needed.
pub fn set(path: &Path, name: &str, key: &str, value: &str) -> Result<String, String> {
    if key == "access_secret" || key == "agent_secret" {
        return Err(format!(
            "{key}: keep the secret in a file of its own (chmod 600) and set {key}_file to its path; a secret \
             given here would sit in shell history"
        ));
    }
    if !KEYS.contains(&key) {
        return Err(format!("`{key}` is not a profile setting: say one of {}", KEYS.join(", ")));
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let mut document: toml_edit::DocumentMut =
        text.parse().map_err(|e: toml_edit::TomlError| format!("{}: {}", path.display(), e.message()))?;
    let profiles = document
        .entry("profiles")
        .or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            table.set_implicit(true);
            toml_edit::Item::Table(table)
        })
        .as_table_like_mut()
        .ok_or_else(|| format!("{}: `profiles` is not a table", path.display()))?;
    let profile = profiles
        .entry(name)
        .or_insert(toml_edit::Item::Table(toml_edit::Table::new()))
        .as_table_like_mut()
        .ok_or_else(|| format!("{}: `profiles.{name}` is not a table", path.display()))?;
    profile.insert(key, toml_edit::value(value));
    write_private(path, &document.to_string())?;
    Ok(format!("set {key} in profile {name} of {}", path.display()))
}

/// Creates `dir` (and its parents) readable by its owner alone (mode 0700).
pub fn private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// `text` at `path`, mode 0600, written whole under a temporary name first.
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    let shown = path.display();
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        private_dir(dir)?;
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.part", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temporary)
        .and_then(|mut file| file.write_all(text.as_bytes()).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("{shown}: {e}")
    })
}
