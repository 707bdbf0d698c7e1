//! Reads a schema into what the mock serves: a route per operation with its
//! request validator, its success answer and the fields to make fresh, plus
//! the table of response codes. Generic: nothing here names an operation.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

/// How an operation's input arrives.
pub(crate) enum RouteInput {
    None,
    Json {
        validator: jsonschema::Validator,
    },
    Query {
        validator: jsonschema::Validator,
        parameters: Vec<(String, Value)>,
    },
    /// Parts, each typed by its property's schema: files become their file
    /// names, JSON-text parts their values.
    Multipart {
        validator: jsonschema::Validator,
        parameters: Vec<(String, Value)>,
    },
}

/// A callback the operation causes, which a scenario can ask the mock to send.
pub(crate) struct CallbackRoute {
    pub name: String,
    /// Where the URL is: a pointer into the request body, or a query parameter.
    pub url_in_body: bool,
    pub url_at: String,
    /// The payload's example from the schema.
    pub example: Map<String, Value>,
}

/// One operation as the mock serves it.
pub(crate) struct Route {
    pub id: String,
    pub method: &'static str,
    pub path: String,
    pub input: RouteInput,
    /// The success envelope, from the schema's example or made from the result schema.
    pub success: Value,
    /// Pointers below `/result` whose values are new on every answer (`x-qys-fresh`).
    pub fresh: Vec<(String, FreshKind)>,
    /// The media type of the file a download answers.
    pub file: Option<String>,
    pub callbacks: Vec<CallbackRoute>,
}

/// What kind of fresh value a field gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FreshKind {
    Text,
    Number,
}

/// One response code of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub code: i64,
    pub message: String,
    pub response_code: Option<String>,
}

/// The schema as the mock reads it.
pub(crate) struct Spec {
    pub routes: Vec<Route>,
    pub codes_by_name: BTreeMap<String, Code>,
    pub codes: BTreeMap<i64, Code>,
}

impl Spec {
    /// Reads `schema` (already accepted by the generator at build time, or by
    /// the caller for a custom one); a problem is an error naming its place.
    pub fn parse(schema: &str) -> Result<Spec, String> {
        let doc: Value = serde_json::from_str(schema).map_err(|e| format!("the schema is not JSON: {e}"))?;
        let components = doc.get("components").cloned().unwrap_or(Value::Null);
        let mut codes_by_name = BTreeMap::new();
        let mut codes = BTreeMap::new();
        let mut add_codes = |table: Option<&Value>| {
            for entry in table.and_then(Value::as_array).into_iter().flatten() {
                let (Some(code), Some(name)) = (entry["code"].as_i64(), entry["name"].as_str()) else { continue };
                let code = Code {
                    code,
                    message: entry["message"].as_str().unwrap_or_default().to_owned(),
                    response_code: entry["responseCode"].as_str().map(str::to_owned),
                };
                codes.insert(code.code, code.clone());
                codes_by_name.insert(name.to_owned(), code);
            }
        };
        add_codes(doc.get("x-qys-response-codes"));
        let mut routes = Vec::new();
        for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let method = match method.as_str() {
                    "get" => "GET",
                    "post" => "POST",
                    _ => continue,
                };
                add_codes(op.get("x-qys-response-codes"));
                routes.push(route(&doc, &components, method, path, op)?);
            }
        }
        Ok(Spec { routes, codes_by_name, codes })
    }

    pub fn route(&self, method: &str, path: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.method == method && r.path == path)
    }

    pub fn has_path(&self, path: &str) -> bool {
        self.routes.iter().any(|r| r.path == path)
    }

    /// A code by its schema name; the mock's rejections are looked up this way.
    pub fn code_named(&self, name: &str) -> Code {
        self.codes_by_name.get(name).cloned().unwrap_or(Code {
            code: 1001,
            message: name.replace('_', " "),
            response_code: None,
        })
    }
}

