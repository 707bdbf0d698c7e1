//! Text from a server or a client, made safe to print: on a terminal, and
//! in an error message or a log line.

use std::borrow::Cow;

/// `text` with what would drive a terminal escaped as `\uXXXX` (JSON's
/// escapes, so JSON stays JSON): control characters but line feeds and tabs,
/// and the bidi controls that reorder what is shown. Text without them is
/// returned as it is.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(drives_a_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if drives_a_terminal(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn drives_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The bidi embeddings, overrides and isolates, and the marks: characters
/// that reorder how the text around them is shown.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The first `max` characters of `text`, each escaped as Rust's `{:?}` would,
/// with `…` when there were more (or when `text` is itself the cut start of
/// something longer, `cut`): what an error quotes of a value, so a hostile
/// one can neither flood a log nor drive a terminal.
pub(crate) fn escaped_start(text: &str, max: usize, cut: bool) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(max).flat_map(char::escape_debug).collect();
    if chars.next().is_some() || cut {
        out.push('…');
    }
    out
}
