//! Generates every valid fixture schema into `OUT_DIR/fixtures/<name>`, so the
//! fixture modules in `src/lib.rs` compile the generator's output for shapes
//! the real schema does not have yet.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let out_dir = std::env::var_os("OUT_DIR").unwrap_or_default();
    let fixtures = Path::new(&manifest_dir).join("fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let Ok(entries) = std::fs::read_dir(&fixtures) else {
        eprintln!("error: cannot read {}", fixtures.display());
        return ExitCode::FAILURE;
    };
    let mut schemas: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    schemas.sort();
    for schema in schemas {
        let name = schema.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let target = Path::new(&out_dir).join("fixtures").join(&name);
        // The fixture modules live at `qiyuesuo_tests::<name>`; their doc examples say so.
        let options = qiyuesuo_codegen::Options { crate_path: format!("qiyuesuo_tests::{name}") };
        if let Err(error) = qiyuesuo_codegen::build_script_with(&schema, &target, &options) {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
