//! A pass over a syntax tree that rewrites every doc attribute as one
//! attribute per line, each starting with a space. typify writes multi-line
//! descriptions as one attribute, which prettyplease prints as `/** … */`,
//! and single lines without the space, which it prints as `///Text`.
//!
//! It walks items by hand rather than with syn's `visit-mut`: that feature
//! would be compiled into every crate that depends on `qiyuesuo`.

pub(crate) fn normalize(file: &mut syn::File) {
    file.items.iter_mut().for_each(item);
}

fn item(item: &mut syn::Item) {
    match item {
        syn::Item::Struct(i) => {
            split(&mut i.attrs);
            i.fields.iter_mut().for_each(|f| split(&mut f.attrs));
        }
        syn::Item::Enum(i) => {
            split(&mut i.attrs);
            for variant in &mut i.variants {
                split(&mut variant.attrs);
                variant.fields.iter_mut().for_each(|f| split(&mut f.attrs));
            }
        }
        syn::Item::Mod(i) => {
            split(&mut i.attrs);
            if let Some((_, items)) = &mut i.content {
                items.iter_mut().for_each(self::item);
            }
        }
        syn::Item::Impl(i) => {
            split(&mut i.attrs);
            for member in &mut i.items {
                match member {
                    syn::ImplItem::Fn(f) => split(&mut f.attrs),
                    syn::ImplItem::Const(c) => split(&mut c.attrs),
                    syn::ImplItem::Type(t) => split(&mut t.attrs),
                    _ => {}
                }
            }
        }
        syn::Item::Type(i) => split(&mut i.attrs),
        syn::Item::Fn(i) => split(&mut i.attrs),
        syn::Item::Const(i) => split(&mut i.attrs),
        _ => {}
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
