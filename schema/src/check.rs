//! Checks that the schema is one the generator can turn into correct code,
//! the mock can serve and `qys` can offer, and reports every problem with its
//! JSON pointer. Every refusal is made here or by an extension's module
//! ([`crate::ext`]), which this walk calls where the extension sits and whose
//! pieces it hands on: the lowering that follows assumes what is checked, and
//! so do typify (which panics on some inputs, dangling references among them)
//! and everything that reads the IR.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::doc::{component_schemas, follow, ref_of, resolve, schema_ref_name};
use crate::error::{Collector, Errors};
use crate::ext::{self, Extensions, OperationExtensions, one_of, response_codes::Codes};
use crate::ir::CallbackUrl;
use crate::naming::{RESERVED_NAMES, is_identifier};
use crate::pointer::join;
use crate::reach::Reach;

/// The HTTP methods the QiYueSuo API uses; any other is refused.
const METHODS: &[&str] = &["get", "post"];
const OTHER_METHODS: &[&str] = &["put", "delete", "patch", "head", "options", "trace"];

/// Schema keywords the generator understands. Anything else would be
/// silently ignored or mistranslated, so it is refused instead.
const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "description",
    "title",
    "properties",
    "required",
    "items",
    "enum",
    "default",
    "example",
    "format",
    "nullable",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "additionalProperties",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// Formats with a faithful Rust type; other formats are refused. A string
/// `int64` is one of the API's 19-digit ids (the runtime's `Id`); a string
/// `binary` is a file part of a multipart body (the runtime's `FilePart`); a
/// string `password` is a secret the API answers (the runtime's `Secret`,
/// kept out of `Debug`).
const FORMATS: &[(&str, &str)] = &[
    ("integer", "int32"),
    ("integer", "int64"),
    ("number", "float"),
    ("number", "double"),
    ("string", "int64"),
    ("string", "binary"),
    ("string", "password"),
];

/// Request body media types, each a way the runtime encodes a request.
const REQUEST_MEDIA: &[&str] = &["application/json", "multipart/form-data"];

/// Checks the whole document; on success, what its extensions say.
pub(crate) fn check(doc: &Value, reach: &Reach) -> Result<Extensions, Errors> {
    let mut errors = Collector::default();
    let Some(root) = doc.as_object() else {
        return Err(Errors::one("", "the document is not a JSON object"));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") => {}
        Some(version) => {
            errors.push("/openapi", format!("OpenAPI version `{version}` is not supported; the generator reads 3.0.x"))
        }
        None => errors.push("/openapi", "missing `openapi` version string"),
    }
    check_refs(doc, doc, "", &mut errors);
    let servers = ext::name::servers(root, &mut errors);
    ext::envelope::check(doc, &mut errors);
    let comma_sets = check_components(doc, &mut errors);
    ext::refuse_unknown(doc, "", &mut errors);
    let one_ofs = one_of::declarations(doc, &mut errors);
    let variant_names = ext::variant_names::read(doc, &mut errors);
    let mut codes = Codes::default();
    ext::response_codes::read(doc, "", None, &mut codes, &mut errors);
    match crate::security::signing(doc, None) {
        Ok(crate::ir::Signer::Company) => {}
        Ok(crate::ir::Signer::Agent) => errors.push(
            "/security",
            "the document's `security` must be the company's pair; an agent operation says so itself",
        ),
        Err(problem) => errors.push("/security", problem),
    }
    let operations = check_paths(doc, &one_ofs, &mut codes, &mut errors);
    check_sides(doc, reach, &variant_names, &mut errors);
    errors.finish(Extensions { servers, codes: codes.list, one_ofs, comma_sets, variant_names, operations })
}

