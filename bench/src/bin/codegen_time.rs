//! The generator's own time: for the schema, and for synthetic schemas of
//! more operations (`qiyuesuo_bench::scale`: the real ones, then copies), up
//! to past the whole API (about 135) and twice it, so its growth per operation is known.
//!
//! `cargo run --release -p qiyuesuo-bench --bin codegen_time`

use std::time::{Duration, Instant};

use serde_json::Value;

const RUNS: usize = 15;
/// Operation counts measured besides the real schema's.
const SIZES: [usize; 3] = [70, 140, 266];

fn main() {
    let text = qiyuesuo_schema::DOCUMENT;
    let schema: Value = serde_json::from_str(text).expect("schema");
    let real = schema["paths"]
        .as_object()
        .map_or(0, |paths| paths.values().filter_map(Value::as_object).map(|item| item.len()).sum());
    let mut inputs = vec![("schema".to_owned(), text.to_owned())];
    for size in SIZES {
        inputs.push((format!("{size} operations"), qiyuesuo_bench::scale::scaled(&schema, size).to_string()));
    }
    let mut rows = Vec::new();
    for (name, input) in &inputs {
        let generated = qiyuesuo_codegen::generate(input, "bench.json").expect("generates");
        let operations = generated.api.operations.len();
        let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                let _ = std::hint::black_box(qiyuesuo_codegen::generate(input, "bench.json"));
                started.elapsed()
            })
            .collect();
        times.sort();
        let median = times[RUNS / 2].as_secs_f64() * 1e3;
        println!(
            "{name:<16} {operations:>3} operations {lines:>6} lines generated   median {median:>8.2} ms   {:>6.3} ms per operation",
            median / operations as f64
        );
        rows.push(format!(
            r#"{{"name":"{name}","operations":{operations},"real":{},"median_ms":{median:.3},"lines":{lines}}}"#,
            operations == real
        ));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("codegen.json"), format!("[{}]\n", rows.join(",")));
}
