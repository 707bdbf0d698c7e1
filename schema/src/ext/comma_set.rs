//! `x-qys-comma-set` on a string schema: the string joins values of the
//! string enum it names with commas (`"PERSONAL,COMPANY"`). The client takes a
//! set of the enum; `qys` takes the values as a list.

use serde_json::Value;

use crate::doc::{ref_name, ref_of, resolve, text};
use crate::error::Collector;
use crate::ir::CommaSet;
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-comma-set";

/// The enum a schema's comma set joins (its `$ref`), if it is one.
pub(crate) fn item(schema: &Value) -> Option<&Value> {
    schema.get(KEY)
}

/// The component `name`'s comma set, if it is one: on a `type: string`
/// schema, a `$ref` to a string enum, its `pattern` (if any) the one the values make.
pub(crate) fn read(doc: &Value, name: &str, schema: &Value, pointer: &str, errors: &mut Collector) -> Option<CommaSet> {
    let item = item(schema)?;
    let ext = join(pointer, KEY);
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        errors.push(&ext, "`x-qys-comma-set` belongs on a `type: string` schema (the wire form)");
    }
    let values =
        ref_of(item).and_then(|r| resolve(doc, r)).and_then(|target| target.get("enum")).and_then(Value::as_array);
    match values {
        None => errors.push(&ext, "`x-qys-comma-set` must be a `$ref` to a string enum schema"),
        Some(values) => {
            let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                let expected = pattern_of(&values);
                if pattern != expected {
                    errors.push(
                        join(pointer, "pattern"),
                        format!("the pattern disagrees with the set's values; expected `{expected}`"),
                    );
                }
            }
        }
    }
    Some(CommaSet {
        name: name.to_owned(),
        item: ref_name(item).unwrap_or_default().to_owned(),
        description: text(schema, "description"),
        pointer: pointer.to_owned(),
    })
}

/// The pattern a comma-joined set of `values` matches.
fn pattern_of(values: &[&str]) -> String {
    let alternatives = values.join("|");
    format!("^({alternatives})(,({alternatives}))*$")
}
