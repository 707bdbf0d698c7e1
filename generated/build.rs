//! The client's code comes from one of two places (see `src/lib.rs`):
//!
//! - feature `codegen` (this workspace's tests, and anyone building from
//!   another schema): the generator runs here on the schema, into `OUT_DIR`;
//! - otherwise (integrators): the committed copy in `src/generated/`, and
//!   this script only makes sure that copy was generated from the schema
//!   beside it, where there is one (in this workspace; a published package
//!   has none).

use std::path::PathBuf;
use std::process::ExitCode;

/// A maintainer's override: build the crate (and so `qys` and the mock) from
/// another schema file, to try a vendor's change or to measure a larger API
/// (`cargo run -p qiyuesuo-bench --bin scale_schema`). It needs `codegen`.
const SCHEMA_OVERRIDE: &str = "QIYUESUO_SCHEMA";

fn main() -> ExitCode {
    println!("cargo:rerun-if-env-changed={SCHEMA_OVERRIDE}");
    println!("cargo:rerun-if-changed=build.rs");
    let override_schema = std::env::var_os(SCHEMA_OVERRIDE).filter(|path| !path.is_empty()).map(PathBuf::from);
    match run(override_schema) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            // Cargo shows a failing build script's stderr.
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// Generates the client from the schema into `OUT_DIR`.
#[cfg(feature = "codegen")]
fn run(override_schema: Option<PathBuf>) -> Result<(), String> {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    // The schema ships inside `qiyuesuo-schema`, beside its manifest: in this
    // workspace that is `schema/`, in a registry build the package's source.
    let schema = override_schema.unwrap_or_else(|| PathBuf::from(qiyuesuo_codegen::DOCUMENT_PATH));
    // The error names each problem's JSON pointer.
    qiyuesuo_codegen::build_script(&schema, &out_dir).map(drop).map_err(|error| error.to_string())
}

/// Checks that the committed code was generated from the workspace's schema.
#[cfg(not(feature = "codegen"))]
fn run(override_schema: Option<PathBuf>) -> Result<(), String> {
    if let Some(schema) = override_schema {
        return Err(format!(
            "{SCHEMA_OVERRIDE}={} needs the `codegen` feature: without it the crate compiles the code committed in \
             src/generated/, made from the shipped schema",
            schema.display()
        ));
    }
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let schema = manifest_dir.join("../schema/qiyuesuo.openapi.json");
    let committed = manifest_dir.join("src/generated/codes.rs");
    println!("cargo:rerun-if-changed={}", committed.display());
    let Ok(text) = std::fs::read(&schema) else {
        return Ok(()); // a published package: its committed code is what it ships
    };
    println!("cargo:rerun-if-changed={}", schema.display());
    let recorded = recorded_fingerprint(&committed).unwrap_or_default();
    let actual = fingerprint(&text);
    if recorded == actual {
        return Ok(());
    }
    Err(format!(
        "{} changed since the code in src/generated/ was generated from it (fingerprint {actual}, the code says \
         {recorded:?}). Rewrite the code with `cargo test -p qiyuesuo-tests --test snapshots committed`, or build \
         with the generator (`--features qiyuesuo/codegen`, as the workspace's tests do)",
        display(&schema)
    ))
}

/// The fingerprint a generated file's header records: `(schema fingerprint HEX)`.
#[cfg(not(feature = "codegen"))]
fn recorded_fingerprint(file: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let header = text.lines().next()?;
    let (_, rest) = header.split_once("(schema fingerprint ")?;
    rest.split_once(')').map(|(hex, _)| hex.to_owned())
}

/// `qiyuesuo_codegen::fingerprint`, which this build does not compile: the
/// 64-bit FNV-1a hash of the schema's bytes without carriage returns. The
/// generator writes it into each file's header; the two agree or every
/// build without `codegen` in this workspace fails (CI builds both ways).
#[cfg(not(feature = "codegen"))]
fn fingerprint(schema: &[u8]) -> String {
    let hash = schema
        .iter()
        .filter(|&&byte| byte != b'\r')
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

#[cfg(not(feature = "codegen"))]
fn display(path: &std::path::Path) -> String {
    path.canonicalize().unwrap_or_else(|_| path.to_owned()).display().to_string()
}
