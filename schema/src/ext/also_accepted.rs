//! `x-qys-also-accepted` on a property: the other wire forms another vendor
//! SDK sends for it (a non-empty array of schemas). The mock accepts them; the
//! client never sends them.

use serde_json::{Map, Value};

use crate::error::Collector;

pub(crate) const KEY: &str = "x-qys-also-accepted";

/// The forms a schema lists, for the checker to check as schemas; refuses
/// anything but a non-empty array.
pub(crate) fn forms<'a>(schema: &'a Map<String, Value>, pointer: &str, errors: &mut Collector) -> &'a [Value] {
    match schema.get(KEY).map(Value::as_array) {
        None => &[],
        Some(Some(forms)) if !forms.is_empty() => forms,
        Some(_) => {
            errors.push(pointer, "`x-qys-also-accepted` is a non-empty array of schemas");
            &[]
        }
    }
}

/// `schema` made to accept its other forms too: `anyOf` its own form and the
/// ones listed (the mock's validator reads the result).
pub(crate) fn widen(map: &mut Map<String, Value>) {
    if let Some(Value::Array(others)) = map.remove(KEY) {
        let mut forms = vec![Value::Object(std::mem::take(map))];
        forms.extend(others);
        map.insert("anyOf".to_owned(), Value::Array(forms));
    }
}
