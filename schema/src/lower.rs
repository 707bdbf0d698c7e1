//! Turns a checked schema into the IR ([`crate::ir`]). It refuses nothing:
//! the checker has already refused what the IR could not say, and handed on
//! what the extensions say ([`Extensions`]), which this reads no more.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::constraints::constraints;
use crate::doc::{self, component_schemas, follow, ref_name, runtime_type, text};
use crate::ext::{self, Extensions, one_of};
use crate::ir::{
    Api, Callback, CallbackUrl, Domain, EnumRenames, FieldInfo, Input, Method, NamedSchema, Names, OpenEnum, Operation,
    ResultType, StructInfo, ValueKind,
};
use crate::pointer::join;
use crate::query::query_schema;
use crate::reach::Reach;

/// Lowers a document that [`crate::check::check`] accepted, with the
/// extensions it read.
pub(crate) fn lower(doc: &Value, reach: &Reach, mut ext: Extensions) -> Api {
    let info = doc.get("info").unwrap_or(&Value::Null);

    let mut operations = Vec::new();
    let mut callbacks: Vec<Callback> = Vec::new();
    let mut query_schemas = Vec::new();
    // The one-ofs each operation's request type takes, in operation order.
    let mut takes_one_ofs: Vec<Vec<String>> = Vec::new();
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
        let own = ext.operations.remove(&pointer).unwrap_or_default();
        takes_one_ofs.push(own.one_ofs);
        let own_callbacks = callbacks_of(doc, op, &id, &pointer, &mut callbacks);
        let result_schema = ext::envelope::result_schema(doc, op);
        let method = if method == "get" { Method::Get } else { Method::Post };
        operations.push(Operation {
            names: Names::of(&id),
            method,
            path: path.clone(),
            summary: text(op, "summary"),
            description: text(op, "description"),
            result: result_schema
                .map(|r| ref_name(r).map_or(ResultType::Untyped, |name| ResultType::Named(name.to_owned()))),
            codes: own.codes,
            idempotent: method == Method::Get || own.idempotent,
            signer: crate::security::signing(doc, Some(op)).unwrap_or(crate::ir::Signer::Company),
            domain: op.pointer("/tags/0").and_then(Value::as_str).map(str::to_owned),
            request_example: op
                .get("requestBody")
                .map(|b| follow(doc, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("example"))
                .cloned(),
            download: doc::file_media(doc, op),
            source: own.source,
            callbacks: own_callbacks,
            success_example: crate::examples::success(doc, op, result_schema),
            fresh: ext::fresh::fields(doc, result_schema),
            fields: crate::fields::of(doc, &input, &query_schemas),
            pagination: own.pagination,
            state: own.state,
            input,
            id,
            pointer,
        });
    }

    let mut structs = Vec::new();
    let mut schemas = Vec::new();
    for (name, schema) in component_schemas(doc) {
        let pointer = join("/components/schemas", name);
        if ext::envelope::is_marked(schema) {
            continue;
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
    // Each declared one-of's members are described by the request types that take it.
    let one_ofs: Vec<_> = ext
        .one_ofs
        .iter()
        .map(|declared| {
            let users: Vec<&Value> = operations
                .iter()
                .zip(&takes_one_ofs)
                .filter(|(_, names)| names.contains(&declared.name))
                .filter_map(|(op, _)| op.input.type_name())
                .filter_map(|t| schemas.iter().find(|s| s.name == t))
                .map(|s| &s.schema)
                .collect();
            one_of::lower(declared, &users)
        })
        .collect();
    for (op, names) in operations.iter().zip(&takes_one_ofs) {
        if let Some(info) = op.input.type_name().and_then(|t| structs.iter_mut().find(|s| s.name == t)) {
            for one_of in names.iter().filter_map(|n| one_ofs.iter().find(|o| &o.name == n)) {
                one_of::take(info, one_of);
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
            variants: strings(schema.get("enum")).iter().map(|v| ext.variant_names.of(name, v)).collect(),
        })
        .collect();
    // Closed enums are typify's: the names the schema gives replace its own.
    let enum_renames = crate::reach::enums(doc)
        .filter(|(name, _)| !reach.answers.contains(name.as_str()))
        .filter_map(|(name, _)| {
            let renames = ext.variant_names.table(name)?.to_vec();
            Some(EnumRenames { name: name.clone(), renames })
        })
        .collect();

    Api {
        title: text(info, "title").unwrap_or_default(),
        description: text(info, "description"),
        version: text(info, "version").unwrap_or_default(),
        servers: ext.servers,
        codes: ext.codes,
        operations,
        comma_sets: ext.comma_sets,
        structs,
        open_enums,
        callbacks,
        schemas,
        one_ofs,
        domains: domains(doc),
        enum_renames,
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
                    _ if json_fields.contains(field) => ValueKind::JsonText,
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
                upload: crate::doc::is_file_part(property),
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
