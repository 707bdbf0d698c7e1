//! How a result is printed: pretty JSON on a terminal, compact JSON in a pipe
//! (or with `--compact`), and with `--query a.b.0` only that part, a string
//! bare, so a shell script needs no jq. Downloads print the same way.

use std::io::IsTerminal;

use clap::ArgMatches;
use serde_json::Value;

use crate::args::{COMPACT, QUERY};

/// The printing choices of one run.
pub struct Output {
    compact: bool,
    query: Option<String>,
}

impl Output {
    pub fn from(matches: &ArgMatches) -> Output {
        Output {
            compact: matches.get_flag(COMPACT) || !std::io::stdout().is_terminal(),
            query: matches.get_one::<String>(QUERY).cloned(),
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
        match value {
            Value::String(text) if self.query.is_some() => Ok(text.clone()),
            _ if self.compact => serde_json::to_string(value),
            _ => serde_json::to_string_pretty(value),
        }
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
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::Output;

    #[test]
    fn queries_print_bare_strings_and_json_for_the_rest() {
        let result = json!({"ticket": "t-1", "list": [{"id": 7}], "n": null});
        let query = |path: &str| Output { compact: true, query: Some(path.to_owned()) }.render(&result).unwrap();
        assert_eq!(query("ticket"), "t-1");
        assert_eq!(query("list.0.id"), "7");
        assert_eq!(query("list.0"), r#"{"id":7}"#);
        assert_eq!(query("missing.deeper"), "null");
        let pretty = Output { compact: false, query: None }.render(&json!({"a": 1})).unwrap();
        assert_eq!(pretty, "{\n  \"a\": 1\n}");
    }
}
