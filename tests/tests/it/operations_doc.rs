//! The operation tables of `README.md` (by domain) and `OPERATIONS.md`
//! (every operation), made from the schema: the test fails when either
//! differs from what the schema makes; `UPDATE_OPERATIONS=1` rewrites them.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use qiyuesuo_codegen::ir::{Api, Input, Operation, ResultType, Signer};

const BEGIN: &str = "<!-- operations table: generated from the schema by tests/tests/it/operations_doc.rs -->\n";
const END: &str = "<!-- end of the operations table -->\n";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn confidence(op: &Operation) -> &str {
    op.source.as_ref().map_or("unconfirmed", |s| s.confidence.as_str())
}

/// The README's table: each domain, its operations by confidence, how it is signed.
fn by_domain(api: &Api) -> String {
    let mut out = String::from(BEGIN);
    out.push_str(
        "| domain | operations | primary / secondary / unconfirmed | signed with |\n| --- | --- | --- | --- |\n",
    );
    for domain in &api.domains {
        let ops: Vec<&Operation> =
            api.operations.iter().filter(|op| op.domain.as_ref() == Some(&domain.name)).collect();
        let count = |level: &str| ops.iter().filter(|op| confidence(op) == level).count();
        let signed =
            if ops.iter().all(|op| op.signer == Signer::Agent) { "the agent's pair" } else { "the company's pair" };
        let description = domain.description.as_deref().unwrap_or_default().replace('|', "\\|");
        let _ = writeln!(
            out,
            "| **{}**: {description} | {} | {} / {} / {} | {signed} |",
            domain.title,
            ops.len(),
            count("primary"),
            count("secondary"),
            count("unconfirmed"),
        );
    }
    let _ = writeln!(out, "| all | {} | | |", api.operations.len());
    out.push_str(END);
    out
}

/// `OPERATIONS.md`: every operation with its method, command, request and answer.
fn every_operation(api: &Api) -> String {
    let mut out = String::from(
        "# Operations\n\nEvery operation of the schema, by domain: the `Client` method (the blocking client has the same \
         name), the `qys` command, the request (its HTTP form, and the request type you build, in `models`) and the \
         answer. Generated from the schema by \
         `UPDATE_OPERATIONS=1 cargo test -p qiyuesuo-tests --test it operations_doc`; that test fails when this file \
         differs from what the schema makes. Confidence is the operation's `x-qys-source` (see \
         [schema/COVERAGE.md](schema/COVERAGE.md)); *JSON* is an answer no source documents, returned as \
         `serde_json::Value`.\n",
    );
    let mut groups: BTreeMap<usize, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        let at = api.domains.iter().position(|d| op.domain.as_ref() == Some(&d.name)).unwrap_or(api.domains.len());
        groups.entry(at).or_default().push(op);
    }
    for (at, ops) in groups {
        let name = api.domains.get(at).map_or("Other", |d| d.title.as_str());
        let _ = writeln!(out, "\n## {name}\n");
        if let Some(description) = api.domains.get(at).and_then(|d| d.description.as_deref()) {
            let _ = writeln!(out, "{description}\n");
        }
        out.push_str(
            "| method | `qys` | request | request type | answer | confidence |\n| --- | --- | --- | --- | --- | --- |\n",
        );
        for op in ops {
            let body = match &op.input {
                Input::None => "",
                Input::JsonBody { .. } => ", JSON",
                Input::Query { .. } => ", query",
                Input::Multipart { .. } => ", multipart",
            };
            let answer = match (&op.download, &op.result) {
                (Some(media), _) => format!("a file (`{media}`)"),
                (None, Some(ResultType::Named(name))) => format!("`{name}`"),
                (None, Some(ResultType::Untyped)) => "*JSON*".to_owned(),
                (None, None) => "none".to_owned(),
            };
            let walk = if op.pagination.is_some() { format!(" (`{}_all`)", op.names.method) } else { String::new() };
            let agent = if op.signer == Signer::Agent { " (agent)" } else { "" };
            let request = op.input.type_name().map_or("none".to_owned(), |name| format!("`{name}`"));
            let _ = writeln!(
                out,
                "| `{}`{walk}{agent} | `{}` | `{} {}`{body} | {request} | {answer} | {} |",
                op.names.method,
                op.names.command,
                op.method.as_str(),
                op.path,
                confidence(op),
            );
        }
    }
    out
}

#[test]
fn the_operation_tables_agree_with_the_schema() {
    let text = std::fs::read_to_string(root().join("schema/qiyuesuo.openapi.json")).unwrap();
    let api = qiyuesuo_codegen::generate(&text, "schema").unwrap().api;
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (Some(start), Some(end)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md has no operations table between its markers");
    };
    let fresh_readme = format!("{}{}{}", &readme[..start], by_domain(&api), &readme[end + END.len()..]);
    let operations_path = root().join("OPERATIONS.md");
    let fresh_operations = every_operation(&api);
    if std::env::var_os("UPDATE_OPERATIONS").is_some() {
        std::fs::write(&readme_path, &fresh_readme).unwrap();
        std::fs::write(&operations_path, &fresh_operations).unwrap();
    }
    let stale = "out of date: run `UPDATE_OPERATIONS=1 cargo test -p qiyuesuo-tests --test it operations_doc`";
    assert!(readme == fresh_readme || std::env::var_os("UPDATE_OPERATIONS").is_some(), "README.md's table is {stale}");
    let operations = std::fs::read_to_string(&operations_path).unwrap_or_default();
    assert!(operations == fresh_operations, "OPERATIONS.md is {stale}");
    // Every operation is listed once, under one domain.
    assert_eq!(fresh_operations.matches("\n| `").count(), api.operations.len());
}
