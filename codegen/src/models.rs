//! Stage 1: model types. The IR's named schemas are rewritten into the JSON
//! Schemas typify should see, typify turns them into Rust types, and a pass
//! over its syntax tree makes them ours: fields back in schema order (typify
//! sorts them by name), `#[non_exhaustive]` on every struct so new schema
//! fields are not breaking changes, and comma sets replaced by the runtime's
//! `CommaSet`. Open enums are not typify's: `emit::open_enums` writes them.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::{Map, Value, json};
use typify::{TypeSpace, TypeSpaceSettings};

use crate::Errors;
use crate::ir::{Api, StructInfo};

/// Runs typify and returns the model items, in typify's (name) order.
pub(crate) fn generate(api: &Api) -> Result<Vec<syn::Item>, Errors> {
    let type_schemas = typify_input(api);
    let mut settings = TypeSpaceSettings::default();
    settings.with_derive("PartialEq".to_owned());
    for set in &api.comma_sets {
        settings.with_replacement(&set.name, &set.name, std::iter::empty());
    }
    // Open enums are emitted by `emit::open_enums`; typify would make them closed.
    for open in &api.open_enums {
        settings.with_replacement(&open.name, &open.name, std::iter::empty());
    }
    // So are one-ofs, by `emit::one_ofs`.
    for one_of in &api.one_ofs {
        settings.with_replacement(&one_of.name, &one_of.name, std::iter::empty());
    }
    for runtime_type in qiyuesuo_schema::RESERVED_NAMES {
        settings.with_replacement(runtime_type, format!("::qiyuesuo::runtime::{runtime_type}"), std::iter::empty());
    }
    let mut schemas = Vec::with_capacity(type_schemas.len());
    for (name, schema) in type_schemas {
        let schema: schemars::schema::Schema = serde_json::from_value(schema)
            .map_err(|e| Errors::one(format!("/components/schemas/{name}"), format!("not a JSON Schema: {e}")))?;
        schemas.push((name, schema));
    }
    // typify panics on some inputs; stage 1 rejects every case we know of, and
    // this turns any we do not know into an error rather than a crash.
    let tokens = catch_unwind(AssertUnwindSafe(|| {
        let mut space = TypeSpace::new(&settings);
        space.add_ref_types(schemas).map(|()| space.to_stream())
    }))
    .map_err(|_| Errors::one("/components/schemas", "typify could not convert these schemas (it panicked)"))?
    .map_err(|e| Errors::one("/components/schemas", format!("typify could not convert these schemas: {e}")))?;
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Errors::one("/components/schemas", format!("typify produced unparsable code: {e}")))?;

    let structs: BTreeMap<&str, &StructInfo> = api.structs.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut items = file.items;
    for item in &mut items {
        if let syn::Item::Struct(item) = item
            && let Some(info) = structs.get(item.ident.to_string().as_str())
        {
            reorder_fields(item, info);
            flatten_one_ofs(item, info);
            document_ref_fields(item, info);
            null_as_absent(item);
            item.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
    for renames in &api.enum_renames {
        rename_variants(&mut items, renames)?;
    }
    for item in &mut items {
        if let syn::Item::Enum(item) = item {
            document_variants(item);
        }
    }
    for set in &api.comma_sets {
        items.push(comma_set_alias(set));
    }
    Ok(items)
}

/// What typify is given: every named schema rewritten by [`for_typify`],
/// plus a stand-in for each runtime type a schema refers to (typify needs a
/// definition to replace).
fn typify_input(api: &Api) -> Vec<(String, Value)> {
    let mut schemas: Vec<(String, Value)> = api
        .schemas
        .iter()
        .map(|named| {
            let component = (!named.from_query).then_some(named.pointer.as_str());
            let mut schema = for_typify(&named.schema, component);
            if let Some(info) = api.struct_info(&named.name) {
                hold_one_ofs(api, info, &mut schema);
            }
            (named.name.clone(), schema)
        })
        .collect();
    // A stand-in for each one-of, which `emit::one_ofs` writes.
    for one_of in &api.one_ofs {
        schemas.push((one_of.name.clone(), json!({"type": "string"})));
    }
    for runtime_type in qiyuesuo_schema::RESERVED_NAMES {
        let reference = Value::String(format!("#/components/schemas/{runtime_type}"));
        if schemas.iter().any(|(_, schema)| mentions(schema, &reference)) {
            schemas.push(((*runtime_type).to_owned(), json!({"type": "string"})));
        }
    }
    schemas
}

/// A request type's one-of members give way to the one property that
/// holds the choice (required: the enum says which).
fn hold_one_ofs(api: &Api, info: &StructInfo, schema: &mut Value) {
    for one_of in info.one_ofs.iter().filter_map(|name| api.one_of(name)) {
        if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for member in one_of.members() {
                properties.remove(&member.json_name);
            }
            properties.insert(one_of.field.clone(), json!({ "$ref": format!("#/components/schemas/{}", one_of.name) }));
        }
        if let Some(map) = schema.as_object_mut() {
            let required = map.entry("required").or_insert_with(|| json!([]));
            if let Some(list) = required.as_array_mut() {
                list.push(Value::String(one_of.field.clone()));
            }
        }
    }
}

