//! How a result is printed: pretty JSON on a terminal, compact JSON in a pipe
//! (or with `--compact`), and with `--query a.b.0` only that part, a string
//! bare, so a shell script needs no jq. Downloads print the same way. On a
//! terminal, characters that would drive it (control characters, bidi
//! overrides) in a server's text are printed escaped; a pipe gets them as sent.

use std::io::IsTerminal;

use clap::ArgMatches;
use serde_json::Value;

use crate::args::{COMPACT, QUERY};

/// The printing choices of one run.
pub struct Output {
    compact: bool,
    query: Option<String>,
    terminal: bool,
}

impl Output {
    pub fn from(matches: &ArgMatches) -> Output {
        let terminal = std::io::stdout().is_terminal();
        Output {
            compact: matches.get_flag(COMPACT) || !terminal,
            query: matches.get_one::<String>(QUERY).cloned(),
            terminal,
        }
    }

    /// One value per line (`--all`): compact, whatever the terminal.
    pub fn one_per_line(&mut self) {
        self.compact = true;
    }

    /// The text to print for `result` (without the final newline).
    pub fn render(&self, result: &Value) -> Result<String, serde_json::Error> {
        let value = match &self.query {
            // As jq does: what is not there is `null`.
            Some(path) => select(result, path).unwrap_or(&Value::Null),
            None => result,
        };
        let text = match value {
            Value::String(text) if self.query.is_some() => text.clone(),
            _ if self.compact => serde_json::to_string(value)?,
            _ => serde_json::to_string_pretty(value)?,
        };
        if !self.terminal {
            return Ok(text);
        }
        // Most text has nothing to escape: it is returned as it is, not copied.
        Ok(match qiyuesuo::runtime::__hooks::terminal_safe(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(escaped) => escaped,
        })
    }
}

/// The value at a dotted path: object keys, and array indices as numbers.
fn select<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').filter(|key| !key.is_empty()).try_fold(value, |value, key| match value {
        Value::Array(items) => key.parse::<usize>().ok().and_then(|index| items.get(index)),
        _ => value.get(key),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Output;

    #[test]
    fn queries_print_bare_strings_and_json_for_the_rest() {
        let result = json!({"ticket": "t-1", "list": [{"id": 7}], "n": null});
        let query = |path: &str| {
            Output { compact: true, query: Some(path.to_owned()), terminal: false }.render(&result).unwrap()
        };
        assert_eq!(query("ticket"), "t-1");
        assert_eq!(query("list.0.id"), "7");
        assert_eq!(query("list.0"), r#"{"id":7}"#);
        assert_eq!(query("missing.deeper"), "null");
        let pretty = Output { compact: false, query: None, terminal: true }.render(&json!({"a": 1})).unwrap();
        assert_eq!(pretty, "{\n  \"a\": 1\n}");
    }

    #[test]
    fn a_terminal_gets_server_text_with_its_controls_escaped_and_a_pipe_as_sent() {
        let hostile = json!({"subject": "a\u{1b}]0;pwned\u{7}b\u{202e}cba\u{9b}2J\nline"});
        let on = |terminal: bool, query: Option<&str>| {
            Output { compact: true, query: query.map(str::to_owned), terminal }.render(&hostile).unwrap()
        };
        let bare = on(true, Some("subject"));
        assert_eq!(bare, "a\\u001b]0;pwned\\u0007b\\u202ecba\\u009b2J\nline");
        assert_eq!(on(false, Some("subject")), "a\u{1b}]0;pwned\u{7}b\u{202e}cba\u{9b}2J\nline");
        // Escaped JSON is still JSON, and reads back as what the server sent.
        let json = on(true, None);
        assert!(!json.contains('\u{1b}') && !json.contains('\u{202e}') && !json.contains('\u{9b}'), "{json}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&json).unwrap(), hostile);
    }
}
