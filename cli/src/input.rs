//! Turns a command's flags (or its `--json`) into the JSON request.

use clap::ArgMatches;
use serde_json::{Map, Value};

use crate::args::JSON;
use crate::schema::{Command, Flag, Kind};

/// The request for `command`: `--json` as given, else the flags placed at
/// their paths; `null` for an operation without input.
pub fn request(command: &Command, matches: &ArgMatches) -> Result<Value, String> {
    if !command.takes_input {
        return Ok(Value::Null);
    }
    if let Some(json) = matches.get_one::<String>(JSON) {
        let text = match json.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path).map_err(|e| format!("--json @{path}: {e}"))?,
            None => json.clone(),
        };
        return serde_json::from_str(&text).map_err(|e| format!("--json is not JSON: {e}"));
    }
    let mut body = Value::Object(Map::new());
    for flag in &command.flags {
        if let Some(text) = matches.get_one::<String>(&flag.long) {
            let value = convert(flag, &flag.kind, text)?;
            place(&mut body, &flag.path, value);
        }
    }
    Ok(body)
}

fn convert(flag: &Flag, kind: &Kind, text: &str) -> Result<Value, String> {
    let wrong = |what: &str| format!("--{} takes {what}, not `{text}`", flag.long);
    match kind {
        // A file is its path in JSON; the client reads it before sending.
        Kind::Text | Kind::File => Ok(Value::String(text.to_owned())),
        Kind::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(wrong("true or false")),
        },
        Kind::Integer => text.parse::<i64>().map(Value::from).map_err(|_| wrong("a whole number")),
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| wrong("a number")),
        Kind::List(item) => text
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| convert(flag, item, part))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

/// Sets `value` at `path`, creating the objects on the way.
fn place(body: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut current = body;
    for key in parents {
        if !current.get(key).is_some_and(Value::is_object) {
            current[key.as_str()] = Value::Object(Map::new());
        }
        current = &mut current[key.as_str()];
    }
    current[last.as_str()] = value;
}
