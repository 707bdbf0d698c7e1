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

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            // Cargo shows a failing build script's stderr.
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// Generates the client into `OUT_DIR` from the schema `qys`'s build reads
/// too: the shipped one (inside `qiyuesuo-schema`, beside its manifest), or
/// the file `QIYUESUO_SCHEMA` names.
#[cfg(feature = "codegen")]
fn run() -> Result<(), String> {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    // The error names each problem's JSON pointer.
    qiyuesuo_codegen::build_script(&qiyuesuo_codegen::schema_path(), &out_dir).map(drop).map_err(|e| e.to_string())
}

/// `qiyuesuo_schema::build::SCHEMA_OVERRIDE`, which this build does not
/// compile: without `codegen` another schema is refused, not ignored.
#[cfg(not(feature = "codegen"))]
const SCHEMA_OVERRIDE: &str = "QIYUESUO_SCHEMA";

/// Checks that the committed code was generated from the workspace's schema.
#[cfg(not(feature = "codegen"))]
fn run() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed={SCHEMA_OVERRIDE}");
    if let Some(schema) = std::env::var_os(SCHEMA_OVERRIDE).filter(|path| !path.is_empty()) {
        return Err(format!(
            "{SCHEMA_OVERRIDE}={} needs the `codegen` feature: without it the crate compiles the code committed in \
             src/generated/, made from the shipped schema",
            PathBuf::from(schema).display()
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
         {recorded:?}). Rewrite the code with `cargo test -p qiyuesuo-tests --test it committed`, or build \
         with the generator (`--features qiyuesuo/codegen`, as the workspace's tests do)",
        display(&schema)
    ))
}

/// The fingerprint a generated file's header records: `(schema fingerprint HEX)`.
#[cfg(not(feature = "codegen"))]
fn recorded_fingerprint(file: &std::path::Path) -> Option<String> {
    use std::io::BufRead;
    // The header is the first line: the rest of the file is not read.
    let mut header = String::new();
    std::io::BufReader::new(std::fs::File::open(file).ok()?).read_line(&mut header).ok()?;
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
