//! The intermediate representation: what the generator, the mock and `qys`
//! need to know about the API, free of OpenAPI's shape. Built by `lower.rs`
//! from a checked schema; nothing downstream reads the schema's JSON again
//! (the generator hands [`Api::schemas`] to typify, the mock to its validator).
//!
//! Split by who reads each part: this module holds what every consumer
//! needs; `mock.rs` what only a server needs (state rules, fresh values);
//! `input.rs` how a field's text becomes a value (`qys` and the mock's
//! forms). All are re-exported here. The request schemas a server checks
//! against are [`crate::wire`]'s.

use serde_json::{Map, Value};

mod input;
mod mock;

pub use crate::naming::{code_variant, variant_name};
pub use input::{InputField, ValueKind};
pub use mock::{Effect, FreshField, StateRule, Target, Transition};

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
    /// Every named type as OpenAPI schema JSON, in schema order: the component
    /// schemas (the envelope excepted), then the types query parameters become.
    /// Their `$ref`s point at `#/components/schemas/<name>`, where each of
    /// these names resolves.
    pub schemas: Vec<NamedSchema>,
    /// Choices of exactly one group of a request's properties
    /// (`components.x-qys-one-of`), each generated as one enum type.
    pub one_ofs: Vec<OneOf>,
    /// Closed (request) enums whose variants the schema names
    /// (`x-qys-variant-names`) rather than the one rule.
    pub enum_renames: Vec<EnumRenames>,
    /// The domains operations are grouped by (the document's `tags`), in
    /// schema order; each operation is in the first of its own `tags`.
    pub domains: Vec<Domain>,
}

/// A group of operations (an OpenAPI tag): the client's docs, `qys --help`
/// and the README list operations by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Domain {
    /// The tag's name, e.g. `contracts`.
    pub name: String,
    /// Its name as a heading, e.g. `Contracts`: the first letter upper case.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
}

/// The variant names a closed enum's schema gives (`x-qys-variant-names`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumRenames {
    /// The enum's Rust type name.
    pub name: String,
    /// Wire value → variant name.
    pub renames: Vec<(String, String)>,
}

impl Api {
    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The callback with this name.
    pub fn callback(&self, name: &str) -> Option<&Callback> {
        self.callbacks.iter().find(|c| c.name == name)
    }

    /// The code with this number.
    pub fn code(&self, code: i64) -> Option<&ResponseCode> {
        self.codes.iter().find(|c| c.code == code)
    }

    /// The code with this `UPPER_SNAKE` name.
    pub fn code_named(&self, name: &str) -> Option<&ResponseCode> {
        self.codes.iter().find(|c| c.name == name)
    }

    /// The one-of type with this name.
    pub fn one_of(&self, name: &str) -> Option<&OneOf> {
        self.one_ofs.iter().find(|o| o.name == name)
    }

    /// The one-ofs an operation's request type takes, in schema order.
    pub fn one_ofs_of(&self, op: &Operation) -> Vec<&OneOf> {
        let info = op.input.type_name().and_then(|name| self.struct_info(name));
        info.into_iter().flat_map(|info| &info.one_ofs).filter_map(|name| self.one_of(name)).collect()
    }

    /// The named object type.
    pub fn struct_info(&self, name: &str) -> Option<&StructInfo> {
        self.structs.iter().find(|s| s.name == name)
    }
}

/// A named type's schema.
#[derive(Debug, Clone)]
pub struct NamedSchema {
    /// The Rust type name (the component's name).
    pub name: String,
    /// Where it is defined: a component's pointer, or the operation's
    /// `parameters` for the type query parameters become.
    pub pointer: String,
    /// The OpenAPI schema, as written (a query type: the object the parameters make).
    pub schema: Value,
    /// Whether the type was made from an operation's query parameters.
    pub from_query: bool,
}

