//! A dry run (`CallOptions::dry_run`): what a call would send, built by the
//! same steps as a real call (validated, encoded, files read, signed), then
//! not sent. The credentials in it are shown as `<redacted>`.

use std::fmt;

use reqwest::header::HeaderMap;

use crate::multipart::Ready;
use crate::signing::{ACCESS_TOKEN_HEADER, AGENT_ACCESS_TOKEN_HEADER, AGENT_SIGNATURE_HEADER, SIGNATURE_HEADER};

/// What a call would have sent: returned in `Error::DryRun` by a handle made
/// with `CallOptions::dry_run()`. Its `Display` reads like the HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Preview {
    /// The operation id.
    pub operation: &'static str,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The whole URL, query included.
    pub url: String,
    /// The headers, the access token and signature as `<redacted>`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: PreviewBody,
}

/// The body of a [`Preview`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreviewBody {
    /// None (a GET).
    None,
    /// JSON text.
    Json(String),
    /// Multipart parts, in order: a text part's text, a file part's name,
    /// size and content type.
    Multipart(Vec<PreviewPart>),
}

/// One part of a multipart [`PreviewBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreviewPart {
    /// A text part.
    Text {
        /// The part's name.
        name: String,
        /// Its text.
        text: String,
    },
    /// A file part.
    File {
        /// The part's name.
        name: String,
        /// The file's name.
        file_name: String,
        /// Its size.
        bytes: usize,
        /// Its content type, when set.
        content_type: Option<String>,
    },
}

/// The headers as shown: credentials redacted, the rest as text.
pub(crate) fn shown_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let secret = [ACCESS_TOKEN_HEADER, SIGNATURE_HEADER, AGENT_ACCESS_TOKEN_HEADER, AGENT_SIGNATURE_HEADER]
                .contains(&name.as_str())
                || value.is_sensitive();
            let text = if secret { "<redacted>".to_owned() } else { value.to_str().unwrap_or("<not text>").to_owned() };
            (name.as_str().to_owned(), text)
        })
        .collect()
}

impl fmt::Display for Preview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)?;
        for (name, value) in &self.headers {
            write!(f, "\n{name}: {value}")?;
        }
        match &self.body {
            PreviewBody::None => Ok(()),
            PreviewBody::Json(text) => write!(f, "\n\n{text}"),
            PreviewBody::Multipart(parts) => {
                f.write_str("\n")?;
                for part in parts {
                    match part {
                        PreviewPart::Text { name, text } => write!(f, "\n[part {name}] {text}")?,
                        PreviewPart::File { name, file_name, bytes, content_type } => {
                            let media = content_type.as_deref().unwrap_or("no content type");
                            write!(f, "\n[part {name}] file {file_name}, {bytes} bytes, {media}")?;
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// The parts as a dry run shows them.
pub(crate) fn parts(parts: &[(&'static str, Ready)]) -> Vec<PreviewPart> {
    parts
        .iter()
        .map(|(name, part)| match part {
            Ready::Text(text) => PreviewPart::Text { name: (*name).to_owned(), text: text.clone() },
            Ready::File { file_name, content_type, bytes } => PreviewPart::File {
                name: (*name).to_owned(),
                file_name: file_name.clone(),
                bytes: bytes.len(),
                content_type: content_type.clone(),
            },
        })
        .collect()
}
