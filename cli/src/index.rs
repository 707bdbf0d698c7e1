//! Every operation's command, summary, domain and schema on its own, written
//! by `build.rs` from the schema. `qys` lists its commands from here and
//! parses only the schema of the one it runs: about 0.2 ms, however large
//! the API (the whole schema takes about 10 ms at 130 operations).

/// One operation of the index.
#[derive(Debug)]
pub struct IndexedOperation {
    /// Its subcommand (from its `operationId`).
    pub command: &'static str,
    /// Its summary.
    pub summary: &'static str,
    /// The heading of the domain it is listed under (its first tag, e.g.
    /// `Contracts`; empty when it has none).
    pub domain: &'static str,
    /// A schema of this operation alone, read by `qiyuesuo_schema::parse`.
    pub schema: &'static str,
}

/// Every operation, in schema order.
pub static OPERATIONS: &[IndexedOperation] = &include!(concat!(env!("OUT_DIR"), "/index.rs"));

/// The whole schema (the one the client was generated from), for what needs
/// every operation at once: the completion script.
pub const SCHEMA_JSON: &str = qiyuesuo::mock::SCHEMA_JSON;
