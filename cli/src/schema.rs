//! Reads the embedded schema into the commands and flags `qys` offers: one
//! command per operation, one flag per request field (nested objects'
//! fields prefixed with the object's name). Nothing here names an operation.

use serde_json::Value;

/// One operation as a command.
pub struct Command {
    /// `operationId`.
    pub id: String,
    /// The command name: the id in kebab-case.
    pub name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Whether the operation takes a request at all.
    pub takes_input: bool,
    /// The media type of the file the operation answers, if it answers one.
    pub file: Option<String>,
    pub flags: Vec<Flag>,
}

/// One request field as a flag.
pub struct Flag {
    /// `--applicant-contact-type` without the dashes.
    pub long: String,
    /// Where the value goes in the request: `["applicant", "contactType"]`.
    pub path: Vec<String>,
    pub kind: Kind,
    pub required: bool,
    pub help: String,
    /// The allowed values of an enum field.
    pub values: Vec<String>,
}

/// How a flag's text becomes JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text,
    Boolean,
    Integer,
    Number,
    /// Comma-separated items of the inner kind, sent as a JSON array.
    List(Box<Kind>),
    /// A file to upload, given by its path.
    File,
}

/// Every operation of `schema`, in schema order.
pub fn commands(schema: &Value) -> Vec<Command> {
    let mut commands = Vec::new();
    for (_, item) in schema["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if method != "get" && method != "post" {
                continue;
            }
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            let mut flags = Vec::new();
            let body = op.get("requestBody").map(|b| follow(schema, b));
            let body_schema = body.and_then(|b| {
                b.pointer("/content/application~1json/schema")
                    .or_else(|| b.pointer("/content/multipart~1form-data/schema"))
            });
            let parameters = op["parameters"].as_array().filter(|p| !p.is_empty());
            if let Some(body_schema) = body_schema {
                object_flags(schema, body_schema, &[], true, &mut flags, 0);
            } else if let Some(parameters) = parameters {
                for parameter in parameters.iter().map(|p| follow(schema, p)) {
                    let name = parameter["name"].as_str().unwrap_or_default();
                    let required = parameter["required"] == true;
                    let description = parameter["description"].as_str();
                    field_flags(schema, name, &parameter["schema"], description, &[], required, &mut flags, 0);
                }
            }
            let answers = op.pointer("/responses/200").map(|r| follow(schema, r));
            let file = answers
                .and_then(|r| r["content"].as_object())
                .and_then(|c| c.keys().find(|k| *k != "application/json"))
                .cloned();
            commands.push(Command {
                name: kebab(&id),
                id,
                summary: op["summary"].as_str().map(str::to_owned),
                description: op["description"].as_str().map(str::to_owned),
                takes_input: body_schema.is_some() || parameters.is_some(),
                file,
                flags,
            });
        }
    }
    commands
}

fn object_flags(
    schema: &Value,
    object: &Value,
    prefix: &[String],
    required: bool,
    flags: &mut Vec<Flag>,
    depth: usize,
) {
    let object = follow(schema, object);
    let required_fields: Vec<&str> =
        object["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    for (name, property) in object["properties"].as_object().into_iter().flatten() {
        let field_required = required && required_fields.contains(&name.as_str());
        field_flags(schema, name, property, None, prefix, field_required, flags, depth);
    }
}

#[allow(clippy::too_many_arguments)]
fn field_flags(
    schema: &Value,
    name: &str,
    property: &Value,
    description: Option<&str>,
    prefix: &[String],
    required: bool,
    flags: &mut Vec<Flag>,
    depth: usize,
) {
    let mut path = prefix.to_vec();
    path.push(name.to_owned());
    let target = follow(schema, property);
    if target["type"] == "object" {
        if depth < 6 {
            object_flags(schema, target, &path, required, flags, depth + 1);
        }
        return;
    }
    let mut help = first_paragraph(description.or(target["description"].as_str()).unwrap_or_default());
    let mut values: Vec<String> =
        target["enum"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
    let kind = match target["type"].as_str() {
        Some("string") if target["format"] == "binary" => {
            help.push_str(" Path of the file to upload.");
            Kind::File
        }
        Some("boolean") => Kind::Boolean,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("array") => {
            let items = follow(schema, &target["items"]);
            let item_kind = match items["type"].as_str() {
                Some("integer") => Kind::Integer,
                Some("number") => Kind::Number,
                Some("boolean") => Kind::Boolean,
                _ => Kind::Text,
            };
            let item_values = items["enum"].as_array().into_iter().flatten().filter_map(Value::as_str);
            let item_values: Vec<&str> = item_values.collect();
            if !item_values.is_empty() {
                help.push_str(&format!(" Values: {}.", item_values.join(", ")));
            }
            help.push_str(" Comma-separated list.");
            Kind::List(Box::new(item_kind))
        }
        _ => Kind::Text,
    };
    if let Some(set) = target.get("x-qys-comma-set") {
        let set_values = follow(schema, set)["enum"].as_array().into_iter().flatten().filter_map(Value::as_str);
        help.push_str(&format!(" Values: {}; comma-separated.", set_values.collect::<Vec<_>>().join(", ")));
    }
    if let Some(default) = target.get("default") {
        help.push_str(&format!(" The server's default: {default}."));
    }
    if kind == Kind::Boolean {
        values = vec!["true".to_owned(), "false".to_owned()];
    }
    if required {
        help.push_str(" (required)");
    }
    let long = path.iter().map(|p| kebab(p)).collect::<Vec<_>>().join("-");
    flags.push(Flag { long, path, kind, required, help: help.trim().to_owned(), values });
}

fn first_paragraph(text: &str) -> String {
    text.split("\n\n").next().unwrap_or_default().to_owned()
}

fn follow<'a>(schema: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        let next = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| schema.pointer(p));
        match next {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// `companyAuthMiniappTicket` → `company-auth-miniapp-ticket`.
pub fn kebab(name: &str) -> String {
    heck::AsKebabCase(name).to_string()
}
