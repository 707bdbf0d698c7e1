//! Checks of the extensions that shape requests and the mock's state:
//! `x-qys-one-of` (components and operations), `x-qys-pagination` and
//! `x-qys-state` (operations). Each refusal names its JSON pointer.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{RESERVED_NAMES, is_identifier};
use crate::doc::{component_schemas, follow, ref_name, runtime_type};
use crate::error::Collector;
use crate::ir::Effect;
use crate::pointer::join;

/// Every extension this reader knows (schema/README.md's table). Any other
/// `x-qys-*` key is refused wherever it appears: a misspelt one would
/// otherwise be ignored without a word.
pub(super) const KNOWN: [&str; 12] = [
    "x-qys-also-accepted",
    "x-qys-comma-set",
    "x-qys-envelope",
    "x-qys-fresh",
    "x-qys-idempotent",
    "x-qys-name",
    "x-qys-one-of",
    "x-qys-pagination",
    "x-qys-response-codes",
    "x-qys-source",
    "x-qys-state",
    "x-qys-variant-names",
];

/// Refuses `x-qys-*` keys this reader does not know, naming the nearest
/// known one, and an `x-qys-fresh` that is not `true`.
pub(super) fn check_extension_names(value: &Value, pointer: &str, errors: &mut Collector) {
    match value {
        Value::Object(fields) => {
            for (key, child) in fields {
                let at = join(pointer, key);
                if key.starts_with("x-qys-") && !KNOWN.contains(&key.as_str()) {
                    let nearest = KNOWN
                        .iter()
                        .map(|known| (strsim::jaro_winkler(key, known), *known))
                        .filter(|(score, _)| *score > 0.9)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, known)| format!(" (did you mean `{known}`?)"))
                        .unwrap_or_default();
                    errors.push(&at, format!("`{key}` is not an extension this schema reader knows{nearest}"));
                }
                if key == "x-qys-fresh" && child != &Value::Bool(true) {
                    errors.push(&at, "`x-qys-fresh` is `true` (on a property of a result schema), or absent");
                }
                check_extension_names(child, &at, errors);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_extension_names(item, &join(pointer, &index.to_string()), errors);
            }
        }
        _ => {}
    }
}

/// The strings of an array, or `None` if it is not an array of strings.
fn strings(value: Option<&Value>) -> Option<Vec<&str>> {
    value?.as_array()?.iter().map(Value::as_str).collect()
}

/// `x-qys-variant-names` on a string enum: value → an UpperCamelCase
/// variant name, each a value of the enum, the names distinct and none
/// `Unknown` (open enums keep that for values they do not know).
pub(super) fn check_variant_names(doc: &Value, errors: &mut Collector) {
    for (name, schema) in component_schemas(doc) {
        let Some(table) = schema.get("x-qys-variant-names") else { continue };
        let at = join(&join("/components/schemas", name), "x-qys-variant-names");
        let values = strings(schema.get("enum"));
        let Some((table, values)) = table.as_object().zip(values) else {
            errors.push(&at, "`x-qys-variant-names` belongs on a string enum and maps its values to variant names");
            continue;
        };
        let mut seen = BTreeSet::new();
        for (value, variant) in table {
            let variant = variant.as_str().unwrap_or_default();
            if !values.contains(&value.as_str()) {
                errors.push(join(&at, value), format!("`{value}` is not a value of `{name}`"));
            }
            let camel = heck::AsUpperCamelCase(variant).to_string() == variant;
            if !is_identifier(variant) || !camel || variant == "Unknown" || !seen.insert(variant) {
                errors.push(join(&at, value), format!("`{variant}` is not a unique UpperCamelCase variant name"));
            }
        }
    }
}

/// Every property a declared one-of names, its groups' required and
/// optional ones alike.
fn one_of_members(one_of: &Value) -> impl Iterator<Item = &str> {
    let variants = one_of.get("variants").and_then(Value::as_array).into_iter().flatten();
    variants.flat_map(|v| {
        let required = strings(v.get("required")).unwrap_or_default();
        required.into_iter().chain(strings(v.get("optional")).unwrap_or_default())
    })
}

