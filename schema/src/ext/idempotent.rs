//! `x-qys-idempotent` on an operation: `true` when a POST is safe to send again
//! after it may have been processed (a GET always is).

use serde_json::Value;

use crate::error::Collector;
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-idempotent";

/// Whether the operation says it is idempotent; anything but a boolean is refused.
pub(crate) fn read(operation: &Value, pointer: &str, errors: &mut Collector) -> bool {
    match operation.get(KEY) {
        None => false,
        Some(Value::Bool(idempotent)) => *idempotent,
        Some(_) => {
            errors.push(join(pointer, KEY), "`x-qys-idempotent` is `true` or `false`");
            false
        }
    }
}