/// What each side of the API reaches: files only in multipart bodies; open
/// (answer) enums apart from closed (request) ones, with usable variant names.
fn check_sides(doc: &Value, reach: &Reach, variant_names: &ext::variant_names::VariantNames, errors: &mut Collector) {
    let multipart_bodies: BTreeSet<&str> = crate::doc::operations(doc)
        .filter_map(|(_, _, op)| crate::doc::body_schema(doc, op))
        .filter(|(multipart, _)| *multipart)
        .filter_map(|(_, schema)| crate::doc::ref_name(schema))
        .collect();
    for (name, schema) in component_schemas(doc).filter(|(name, _)| !multipart_bodies.contains(name.as_str())) {
        for (field, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if crate::doc::is_file_part(property) {
                errors.push(
                    join(&join(&join("/components/schemas", name), "properties"), field),
                    "a file (`format: binary`) can only be a property of a `multipart/form-data` request body",
                );
            }
        }
    }
    for (name, schema) in crate::reach::enums(doc).filter(|(name, _)| reach.answers.contains(name.as_str())) {
        let pointer = join("/components/schemas", name);
        if reach.requests.contains(name.as_str()) {
            errors.push(
                &pointer,
                format!(
                    "enum `{name}` is used by a request and by an answer; answers get open enums and requests \
                     closed ones, so give each side its own component"
                ),
            );
            continue;
        }
        let mut variants = BTreeSet::new();
        for value in schema.get("enum").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            let variant = variant_names.of(name, value);
            if !is_identifier(&variant) || variant == "Unknown" || !variants.insert(variant.clone()) {
                errors.push(
                    join(&pointer, "enum"),
                    format!("value `{value}` gives the variant `{variant}`, which is not a usable, unique Rust name"),
                );
            }
        }
    }
}

/// Every `$ref` anywhere must be local and resolve.
fn check_refs(doc: &Value, value: &Value, pointer: &str, errors: &mut Collector) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_pointer = join(pointer, key);
                if key == "$ref" {
                    match child.as_str() {
                        Some(reference) if !reference.starts_with("#/") => errors.push(
                            child_pointer,
                            format!("external reference `{reference}` is not supported; only `#/…` references are"),
                        ),
                        Some(reference) if resolve(doc, reference).is_none() => errors.push(
                            child_pointer,
                            format!("dangling reference `{reference}`: nothing is at that pointer"),
                        ),
                        Some(_) => {}
                        None => errors.push(child_pointer, "`$ref` must be a string"),
                    }
                } else if !key.starts_with("x-") || key == ext::comma_set::KEY || key == ext::also_accepted::KEY {
                    check_refs(doc, child, &child_pointer, errors);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                check_refs(doc, child, &join(pointer, &index.to_string()), errors);
            }
        }
        _ => {}
    }
}

/// The component schemas' names and shapes; returns their comma sets.
fn check_components(doc: &Value, errors: &mut Collector) -> Vec<crate::ir::CommaSet> {
    let mut comma_sets = Vec::new();
    for (name, schema) in component_schemas(doc) {
        let pointer = join("/components/schemas", name);
        if !is_identifier(name) {
            errors.push(&pointer, format!("schema name `{name}` is not an identifier"));
            continue;
        }
        let rust_name = heck::AsUpperCamelCase(name).to_string();
        if rust_name != *name {
            errors.push(
                &pointer,
                format!("schema name `{name}` must be UpperCamelCase (`{rust_name}`): it is the Rust type name"),
            );
        }
        if RESERVED_NAMES.contains(&name.as_str()) {
            errors.push(&pointer, format!("schema name `{name}` is the runtime's own type; choose another name"));
        }
        if ext::envelope::is_marked(schema) {
            continue;
        }
        check_schema(schema, &pointer, true, errors);
        comma_sets.extend(ext::comma_set::read(doc, name, schema, &pointer, errors));
    }
    comma_sets
}

