//! Errors the generator reports: each names the JSON pointer of the schema entry at fault.

use std::fmt;

/// One problem found in the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// JSON pointer (RFC 6901) of the entry at fault, e.g. `/paths/~1a/post`.
    pub pointer: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "#{pointer}: {}", self.message)
    }
}

/// Every problem found in one run; the generator reports them all at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<SchemaError>);

impl Errors {
    /// A single problem.
    pub fn one(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Errors(vec![SchemaError { pointer: pointer.into(), message: message.into() }])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(f, "the schema has {count} problem{}:", if count == 1 { "" } else { "s" })?;
        for error in &self.0 {
            writeln!(f, "  {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// Collects problems while a stage walks the schema.
#[derive(Debug, Default)]
pub(crate) struct Collector(Vec<SchemaError>);

impl Collector {
    pub(crate) fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(SchemaError { pointer: pointer.into(), message: message.into() });
    }

    /// `Ok(value)` when nothing was collected, else every problem.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Errors> {
        if self.0.is_empty() { Ok(value) } else { Err(Errors(self.0)) }
    }
}
