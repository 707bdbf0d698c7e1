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
    /// String enums that answers or callbacks carry: generated open, with an
    /// `Unknown(String)` variant, so a new value from the server is no error.
    pub open_enums: Vec<OpenEnum>,
    /// Payloads the API sends to the integrator's `callbackUrl`.
    pub callbacks: Vec<Callback>,
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
    /// The media type of the file a download answers (its `200` beside the
    /// error envelope); the method then returns the runtime's `Download`.
    pub file: Option<String>,
    /// `x-qys-source`: where the operation's facts come from.
    pub source: Option<Source>,
    /// Names of the callbacks this operation can cause.
    pub callbacks: Vec<String>,
}

/// Where an operation's facts come from (`x-qys-source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Doc page URLs or official SDK files.
    pub references: Vec<String>,
    /// `primary`, `secondary` or `unconfirmed`.
    pub confidence: String,
    /// What remains unconfirmed.
    pub unconfirmed: Vec<String>,
}

/// A callback the API sends: a form-encoded POST with a typed payload.
#[derive(Debug, Clone)]
pub struct Callback {
    /// Its name under the operations' `callbacks`.
    pub name: String,
    /// Rust type name of the payload.
    pub type_name: String,
    /// Where the URL comes from, e.g. `{$request.body#/callbackUrl}`.
    pub expression: String,
    /// Operations that declare it.
    pub operations: Vec<String>,
    /// The payload's fields on the wire, with how each one's text is read.
    pub fields: Vec<(String, FormKind)>,
    /// Where it is first defined.
    pub pointer: String,
}

/// How a form field's text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    /// As it is.
    Text,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// JSON text.
    Json,
}

/// A string enum generated open.
#[derive(Debug, Clone)]
pub struct OpenEnum {
    /// Rust type name.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// Where it is defined.
    pub pointer: String,
    /// The known values on the wire, in schema order.
    pub values: Vec<String>,
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
    /// A `multipart/form-data` body of the named type.
    Multipart {
        /// Rust type name.
        type_name: String,
    },
}

impl Input {
    /// The request type, if the operation takes one.
    pub fn type_name(&self) -> Option<&str> {
        match self {
            Input::None => None,
            Input::JsonBody { type_name } | Input::Query { type_name } | Input::Multipart { type_name } => {
                Some(type_name)
            }
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
    /// Whether it is a `multipart/form-data` body.
    pub multipart: bool,
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
    /// Whether the field is a file (`format: binary`).
    pub is_file: bool,
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