fn route(doc: &Value, components: &Value, method: &'static str, path: &str, op: &Value) -> Result<Route, String> {
    let id = op["operationId"].as_str().unwrap_or_default().to_owned();
    let place = |what: &str| format!("{method} {path} ({id}): {what}");
    let body = op.get("requestBody").map(|b| follow(doc, b));
    let body_schema = body.and_then(|b| b.pointer("/content/application~1json/schema")).cloned();
    let multipart_schema = body.and_then(|b| b.pointer("/content/multipart~1form-data/schema")).cloned();
    let parameters: Vec<(String, Value, bool)> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| follow(doc, p))
        .filter(|p| p["in"] == "query")
        .map(|p| (p["name"].as_str().unwrap_or_default().to_owned(), p["schema"].clone(), p["required"] == true))
        .collect();
    let input = if let Some(schema) = body_schema {
        RouteInput::Json { validator: validator(schema, components).map_err(|e| place(&e))? }
    } else if let Some(schema) = multipart_schema {
        let object = resolve_schema(doc, &schema);
        let parameters = object["properties"].as_object().into_iter().flatten();
        let parameters = parameters.map(|(n, s)| (n.clone(), resolve_schema(doc, s).clone())).collect();
        RouteInput::Multipart { validator: validator(schema, components).map_err(|e| place(&e))?, parameters }
    } else if !parameters.is_empty() {
        let properties: Map<String, Value> = parameters.iter().map(|(n, s, _)| (n.clone(), s.clone())).collect();
        let required: Vec<&str> = parameters.iter().filter(|(_, _, r)| *r).map(|(n, ..)| n.as_str()).collect();
        let schema = json!({"type": "object", "properties": properties, "required": required});
        RouteInput::Query {
            validator: validator(schema, components).map_err(|e| place(&e))?,
            parameters: parameters.into_iter().map(|(n, s, _)| (n, resolve_schema(doc, &s).clone())).collect(),
        }
    } else {
        RouteInput::None
    };
    let response = op.pointer("/responses/200").map(|r| follow(doc, r));
    let media = response.and_then(|r| r.pointer("/content/application~1json"));
    let result_schema =
        media.and_then(|m| m.pointer("/schema/allOf/1/properties/result")).map(|s| resolve_schema(doc, s).clone());
    let success = success_example(doc, media, result_schema.as_ref());
    let mut fresh = Vec::new();
    if let Some(schema) = &result_schema {
        fresh_fields(doc, schema, "/result", &mut fresh, 0);
    }
    let file = response
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .and_then(|c| c.keys().find(|k| *k != "application/json"))
        .cloned();
    let mut callbacks = Vec::new();
    for (name, callback) in op["callbacks"].as_object().into_iter().flatten() {
        let Some((expression, item)) = follow(doc, callback).as_object().and_then(|c| c.iter().next()) else {
            continue;
        };
        let inner = expression.trim_start_matches('{').trim_end_matches('}');
        let (url_in_body, url_at) = match (inner.strip_prefix("$request.body#"), inner.strip_prefix("$request.query."))
        {
            (Some(pointer), _) => (true, pointer.to_owned()),
            (None, Some(name)) => (false, name.to_owned()),
            (None, None) => {
                return Err(place(&format!("callback `{name}`: unsupported URL expression `{expression}`")));
            }
        };
        let media = item.pointer("/post/requestBody/content/application~1x-www-form-urlencoded");
        let example = media.and_then(|m| m.get("example")).and_then(Value::as_object).cloned().unwrap_or_default();
        callbacks.push(CallbackRoute { name: name.clone(), url_in_body, url_at, example });
    }
    Ok(Route { id, method, path: path.to_owned(), input, success, fresh, file, callbacks })
}

/// A validator for `schema`, whose `$ref`s point into the schema's components.
fn validator(schema: Value, components: &Value) -> Result<jsonschema::Validator, String> {
    let document = json!({"allOf": [schema], "components": components});
    jsonschema::draft7::new(&document).map_err(|e| format!("the request schema does not compile: {e}"))
}

/// The example whose `code` is 0, else one made from the result schema.
fn success_example(doc: &Value, media: Option<&Value>, result: Option<&Value>) -> Value {
    let examples = media.and_then(|m| m.get("examples")).and_then(Value::as_object);
    let from_examples = examples.into_iter().flatten().map(|(_, e)| follow(doc, e)).find_map(|e| {
        let value = e.get("value")?;
        (value["code"] == 0).then(|| value.clone())
    });
    let from_example = media.and_then(|m| m.get("example")).filter(|e| e["code"] == 0).cloned();
    from_examples.or(from_example).unwrap_or_else(|| {
        let mut envelope = Map::new();
        envelope.insert("code".to_owned(), json!(0));
        envelope.insert("message".to_owned(), json!("SUCCESS"));
        if let Some(schema) = result {
            envelope.insert("result".to_owned(), made_up(doc, schema, 0));
        }
        Value::Object(envelope)
    })
}

/// A value that satisfies `schema`: its example, else each required field.
fn made_up(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve_schema(doc, schema);
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match schema["type"].as_str() {
        Some("object") if depth < 8 => {
            let required: Vec<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let properties = schema["properties"].as_object().into_iter().flatten();
            let fields = properties.filter(|(name, _)| required.contains(&name.as_str()));
            Value::Object(fields.map(|(name, s)| (name.clone(), made_up(doc, s, depth + 1))).collect())
        }
        Some("array") => json!([]),
        Some("integer" | "number") => json!(schema["minimum"].as_f64().map_or(0, |m| m.ceil() as i64)),
        Some("boolean") => json!(false),
        Some("string") => json!("string"),
        _ => Value::Null,
    }
}

/// Finds `x-qys-fresh` properties below `schema`.
fn fresh_fields(doc: &Value, schema: &Value, pointer: &str, out: &mut Vec<(String, FreshKind)>, depth: usize) {
    let schema = resolve_schema(doc, schema);
    if schema.get("x-qys-fresh") == Some(&Value::Bool(true)) {
        let kind = if matches!(schema["type"].as_str(), Some("integer" | "number")) {
            FreshKind::Number
        } else {
            FreshKind::Text
        };
        out.push((pointer.to_owned(), kind));
    }
    if depth > 8 {
        return;
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        fresh_fields(doc, property, &format!("{pointer}/{name}"), out, depth + 1);
    }
}

fn follow<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|p| doc.pointer(p))
        .unwrap_or(value)
}

/// Follows `$ref`s, keeping sibling `x-` fields of the referring schema.
fn resolve_schema<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..16 {
        let next = follow(doc, current);
        if std::ptr::eq(next, current) {
            break;
        }
        current = next;
    }
    current
}
