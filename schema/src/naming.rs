//! The naming rules every stage applies to the schema's names: what a usable
//! identifier is, and how a name or value becomes a Rust name. A leaf: it
//! reads no JSON and knows no other module.

/// Type names the generated code takes from the runtime.
pub const RESERVED_NAMES: &[&str] = &["Id", "FilePart", "Secret"];

/// Letters, digits and `_`, starting with a letter: a name every consumer can use.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `UPPER_SNAKE_CASE`, as response code names are written.
pub(crate) fn is_upper_snake(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `name` is already in UpperCamelCase (a Rust type or variant name).
pub(crate) fn is_upper_camel(name: &str) -> bool {
    heck::AsUpperCamelCase(name).to_string() == name
}

/// The Rust variant name for a name or value of the schema (`sandbox` →
/// `Sandbox`, `COMPANY_ALREADY_AUTHED` → `CompanyAlreadyAuthed`): the one
/// rule for servers, codes and open enums, which the checker also applies.
pub fn variant_name(text: &str) -> String {
    heck::AsUpperCamelCase(text).to_string()
}

/// A response code's `ResponseCode` variant: [`variant_name`] of its name,
/// and for the mock's own codes (`mockOnly`) with `Mock` in front, so that
/// nobody takes them for the gateway's (`INVALID_SIGNATURE` →
/// `MockInvalidSignature`; `MOCK_CAPACITY` stays `MockCapacity`).
pub fn code_variant(name: &str, mock_only: bool) -> String {
    match variant_name(name) {
        variant if mock_only && !variant.starts_with("Mock") => format!("Mock{variant}"),
        variant => variant,
    }
}

/// The type name the query parameters of `operation_id` become.
pub(crate) fn query_type_name(operation_id: &str) -> String {
    format!("{}Request", heck::AsUpperCamelCase(operation_id))
}
