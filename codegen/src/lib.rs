//! Generates the 契约锁 (QiYueSuo) API client from its OpenAPI schema.
//!
//! `qiyuesuo-schema` checks the schema and lowers it into the [`ir`]; this
//! crate turns the IR into Rust, one module per stage:
//!
//! 1. `models.rs`: typify turns the IR's named schemas into model types.
//! 2. `emit/`: the client, request builders, open enums, callbacks, codes and
//!    servers, with `quote!`.
//! 3. `print.rs` (with `docs_pass.rs`): prettyplease formats each file.
//!
//! The output is deterministic: the same schema always gives the same bytes.
//! The `qiyuesuo` crate commits that output (`generated/src/generated/`); with
//! its `codegen` feature it runs [`build_script`] from its `build.rs` instead.

mod docs;
mod docs_pass;
mod emit;
mod models;
mod print;

use std::path::Path;

pub use qiyuesuo_schema::build::schema_path;
pub use qiyuesuo_schema::{Errors, SchemaError, ir};

/// One generated source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// File name, e.g. `client.rs`.
    pub name: &'static str,
    /// Formatted Rust source.
    pub contents: String,
}

/// The generated sources for one schema.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The IR the files were emitted from.
    pub api: ir::Api,
    /// `models.rs`, `requests.rs`, `callbacks.rs`, `codes.rs`, `servers.rs`, `client.rs` and `blocking.rs`.
    pub files: Vec<GeneratedFile>,
}

/// Settings for one generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The path at which users reach the generated items, for the doc
    /// examples: `qiyuesuo` for the crate itself.
    pub crate_path: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { crate_path: "qiyuesuo".to_owned() }
    }
}

/// Checks `schema` (OpenAPI 3.0 JSON) and generates the client from it.
/// `schema_name` only labels the files' headers, beside the schema's
/// [`fingerprint`].
pub fn generate(schema: &str, schema_name: &str) -> Result<Generated, Errors> {
    generate_with(schema, schema_name, &Options::default())
}

/// [`generate`] with explicit [`Options`].
pub fn generate_with(schema: &str, schema_name: &str, options: &Options) -> Result<Generated, Errors> {
    generate_from(qiyuesuo_schema::parse(schema)?, &source_label(schema_name, schema), options)
}

/// A schema's fingerprint, as the generated files' headers record it: the
/// 64-bit FNV-1a hash of its bytes, carriage returns left out (a checkout
/// with CRLF line ends has the same fingerprint), as 16 hex digits.
///
/// The `qiyuesuo` crate's build script computes the same hash to tell
/// whether its committed code was generated from the schema beside it.
pub fn fingerprint(schema: &str) -> String {
    let hash = schema
        .bytes()
        .filter(|&byte| byte != b'\r')
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// What the files' headers say they were generated from.
fn source_label(schema_name: &str, schema: &str) -> String {
    format!("`{schema_name}` (schema fingerprint {})", fingerprint(schema))
}

/// Generates the client from an IR that `qiyuesuo_schema::parse` made;
/// `source` labels the files' headers (what they were generated from).
pub fn generate_from(api: ir::Api, source: &str, options: &Options) -> Result<Generated, Errors> {
    let mut model_items = models::generate(&api)?;
    model_items.extend(api.open_enums.iter().flat_map(emit::open_enums::items));
    for one_of in &api.one_ofs {
        model_items.extend(emit::one_ofs::items(one_of)?);
    }
    let index = models::Index::new(&model_items);
    let requests = emit::requests::emit(&api, &index);
    let client = emit::client::emit(&api, &index, &options.crate_path);
    let blocking = emit::blocking::emit(&api, &index, &options.crate_path);
    drop(index);
    // The items are already parsed: printed as they are, not re-parsed.
    let models_file = syn::File { shebang: None, frontmatter: None, attrs: Vec::new(), items: model_items };
    let label = |file: &str| format!("{source}: {file}");
    let files = vec![
        GeneratedFile { name: "models.rs", contents: print::print_file(&label("models"), models_file) },
        GeneratedFile { name: "requests.rs", contents: print::print(&label("request builders"), requests)? },
        GeneratedFile {
            name: "callbacks.rs",
            contents: print::print(&label("callback parsers"), emit::callbacks::emit(&api))?,
        },
        GeneratedFile { name: "codes.rs", contents: print::print(&label("response codes"), emit::codes::emit(&api))? },
        GeneratedFile { name: "servers.rs", contents: print::print(&label("servers"), emit::servers::emit(&api))? },
        GeneratedFile { name: "client.rs", contents: print::print(&label("client"), client)? },
        GeneratedFile { name: "blocking.rs", contents: print::print(&label("blocking client"), blocking)? },
    ];
    Ok(Generated { api, files })
}

/// What can stop [`build_script`].
#[derive(Debug)]
pub enum BuildError {
    /// The schema file could not be read or an output file written.
    Io(String, std::io::Error),
    /// The schema has problems.
    Schema(String, Errors),
    /// The generator failed in a way stage 1 should have caught: a bug.
    Internal(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Io(path, e) => write!(f, "{path}: {e}"),
            BuildError::Schema(path, e) => write!(f, "{path}: {e}"),
            BuildError::Internal(path) => {
                write!(f, "{path}: the generator failed on this schema; please report it with the schema attached")
            }
        }
    }
}

impl std::error::Error for BuildError {}

/// For `build.rs`: generates from `schema` into `out_dir` (with a copy of the
/// schema, `schema.json`, for the mock to serve), writing only the files
/// whose contents changed, and tells cargo to rerun when the schema does.
pub fn build_script(schema: &Path, out_dir: &Path) -> Result<Generated, BuildError> {
    build_script_with(schema, out_dir, &Options::default())
}

/// [`build_script`] with explicit [`Options`].
pub fn build_script_with(schema: &Path, out_dir: &Path, options: &Options) -> Result<Generated, BuildError> {
    println!("cargo:rerun-if-changed={}", schema.display());
    let shown = schema.display().to_string();
    let text = std::fs::read_to_string(schema).map_err(|e| BuildError::Io(shown.clone(), e))?;
    let name = schema.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // `generate` never panics on any schema the tests try; should one slip
    // through, a build gets a sentence rather than a backtrace.
    let generated = std::panic::catch_unwind(|| generate_with(&text, &name, options))
        .map_err(|_| BuildError::Internal(shown.clone()))?
        .map_err(|e| BuildError::Schema(shown, e))?;
    std::fs::create_dir_all(out_dir).map_err(|e| BuildError::Io(out_dir.display().to_string(), e))?;
    let schema_copy = GeneratedFile { name: "schema.json", contents: text };
    for file in generated.files.iter().chain([&schema_copy]) {
        let path = out_dir.join(file.name);
        qiyuesuo_schema::build::write_if_changed(&path, &file.contents)
            .map_err(|e| BuildError::Io(path.display().to_string(), e))?;
    }
    Ok(generated)
}
