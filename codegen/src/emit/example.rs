//! The compiled example in each operation method's docs: the request built
//! with `new(…)` from the schema's request example where it has one, and
//! placeholder values of the right type where it does not.

use serde_json::Value;

use super::requests::wrapped;
use crate::ir::{Api, Operation};
use crate::models::{Index, json_name, variant_wire};

/// How the example calls: through the async client, or the blocking one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Async,
    Blocking,
}

/// The doc section `# Example` for an operation method.
pub(crate) fn section(api: &Api, op: &Operation, items: &Index<'_>, crate_path: &str, flavour: Flavour) -> String {
    format!("# Example\n\n{}", lines(api, op, items, crate_path, flavour).join("\n"))
}

/// The example's lines (without `///`), for the crate reached at `crate_path`.
fn lines(api: &Api, op: &Operation, items: &Index<'_>, crate_path: &str, flavour: Flavour) -> Vec<String> {
    let method = &op.names.method;
    let (signature, wait) = match flavour {
        Flavour::Async => (format!("async fn example(client: &{crate_path}::Client)"), ".await"),
        Flavour::Blocking => (format!("fn example(client: &{crate_path}::blocking::Client)"), ""),
    };
    let mut out = vec!["```no_run".to_owned(), format!("# {signature} -> Result<(), {crate_path}::Error> {{")];
    let call = match op.input.type_name() {
        Some(type_name) => {
            let built = construct(api, items, type_name, op.request_example.as_ref(), crate_path, 0);
            out.push(format!("let request = {built};"));
            format!("client.{method}(&request){wait}?")
        }
        None => format!("client.{method}(){wait}?"),
    };
    match op.result {
        _ if op.download.is_some() => {
            out.push(format!("let file = {call};"));
            out.push(format!("let bytes = file.save(\"download.bin\"){wait}?;"));
            out.push("# let _ = bytes;".to_owned());
        }
        Some(_) => {
            out.push(format!("let result = {call};"));
            out.push("# let _ = result;".to_owned());
        }
        None => out.push(format!("{call};")),
    }
    out.push("# Ok(())".to_owned());
    out.push("# }".to_owned());
    out.push("```".to_owned());
    out
}

/// The doc section `# Example` for a page walk (`<operation>_all`): the
/// loop over its items, with the one import the async stream needs.
pub(crate) fn walk_section(api: &Api, op: &Operation, items: &Index<'_>, crate_path: &str, flavour: Flavour) -> String {
    let all = format!("{}_all", op.names.method);
    let request =
        op.input.type_name().map(|name| construct(api, items, name, op.request_example.as_ref(), crate_path, 0));
    let mut out = vec!["```no_run".to_owned()];
    let walk = match flavour {
        Flavour::Async => {
            out.push(format!("use {crate_path}::runtime::StreamExt as _;"));
            out.push(format!(
                "# async fn example(client: &{crate_path}::Client) -> Result<(), {crate_path}::Error> {{"
            ));
            "while let Some(item) = items.next().await {"
        }
        Flavour::Blocking => {
            out.push(format!(
                "# fn example(client: &{crate_path}::blocking::Client) -> Result<(), {crate_path}::Error> {{"
            ));
            "for item in items {"
        }
    };
    out.push(format!("let request = {};", request.unwrap_or_default()));
    out.push(format!("let {}items = client.{all}(&request);", if flavour == Flavour::Async { "mut " } else { "" }));
    out.push(walk.to_owned());
    out.push("    let item = item?;".to_owned());
    out.push("    # let _ = item;".to_owned());
    out.push("}".to_owned());
    out.push("# Ok(())".to_owned());
    out.push("# }".to_owned());
    out.push("```".to_owned());
    format!("# Example\n\n{}", out.join("\n"))
}

