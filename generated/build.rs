//! Generates the client from the schema into `OUT_DIR` (see `qiyuesuo-codegen`).

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let out_dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    // The schema ships inside `qiyuesuo-schema`, beside its manifest: in this
    // workspace that is `schema/`, in a registry build the package's source.
    let schema = Path::new(qiyuesuo_schema::DOCUMENT_PATH);
    match qiyuesuo_codegen::build_script(schema, Path::new(&out_dir)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            // Cargo shows a failing build script's stderr; the error names
            // each problem's JSON pointer.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
