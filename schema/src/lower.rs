//! Turns a checked schema into the IR ([`crate::ir`]). It refuses nothing:
//! the checker has already refused what the IR could not say.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::doc::{self, component_schemas, follow, ref_name, runtime_type, text};
use crate::ir::{
    Api, Callback, CallbackUrl, CommaSet, Constraint, Domain, Effect, EnumRenames, FieldInfo, Input, Method,
    NamedSchema, Names, OneOf, OneOfMember, OneOfVariant, OpenEnum, Operation, Pagination, ResponseCode, ResultType,
    RetryClass, Server, Source, StateRule, StructInfo, Target, Transition, ValueKind,
};
use crate::pointer::join;
use crate::reach::Reach;

/// Lowers a document that [`crate::check::check`] accepted.
pub(crate) fn lower(doc: &Value, reach: &Reach) -> Api {
    let info = doc.get("info").unwrap_or(&Value::Null);
    let mut codes = Vec::new();
    add_codes(doc.get("x-qys-response-codes"), "/x-qys-response-codes", None, &mut codes);

    let mut operations = Vec::new();
    let mut callbacks: Vec<Callback> = Vec::new();
    let mut query_schemas = Vec::new();
    for (path, method, op) in doc::operations(doc) {
        let pointer = join(&join("/paths", path), method);
        let id = text(op, "operationId").unwrap_or_default();
        let input = match doc::body_schema(doc, op) {
            Some((multipart, schema)) => {
                let type_name = ref_name(schema).unwrap_or_default().to_owned();
                if multipart { Input::Multipart { type_name } } else { Input::JsonBody { type_name } }
            }
            None => match query_schema(doc, op, &id, &pointer) {
                Some(schema) => {
                    let type_name = schema.name.clone();
                    query_schemas.push(schema);
                    Input::Query { type_name }
                }
                None => Input::None,
            },
        };
        let own_codes = op.get("x-qys-response-codes");
        add_codes(own_codes, &join(&pointer, "x-qys-response-codes"), Some(&id), &mut codes);
        let own: Vec<i64> = own_codes
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.get("code").and_then(Value::as_i64))
            .collect();
        let own_callbacks = callbacks_of(doc, op, &id, &pointer, &mut callbacks);
        let result_schema = doc::result_schema(doc, op);
        let method = if method == "get" { Method::Get } else { Method::Post };
        operations.push(Operation {
            names: Names::of(&id),
            method,
            path: path.clone(),
            summary: text(op, "summary"),
            description: text(op, "description"),
            result: result_schema
                .map(|r| ref_name(r).map_or(ResultType::Json, |name| ResultType::Named(name.to_owned()))),
            codes: own,
            idempotent: method == Method::Get || op.get("x-qys-idempotent") == Some(&Value::Bool(true)),
            agent: crate::security::signing(doc, Some(op)) == Ok(crate::security::Signing::Agent),
            domain: op.pointer("/tags/0").and_then(Value::as_str).map(str::to_owned),
            request_example: op
                .get("requestBody")
                .map(|b| follow(doc, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("example"))
                .cloned(),
            file: doc::file_media(doc, op),
            source: op.get("x-qys-source").map(source_of),
            callbacks: own_callbacks,
            success_example: crate::examples::success(doc, op, result_schema),
            fresh: crate::examples::fresh(doc, result_schema),
            fields: crate::fields::of(doc, &input, &query_schemas),
            pagination: pagination(op, result_schema.and_then(|r| follow(doc, r).get("properties"))),
            state: op.get("x-qys-state").map(state_rule),
            input,
            id,
            pointer,
        });
    }

    let mut comma_sets = Vec::new();
    let mut structs = Vec::new();
    let mut schemas = Vec::new();
    for (name, schema) in component_schemas(doc) {
        let pointer = join("/components/schemas", name);
        if schema.get("x-qys-envelope").is_some() {
            continue;
        }
        if let Some(item) = schema.get("x-qys-comma-set") {
            comma_sets.push(CommaSet {
                name: name.clone(),
                item: ref_name(item).unwrap_or_default().to_owned(),
                description: text(schema, "description"),
                pointer: pointer.clone(),
            });
        }
        if schema.get("type").and_then(Value::as_str) == Some("object") {
            structs.push(struct_info(doc, name, schema, &pointer));
        }
        schemas.push(NamedSchema { name: name.clone(), pointer, schema: schema.clone(), from_query: false });
    }
    // Query types come after the components, so a reader that needs the
    // components they refer to first (typify) sees them first.
    for query in &query_schemas {
        structs.push(struct_info(doc, &query.name, &query.schema, &query.pointer));
    }
    schemas.extend(query_schemas);
    for info in &mut structs {
        info.request_side = reach.requests.contains(&info.name);
    }
    for op in &operations {
        if let Input::Multipart { type_name } = &op.input
            && let Some(info) = structs.iter_mut().find(|s| &s.name == type_name)
        {
            info.multipart = true;
        }
    }
    let one_ofs = one_ofs(doc, &operations, &schemas);
    for (op, (_, _, raw)) in operations.iter().zip(doc::operations(doc)) {
        let names = strings(raw.get("x-qys-one-of"));
        if let Some(info) = op.input.type_name().and_then(|t| structs.iter_mut().find(|s| s.name == t)) {
            for one_of in names.iter().filter_map(|n| one_ofs.iter().find(|o| &o.name == n)) {
                take_one_of(info, one_of);
            }
        }
    }
    let open_enums = crate::reach::enums(doc)
        .filter(|(name, _)| reach.answers.contains(name.as_str()))
        .map(|(name, schema)| OpenEnum {
            name: name.clone(),
            description: text(schema, "description"),
            pointer: join("/components/schemas", name),
            values: strings(schema.get("enum")),
            variants: strings(schema.get("enum")).iter().map(|v| doc::variant_of(schema, v)).collect(),
        })
        .collect();
    // Closed enums are typify's: the names the schema gives replace its own.
    let enum_renames = crate::reach::enums(doc)
        .filter(|(name, _)| !reach.answers.contains(name.as_str()))
        .filter_map(|(name, schema)| {
            let table = schema.get("x-qys-variant-names")?.as_object()?;
            let renames = table.iter().filter_map(|(wire, v)| Some((wire.clone(), v.as_str()?.to_owned()))).collect();
            Some(EnumRenames { name: name.clone(), renames })
        })
        .collect();

    Api {
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
        schemas,
        one_ofs,
        domains: domains(doc),
        enum_renames,
    }
}

