//! Emits, for each object type: `new(required…)` and one setter per
//! optional field (so a test can fake an answer, too); and for each type
//! callers send, `Validate`, which checks the schema's limits before
//! anything is sent. Field types are read from typify's output, so the two
//! never disagree.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, Constraint, FieldInfo, StructInfo};
use crate::models::{Index, json_name};

/// How a generated field holds its value.
enum Holder<'a> {
    /// A required field: the value itself.
    Plain(&'a syn::Type),
    /// An optional field: `Option<T>`.
    Option(&'a syn::Type),
    /// An optional array: `Vec<T>`, empty when absent.
    Vec(&'a syn::Type),
}

struct Field<'a> {
    ident: &'a Ident,
    info: &'a FieldInfo,
    holder: Holder<'a>,
    docs: Vec<&'a syn::Attribute>,
}

pub(crate) fn emit(api: &Api, index: &Index<'_>) -> TokenStream {
    let impls =
        api.structs.iter().filter_map(|info| index.structs.get(&info.name).map(|item| request_impl(info, item)));
    quote! { #(#impls)* }
}

fn request_impl(info: &StructInfo, item: &syn::ItemStruct) -> TokenStream {
    let fields = fields(info, item);
    let name = &item.ident;
    let required: Vec<&Field> = fields.iter().filter(|f| matches!(f.holder, Holder::Plain(_))).collect();
    let parameters = required.iter().map(|f| {
        let (ident, Holder::Plain(ty)) = (f.ident, &f.holder) else { return quote! {} };
        quote! { #ident: impl ::std::convert::Into<#ty> }
    });
    let initialisers = fields.iter().map(|f| {
        let ident = f.ident;
        match f.holder {
            Holder::Plain(_) => quote! { #ident: #ident.into() },
            Holder::Option(_) => quote! { #ident: ::std::option::Option::None },
            Holder::Vec(_) => quote! { #ident: ::std::vec::Vec::new() },
        }
    });
    let required_names: Vec<String> = required.iter().map(|f| format!("`{}`", f.info.json_name)).collect();
    let mut new_doc = if required_names.is_empty() {
        format!(" A `{name}` with every optional field unset.")
    } else {
        format!(
            " A `{name}` from its required fields ({}); set optional ones with the setters.",
            required_names.join(", ")
        )
    };
    if !info.request_side {
        // Answers are `#[non_exhaustive]`: this is how a test fakes one.
        new_doc.push_str(" The API builds answers; this is for faking one in a test.");
        let setters = fields.iter().filter_map(setter);
        return quote! {
            impl #name {
                #[doc = #new_doc]
                pub fn new(#(#parameters),*) -> Self {
                    #name { #(#initialisers),* }
                }

                #(#setters)*
            }
        };
    }
    let setters = fields.iter().filter_map(setter);
    let multipart = info.multipart.then(|| multipart_impl(name, &fields));
    let checks: Vec<TokenStream> = fields.iter().map(checks).filter(|c| !c.is_empty()).collect();
    // Unused parameters are named `_…` rather than silenced in the body.
    let (path, problems) = if checks.is_empty() {
        (quote! { _path }, quote! { _problems })
    } else {
        (quote! { path }, quote! { problems })
    };
    quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#parameters),*) -> Self {
                #name { #(#initialisers),* }
            }

            #(#setters)*
        }

        impl ::qiyuesuo::runtime::Validate for #name {
            fn validate_into(&self, #path: &::qiyuesuo::runtime::FieldPath<'_>, #problems: &mut ::std::vec::Vec<::std::string::String>) {
                #(#checks)*
            }
        }

        #multipart
    }
}

/// `Multipart` for a `multipart/form-data` body: its parts in schema order.
fn multipart_impl(name: &Ident, fields: &[Field]) -> TokenStream {
    let parts = fields.iter().map(|f| {
        let ident = f.ident;
        let wire = &f.info.json_name;
        match (&f.holder, f.info.upload) {
            (Holder::Vec(_), true) => quote! {
                for file in &self.#ident {
                    parts.file(#wire, ::std::option::Option::Some(file));
                }
            },
            (Holder::Plain(_), true) if f.info.is_array => quote! {
                for file in &self.#ident {
                    parts.file(#wire, ::std::option::Option::Some(file));
                }
            },
            (Holder::Plain(_), true) => quote! { parts.file(#wire, ::std::option::Option::Some(&self.#ident)); },
            (Holder::Option(_), true) => quote! { parts.file(#wire, self.#ident.as_ref()); },
            _ if f.info.flatten => quote! { ::qiyuesuo::__private::Multipart::write_parts(&self.#ident, parts); },
            (Holder::Vec(_), _) => quote! {
                if !self.#ident.is_empty() {
                    parts.field(#wire, &self.#ident);
                }
            },
            _ => quote! { parts.field(#wire, &self.#ident); },
        }
    });
    quote! {
        impl ::qiyuesuo::__private::Multipart for #name {
            fn write_parts(&self, parts: &mut ::qiyuesuo::__private::Parts) {
                #(#parts)*
            }
        }
    }
}

fn fields<'a>(info: &'a StructInfo, item: &'a syn::ItemStruct) -> Vec<Field<'a>> {
    let syn::Fields::Named(named) = &item.fields else { return Vec::new() };
    named
        .named
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            let wire = json_name(field)?;
            let info = info.fields.iter().find(|f| f.json_name == wire)?;
            let holder = match (info.required, wrapped(&field.ty)) {
                (false, Some(("Option", inner))) => Holder::Option(inner),
                (false, Some(("Vec", inner))) => Holder::Vec(inner),
                _ => Holder::Plain(&field.ty),
            };
            let docs = field.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
            Some(Field { ident, info, holder, docs })
        })
        .collect()
}

/// `Some(("Option", T))` for `…::Option<T>`, likewise for `Vec`.
pub(crate) fn wrapped(ty: &syn::Type) -> Option<(&'static str, &syn::Type)> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let kind = ["Option", "Vec"].into_iter().find(|k| last.ident == k)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some((kind, inner)),
        _ => None,
    }
}

fn setter(field: &Field) -> Option<TokenStream> {
    let ident = field.ident;
    let docs = &field.docs;
    let set = format!(" Sets `{}`.", field.info.json_name);
    match field.holder {
        Holder::Plain(_) => None,
        Holder::Option(ty) => Some(quote! {
            #[doc = #set]
            #[doc = ""]
            #(#docs)*
            pub fn #ident(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                self.#ident = ::std::option::Option::Some(value.into());
                self
            }
        }),
        Holder::Vec(ty) => Some(quote! {
            #[doc = #set]
            #[doc = ""]
            #(#docs)*
            pub fn #ident(mut self, value: impl ::std::iter::IntoIterator<Item = #ty>) -> Self {
                self.#ident = value.into_iter().collect();
                self
            }
        }),
    }
}

/// The checks for one field, each reporting the field's path on the wire.
fn checks(field: &Field) -> TokenStream {
    let ident = field.ident;
    let wire = &field.info.json_name;
    let on_value = value_checks(&field.info.constraints, quote! { value }, quote! { &field });
    let item_checks = value_checks(&field.info.item_constraints, quote! { item }, quote! { &item_path });
    let item_nested = field.info.nested.as_ref().map(|_| {
        quote! { ::qiyuesuo::runtime::Validate::validate_into(item, &item_path, problems); }
    });
    let on_items = (!item_checks.is_empty() || item_nested.is_some()).then(|| {
        quote! {
            for (index, item) in value.iter().enumerate() {
                let item_path = field.index(index);
                #item_checks
                #item_nested
            }
        }
    });
    let nested = field.info.nested.as_ref().map(|_| {
        quote! { ::qiyuesuo::runtime::Validate::validate_into(value, &field, problems); }
    });
    let body = if field.info.is_array {
        quote! { #on_value #on_items }
    } else {
        quote! { #on_value #nested }
    };
    if body.is_empty() {
        return TokenStream::new();
    }
    if field.info.flatten {
        // A flattened one-of checks its members under the request's own path.
        return quote! { ::qiyuesuo::runtime::Validate::validate_into(&self.#ident, path, problems); };
    }
    let checked = match field.holder {
        Holder::Option(_) => quote! { if let ::std::option::Option::Some(value) = &self.#ident { #body } },
        Holder::Plain(_) | Holder::Vec(_) => quote! { let value = &self.#ident; #body },
    };
    quote! {
        {
            let field = path.field(#wire);
            #checked
        }
    }
}

pub(crate) fn value_checks(constraints: &[Constraint], value: TokenStream, field: TokenStream) -> TokenStream {
    let checks = constraints.iter().map(|constraint| {
        let (check, bound, measured) = match constraint {
            Constraint::MinLength(n) => ("min_length", Literal::u64_unsuffixed(*n), quote! { #value }),
            Constraint::MaxLength(n) => ("max_length", Literal::u64_unsuffixed(*n), quote! { #value }),
            Constraint::Minimum(n) => ("minimum", Literal::f64_unsuffixed(*n), quote! { *#value }),
            Constraint::Maximum(n) => ("maximum", Literal::f64_unsuffixed(*n), quote! { *#value }),
            Constraint::MinItems(n) => ("min_items", Literal::u64_unsuffixed(*n), quote! { #value.len() }),
            Constraint::MaxItems(n) => ("max_items", Literal::u64_unsuffixed(*n), quote! { #value.len() }),
        };
        let check = Ident::new(check, Span::call_site());
        quote! { ::qiyuesuo::__private::validate::#check(problems, #field, #measured, #bound); }
    });
    quote! { #(#checks)* }
}
