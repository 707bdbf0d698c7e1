//! The commands and flags `qys` offers, from the schema's IR: one command
//! per operation, one flag per request field (nested objects' fields
//! prefixed with the object's name). Nothing here names an operation, and
//! nothing reads the schema's JSON: `qiyuesuo-schema` did.

use qiyuesuo_schema::ir::{Api, InputField, OneOf, Operation, Pagination, Signer, ValueKind};

/// One operation as a command.
pub struct Command {
    /// `operationId`.
    pub id: String,
    /// The command name: the id in kebab-case.
    pub name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Whether the operation takes a request at all.
    pub takes_input: bool,
    /// The media type of the file the operation answers, if it answers one.
    pub download: Option<String>,
    /// Whether a success carries a `result` (none: the envelope alone).
    pub has_result: bool,
    pub flags: Vec<Flag>,
    /// The one-ofs its request takes: exactly one group of flags each.
    pub one_ofs: Vec<OneOf>,
    /// How it pages, if it lists a page at a time.
    pub pagination: Option<Pagination>,
    /// Whose pair signs it: the company's, or an agent's (SaaS mode).
    pub signer: Signer,
}

impl Command {
    /// The file flag a suffix flag can be read from: an enum flag named
    /// `…-suffix` beside exactly one file flag.
    pub fn suffix_source(&self, flag: &Flag) -> Option<&Flag> {
        if !flag.long.ends_with("suffix") || flag.values.is_empty() {
            return None;
        }
        let mut files = self.flags.iter().filter(|f| f.field.kind == ValueKind::File && !f.field.list);
        let file = files.next()?;
        files.next().is_none().then_some(file)
    }
}

/// One request field as a flag.
pub struct Flag {
    /// `--applicant-contact-type` without the dashes.
    pub long: String,
    pub help: String,
    /// The values clap offers and checks (an enum's, or `true`/`false`).
    pub values: Vec<String>,
    /// The field: where its value goes, its kind, whether it is required.
    pub field: InputField,
}

/// Every operation of the API, in schema order.
pub fn commands(api: &Api) -> Vec<Command> {
    api.operations.iter().map(|op| command(api, op)).collect()
}

fn command(api: &Api, op: &Operation) -> Command {
    Command {
        id: op.id.clone(),
        name: op.names.command.clone(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        takes_input: op.input.type_name().is_some(),
        download: op.download.clone(),
        has_result: op.result.is_some(),
        flags: op.fields.iter().map(flag).collect(),
        one_ofs: api.one_ofs_of(op).into_iter().cloned().collect(),
        pagination: op.pagination.clone(),
        signer: op.signer,
    }
}

fn flag(field: &InputField) -> Flag {
    let mut help = field.description.clone().unwrap_or_default();
    let mut values = Vec::new();
    match field.kind {
        ValueKind::File => help.push_str(" Path of the file to upload."),
        ValueKind::JsonText => help.push_str(" JSON text."),
        _ => {}
    }
    if field.list {
        if !field.values.is_empty() {
            help.push_str(&format!(" Values: {}.", field.values.join(", ")));
        }
        help.push_str(" Comma-separated list.");
    } else if field.comma_set {
        help.push_str(&format!(" Values: {}; comma-separated.", field.values.join(", ")));
    } else {
        values.clone_from(&field.values);
    }
    if let Some(default) = &field.default {
        help.push_str(&format!(" The server's default: {default}."));
    }
    if field.kind == ValueKind::Boolean && !field.list {
        values = vec!["true".to_owned(), "false".to_owned()];
    }
    if field.required {
        help.push_str(" (required)");
    }
    let long = field.path.iter().map(|p| heck::AsKebabCase(p).to_string()).collect::<Vec<_>>().join("-");
    Flag { long, help: help.trim().to_owned(), values, field: field.clone() }
}
