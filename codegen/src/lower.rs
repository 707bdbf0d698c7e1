//! Stage 2: turns a checked schema into the IR ([`crate::ir`]) and into the
//! JSON Schemas that typify turns into model types.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use crate::check::{component_schemas, envelope_result, follow};
use crate::error::{Collector, Errors};
use crate::ir::{
    Api, Callback, CommaSet, Constraint, FieldInfo, FormKind, Input, Method, OpenEnum, Operation, ResponseCode,
    RetryClass, Server, Source, StructInfo,
};
use crate::json::{join, ref_of, schema_ref_name};

/// The IR plus what the models stage feeds to typify.
pub(crate) struct Lowered {
    pub api: Api,
    /// `(type name, JSON Schema)` for every model type, in schema order.
    pub type_schemas: Vec<(String, Value)>,
}

/// Lowers a document that [`crate::check::check`] accepted.
pub(crate) fn lower(doc: &Value) -> Result<Lowered, Errors> {
    let mut errors = Collector::default();
    let info = doc.get("info").unwrap_or(&Value::Null);
    let mut codes = Vec::new();
    add_codes(doc.get("x-qys-response-codes"), "/x-qys-response-codes", None, &mut codes);

    let mut operations = Vec::new();
    let mut callbacks: Vec<Callback> = Vec::new();
    let mut type_schemas = Vec::new();
    let component_names: BTreeSet<&str> = component_schemas(doc).map(|(name, _)| name.as_str()).collect();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (key, op) in item.as_object().into_iter().flatten() {
            let method = match key.as_str() {
                "get" => Method::Get,
                "post" => Method::Post,
                _ => continue,
            };
            let pointer = join(&join("/paths", path), key);
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
            let input = match input_of(doc, op, &id, &pointer) {
                LoweredInput::Plain(input) => input,
                LoweredInput::Query { type_name, schema } => {
                    if component_names.contains(type_name.as_str()) {
                        errors.push(
                            join(&pointer, "parameters"),
                            format!("the query parameters become the type `{type_name}`, which a component schema already names"),
                        );
                    }
                    type_schemas.push((type_name.clone(), schema));
                    Input::Query { type_name }
                }
            };
            let own_codes = op.get("x-qys-response-codes");
            add_codes(own_codes, &join(&pointer, "x-qys-response-codes"), Some(&id), &mut codes);
            let own: Vec<i64> = own_codes
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|entry| entry.get("code").and_then(Value::as_i64))
                .collect();
            let own_callbacks = callbacks_of(doc, op, &id, &pointer, &mut callbacks, &mut errors);
            operations.push(Operation {
                id,
                method,
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                input,
                result: result_of(doc, op),
                codes: own,
                idempotent: method == Method::Get || op.get("x-qys-idempotent") == Some(&Value::Bool(true)),
                request_example: op
                    .get("requestBody")
                    .map(|b| follow(doc, b))
                    .and_then(|b| b.get("content"))
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("example"))
                    .cloned(),
                file: file_of(doc, op),
                source: op.get("x-qys-source").map(source_of),
                callbacks: own_callbacks,
                pointer,
            });
        }
    }

    let mut comma_sets = Vec::new();
    let mut structs = Vec::new();
    let mut components = Vec::new();
    for (name, schema) in component_schemas(doc) {
        let pointer = join("/components/schemas", name);
        if schema.get("x-qys-envelope").is_some() {
            continue;
        }
        if let Some(item) = schema.get("x-qys-comma-set") {
            let item = ref_of(item).and_then(schema_ref_name).unwrap_or_default().to_owned();
            comma_sets.push(CommaSet {
                name: name.clone(),
                item,
                description: text(schema, "description"),
                pointer: pointer.clone(),
            });
        }
        if schema.get("type").and_then(Value::as_str) == Some("object") {
            structs.push(struct_info(doc, name, schema, &pointer));
        }
        components.push((name.clone(), for_typify(schema, Some(&pointer))));
    }
    // Query types come after the components, so typify sees the components
    // they refer to first, as it does for components among themselves.
    for (name, schema) in &type_schemas {
        structs.push(struct_info(doc, name, schema, "(query parameters)"));
    }
    let query_schemas = std::mem::take(&mut type_schemas);
    type_schemas = components;
    type_schemas.extend(query_schemas.into_iter().map(|(name, schema)| {
        let lowered = for_typify(&schema, None);
        (name, lowered)
    }));
    // A type is request-side when an operation's input reaches it.
    let requests = request_reach(doc, &operations);
    for info in &mut structs {
        info.request_side = requests.contains(&info.name);
    }
    for op in &operations {
        if let Input::Multipart { type_name } = &op.input
            && let Some(info) = structs.iter_mut().find(|s| &s.name == type_name)
        {
            info.multipart = true;
        }
    }
    for info in structs.iter().filter(|s| !s.multipart) {
        for field in info.fields.iter().filter(|f| f.is_file) {
            errors.push(
                join(&join(&info.pointer, "properties"), &field.json_name),
                "a file (`format: binary`) can only be a property of a `multipart/form-data` request body",
            );
        }
    }
    let open_enums = open_enums(doc, &operations, &callbacks, &requests, &mut errors);
    for runtime_type in crate::check::RESERVED_NAMES {
        let reference = Value::String(format!("#/components/schemas/{runtime_type}"));
        if type_schemas.iter().any(|(_, schema)| mentions(schema, &reference)) {
            type_schemas.push(((*runtime_type).to_owned(), json!({"type": "string"})));
        }
    }

    let api = Api {
        title: text(info, "title").unwrap_or_default(),
        description: text(info, "description"),
        version: text(info, "version").unwrap_or_default(),
        servers: servers(doc),
        codes,
        operations,
        comma_sets,
        structs,
        open_enums,
        callbacks,
    };
    errors.finish(Lowered { api, type_schemas })
}