/// Checks one schema (recursively) against the subset the generator supports.
///
/// Objects and enums must be components (`top_level`): their names become Rust
/// type names, and an inline one would get a name the schema never says.
fn check_schema(schema: &Value, pointer: &str, top_level: bool, errors: &mut Collector) {
    let Some(map) = schema.as_object() else {
        errors.push(pointer, "a schema must be a JSON object");
        return;
    };
    for key in map.keys() {
        if !SCHEMA_KEYWORDS.contains(&key.as_str()) && !key.starts_with("x-") {
            errors.push(join(pointer, key), format!("schema keyword `{key}` is not supported by the generator"));
        }
    }
    let also = join(pointer, ext::also_accepted::KEY);
    for (index, form) in ext::also_accepted::forms(map, &also, errors).iter().enumerate() {
        check_schema(form, &join(&also, &index.to_string()), false, errors);
    }
    if let Some(reference) = ref_of(schema) {
        if map.len() > 1 && map.keys().any(|k| k != "$ref" && k != "description" && k != ext::also_accepted::KEY) {
            errors
                .push(pointer, "a `$ref` schema may carry only a `description` (and `x-qys-also-accepted`) beside it");
        }
        if schema_ref_name(reference).is_none() {
            errors.push(join(pointer, "$ref"), format!("`{reference}` must point into `#/components/schemas/`"));
        }
        return;
    }
    let kind = map.get("type").and_then(Value::as_str);
    if !top_level && (kind == Some("object") || map.contains_key("enum")) {
        errors.push(pointer, "an inline object or enum has no name; move it to `#/components/schemas` and `$ref` it");
        return;
    }
    match kind {
        Some("object") => {
            let properties = map.get("properties").and_then(Value::as_object);
            if let Some(properties) = properties {
                for (name, property) in properties {
                    if !is_identifier(name) {
                        errors.push(
                            join(&join(pointer, "properties"), name),
                            format!("property name `{name}` is not an identifier"),
                        );
                    }
                    check_schema(property, &join(&join(pointer, "properties"), name), false, errors);
                }
            }
            if let Some(required) = map.get("required") {
                for (index, name) in required.as_array().into_iter().flatten().enumerate() {
                    let known = name.as_str().is_some_and(|n| properties.is_some_and(|p| p.contains_key(n)));
                    if !known {
                        errors.push(
                            join(&join(pointer, "required"), &index.to_string()),
                            format!("required property {name} is not among the `properties`"),
                        );
                    }
                }
            }
            if map.get("additionalProperties").is_some_and(|a| a != &Value::Bool(true)) {
                errors.push(
                    join(pointer, "additionalProperties"),
                    "only `additionalProperties: true` is supported (answers must tolerate new fields)",
                );
            }
        }
        Some("array") => match map.get("items") {
            Some(items) => check_schema(items, &join(pointer, "items"), false, errors),
            None => errors.push(pointer, "an array schema needs `items`"),
        },
        Some("string") => {
            if let Some(values) = map.get("enum") {
                let all_strings = values.as_array().is_some_and(|v| !v.is_empty() && v.iter().all(Value::is_string));
                if !all_strings {
                    errors.push(join(pointer, "enum"), "a string enum needs a non-empty list of strings");
                }
            }
        }
        Some("integer" | "number" | "boolean") => {
            if map.contains_key("enum") {
                errors.push(join(pointer, "enum"), "only string enums are supported");
            }
        }
        Some(other) => errors.push(join(pointer, "type"), format!("type `{other}` is not supported")),
        None if map.contains_key("description") && map.len() == 1 => {}
        None => errors.push(pointer, "a schema needs a `type` or a `$ref`"),
    }
    if let Some(format) = map.get("format").and_then(Value::as_str) {
        let supported = FORMATS.iter().any(|(t, f)| Some(*t) == kind && *f == format);
        if !supported {
            errors.push(
                join(pointer, "format"),
                format!("format `{format}` on type `{}` is not supported", kind.unwrap_or("?")),
            );
        }
    }
}

/// What the operations checked so far have named: one name means one thing.
struct Seen<'a> {
    /// Method name → the operation that gives it.
    ids: BTreeMap<String, String>,
    codes: &'a mut Codes,
    one_of_declarations: &'a [one_of::Declared],
    /// Callback name → its payload type.
    payloads: BTreeMap<String, String>,
    /// Request type → the one-ofs it takes and the operation that says so.
    one_of_users: BTreeMap<String, (Vec<String>, String)>,
    /// Request types that take one-ofs: name, schema, one-of names.
    one_of_requests: Vec<(String, Value, Vec<String>)>,
}

