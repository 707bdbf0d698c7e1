//! A file to upload in a multipart request: bytes already in memory, or a
//! path read once when the call starts (before anything is sent, so a
//! missing file is an invalid request, not a half-sent one).

use std::fmt;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tokio::io::AsyncReadExt;

/// The largest file a part may carry: the API documents 50 MB for a
/// contract's document (`/v2/document/addbyfile`), the largest it states. A
/// larger file is an invalid request, read no further (a path to `/dev/zero`
/// must not fill the memory).
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// A file part of a multipart request.
///
/// In JSON (`Client::call_json`, `qys --json`) a file is written as its path.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    file_name: String,
    content_type: Option<String>,
    source: Source,
}

#[derive(Clone, PartialEq, Eq)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
}

impl FilePart {
    /// A file from bytes in memory, sent under `file_name`.
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FilePart { file_name: file_name.into(), content_type: None, source: Source::Bytes(bytes.into()) }
    }

    /// The file at `path`, sent under its own name; it is read when the call
    /// starts, once for all attempts.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        FilePart { file_name, content_type: None, source: Source::Path(path) }
    }

    /// Sends the part with this `Content-Type` (by default none, which the
    /// server reads as `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The name the file is sent under.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The path it is read from, if it is not in memory.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::Path(path) => Some(path),
            Source::Bytes(_) => None,
        }
    }

    /// The `Content-Type` it is sent with, if set.
    pub fn mime(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The contents: the bytes, or the file read now; at most [`MAX_UPLOAD_BYTES`].
    pub(crate) async fn load(&self) -> Result<Bytes, String> {
        let too_large = || format!("the file is larger than the API's limit of {MAX_UPLOAD_BYTES} bytes (50 MiB)");
        match &self.source {
            Source::Bytes(bytes) if bytes.len() as u64 > MAX_UPLOAD_BYTES => Err(too_large()),
            Source::Bytes(bytes) => Ok(bytes.clone()),
            Source::Path(path) => {
                let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
                let file = tokio::fs::File::open(path).await.map_err(cannot)?;
                // One byte past the limit tells a file over it, whatever its metadata says.
                let mut contents = Vec::new();
                file.take(MAX_UPLOAD_BYTES + 1).read_to_end(&mut contents).await.map_err(cannot)?;
                if contents.len() as u64 > MAX_UPLOAD_BYTES {
                    return Err(too_large());
                }
                Ok(Bytes::from(contents))
            }
        }
    }
}

/// Shows the name and where the bytes are, never the bytes.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("FilePart");
        out.field("file_name", &self.file_name).field("content_type", &self.content_type);
        match &self.source {
            Source::Bytes(bytes) => out.field("bytes", &bytes.len()),
            Source::Path(path) => out.field("path", path),
        };
        out.finish()
    }
}

/// The path for a file on disk, the file name for one in memory.
impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.source {
            Source::Path(path) => serializer.collect_str(&path.display()),
            Source::Bytes(_) => serializer.serialize_str(&self.file_name),
        }
    }
}

/// A path: what a file is in JSON.
impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let path = String::deserialize(deserializer)?;
        if path.is_empty() {
            return Err(serde::de::Error::custom("a file is given by its path, and this one is empty"));
        }
        Ok(FilePart::from_path(path))
    }
}
