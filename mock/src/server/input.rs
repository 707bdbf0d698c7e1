//! Reading a request into the JSON its operation's schema describes: a JSON
//! body, query parameters or a multipart form, each value typed as its schema
//! says; then bounded and validated.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::spec::Route;
use qiyuesuo_schema::ir::{Input, ValueKind};

/// Request bodies larger than this are refused.
pub(super) const MAX_BODY: usize = 1 << 20;

/// The request's input as JSON, validated against the operation's schema,
/// and the files of a multipart body (part name, bytes).
pub(super) async fn read_input(
    route: &Route,
    body: Bytes,
    query: &str,
    content_type: &str,
) -> Result<(Value, Vec<(String, Bytes)>), String> {
    let mut files = Vec::new();
    let input = match route.op.input {
        Input::None => return Ok((Value::Null, files)),
        Input::JsonBody { .. } => {
            // The documentation says JSON bodies are `application/json;charset=UTF-8`;
            // any parameters and letter case are accepted, another type is not.
            let media = content_type.split(';').next().unwrap_or_default().trim();
            if !media.eq_ignore_ascii_case("application/json") {
                let shown = if content_type.is_empty() { "none".to_owned() } else { format!("`{content_type}`") };
                return Err(format!("Content-Type must be application/json, not {shown}"));
            }
            let json = serde_json::from_slice(&body).map_err(|e| format!("the body is not JSON ({e})"))?;
            qiyuesuo_schema::wire::without_nulls(json)
        }
        Input::Query { .. } => query_object(query, &route.parameters),
        Input::Multipart { .. } => multipart_object(body, content_type, route, &mut files).await?,
    };
    // Before the validator quotes it or the store keeps it.
    if let Some(problem) = crate::bounds::too_long(&input) {
        return Err(problem);
    }
    let Some(validator) = route.validator() else { return Ok((input, files)) };
    let validator = validator.map_err(|problem| format!("the mock cannot check this request: {problem}"))?;
    let problems: Vec<String> = validator
        .iter_errors(&input)
        .map(|error| {
            let at = error.instance_path().to_string();
            let field = at.trim_start_matches('/').replace('/', ".");
            if field.is_empty() { error.to_string() } else { format!("{field}: {error}") }
        })
        .collect();
    if problems.is_empty() { Ok((input, files)) } else { Err(crate::bounds::problems(&problems)) }
}

/// A multipart body as an object: text parts typed by their schema, JSON
/// parts parsed, file parts replaced by their file names.
async fn multipart_object(
    body: Bytes,
    content_type: &str,
    route: &Route,
    files: &mut Vec<(String, Bytes)>,
) -> Result<Value, String> {
    let parameters = &route.parameters;
    let boundary = multer::parse_boundary(content_type).map_err(|e| format!("not a multipart body ({e})"))?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut object = Map::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| format!("a broken multipart body ({e})"))? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let Some((_, kind)) = parameters.iter().find(|(n, _)| *n == name) else { continue };
        let data = field.bytes().await.map_err(|e| format!("{name}: a broken part ({e})"))?;
        let value = match (*kind, file_name) {
            (ValueKind::File, Some(file_name)) if !data.is_empty() => {
                files.push((name.clone(), data));
                Value::String(file_name)
            }
            (ValueKind::File, _) => return Err(format!("{name}: expected a file with a name and contents")),
            (kind, _) => {
                let text = String::from_utf8(data.to_vec()).map_err(|_| format!("{name}: not UTF-8 text"))?;
                match kind {
                    ValueKind::JsonText => qiyuesuo_schema::wire::without_nulls(
                        serde_json::from_str(&text).map_err(|e| format!("{name}: not JSON ({e})"))?,
                    ),
                    kind => lenient(kind, text),
                }
            }
        };
        if route.file_lists.contains(&name) {
            // Several files: one part each, all of one name.
            let list = object.entry(name).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(value);
            }
            continue;
        }
        object.insert(name, value);
    }
    Ok(Value::Object(object))
}

/// Query pairs as an object, each value typed as its parameter's schema says,
/// so the validator sees `selectLimit=x` as the wrong type it is.
fn query_object(query: &str, parameters: &[(String, ValueKind)]) -> Value {
    let mut object = Map::new();
    for (name, value) in super::form_pairs(query) {
        let Some((_, kind)) = parameters.iter().find(|(n, _)| *n == name) else { continue };
        object.insert(name, lenient(*kind, value));
    }
    Value::Object(object)
}

/// Text as its kind's value, or left a string when it is not one, so that
/// the validator names the field and what it expected.
fn lenient(kind: ValueKind, text: String) -> Value {
    kind.read(&text).unwrap_or(Value::String(text))
}
