//! `schema/COVERAGE.md`: every operation of the catalog (`schema/catalog.json`:
//! what the vendor's SDKs and docs define) and whether the schema has it, made
//! from the two files. The test fails when the committed document differs from
//! what the catalog and the schema make, or when the schema has an operation
//! the catalog does not list. `UPDATE_COVERAGE=1` rewrites the document.

#![allow(clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn the_coverage_document_agrees_with_the_catalog_and_the_schema() {
    let read = |name: &str| std::fs::read_to_string(Path::new(DIR).join(name)).unwrap_or_default();
    let catalog: Value = serde_json::from_str(&read("catalog.json")).expect("catalog.json is JSON");
    let api = qiyuesuo_schema::parse(&read("qiyuesuo.openapi.json")).expect("the schema parses");
    let in_schema: BTreeMap<(String, String), &qiyuesuo_schema::ir::Operation> =
        api.operations.iter().map(|op| ((op.method.as_str().to_uppercase(), op.path.clone()), op)).collect();
    let entries = catalog["operations"].as_array().expect("operations");
    let listed = |method: &str, path: &str| {
        entries.iter().any(|e| e["method"].as_str() == Some(method) && e["path"].as_str() == Some(path))
    };
    let missing: Vec<String> = in_schema
        .iter()
        .filter(|((method, path), _)| !listed(method, path))
        .map(|((method, path), op)| format!("{} ({method} {path})", op.id))
        .collect();
    assert!(missing.is_empty(), "operations of the schema the catalog does not list: {missing:?}");
    let unexplained: Vec<&str> = entries
        .iter()
        .filter(|e| {
            let key = (
                e["method"].as_str().unwrap_or_default().to_owned(),
                e["path"].as_str().unwrap_or_default().to_owned(),
            );
            !in_schema.contains_key(&key) && e["leftOut"].as_str().is_none_or(str::is_empty)
        })
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(
        unexplained.is_empty(),
        "catalog operations neither in the schema nor left out with a reason: {unexplained:?}"
    );

    let text = render(&catalog, &in_schema);
    let target = Path::new(DIR).join("COVERAGE.md");
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        std::fs::write(&target, &text).expect("COVERAGE.md written");
    }
    assert!(
        read("COVERAGE.md") == text,
        "schema/COVERAGE.md is out of date: run `UPDATE_COVERAGE=1 cargo test -p qiyuesuo-schema --test coverage`"
    );
}

fn render(catalog: &Value, in_schema: &BTreeMap<(String, String), &qiyuesuo_schema::ir::Operation>) -> String {
    let entries = catalog["operations"].as_array().cloned().unwrap_or_default();
    let domains = catalog["domains"].as_object().cloned().unwrap_or_default();
    let schema_op = |e: &Value| {
        let key = (e["method"].as_str()?.to_owned(), e["path"].as_str()?.to_owned());
        in_schema.get(&key).copied()
    };
    // The schema's confidence for an operation it has, the catalog's otherwise.
    let confidence = |e: &Value| match schema_op(e).and_then(|op| op.source.as_ref()) {
        Some(source) => source.confidence.clone(),
        None => e["confidence"].as_str().unwrap_or("unconfirmed").to_owned(),
    };
    let covered = entries.iter().filter(|e| schema_op(e).is_some()).count();
    let mut out = String::new();
    let _ = writeln!(out, "# Coverage of the API\n");
    let _ = writeln!(
        out,
        "Every operation the vendor's SDKs and documentation define ([`catalog.json`](catalog.json)), and the one in \
         the schema that serves it. Generated from the catalog and the schema by \
         `UPDATE_COVERAGE=1 cargo test -p qiyuesuo-schema --test coverage`; that test fails in CI when this file, \
         the catalog and the schema disagree, or when the schema has an operation the catalog does not list.\n"
    );
    let _ = writeln!(out, "**{covered} of {} operations are in the schema.**\n", entries.len());
    let mut by_confidence: BTreeMap<(bool, String), usize> = BTreeMap::new();
    for e in &entries {
        *by_confidence.entry((schema_op(e).is_some(), confidence(e))).or_default() += 1;
    }
    let _ = writeln!(out, "| confidence | in the schema | left out |\n| --- | --- | --- |");
    let levels: std::collections::BTreeSet<&String> = by_confidence.keys().map(|(_, c)| c).collect();
    for level in levels {
        let count = |inside: bool| by_confidence.get(&(inside, level.clone())).copied().unwrap_or(0);
        let _ = writeln!(out, "| {level} | {} | {} |", count(true), count(false));
    }
    let _ = writeln!(
        out,
        "\nConfidence, for an operation in the schema its own (`x-qys-source`, shown in the method's docs): \
         `primary`, an official page or official SDK sample documents its fields and answer; `secondary`, the \
         official endpoint list or third-party notes confirm it, or the vendor's Java SDK 3.5.2 and a copy of its Go \
         SDK agree on its path, method and fields; what no source says stays untyped (the answer's `result` as \
         JSON); `unconfirmed`, only one of those SDKs defines it (path, method, fields), so the same holds with less \
         behind it. For an operation left \
         out, the catalog's.\n"
    );
    let _ = writeln!(out, "| domain | in the schema | operations |\n| --- | --- | --- |");
    for (key, name) in &domains {
        let of_domain: Vec<&Value> = entries.iter().filter(|e| e["domain"].as_str() == Some(key.as_str())).collect();
        let inside = of_domain.iter().filter(|e| schema_op(e).is_some()).count();
        let _ = writeln!(out, "| {key}. {} | {inside} | {} |", name.as_str().unwrap_or_default(), of_domain.len());
    }
    for (key, name) in &domains {
        let _ = writeln!(out, "\n## {key}. {}\n", name.as_str().unwrap_or_default());
        let _ = writeln!(
            out,
            "| operation | request | in the schema | confidence | defined in |\n| --- | --- | --- | --- | --- |"
        );
        for e in entries.iter().filter(|e| e["domain"].as_str() == Some(key.as_str())) {
            let request = match (e["method"].as_str(), e["path"].as_str()) {
                (Some(method), Some(path)) => format!("`{method} {path}`"),
                _ => "path unknown".to_owned(),
            };
            let served = match schema_op(e) {
                Some(op) => format!("`{}`", op.id),
                None => format!("left out: {}", e["leftOut"].as_str().unwrap_or("no reason given")),
            };
            let _ = writeln!(
                out,
                "| {} | {request} | {served} | {} | {} |",
                e["name"].as_str().unwrap_or_default(),
                confidence(e),
                e["sources"].as_str().unwrap_or_default().replace('|', "\\|"),
            );
        }
    }
    out
}
