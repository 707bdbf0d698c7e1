//! Emits `<operation>_all` for each paged operation (`x-qys-pagination`):
//! every item of every page, fetched one page at a time as the caller
//! consumes them; a `Stream` on the async client, an `Iterator` on the
//! blocking one. The walk itself is the runtime's (`pages`); this names the
//! fields it moves and reads.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::requests::wrapped;
use crate::ir::{Operation, Pagination};
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

/// The method's docs, for either client.
fn doc(op: &Operation, fields: &Fields, blocking: bool) -> String {
    let form = if blocking { "An iterator" } else { "A stream" };
    format!(
        " Every item of `{method}`, page after page. {form} that asks for the next page (moving `{offset}` on \
         by the items received) only when this one is used up, and ends when `{total}` items have come, at an \
         empty page, or after yielding the first error. The request's own `{offset}` is where it starts and its \
         `{limit}` the page size.",
        method = op.names.method,
        offset = fields.pagination.offset,
        total = fields.pagination.total,
        limit = fields.pagination.limit,
    )
}

/// `<operation>_all` on the async client.
pub(crate) fn async_method(op: &Operation, index: &Index<'_>) -> TokenStream {
    method(op, index, false)
}

/// `<operation>_all` on the blocking client.
pub(crate) fn blocking_method(op: &Operation, index: &Index<'_>) -> TokenStream {
    method(op, index, true)
}

/// The two differ in what they return, which walker they use and whether
/// fetching a page is awaited; the rest is one method.
fn method(op: &Operation, index: &Index<'_>, blocking: bool) -> TokenStream {
    let Some(f) = fields(op, index) else { return TokenStream::new() };
    let doc = doc(op, &f, blocking);
    let (name, all) = names(op);
    let Fields { request, offset, total, items, item, .. } = &f;
    let (start, set) = offset_access(&f);
    let result = quote! { ::std::result::Result<super::models::#item, super::Error> };
    let answer =
        quote! { ::std::result::Result::Ok((::qiyuesuo::__private::Total::total(&answer.#total), answer.#items)) };
    let (returns, walker, fetch) = if blocking {
        (
            quote! { impl ::std::iter::Iterator<Item = #result> + 'a },
            quote! { pages_blocking },
            quote! {
                let answer = self.#name(&page)?;
                #answer
            },
        )
    } else {
        (
            quote! { impl ::qiyuesuo::runtime::Stream<Item = #result> + 'a },
            quote! { pages },
            quote! {
                async move {
                    let answer = self.#name(&page).await?;
                    #answer
                }
            },
        )
    };
    quote! {
        #[doc = #doc]
        pub fn #all<'a>(&'a self, request: &super::models::#request) -> #returns {
            let request = request.clone();
            let start = #start;
            ::qiyuesuo::__private::#walker(start, move |offset| {
                let mut page = request.clone();
                page.#offset = #set;
                #fetch
            })
        }
    }
}

fn names(op: &Operation) -> (Ident, Ident) {
    let name = super::client::method_ident(op);
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
