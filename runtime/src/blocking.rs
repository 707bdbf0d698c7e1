//! What the generated `blocking::Client` runs on (feature `blocking`): a
//! current-thread tokio runtime of its own, started on first use and shared
//! by clones, and a blocking [`Download`] that reads like a file.

use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use super::codes::Codes;
use super::download;
use super::error::Error;

/// The runtime a blocking client drives its calls on.
#[derive(Clone, Default)]
pub struct Runtime {
    inner: Arc<OnceLock<Result<tokio::runtime::Runtime, String>>>,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").field("started", &self.inner.get().is_some()).finish()
    }
}

impl Runtime {
    /// Runs `call` to completion on this thread.
    ///
    /// Inside an async runtime this is an error (blocking there would stall
    /// its other tasks; tokio would panic): use the async `Client` there.
    pub fn block_on<C, T>(&self, call: impl Future<Output = Result<T, Error<C>>>) -> Result<T, Error<C>> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(
                "the blocking client was called inside an async runtime; use the async `Client` there".to_owned(),
            ));
        }
        let runtime = self.inner.get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("the blocking client cannot start its runtime: {e}"))
        });
        match runtime {
            Ok(runtime) => runtime.block_on(call),
            Err(reason) => Err(Error::Config(reason.clone())),
        }
    }
}

/// A file being received, read without async.
#[derive(Debug)]
pub struct Download<C> {
    inner: download::Download<C>,
    runtime: Runtime,
    /// What a `read` has taken of the current chunk so far.
    pending: Bytes,
}

impl<C: Codes> Download<C> {
    /// Wraps an async download to read on `runtime`.
    pub fn new(inner: download::Download<C>, runtime: Runtime) -> Self {
        Download { inner, runtime, pending: Bytes::new() }
    }

    /// The `Content-Type` the server declared.
    pub fn content_type(&self) -> Option<&str> {
        self.inner.content_type()
    }

    /// The size the server declared, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.inner.content_length()
    }

    /// The file name from `Content-Disposition`, safe to join to a folder
    /// (see the async [`crate::Download::file_name`]).
    pub fn file_name(&self) -> Option<&str> {
        self.inner.file_name()
    }

    /// The file name exactly as the server sent it; never join it to a folder unchecked.
    pub fn raw_file_name(&self) -> Option<&str> {
        self.inner.raw_file_name()
    }

    /// The next chunk, or `None` at the end.
    pub fn chunk(&mut self) -> Result<Option<Bytes>, Error<C>> {
        if !self.pending.is_empty() {
            return Ok(Some(std::mem::take(&mut self.pending)));
        }
        let inner = &mut self.inner;
        self.runtime.block_on(inner.chunk())
    }

    /// Writes the whole file to `writer` and returns its size.
    pub fn write_to<W: io::Write + ?Sized>(mut self, writer: &mut W) -> Result<u64, Error<C>> {
        let mut written = 0;
        while let Some(chunk) = self.chunk()? {
            writer.write_all(&chunk).map_err(download::write_failed)?;
            written += chunk.len() as u64;
        }
        Ok(written)
    }

    /// Saves the file at `path`, whole or not at all (see the async `save`).
    pub fn save(self, path: impl AsRef<Path>) -> Result<u64, Error<C>> {
        let Download { inner, runtime, pending } = self;
        if !pending.is_empty() {
            return Err(Error::Config("a download already partly read cannot be saved".to_owned()));
        }
        runtime.block_on(inner.save(path))
    }
}

/// The file, as a reader; a failed chunk is an `io::Error` carrying the [`Error`].
impl<C: Codes> io::Read for Download<C> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            match self.chunk().map_err(io::Error::other)? {
                Some(chunk) => self.pending = chunk,
                None => return Ok(0),
            }
        }
        let taken = buffer.len().min(self.pending.len());
        let head = self.pending.split_to(taken);
        match buffer.get_mut(..taken) {
            Some(slot) => slot.copy_from_slice(&head),
            None => return Ok(0),
        }
        Ok(taken)
    }
}
