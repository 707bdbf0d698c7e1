//! Generates the client from the schema into `OUT_DIR` (see `qiyuesuo-codegen`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A maintainer's override: build the crate (and so `qys` and the mock) from
/// another schema file, to try a vendor's change or to measure a larger API
/// (`cargo run -p qiyuesuo-bench --bin scale_schema`). Unset, the shipped schema is used.
const SCHEMA_OVERRIDE: &str = "QIYUESUO_SCHEMA";

fn main() -> ExitCode {
    println!("cargo:rerun-if-env-changed={SCHEMA_OVERRIDE}");
    let out_dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    // The schema ships inside `qiyuesuo-schema`, beside its manifest: in this
    // workspace that is `schema/`, in a registry build the package's source.
    let schema = match std::env::var_os(SCHEMA_OVERRIDE) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(qiyuesuo_schema::DOCUMENT_PATH),
    };
    match qiyuesuo_codegen::build_script(&schema, Path::new(&out_dir)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            // Cargo shows a failing build script's stderr; the error names
            // each problem's JSON pointer.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
