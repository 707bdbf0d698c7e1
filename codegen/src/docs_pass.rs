//! A pass over a syntax tree that rewrites every doc attribute as one
//! attribute per line, each starting with a space. typify writes multi-line
//! descriptions as one attribute, which prettyplease prints as `/** … */`,
//! and single lines without the space, which it prints as `///Text`.

use syn::visit_mut::{self, VisitMut};

pub(crate) fn normalize(file: &mut syn::File) {
    Normalizer.visit_file_mut(file);
}

struct Normalizer;

impl VisitMut for Normalizer {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        match item {
            syn::Item::Struct(i) => split(&mut i.attrs),
            syn::Item::Enum(i) => split(&mut i.attrs),
            syn::Item::Mod(i) => split(&mut i.attrs),
            syn::Item::Type(i) => split(&mut i.attrs),
            syn::Item::Fn(i) => split(&mut i.attrs),
            syn::Item::Const(i) => split(&mut i.attrs),
            syn::Item::Impl(i) => split(&mut i.attrs),
            _ => {}
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        split(&mut field.attrs);
        visit_mut::visit_field_mut(self, field);
    }

    fn visit_variant_mut(&mut self, variant: &mut syn::Variant) {
        split(&mut variant.attrs);
        visit_mut::visit_variant_mut(self, variant);
    }

    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        split(&mut function.attrs);
        visit_mut::visit_impl_item_fn_mut(self, function);
    }

    fn visit_impl_item_const_mut(&mut self, constant: &mut syn::ImplItemConst) {
        split(&mut constant.attrs);
        visit_mut::visit_impl_item_const_mut(self, constant);
    }
}

fn split(attrs: &mut Vec<syn::Attribute>) {
    let mut out = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        match doc_text(&attr) {
            Some(text) => out.extend(text.split('\n').map(doc_line)),
            None => out.push(attr),
        }
    }
    *attrs = out;
}

fn doc_text(attr: &syn::Attribute) -> Option<String> {
    let syn::Meta::NameValue(meta) = &attr.meta else { return None };
    if !meta.path.is_ident("doc") {
        return None;
    }
    match &meta.value {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => Some(text.value()),
        _ => None,
    }
}

fn doc_line(line: &str) -> syn::Attribute {
    let line = line.trim_end();
    let line = if line.is_empty() || line.starts_with(' ') { line.to_owned() } else { format!(" {line}") };
    syn::parse_quote!(#[doc = #line])
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_lines_and_adds_the_leading_space() {
        let mut file: syn::File = syn::parse_quote! {
            #[doc = "First.\n\nSecond."]
            pub struct A { #[doc = "Field."] pub a: u8 }
        };
        super::normalize(&mut file);
        let printed = prettyplease::unparse(&file);
        assert!(printed.contains("/// First.\n///\n/// Second.\npub struct A"), "{printed}");
        assert!(printed.contains("    /// Field.\n    pub a: u8"), "{printed}");
    }
}
