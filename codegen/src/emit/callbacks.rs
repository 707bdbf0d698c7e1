//! Emits, for each callback payload type: the runtime's `Callback` trait
//! (its name and each field's kind) and `from_form`, which turns the raw
//! form-encoded body an integrator's handler receives into the typed payload.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, Callback, ValueKind};

pub(crate) fn emit(api: &Api) -> TokenStream {
    let impls = api.callbacks.iter().map(callback_impl);
    quote! { #(#impls)* }
}

fn callback_impl(callback: &Callback) -> TokenStream {
    let ty = Ident::new(&callback.type_name, Span::call_site());
    let name = &callback.name;
    let fields = callback.fields.iter().map(|(field, kind)| {
        let kind = Ident::new(
            match kind {
                // A callback carries no files; a file's name would be text.
                ValueKind::Text | ValueKind::File => "Text",
                ValueKind::Integer => "Integer",
                ValueKind::Number => "Number",
                ValueKind::Boolean => "Boolean",
                ValueKind::JsonText => "Json",
            },
            Span::call_site(),
        );
        quote! { (#field, ::qiyuesuo::runtime::FormKind::#kind) }
    });
    let operations: Vec<String> = callback.operations.iter().map(|op| format!("`{op}`")).collect();
    let doc = format!(
        " Parses the form-encoded body of the `{name}` callback, which the API POSTs to the \
         `callbackUrl` given to {}.",
        operations.join(", ")
    );
    let source = format!(" Generated from `#{}` (URL from `{}`).", callback.pointer, callback.expression);
    quote! {
        impl ::qiyuesuo::runtime::Callback for #ty {
            const NAME: &'static str = #name;
            const FIELDS: &'static [(&'static str, ::qiyuesuo::runtime::FormKind)] = &[#(#fields),*];
        }

        impl #ty {
            #[doc = #doc]
            #[doc = ""]
            #[doc = " Answer the API with `qiyuesuo::runtime::ACK` once it is handled; a malformed body is an"]
            #[doc = " error that names the field."]
            #[doc = ""]
            #[doc = #source]
            pub fn from_form(body: &[u8]) -> ::std::result::Result<Self, ::qiyuesuo::runtime::CallbackError> {
                ::qiyuesuo::__private::parse_form(body)
            }
        }
    }
}