/// `components.x-qys-one-of`: name → `{field, description?, variants: [{name, required, optional?}]}`.
pub(super) fn check_one_of_declarations(doc: &Value, errors: &mut Collector) {
    let Some(declared) = doc.pointer("/components/x-qys-one-of") else { return };
    let Some(declared) = declared.as_object() else {
        errors.push("/components/x-qys-one-of", "`x-qys-one-of` maps each one-of type's name to its groups");
        return;
    };
    for (name, one_of) in declared {
        let pointer = join("/components/x-qys-one-of", name);
        if heck::AsUpperCamelCase(name).to_string() != *name || !is_identifier(name) {
            errors.push(&pointer, format!("one-of name `{name}` must be an UpperCamelCase identifier (the Rust type)"));
        }
        if RESERVED_NAMES.contains(&name.as_str()) || component_schemas(doc).any(|(n, _)| n == name) {
            errors.push(&pointer, format!("one-of name `{name}` already names a type; choose another"));
        }
        for key in one_of.as_object().into_iter().flatten().map(|(k, _)| k) {
            if !matches!(key.as_str(), "field" | "description" | "variants") {
                errors.push(join(&pointer, key), format!("`{key}` is not a field of a one-of"));
            }
        }
        match one_of.get("field").and_then(Value::as_str) {
            Some(field) if is_identifier(field) && heck::AsSnakeCase(field).to_string() == field => {}
            _ => errors
                .push(join(&pointer, "field"), "`field` names the request field that holds the choice, in snake_case"),
        }
        let variants = one_of.get("variants").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        if variants.len() < 2 {
            errors.push(join(&pointer, "variants"), "a one-of needs at least two groups in `variants`");
        }
        let (mut names, mut members) = (BTreeSet::new(), BTreeSet::new());
        for (index, variant) in variants.iter().enumerate() {
            let at = join(&join(&pointer, "variants"), &index.to_string());
            match variant.get("name").and_then(Value::as_str) {
                Some(v) if is_identifier(v) && heck::AsUpperCamelCase(v).to_string() == v && names.insert(v) => {}
                _ => errors.push(join(&at, "name"), "each group needs a unique UpperCamelCase `name` (its variant)"),
            }
            let required = strings(variant.get("required")).unwrap_or_default();
            if required.is_empty() {
                errors.push(join(&at, "required"), "a group needs at least one property in `required`");
            }
            let optional = match variant.get("optional") {
                None => Vec::new(),
                Some(v) => strings(Some(v)).unwrap_or_else(|| {
                    errors.push(join(&at, "optional"), "`optional` lists property names");
                    Vec::new()
                }),
            };
            for member in required.into_iter().chain(optional) {
                if !members.insert(member) {
                    errors.push(&at, format!("property `{member}` is in two groups; each belongs to one"));
                }
            }
        }
    }
}

/// An operation's `x-qys-one-of`: names of declared one-ofs whose members
/// are optional string properties of its request type.
pub(super) fn check_operation_one_ofs(
    doc: &Value,
    operation: &Value,
    request: Option<(&str, &Value)>,
    pointer: &str,
    users: &mut BTreeMap<String, (Vec<String>, String)>,
    errors: &mut Collector,
) {
    let Some(names) = operation.get("x-qys-one-of") else { return };
    let at = join(pointer, "x-qys-one-of");
    let Some(names) = strings(Some(names)) else {
        errors.push(&at, "`x-qys-one-of` lists the names of one-ofs declared in `components.x-qys-one-of`");
        return;
    };
    let Some((type_name, schema)) = request else {
        errors.push(&at, "a one-of needs a request type: a body or query parameters");
        return;
    };
    let owned: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    if let Some((other, other_pointer)) = users.get(type_name)
        && *other != owned
    {
        errors.push(&at, format!("request type `{type_name}` takes other one-ofs at `{other_pointer}`"));
    }
    users.insert(type_name.to_owned(), (owned, pointer.to_owned()));
    let required: Vec<&str> = strings(schema.get("required")).unwrap_or_default();
    let properties = schema.get("properties");
    for name in names {
        let Some(one_of) = doc.pointer(&join("/components/x-qys-one-of", name)) else {
            errors.push(&at, format!("one-of `{name}` is not declared in `components.x-qys-one-of`"));
            continue;
        };
        if let Some(field) = one_of.get("field").and_then(Value::as_str)
            && properties.and_then(|p| p.get(field)).is_some()
        {
            errors.push(&at, format!("the request already has a property `{field}`, the field one-of `{name}` takes"));
        }
        for member in one_of_members(one_of) {
            let Some(property) = properties.and_then(|p| p.get(member)) else {
                errors.push(&at, format!("one-of `{name}` takes `{member}`, which `{type_name}` does not have"));
                continue;
            };
            let property = follow(doc, property);
            let string = property.get("type").and_then(Value::as_str) == Some("string")
                && property.get("enum").is_none()
                && matches!(runtime_type(property), None | Some("Id"));
            if !string {
                errors.push(&at, format!("`{member}` of one-of `{name}` must be a string or an id (`format: int64`)"));
            }
            if required.contains(&member) {
                errors.push(&at, format!("`{member}` is required in `{type_name}`, but one-of `{name}` chooses it"));
            }
        }
    }
}

