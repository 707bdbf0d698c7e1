//! Emits each `x-qys-one-of` as an enum: one variant per group of
//! properties, so a request that names neither or both cannot be built. On
//! the wire its members sit beside the request's other fields (the request
//! holds it with `#[serde(flatten)]`); reading one back refuses neither and
//! both with a message that names the properties.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{OneOf, OneOfMember, OneOfVariant};
use crate::{Errors, docs};

/// The enum and its impls, as model items.
pub(crate) fn items(one_of: &OneOf) -> Result<Vec<syn::Item>, Errors> {
    let file: syn::File = syn::parse2(emit(one_of))
        .map_err(|e| Errors::one(&one_of.pointer, format!("the one-of's generated code does not parse: {e}")))?;
    Ok(file.items)
}

/// A field or function name of the IR (`type` and other keywords raw).
fn ident(snake: &str) -> Ident {
    match syn::parse_str::<Ident>(snake) {
        Ok(_) => Ident::new(snake, Span::call_site()),
        Err(_) => Ident::new_raw(snake, Span::call_site()),
    }
}

fn member_type(member: &OneOfMember) -> TokenStream {
    let base = if member.id {
        quote! { ::qiyuesuo::runtime::Id }
    } else {
        quote! { ::std::string::String }
    };
    if member.required {
        base
    } else {
        quote! { ::std::option::Option<#base> }
    }
}

fn emit(one_of: &OneOf) -> TokenStream {
    let name = Ident::new(&one_of.name, Span::call_site());
    let wire_form = format!(
        "On the wire: its properties beside the request's other fields; {}. Generated from `#{}`.",
        one_of.expectation(),
        one_of.pointer
    );
    let doc = docs::paragraphs([one_of.description.as_deref(), Some(wire_form.as_str())]);
    let variants = one_of.variants.iter().map(|variant| {
        let v = Ident::new(&variant.name, Span::call_site());
        let text = format!(" By {}.", wires(variant));
        let fields = variant.members.iter().map(|m| {
            let f = ident(&m.field);
            let ty = member_type(m);
            let doc = docs::lines(m.description.as_deref());
            quote! { #(#doc)* #f: #ty }
        });
        quote! { #[doc = #text] #v { #(#fields),* } }
    });
    let constructors = one_of.variants.iter().map(|variant| constructor(&name, variant));
    let serialize_arms = one_of.variants.iter().map(|variant| {
        let v = Ident::new(&variant.name, Span::call_site());
        let bound = variant.members.iter().map(|m| ident(&m.field));
        let entries = variant.members.iter().map(|m| {
            let f = ident(&m.field);
            let wire = &m.json_name;
            if m.required {
                quote! { map.serialize_entry(#wire, #f)?; }
            } else {
                quote! { if let ::std::option::Option::Some(value) = #f { map.serialize_entry(#wire, value)?; } }
            }
        });
        quote! { #name::#v { #(#bound),* } => { #(#entries)* } }
    });
    let all: Vec<&OneOfMember> = one_of.members().collect();
    let wire_fields = all.iter().map(|m| {
        let f = ident(&m.field);
        let wire = &m.json_name;
        let base = if m.id {
            quote! { ::qiyuesuo::runtime::Id }
        } else {
            quote! { ::std::string::String }
        };
        quote! { #[serde(rename = #wire, default)] #f: ::std::option::Option<#base> }
    });
    let wire_idents = all.iter().map(|m| ident(&m.field));
    let deserialize_arms = one_of.variants.iter().map(|variant| {
        let v = Ident::new(&variant.name, Span::call_site());
        let patterns = all.iter().map(|m| {
            let f = ident(&m.field);
            match variant.members.iter().find(|own| own.json_name == m.json_name) {
                Some(own) if own.required => quote! { ::std::option::Option::Some(#f) },
                Some(_) => quote! { #f },
                None => quote! { ::std::option::Option::None },
            }
        });
        let bound = variant.members.iter().map(|m| ident(&m.field));
        quote! { (#(#patterns),*) => ::std::result::Result::Ok(#name::#v { #(#bound),* }), }
    });
    let expectation = format!("give {}", one_of.expectation());
    let validate_arms = one_of.variants.iter().map(|variant| {
        let v = Ident::new(&variant.name, Span::call_site());
        let checked: Vec<&OneOfMember> = variant.members.iter().filter(|m| !m.constraints.is_empty()).collect();
        let bound = checked.iter().map(|m| ident(&m.field));
        let checks = checked.iter().map(|m| {
            let f = ident(&m.field);
            let wire = &m.json_name;
            let each = super::requests::value_checks(&m.constraints, quote! { value }, quote! { &field });
            let value = if m.required {
                quote! { let value = #f; #each }
            } else {
                quote! { if let ::std::option::Option::Some(value) = #f { #each } }
            };
            quote! { { let field = path.field(#wire); #value } }
        });
        quote! { #name::#v { #(#bound,)* .. } => { #(#checks)* } }
    });
    // Unused parameters are named `_…` rather than silenced in the body.
    let (path, problems) = if all.iter().any(|m| !m.constraints.is_empty()) {
        (quote! { path }, quote! { problems })
    } else {
        (quote! { _path }, quote! { _problems })
    };
    let parts_arms = one_of.variants.iter().map(|variant| {
        let v = Ident::new(&variant.name, Span::call_site());
        let bound = variant.members.iter().map(|m| ident(&m.field));
        let parts = variant.members.iter().map(|m| {
            let f = ident(&m.field);
            let wire = &m.json_name;
            quote! { parts.field(#wire, #f); }
        });
        quote! { #name::#v { #(#bound),* } => { #(#parts)* } }
    });
    quote! {
        #(#doc)*
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants),*
        }

        impl #name {
            #(#constructors)*
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                match self {
                    #(#serialize_arms)*
                }
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #[derive(::serde::Deserialize)]
                struct Wire {
                    #(#wire_fields),*
                }
                let wire = <Wire as ::serde::Deserialize>::deserialize(deserializer)?;
                match (#(wire.#wire_idents),*) {
                    #(#deserialize_arms)*
                    _ => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(#expectation)),
                }
            }
        }

        impl ::qiyuesuo::runtime::Validate for #name {
            fn validate_into(&self, #path: &::qiyuesuo::runtime::FieldPath<'_>, #problems: &mut ::std::vec::Vec<::std::string::String>) {
                match self {
                    #(#validate_arms)*
                }
            }
        }

        impl ::qiyuesuo::__private::Multipart for #name {
            fn write_parts(&self, parts: &mut ::qiyuesuo::__private::Parts) {
                match self {
                    #(#parts_arms)*
                }
            }
        }
    }
}

/// "`bizId` (optionally with `tenantName`)".
fn wires(variant: &OneOfVariant) -> String {
    variant.describe(|wire| format!("`{wire}`"))
}

/// `ContractRef::biz_id(biz_id)`: the variant from its required members,
/// its optional ones unset.
fn constructor(name: &Ident, variant: &OneOfVariant) -> TokenStream {
    let v = Ident::new(&variant.name, Span::call_site());
    let function = ident(&variant.function);
    let parameters = variant.members.iter().filter(|m| m.required).map(|m| {
        let f = ident(&m.field);
        let ty = member_type(m);
        quote! { #f: impl ::std::convert::Into<#ty> }
    });
    let initialisers = variant.members.iter().map(|m| {
        let f = ident(&m.field);
        if m.required {
            quote! { #f: #f.into() }
        } else {
            quote! { #f: ::std::option::Option::None }
        }
    });
    let optional: Vec<String> =
        variant.members.iter().filter(|m| !m.required).map(|m| format!("`{}`", m.json_name)).collect();
    let text = if optional.is_empty() {
        format!(" `{name}::{v}`, by {}.", wires(variant))
    } else {
        format!(
            " `{name}::{v}`, by {}, with {} unset (build the variant directly to set {}).",
            wires(variant),
            optional.join(", "),
            if optional.len() == 1 { "it" } else { "them" }
        )
    };
    quote! {
        #[doc = #text]
        pub fn #function(#(#parameters),*) -> Self {
            #name::#v { #(#initialisers),* }
        }
    }
}
