//! Scenarios: rules that make the mock answer a matching request with a
//! documented code, or with a fault. Generic across operations; loaded from
//! code or from a JSON file (`qys mock --scenario FILE`):
//!
//! ```json
//! {"rules": [
//!   {"operation": "companyAuthMiniappTicket", "when": {"companyName": "已认证公司"}, "code": 1605},
//!   {"when": {"applicant.contact": "13800000000"}, "fault": "drop_connection", "times": 1}
//! ]}
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use serde::Deserialize;
use serde_json::{Map, Value};

use super::spec::Spec;

/// The largest download a rule may ask for.
const MAX_DOWNLOAD_BYTES: u64 = 1 << 30;

/// A fault to inject instead of (or before) an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// An HTML page with HTTP 502, as a proxy in front of the API sends.
    #[serde(rename = "html_502")]
    Html502,
    /// A success answer cut off halfway: the connection closes mid-body.
    TruncatedBody,
    /// The connection closes without an answer.
    DropConnection,
}

/// One rule. Every condition given must hold; the first matching rule wins.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[non_exhaustive]
pub struct Rule {
    /// Only this operation (its `operationId`); any when absent.
    #[serde(default)]
    pub operation: Option<String>,
    /// Fields of the request (dotted paths such as `applicant.contact`) and the values they must have.
    #[serde(default)]
    pub when: Map<String, Value>,
    /// Answer with this documented code.
    #[serde(default)]
    pub code: Option<i64>,
    /// The message to send with `code`; its documented message when absent.
    #[serde(default)]
    pub message: Option<String>,
    /// The HTTP status to send with `code` (200 when absent).
    #[serde(default)]
    pub status: Option<u16>,
    /// Wait this long first.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Inject a fault.
    #[serde(default)]
    pub fault: Option<Fault>,
    /// Apply to the first `times` matching requests only.
    #[serde(default)]
    pub times: Option<u32>,
    /// After a success answer, send the operation's callback to the URL the
    /// request gave: the schema's example payload with these fields set.
    #[serde(default)]
    pub callback: Option<Map<String, Value>>,
    /// Answer a download with this many bytes (filler, not a valid archive),
    /// for streaming tests.
    #[serde(default)]
    pub download_bytes: Option<u64>,
    #[serde(skip)]
    used: AtomicU32,
}

impl Rule {
    /// A rule for `operation` (or any, with `None`) that holds when every
    /// `when` field has its value.
    pub fn new(operation: Option<&str>, when: impl IntoIterator<Item = (&'static str, Value)>) -> Self {
        Rule {
            operation: operation.map(str::to_owned),
            when: when.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            code: None,
            message: None,
            status: None,
            delay_ms: None,
            fault: None,
            times: None,
            callback: None,
            download_bytes: None,
            used: AtomicU32::new(0),
        }
    }

    /// After a success answer, sends the operation's callback with these fields set.
    pub fn callback(mut self, fields: impl IntoIterator<Item = (&'static str, Value)>) -> Self {
        self.callback = Some(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect());
        self
    }

    /// Answers a download with `bytes` bytes of filler.
    pub fn download_bytes(mut self, bytes: u64) -> Self {
        self.download_bytes = Some(bytes);
        self
    }

    /// Answers with `code` and its documented message.
    pub fn code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }

    /// Answers with this message instead of the documented one.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sends this HTTP status with the code.
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Waits before answering.
    pub fn delay_ms(mut self, delay_ms: u64) -> Self {
        self.delay_ms = Some(delay_ms);
        self
    }

    /// Injects a fault.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Applies to the first `times` matching requests only.
    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    /// Whether the rule holds for this request, counting the use when it does.
    pub(crate) fn take(&self, operation: &str, input: &Value) -> bool {
        if self.operation.as_deref().is_some_and(|o| o != operation) {
            return false;
        }
        let holds = self.when.iter().all(|(path, expected)| field(input, path) == Some(expected));
        if !holds {
            return false;
        }
        match self.times {
            None => true,
            Some(limit) => self.used.fetch_add(1, Ordering::SeqCst) < limit,
        }
    }

    /// Checks the rule against the schema: known operation, documented code.
    pub(crate) fn check(&self, spec: &Spec) -> Result<(), String> {
        if let Some(operation) = &self.operation
            && spec.api.operation(operation).is_none()
        {
            return Err(format!("operation `{operation}` is not in the schema"));
        }
        if let Some(code) = self.code
            && spec.code(code).is_none()
        {
            return Err(format!("code {code} is not documented in the schema"));
        }
        if self.code.is_some() && self.fault.is_some() {
            return Err("a rule answers with a `code` or a `fault`, not both".to_owned());
        }
        let acts = self.code.is_some()
            || self.fault.is_some()
            || self.delay_ms.is_some()
            || self.callback.is_some()
            || self.download_bytes.is_some();
        if !acts {
            return Err("a rule needs a `code`, a `fault`, a `delay_ms`, a `callback` or `download_bytes`".to_owned());
        }
        let routes = || spec.api.operations.iter().filter(|op| self.operation.as_ref().is_none_or(|o| &op.id == o));
        if self.callback.is_some() && !routes().any(|r| !r.callbacks.is_empty()) {
            return Err("`callback` needs an operation that declares a callback".to_owned());
        }
        if self.download_bytes.is_some() && !routes().any(|r| r.file.is_some()) {
            return Err("`download_bytes` needs an operation that answers a file".to_owned());
        }
        // The mock holds a download in memory.
        if self.download_bytes.is_some_and(|bytes| bytes > MAX_DOWNLOAD_BYTES) {
            return Err(format!("`download_bytes` is at most {MAX_DOWNLOAD_BYTES} (1 GiB)"));
        }
        Ok(())
    }
}

/// A JSON file of rules: `{"rules": [...]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioFile {
    pub rules: Vec<Rule>,
}

/// The value at a dotted path (`applicant.contact`).
fn field<'a>(input: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(input, |value, key| value.get(key))
}
