//! A file the API sends back (a contract's ZIP, a PDF), streamed: never held
//! in memory whole. The answer is checked before a `Download` exists: an
//! error envelope on a download path is an `Error::Api`, never a file.

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

use super::codes::Codes;
use super::error::{CallInfo, DecodeError, Error, TransportError, TransportKind};
use super::operation::Operation;

/// What bounds a download: each chunk's wait, the whole call's time, and
/// (optionally) the file's size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// How long each chunk may take (the attempt timeout).
    pub idle: Duration,
    /// The call's total timeout, which the whole download is within.
    pub total: Duration,
    /// The largest file accepted.
    pub max_bytes: Option<u64>,
}

/// A file being received.
///
/// Each chunk must arrive within the attempt timeout of the one before, and
/// the whole download within the call's total timeout; a file larger than
/// `max_download_bytes` (when set) is an error, read no further.
pub struct Download<C> {
    response: reqwest::Response,
    /// The first chunk, read to tell a file from an error envelope.
    first: Option<Bytes>,
    op: &'static Operation,
    call: CallInfo,
    started: Instant,
    limits: Limits,
    received: u64,
    codes: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for Download<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.op.id)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

impl<C> Download<C> {
    /// The `Content-Type` the server declared.
    pub fn content_type(&self) -> Option<&str> {
        self.response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// The size the server declared, if it did.
    pub fn content_length(&self) -> Option<u64> {
        // From the header: reqwest's own figure shrinks as the body is read.
        let header = self.response.headers().get(reqwest::header::CONTENT_LENGTH)?;
        header.to_str().ok()?.parse().ok()
    }

    /// The file name the server sent in `Content-Disposition`, safe to join
    /// to a folder: its last path component, and only if that is a plain
    /// name (not `.`, `..` or empty, no control characters). `None` otherwise;
    /// [`Download::raw_file_name`] has the name as sent.
    pub fn file_name(&self) -> Option<&str> {
        safe_file_name(self.raw_file_name()?)
    }

    /// The file name exactly as the server sent it in `Content-Disposition`:
    /// it may hold a path (`../../etc/x.pdf`) or control characters, so never
    /// join it to a folder unchecked; [`Download::file_name`] is the safe form.
    pub fn raw_file_name(&self) -> Option<&str> {
        let disposition = self.response.headers().get(reqwest::header::CONTENT_DISPOSITION)?.to_str().ok()?;
        disposition.split(';').map(str::trim).find_map(|p| p.strip_prefix("filename=")).map(|n| n.trim_matches('"'))
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }
}

/// The last path component of `raw`, if it is a plain file name.
fn safe_file_name(raw: &str) -> Option<&str> {
    let name = raw.rsplit(['/', '\\']).next()?;
    let plain = !matches!(name, "" | "." | "..") && !name.chars().any(char::is_control);
    plain.then_some(name)
}

impl<C: Codes> Download<C> {
    pub(crate) fn new(
        response: reqwest::Response,
        first: Option<Bytes>,
        op: &'static Operation,
        call: CallInfo,
        limits: Limits,
    ) -> Self {
        // The call started `call.elapsed` ago; its deadline and errors count from there.
        let started = Instant::now().checked_sub(call.elapsed).unwrap_or_else(Instant::now);
        Download { response, first, op, call, started, limits, received: 0, codes: PhantomData }
    }

    /// The next chunk, or `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error<C>> {
        let next = match self.first.take() {
            Some(first) => Some(first),
            None => {
                let remaining = (self.started + self.limits.total).saturating_duration_since(Instant::now());
                let (wait, kind) = if remaining < self.limits.idle {
                    (remaining, TransportKind::CallTimeout)
                } else {
                    (self.limits.idle, TransportKind::Timeout)
                };
                match tokio::time::timeout(wait, self.response.chunk()).await {
                    Ok(Ok(chunk)) => chunk,
                    Ok(Err(source)) => return Err(self.broken(TransportKind::Other, Some(source.without_url()))),
                    Err(_) => return Err(self.broken(kind, None)),
                }
            }
        };
        if let Some(chunk) = &next {
            let received = self.received + chunk.len() as u64;
            if let Some(max) = self.limits.max_bytes.filter(|max| received > *max) {
                return Err(self.too_large(format!("more than {}", received - 1), max));
            }
            self.received = received;
        }
        Ok(next)
    }

