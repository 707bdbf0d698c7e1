//! The 契约锁 (QiYueSuo) API schema, and the one reader of its dialect
//! (OpenAPI 3.0.3 with the `x-qys-*` extensions of `README.md`).
//!
//! [`parse`] checks a schema and lowers it into the [`ir::Api`], which the
//! generator (`qiyuesuo-codegen`), the mock (`qiyuesuo-mock`) and the command
//! line (`qys`) all read; none of them reads the schema's JSON again.
//!
//! 1. `check.rs`: is the schema one we can generate correct code from, serve
//!    and offer? Every problem, each with its JSON pointer, at once. Each
//!    `x-qys-*` extension is read once, by its own module under `ext/`, which
//!    refuses what is wrong with it and returns its piece of the IR.
//! 2. `lower.rs` (with `examples.rs`, `fields.rs`, `query.rs`): schema and
//!    extension pieces → IR.
//!
//! The project's own schema ships in this crate: [`DOCUMENT`], at [`DOCUMENT_PATH`].

#![deny(missing_docs)]

pub mod build;
mod check;
mod constraints;
mod doc;
mod error;
mod examples;
mod ext;
mod fields;
pub mod ir;
mod lower;
mod naming;
pub mod pointer;
mod query;
mod reach;
mod security;
pub mod slice;
pub mod wire;

pub use doc::runtime_type;
pub use error::{Errors, SchemaError};
pub use naming::{RESERVED_NAMES, is_identifier};

/// Where `qiyuesuo.openapi.json`, the API's schema, is: beside this crate's
/// manifest, in the workspace and in the published package alike, so the
/// `qiyuesuo` crate's build script finds it with no copy and no link.
pub const DOCUMENT_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/qiyuesuo.openapi.json");

/// The API's schema itself: the text at [`DOCUMENT_PATH`], which the
/// `qiyuesuo` crate's mock serves.
pub const DOCUMENT: &str = include_str!("../qiyuesuo.openapi.json");

/// Checks `schema` (OpenAPI 3.0 JSON text) and lowers it into the IR.
pub fn parse(schema: &str) -> Result<ir::Api, Errors> {
    parse_value(&read(schema)?)
}

/// The schema's JSON, for callers that also need the document itself (the
/// generator's operation index); an error says where the JSON breaks.
pub fn read(schema: &str) -> Result<serde_json::Value, Errors> {
    serde_json::from_str(schema)
        .map_err(|e| Errors::one("", format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column())))
}

/// [`parse`] for a document already read as JSON.
pub fn parse_value(doc: &serde_json::Value) -> Result<ir::Api, Errors> {
    // What requests and answers reach: the checker refuses by it, the lowering marks by it.
    let reach = reach::reach(doc);
    let extensions = check::check(doc, &reach)?;
    Ok(lower::lower(doc, &reach, extensions))
}
