//! Stage 4: the emitters. Each turns the IR (and, for request impls, the
//! model types) into the tokens of one generated file.

pub(crate) mod blocking;
pub(crate) mod callbacks;
pub(crate) mod client;
pub(crate) mod codes;
pub(crate) mod example;
pub(crate) mod one_ofs;
pub(crate) mod open_enums;
pub(crate) mod pages;
pub(crate) mod requests;
pub(crate) mod servers;

/// The method's name, as the IR gives it (the async and blocking clients and
/// their page walkers alike).
pub(crate) fn method_ident(op: &crate::ir::Operation) -> proc_macro2::Ident {
    proc_macro2::Ident::new(&op.names.method, proc_macro2::Span::call_site())
}

/// What an agent operation's docs say about its credentials (the async and
/// blocking methods alike); nothing for a company's operation.
pub(crate) fn signer_doc(op: &crate::ir::Operation) -> Option<&'static str> {
    (op.signer == crate::ir::Signer::Agent).then_some(AGENT_DOC)
}

const AGENT_DOC: &str = "SaaS mode: signed with an agent's pair, so call it on a client made by \
    `Client::agent_builder` (with the company's pair added, the agent acts for that company). A client without \
    an agent's credentials refuses it before sending, with `Error::Config`.";

/// One `impl` block of `client` per domain (the schema's `tags`, in order),
/// each with the domain's description as its docs, so rustdoc lists the
/// methods by domain; `each` gives an operation's items. Operations without a
/// declared domain come last, in a block of their own.
pub(crate) fn impl_by_domain(
    api: &crate::ir::Api,
    client: &proc_macro2::TokenStream,
    mut each: impl FnMut(&crate::ir::Operation) -> proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let declared = |op: &crate::ir::Operation| {
        op.domain.as_ref().is_some_and(|name| api.domains.iter().any(|domain| &domain.name == name))
    };
    let mut blocks = Vec::new();
    for domain in &api.domains {
        let items: Vec<_> =
            api.operations.iter().filter(|op| op.domain.as_ref() == Some(&domain.name)).map(&mut each).collect();
        if items.is_empty() {
            continue;
        }
        let title = format!("# {}", domain.title);
        let doc = crate::docs::paragraphs([Some(title.as_str()), domain.description.as_deref()]);
        blocks.push(quote::quote! {
            #(#doc)*
            impl #client {
                #(#items)*
            }
        });
    }
    let rest: Vec<_> = api.operations.iter().filter(|op| !declared(op)).map(&mut each).collect();
    if !rest.is_empty() {
        blocks.push(quote::quote! {
            impl #client {
                #(#rest)*
            }
        });
    }
    quote::quote! { #(#blocks)* }
}
