//! The static description of an operation that generated code hands to the runtime.

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`, with query parameters.
    Get,
    /// `POST`, with a JSON body.
    Post,
}

impl Method {
    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One operation of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// `operationId`.
    pub id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL.
    pub path: &'static str,
    /// Codes the operation's own table documents.
    pub codes: &'static [i64],
    /// Safe to send again after it may have been processed.
    pub idempotent: bool,
    /// Signed with an agent's credentials (SaaS mode), and the company's too
    /// when the client acts for one; other operations need the company's.
    pub agent: bool,
}

/// What a call sends.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a, B> {
    /// Nothing.
    None,
    /// `B` as a JSON body.
    Json(&'a B),
    /// `B` as query parameters.
    Query(&'a B),
    /// A `multipart/form-data` body.
    Multipart(&'a dyn super::multipart::Multipart),
}
