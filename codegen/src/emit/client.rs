//! Emits `Client`, one async method per operation, and the `operations`
//! table that describes each operation to the runtime.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs;
use crate::ir::{Api, Input, Method, Operation, ResultType, Signer};
use crate::models::Index;

pub(crate) fn emit(api: &Api, items: &Index<'_>, crate_path: &str) -> TokenStream {
    let version = format!("Version `{}`.", api.version);
    let client_doc = docs::paragraphs([
        Some(api.title.as_str()),
        api.description.as_deref(),
        Some(&version),
        Some("Cheap to clone: clones share one connection pool and one configuration."),
    ]);
    let by_domain = super::impl_by_domain(api, &quote! { Client }, |op| {
        let method = method(api, op, items, crate_path);
        let walk = super::pages::async_method(api, op, items, crate_path);
        quote! { #method #walk }
    });
    let constants = api.operations.iter().map(operation_constant);
    let dispatch = api.operations.iter().map(|op| dispatch_arm(op, false));
    let downloads = api.operations.iter().map(|op| dispatch_arm(op, true));
    // Named `_input` when no operation reads it, rather than silenced in the body.
    let reads_input = |file: bool| {
        let reads = api.operations.iter().any(|op| op.download.is_some() == file && op.input.type_name().is_some());
        if reads {
            quote! { input }
        } else {
            quote! { _input }
        }
    };
    let (input, download_input) = (reads_input(false), reads_input(true));
    let all = api.operations.iter().map(constant_ident);
    let send_check = send_check(api);
    quote! {
        #(#client_doc)*
        #[derive(Clone, Debug)]
        pub struct Client {
            // The blocking client's page walks read the limits from it.
            pub(crate) core: ::qiyuesuo::__private::Core,
        }

        impl Client {
            /// A client for `base_url` (a `Server` or any URL) with the default settings.
            ///
            /// The access secret is kept in a type that never prints it.
            pub fn new(
                base_url: impl ::std::convert::AsRef<str>,
                access_token: impl ::std::convert::Into<::std::string::String>,
                access_secret: impl ::std::convert::Into<::std::string::String>,
            ) -> ::std::result::Result<Self, super::Error> {
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

            /// A builder for an agent's client (SaaS mode, 代理商): it calls the
            /// agent operations with the agent's pair; add a company's pair
            /// (`.credentials(…)`) to act for that company in every operation.
            pub fn agent_builder(
                base_url: impl ::std::convert::AsRef<str>,
                agent_token: impl ::std::convert::Into<::std::string::String>,
                agent_secret: impl ::std::convert::Into<::std::string::String>,
            ) -> ::qiyuesuo::runtime::ClientBuilder<Self> {
                ::qiyuesuo::runtime::ClientBuilder::new_agent(base_url.as_ref(), agent_token, agent_secret)
            }

            /// A handle whose calls use `options` (timeouts, retries); it shares
            /// this client's credentials, connections and retry budget.
            pub fn with_options(
                &self,
                options: ::qiyuesuo::runtime::CallOptions,
            ) -> ::std::result::Result<Self, super::Error> {
                self.core.with_options(options).map(|core| Client { core })
            }
        }

        impl ::qiyuesuo::__private::FromCore for Client {
            type Codes = super::ResponseCode;

            fn from_core(core: ::qiyuesuo::__private::Core) -> Self {
                Client { core }
            }
        }

        #by_domain

        /// Calls by operation id, with JSON in and out (feature `call-json`).
        #[cfg(feature = "call-json")]
        impl Client {
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
            ) -> ::std::result::Result<::serde_json::Value, super::Error> {
                match operation_id {
                    #(#dispatch)*
                    _ => ::std::result::Result::Err(::qiyuesuo::__private::unknown_operation(operation_id)),
                }
            }

            /// [`Client::call_json`] for the operations that answer a file:
            /// returns the file as it starts to arrive.
            pub async fn download_json(
                &self,
                operation_id: &str,
                #download_input: ::serde_json::Value,
            ) -> ::std::result::Result<::qiyuesuo::runtime::Download<super::ResponseCode>, super::Error> {
                match operation_id {
                    #(#downloads)*
                    _ => ::std::result::Result::Err(::qiyuesuo::__private::unknown_operation(operation_id)),
                }
            }
        }

        #send_check

        /// What the runtime knows of each operation: its id, method, path and own response codes.
        pub mod operations {
            #(#constants)*

            /// Every operation, in schema order.
            pub const ALL: &[&::qiyuesuo::__private::Operation] = &[#(&#all),*];
        }
    }
}

fn method(api: &Api, op: &Operation, items: &Index<'_>, crate_path: &str) -> TokenStream {
    let name = super::method_ident(op);
    let constant = constant_ident(op);
    let sends = format!("Sends a `{}` request to `{}`.", op.method.as_str(), op.path);
    let codes = codes_doc(api, op);
    let retries = if op.idempotent {
        "Safe to repeat: retried after timeouts, 429, 502, 503, 504 and transient codes."
    } else {
        "Not safe to repeat: retried only when the request was never sent, or the API refused it unprocessed."
    };
    let source = format!("Generated from `#{}` (operation `{}`).", op.pointer, op.id);
    let example = super::example::section(api, op, items, crate_path, super::example::Flavour::Async);
    let file = op.download.as_ref().map(|media| {
        format!(
            "Answers a file (`{media}`), streamed as a `qiyuesuo::runtime::Download`; an error envelope in its \
             place is an `Error::Api`."
        )
    });
    let facts = op.source.as_ref().map(facts_doc);
    let doc = docs::paragraphs([
        op.summary.as_deref(),
        op.description.as_deref(),
        super::signer_doc(op),
        Some(&sends),
        file.as_deref(),
        Some(&codes),
        Some(retries),
        facts.as_deref(),
        Some(&source),
        Some(&example),
    ]);
    let (parameter, input) = match &op.input {
        Input::None => (quote! {}, quote! { ::qiyuesuo::__private::Input::<()>::None }),
        Input::JsonBody { type_name } => {
            let ty = Ident::new(type_name, Span::call_site());
            (quote! { , request: &super::models::#ty }, quote! { ::qiyuesuo::__private::Input::Json(request) })
        }
        Input::Query { type_name } => {
            let ty = Ident::new(type_name, Span::call_site());
            (quote! { , request: &super::models::#ty }, quote! { ::qiyuesuo::__private::Input::Query(request) })
        }
        Input::Multipart { type_name } => {
            let ty = Ident::new(type_name, Span::call_site());
            (
                quote! { , request: &super::models::#ty },
                quote! { ::qiyuesuo::__private::Input::<()>::Multipart(request) },
            )
        }
    };
    if op.download.is_some() {
        return quote! {
            #(#doc)*
            pub async fn #name(&self #parameter) -> ::std::result::Result<::qiyuesuo::runtime::Download<super::ResponseCode>, super::Error> {
                self.core.download(&operations::#constant, #input).await
            }
        };
    }
    match &op.result {
        Some(ResultType::Named(result)) => {
            let ty = Ident::new(result, Span::call_site());
            quote! {
                #(#doc)*
                pub async fn #name(&self #parameter) -> ::std::result::Result<super::models::#ty, super::Error> {
                    self.core.send(&operations::#constant, #input).await
                }
            }
        }
        Some(ResultType::Untyped) => quote! {
            #(#doc)*
            pub async fn #name(&self #parameter) -> ::std::result::Result<::serde_json::Value, super::Error> {
                self.core.send_untyped(&operations::#constant, #input).await
            }
        },
        None => quote! {
            #(#doc)*
            pub async fn #name(&self #parameter) -> ::std::result::Result<(), super::Error> {
                self.core.send_without_result(&operations::#constant, #input).await
            }
        },
    }
}

/// A compile-time check that every operation's future is `Send`, so that
/// integrators can spawn calls: a function that is never called, only typed.
fn send_check(api: &Api) -> TokenStream {
    let calls = api.operations.iter().map(|op| {
        let name = super::method_ident(op);
        match op.input.type_name() {
            Some(type_name) => {
                let ty = Ident::new(type_name, Span::call_site());
                quote! { let _ = |request: &super::models::#ty| send(client.#name(request)); }
            }
            None => quote! { let _ = || send(client.#name()); },
        }
    });
    quote! {
        const _: () = {
            fn send<T: ::std::marker::Send>(_: T) {}
            #[allow(dead_code)]
            fn every_call_is_send(client: &Client) {
                #(#calls)*
            }
        };
    }
}

/// Where the facts behind an operation come from (`x-qys-source`).
fn facts_doc(source: &crate::ir::Source) -> String {
    // URLs in angle brackets, so rustdoc links them.
    let linked = source.references.iter().map(|reference| match reference.split_once(' ') {
        Some((url, rest)) if url.starts_with("http") => format!("- <{url}> {rest}"),
        None if reference.starts_with("http") => format!("- <{reference}>"),
        _ => format!("- {reference}"),
    });
    let mut text = format!("Facts ({}) from:\n\n{}", source.confidence, linked.collect::<Vec<_>>().join("\n"));
    if !source.unconfirmed.is_empty() {
        text.push_str(&format!("\n\nUnconfirmed: {}.", source.unconfirmed.join("; ")));
    }
    text
}

/// One arm of `call_json` (`download_json` when `file`): JSON → typed
/// request → typed call → JSON (or the file). An operation of the other
/// kind gets an error that names the right method.
fn dispatch_arm(op: &Operation, file: bool) -> TokenStream {
    let id = &op.id;
    if op.download.is_some() != file {
        let answers_file = op.download.is_some();
        return quote! {
            #id => ::std::result::Result::Err(::qiyuesuo::__private::wrong_answer_kind(operation_id, #answers_file)),
        };
    }
    let name = super::method_ident(op);
    let constant = constant_ident(op);
    let (read, call) = match op.input.type_name() {
        Some(type_name) => {
            let ty = Ident::new(type_name, Span::call_site());
            (
                quote! {
                    let request: super::models::#ty = ::qiyuesuo::__private::from_value(&operations::#constant, input)?;
                },
                quote! { self.#name(&request).await? },
            )
        }
        None => (quote! {}, quote! { self.#name().await? }),
    };
    let answer = match op.result {
        _ if file => quote! { ::std::result::Result::Ok(#call) },
        Some(ResultType::Named(_)) => quote! {
            let result = #call;
            ::qiyuesuo::__private::to_value(&operations::#constant, &result)
        },
        Some(ResultType::Untyped) => quote! { ::std::result::Result::Ok(#call) },
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
        Method::Get => quote! { ::qiyuesuo::__private::Method::Get },
        Method::Post => quote! { ::qiyuesuo::__private::Method::Post },
    };
    let codes = op.codes.iter().map(|c| proc_macro2::Literal::i64_unsuffixed(*c));
    let idempotent = op.idempotent;
    let agent = op.signer == Signer::Agent;
    let repeat = if op.idempotent { "safe to repeat" } else { "not safe to repeat once sent" };
    let doc = format!(" `{}`: `{} {}`, {repeat}.", op.id, op.method.as_str(), op.path);
    quote! {
        #[doc = #doc]
        pub const #ident: ::qiyuesuo::__private::Operation = ::qiyuesuo::__private::Operation {
            id: #id,
            method: #method,
            path: #path,
            codes: &[#(#codes),*],
            idempotent: #idempotent,
            agent: #agent,
        };
    }
}

fn constant_ident(op: &Operation) -> Ident {
    Ident::new(&op.names.constant, Span::call_site())
}
