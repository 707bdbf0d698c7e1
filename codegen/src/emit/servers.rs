//! Emits `Server`: the deployments the schema's `servers` list.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs;
use crate::ir::Api;

pub(crate) fn emit(api: &Api) -> TokenStream {
    if api.servers.is_empty() {
        return TokenStream::new();
    }
    let variants: Vec<Ident> = api.servers.iter().map(|s| Ident::new(&s.variant, Span::call_site())).collect();
    let urls: Vec<&str> = api.servers.iter().map(|s| s.url.as_str()).collect();
    let declarations = api.servers.iter().zip(&variants).map(|(server, ident)| {
        let url = format!("`{}`", server.url);
        let doc = docs::paragraphs([server.description.as_deref(), Some(&url)]);
        quote! { #(#doc)* #ident, }
    });
    quote! {
        /// A deployment of the API, from the schema's `servers`.
        ///
        /// Pass one to `Client::new`, or pass any base URL as a string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Server {
            #(#declarations)*
        }

        impl Server {
            /// Every deployment, in schema order.
            pub const ALL: &'static [Server] = &[#(Server::#variants),*];

            /// The base URL.
            pub const fn url(self) -> &'static str {
                match self {
                    #(Server::#variants => #urls,)*
                }
            }
        }

        impl ::std::convert::AsRef<str> for Server {
            fn as_ref(&self) -> &str {
                self.url()
            }
        }

        impl ::std::fmt::Display for Server {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.url())
            }
        }
    }
}