/// The media type of the file a `200` answers, if it answers one.
fn file_of(doc: &Value, op: &Value) -> Option<String> {
    let content = follow(doc, op.pointer("/responses/200")?).get("content")?.as_object()?;
    content.keys().find(|k| *k != "application/json").cloned()
}

fn source_of(source: &Value) -> Source {
    let strings = |key: &str| -> Vec<String> {
        source
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    Source {
        references: strings("references"),
        confidence: text(source, "confidence").unwrap_or_default(),
        unconfirmed: strings("unconfirmed"),
    }
}

/// Records the operation's callbacks (each payload type once) and returns their names.
fn callbacks_of(
    doc: &Value,
    op: &Value,
    id: &str,
    pointer: &str,
    known: &mut Vec<Callback>,
    errors: &mut Collector,
) -> Vec<String> {
    let mut names = Vec::new();
    for (name, callback) in op.get("callbacks").and_then(Value::as_object).into_iter().flatten() {
        let at = join(&join(pointer, "callbacks"), name);
        let Some((expression, item)) = follow(doc, callback).as_object().and_then(|c| c.iter().next()) else {
            continue;
        };
        let media = item.pointer("/post/requestBody/content/application~1x-www-form-urlencoded");
        let schema = media.and_then(|m| m.get("schema"));
        let type_name = schema.and_then(ref_of).and_then(schema_ref_name).unwrap_or_default().to_owned();
        names.push(name.clone());
        if let Some(seen) = known.iter_mut().find(|c| &c.name == name) {
            if seen.type_name != type_name {
                errors.push(&at, format!("callback `{name}` is already defined with the payload `{}`", seen.type_name));
            } else {
                seen.operations.push(id.to_owned());
            }
            continue;
        }
        let json_fields: BTreeSet<&String> = media
            .and_then(|m| m.get("encoding"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .collect();
        let payload = schema.map(|s| follow(doc, s)).unwrap_or(&Value::Null);
        let fields = payload
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(field, property)| {
                let property = follow(doc, property);
                let kind = match property.get("type").and_then(Value::as_str) {
                    _ if json_fields.contains(field) => FormKind::Json,
                    Some("integer") => FormKind::Integer,
                    Some("number") => FormKind::Number,
                    Some("boolean") => FormKind::Boolean,
                    Some("object" | "array") => FormKind::Json,
                    _ => FormKind::Text,
                };
                (field.clone(), kind)
            })
            .collect();
        known.push(Callback {
            name: name.clone(),
            type_name,
            expression: expression.clone(),
            operations: vec![id.to_owned()],
            fields,
            pointer: at,
        });
    }
    names
}

/// String enums reached from an answer or a callback are open; an enum
/// reached from a request as well is refused, since requests keep closed enums.
fn open_enums(
    doc: &Value,
    operations: &[Operation],
    callbacks: &[Callback],
    requests: &BTreeSet<String>,
    errors: &mut Collector,
) -> Vec<OpenEnum> {
    let answer_roots =
        operations.iter().filter_map(|op| op.result.clone()).chain(callbacks.iter().map(|c| c.type_name.clone()));
    let answers = reachable(doc, answer_roots.collect());
    let mut found = Vec::new();
    for (name, schema) in component_schemas(doc) {
        let is_enum = schema.get("enum").is_some() && schema.get("x-qys-comma-set").is_none();
        if !is_enum || !answers.contains(name) {
            continue;
        }
        let pointer = join("/components/schemas", name);
        if requests.contains(name) {
            errors.push(
                &pointer,
                format!(
                    "enum `{name}` is used by a request and by an answer; answers get open enums and requests \
                     closed ones, so give each side its own component"
                ),
            );
            continue;
        }
        let values: Vec<String> = schema
            .get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let mut variants = BTreeSet::new();
        for value in &values {
            let variant = value.to_upper_camel_case();
            if !crate::check::is_identifier(&variant) || variant == "Unknown" || !variants.insert(variant.clone()) {
                errors.push(
                    join(&pointer, "enum"),
                    format!("value `{value}` gives the variant `{variant}`, which is not a usable, unique Rust name"),
                );
            }
        }
        found.push(OpenEnum { name: name.clone(), description: text(schema, "description"), pointer, values });
    }
    found
}

/// The type names an operation's input reaches: its request type (a
/// component, or the type its query parameters become) and every component
/// that one refers to.
fn request_reach(doc: &Value, operations: &[Operation]) -> BTreeSet<String> {
    let mut roots: Vec<String> = operations.iter().filter_map(|op| op.input.type_name().map(str::to_owned)).collect();
    for op in operations.iter().filter(|op| matches!(op.input, Input::Query { .. })) {
        let parameters = doc.pointer(&join(&op.pointer, "parameters")).and_then(Value::as_array);
        for parameter in parameters.into_iter().flatten() {
            collect_refs(follow(doc, parameter).get("schema").unwrap_or(&Value::Null), &mut roots);
        }
    }
    reachable(doc, roots)
}

/// Component names reached from `roots` through `$ref`s.
fn reachable(doc: &Value, roots: Vec<String>) -> BTreeSet<String> {
    let mut pending = roots;
    let mut reached = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone())
            && let Some(schema) = doc.pointer(&join("/components/schemas", &name))
        {
            collect_refs(schema, &mut pending);
        }
    }
    reached
}

