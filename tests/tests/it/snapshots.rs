//! Pins the generator. The committed client (`generated/src/generated/`) is
//! the full pin for the real schema: `committed_client_is_fresh` fails when
//! it differs from what the schema makes, and rewrites it. insta pins the
//! fixture schemas' whole output and, from the real schema, one operation of
//! each kind on its own: any change shows up as a snapshot diff to review
//! with `cargo insta review`.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn generate(path: &Path) -> qiyuesuo_codegen::Generated {
    generate_at(path, "qiyuesuo")
}

/// As `build.rs` does: the doc examples name the crate path of the output.
fn generate_at(path: &Path, crate_path: &str) -> qiyuesuo_codegen::Generated {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let options = qiyuesuo_codegen::Options { crate_path: crate_path.to_owned() };
    qiyuesuo_codegen::generate_with(&text, &name, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn snapshot_all(prefix: &str, path: &Path) {
    let generated = generate_at(path, &format!("qiyuesuo_tests::{prefix}"));
    for file in &generated.files {
        insta::assert_snapshot!(format!("{prefix}__{}", file.name), &file.contents);
    }
}

fn workspace(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

/// Where the committed client lives, and the schema it is made from.
const COMMITTED: &str = "generated/src/generated";
const SCHEMA: &str = "schema/qiyuesuo.openapi.json";

/// The committed client is exactly what the schema makes (rust-analyzer's
/// way): when it is not, the test rewrites the stale files (except on CI,
/// where it only fails) and fails, naming them; review the diff and commit.
#[test]
fn committed_client_is_fresh() {
    let generated = generate(&workspace(SCHEMA));
    let folder = workspace(COMMITTED);
    let on_ci = std::env::var_os("CI").is_some();
    let mut stale = Vec::new();
    for file in &generated.files {
        let path = folder.join(file.name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            stale.push(file.name);
            if !on_ci {
                std::fs::write(&path, &file.contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
    }
    // Nothing else in the folder: a file the generator no longer writes would still be compiled.
    let expected: Vec<&str> = generated.files.iter().map(|f| f.name).collect();
    let extra: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !expected.contains(&name.as_str()))
        .collect();
    assert!(extra.is_empty(), "{COMMITTED} has files the generator does not write: {extra:?}");
    let what = if on_ci {
        "run `cargo test -p qiyuesuo-tests --test it committed` to rewrite them, and commit them"
    } else {
        "they have been rewritten: review the diff and commit them"
    };
    assert!(stale.is_empty(), "{COMMITTED}: {stale:?} differ from what {SCHEMA} makes; {what}");
}

/// Each operation of the real schema on its own (`qiyuesuo_schema::slice`),
/// lifecycle rules left out (they shape the mock, not the client, and would
/// keep every lifecycle operation in the slice).
fn operations_alone() -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(workspace(SCHEMA)).unwrap();
    let mut document: Value = serde_json::from_str(&text).unwrap();
    for item in document["paths"].as_object_mut().unwrap().values_mut() {
        for operation in item.as_object_mut().unwrap().values_mut() {
            operation.as_object_mut().unwrap().remove("x-qys-state");
        }
    }
    qiyuesuo_schema::slice::operation_documents(&document)
}

/// What a reviewer must see change in the real schema's output, one
/// operation of each kind: a JSON body with a callback, a GET with a one-of
/// query, a multipart upload, a download, a paged list with its walker, an
/// agent's operation answering untyped JSON. Each snapshot holds the files
/// generated from the operation alone: its types, request builder, method,
/// blocking method and callback parser; the first also the codes (the
/// gateway's and its own) and the servers, which the others share.
#[test]
fn one_operation_of_each_kind() {
    let operations = [
        "companyAuthMiniappTicket",
        "contractDetail",
        "documentAddByFile",
        "documentDownload",
        "sealList",
        "saasBinding",
    ];
    let slices = operations_alone();
    for (index, id) in operations.into_iter().enumerate() {
        let (_, alone) = slices.iter().find(|(op, _)| op == id).unwrap_or_else(|| panic!("no operation {id}"));
        let generated = qiyuesuo_codegen::generate(&alone.to_string(), "qiyuesuo.openapi.json")
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let shared = ["codes.rs", "servers.rs"];
        let files: Vec<String> = generated
            .files
            .iter()
            .filter(|file| index == 0 || !shared.contains(&file.name))
            .map(|file| format!("// ===== {} =====\n{}", file.name, file.contents))
            .collect();
        insta::assert_snapshot!(format!("qiyuesuo__{id}"), files.join("\n"));
    }
}

#[test]
fn fixture_get_query() {
    snapshot_all("get_query", &workspace("tests/fixtures/get_query.json"));
}

#[test]
fn fixture_shapes() {
    snapshot_all("shapes", &workspace("tests/fixtures/shapes.json"));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let path = workspace(SCHEMA);
    let first = generate(&path);
    for _ in 0..3 {
        assert_eq!(generate(&path).files, first.files);
    }
}

#[test]
fn every_item_says_where_it_came_from() {
    let generated = generate(&workspace(SCHEMA));
    let files = |name: &str| generated.files.iter().find(|f| f.name == name).map(|f| f.contents.clone()).unwrap();
    let client = files("client.rs");
    assert!(client.contains("/// Sends a `POST` request to `/companyauth/miniappexchange`."), "{client}");
    assert!(client.contains("/// Generated from `#/paths/~1companyauth~1miniappexchange/post`"), "{client}");
    let models = files("models.rs");
    for name in ["CompanyAuthMiniappTicketRequest", "User", "ContactType", "TicketResult", "CompanyModifyField"] {
        assert!(models.contains(&format!("/// Generated from `#/components/schemas/{name}`.")), "{name}");
    }
    assert!(!models.contains("deny_unknown_fields"));
}

#[test]
fn every_operation_records_its_sources_in_its_docs() {
    let generated = generate(&workspace(SCHEMA));
    let client = generated.files.iter().find(|f| f.name == "client.rs").map(|f| f.contents.clone()).unwrap();
    let operations = &generated.api.operations;
    assert_eq!(operations.len(), 133);
    for op in operations {
        let source = op.source.as_ref().unwrap_or_else(|| panic!("{}: no x-qys-source", op.id));
        assert!(!source.references.is_empty(), "{}", op.id);
        assert!(["primary", "secondary", "unconfirmed"].contains(&source.confidence.as_str()), "{}", op.id);
        // Anything short of primary says what remains unconfirmed.
        assert!(source.confidence == "primary" || !source.unconfirmed.is_empty(), "{}", op.id);
    }
    assert_eq!(client.matches("/// Facts (").count(), operations.len());
    assert!(client.contains("/// - <https://help.qiyuesuo.com/document/open/detail/2772301596023853826>"), "{client}");
}