/// The field holding a one-of is flattened: its members go beside the others.
fn flatten_one_ofs(item: &mut syn::ItemStruct, info: &StructInfo) {
    let syn::Fields::Named(fields) = &mut item.fields else { return };
    for field in &mut fields.named {
        let wire = json_name(field);
        if info.fields.iter().any(|f| f.flatten && Some(&f.json_name) == wire.as_ref()) {
            field.attrs.retain(|a| !a.path().is_ident("serde"));
            field.attrs.push(syn::parse_quote!(#[serde(flatten)]));
        }
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

/// Rewrites an OpenAPI schema into the JSON Schema typify should see:
///
/// - `default`s are server-side: they go into the docs, and the field stays
///   optional, so an unset field is not sent (typify would make it a plain
///   value and always send it);
/// - length, range and item-count limits are checked by the generated
///   `validate`, so they are removed here (typify would make each a newtype);
/// - `nullable` becomes a `null` type; `example` and `x-` fields are dropped;
/// - the runtime's types (`Id`, `FilePart`) are referred to by name;
/// - a component's description says where it was generated from.
fn for_typify(schema: &Value, component: Option<&str>) -> Value {
    let Some(map) = schema.as_object() else { return schema.clone() };
    if let Some(reference) = map.get("$ref") {
        return json!({ "$ref": reference });
    }
    if let Some(runtime) = qiyuesuo_schema::runtime_type(schema) {
        return json!({ "$ref": format!("#/components/schemas/{runtime}") });
    }
    let mut out = Map::new();
    let mut description = map.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
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

/// What the model items say about each named type, for the emitters that
/// read field types and enum variants from typify's output; built once.
pub(crate) struct Index<'a> {
    pub structs: BTreeMap<String, &'a syn::ItemStruct>,
    pub enums: BTreeMap<String, &'a syn::ItemEnum>,
}

impl<'a> Index<'a> {
    pub(crate) fn new(models: &'a [syn::Item]) -> Self {
        let mut index = Index { structs: BTreeMap::new(), enums: BTreeMap::new() };
        for item in models {
            match item {
                syn::Item::Struct(s) => {
                    index.structs.insert(s.ident.to_string(), s);
                }
                syn::Item::Enum(e) => {
                    index.enums.insert(e.ident.to_string(), e);
                }
                _ => {}
            }
        }
        index
    }
}

/// Puts a struct's fields back in the schema's property order.
fn reorder_fields(item: &mut syn::ItemStruct, info: &StructInfo) {
    let syn::Fields::Named(fields) = &mut item.fields else { return };
    let position =
        |field: &syn::Field| info.fields.iter().position(|f| Some(f.json_name.as_str()) == json_name(field).as_deref());
    let mut sorted: Vec<syn::Field> = fields.named.iter().cloned().collect();
    // Cached: reading a field's wire name parses its attributes.
    sorted.sort_by_cached_key(|field| position(field).unwrap_or(usize::MAX));
    fields.named = sorted.into_iter().collect();
}

/// A field with an empty default (a list) reads an explicit `null` as absent,
/// as an `Option` field does: the vendor's Java SDK writes `null` for every
/// unset field.
fn null_as_absent(item: &mut syn::ItemStruct) {
    let syn::Fields::Named(fields) = &mut item.fields else { return };
    for field in &mut fields.named {
        let optional = matches!(&field.ty, syn::Type::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
        if !optional && has_serde_flag(&field.attrs, "default") {
            field.attrs.push(syn::parse_quote!(
                #[serde(deserialize_with = "::qiyuesuo::runtime::__private::null_as_default")]
            ));
        }
    }
}

/// Whether `#[serde(…)]` attributes hold the bare flag `name`.
fn has_serde_flag(attrs: &[syn::Attribute], name: &str) -> bool {
    let mut found = false;
    serde_entries(attrs, |path, value| found |= value.is_none() && path.is_ident(name));
    found
}

/// Gives a field whose schema is a bare `$ref` its target's description.
fn document_ref_fields(item: &mut syn::ItemStruct, info: &StructInfo) {
    let syn::Fields::Named(fields) = &mut item.fields else { return };
    for field in &mut fields.named {
        if field.attrs.iter().any(|a| a.path().is_ident("doc")) {
            continue;
        }
        let wire = json_name(field);
        let described = info.fields.iter().find(|f| Some(&f.json_name) == wire.as_ref());
        if let Some(text) = described.and_then(|f| f.ref_description.as_deref()) {
            field.attrs.insert(0, syn::parse_quote!(#[doc = #text]));
        }
    }
}

/// Gives a closed enum's variants the names its schema chose
/// (`x-qys-variant-names`): in the enum, where the wire value stays its
/// `serde(rename)`, and in typify's impls of it, which say `Self::Variant`.
fn rename_variants(items: &mut [syn::Item], renames: &qiyuesuo_schema::ir::EnumRenames) -> Result<(), Errors> {
    let mut idents: Vec<(String, String)> = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Enum(item) = item else { continue };
        if item.ident != renames.name {
            continue;
        }
        for variant in &mut item.variants {
            let wire = variant_wire(variant);
            let Some((_, new)) = renames.renames.iter().find(|(w, _)| *w == wire) else { continue };
            if serde_rename(&variant.attrs).is_none() {
                variant.attrs.push(syn::parse_quote!(#[serde(rename = #wire)]));
            }
            idents.push((variant.ident.to_string(), new.clone()));
            variant.ident = syn::Ident::new(new, variant.ident.span());
        }
    }
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else { continue };
        let own = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident(&renames.name));
        if !own {
            continue;
        }
        let tokens = renamed(quote::ToTokens::to_token_stream(block), &idents);
        *block = syn::parse2(tokens).map_err(|e| {
            Errors::one(format!("/components/schemas/{}", renames.name), format!("renaming its variants failed: {e}"))
        })?;
    }
    Ok(())
}

/// `Self::Old` → `Self::New` throughout the tokens.
fn renamed(tokens: proc_macro2::TokenStream, idents: &[(String, String)]) -> proc_macro2::TokenStream {
    use proc_macro2::TokenTree;
    let mut out: Vec<TokenTree> = Vec::new();
    for token in tokens {
        let token = match token {
            TokenTree::Group(group) => {
                let mut new = proc_macro2::Group::new(group.delimiter(), renamed(group.stream(), idents));
                new.set_span(group.span());
                TokenTree::Group(new)
            }
            TokenTree::Ident(ident) => {
                let after_self = matches!(
                    out.as_slice(),
                    [.., TokenTree::Ident(s), TokenTree::Punct(a), TokenTree::Punct(b)]
                        if s == "Self" && a.as_char() == ':' && b.as_char() == ':'
                );
                match idents.iter().find(|(old, _)| ident == old.as_str()) {
                    Some((_, new)) if after_self => TokenTree::Ident(proc_macro2::Ident::new(new, ident.span())),
                    _ => TokenTree::Ident(ident),
                }
            }
            other => other,
        };
        out.push(token);
    }
    out.into_iter().collect()
}

/// typify leaves enum variants undocumented; each gets its wire value.
fn document_variants(item: &mut syn::ItemEnum) {
    for variant in &mut item.variants {
        if variant.attrs.iter().any(|a| a.path().is_ident("doc")) {
            continue;
        }
        let text = format!(" `{}` on the wire.", variant_wire(variant));
        variant.attrs.insert(0, syn::parse_quote!(#[doc = #text]));
    }
}

/// The name a field has on the wire: its `#[serde(rename = "…")]`, else its identifier.
pub(crate) fn json_name(field: &syn::Field) -> Option<String> {
    serde_rename(&field.attrs)
        .or_else(|| field.ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_owned()))
}

/// The value a variant has on the wire: its `#[serde(rename = "…")]`, else its identifier.
pub(crate) fn variant_wire(variant: &syn::Variant) -> String {
    serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string())
}

/// The `rename` of `#[serde(…)]` attributes, skipping their other entries.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut renamed = None;
    serde_entries(attrs, |path, value| {
        if let (true, Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }))) =
            (path.is_ident("rename"), value)
        {
            renamed = Some(text.value());
        }
    });
    renamed
}

/// Each entry of `#[serde(…)]` attributes: its path, and its value when it
/// has one (`rename = "…"`), or `None` for a bare flag (`default`).
fn serde_entries(attrs: &[syn::Attribute], mut each: impl FnMut(&syn::Path, Option<&syn::Expr>)) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let value: Option<syn::Expr> =
                if meta.input.peek(syn::Token![=]) { Some(meta.value()?.parse()?) } else { None };
            each(&meta.path, value.as_ref());
            Ok(())
        });
    }
}

fn comma_set_alias(set: &crate::ir::CommaSet) -> syn::Item {
    let name = syn::Ident::new(&set.name, proc_macro2::Span::call_site());
    let item = syn::Ident::new(&set.item, proc_macro2::Span::call_site());
    let mut docs = crate::docs::lines(set.description.as_deref());
    docs.extend(crate::docs::lines(Some(&format!(
        "On the wire: the values joined with commas. Generated from `#{}`.",
        set.pointer
    ))));
    syn::parse_quote! {
        #(#docs)*
        pub type #name = ::qiyuesuo::runtime::CommaSet<#item>;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_name_reads_rename_then_ident() {
        let renamed: syn::Field = syn::parse_quote! { #[serde(rename = "companyName")] pub company_name: String };
        let plain: syn::Field = syn::parse_quote! { #[serde(default, skip_serializing_if = "x")] pub ticket: String };
        let raw: syn::Field = syn::parse_quote! { pub r#type: String };
        assert_eq!(super::json_name(&renamed).as_deref(), Some("companyName"));
        assert_eq!(super::json_name(&plain).as_deref(), Some("ticket"));
        assert_eq!(super::json_name(&raw).as_deref(), Some("type"));
    }
}
