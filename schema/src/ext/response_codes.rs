//! `x-qys-response-codes`, on the document (the gateway's codes) and on an
//! operation (its own): each entry `{code, name, message, responseCode?,
//! description?, retry?, mockOnly?, staleTimestamp?}`. One code means one
//! thing across the whole schema, and one name one code.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::doc::text;
use crate::error::Collector;
use crate::ir::{ResponseCode, RetryClass};
use crate::naming::{code_variant, is_upper_snake};
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-response-codes";

/// Every code read so far, in the order first seen (the global table first).
#[derive(Default)]
pub(crate) struct Codes {
    /// Code → its name and where it was first defined.
    names: BTreeMap<i64, String>,
    /// `ResponseCode` variant → the name it came from.
    variants: BTreeMap<String, String>,
    pub(crate) list: Vec<ResponseCode>,
}

impl Codes {
    /// The codes defined so far.
    pub(crate) fn known(&self) -> BTreeSet<i64> {
        self.names.keys().copied().collect()
    }
}

/// Reads the table under `owner` (the document, or an operation with its
/// `operationId`) into `codes`; returns the codes the table lists.
pub(crate) fn read(
    owner: &Value,
    pointer: &str,
    operation: Option<&str>,
    codes: &mut Codes,
    errors: &mut Collector,
) -> Vec<i64> {
    let Some(table) = owner.get(KEY) else { return Vec::new() };
    let pointer = join(pointer, KEY);
    let Some(entries) = table.as_array() else {
        errors.push(&pointer, "`x-qys-response-codes` must be an array");
        return Vec::new();
    };
    let mut own = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let entry_pointer = join(&pointer, &index.to_string());
        let code = entry.get("code").and_then(Value::as_i64);
        let name = entry.get("name").and_then(Value::as_str);
        let (Some(code), Some(name)) = (code, name) else {
            errors.push(&entry_pointer, "a response code needs an integer `code` and a `name`");
            continue;
        };
        own.push(code);
        if !is_upper_snake(name) {
            errors.push(join(&entry_pointer, "name"), format!("`{name}` is not UPPER_SNAKE_CASE"));
        } else if name == "UNKNOWN" {
            errors.push(join(&entry_pointer, "name"), "`UNKNOWN` is reserved for codes the schema does not list");
        }
        let retry = match entry.get("retry").map(|r| r.as_str()) {
            None => RetryClass::Never,
            Some(Some("always")) => RetryClass::Always,
            Some(Some("idempotent")) => RetryClass::IfIdempotent,
            Some(_) => {
                errors.push(join(&entry_pointer, "retry"), "`retry` is `always` or `idempotent` (or absent: never)");
                RetryClass::Never
            }
        };
        for flag in ["mockOnly", "staleTimestamp"] {
            if entry.get(flag).is_some_and(|m| !m.is_boolean()) {
                errors.push(join(&entry_pointer, flag), format!("`{flag}` is `true` or `false`"));
            }
        }
        if entry.get("message").and_then(Value::as_str).is_none() {
            errors.push(&entry_pointer, "a response code needs its `message`");
        }
        let mock_only = entry.get("mockOnly") == Some(&Value::Bool(true));
        match codes.names.get(&code) {
            Some(known) if known != name => errors.push(
                join(&entry_pointer, "name"),
                format!("code {code} is already named `{known}`; one code has one name"),
            ),
            Some(_) => {
                if let Some(known) = codes.list.iter_mut().find(|c| c.code == code) {
                    known.operations.extend(operation.map(str::to_owned));
                }
            }
            None => {
                if let Some(other) = codes.names.values().find(|n| *n == name) {
                    errors
                        .push(join(&entry_pointer, "name"), format!("name `{other}` already belongs to another code"));
                }
                let variant = code_variant(name, mock_only);
                if let Some(other) = codes.variants.insert(variant.clone(), name.to_owned()) {
                    errors.push(
                        join(&entry_pointer, "name"),
                        format!("`{name}` and `{other}` would both be the variant `ResponseCode::{variant}`"),
                    );
                }
                codes.names.insert(code, name.to_owned());
                codes.list.push(ResponseCode {
                    code,
                    variant,
                    name: name.to_owned(),
                    message: text(entry, "message").unwrap_or_default(),
                    response_code: text(entry, "responseCode"),
                    description: text(entry, "description"),
                    pointer: entry_pointer,
                    operations: operation.map(str::to_owned).into_iter().collect(),
                    mock_only,
                    stale_timestamp: entry.get("staleTimestamp") == Some(&Value::Bool(true)),
                    retry,
                });
            }
        }
    }
    own
}
