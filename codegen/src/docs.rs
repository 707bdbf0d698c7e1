//! Doc comments: one `#[doc]` attribute per line, each starting with a space,
//! so prettyplease prints them as ordinary `///` lines.

use proc_macro2::TokenStream;
use quote::quote;

/// The doc attributes for `text`, one per line; nothing for `None`.
pub(crate) fn lines(text: Option<&str>) -> Vec<TokenStream> {
    text.into_iter()
        .flat_map(str::lines)
        .map(|line| {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            quote! { #[doc = #line] }
        })
        .collect()
}

/// Paragraphs joined by blank doc lines, skipping the empty ones.
pub(crate) fn paragraphs<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> Vec<TokenStream> {
    let text: Vec<&str> = parts.into_iter().flatten().filter(|p| !p.trim().is_empty()).collect();
    lines(Some(&text.join("\n\n")))
}