/// Every operation, with what its extensions say, by its pointer.
fn check_paths(
    doc: &Value,
    one_ofs: &[one_of::Declared],
    codes: &mut Codes,
    errors: &mut Collector,
) -> BTreeMap<String, OperationExtensions> {
    let mut operations = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        errors.push("/paths", "missing `paths` object");
        return operations;
    };
    let mut seen = Seen {
        ids: BTreeMap::new(),
        codes,
        one_of_declarations: one_ofs,
        payloads: BTreeMap::new(),
        one_of_users: BTreeMap::new(),
        one_of_requests: Vec::new(),
    };
    for (path, item) in paths {
        let item_pointer = join("/paths", path);
        if !path.starts_with('/') || path.contains('{') {
            errors.push(&item_pointer, "paths start with `/` and have no `{parameters}` (the API has none)");
        }
        let Some(item) = item.as_object() else {
            errors.push(&item_pointer, "a path item must be an object");
            continue;
        };
        for (key, operation) in item {
            let pointer = join(&item_pointer, key);
            if OTHER_METHODS.contains(&key.as_str()) {
                errors.push(
                    &pointer,
                    format!("method {} is not supported; the API uses GET and POST", key.to_uppercase()),
                );
            } else if METHODS.contains(&key.as_str()) {
                let extensions = check_operation(doc, key, operation, &pointer, &mut seen, errors);
                operations.insert(pointer, extensions);
            } else if !matches!(key.as_str(), "summary" | "description") && !key.starts_with("x-") {
                errors.push(&pointer, format!("path item field `{key}` is not supported"));
            }
        }
    }
    one_of::check_agreement(doc, one_ofs, &seen.one_of_requests, errors);
    operations
}

fn check_operation(
    doc: &Value,
    method: &str,
    operation: &Value,
    pointer: &str,
    seen: &mut Seen<'_>,
    errors: &mut Collector,
) -> OperationExtensions {
    match operation.get("operationId").and_then(Value::as_str) {
        Some(id) if !is_identifier(id) => {
            errors.push(join(pointer, "operationId"), format!("operationId `{id}` is not an identifier"))
        }
        Some(id) => {
            let snake = crate::ir::Names::of(id).method;
            if let Some(other) = seen.ids.insert(snake.clone(), pointer.to_owned()) {
                errors.push(
                    join(pointer, "operationId"),
                    format!("operationId `{id}` gives the method `{snake}`, as the operation at `{other}` does"),
                );
            }
        }
        None => errors.push(pointer, "missing `operationId`: every operation needs one to name its method"),
    }
    if let Some(tag) = operation.pointer("/tags/0")
        && !doc.get("tags").and_then(Value::as_array).into_iter().flatten().any(|t| t.get("name") == Some(tag))
    {
        errors.push(
            join(pointer, "tags"),
            format!("the tag {tag} is not in the document's `tags`, which name the domains"),
        );
    }
    if operation.get("security").is_some()
        && let Err(problem) = crate::security::signing(doc, Some(operation))
    {
        errors.push(join(pointer, "security"), problem);
    }
    let idempotent = ext::idempotent::read(operation, pointer, errors);
    let has_body = operation.get("requestBody").is_some();
    if let Some(body) = operation.get("requestBody") {
        let body_pointer = join(pointer, "requestBody");
        if method == "get" {
            errors.push(&body_pointer, "a GET operation cannot have a request body");
        }
        let body = follow(doc, body);
        check_body(body, &body_pointer, errors);
    }
    let mut has_query = false;
    if let Some(parameters) = operation.get("parameters") {
        let parameters_pointer = join(pointer, "parameters");
        for (index, parameter) in parameters.as_array().into_iter().flatten().enumerate() {
            let parameter_pointer = join(&parameters_pointer, &index.to_string());
            let parameter = follow(doc, parameter);
            match parameter.get("in").and_then(Value::as_str) {
                Some("query") => has_query = true,
                Some(other) => errors.push(
                    join(&parameter_pointer, "in"),
                    format!("`{other}` parameters are not supported; the API takes query parameters only"),
                ),
                None => errors.push(&parameter_pointer, "a parameter needs `in`"),
            }
            match parameter.get("name").and_then(Value::as_str) {
                Some(name) if is_identifier(name) => {}
                _ => errors.push(&parameter_pointer, "a parameter needs an identifier `name`"),
            }
            match parameter.get("schema") {
                Some(schema) => check_schema(schema, &join(&parameter_pointer, "schema"), false, errors),
                None => errors.push(&parameter_pointer, "a parameter needs a `schema`"),
            }
        }
    }
    if has_body && has_query {
        errors.push(pointer, "an operation takes a request body or query parameters, not both");
    }
    if has_query && let Some(id) = operation.get("operationId").and_then(Value::as_str) {
        let type_name = crate::naming::query_type_name(id);
        if component_schemas(doc).any(|(name, _)| *name == type_name) {
            errors.push(
                join(pointer, "parameters"),
                format!("the query parameters become the type `{type_name}`, which a component schema already names"),
            );
        }
        for (index, parameter) in crate::doc::parameters(doc, operation).into_iter().enumerate() {
            if parameter.get("schema").is_some_and(crate::doc::is_file_part) {
                errors.push(
                    join(&join(&join(pointer, "parameters"), &index.to_string()), "schema"),
                    "a file (`format: binary`) can only be a property of a `multipart/form-data` request body",
                );
            }
        }
    }
    check_responses(doc, operation, pointer, errors);
    let source = ext::source::read(operation, pointer, errors);
    if let Some(callbacks) = operation.get("callbacks") {
        check_callbacks(doc, callbacks, &join(pointer, "callbacks"), &mut seen.payloads, errors);
    }
    let id = operation.get("operationId").and_then(Value::as_str).unwrap_or_default();
    let codes = ext::response_codes::read(operation, pointer, Some(id), seen.codes, errors);
    let query = crate::query::query_schema(doc, operation, id, pointer).map(|q| q.schema);
    let request = match crate::doc::body_schema(doc, operation) {
        Some((_, schema)) => crate::doc::ref_name(schema).map(|name| (name.to_owned(), follow(doc, schema).clone())),
        None => query.clone().map(|schema| (crate::naming::query_type_name(id), schema)),
    };
    let request_ref = request.as_ref().map(|(name, schema)| (name.as_str(), schema));
    let one_ofs = one_of::of_operation(
        doc,
        seen.one_of_declarations,
        operation,
        request_ref,
        pointer,
        &mut seen.one_of_users,
        errors,
    );
    if let Some((name, schema)) = request
        && !one_ofs.is_empty()
    {
        seen.one_of_requests.push((name, schema, one_ofs.clone()));
    }
    let result = ext::envelope::result_schema(doc, operation);
    let pagination = ext::pagination::read(doc, operation, query.as_ref(), result, pointer, errors);
    let state = ext::state::read(operation, &seen.codes.known(), pointer, errors);
    OperationExtensions { idempotent, codes, source, one_ofs, pagination, state }
}