    /// The chunks as a stream.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error<C>>> + Send + 'static {
        futures_util::stream::try_unfold(self, |mut download| async move {
            Ok(download.chunk().await?.map(|chunk| (chunk, download)))
        })
    }

    /// The file as an `AsyncRead`, for `tokio::io::copy` and the like.
    pub fn into_async_read(self) -> impl AsyncRead + Send + Unpin + 'static {
        use futures_util::TryStreamExt;
        tokio_util::io::StreamReader::new(Box::pin(self.into_stream().map_err(std::io::Error::other)))
    }

    /// Writes the whole file to `writer` and returns its size.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(mut self, writer: &mut W) -> Result<u64, Error<C>> {
        while let Some(chunk) = self.chunk().await? {
            writer.write_all(&chunk).await.map_err(write_failed)?;
        }
        writer.flush().await.map_err(write_failed)?;
        Ok(self.received)
    }

    /// Saves the file at `path` and returns its size. It is written beside
    /// `path` first and renamed once complete, so `path` never holds half a file.
    ///
    /// The partial file has a fresh random name and is created new (a file or
    /// link already there is never opened, so a planted symlink cannot
    /// redirect the write), readable by its owner only (on Unix: mode 0600,
    /// less the umask), which the saved file keeps. It is removed on any error,
    /// and also when this future is dropped before it completes (a timeout
    /// around it, a cancelled task).
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64, Error<C>> {
        let path = path.as_ref();
        let partial = Partial { path: partial_path(path), kept: false };
        let io = |what: String| move |source| Error::Io { what, source };
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file =
            options.open(&partial.path).await.map_err(io(format!("cannot create {}", partial.path.display())))?;
        let written = self.write_to(&mut file).await?;
        drop(file);
        tokio::fs::rename(&partial.path, path)
            .await
            .map_err(io(format!("cannot move the download to {}", path.display())))?;
        partial.keep();
        Ok(written)
    }

    fn broken(&self, kind: TransportKind, source: Option<reqwest::Error>) -> Error<C> {
        let call = CallInfo { elapsed: self.started.elapsed(), ..self.call.clone() };
        Error::Transport(Box::new(TransportError { operation: self.op.id, kind, call, source, host: None }))
    }

    /// The file is larger than the cap: `size` bytes (or "more than N").
    fn too_large(&self, size: String, max: u64) -> Error<C> {
        Error::Decode(Box::new(DecodeError {
            operation: self.op.id,
            http_status: self.response.status().as_u16(),
            content_type: self.content_type().map(str::to_owned),
            body_sample: String::new(),
            reason: over_download_cap(size, max),
            call: CallInfo { elapsed: self.started.elapsed(), ..self.call.clone() },
        }))
    }
}

/// Why a file over `max_download_bytes` is refused (`size`: its bytes, or "more than N").
pub(crate) fn over_download_cap(size: impl fmt::Display, max: u64) -> String {
    format!("the file is {size} bytes, over the cap of {max} (`max_download_bytes`)")
}

/// A writer refused the download's bytes.
pub(crate) fn write_failed<C>(source: std::io::Error) -> Error<C> {
    Error::Io { what: "cannot write the download".to_owned(), source }
}

/// A file being written beside its destination; removed when dropped unless kept.
struct Partial {
    path: PathBuf,
    kept: bool,
}

impl Partial {
    /// The file was renamed into place: nothing to remove.
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.kept {
            // Synchronous: a destructor cannot wait, and this is one small call.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// `.NAME.RANDOM.part` beside `path`: a name no one can plant in advance.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{:016x}.part", fastrand::u64(..)));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn a_file_name_is_its_last_plain_component() {
        assert_eq!(safe_file_name("contract.zip"), Some("contract.zip"));
        assert_eq!(safe_file_name("../../etc/evil.pdf"), Some("evil.pdf"));
        assert_eq!(safe_file_name("..\\..\\windows\\evil.pdf"), Some("evil.pdf"));
        assert_eq!(safe_file_name("/abs/"), None);
        assert_eq!(safe_file_name(".."), None);
        assert_eq!(safe_file_name("a\u{1b}]0;title\u{7}.pdf"), None);
        assert_eq!(safe_file_name("合同.pdf"), Some("合同.pdf"));
    }
}
