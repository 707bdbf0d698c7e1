//! `x-qys-source` on an operation: where its facts come from (doc pages, SDK
//! files) and how sure they are.

use serde_json::Value;

use crate::error::Collector;
use crate::ir::Source;
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-source";

/// Confidence levels: the facts file's [P], [S] and [U].
const CONFIDENCE: &[&str] = &["primary", "secondary", "unconfirmed"];

/// The operation's source, if it has one; what is malformed is refused.
pub(crate) fn read(operation: &Value, pointer: &str, errors: &mut Collector) -> Option<Source> {
    let source = operation.get(KEY)?;
    let pointer = join(pointer, KEY);
    let strings = |key: &str| {
        source
            .get(key)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().all(|v| v.as_str().is_some_and(|s| !s.is_empty())))
    };
    if !strings("references") || source.get("references").and_then(Value::as_array).is_some_and(Vec::is_empty) {
        errors.push(
            join(&pointer, "references"),
            "`references` lists the doc pages or SDK files the operation comes from",
        );
    }
    let confidence = source.get("confidence").and_then(Value::as_str);
    match confidence {
        Some(level) if CONFIDENCE.contains(&level) => {}
        _ => errors.push(join(&pointer, "confidence"), "`confidence` is `primary`, `secondary` or `unconfirmed`"),
    }
    if source.get("unconfirmed").is_some() && !strings("unconfirmed") {
        errors.push(join(&pointer, "unconfirmed"), "`unconfirmed` lists what remains unconfirmed, one string each");
    }
    let fields = ["references", "confidence", "unconfirmed"];
    super::refuse_unknown_fields(source, &pointer, &fields, "`x-qys-source`", errors);
    Some(Source {
        references: super::strings(source.get("references")),
        confidence: confidence.unwrap_or_default().to_owned(),
        unconfirmed: super::strings(source.get("unconfirmed")),
    })
}