/// OpenAPI `callbacks`: each one a form-encoded POST to a URL taken from the
/// request, whose payload is a named component.
fn check_callbacks(
    doc: &Value,
    callbacks: &Value,
    pointer: &str,
    payloads: &mut BTreeMap<String, String>,
    errors: &mut Collector,
) {
    let Some(callbacks) = callbacks.as_object() else {
        errors.push(pointer, "`callbacks` must be an object");
        return;
    };
    for (name, callback) in callbacks {
        let at = join(pointer, name);
        if !is_identifier(name) {
            errors.push(&at, format!("callback name `{name}` is not an identifier"));
        }
        let Some(expressions) = follow(doc, callback).as_object().filter(|c| c.len() == 1) else {
            errors.push(&at, "a callback has exactly one URL expression");
            continue;
        };
        for (expression, item) in expressions {
            let at = join(&at, expression);
            if CallbackUrl::parse(expression).is_none() {
                errors.push(
                    &at,
                    format!(
                        "URL expression `{expression}` is not supported; use `{{$request.body#/field}}` or \
                         `{{$request.query.field}}`"
                    ),
                );
            }
            let keys: Vec<&String> = item.as_object().into_iter().flatten().map(|(k, _)| k).collect();
            if keys.iter().any(|k| !matches!(k.as_str(), "post" | "summary" | "description"))
                || !keys.iter().any(|k| *k == "post")
            {
                errors.push(&at, "a callback is a `post` (the API sends callbacks as POSTs)");
                continue;
            }
            let post = join(&at, "post");
            let media = item.pointer("/post/requestBody/content/application~1x-www-form-urlencoded");
            let payload = media.and_then(|m| m.get("schema")).and_then(ref_of).and_then(schema_ref_name);
            match payload {
                None => errors.push(
                    join(&post, "requestBody"),
                    "a callback's body is `application/x-www-form-urlencoded` with a `$ref` to a component schema",
                ),
                Some(payload) => match payloads.get(name) {
                    Some(known) if known != payload => errors.push(
                        join(&post, "requestBody"),
                        format!("callback `{name}` is already defined with the payload `{known}`"),
                    ),
                    Some(_) => {}
                    None => {
                        payloads.insert(name.clone(), payload.to_owned());
                    }
                },
            }
            for (field, encoding) in
                media.and_then(|m| m.get("encoding")).and_then(Value::as_object).into_iter().flatten()
            {
                if encoding.get("contentType").and_then(Value::as_str) != Some("application/json") {
                    errors.push(
                        join(&join(&join(&post, "requestBody"), "encoding"), field),
                        "a callback field's encoding may only say `contentType: application/json` (JSON text)",
                    );
                }
            }
        }
    }
}

