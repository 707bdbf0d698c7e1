//! `x-qys-one-of`: in `components`, name → `{field, description?, variants:
//! [{name, required, optional?}]}`, groups of a request's properties of which
//! exactly one is given; on an operation, the names of the one-ofs its request
//! type takes. Generated as an enum, one variant per group, flattened onto the
//! wire; `qys` and the mock choose a group by the same rule.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::constraints::constraints;
use crate::doc::{component_schemas, follow, runtime_type, text};
use crate::error::Collector;
use crate::ir::{FieldInfo, OneOf, OneOfMember, OneOfVariant, StructInfo};
use crate::naming::{RESERVED_NAMES, is_identifier, is_upper_camel};
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-one-of";

/// Where the declarations are.
const DECLARATIONS: &str = "/components/x-qys-one-of";

/// A declared one-of, as read (a malformed part is refused and left empty).
pub(crate) struct Declared {
    pub(crate) name: String,
    field: String,
    description: Option<String>,
    groups: Vec<Group>,
}

struct Group {
    name: String,
    required: Vec<String>,
    optional: Vec<String>,
}

impl Declared {
    /// Every property the one-of names, its groups' required and optional ones alike.
    fn members(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().flat_map(|g| g.required.iter().chain(&g.optional)).map(String::as_str)
    }
}

/// `components.x-qys-one-of`, each declaration checked on its own.
pub(crate) fn declarations(doc: &Value, errors: &mut Collector) -> Vec<Declared> {
    let Some(declared) = doc.pointer(DECLARATIONS) else { return Vec::new() };
    let Some(declared) = declared.as_object() else {
        errors.push(DECLARATIONS, "`x-qys-one-of` maps each one-of type's name to its groups");
        return Vec::new();
    };
    let mut all = Vec::new();
    for (name, one_of) in declared {
        let pointer = join(DECLARATIONS, name);
        if !is_upper_camel(name) || !is_identifier(name) {
            errors.push(&pointer, format!("one-of name `{name}` must be an UpperCamelCase identifier (the Rust type)"));
        }
        if RESERVED_NAMES.contains(&name.as_str()) || component_schemas(doc).any(|(n, _)| n == name) {
            errors.push(&pointer, format!("one-of name `{name}` already names a type; choose another"));
        }
        super::refuse_unknown_fields(one_of, &pointer, &["field", "description", "variants"], "a one-of", errors);
        let field = one_of.get("field").and_then(Value::as_str);
        match field {
            Some(field) if is_identifier(field) && heck::AsSnakeCase(field).to_string() == field => {}
            _ => errors
                .push(join(&pointer, "field"), "`field` names the request field that holds the choice, in snake_case"),
        }
        let variants = one_of.get("variants").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        if variants.len() < 2 {
            errors.push(join(&pointer, "variants"), "a one-of needs at least two groups in `variants`");
        }
        let (mut names, mut members) = (BTreeSet::new(), BTreeSet::new());
        let mut groups = Vec::new();
        for (index, variant) in variants.iter().enumerate() {
            let at = join(&join(&pointer, "variants"), &index.to_string());
            let group_name = variant.get("name").and_then(Value::as_str);
            match group_name {
                Some(v) if is_identifier(v) && is_upper_camel(v) && names.insert(v) => {}
                _ => errors.push(join(&at, "name"), "each group needs a unique UpperCamelCase `name` (its variant)"),
            }
            let required = super::all_strings(variant.get("required")).unwrap_or_default();
            if required.is_empty() {
                errors.push(join(&at, "required"), "a group needs at least one property in `required`");
            }
            let optional = match variant.get("optional") {
                None => Vec::new(),
                Some(v) => super::all_strings(Some(v)).unwrap_or_else(|| {
                    errors.push(join(&at, "optional"), "`optional` lists property names");
                    Vec::new()
                }),
            };
            for member in required.iter().chain(&optional) {
                if !members.insert(*member) {
                    errors.push(&at, format!("property `{member}` is in two groups; each belongs to one"));
                }
            }
            let owned = |list: Vec<&str>| list.into_iter().map(str::to_owned).collect();
            groups.push(Group {
                name: group_name.unwrap_or_default().to_owned(),
                required: owned(required),
                optional: owned(optional),
            });
        }
        all.push(Declared {
            name: name.clone(),
            field: field.unwrap_or_default().to_owned(),
            description: text(one_of, "description"),
            groups,
        });
    }
    all
}

