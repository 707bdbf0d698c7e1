//! Emits `ResponseCode`: the codes the schema documents, plus `Unknown`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs;
use crate::ir::{Api, ResponseCode};

pub(crate) fn emit(api: &Api) -> TokenStream {
    let variants: Vec<Ident> = api.codes.iter().map(variant).collect();
    let declarations = api.codes.iter().zip(&variants).map(|(code, ident)| {
        let heading = format!("`{}` {}: {}", code.code, code.message, code.description.as_deref().unwrap_or(""));
        let scope = if code.operations.is_empty() {
            "Documented for every operation.".to_owned()
        } else {
            format!(
                "Documented for {}.",
                code.operations.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")
            )
        };
        let source = format!("Generated from `#{}`.", code.pointer);
        let mock = code.mock_only.then_some(
            "The mock's own code: the real gateway's answer for this case is undocumented, so the mock chose it.",
        );
        let doc = docs::paragraphs([Some(heading.trim_end()), Some(&scope), mock, Some(&source)]);
        // Hidden from the docs: a real gateway never sends it.
        let hidden = code.mock_only.then(|| quote! { #[doc(hidden)] });
        quote! { #(#doc)* #hidden #ident, }
    });
    let numbers: Vec<proc_macro2::Literal> =
        api.codes.iter().map(|c| proc_macro2::Literal::i64_unsuffixed(c.code)).collect();
    let names: Vec<&str> = api.codes.iter().map(|c| c.name.as_str()).collect();
    let messages: Vec<&str> = api.codes.iter().map(|c| c.message.as_str()).collect();
    let eight_digit: Vec<(&Ident, &str)> =
        api.codes.iter().zip(&variants).filter_map(|(c, v)| c.response_code.as_deref().map(|r| (v, r))).collect();
    let (eight_variants, eight_codes): (Vec<&Ident>, Vec<&str>) = eight_digit.into_iter().unzip();
    // A single-arm `match` would draw a clippy warning in schemas with no
    // (eight-digit) codes, so those bodies are written without one.
    let from_code = if numbers.is_empty() {
        quote! { ResponseCode::Unknown(code) }
    } else {
        quote! {
            match code {
                #(#numbers => ResponseCode::#variants,)*
                other => ResponseCode::Unknown(other),
            }
        }
    };
    let (response_code_param, from_response_code) = if eight_codes.is_empty() {
        (quote! { _response_code }, quote! { ::std::option::Option::None })
    } else {
        (
            quote! { response_code },
            quote! {
                match response_code {
                    #(#eight_codes => ::std::option::Option::Some(ResponseCode::#eight_variants),)*
                    _ => ::std::option::Option::None,
                }
            },
        )
    };
    let retries = api.codes.iter().map(|c| match c.retry {
        crate::ir::RetryClass::Never => quote! { ::qiyuesuo::runtime::RetryClass::Never },
        crate::ir::RetryClass::Always => quote! { ::qiyuesuo::runtime::RetryClass::Always },
        crate::ir::RetryClass::IfIdempotent => quote! { ::qiyuesuo::runtime::RetryClass::IfIdempotent },
    });
    let stale: Vec<&Ident> =
        api.codes.iter().zip(&variants).filter(|(c, _)| c.stale_timestamp).map(|(_, v)| v).collect();
    // `matches!` with no pattern would not compile: a schema without such a code says `false`.
    let stale_timestamp = if stale.is_empty() {
        quote! { false }
    } else {
        quote! { matches!(self, #(ResponseCode::#stale)|*) }
    };
    let operations = api.codes.iter().map(|c| {
        let ids = &c.operations;
        quote! { &[#(#ids),*] }
    });
    quote! {
        /// A response code: the `code` field of the answer envelope.
        ///
        /// The variants are the codes the schema documents in its
        /// `x-qys-response-codes` tables; a code it does not document arrives
        /// as [`ResponseCode::Unknown`] with its number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ResponseCode {
            #(#declarations)*
            /// A code the schema does not document.
            Unknown(i64),
        }

        impl ResponseCode {
            /// Every documented code, in schema order.
            pub const ALL: &'static [ResponseCode] = &[#(ResponseCode::#variants),*];

            /// The variant for a numeric code.
            pub const fn from_code(code: i64) -> Self {
                #from_code
            }

            /// The variant for an eight-digit `responseCode`, where the schema records that form.
            pub fn from_response_code(#response_code_param: &str) -> ::std::option::Option<Self> {
                #from_response_code
            }

            /// The numeric code.
            pub const fn code(self) -> i64 {
                match self {
                    #(ResponseCode::#variants => #numbers,)*
                    ResponseCode::Unknown(code) => code,
                }
            }

            /// The schema's name for the code, e.g. `INVALID_PARAM`.
            pub const fn name(self) -> ::std::option::Option<&'static str> {
                match self {
                    #(ResponseCode::#variants => ::std::option::Option::Some(#names),)*
                    ResponseCode::Unknown(_) => ::std::option::Option::None,
                }
            }

            /// The message the API documents for the code, e.g. `INVALID PARAM`.
            pub const fn documented_message(self) -> ::std::option::Option<&'static str> {
                match self {
                    #(ResponseCode::#variants => ::std::option::Option::Some(#messages),)*
                    ResponseCode::Unknown(_) => ::std::option::Option::None,
                }
            }

            /// Whether a call answered with this code may be sent again (the
            /// schema's `retry`); undocumented codes never are.
            pub const fn retry(self) -> ::qiyuesuo::runtime::RetryClass {
                match self {
                    #(ResponseCode::#variants => #retries,)*
                    ResponseCode::Unknown(_) => ::qiyuesuo::runtime::RetryClass::Never,
                }
            }

            /// Whether the code says the request's timestamp was too far from the
            /// server's clock (the schema's `staleTimestamp`).
            pub const fn stale_timestamp(self) -> bool {
                #stale_timestamp
            }

            /// The operations whose own tables document the code; empty for
            /// the global codes, which every operation may answer.
            pub const fn operations(self) -> &'static [&'static str] {
                match self {
                    #(ResponseCode::#variants => #operations,)*
                    ResponseCode::Unknown(_) => &[],
                }
            }
        }

        impl ::qiyuesuo::runtime::Codes for ResponseCode {
            fn from_code(code: i64) -> Self {
                ResponseCode::from_code(code)
            }

            fn from_response_code(response_code: &str) -> ::std::option::Option<Self> {
                ResponseCode::from_response_code(response_code)
            }

            fn code(self) -> i64 {
                ResponseCode::code(self)
            }

            fn retry(self) -> ::qiyuesuo::runtime::RetryClass {
                ResponseCode::retry(self)
            }

            fn stale_timestamp(self) -> bool {
                ResponseCode::stale_timestamp(self)
            }
        }

        /// Everything a call can fail with: the runtime's error, with this
        /// API's codes as [`ResponseCode`].
        pub type Error = ::qiyuesuo::runtime::Error<ResponseCode>;

        impl ::std::convert::From<i64> for ResponseCode {
            fn from(code: i64) -> Self {
                ResponseCode::from_code(code)
            }
        }

        impl ::std::fmt::Display for ResponseCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.name() {
                    ::std::option::Option::Some(name) => write!(f, "{} {}", self.code(), name),
                    ::std::option::Option::None => write!(f, "{}", self.code()),
                }
            }
        }
    }
}

fn variant(code: &ResponseCode) -> Ident {
    Ident::new(&code.variant, Span::call_site())
}
