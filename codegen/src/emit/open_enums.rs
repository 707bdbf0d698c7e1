//! Emits the enums that answers and callbacks carry, open: the known values
//! plus `Unknown(String)`, which keeps a value this version does not know
//! exactly as the server sent it (async-stripe's approach). `#[non_exhaustive]`
//! so that new known values are not breaking changes.

use proc_macro2::{Ident, Span};

use crate::docs;
use crate::ir::OpenEnum;

/// The enum and its impls, as model items.
pub(crate) fn items(open: &OpenEnum) -> Vec<syn::Item> {
    let name = Ident::new(&open.name, Span::call_site());
    let source =
        format!("Open: a value this version does not know is kept in `Unknown`. Generated from `#{}`.", open.pointer);
    let doc = docs::paragraphs([open.description.as_deref(), Some(&source)]);
    let variants: Vec<Ident> = open.variants.iter().map(|v| Ident::new(v, Span::call_site())).collect();
    let wires = &open.values;
    let variant_docs = wires.iter().map(|w| format!(" `{w}` on the wire."));
    let file: syn::File = syn::parse_quote! {
        #(#doc)*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version does not know, as the server sent it.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_ref()))
            }
        }
    };
    file.items
}
