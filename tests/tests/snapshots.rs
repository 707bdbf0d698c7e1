//! Pins the generated code: any change to the schema or the generator shows
//! up as a snapshot diff to review with `cargo insta review`.

use std::path::Path;

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
    let crate_path = if prefix == "qiyuesuo" { "qiyuesuo".to_owned() } else { format!("qiyuesuo_tests::{prefix}") };
    let generated = generate_at(path, &crate_path);
    for file in &generated.files {
        insta::assert_snapshot!(format!("{prefix}__{}", file.name), &file.contents);
    }
}

fn workspace(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(relative)
}

#[test]
fn the_schema() {
    snapshot_all("qiyuesuo", &workspace("schema/qiyuesuo.openapi.json"));
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
    let path = workspace("schema/qiyuesuo.openapi.json");
    let first = generate(&path);
    for _ in 0..3 {
        assert_eq!(generate(&path).files, first.files);
    }
}

#[test]
fn every_item_says_where_it_came_from() {
    let generated = generate(&workspace("schema/qiyuesuo.openapi.json"));
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
    let generated = generate(&workspace("schema/qiyuesuo.openapi.json"));
    let client = generated.files.iter().find(|f| f.name == "client.rs").map(|f| f.contents.clone()).unwrap();
    let operations = &generated.api.operations;
    assert_eq!(operations.len(), 127);
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