/// The component names of every `$ref` inside `value`, skipping `x-` fields.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    out.extend(child.as_str().and_then(schema_ref_name).map(str::to_owned));
                } else if !key.starts_with("x-") {
                    collect_refs(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

/// Whether `needle` occurs anywhere in `value`.
fn mentions(value: &Value, needle: &Value) -> bool {
    value == needle
        || match value {
            Value::Object(map) => map.values().any(|v| mentions(v, needle)),
            Value::Array(items) => items.iter().any(|v| mentions(v, needle)),
            _ => false,
        }
}

enum LoweredInput {
    Plain(Input),
    Query { type_name: String, schema: Value },
}

fn input_of(doc: &Value, op: &Value, id: &str, pointer: &str) -> LoweredInput {
    if let Some(body) = op.get("requestBody") {
        let body = follow(doc, body);
        let multipart = body.pointer("/content/multipart~1form-data/schema");
        let schema = multipart.or_else(|| body.pointer("/content/application~1json/schema"));
        let type_name = schema.and_then(ref_of).and_then(schema_ref_name).unwrap_or_default().to_owned();
        return LoweredInput::Plain(match multipart {
            Some(_) => Input::Multipart { type_name },
            None => Input::JsonBody { type_name },
        });
    }
    let parameters: Vec<&Value> =
        op.get("parameters").and_then(Value::as_array).into_iter().flatten().map(|p| follow(doc, p)).collect();
    if parameters.is_empty() {
        return LoweredInput::Plain(Input::None);
    }
    // The parameters become one object schema, so a query is built and
    // documented exactly like a body: `new(required…)` plus setters.
    let mut properties = Map::new();
    let mut required = Vec::new();
    for parameter in parameters {
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
        let mut schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
        if let (Some(description), Some(map)) = (parameter.get("description"), schema.as_object_mut())
            && !map.contains_key("$ref")
        {
            map.insert("description".into(), description.clone());
        }
        if let (Some(default), Some(map)) = (parameter.pointer("/schema/default"), schema.as_object_mut()) {
            map.insert("default".into(), default.clone());
        }
        if parameter.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_owned()));
        }
        properties.insert(name.to_owned(), schema);
    }
    let type_name = format!("{}Request", id.to_upper_camel_case());
    let schema = json!({
        "type": "object",
        "description": format!("Query parameters of `{id}`.\n\nGenerated from `#{}`.", join(pointer, "parameters")),
        "required": required,
        "properties": properties,
    });
    LoweredInput::Query { type_name, schema }
}

