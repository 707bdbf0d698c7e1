//! What the mock serves, from the IR (`qiyuesuo_schema::ir::Api`): a route
//! per operation with its request validator and how its form or query text
//! is typed. Generic: nothing here names an operation, and nothing reads the
//! schema's JSON; answers, fresh values and callbacks come from the IR.

use qiyuesuo_schema::ir::{Api, Input, InputField, Operation, ResponseCode, ResultType, ValueKind};
use serde_json::Value;

/// One operation as the mock serves it.
pub(crate) struct Route {
    pub op: Operation,
    /// The request's JSON Schema, if it takes a request.
    request_schema: Option<Value>,
    /// Its validator, compiled when the operation is first called: a mock
    /// that serves one call (`qys`) compiles one.
    validator: std::sync::OnceLock<Result<jsonschema::Validator, String>>,
    /// How each top-level field's text is typed (queries and multipart bodies).
    pub parameters: Vec<(String, ValueKind)>,
    /// Multipart fields that are several files: repeated parts of one name.
    pub file_lists: Vec<String>,
}

/// The schema as the mock serves it.
pub(crate) struct Spec {
    pub api: Api,
    pub routes: Vec<Route>,
    /// Each path's routes, by index: a request finds its operation in one
    /// lookup however many the API has.
    by_path: std::collections::HashMap<String, Vec<usize>>,
}

/// A code as the mock answers it.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub code: i64,
    pub message: String,
    pub response_code: Option<String>,
}

impl From<&ResponseCode> for Code {
    fn from(code: &ResponseCode) -> Self {
        Code { code: code.code, message: code.message.clone(), response_code: code.response_code.clone() }
    }
}

impl Route {
    /// The request's validator, if the operation takes a request; compiled
    /// at the first call. The schema was checked when read, so it compiles.
    pub fn validator(&self) -> Option<Result<&jsonschema::Validator, String>> {
        let document = self.request_schema.as_ref()?;
        let compiled = self.validator.get_or_init(|| {
            jsonschema::draft7::new(document).map_err(|e| format!("the request schema does not compile: {e}"))
        });
        Some(compiled.as_ref().map_err(Clone::clone))
    }
}

impl Spec {
    /// Checks and reads `schema`; a problem is an error naming its place.
    pub fn parse(schema: &str) -> Result<Spec, String> {
        let api = qiyuesuo_schema::parse(schema).map_err(|e| e.to_string())?;
        let mut routes = Vec::with_capacity(api.operations.len());
        for op in &api.operations {
            let request_schema = api.input_json_schema(op);
            let multipart = matches!(op.input, Input::Multipart { .. });
            let parameters = top_level(&op.fields, multipart);
            let file_lists = op
                .fields
                .iter()
                .filter(|f| f.list && f.kind == ValueKind::File)
                .filter_map(|f| f.path.first().cloned())
                .collect();
            let validator = std::sync::OnceLock::new();
            routes.push(Route { op: op.clone(), request_schema, validator, parameters, file_lists });
        }
        let mut by_path: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (at, route) in routes.iter().enumerate() {
            by_path.entry(route.op.path.clone()).or_default().push(at);
        }
        Ok(Spec { api, routes, by_path })
    }

    pub fn route(&self, method: &str, path: &str) -> Option<&Route> {
        let at = self.by_path.get(path)?;
        at.iter().filter_map(|at| self.routes.get(*at)).find(|r| r.op.method.as_str() == method)
    }

    pub fn has_path(&self, path: &str) -> bool {
        self.by_path.contains_key(path)
    }

    /// Whether `result` is an answer `op` could give: of its result type,
    /// with no field the schema does not know. A problem names the field.
    pub fn check_result(&self, op: &Operation, result: &Value) -> Result<(), String> {
        let type_name = match &op.result {
            Some(ResultType::Named(name)) => name,
            // Nothing documents it, so any JSON could be its answer.
            Some(ResultType::Untyped) => return Ok(()),
            None => return Err("the operation answers no `result`".to_owned()),
        };
        let mut document = self.api.type_json_schema(type_name);
        let result = &qiyuesuo_schema::wire::without_nulls(result.clone());
        closed(&mut document);
        let validator = jsonschema::draft7::new(&document).map_err(|e| format!("its schema does not compile: {e}"))?;
        let problems: Vec<String> = validator
            .iter_errors(result)
            .map(|error| {
                let at = error.instance_path().to_string();
                let field = at.trim_start_matches('/').replace('/', ".");
                if field.is_empty() { error.to_string() } else { format!("{field}: {error}") }
            })
            .collect();
        if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
    }

    /// A code by its number, if the schema documents it.
    pub fn code(&self, code: i64) -> Option<Code> {
        self.api.code(code).map(Code::from)
    }

    /// A code by its schema name; the mock's rejections are looked up this way.
    /// A schema without it (a small test schema) gets 1001 with the name as message.
    pub fn code_named(&self, name: &str) -> Code {
        self.api.code_named(name).map(Code::from).unwrap_or(Code {
            code: 1001,
            message: name.replace('_', " "),
            response_code: None,
        })
    }
}

/// How each top-level field's text is typed: a nested object's fields make
/// the object one part of JSON text; a multipart array is JSON text too.
fn top_level(fields: &[InputField], multipart: bool) -> Vec<(String, ValueKind)> {
    let mut top: Vec<(String, ValueKind)> = Vec::new();
    for field in fields {
        let Some(name) = field.path.first() else { continue };
        if top.iter().any(|(n, _)| n == name) {
            continue;
        }
        let kind = match field.kind {
            _ if field.path.len() > 1 => ValueKind::JsonText,
            ValueKind::File => ValueKind::File,
            _ if field.list && multipart => ValueKind::JsonText,
            // A query keeps a list's text whole, as the validator expects to name it.
            _ if field.list => ValueKind::Text,
            kind => kind,
        };
        top.push((name.clone(), kind));
    }
    top
}

/// Every object schema in `schema` refuses properties it does not name.
fn closed(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("object") && map.contains_key("properties") {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
            map.values_mut().for_each(closed);
        }
        Value::Array(items) => items.iter_mut().for_each(closed),
        _ => {}
    }
}
