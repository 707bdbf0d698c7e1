//! `x-qys-name` on each server: its name in the generated `Server` enum and
//! on `qys --server`.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::doc::text;
use crate::error::Collector;
use crate::ir::Server;
use crate::naming::{is_identifier, variant_name};
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-name";

/// The document's servers, each named, the names distinct.
pub(crate) fn servers(root: &Map<String, Value>, errors: &mut Collector) -> Vec<Server> {
    let Some(servers) = root.get("servers").and_then(Value::as_array).filter(|s| !s.is_empty()) else {
        errors.push("/servers", "`servers` must list at least one server, each with an `x-qys-name`");
        return Vec::new();
    };
    let mut names = BTreeSet::new();
    for (index, server) in servers.iter().enumerate() {
        let pointer = join("/servers", &index.to_string());
        if server.get("url").and_then(Value::as_str).is_none() {
            errors.push(join(&pointer, "url"), "a server needs a `url` string");
        }
        match server.get(KEY).and_then(Value::as_str) {
            Some(name) if !is_identifier(name) => errors.push(
                join(&pointer, KEY),
                format!("`{name}` is not an identifier (letters, digits and `_`, starting with a letter)"),
            ),
            Some(name) if !names.insert(name.to_owned()) => {
                errors.push(join(&pointer, KEY), format!("server name `{name}` is used twice"))
            }
            Some(_) => {}
            None => errors
                .push(join(&pointer, KEY), "a server needs an `x-qys-name` (its name in the generated `Server` enum)"),
        }
    }
    servers
        .iter()
        .map(|server| {
            let name = text(server, KEY).unwrap_or_default();
            Server {
                variant: variant_name(&name),
                name,
                url: text(server, "url").unwrap_or_default(),
                description: text(server, "description"),
            }
        })
        .collect()
}
