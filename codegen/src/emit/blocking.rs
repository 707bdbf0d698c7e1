//! Emits `blocking::Client`: the same operations as the async `Client`,
//! each a plain function that runs the async call on the client's own
//! runtime. A wrapper, not a second client, so the two never disagree.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs;
use crate::ir::{Api, Operation, ResultType};
use crate::models::Index;

pub(crate) fn emit(api: &Api, items: &Index<'_>, crate_path: &str) -> TokenStream {
    let by_domain = super::impl_by_domain(api, &quote! { Client }, |op| {
        let method = method(api, op, items, crate_path);
        let walk = super::pages::blocking_method(api, op, items, crate_path);
        quote! { #method #walk }
    });
    quote! {
        /// The API's operations as blocking calls, for programs without an
        /// async runtime. Each method runs the async `Client`'s on a
        /// current-thread runtime of this client's own; called inside an async
        /// runtime it returns an error instead of blocking that runtime.
        ///
        /// Cheap to clone: clones share the connection pool, the settings and the runtime.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: super::Client,
            runtime: ::qiyuesuo::__private::Runtime,
        }

        impl Client {
            /// A client for `base_url` (a `Server` or any URL) with the default settings.
            pub fn new(
                base_url: impl ::std::convert::AsRef<str>,
                access_token: impl ::std::convert::Into<::std::string::String>,
                access_secret: impl ::std::convert::Into<::std::string::String>,
            ) -> ::std::result::Result<Self, super::Error> {
                Self::builder(base_url, access_token, access_secret).build()
            }

            /// A builder for a client with other settings, as for the async `Client`.
            pub fn builder(
                base_url: impl ::std::convert::AsRef<str>,
                access_token: impl ::std::convert::Into<::std::string::String>,
                access_secret: impl ::std::convert::Into<::std::string::String>,
            ) -> ::qiyuesuo::runtime::ClientBuilder<Self> {
                ::qiyuesuo::runtime::ClientBuilder::new(base_url.as_ref(), access_token, access_secret)
            }

            /// A builder for an agent's client (SaaS mode), as for the async `Client`.
            pub fn agent_builder(
                base_url: impl ::std::convert::AsRef<str>,
                agent_token: impl ::std::convert::Into<::std::string::String>,
                agent_secret: impl ::std::convert::Into<::std::string::String>,
            ) -> ::qiyuesuo::runtime::ClientBuilder<Self> {
                ::qiyuesuo::runtime::ClientBuilder::new_agent(base_url.as_ref(), agent_token, agent_secret)
            }

            /// The async client this one drives.
            pub fn as_async(&self) -> &super::Client {
                &self.inner
            }
        }

        /// Calls by operation id, with JSON in and out (feature `call-json`).
        #[cfg(feature = "call-json")]
        impl Client {
            /// The blocking form of the async `Client::call_json`.
            pub fn call_json(
                &self,
                operation_id: &str,
                input: ::serde_json::Value,
            ) -> ::std::result::Result<::serde_json::Value, super::Error> {
                self.runtime.block_on(self.inner.call_json(operation_id, input))
            }

            /// The blocking form of the async `Client::download_json`.
            pub fn download_json(
                &self,
                operation_id: &str,
                input: ::serde_json::Value,
            ) -> ::std::result::Result<::qiyuesuo::runtime::blocking::Download<super::ResponseCode>, super::Error> {
                let download = self.runtime.block_on(self.inner.download_json(operation_id, input))?;
                ::std::result::Result::Ok(::qiyuesuo::runtime::blocking::Download::new(download, self.runtime.clone()))
            }
        }

        #by_domain

        impl ::qiyuesuo::__private::FromCore for Client {
            type Codes = super::ResponseCode;

            fn from_core(core: ::qiyuesuo::__private::Core) -> Self {
                Client {
                    inner: <super::Client as ::qiyuesuo::__private::FromCore>::from_core(core),
                    runtime: ::std::default::Default::default(),
                }
            }
        }
    }
}

fn method(api: &Api, op: &Operation, items: &Index<'_>, crate_path: &str) -> TokenStream {
    let name = super::method_ident(op);
    let form = format!(
        "The blocking form of the async `Client::{name}`: sends a `{}` request to `{}`.",
        op.method.as_str(),
        op.path
    );
    let source = format!("Generated from `#{}` (operation `{}`).", op.pointer, op.id);
    let example = super::example::section(api, op, items, crate_path, super::example::Flavour::Blocking);
    let agent = super::signer_doc(op);
    let docs = docs::paragraphs([op.summary.as_deref(), agent, Some(&form), Some(&source), Some(&example)]);
    let (parameter, argument) = match op.input.type_name() {
        Some(type_name) => {
            let ty = Ident::new(type_name, Span::call_site());
            (quote! { , request: &super::models::#ty }, quote! { request })
        }
        None => (quote! {}, quote! {}),
    };
    if op.download.is_some() {
        return quote! {
            #(#docs)*
            pub fn #name(&self #parameter) -> ::std::result::Result<::qiyuesuo::runtime::blocking::Download<super::ResponseCode>, super::Error> {
                let download = self.runtime.block_on(self.inner.#name(#argument))?;
                ::std::result::Result::Ok(::qiyuesuo::runtime::blocking::Download::new(download, self.runtime.clone()))
            }
        };
    }
    let answer = match &op.result {
        Some(ResultType::Named(result)) => {
            let ty = Ident::new(result, Span::call_site());
            quote! { super::models::#ty }
        }
        Some(ResultType::Untyped) => quote! { ::serde_json::Value },
        None => quote! { () },
    };
    quote! {
        #(#docs)*
        pub fn #name(&self #parameter) -> ::std::result::Result<#answer, super::Error> {
            self.runtime.block_on(self.inner.#name(#argument))
        }
    }
}
