//! The generator's own time: for the schema, and for a synthetic schema 20
//! times larger (every operation and component copied under new names), so
//! its growth with schema size is known.
//!
//! `cargo run --release -p qiyuesuo-bench --bin codegen_time`

use std::time::{Duration, Instant};

use serde_json::{Map, Value};

const RUNS: usize = 15;

fn main() {
    let text = qiyuesuo::SCHEMA_JSON;
    let schema: Value = serde_json::from_str(text).expect("schema");
    let large = scaled(&schema, 20).to_string();
    let mut rows = Vec::new();
    for (name, input, copies) in [("schema", text.to_owned(), 1), ("schema x20", large, 20)] {
        let generated = qiyuesuo_codegen::generate(&input, "bench.json").expect("generates");
        let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let started = Instant::now();
                let _ = std::hint::black_box(qiyuesuo_codegen::generate(&input, "bench.json"));
                started.elapsed()
            })
            .collect();
        times.sort();
        let median = times[RUNS / 2];
        println!(
            "{name:<12} {:>3} operations {:>6} lines generated   median {:>8.2} ms   min {:>8.2} ms",
            generated.api.operations.len(),
            lines,
            median.as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3
        );
        rows.push((name, copies, median, lines));
    }
    let ratio = rows[1].2.as_secs_f64() / rows[0].2.as_secs_f64();
    println!("time ratio x20 / x1: {ratio:.1} (linear growth would be 20)");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let json: Vec<String> = rows
        .iter()
        .map(|(name, copies, median, lines)| {
            format!(
                r#"{{"name":"{name}","copies":{copies},"median_ms":{:.3},"lines":{lines}}}"#,
                median.as_secs_f64() * 1e3
            )
        })
        .collect();
    let _ = std::fs::write(dir.join("codegen.json"), format!("[{}]\n", json.join(",")));
}

/// The schema with every operation and component schema copied `copies`
/// times; copy `i` renames ids, paths and schema names with suffix `Copy{i}`.
fn scaled(schema: &Value, copies: usize) -> Value {
    let mut out = schema.clone();
    let mut paths = Map::new();
    let mut components = Map::new();
    let originals = schema["components"]["schemas"].as_object().cloned().unwrap_or_default();
    for copy in 0..copies {
        let suffix = if copy == 0 { String::new() } else { format!("Copy{copy}") };
        let rename = |value: &Value| -> Value {
            let mut text = value.to_string();
            for name in originals.keys() {
                text = text.replace(
                    &format!("#/components/schemas/{name}\""),
                    &format!("#/components/schemas/{name}{suffix}\""),
                );
            }
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        for (path, item) in schema["paths"].as_object().into_iter().flatten() {
            let mut item = rename(item);
            for (_, operation) in item.as_object_mut().into_iter().flatten() {
                if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                    operation["operationId"] = Value::String(format!("{id}{suffix}"));
                }
                // Each copy's own codes would repeat the originals' names;
                // its callbacks get names of their own, as its types do.
                if copy > 0 {
                    operation.as_object_mut().map(|o| o.remove("x-qys-response-codes"));
                    if let Some(callbacks) = operation.get_mut("callbacks").and_then(Value::as_object_mut) {
                        *callbacks = std::mem::take(callbacks)
                            .into_iter()
                            .map(|(name, callback)| (format!("{name}{suffix}"), callback))
                            .collect();
                    }
                }
            }
            paths.insert(format!("{path}{}", suffix.to_lowercase()), item);
        }
        for (name, component) in &originals {
            if copy > 0 && component.get("x-qys-envelope").is_some() {
                continue;
            }
            let key = if component.get("x-qys-envelope").is_some() { name.clone() } else { format!("{name}{suffix}") };
            components.insert(key, rename(component));
        }
    }
    out["paths"] = Value::Object(paths);
    out["components"]["schemas"] = Value::Object(components);
    // The envelope keeps its one name; point the copies' answers back at it.
    let text = out.to_string();
    let envelope =
        originals.iter().find(|(_, c)| c.get("x-qys-envelope").is_some()).map(|(n, _)| n.clone()).unwrap_or_default();
    let mut fixed = text;
    for copy in 1..copies {
        fixed = fixed.replace(
            &format!("#/components/schemas/{envelope}Copy{copy}\""),
            &format!("#/components/schemas/{envelope}\""),
        );
    }
    serde_json::from_str(&fixed).unwrap_or(Value::Null)
}
