//! Emits `<operation>_all` for each paged operation (`x-qys-pagination`):
//! every item of every page, fetched one page at a time as the caller
//! consumes them; a `Stream` on the async client, an `Iterator` on the
//! blocking one. The walk itself is the runtime's (`pages`); this names the
//! fields it moves and reads.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::example::Flavour;
use super::requests::wrapped;
use crate::docs;
use crate::ir::{Api, Operation, Pagination};
use crate::models::{Index, json_name};

/// The generated fields a walk uses.
struct Fields<'a> {
    pagination: &'a Pagination,
    request: Ident,
    offset: &'a Ident,
    offset_optional: bool,
    total: &'a Ident,
    items: &'a Ident,
    item: Ident,
}

fn field<'a>(item: &'a syn::ItemStruct, wire: &str) -> Option<&'a syn::Field> {
    let syn::Fields::Named(fields) = &item.fields else { return None };
    fields.named.iter().find(|f| json_name(f).as_deref() == Some(wire))
}

fn fields<'a>(op: &'a Operation, index: &'a Index<'_>) -> Option<Fields<'a>> {
    let pagination = op.pagination.as_ref()?;
    let request = index.structs.get(op.input.type_name()?)?;
    let result = index.structs.get(op.result.as_ref()?.named()?)?;
    let offset = field(request, &pagination.offset)?;
    Some(Fields {
        pagination,
        request: request.ident.clone(),
        offset: offset.ident.as_ref()?,
        offset_optional: wrapped(&offset.ty).is_some_and(|(kind, _)| kind == "Option"),
        total: field(result, &pagination.total)?.ident.as_ref()?,
        items: field(result, &pagination.items)?.ident.as_ref()?,
        item: Ident::new(&pagination.item_type, Span::call_site()),
    })
}

/// The method's docs, for either client: what it does, where it stops, and
/// an example that compiles as written.
fn doc(api: &Api, op: &Operation, fields: &Fields, index: &Index<'_>, crate_path: &str, flavour: Flavour) -> String {
    let form = if flavour == Flavour::Blocking { "An iterator" } else { "A stream" };
    let walk = format!(
        "Every item of `{method}`, page after page. {form} that asks for the next page (moving `{offset}` on \
         by the items received) only when this one is used up, and ends when `{total}` items have come, at an \
         empty page, or after yielding the first error. The request's own `{offset}` is where it starts and its \
         `{limit}` the page size.",
        method = op.names.method,
        offset = fields.pagination.offset,
        total = fields.pagination.total,
        limit = fields.pagination.limit,
    );
    let bounds = "A server that lies cannot keep it going: a page that repeats the one before (the offset ignored) \
                  ends it with `Error::Walk`, as do the client's `WalkLimits` on items and time (1,000,000 and 10 \
                  minutes unless `ClientBuilder::walk_limits` or `CallOptions::walk_limits` says otherwise).";
    let example = super::example::walk_section(api, op, index, crate_path, flavour);
    format!("{walk}\n\n{bounds}\n\n{example}")
}

/// `<operation>_all` on the async client.
pub(crate) fn async_method(api: &Api, op: &Operation, index: &Index<'_>, crate_path: &str) -> TokenStream {
    method(api, op, index, crate_path, Flavour::Async)
}

/// `<operation>_all` on the blocking client.
pub(crate) fn blocking_method(api: &Api, op: &Operation, index: &Index<'_>, crate_path: &str) -> TokenStream {
    method(api, op, index, crate_path, Flavour::Blocking)
}

/// The two differ in what they return, which walker they use and whether
/// fetching a page is awaited; the rest is one method.
fn method(api: &Api, op: &Operation, index: &Index<'_>, crate_path: &str, flavour: Flavour) -> TokenStream {
    let Some(f) = fields(op, index) else { return TokenStream::new() };
    let doc = docs::lines(Some(&doc(api, op, &f, index, crate_path, flavour)));
    let (name, all) = names(op);
    let Fields { request, offset, total, items, item, .. } = &f;
    let (start, set) = offset_access(&f);
    let result = quote! { ::std::result::Result<super::models::#item, super::Error> };
    let answer =
        quote! { ::std::result::Result::Ok((::qiyuesuo::__private::Total::total(&answer.#total), answer.#items)) };
    let id = &op.id;
    let fetch_page = |fetch: TokenStream| {
        quote! {
            move |offset| {
                let mut page = request.clone();
                page.#offset = #set;
                #fetch
            }
        }
    };
    let (returns, walk) = if flavour == Flavour::Blocking {
        let fetch = fetch_page(quote! {
            let answer = self.#name(&page)?;
            #answer
        });
        (
            quote! { impl ::std::iter::Iterator<Item = #result> + 'a },
            quote! { ::qiyuesuo::__private::pages_blocking(self.inner.core.walk(#id), start, #fetch) },
        )
    } else {
        let fetch = fetch_page(quote! {
            async move {
                let answer = self.#name(&page).await?;
                #answer
            }
        });
        (
            quote! { ::qiyuesuo::runtime::PageStream<'a, super::models::#item, super::Error> },
            quote! { ::std::boxed::Box::pin(::qiyuesuo::__private::pages(self.core.walk(#id), start, #fetch)) },
        )
    };
    quote! {
        #(#doc)*
        pub fn #all<'a>(&'a self, request: &super::models::#request) -> #returns {
            let request = request.clone();
            let start = #start;
            #walk
        }
    }
}

fn names(op: &Operation) -> (Ident, Ident) {
    let name = super::method_ident(op);
    let all = Ident::new(&format!("{}_all", op.names.method), Span::call_site());
    (name, all)
}

/// Reading the start offset from the request, and the expression that sets
/// one page's offset.
fn offset_access(f: &Fields) -> (TokenStream, TokenStream) {
    let offset = f.offset;
    if f.offset_optional {
        (quote! { request.#offset.unwrap_or(0) }, quote! { ::std::option::Option::Some(offset) })
    } else {
        (quote! { request.#offset }, quote! { offset })
    }
}
