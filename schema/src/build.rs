//! What the build scripts that work from the schema share (the `qiyuesuo`
//! crate's, which runs the generator with its `codegen` feature, and `qys`'s,
//! which writes its operation index): which schema file a build reads, so
//! the two cannot read different ones, and how their outputs are written.

use std::path::{Path, PathBuf};

/// The environment variable that builds the client, `qys` and the mock from
/// another schema file (a vendor's draft, a private deployment's, or the
/// benchmarks' synthetic API).
pub const SCHEMA_OVERRIDE: &str = "QIYUESUO_SCHEMA";

/// The schema a build reads: the file [`SCHEMA_OVERRIDE`] names, or the
/// shipped one ([`crate::DOCUMENT_PATH`]). Tells cargo to run the build
/// script again when the variable changes.
pub fn schema_path() -> PathBuf {
    println!("cargo:rerun-if-env-changed={SCHEMA_OVERRIDE}");
    match std::env::var_os(SCHEMA_OVERRIDE) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(crate::DOCUMENT_PATH),
    }
}

/// Writes `contents` to `path` unless it already holds them, so cargo sees
/// no change and recompiles nothing.
pub fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    std::fs::write(path, contents)
}
