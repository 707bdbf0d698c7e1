//! Turns a command's flags (or its `--json`) into the JSON request.

use clap::ArgMatches;
use serde_json::{Map, Value};

use crate::args::JSON;
use crate::schema::{Command, Flag};

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
            let value = convert(flag, text)?;
            place(&mut body, &flag.field.path, value);
        }
    }
    Ok(body)
}

fn convert(flag: &Flag, text: &str) -> Result<Value, String> {
    let one = |text: &str| {
        // A file is its path in JSON; the client reads it before sending.
        flag.field.kind.read(text).map_err(|expected| format!("--{} takes {expected}, not `{text}`", flag.long))
    };
    if !flag.field.list {
        return one(text);
    }
    let items = text.split(',').map(str::trim).filter(|part| !part.is_empty());
    items.map(one).collect::<Result<Vec<_>, _>>().map(Value::Array)
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
