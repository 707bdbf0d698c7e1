//! `x-qys-variant-names` on a string enum: value → the Rust variant name the
//! schema gives it, where the one naming rule would give a poor one. Each a
//! value of the enum, the names distinct UpperCamelCase and none `Unknown`
//! (open enums keep that for values they do not know).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::doc::component_schemas;
use crate::error::Collector;
use crate::naming::{is_identifier, is_upper_camel, variant_name};
use crate::pointer::join;

pub(crate) const KEY: &str = "x-qys-variant-names";

/// Each enum's table: schema name → value → variant.
#[derive(Default)]
pub(crate) struct VariantNames(BTreeMap<String, Vec<(String, String)>>);

impl VariantNames {
    /// The variant for a value of the enum `schema`: the table's entry, else
    /// the one rule ([`crate::naming::variant_name`]).
    pub(crate) fn of(&self, schema: &str, value: &str) -> String {
        let given = self.0.get(schema).and_then(|table| table.iter().find(|(v, _)| v == value));
        given.map_or_else(|| variant_name(value), |(_, variant)| variant.clone())
    }

    /// The table the enum `schema` gives, if it gives one.
    pub(crate) fn table(&self, schema: &str) -> Option<&[(String, String)]> {
        self.0.get(schema).map(Vec::as_slice)
    }
}

/// Every component enum's table.
pub(crate) fn read(doc: &Value, errors: &mut Collector) -> VariantNames {
    let mut tables = VariantNames::default();
    for (name, schema) in component_schemas(doc) {
        let Some(table) = schema.get(KEY) else { continue };
        let at = join(&join("/components/schemas", name), KEY);
        let values = super::all_strings(schema.get("enum"));
        let Some((table, values)) = table.as_object().zip(values) else {
            errors.push(&at, "`x-qys-variant-names` belongs on a string enum and maps its values to variant names");
            continue;
        };
        let mut seen = BTreeSet::new();
        let mut entries = Vec::new();
        for (value, variant) in table {
            let variant = variant.as_str().unwrap_or_default();
            if !values.contains(&value.as_str()) {
                errors.push(join(&at, value), format!("`{value}` is not a value of `{name}`"));
            }
            if !is_identifier(variant) || !is_upper_camel(variant) || variant == "Unknown" || !seen.insert(variant) {
                errors.push(join(&at, value), format!("`{variant}` is not a unique UpperCamelCase variant name"));
            }
            entries.push((value.clone(), variant.to_owned()));
        }
        tables.0.insert(name.clone(), entries);
    }
    tables
}
