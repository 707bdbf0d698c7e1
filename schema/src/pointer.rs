//! JSON pointers (RFC 6901): every error and every "generated from" doc line
//! names the schema entry by its pointer.

/// Escapes one reference token (RFC 6901 §3).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Appends one key to a pointer.
pub fn join(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape(key))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_escaped() {
        assert_eq!(super::join("/paths", "/v2/contract~x"), "/paths/~1v2~1contract~0x");
    }
}
