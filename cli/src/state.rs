//! Where the embedded mock (no `--server`, or `--server mock`) keeps its
//! contracts between commands, so a lifecycle typed as separate commands
//! works: `$QYS_MOCK_STATE`, else `$XDG_STATE_HOME/qys/mock`, else
//! `~/.local/state/qys/mock`. Each command holds the directory's lock file
//! from loading the contracts to writing them back, so concurrent `qys`
//! processes take turns. Deleting the directory starts afresh.

use std::fs::File;
use std::path::{Path, PathBuf};

use qiyuesuo::mock::MockServer;

/// The directory, if one can be named (no `HOME` and no variable: none).
pub fn dir() -> Option<PathBuf> {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("QYS_MOCK_STATE") {
        return Some(dir);
    }
    let base = set("XDG_STATE_HOME").or_else(|| set("HOME").map(|home| home.join(".local").join("state")))?;
    Some(base.join("qys").join("mock"))
}

/// The directory's lock file, created with the directory (its owner's alone).
pub fn lock_file(dir: &Path) -> Result<fd_lock::RwLock<File>, String> {
    crate::config_file::private_dir(dir).map_err(|e| format!("the embedded mock's state, {e}"))?;
    let path = dir.join("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("the embedded mock's state, {}: {e}", path.display()))?;
    Ok(fd_lock::RwLock::new(file))
}

/// The embedded mock, whose contracts are written back when the command ends.
pub struct Kept(pub MockServer);

impl Drop for Kept {
    fn drop(&mut self) {
        if let Err(error) = self.0.save_state() {
            eprintln!("qys: the embedded mock's contracts were not kept: {error}");
        }
    }
}
