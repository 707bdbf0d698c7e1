//! The intermediate representation: what the emitters need to know about the
//! API, free of OpenAPI's shape. Built by `lower.rs` from a checked
//! schema; printed by the modules in `emit/`.

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.version`.
    pub version: String,
    /// `servers`, in schema order.
    pub servers: Vec<Server>,
    /// Every response code: the global table first, then each operation's own
    /// codes in operation order, each code once.
    pub codes: Vec<ResponseCode>,
    /// Operations in schema order.
    pub operations: Vec<Operation>,
    /// Component schemas marked `x-qys-comma-set`.
    pub comma_sets: Vec<CommaSet>,
    /// Named object types and what the request-side emitters need of them.
    pub structs: Vec<StructInfo>,
}

/// One entry of `servers`.
#[derive(Debug, Clone)]
pub struct Server {
    /// `x-qys-name`, e.g. `sandbox`.
    pub name: String,
    /// The base URL.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
}

/// One entry of an `x-qys-response-codes` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseCode {
    /// The numeric `code` of the envelope.
    pub code: i64,
    /// `UPPER_SNAKE` name, the variant name once re-cased.
    pub name: String,
    /// The message the API sends with it.
    pub message: String,
    /// The eight-digit `responseCode` form, where known.
    pub response_code: Option<String>,
    /// What it means.
    pub description: Option<String>,
    /// Where it is defined.
    pub pointer: String,
    /// Operation ids that document this code; empty for the global table.
    pub operations: Vec<String>,
    /// `mockOnly`: chosen by this project's mock where the real code is undocumented.
    pub mock_only: bool,
    /// `retry`: whether a call that got this code may be sent again.
    pub retry: RetryClass,
}

/// When a code allows sending the call again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryClass {
    /// Never (the default): the answer is final.
    #[default]
    Never,
    /// Always: the request was refused before it was processed.
    Always,
    /// Only for operations that are safe to repeat.
    IfIdempotent,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`, with query parameters.
    Get,
    /// `POST`, with a JSON body.
    Post,
}

impl Method {
    /// Upper-case name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One operation: modelled on progenitor's `OperationMethod`.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`, e.g. `companyAuthMiniappTicket`.
    pub id: String,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL, e.g. `/companyauth/miniappexchange`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// What the caller passes.
    pub input: Input,
    /// Rust type name of `result` on success; `None` when the answer has none.
    pub result: Option<String>,
    /// Codes documented for this operation only (`x-qys-response-codes`).
    pub codes: Vec<i64>,
    /// Safe to send again after it may have been processed: every GET, and
    /// operations marked `x-qys-idempotent: true`.
    pub idempotent: bool,
    /// The request body's `example`, which the method's doc example uses.
    pub request_example: Option<serde_json::Value>,
}

/// How an operation's input travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Nothing.
    None,
    /// A JSON body of the named type.
    JsonBody {
        /// Rust type name.
        type_name: String,
    },
    /// Query parameters, gathered into the named (synthesised) type.
    Query {
        /// Rust type name.
        type_name: String,
    },
}

impl Input {
    /// The request type, if the operation takes one.
    pub fn type_name(&self) -> Option<&str> {
        match self {
            Input::None => None,
            Input::JsonBody { type_name } | Input::Query { type_name } => Some(type_name),
        }
    }
}

/// A component schema marked `x-qys-comma-set`: a set of enum values sent as
/// one comma-joined string.
#[derive(Debug, Clone)]
pub struct CommaSet {
    /// Rust type name of the set.
    pub name: String,
    /// Rust type name of the item enum.
    pub item: String,
    /// `description`.
    pub description: Option<String>,
    /// Where it is defined.
    pub pointer: String,
}

/// A named object type.
#[derive(Debug, Clone)]
pub struct StructInfo {
    /// Rust type name.
    pub name: String,
    /// Where it is defined.
    pub pointer: String,
    /// Properties in schema order.
    pub fields: Vec<FieldInfo>,
    /// Whether callers build it (it is reachable from an operation's input):
    /// such types get `new(required…)`, setters and `validate`.
    pub request_side: bool,
}

/// One property of a named object type.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    /// Name on the wire.
    pub json_name: String,
    /// Whether the schema lists it in `required`.
    pub required: bool,
    /// Checks the generated `validate` makes before anything is sent.
    pub constraints: Vec<Constraint>,
    /// Checks on each item, for an array field.
    pub item_constraints: Vec<Constraint>,
    /// The Rust type name of a named object type this field holds (directly,
    /// in an `Option` or in a `Vec`), whose own `validate` then runs.
    pub nested: Option<String>,
    /// Whether the field is an array.
    pub is_array: bool,
    /// Doc text for a field whose schema is a bare `$ref` (OpenAPI 3.0 allows
    /// no description beside one): the first paragraph of the target's.
    pub ref_description: Option<String>,
}

/// A constraint from the schema checked on the client side.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// `minLength` on a string, in characters.
    MinLength(u64),
    /// `maxLength` on a string, in characters.
    MaxLength(u64),
    /// `minimum` on a number.
    Minimum(f64),
    /// `maximum` on a number.
    Maximum(f64),
    /// `minItems` on an array.
    MinItems(u64),
    /// `maxItems` on an array.
    MaxItems(u64),
}