fn check_body(body: &Value, pointer: &str, errors: &mut Collector) {
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        errors.push(pointer, "a request body needs `content`");
        return;
    };
    if content.len() != 1 {
        errors.push(
            join(pointer, "content"),
            "a request body needs exactly one content type: `application/json` or `multipart/form-data`",
        );
    }
    for (media_type, media) in content {
        let media_pointer = join(&join(pointer, "content"), media_type);
        if !REQUEST_MEDIA.contains(&media_type.as_str()) {
            errors.push(
                &media_pointer,
                format!(
                    "unsupported content type `{media_type}`; request bodies are `application/json` or \
                     `multipart/form-data`"
                ),
            );
            continue;
        }
        for (name, encoding) in media.get("encoding").and_then(Value::as_object).into_iter().flatten() {
            let at = join(&join(&media_pointer, "encoding"), name);
            if media_type != "multipart/form-data" {
                errors.push(&at, "`encoding` applies to multipart bodies only");
            } else if encoding.as_object().is_some_and(|e| e.keys().any(|k| k != "contentType")) {
                errors.push(&at, "only `contentType` is supported in an `encoding` entry");
            }
        }
        let named = media.get("schema").and_then(ref_of).and_then(schema_ref_name).is_some();
        if !named {
            errors.push(
                join(&media_pointer, "schema"),
                "the body schema must be a `$ref` to a component schema, which names the request type",
            );
        }
    }
}

/// The `200` answer is the envelope, optionally narrowed to a `result`; other
/// documented answers are the bare envelope.
fn check_responses(doc: &Value, operation: &Value, pointer: &str, errors: &mut Collector) {
    let responses_pointer = join(pointer, "responses");
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        errors.push(&responses_pointer, "an operation needs `responses`");
        return;
    };
    if !responses.contains_key("200") {
        errors.push(&responses_pointer, "an operation needs a `200` response");
    }
    for (status, response) in responses {
        let response_pointer = join(&responses_pointer, status);
        let response = follow(doc, response);
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            errors.push(&response_pointer, "a response needs JSON `content` (the envelope)");
            continue;
        };
        let mut files = 0;
        for (media_type, media) in content {
            let media_pointer = join(&join(&response_pointer, "content"), media_type);
            if media_type != "application/json" {
                // A file answer: the `200` of a download, beside the error envelope.
                let binary = media.get("schema").is_some_and(|s| {
                    s.get("type").and_then(Value::as_str) == Some("string")
                        && s.get("format").and_then(Value::as_str) == Some("binary")
                });
                if status != "200" || !binary {
                    errors.push(
                        &media_pointer,
                        format!(
                            "unsupported content type `{media_type}` in a response; only a `200` may answer a \
                             file, with the schema `{{type: string, format: binary}}`"
                        ),
                    );
                }
                files += 1;
                continue;
            }
            let schema = media.get("schema").unwrap_or(&Value::Null);
            if ext::envelope::result_of(doc, schema).is_none() {
                errors.push(
                    join(&media_pointer, "schema"),
                    "a response schema must be the envelope (`$ref` to the `x-qys-envelope` schema), or \
                     `allOf` of the envelope and an object whose only property is `result`",
                );
            }
        }
        if files > 1 {
            errors.push(join(&response_pointer, "content"), "an operation answers at most one kind of file");
        }
        if files == 1 {
            let narrowed = content
                .get("application/json")
                .and_then(|m| m.get("schema"))
                .and_then(|s| ext::envelope::result_of(doc, s))
                .is_some_and(|r| r.is_some());
            if narrowed || !content.contains_key("application/json") {
                errors.push(
                    join(&response_pointer, "content"),
                    "a file answer comes with the bare envelope as `application/json` (its errors), not a `result`",
                );
            }
        }
    }
}
