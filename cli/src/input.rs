//! Turns a command's flags (or its `--json`) into the JSON request.

use clap::ArgMatches;
use serde_json::{Map, Value};

use std::io::Read;

use crate::args::{IGNORE_UNKNOWN_FIELDS, JSON};
use crate::schema::{Command, Flag};

/// The request for `command`: `--json` (or an empty object), with the field
/// flags placed at their paths over it; `null` for an operation without input.
pub fn request(command: &Command, matches: &ArgMatches) -> Result<Value, String> {
    if !command.takes_input {
        return Ok(Value::Null);
    }
    let mut body = match json(command, matches)? {
        Some(body) => body,
        None => Value::Object(Map::new()),
    };
    let from_json = matches.get_one::<String>(JSON).is_some();
    for flag in &command.flags {
        if let Some(text) = matches.get_one::<String>(&flag.long) {
            let value = convert(flag, text)?;
            place(&mut body, &flag.field.path, value);
        } else if let Some(file) = command.suffix_source(flag) {
            // `--file a.pdf` without `--file-suffix`: `pdf`, when the schema allows it.
            let Some(path) = matches.get_one::<String>(&file.long) else { continue };
            let extension = std::path::Path::new(path).extension().map(|e| e.to_string_lossy().to_lowercase());
            match extension.and_then(|e| flag.values.iter().find(|v| v.eq_ignore_ascii_case(&e)).cloned()) {
                Some(suffix) => place(&mut body, &flag.field.path, Value::String(suffix)),
                None if flag.field.required && !from_json => {
                    return Err(format!(
                        "--{} is not given and `{path}` has no suffix among {}",
                        flag.long,
                        flag.values.join(", ")
                    ));
                }
                None => {}
            }
        }
    }
    for one_of in &command.one_ofs {
        if let Err(expected) = one_of.choose_in(&body) {
            return Err(if from_json {
                format!("--json: give {expected}")
            } else {
                format!("give {}", one_of_flags(one_of))
            });
        }
    }
    Ok(body)
}

/// The `--json` body, if given: read, parsed, and checked for fields the
/// schema does not know.
fn json(command: &Command, matches: &ArgMatches) -> Result<Option<Value>, String> {
    if let Some(json) = matches.get_one::<String>(JSON) {
        let text = match json.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path).map_err(|e| format!("--json @{path}: {e}"))?,
            None if json == "-" => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).map_err(|e| format!("--json -: {e}"))?;
                text
            }
            None => json.clone(),
        };
        let body: Value = serde_json::from_str(&text).map_err(|e| format!("--json is not JSON: {e}"))?;
        if !body.is_object() {
            return Err("--json must be a JSON object".to_owned());
        }
        if !matches.get_flag(IGNORE_UNKNOWN_FIELDS) {
            let mut problems = Vec::new();
            unknown_fields(&body, &[], command, &mut problems);
            if !problems.is_empty() {
                return Err(format!("{} (--ignore-unknown-fields drops them)", problems.join("; ")));
            }
        }
        return Ok(Some(body));
    }
    Ok(None)
}

/// "exactly one of --contract-id, or --biz-id (optionally with --tenant-name)".
fn one_of_flags(one_of: &qiyuesuo_schema::ir::OneOf) -> String {
    one_of.expectation_as(|wire| format!("--{}", heck::AsKebabCase(wire)))
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

/// Fields of `value` (at `prefix`) that the request schema does not know: a
/// misspelt `callbackURL` would otherwise be dropped without a word.
fn unknown_fields(value: &Value, prefix: &[String], command: &Command, problems: &mut Vec<String>) {
    let Value::Object(object) = value else { return };
    let paths = || command.flags.iter().map(|flag| flag.field.path.as_slice());
    for (key, child) in object {
        let mut path = prefix.to_vec();
        path.push(key.clone());
        if paths().any(|known| known == path.as_slice()) {
            continue;
        }
        if paths().any(|known| known.starts_with(&path)) {
            // An object the schema describes field by field.
            unknown_fields(child, &path, command, problems);
            continue;
        }
        // The names known at this level, for a suggestion.
        let siblings = paths().filter(|known| known.len() > prefix.len() && known.starts_with(prefix));
        let names = siblings.filter_map(|known| known.get(prefix.len())).map(String::as_str);
        let shown = path.join(".");
        problems.push(match crate::guide::nearest_names(key, names, 1).first() {
            Some(name) => format!("unknown field `{shown}`; did you mean `{name}`?"),
            None => format!("unknown field `{shown}`"),
        });
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
