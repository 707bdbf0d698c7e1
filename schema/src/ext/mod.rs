//! The `x-qys-*` extensions (schema/README.md's table), one module each. A
//! module reads its extension once: it refuses what the IR cannot say (each
//! refusal with its JSON pointer) and returns the IR piece the extension
//! stands for. The checker calls each where the extension sits and hands the
//! pieces to the lowering in [`Extensions`]; no other module reads an
//! `x-qys-*` key (they ask these modules, by their `KEY` or their functions).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Collector;
use crate::ir::{CommaSet, Pagination, ResponseCode, Server, Source, StateRule};
use crate::pointer::join;

pub(crate) mod also_accepted;
pub(crate) mod comma_set;
pub(crate) mod envelope;
pub(crate) mod fresh;
pub(crate) mod idempotent;
pub(crate) mod name;
pub(crate) mod one_of;
pub(crate) mod pagination;
pub(crate) mod response_codes;
pub(crate) mod source;
pub(crate) mod state;
pub(crate) mod variant_names;

/// Every extension this reader knows. Any other `x-qys-*` key is refused
/// wherever it appears: a misspelt one would otherwise be ignored without a word.
const KNOWN: [&str; 12] = [
    also_accepted::KEY,
    comma_set::KEY,
    envelope::KEY,
    fresh::KEY,
    idempotent::KEY,
    name::KEY,
    one_of::KEY,
    pagination::KEY,
    response_codes::KEY,
    source::KEY,
    state::KEY,
    variant_names::KEY,
];

/// What the checker read from the extensions, for the lowering.
pub(crate) struct Extensions {
    /// `servers`, each with its `x-qys-name`.
    pub(crate) servers: Vec<Server>,
    /// Every response code, the global table's first.
    pub(crate) codes: Vec<ResponseCode>,
    /// `components.x-qys-one-of`.
    pub(crate) one_ofs: Vec<one_of::Declared>,
    /// The component comma sets, in component order.
    pub(crate) comma_sets: Vec<CommaSet>,
    /// The enums' `x-qys-variant-names`.
    pub(crate) variant_names: variant_names::VariantNames,
    /// Each operation's, by its JSON pointer.
    pub(crate) operations: BTreeMap<String, OperationExtensions>,
}

/// An operation's extensions.
#[derive(Default)]
pub(crate) struct OperationExtensions {
    pub(crate) idempotent: bool,
    /// The codes its own table lists.
    pub(crate) codes: Vec<i64>,
    pub(crate) source: Option<Source>,
    /// The one-ofs its request type takes.
    pub(crate) one_ofs: Vec<String>,
    pub(crate) pagination: Option<Pagination>,
    pub(crate) state: Option<StateRule>,
}

/// Refuses `x-qys-*` keys this reader does not know, naming the nearest
/// known one, and a value of `x-qys-fresh` other than `true`.
pub(crate) fn refuse_unknown(value: &Value, pointer: &str, errors: &mut Collector) {
    match value {
        Value::Object(fields) => {
            for (key, child) in fields {
                let at = join(pointer, key);
                if key.starts_with("x-qys-") && !KNOWN.contains(&key.as_str()) {
                    let nearest = KNOWN
                        .iter()
                        .map(|known| (strsim::jaro_winkler(key, known), *known))
                        .filter(|(score, _)| *score > 0.9)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, known)| format!(" (did you mean `{known}`?)"))
                        .unwrap_or_default();
                    errors.push(&at, format!("`{key}` is not an extension this schema reader knows{nearest}"));
                }
                if key == fresh::KEY {
                    fresh::check_value(child, &at, errors);
                }
                refuse_unknown(child, &at, errors);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                refuse_unknown(item, &join(pointer, &index.to_string()), errors);
            }
        }
        _ => {}
    }
}

/// Refuses the members of an extension's object that are not among `known`
/// (`what` names the extension in the message).
fn refuse_unknown_fields(value: &Value, pointer: &str, known: &[&str], what: &str, errors: &mut Collector) {
    for key in value.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !known.contains(&key.as_str()) {
            errors.push(join(pointer, key), format!("`{key}` is not a field of {what}"));
        }
    }
}

/// The strings of an array, or `None` if it is not an array of strings.
fn all_strings(value: Option<&Value>) -> Option<Vec<&str>> {
    value?.as_array()?.iter().map(Value::as_str).collect()
}

/// The strings among an array's items.
fn strings(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}