/// Every one-of member has one type across the request types that take it.
pub(super) fn check_one_of_agreement(doc: &Value, requests: &[(String, Value, Vec<String>)], errors: &mut Collector) {
    let mut seen: BTreeMap<(&str, &str), (bool, &str)> = BTreeMap::new();
    for (type_name, schema, names) in requests {
        for name in names {
            let Some(one_of) = doc.pointer(&join("/components/x-qys-one-of", name)) else { continue };
            for member in one_of_members(one_of) {
                let Some(property) = schema.pointer(&join("/properties", member)) else { continue };
                let id = runtime_type(follow(doc, property)) == Some("Id");
                match seen.get(&(name.as_str(), member)) {
                    Some((known, other)) if *known != id => errors.push(
                        join("/components/x-qys-one-of", name),
                        format!("`{member}` is an id in one of `{type_name}` and `{other}` but not in the other"),
                    ),
                    Some(_) => {}
                    None => {
                        seen.insert((name.as_str(), member), (id, type_name.as_str()));
                    }
                }
            }
        }
    }
}

/// `x-qys-pagination`: `{offset, limit, total, items}` naming integer query
/// parameters and the answer's integer total and array of named objects.
pub(super) fn check_pagination(
    doc: &Value,
    operation: &Value,
    query: Option<&Value>,
    result: Option<&Value>,
    pointer: &str,
    errors: &mut Collector,
) {
    let Some(spec) = operation.get("x-qys-pagination") else { return };
    let at = join(pointer, "x-qys-pagination");
    for key in spec.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !matches!(key.as_str(), "offset" | "limit" | "total" | "items") {
            errors.push(join(&at, key), format!("`{key}` is not a field of `x-qys-pagination`"));
        }
    }
    let named = |key: &str| spec.get(key).and_then(Value::as_str);
    let integer = |schema: Option<&Value>| {
        schema.map(|s| follow(doc, s)).and_then(|s| s.get("type")).and_then(Value::as_str) == Some("integer")
    };
    for key in ["offset", "limit"] {
        let parameter = named(key).and_then(|n| query?.pointer(&join("/properties", n)));
        if !integer(parameter) {
            errors.push(join(&at, key), format!("`{key}` names an integer query parameter of the operation"));
        }
    }
    let result = result.map(|r| follow(doc, r));
    let field = |key: &str| named(key).and_then(|n| result?.pointer(&join("/properties", n)));
    if !integer(field("total")) {
        errors.push(join(&at, "total"), "`total` names the answer's integer field that counts every item");
    }
    let items = field("items").map(|i| follow(doc, i));
    let item_type =
        items.filter(|i| i.get("type").and_then(Value::as_str) == Some("array")).and_then(|i| i.get("items"));
    if item_type.and_then(ref_name).is_none() {
        errors.push(join(&at, "items"), "`items` names the answer's array field of a named type (the page)");
    }
}

/// `x-qys-state`: `{effect, transitions?: [{from, to?}], otherwise?, action?, needsDocuments?}`.
pub(super) fn check_state(operation: &Value, codes: &BTreeSet<i64>, pointer: &str, errors: &mut Collector) {
    let Some(spec) = operation.get("x-qys-state") else { return };
    let at = join(pointer, "x-qys-state");
    for key in spec.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !matches!(key.as_str(), "effect" | "transitions" | "otherwise" | "action" | "needsDocuments") {
            errors.push(join(&at, key), format!("`{key}` is not a field of `x-qys-state`"));
        }
    }
    let effect = spec.get("effect").and_then(Value::as_str);
    if effect.and_then(Effect::named).is_none() {
        let known: Vec<&str> = Effect::ALL.iter().map(|(n, _)| *n).collect();
        errors.push(join(&at, "effect"), format!("`effect` is one of {}", known.join(", ")));
    }
    for (index, transition) in spec.get("transitions").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let t = join(&join(&at, "transitions"), &index.to_string());
        if strings(transition.get("from")).is_none_or(|f| f.is_empty()) {
            errors.push(join(&t, "from"), "`from` lists the statuses the move starts from");
        }
        if transition.get("to").is_some_and(|to| !to.is_string() && !to.is_null()) {
            errors.push(join(&t, "to"), "`to` is the status it leaves, or `null` to remove the contract");
        }
    }
    for key in ["otherwise", "needsDocuments"] {
        match spec.get(key) {
            None => {}
            Some(code) if code.as_i64().is_some_and(|c| codes.contains(&c)) => {}
            Some(_) => errors.push(join(&at, key), format!("`{key}` is a code of the global table or the operation's")),
        }
    }
    if (effect == Some("sign")) != spec.get("action").is_some_and(Value::is_string) {
        errors.push(join(&at, "action"), "`action` (the action type signed) goes with `effect: sign`, and only there");
    }
}