/// One entry of `servers`.
#[derive(Debug, Clone)]
pub struct Server {
    /// `x-qys-name`, e.g. `sandbox`.
    pub name: String,
    /// Its `Server` variant, e.g. `Sandbox`.
    pub variant: String,
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
    /// `UPPER_SNAKE` name.
    pub name: String,
    /// Its `ResponseCode` variant, e.g. `CompanyAlreadyAuthed`; the mock's own
    /// codes (`mock_only`) start with `Mock`, e.g. `MockInvalidSignature`.
    pub variant: String,
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
    /// `staleTimestamp`: the request's timestamp was too far from the server's
    /// clock, so the client corrects its clock from the answer's `Date`.
    pub stale_timestamp: bool,
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
    /// The names every consumer gives it, by one rule.
    pub names: Names,
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
    /// What `result` holds on success; `None` when the answer has none.
    pub result: Option<ResultType>,
    /// Codes documented for this operation only (`x-qys-response-codes`).
    pub codes: Vec<i64>,
    /// Safe to send again after it may have been processed: every GET, and
    /// operations marked `x-qys-idempotent: true`.
    pub idempotent: bool,
    /// Whose pair signs it (its `security`).
    pub signer: Signer,
    /// The domain it is listed under: the first of its `tags`.
    pub domain: Option<String>,
    /// The request body's `example`, which the method's doc example uses.
    pub request_example: Option<serde_json::Value>,
    /// The media type of the file a download answers (its `200` beside the
    /// error envelope); the method then returns the runtime's `Download`.
    pub download: Option<String>,
    /// `x-qys-source`: where the operation's facts come from.
    pub source: Option<Source>,
    /// Names of the callbacks this operation can cause.
    pub callbacks: Vec<String>,
    /// The success envelope an answer of this operation looks like: the
    /// schema's example with code 0, else one made from the result schema.
    pub success_example: Value,
    /// Places in [`Operation::success_example`] whose values are new on every
    /// answer (`x-qys-fresh`).
    pub fresh: Vec<FreshField>,
    /// The request's fields, nested objects flattened, in schema order: what a
    /// command line offers as flags and a form or query is typed by.
    pub fields: Vec<InputField>,
    /// `x-qys-pagination`: the operation lists a collection a page at a time.
    pub pagination: Option<Pagination>,
    /// `x-qys-state`: what the operation does to the contracts a stateful
    /// server keeps (the mock's lifecycle rules, as data).
    pub state: Option<StateRule>,
}

/// Which pair signs an operation (from its `security`, else the document's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// The company's AppToken and AppSecret (an agent's may come too: an agent
    /// acting for the company).
    Company,
    /// An agent's (SaaS mode, 代理商; the company's may come too: the agent
    /// acting for that company).
    Agent,
}

/// The type of an operation's `result`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultType {
    /// A named model, e.g. `TicketResult`.
    Named(String),
    /// No source documents it (the schema's `result` has no type): any JSON,
    /// `null` when the answer has none.
    Untyped,
}

impl ResultType {
    /// The model's name, unless the result is untyped JSON.
    pub fn named(&self) -> Option<&str> {
        match self {
            ResultType::Named(name) => Some(name),
            ResultType::Untyped => None,
        }
    }
}

/// How an operation pages (`x-qys-pagination`): offset and limit query
/// parameters, and an answer with the total and one page of items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The query parameter where a page starts, counted in items from 0.
    pub offset: String,
    /// The query parameter for the page size.
    pub limit: String,
    /// The answer's field with the number of items in every page together.
    pub total: String,
    /// The answer's array field with this page's items.
    pub items: String,
    /// The Rust type of one item.
    pub item_type: String,
}

/// `x-qys-one-of`: exactly one group of a request's properties must be
/// given; generated as an enum, one variant per group, flattened onto the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOf {
    /// Rust type name, e.g. `ContractRef`.
    pub name: String,
    /// The request field that holds it, e.g. `contract`.
    pub field: String,
    /// `description`.
    pub description: Option<String>,
    /// Where it is defined.
    pub pointer: String,
    /// The groups, in schema order.
    pub variants: Vec<OneOfVariant>,
}

/// One group of a one-of.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOfVariant {
    /// Variant name, e.g. `BizId`.
    pub name: String,
    /// Its constructor's name, e.g. `biz_id`.
    pub function: String,
    /// Its properties: the required ones first.
    pub members: Vec<OneOfMember>,
}

/// One property of a one-of group: a string (or an id) of the request.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOfMember {
    /// Name on the wire.
    pub json_name: String,
    /// Its Rust field name, e.g. `tenant_name`.
    pub field: String,
    /// Whether the group needs it (at least one does).
    pub required: bool,
    /// Whether it is one of the API's ids (`format: int64`): the runtime's `Id`.
    pub id: bool,
    /// Length limits checked before sending.
    pub constraints: Vec<Constraint>,
    /// Its description in the request type.
    pub description: Option<String>,
}

impl OneOf {
    /// Every property of every group, in order.
    pub fn members(&self) -> impl Iterator<Item = &OneOfMember> {
        self.variants.iter().flat_map(|v| &v.members)
    }

    /// The group that the given properties choose: the one whose required
    /// properties are all present while no property of another group is.
    /// Otherwise says what is expected, naming the properties.
    pub fn choose(&self, present: impl Fn(&str) -> bool) -> Result<&OneOfVariant, String> {
        let given: Vec<&OneOfVariant> =
            self.variants.iter().filter(|v| v.members.iter().any(|m| present(&m.json_name))).collect();
        match given.as_slice() {
            [one] if one.members.iter().filter(|m| m.required).all(|m| present(&m.json_name)) => Ok(one),
            _ => Err(self.expectation()),
        }
    }

