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
    let mut read = Vec::new();
    for (index, server) in servers.iter().enumerate() {
        let pointer = join("/servers", &index.to_string());
        let url = server.get("url").and_then(Value::as_str);
        if url.is_none() {
            errors.push(join(&pointer, "url"), "a server needs a `url` string");
        }
        let name = server.get(KEY).and_then(Value::as_str);
        match name {
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
        let name = name.unwrap_or_default();
        read.push(Server {
            variant: variant_name(name),
            name: name.to_owned(),
            url: url.unwrap_or_default().to_owned(),
            description: text(server, "description"),
        });
    }
    read
}
