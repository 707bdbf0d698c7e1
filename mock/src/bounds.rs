//! What one request can make the mock hold, answer or print, bounded where
//! the request is read: no text value longer than [`MAX_VALUE_BYTES`], no
//! message longer than [`MAX_MESSAGE_CHARS`]. (Connections are bounded in
//! `listener.rs`, the store in `contracts.rs`, the record in `journal.rs`.)

use std::borrow::Cow;

use serde_json::Value;

/// The longest text value a request may carry, in bytes (a JSON string, a
/// query or form value): a longer one is refused with the gateway's code for
/// an invalid parameter, before it is checked, stored or logged.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// The longest message the mock answers, records or prints, in characters:
/// a longer one (a validator quoting a value) keeps its start and its end.
pub const MAX_MESSAGE_CHARS: usize = 512;
/// The problems one refusal lists; it counts the rest.
pub const MAX_PROBLEMS: usize = 10;

/// The first text value in `input` longer than [`MAX_VALUE_BYTES`], as the
/// refusal's detail naming its field.
pub(crate) fn too_long(input: &Value) -> Option<String> {
    let mut path = Vec::new();
    too_long_at(input, &mut path)
}

fn too_long_at(value: &Value, path: &mut Vec<String>) -> Option<String> {
    match value {
        Value::String(text) if text.len() > MAX_VALUE_BYTES => Some(format!(
            "{}: {} bytes, more than the {MAX_VALUE_BYTES} the mock takes in one value",
            if path.is_empty() { "the value".to_owned() } else { path.join(".") },
            text.len()
        )),
        Value::Array(items) => items.iter().enumerate().find_map(|(n, item)| {
            path.push(n.to_string());
            let found = too_long_at(item, path);
            path.pop();
            found
        }),
        Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            path.push(name.clone());
            let found = too_long_at(item, path);
            path.pop();
            found
        }),
        _ => None,
    }
}

/// `text`, or its start and end around a note of what was cut when it is
/// longer than [`MAX_MESSAGE_CHARS`]: a validator's message quotes the value
/// first and says what is wrong with it last, so both ends are kept.
pub(crate) fn message(text: &str) -> Cow<'_, str> {
    let length = text.chars().count();
    if length <= MAX_MESSAGE_CHARS {
        return Cow::Borrowed(text);
    }
    let keep = MAX_MESSAGE_CHARS / 2;
    let start: String = text.chars().take(keep).collect();
    let end: String = text.chars().skip(length - keep).collect();
    Cow::Owned(format!("{start}…({} characters cut)…{end}", length - 2 * keep))
}

/// A refusal's problems joined, at most [`MAX_PROBLEMS`] of them, each cut
/// by [`message`].
pub(crate) fn problems(problems: &[String]) -> String {
    let mut shown: Vec<Cow<'_, str>> = problems.iter().take(MAX_PROBLEMS).map(|p| message(p)).collect();
    if problems.len() > MAX_PROBLEMS {
        shown.push(Cow::Owned(format!("and {} more", problems.len() - MAX_PROBLEMS)));
    }
    shown.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_is_named_by_its_field() {
        let long = "x".repeat(MAX_VALUE_BYTES + 1);
        let input = serde_json::json!({"signatories": [{"receiver": {"contact": long}}]});
        let found = too_long(&input).unwrap_or_default();
        assert!(found.starts_with("signatories.0.receiver.contact: 65537 bytes"), "{found}");
        let fits = serde_json::json!({"subject": "x".repeat(MAX_VALUE_BYTES)});
        assert_eq!(too_long(&fits), None);
    }

    #[test]
    fn a_long_message_keeps_both_ends() {
        let text = format!("subject: \"{}\" is longer than 100 characters", "x".repeat(100_000));
        let cut = message(&text);
        assert!(cut.chars().count() < MAX_MESSAGE_CHARS + 40, "{cut}");
        assert!(cut.starts_with("subject: \"xxx") && cut.ends_with("is longer than 100 characters"), "{cut}");
        assert!(cut.contains("characters cut"), "{cut}");
        assert_eq!(message("short"), "short");
    }

    #[test]
    fn problems_beyond_the_cap_are_counted() {
        let many: Vec<String> = (0..25).map(|n| format!("field{n}: wrong")).collect();
        let joined = problems(&many);
        assert!(joined.contains("field9: wrong") && !joined.contains("field10:"), "{joined}");
        assert!(joined.ends_with("and 15 more"), "{joined}");
    }
}