/// `components.x-qys-one-of`; each member is described by the first request
/// type that has it (the checker makes sure they all agree on its type).
fn one_ofs(doc: &Value, operations: &[Operation], schemas: &[NamedSchema]) -> Vec<OneOf> {
    let declared = doc.pointer("/components/x-qys-one-of").and_then(Value::as_object).into_iter().flatten();
    declared
        .map(|(name, one_of)| {
            let users: Vec<&Value> = doc::operations(doc)
                .zip(operations)
                .filter(|((_, _, raw), _)| strings(raw.get("x-qys-one-of")).contains(name))
                .filter_map(|(_, op)| op.input.type_name())
                .filter_map(|t| schemas.iter().find(|s| s.name == t))
                .map(|s| &s.schema)
                .collect();
            let property = |json_name: &str| {
                users.iter().find_map(|schema| schema.pointer(&join("/properties", json_name))).unwrap_or(&Value::Null)
            };
            let members = |variant: &Value, key: &str, required: bool| {
                strings(variant.get(key))
                    .into_iter()
                    .map(|json_name| {
                        let schema = property(&json_name);
                        OneOfMember {
                            required,
                            id: runtime_type(schema) == Some("Id"),
                            constraints: constraints(schema),
                            description: text(schema, "description"),
                            field: heck::AsSnakeCase(&json_name).to_string(),
                            json_name,
                        }
                    })
                    .collect::<Vec<_>>()
            };
            let variants = one_of.get("variants").and_then(Value::as_array).into_iter().flatten();
            OneOf {
                name: name.clone(),
                field: text(one_of, "field").unwrap_or_default(),
                description: text(one_of, "description"),
                pointer: join("/components/x-qys-one-of", name),
                variants: variants
                    .map(|variant| {
                        let mut all = members(variant, "required", true);
                        all.extend(members(variant, "optional", false));
                        let name = text(variant, "name").unwrap_or_default();
                        OneOfVariant { function: heck::AsSnakeCase(&name).to_string(), name, members: all }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Replaces a request type's one-of members with the one field that holds
/// the choice, where its first member was.
fn take_one_of(info: &mut StructInfo, one_of: &OneOf) {
    let is_member = |f: &FieldInfo| one_of.members().any(|m| m.json_name == f.json_name);
    let Some(at) = info.fields.iter().position(is_member) else { return };
    info.fields.retain(|f| !is_member(f));
    let holder = FieldInfo {
        json_name: one_of.field.clone(),
        required: true,
        constraints: Vec::new(),
        item_constraints: Vec::new(),
        nested: Some(one_of.name.clone()),
        is_array: false,
        is_file: false,
        flatten: true,
        ref_description: one_of.description.as_deref().map(|d| d.split("\n\n").next().unwrap_or_default().to_owned()),
    };
    info.fields.insert(at.min(info.fields.len()), holder);
    info.one_ofs.push(one_of.name.clone());
}

/// `x-qys-pagination`, with the item type read from the answer's array.
fn pagination(op: &Value, result_properties: Option<&Value>) -> Option<Pagination> {
    let spec = op.get("x-qys-pagination")?;
    let field = |key| text(spec, key).unwrap_or_default();
    let items = field("items");
    let item_type = result_properties
        .and_then(|p| p.pointer(&join(&join("", &items), "items")))
        .and_then(ref_name)
        .unwrap_or_default()
        .to_owned();
    Some(Pagination { offset: field("offset"), limit: field("limit"), total: field("total"), items, item_type })
}

/// `x-qys-state`.
fn state_rule(spec: &Value) -> StateRule {
    let transitions = spec.get("transitions").and_then(Value::as_array).into_iter().flatten();
    StateRule {
        effect: text(spec, "effect").as_deref().and_then(Effect::named).unwrap_or(Effect::Read),
        transitions: transitions
            .map(|t| Transition {
                from: strings(t.get("from")),
                to: match t.get("to") {
                    None => Target::Keep,
                    Some(Value::Null) => Target::Remove,
                    Some(status) => Target::Status(status.as_str().unwrap_or_default().to_owned()),
                },
            })
            .collect(),
        otherwise: spec.get("otherwise").and_then(Value::as_i64),
        action: text(spec, "action"),
        needs_documents: spec.get("needsDocuments").and_then(Value::as_i64),
    }
}

/// The object schema an operation's query parameters make, so a query is
/// built, documented and validated exactly like a body.
pub(crate) fn query_schema(doc: &Value, op: &Value, id: &str, pointer: &str) -> Option<NamedSchema> {
    let parameters = doc::parameters(doc, op);
    if parameters.is_empty() {
        return None;
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for parameter in parameters {
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default();
        let mut schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
        // Beside a `$ref` too: the one place OpenAPI 3.0 lets a description stand there.
        if let (Some(description), Some(map)) = (parameter.get("description"), schema.as_object_mut()) {
            map.insert("description".into(), description.clone());
        }
        if parameter.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_owned()));
        }
        properties.insert(name.to_owned(), schema);
    }
    let parameters_pointer = join(pointer, "parameters");
    let schema = json!({
        "type": "object",
        "description": format!("Query parameters of `{id}`.\n\nGenerated from `#{parameters_pointer}`."),
        "required": required,
        "properties": properties,
    });
    Some(NamedSchema { name: doc::query_type_name(id), pointer: parameters_pointer, schema, from_query: true })
}

fn source_of(source: &Value) -> Source {
    Source {
        references: strings(source.get("references")),
        confidence: text(source, "confidence").unwrap_or_default(),
        unconfirmed: strings(source.get("unconfirmed")),
    }
}

/// The strings of a JSON array.
fn strings(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// Records the operation's callbacks (each payload type once) and returns their names.
fn callbacks_of(doc: &Value, op: &Value, id: &str, pointer: &str, known: &mut Vec<Callback>) -> Vec<String> {
    let mut names = Vec::new();
    for (name, callback) in op.get("callbacks").and_then(Value::as_object).into_iter().flatten() {
        let Some((expression, item)) = follow(doc, callback).as_object().and_then(|c| c.iter().next()) else {
            continue;
        };
        names.push(name.clone());
        if let Some(seen) = known.iter_mut().find(|c| &c.name == name) {
            seen.operations.push(id.to_owned());
            continue;
        }
        let media = item.pointer("/post/requestBody/content/application~1x-www-form-urlencoded");
        let schema = media.and_then(|m| m.get("schema"));
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
                let kind = match follow(doc, property).get("type").and_then(Value::as_str) {
                    _ if json_fields.contains(field) => ValueKind::Json,
                    kind => ValueKind::of_type(kind),
                };
                (field.clone(), kind)
            })
            .collect();
        known.push(Callback {
            name: name.clone(),
            type_name: schema.and_then(ref_name).unwrap_or_default().to_owned(),
            url: CallbackUrl::parse(expression).unwrap_or(CallbackUrl::Body(String::new())),
            expression: expression.clone(),
            operations: vec![id.to_owned()],
            fields,
            example: media.and_then(|m| m.get("example")).and_then(Value::as_object).cloned().unwrap_or_default(),
            pointer: join(&join(pointer, "callbacks"), name),
        });
    }
    names
}

fn add_codes(table: Option<&Value>, pointer: &str, operation: Option<&str>, codes: &mut Vec<ResponseCode>) {
    for (index, entry) in table.and_then(Value::as_array).into_iter().flatten().enumerate() {
        let Some(code) = entry.get("code").and_then(Value::as_i64) else { continue };
        if let Some(known) = codes.iter_mut().find(|c| c.code == code) {
            known.operations.extend(operation.map(str::to_owned));
            continue;
        }
        let name = text(entry, "name").unwrap_or_default();
        let mock_only = entry.get("mockOnly") == Some(&Value::Bool(true));
        codes.push(ResponseCode {
            code,
            variant: crate::ir::code_variant(&name, mock_only),
            name,
            message: text(entry, "message").unwrap_or_default(),
            response_code: text(entry, "responseCode"),
            description: text(entry, "description"),
            pointer: join(pointer, &index.to_string()),
            operations: operation.map(str::to_owned).into_iter().collect(),
            mock_only,
            stale_timestamp: entry.get("staleTimestamp") == Some(&Value::Bool(true)),
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
            variant: crate::ir::variant_name(&text(server, "x-qys-name").unwrap_or_default()),
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
            let nested = ref_name(target)
                .filter(|_| follow(doc, target).get("type").and_then(Value::as_str) == Some("object"))
                .map(str::to_owned);
            let ref_description = match runtime_type(property) {
                // Replaced by a runtime type, the field keeps its own description.
                Some(_) => text(property, "description"),
                None => ref_name(property)
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
                is_file: crate::doc::is_file(property),
                flatten: false,
                ref_description,
            }
        })
        .collect();
    StructInfo {
        name: name.to_owned(),
        pointer: pointer.to_owned(),
        fields,
        request_side: false,
        multipart: false,
        one_ofs: Vec::new(),
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

/// The document's `tags`, in order: the domains operations are grouped by.
fn domains(doc: &Value) -> Vec<Domain> {
    let tags = doc.get("tags").and_then(Value::as_array).into_iter().flatten();
    tags.filter_map(|tag| {
        let name = text(tag, "name")?;
        let mut letters = name.chars();
        let title = letters.next().map(|first| first.to_uppercase().chain(letters).collect()).unwrap_or_default();
        Some(Domain { title, name, description: text(tag, "description") })
    })
    .collect()
}