fn result_of(doc: &Value, op: &Value) -> Option<String> {
    let schema = follow(doc, op.pointer("/responses/200")?).pointer("/content/application~1json/schema")?;
    let result = envelope_result(doc, schema)??;
    ref_of(result).and_then(schema_ref_name).map(str::to_owned)
}

fn add_codes(table: Option<&Value>, pointer: &str, operation: Option<&str>, codes: &mut Vec<ResponseCode>) {
    for (index, entry) in table.and_then(Value::as_array).into_iter().flatten().enumerate() {
        let Some(code) = entry.get("code").and_then(Value::as_i64) else { continue };
        if let Some(known) = codes.iter_mut().find(|c| c.code == code) {
            known.operations.extend(operation.map(str::to_owned));
            continue;
        }
        codes.push(ResponseCode {
            code,
            name: text(entry, "name").unwrap_or_default(),
            message: text(entry, "message").unwrap_or_default(),
            response_code: text(entry, "responseCode"),
            description: text(entry, "description"),
            pointer: join(pointer, &index.to_string()),
            operations: operation.map(str::to_owned).into_iter().collect(),
            mock_only: entry.get("mockOnly") == Some(&Value::Bool(true)),
            retry: match entry.get("retry").and_then(Value::as_str) {
                Some("always") => RetryClass::Always,
                Some("idempotent") => RetryClass::IfIdempotent,
                _ => RetryClass::Never,
            },
        });
    }
}

fn servers(doc: &Value) -> Vec<Server> {
    let servers = doc.get("servers").and_then(Value::as_array).into_iter().flatten();
    servers
        .map(|server| Server {
            name: text(server, "x-qys-name").unwrap_or_default(),
            url: text(server, "url").unwrap_or_default(),
            description: text(server, "description"),
        })
        .collect()
}