/// An operation's `x-qys-one-of`: names of declared one-ofs whose members are
/// optional string properties of its request type (`request`: its name and
/// schema). `users` remembers which one-ofs each request type takes, so two
/// operations sharing a type agree. Returns the names.
pub(crate) fn of_operation(
    doc: &Value,
    declared: &[Declared],
    operation: &Value,
    request: Option<(&str, &Value)>,
    pointer: &str,
    users: &mut BTreeMap<String, (Vec<String>, String)>,
    errors: &mut Collector,
) -> Vec<String> {
    let Some(names) = operation.get(KEY) else { return Vec::new() };
    let at = join(pointer, KEY);
    let Some(names) = super::all_strings(Some(names)) else {
        errors.push(&at, "`x-qys-one-of` lists the names of one-ofs declared in `components.x-qys-one-of`");
        return Vec::new();
    };
    let owned: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let Some((type_name, schema)) = request else {
        errors.push(&at, "a one-of needs a request type: a body or query parameters");
        return owned;
    };
    if let Some((other, other_pointer)) = users.get(type_name)
        && *other != owned
    {
        errors.push(&at, format!("request type `{type_name}` takes other one-ofs at `{other_pointer}`"));
    }
    users.insert(type_name.to_owned(), (owned.clone(), pointer.to_owned()));
    let required = super::all_strings(schema.get("required")).unwrap_or_default();
    let properties = schema.get("properties");
    for name in names {
        let Some(one_of) = declared.iter().find(|d| d.name == name) else {
            errors.push(&at, format!("one-of `{name}` is not declared in `components.x-qys-one-of`"));
            continue;
        };
        if !one_of.field.is_empty() && properties.and_then(|p| p.get(&one_of.field)).is_some() {
            let field = &one_of.field;
            errors.push(&at, format!("the request already has a property `{field}`, the field one-of `{name}` takes"));
        }
        for member in one_of.members() {
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
    owned
}

/// Every one-of member has one type across the request types that take it
/// (`requests`: each type's name, schema and one-ofs).
pub(crate) fn check_agreement(
    doc: &Value,
    declared: &[Declared],
    requests: &[(String, Value, Vec<String>)],
    errors: &mut Collector,
) {
    let mut seen: BTreeMap<(&str, &str), (bool, &str)> = BTreeMap::new();
    for (type_name, schema, names) in requests {
        for name in names {
            let Some(one_of) = declared.iter().find(|d| &d.name == name) else { continue };
            for member in one_of.members() {
                let Some(property) = schema.pointer(&join("/properties", member)) else { continue };
                let id = runtime_type(follow(doc, property)) == Some("Id");
                match seen.get(&(name.as_str(), member)) {
                    Some((known, other)) if *known != id => errors.push(
                        join(DECLARATIONS, name),
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

/// The IR of a declared one-of; each member is described by the first of the
/// request types that take it (`users`, whose schemas agree on its type).
pub(crate) fn lower(declared: &Declared, users: &[&Value]) -> OneOf {
    let property = |json_name: &str| {
        users.iter().find_map(|schema| schema.pointer(&join("/properties", json_name))).unwrap_or(&Value::Null)
    };
    let members = |names: &[String], required: bool| {
        names
            .iter()
            .map(|json_name| {
                let schema = property(json_name);
                OneOfMember {
                    required,
                    id: runtime_type(schema) == Some("Id"),
                    constraints: constraints(schema),
                    description: text(schema, "description"),
                    field: heck::AsSnakeCase(json_name).to_string(),
                    json_name: json_name.clone(),
                }
            })
            .collect::<Vec<_>>()
    };
    OneOf {
        name: declared.name.clone(),
        field: declared.field.clone(),
        description: declared.description.clone(),
        pointer: join(DECLARATIONS, &declared.name),
        variants: declared
            .groups
            .iter()
            .map(|group| {
                let mut all = members(&group.required, true);
                all.extend(members(&group.optional, false));
                OneOfVariant {
                    function: heck::AsSnakeCase(&group.name).to_string(),
                    name: group.name.clone(),
                    members: all,
                }
            })
            .collect(),
    }
}

/// Replaces a request type's one-of members with the one field that holds
/// the choice, where its first member was.
pub(crate) fn take(info: &mut StructInfo, one_of: &OneOf) {
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
        upload: false,
        flatten: true,
        ref_description: one_of.description.as_deref().map(|d| d.split("\n\n").next().unwrap_or_default().to_owned()),
    };
    info.fields.insert(at.min(info.fields.len()), holder);
    info.one_ofs.push(one_of.name.clone());
}