    /// [`OneOf::choose`] for a request as JSON, as `qys` and the mock read
    /// one: a member that is `null` is absent, as on the wire.
    pub fn choose_in(&self, input: &Value) -> Result<&OneOfVariant, String> {
        self.choose(|name| input.get(name).is_some_and(|v| !v.is_null()))
    }

    /// "exactly one of `contractId`, or `bizId` (optionally with `tenantName`)".
    pub fn expectation(&self) -> String {
        self.expectation_as(|wire| format!("`{wire}`"))
    }

    /// [`OneOf::expectation`] with each property shown by `show` (a
    /// command line shows its flags).
    pub fn expectation_as(&self, show: impl Fn(&str) -> String) -> String {
        let groups: Vec<String> = self.variants.iter().map(|variant| variant.describe(&show)).collect();
        format!("exactly one of {}", groups.join(", or "))
    }
}

impl OneOfVariant {
    /// "`bizId` (optionally with `tenantName`)", each property shown by `show`.
    pub fn describe(&self, show: impl Fn(&str) -> String) -> String {
        let names = |required: bool| -> Vec<String> {
            self.members.iter().filter(|m| m.required == required).map(|m| show(&m.json_name)).collect()
        };
        let (required, optional) = (names(true), names(false));
        if optional.is_empty() {
            required.join(" and ")
        } else {
            format!("{} (optionally with {})", required.join(" and "), optional.join(", "))
        }
    }
}

/// An operation's names, all from its `operationId` by one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// The client method: `company_auth_miniapp_ticket`.
    pub method: String,
    /// The constant describing it to the runtime: `COMPANY_AUTH_MINIAPP_TICKET`.
    pub constant: String,
    /// The command line's subcommand: `company-auth-miniapp-ticket`.
    pub command: String,
}

impl Names {
    /// The names for an `operationId`.
    pub fn of(operation_id: &str) -> Names {
        Names {
            method: heck::AsSnakeCase(operation_id).to_string(),
            constant: heck::AsShoutySnakeCase(operation_id).to_string(),
            command: heck::AsKebabCase(operation_id).to_string(),
        }
    }
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
    /// The URL expression as written, e.g. `{$request.body#/callbackUrl}`.
    pub expression: String,
    /// Where the URL comes from.
    pub url: CallbackUrl,
    /// Operations that declare it.
    pub operations: Vec<String>,
    /// The payload's fields on the wire, with how each one's text is read.
    pub fields: Vec<(String, ValueKind)>,
    /// The payload's example (`example` of its form body), for the mock to send.
    pub example: Map<String, Value>,
    /// Where it is first defined.
    pub pointer: String,
}

/// Where a callback's URL is taken from in the request that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackUrl {
    /// A JSON pointer into the request body (`{$request.body#/callbackUrl}`).
    Body(String),
    /// A query parameter (`{$request.query.name}`).
    Query(String),
}

impl CallbackUrl {
    /// Reads an OpenAPI runtime expression; `None` for the kinds the API does not use.
    pub fn parse(expression: &str) -> Option<CallbackUrl> {
        let inner = expression.strip_prefix('{')?.strip_suffix('}')?;
        if let Some(pointer) = inner.strip_prefix("$request.body#") {
            return pointer.starts_with('/').then(|| CallbackUrl::Body(pointer.to_owned()));
        }
        let name = inner.strip_prefix("$request.query.")?;
        crate::naming::is_identifier(name).then(|| CallbackUrl::Query(name.to_owned()))
    }

    /// The URL in a request's input (its JSON body, or its query as an object).
    pub fn find<'a>(&self, input: &'a Value) -> Option<&'a str> {
        match self {
            CallbackUrl::Body(pointer) => input.pointer(pointer),
            CallbackUrl::Query(name) => input.get(name),
        }
        .and_then(Value::as_str)
    }
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
    /// Their variants, in the same order.
    pub variants: Vec<String>,
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
    /// The one-of types it takes (their members are not among `fields`; a
    /// field named after each one's `field` holds it, flattened).
    pub one_ofs: Vec<String>,
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
    /// Whether the field is an upload: a file part (`format: binary`) of a
    /// multipart body, or with `is_array` several, sent as repeated parts of
    /// one name.
    pub upload: bool,
    /// Whether the field is a one-of ([`OneOf`]) whose members sit beside the
    /// other fields on the wire.
    pub flatten: bool,
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
