//! A strict local stand-in for the QiYueSuo API, serving this crate's schema
//! (feature `mock`; the server itself is the `qiyuesuo-mock` crate).
//!
//! It serves every operation of the schema: it checks the signing headers as
//! the gateway does, validates each request against its schema with a JSON
//! Schema validator, answers with the schema's success example (fresh values
//! where the schema marks `x-qys-fresh`), and follows scenario rules that
//! answer with a documented code, inject a fault, or deliver a callback.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use qiyuesuo::mock::{MockServer, Rule};
//! use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
//!
//! let mock = MockServer::start().await?;
//! mock.add_rule(Rule::new(Some("companyAuthMiniappTicket"), [("companyName", "已认证公司".into())]).code(1605))?;
//! let client = mock.client()?;
//! let request = CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile));
//! let ticket = client.company_auth_miniapp_ticket(&request).await?;
//! # Ok(()) }
//! ```
//!
//! | check | answer |
//! | --- | --- |
//! | a signing header missing | HTTP 441, `HEADER REQUIRED,<header>` |
//! | unknown access token | HTTP 442, `INVALID TOKEN` |
//! | wrong signature | HTTP 443, `INVALID SIGNATURE` (the mock's own code) |
//! | timestamp more than 5 minutes off | HTTP 444, `TIMESTAMP EXPIRED` (the mock's own code) |
//! | nonce used within 10 minutes | HTTP 445, `NONCE REUSED` (the mock's own code) |
//! | no operation at the method and path | HTTP 404 or 405, code 1001 (the mock's own answer) |
//! | body or query not valid for the operation | HTTP 200, code 1005, `INVALID PARAM,<field>: <reason>` |

pub use qiyuesuo_mock::{
    DEFAULT_ACCESS_SECRET, DEFAULT_ACCESS_TOKEN, Fault, LogEntry, MockError, NONCE_WINDOW_MS, Rule, TIMESTAMP_WINDOW_MS,
};

/// A running mock of this crate's API; [`MockServer::client`] gives a [`crate::Client`] for it.
pub type MockServer = qiyuesuo_mock::MockServer<crate::Client>;

/// Settings for a [`MockServer`].
pub type MockBuilder = qiyuesuo_mock::MockBuilder<crate::Client>;

impl qiyuesuo_mock::Served for crate::Client {
    const SCHEMA_JSON: &'static str = crate::SCHEMA_JSON;
}
