//! A mock's contracts kept in a directory between runs
//! ([`crate::MockBuilder::state_dir`]): `contracts.json` holds the records and
//! the next id, `documents/ID` each document's bytes. Files are written whole
//! under a temporary name and renamed into place, so a reader sees the old
//! state or the new one; two writers must not overlap (`qys` holds a lock
//! file around each command). The directory is the owner's alone (mode 0700).

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use bytes::Bytes;

use super::contracts::Saved;

const CONTRACTS: &str = "contracts.json";
const DOCUMENTS: &str = "documents";

/// The kept state in `dir`, if there is one.
pub(crate) fn load(dir: &Path) -> Result<Option<Saved>, String> {
    let file = dir.join(CONTRACTS);
    let text = match std::fs::read(&file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("{}: {error}", file.display())),
    };
    let mut saved: Saved = serde_json::from_slice(&text).map_err(|e| {
        format!("{}: not a state this mock kept ({e}); delete the directory to start afresh", file.display())
    })?;
    let documents = dir.join(DOCUMENTS);
    saved
        .fill_documents(|id| std::fs::read(documents.join(id.to_string())).map(Bytes::from))
        .map_err(|e| format!("{}: a document is missing ({e})", documents.display()))?;
    Ok(Some(saved))
}

/// Writes `saved` to `dir`: new documents, then the records; documents no
/// contract holds any more are removed.
pub(crate) fn save(dir: &Path, saved: &Saved) -> Result<(), String> {
    let documents = dir.join(DOCUMENTS);
    private_dir(&documents)?;
    let mut kept = HashSet::new();
    for (id, bytes) in saved.documents() {
        let name = id.to_string();
        let path = documents.join(&name);
        // A document never changes once added: its file is written once.
        if !path.exists() {
            write_whole(&documents, &name, bytes)?;
        }
        kept.insert(name);
    }
    let records = serde_json::to_vec(saved).map_err(|e| format!("the state does not serialise: {e}"))?;
    write_whole(dir, CONTRACTS, &records)?;
    let listing = std::fs::read_dir(&documents).map_err(|e| format!("{}: {e}", documents.display()))?;
    for entry in listing.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !kept.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Creates `dir` (and its parents) readable by its owner alone.
pub(crate) fn private_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// `dir/name` holding `bytes`, written under a temporary name and renamed.
fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    let target = dir.join(name);
    let temporary = dir.join(format!(".{name}.{:016x}.part", random_suffix()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, &target));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("{}: {e}", target.display())
    })
}

/// A random suffix for temporary names (no two writers share one).
fn random_suffix() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0
}
