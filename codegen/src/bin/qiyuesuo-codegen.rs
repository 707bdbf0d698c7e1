//! `qiyuesuo-codegen SCHEMA [OUT_DIR]`: checks a schema and, given an output
//! folder, writes the generated files there; otherwise prints them.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(schema) = args.next().map(PathBuf::from) else {
        eprintln!("usage: qiyuesuo-codegen SCHEMA.json [OUT_DIR]");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&schema) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{}: {e}", schema.display());
            return ExitCode::FAILURE;
        }
    };
    let name = schema.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let generated = match qiyuesuo_codegen::generate(&text, &name) {
        Ok(generated) => generated,
        Err(errors) => {
            eprint!("{}: {errors}", schema.display());
            return ExitCode::FAILURE;
        }
    };
    match args.next().map(PathBuf::from) {
        Some(out_dir) => {
            for file in &generated.files {
                let path = out_dir.join(file.name);
                if let Err(e) = std::fs::create_dir_all(&out_dir).and_then(|()| std::fs::write(&path, &file.contents)) {
                    eprintln!("{}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
        }
        None => {
            for file in &generated.files {
                println!("// ===== {} =====\n{}", file.name, file.contents);
            }
        }
    }
    ExitCode::SUCCESS
}
