//! Multipart bodies. Generated code lists a request's parts in schema order;
//! the runtime turns each value into the text the API expects (strings as
//! they are, booleans and numbers as `true`/`12`, objects and arrays as JSON
//! text), reads the files once, and builds a fresh form for every attempt.

use bytes::Bytes;
use serde::Serialize;

use super::file::FilePart;

/// A request sent as `multipart/form-data`.
pub trait Multipart: super::validate::Validate + std::fmt::Debug + Sync {
    /// Adds the request's parts, in schema order.
    fn write_parts(&self, parts: &mut Parts);
}

/// The parts of a multipart request, as generated code adds them.
#[derive(Debug, Default)]
pub struct Parts {
    pub(crate) parts: Vec<(&'static str, Pending)>,
    pub(crate) problems: Vec<String>,
}

#[derive(Debug)]
pub(crate) enum Pending {
    Text(String),
    File(FilePart),
}

impl Parts {
    /// A text part from any value; `None` (JSON `null`) adds nothing.
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        let text = match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => return,
            Ok(serde_json::Value::String(text)) => text,
            Ok(serde_json::Value::Bool(flag)) => flag.to_string(),
            Ok(serde_json::Value::Number(number)) => number.to_string(),
            Ok(other) => other.to_string(),
            Err(e) => {
                self.problems.push(format!("{name}: cannot be encoded: {e}"));
                return;
            }
        };
        self.parts.push((name, Pending::Text(text)));
    }

    /// A file part; `None` adds nothing.
    pub fn file(&mut self, name: &'static str, file: Option<&FilePart>) {
        if let Some(file) = file {
            self.parts.push((name, Pending::File(file.clone())));
        }
    }
}

/// A part ready to send, cheap to clone for each attempt.
#[derive(Debug, Clone)]
pub(crate) enum Ready {
    Text(String),
    File { file_name: String, content_type: Option<String>, bytes: Bytes },
}

/// Reads every file; the problems name the part.
pub(crate) async fn load(parts: Parts) -> Result<Vec<(&'static str, Ready)>, Vec<String>> {
    let mut problems = parts.problems;
    let mut ready = Vec::with_capacity(parts.parts.len());
    for (name, part) in parts.parts {
        match part {
            Pending::Text(text) => ready.push((name, Ready::Text(text))),
            Pending::File(file) => match check_mime(&file).and(file.load().await) {
                Ok(bytes) => ready.push((
                    name,
                    Ready::File {
                        file_name: file.file_name().to_owned(),
                        content_type: file.mime().map(str::to_owned),
                        bytes,
                    },
                )),
                Err(problem) => problems.push(format!("{name}: {problem}")),
            },
        }
    }
    if problems.is_empty() { Ok(ready) } else { Err(problems) }
}

/// A file's content type must parse before the call starts, not at each attempt.
fn check_mime(file: &FilePart) -> Result<(), String> {
    match file.mime() {
        Some(mime) => reqwest::multipart::Part::text("")
            .mime_str(mime)
            .map(|_| ())
            .map_err(|_| format!("`{mime}` is not a content type")),
        None => Ok(()),
    }
}

/// A new form for one attempt (a reqwest form is consumed by sending it).
pub(crate) fn form(parts: &[(&'static str, Ready)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (name, part) in parts {
        form = match part {
            Ready::Text(text) => form.text(*name, text.clone()),
            Ready::File { file_name, content_type, bytes } => {
                let part = || {
                    let body = reqwest::Body::from(bytes.clone());
                    reqwest::multipart::Part::stream_with_length(body, bytes.len() as u64).file_name(file_name.clone())
                };
                // `load` checked the content type; should it fail here, the part goes without one.
                let file = match content_type {
                    Some(content_type) => part().mime_str(content_type).unwrap_or_else(|_| part()),
                    None => part(),
                };
                form.part(*name, file)
            }
        };
    }
    form
}
