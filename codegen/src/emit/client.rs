//! Emits `Client`, one async method per operation, and the `operations`
//! table that describes each operation to the runtime.

use heck::{ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs;
use crate::ir::{Api, Input, Method, Operation};

pub(crate) fn emit(api: &Api, models: &[syn::Item], crate_path: &str) -> TokenStream {
    let version = format!("Version `{}`.", api.version);
    let client_doc = docs::paragraphs([
        Some(api.title.as_str()),
        api.description.as_deref(),
        Some(&version),
        Some("Cheap to clone: clones share one connection pool and one configuration."),
    ]);
    let methods = api.operations.iter().map(|op| method(api, op, models, crate_path));
    let constants = api.operations.iter().map(operation_constant);
    let dispatch = api.operations.iter().map(dispatch_arm);
    // Named `_input` when no operation reads it, rather than silenced in the body.
    let input = if api.operations.iter().any(|op| op.input.type_name().is_some()) {
        quote! { input }
    } else {
        quote! { _input }
    };
    let all = api.operations.iter().map(constant_ident);
    quote! {
        #(#client_doc)*
        #[derive(Clone, Debug)]
        pub struct Client {
            core: ::qiyuesuo::runtime::Core,
        }

        impl Client {
            /// A client for `base_url` (a `Server` or any URL) with the default settings.
            ///
            /// The access secret is kept in a type that never prints it.
            pub fn new(
                base_url: impl ::std::convert::AsRef<str>,
                access_token: impl ::std::convert::Into<::std::string::String>,
                access_secret: impl ::std::convert::Into<::std::string::String>,
            ) -> ::std::result::Result<Self, ::qiyuesuo::runtime::Error> {
                Self::builder(base_url, access_token, access_secret).build()
            }

            /// A builder for a client with other settings (timeouts, signature mode, clock, nonces).
            pub fn builder(
                base_url: impl ::std::convert::AsRef<str>,
                access_token: impl ::std::convert::Into<::std::string::String>,
                access_secret: impl ::std::convert::Into<::std::string::String>,
            ) -> ::qiyuesuo::runtime::ClientBuilder<Self> {
                ::qiyuesuo::runtime::ClientBuilder::new(base_url.as_ref(), access_token, access_secret)
            }

            /// A handle whose calls use `options` (timeouts, retries); it shares
            /// this client's credentials, connections and retry budget.
            pub fn with_options(
                &self,
                options: ::qiyuesuo::runtime::CallOptions,
            ) -> ::std::result::Result<Self, ::qiyuesuo::runtime::Error> {
                self.core.with_options(options).map(|core| Client { core })
            }

            /// The runtime this client sends through.
            pub fn core(&self) -> &::qiyuesuo::runtime::Core {
                &self.core
            }
        }

        impl ::qiyuesuo::runtime::FromCore for Client {
            fn from_core(core: ::qiyuesuo::runtime::Core) -> Self {
                Client { core }
            }
        }

        impl Client {
            #(#methods)*

            /// Calls the operation named `operation_id` with `input` as its JSON
            /// request (`null` for an operation without one) and returns its
            /// `result` as JSON (`null` for an operation without one).
            ///
            /// The input goes through the same typed request, limits and
            /// signing as the typed methods; it serves tools that work from
            /// the schema, such as the `qys` command line.
            pub async fn call_json(
                &self,
                operation_id: &str,
                #input: ::serde_json::Value,
            ) -> ::std::result::Result<::serde_json::Value, ::qiyuesuo::runtime::Error> {
                match operation_id {
                    #(#dispatch)*
                    _ => ::std::result::Result::Err(::qiyuesuo::runtime::Error::unknown_operation(operation_id)),
                }
            }
        }

        /// What the runtime knows of each operation: its id, method, path and own response codes.
        pub mod operations {
            #(#constants)*

            /// Every operation, in schema order.
            pub const ALL: &[&::qiyuesuo::runtime::Operation] = &[#(&#all),*];
        }
    }
}

fn method(api: &Api, op: &Operation, models: &[syn::Item], crate_path: &str) -> TokenStream {
    let name = Ident::new(&op.id.to_snake_case(), Span::call_site());
    let constant = constant_ident(op);
    let sends = format!("Sends a `{}` request to `{}`.", op.method.as_str(), op.path);
    let codes = codes_doc(api, op);
    let retries = if op.idempotent {
        "Safe to repeat: retried after timeouts, 429, 502, 503, 504 and transient codes."
    } else {
        "Not safe to repeat: retried only when the request was never sent, or the API refused it unprocessed."
    };
    let source = format!("Generated from `#{}` (operation `{}`).", op.pointer, op.id);
    let example = format!("# Example\n\n{}", super::example::lines(api, op, models, crate_path).join("\n"));
    let doc = docs::paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&sends),
        Some(&codes),
        Some(retries),
        Some(&source),
        Some(&example),
    ]);
    let (parameter, input) = match &op.input {
        Input::None => (quote! {}, quote! { ::qiyuesuo::runtime::Input::<()>::None }),
        Input::JsonBody { type_name } => {
            let ty = Ident::new(type_name, Span::call_site());
            (quote! { , request: &super::models::#ty }, quote! { ::qiyuesuo::runtime::Input::Json(request) })
        }
        Input::Query { type_name } => {
            let ty = Ident::new(type_name, Span::call_site());
            (quote! { , request: &super::models::#ty }, quote! { ::qiyuesuo::runtime::Input::Query(request) })
        }
    };
    match &op.result {
        Some(result) => {
            let ty = Ident::new(result, Span::call_site());
            quote! {
                #(#doc)*
                pub async fn #name(&self #parameter) -> ::std::result::Result<super::models::#ty, ::qiyuesuo::runtime::Error> {
                    self.core.send(&operations::#constant, #input).await
                }
            }
        }
        None => quote! {
            #(#doc)*
            pub async fn #name(&self #parameter) -> ::std::result::Result<(), ::qiyuesuo::runtime::Error> {
                self.core.send_without_result(&operations::#constant, #input).await
            }
        },
    }
}

/// One arm of `call_json`: JSON → typed request → typed call → JSON.
fn dispatch_arm(op: &Operation) -> TokenStream {
    let id = &op.id;
    let name = Ident::new(&op.id.to_snake_case(), Span::call_site());
    let constant = constant_ident(op);
    let (read, call) = match op.input.type_name() {
        Some(type_name) => {
            let ty = Ident::new(type_name, Span::call_site());
            (
                quote! {
                    let request: super::models::#ty = ::qiyuesuo::runtime::json::from_value(&operations::#constant, input)?;
                },
                quote! { self.#name(&request).await? },
            )
        }
        None => (quote! {}, quote! { self.#name().await? }),
    };
    let answer = match op.result {
        Some(_) => quote! {
            let result = #call;
            ::qiyuesuo::runtime::json::to_value(&operations::#constant, &result)
        },
        None => quote! {
            #call;
            ::std::result::Result::Ok(::serde_json::Value::Null)
        },
    };
    quote! {
        #id => {
            #read
            #answer
        }
    }
}

/// A doc paragraph listing the codes this operation documents.
fn codes_doc(api: &Api, op: &Operation) -> String {
    let own: Vec<String> = op
        .codes
        .iter()
        .filter_map(|code| api.codes.iter().find(|c| c.code == *code))
        .map(|c| format!("`{}` {}", c.code, c.message))
        .collect();
    if own.is_empty() {
        "Answers with the global response codes only.".to_owned()
    } else {
        format!("Answers with the global response codes and its own: {}.", own.join(", "))
    }
}

fn operation_constant(op: &Operation) -> TokenStream {
    let ident = constant_ident(op);
    let id = &op.id;
    let path = &op.path;
    let method = match op.method {
        Method::Get => quote! { ::qiyuesuo::runtime::Method::Get },
        Method::Post => quote! { ::qiyuesuo::runtime::Method::Post },
    };
    let codes = op.codes.iter().map(|c| proc_macro2::Literal::i64_unsuffixed(*c));
    let idempotent = op.idempotent;
    let repeat = if op.idempotent { "safe to repeat" } else { "not safe to repeat once sent" };
    let doc = format!(" `{}`: `{} {}`, {repeat}.", op.id, op.method.as_str(), op.path);
    quote! {
        #[doc = #doc]
        pub const #ident: ::qiyuesuo::runtime::Operation = ::qiyuesuo::runtime::Operation {
            id: #id,
            method: #method,
            path: #path,
            codes: &[#(#codes),*],
            idempotent: #idempotent,
        };
    }
}

fn constant_ident(op: &Operation) -> Ident {
    Ident::new(&op.id.to_shouty_snake_case(), Span::call_site())
}
