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
    /// Answer success with this `result`, checked against the operation's
    /// answer type when the rule is added (an unknown field is an error).
    #[serde(default)]
    pub result: Option<Value>,
    /// `code` need not be in the schema: for testing how a client meets a
    /// code it does not know.
    #[serde(default)]
    pub undocumented: bool,
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
            result: None,
            undocumented: false,
            used: AtomicU32::new(0),
        }
    }

    /// [`Rule::new`] naming the operation by its generated constant
    /// (`qiyuesuo::operations::COMPANY_AUTH_MINIAPP_TICKET`), so a typo is a
    /// compile error.
    pub fn on(
        operation: &qiyuesuo_runtime::__private::Operation,
        when: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Self {
        Rule::new(Some(operation.id), when)
    }

    /// Answers success with this `result` (a generated answer type, e.g.
    /// `TicketResult::new("t-1")`, or JSON), checked against the operation's
    /// answer type when the rule is added.
    pub fn result(mut self, result: impl serde::Serialize) -> Self {
        self.result = Some(serde_json::to_value(result).unwrap_or(Value::Null));
        self
    }

    /// Answers with this code of the generated `ResponseCode`.
    pub fn api_code(self, code: impl qiyuesuo_runtime::Codes) -> Self {
        self.code(code.code())
    }

    /// Answers with a code the schema does not document (the client's
    /// `ResponseCode::Unknown` path) and this message.
    pub fn undocumented_code(mut self, code: i64, message: impl Into<String>) -> Self {
        self.code = Some(code);
        self.message = Some(message.into());
        self.undocumented = true;
        self
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

    /// Whether the request is of the rule's operation (if it names one) with
    /// every `when` field at its value.
    fn matches(&self, operation: &str, input: &Value) -> bool {
        self.operation.as_deref().is_none_or(|o| o == operation)
            && self.when.iter().all(|(path, expected)| field(input, path).is_some_and(|value| same(value, expected)))
    }

    /// Whether the rule holds for this request, counting the use when it does.
    pub(crate) fn take(&self, operation: &str, input: &Value) -> bool {
        if !self.matches(operation, input) {
            return false;
        }
        match self.times {
            None => true,
            Some(limit) => self.used.fetch_add(1, Ordering::SeqCst) < limit,
        }
    }

    /// Checks the rule against the schema: a known operation, conditions on
    /// its request's fields with values of their types, a documented code, a
    /// result of its answer type.
    pub(crate) fn check(&self, spec: &Spec) -> Result<(), String> {
        if let Some(operation) = &self.operation
            && spec.api.operation(operation).is_none()
        {
            let ids = spec.api.operations.iter().map(|op| op.id.as_str());
            return Err(format!("operation `{operation}` is not in the schema{}", suggestion(operation, ids)));
        }
        self.check_conditions(spec)?;
        if let Some(code) = self.code
            && spec.code(code).is_none()
            && !self.undocumented
        {
            return Err(format!(
                "code {code} is not documented in the schema (`undocumented_code` answers one on purpose)"
            ));
        }
        if let Some(result) = &self.result {
            let Some(op) = self.operation.as_deref().and_then(|o| spec.api.operation(o)) else {
                return Err("`result` needs the rule's `operation`".to_owned());
            };
            spec.check_result(op, result).map_err(|problem| format!("`result` for `{}`: {problem}", op.id))?;
            if self.code.is_some() || self.fault.is_some() {
                return Err("a rule answers with a `result`, a `code` or a `fault`, one of them".to_owned());
            }
        }
        if self.code.is_some() && self.fault.is_some() {
            return Err("a rule answers with a `code` or a `fault`, not both".to_owned());
        }
        let acts = self.code.is_some()
            || self.result.is_some()
            || self.fault.is_some()
            || self.delay_ms.is_some()
            || self.callback.is_some()
            || self.download_bytes.is_some();
        if !acts {
            return Err("a rule needs a `code`, a `result`, a `fault`, a `delay_ms`, a `callback` or `download_bytes`"
                .to_owned());
        }
        let routes = || spec.api.operations.iter().filter(|op| self.operation.as_ref().is_none_or(|o| &op.id == o));
        if self.callback.is_some() && !routes().any(|r| !r.callbacks.is_empty()) {
            return Err("`callback` needs an operation that declares a callback".to_owned());
        }
        if self.download_bytes.is_some() && !routes().any(|r| r.download.is_some()) {
            return Err("`download_bytes` needs an operation that answers a file".to_owned());
        }
        // The mock holds a download in memory.
        if self.download_bytes.is_some_and(|bytes| bytes > MAX_DOWNLOAD_BYTES) {
            return Err(format!("`download_bytes` is at most {MAX_DOWNLOAD_BYTES} (1 GiB)"));
        }
        Ok(())
    }
}

impl Rule {
    /// Each `when` path is a field of the operation's request (of some
    /// operation's, for a rule on any), and its value of the field's type:
    /// a rule that could never fire is an error when it is added.
    fn check_conditions(&self, spec: &Spec) -> Result<(), String> {
        let ops: Vec<&qiyuesuo_schema::ir::Operation> = match self.operation.as_deref() {
            Some(id) => spec.api.operation(id).into_iter().collect(),
            None => spec.api.operations.iter().collect(),
        };
        for (path, value) in &self.when {
            let fields = ops.iter().flat_map(|op| &op.fields);
            let found: Vec<&qiyuesuo_schema::ir::InputField> = fields.filter(|f| f.path.join(".") == *path).collect();
            if found.is_empty() {
                let known: Vec<String> = ops.iter().flat_map(|op| &op.fields).map(|f| f.path.join(".")).collect();
                let place = self.operation.as_deref().map_or("any operation's".to_owned(), |o| format!("`{o}`'s"));
                return Err(format!(
                    "`when` field `{path}` is not in {place} request{}",
                    suggestion(path, known.iter().map(String::as_str))
                ));
            }
            if !found.iter().any(|field| fits(field, value)) {
                return Err(format!("`when` field `{path}`: {value} is not a value of its type"));
            }
        }
        Ok(())
    }
}

/// Whether a request's value is a condition's: equal, or an integer and its
/// digits as text (an id may come either way, as the client reads both).
fn same(value: &Value, expected: &Value) -> bool {
    match (value, expected) {
        (Value::String(text), Value::Number(number)) | (Value::Number(number), Value::String(text)) => {
            number.as_u64().is_some_and(|n| n.to_string() == *text)
        }
        _ => value == expected,
    }
}

/// Whether a condition's value could be the field's (as the mock reads it).
fn fits(field: &qiyuesuo_schema::ir::InputField, value: &Value) -> bool {
    use qiyuesuo_schema::ir::ValueKind;
    if field.list {
        return value.is_array();
    }
    match field.kind {
        // An integer for a text field with no fixed values: an id, given as a number.
        ValueKind::Text | ValueKind::File if value.is_u64() => field.values.is_empty(),
        ValueKind::Text | ValueKind::File => {
            value.as_str().is_some_and(|text| field.values.is_empty() || field.values.iter().any(|v| v == text))
        }
        ValueKind::Integer => value.is_i64() || value.is_u64(),
        ValueKind::Number => value.is_number(),
        ValueKind::Boolean => value.is_boolean(),
        ValueKind::JsonText => true,
    }
}

/// " (did you mean `x`?)" for the nearest known name, if one is near.
fn suggestion<'a>(given: &str, known: impl Iterator<Item = &'a str>) -> String {
    let nearest = known
        .map(|name| (strsim::jaro_winkler(given, name), name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    nearest.map(|(_, name)| format!(" (did you mean `{name}`?)")).unwrap_or_default()
}

/// What a test expects the mock to receive: exactly `times` requests of an
/// operation whose fields have the given values (each condition checked
/// against the request schema when it is added, as a rule's is). Checked by
/// `MockServer::verify`, as wiremock's `expect` is on drop.
#[derive(Debug)]
pub struct Expectation {
    matcher: Rule,
    times: u32,
    seen: AtomicU32,
}

impl Expectation {
    /// Requests of `operation` (its generated constant) whose fields match `when`; once, unless
    /// [`Expectation::times`] says otherwise.
    pub fn on(
        operation: &qiyuesuo_runtime::__private::Operation,
        when: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> Self {
        Expectation { matcher: Rule::on(operation, when), times: 1, seen: AtomicU32::new(0) }
    }

    /// Exactly this many matching requests (0: none at all).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// Counts a request that matches.
    pub(crate) fn observe(&self, operation: &str, input: &Value) {
        // An expectation always names its operation (`Expectation::on`).
        if self.matcher.matches(operation, input) {
            self.seen.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Checks the conditions against the schema.
    pub(crate) fn check(&self, spec: &Spec) -> Result<(), String> {
        let operation = self.matcher.operation.as_deref().unwrap_or_default();
        if spec.api.operation(operation).is_none() {
            return Err(format!("operation `{operation}` is not in the schema"));
        }
        self.matcher.check_conditions(spec)
    }

    /// `None` when met, else what was expected and what came.
    pub(crate) fn unmet(&self) -> Option<String> {
        let seen = self.seen.load(Ordering::SeqCst);
        (seen != self.times).then(|| {
            let operation = self.matcher.operation.as_deref().unwrap_or_default();
            let when = if self.matcher.when.is_empty() {
                String::new()
            } else {
                format!(" with {}", Value::Object(self.matcher.when.clone()))
            };
            format!("expected {} request(s) of `{operation}`{when}, received {seen}", self.times)
        })
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