/// `Type::new(required…)` for a request type, with values from `example`.
fn construct(
    api: &Api,
    items: &Index<'_>,
    type_name: &str,
    example: Option<&Value>,
    crate_path: &str,
    depth: usize,
) -> String {
    let (Some(info), Some(item)) = (api.structs.iter().find(|s| s.name == type_name), items.structs.get(type_name))
    else {
        return format!("{crate_path}::models::{type_name}::default()");
    };
    let syn::Fields::Named(fields) = &item.fields else { return String::new() };
    let mut arguments = Vec::new();
    let mut setters = String::new();
    for field in &fields.named {
        let (Some(wire), Some(ident)) = (json_name(field), field.ident.as_ref()) else { continue };
        let given = example.and_then(|e| e.get(&wire));
        let one_of = info.fields.iter().find(|f| f.json_name == wire && f.flatten).and_then(|f| f.nested.as_deref());
        if let Some(one_of) = one_of.and_then(|name| api.one_of(name)) {
            // Its members are the request's own, so the example's too.
            arguments.push(choice(one_of, example, crate_path));
        } else if info.fields.iter().any(|f| f.json_name == wire && f.required) {
            arguments.push(value(api, items, &field.ty, given, crate_path, depth + 1));
        } else if let (Some(given), Some(("Option", inner))) = (given, wrapped(&field.ty)) {
            // Optional fields the example sets are shown with their setters.
            let shown = value(api, items, inner, Some(given), crate_path, depth + 1);
            // The outer request's setters go one per line.
            let gap = if depth == 0 { "\n    " } else { "" };
            setters.push_str(&format!("{gap}.{ident}({shown})"));
        }
    }
    format!("{crate_path}::models::{type_name}::new({}){setters}", arguments.join(", "))
}

/// A one-of's constructor: the group the example gives, else the first.
fn choice(one_of: &crate::ir::OneOf, example: Option<&Value>, crate_path: &str) -> String {
    let given = |name: &str| example.and_then(|e| e.get(name)).is_some();
    let Some(variant) = one_of.choose(given).ok().or_else(|| one_of.variants.first()) else { return String::new() };
    let arguments: Vec<String> = variant
        .members
        .iter()
        .filter(|m| m.required)
        .map(|m| {
            let value = example.and_then(|e| e.get(&m.json_name));
            if m.id {
                let number = value.and_then(|e| e.as_i64().or_else(|| e.as_str().and_then(|s| s.parse().ok())));
                format!("::qiyuesuo::runtime::Id::new({})", number.unwrap_or(0))
            } else {
                format!("{:?}", value.and_then(Value::as_str).unwrap_or("…"))
            }
        })
        .collect();
    format!("{crate_path}::models::{}::{}({})", one_of.name, variant.function, arguments.join(", "))
}

/// An expression of type `ty`: the example's value if it fits, else a placeholder.
fn value(
    api: &Api,
    items: &Index<'_>,
    ty: &syn::Type,
    example: Option<&Value>,
    crate_path: &str,
    depth: usize,
) -> String {
    let syn::Type::Path(path) = ty else { return "Default::default()".to_owned() };
    let Some(last) = path.path.segments.last() else { return "Default::default()".to_owned() };
    let name = last.ident.to_string();
    match name.as_str() {
        "String" => format!("{:?}", example.and_then(Value::as_str).unwrap_or("…")),
        "bool" => example.and_then(Value::as_bool).unwrap_or(false).to_string(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
            example.and_then(Value::as_i64).unwrap_or(0).to_string()
        }
        "f32" | "f64" => format!("{:?}", example.and_then(Value::as_f64).unwrap_or(0.0)),
        "Vec" => "::std::vec::Vec::new()".to_owned(),
        "Id" => {
            let number = example.and_then(|e| e.as_i64().or_else(|| e.as_str().and_then(|s| s.parse().ok())));
            format!("::qiyuesuo::runtime::Id::new({})", number.unwrap_or(0))
        }
        "FilePart" => format!(
            "::qiyuesuo::runtime::FilePart::from_path({:?})",
            example.and_then(Value::as_str).unwrap_or("file.pdf")
        ),
        _ if depth < 8 && items.structs.contains_key(&name) => construct(api, items, &name, example, crate_path, depth),
        _ => match items.enums.get(&name) {
            Some(item) => {
                let wanted = example.and_then(Value::as_str);
                let variant = item
                    .variants
                    .iter()
                    .find(|v| wanted.is_some_and(|w| variant_wire(v) == w))
                    .or_else(|| item.variants.first())
                    .map(|v| v.ident.to_string())
                    .unwrap_or_default();
                format!("{crate_path}::models::{name}::{variant}")
            }
            None => format!("{crate_path}::models::{name}::default()"),
        },
    }
}