fn struct_info(doc: &Value, name: &str, schema: &Value, pointer: &str) -> StructInfo {
    let required: BTreeSet<&str> =
        schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let properties = schema.get("properties").and_then(Value::as_object).into_iter().flatten();
    let fields = properties
        .map(|(json_name, property)| {
            let is_array = property.get("type").and_then(Value::as_str) == Some("array");
            let target = if is_array { property.get("items").unwrap_or(&Value::Null) } else { property };
            let nested = ref_of(target)
                .and_then(schema_ref_name)
                .filter(|_| follow(doc, target).get("type").and_then(Value::as_str) == Some("object"))
                .map(str::to_owned);
            let is_file = runtime_type(property) == Some("FilePart");
            let ref_description = match runtime_type(property) {
                // Replaced by a runtime type, the field keeps its own description.
                Some(_) => text(property, "description"),
                None => ref_of(property)
                    .and_then(|_| text(follow(doc, property), "description"))
                    .map(|d| d.split("\n\n").next().unwrap_or_default().to_owned()),
            };
            FieldInfo {
                json_name: json_name.clone(),
                required: required.contains(json_name.as_str()),
                constraints: constraints(property),
                item_constraints: if is_array { constraints(target) } else { Vec::new() },
                nested,
                is_array,
                is_file,
                ref_description,
            }
        })
        .collect();
    StructInfo { name: name.to_owned(), pointer: pointer.to_owned(), fields, request_side: false, multipart: false }
}

/// The runtime type a string schema stands for: `Id` for `format: int64`
/// (the API's 19-digit ids), `FilePart` for `format: binary`.
fn runtime_type(schema: &Value) -> Option<&'static str> {
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return None;
    }
    match schema.get("format").and_then(Value::as_str) {
        Some("int64") => Some("Id"),
        Some("binary") => Some("FilePart"),
        _ => None,
    }
}

/// The limits the generated `validate` checks; each applies to its own type.
fn constraints(schema: &Value) -> Vec<Constraint> {
    let unsigned = |key| schema.get(key).and_then(Value::as_u64);
    let float = |key| schema.get(key).and_then(Value::as_f64);
    let mut found = Vec::new();
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            found.extend(unsigned("minLength").map(Constraint::MinLength));
            found.extend(unsigned("maxLength").map(Constraint::MaxLength));
        }
        Some("integer" | "number") => {
            found.extend(float("minimum").map(Constraint::Minimum));
            found.extend(float("maximum").map(Constraint::Maximum));
        }
        Some("array") => {
            found.extend(unsigned("minItems").map(Constraint::MinItems));
            found.extend(unsigned("maxItems").map(Constraint::MaxItems));
        }
        _ => {}
    }
    found
}

/// Rewrites an OpenAPI schema into the JSON Schema typify should see:
///
/// - `default`s are server-side: they go into the docs, and the field stays
///   optional, so an unset field is not sent (typify would make it a plain
///   value and always send it);
/// - length, range and item-count limits are checked by the generated
///   `validate`, so they are removed here (typify would make each a newtype);
/// - `nullable` becomes a `null` type; `example` and `x-` fields are dropped;
/// - a component's description says where it was generated from.
fn for_typify(schema: &Value, component: Option<&str>) -> Value {
    let Some(map) = schema.as_object() else { return schema.clone() };
    if let Some(reference) = map.get("$ref") {
        return json!({ "$ref": reference });
    }
    if let Some(runtime) = runtime_type(schema) {
        return json!({ "$ref": format!("#/components/schemas/{runtime}") });
    }
    let mut out = Map::new();
    let mut description = text(schema, "description").unwrap_or_default();
    if let Some(default) = map.get("default") {
        push_paragraph(&mut description, &format!("Default (applied by the server when absent): `{default}`."));
    }
    if let Some(pointer) = component {
        push_paragraph(&mut description, &format!("Generated from `#{pointer}`."));
    }
    if !description.is_empty() {
        out.insert("description".into(), Value::String(description));
    }
    for (key, value) in map {
        match key.as_str() {
            "type" if map.get("nullable") == Some(&Value::Bool(true)) => {
                out.insert(key.clone(), json!([value, "null"]));
            }
            "type" | "required" | "enum" | "format" | "title" => {
                out.insert(key.clone(), value.clone());
            }
            "items" => {
                out.insert(key.clone(), for_typify(value, None));
            }
            "properties" => {
                let properties = value.as_object().into_iter().flatten();
                let lowered = properties.map(|(name, property)| (name.clone(), for_typify(property, None))).collect();
                out.insert(key.clone(), Value::Object(lowered));
            }
            _ => {}
        }
    }
    Value::Object(out)
}

fn push_paragraph(text: &mut String, paragraph: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(paragraph);
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}
