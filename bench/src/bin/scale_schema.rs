//! Writes a synthetic schema of N operations (the real ones, then copies:
//! `qiyuesuo_bench::scale`), for measuring the crate, `qys` and the mock at
//! the size of the whole API:
//!
//! `cargo run -p qiyuesuo-bench --bin scale_schema -- 140 target/bench/schema-140.json`
//!
//! then build with `QIYUESUO_SCHEMA=target/bench/schema-140.json`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(count), Some(out)) = (args.next().and_then(|n| n.parse::<usize>().ok()), args.next()) else {
        eprintln!("usage: scale_schema OPERATIONS OUT.json");
        return ExitCode::from(2);
    };
    let schema: serde_json::Value = match serde_json::from_str(qiyuesuo_schema::DOCUMENT) {
        Ok(schema) => schema,
        Err(error) => {
            eprintln!("the embedded schema is not JSON: {error}");
            return ExitCode::FAILURE;
        }
    };
    let scaled = qiyuesuo_bench::scale::scaled(&schema, count);
    let mut mix: Vec<_> = qiyuesuo_bench::scale::mix(&scaled).into_iter().collect();
    mix.sort();
    let text = match serde_json::to_string_pretty(&scaled) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot write the schema: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = std::fs::write(&out, text) {
        eprintln!("cannot write {out}: {error}");
        return ExitCode::FAILURE;
    }
    eprintln!("{out}: {count} operations, {mix:?}");
    ExitCode::SUCCESS
}
