//! Generates the client from the schema into `OUT_DIR` (see `qiyuesuo-codegen`).

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let out_dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    // A link to `schema/qiyuesuo.openapi.json` in the workspace; a copy of it
    // in the published package, which must build on its own.
    let schema = Path::new(&manifest_dir).join("qiyuesuo.openapi.json");
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
