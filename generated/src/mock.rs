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
//! | a signing header not of its form (not ASCII; a timestamp not in plain digits; a nonce over 128 characters or not of letters, digits and `-_.~`) | HTTP 446, `HEADER MALFORMED` (the mock's own code) |
//! | more nonces within 10 minutes than the store holds | code 11990006, `RATE LIMITED` |
//! | a JSON operation's `Content-Type` not `application/json` | HTTP 200, code 1005 naming `Content-Type` |
//! | no operation at the method and path | HTTP 404 or 405, code 1001 (the mock's own answer) |
//! | body or query not valid for the operation | HTTP 200, code 1005, `INVALID PARAM,<field>: <reason>` |
//! | neither or both of a one-of (`contractId` or `bizId`) | HTTP 200, code 1005 naming both |
//!
//! The contract lifecycle keeps state, as the schema's `x-qys-state` rules
//! say: `contractDraft` creates a draft, documents attach to drafts only
//! (1101), `contractSend` needs documents (1401), `contractCompanySign` signs
//! the sponsor's step when it is its turn (1107), `contractDetail` and
//! `contractList` show it all, downloads return the uploaded bytes (and a
//! ZIP of them), `contractInvalid` deletes, recalls or invalidates, and each
//! move POSTs the contract callback to the draft's `callbackUrl`.
//! [`MockServer::act`] moves the other party's step; the sign and view links
//! open a small page on the mock with Sign and Reject buttons. An unknown
//! contract is 11011126; past the store's caps, the mock's own 447.
//!
//! The sign pages are a test's stand-in and protect nothing a real signing
//! page does: no login (whoever has a link, or guesses a contract's
//! sequential id and a signer's contact, signs as that signer). They refuse a
//! decision posted from a page of another origin, and after a decision go only
//! to a `callbackPage` a link request named for that contract. `qys mock
//! --addr` warns when it listens beyond loopback.
//!
//! # Bounds
//!
//! Whatever its clients send, the mock holds, answers and prints a bounded
//! amount; each bound, with its default:
//!
//! | what | bound | set by |
//! | --- | --- | --- |
//! | connections at once | [`DEFAULT_MAX_CONNECTIONS`] (512); more wait in the backlog | `max_connections` |
//! | a request's headers and body arriving; an answer waiting for its reader; a kept-alive connection idle | [`DEFAULT_READ_TIMEOUT`] (10 s), then the connection is closed | `read_timeout` |
//! | a file answer being sent | [`DEFAULT_DOWNLOAD_TIME`] (60 s), then the connection is closed | `download_time` |
//! | a request body (JSON or multipart; documents included) | 1 MiB, else code 1005 | |
//! | one text value in a request | [`MAX_VALUE_BYTES`] (64 KiB), else code 1005 naming the field | |
//! | a message answered, recorded or printed | [`MAX_MESSAGE_CHARS`] (512 characters: its start and end), at most [`MAX_PROBLEMS`] (10) problems listed | |
//! | contracts kept | [`DEFAULT_MAX_CONTRACTS`] (20,000), else the mock's 447 | `max_contracts` |
//! | bytes kept: documents and every text value of a contract, with 128 bytes per item | [`DEFAULT_MAX_STORED_BYTES`] (64 MiB), else 447 | `max_stored_bytes` |
//! | a contract's ZIP | made once per set of documents, shared by every download of it (at most its documents' size) | |
//! | a `contractList` page | [`MAX_PAGE_BYTES`] (8 MiB of contracts' text; a walk goes on by the items it got) | |
//! | nonces remembered | [`DEFAULT_NONCE_CAPACITY`] within [`NONCE_WINDOW_MS`], else `RATE LIMITED` | `nonce_capacity` |
//! | the record (`log`) | [`LOG_CAPACITY`] (10,000) entries of at most 256 characters of path and a cut message; the newest [`BODY_CAPACITY`] (1,000) keep their request, up to 16 KiB of JSON each | |
//! | lines printed (`qys mock`) | a queue of 1,024; when standard error is not read, further lines are dropped and counted | |
//! | callbacks | [`MAX_DELIVERIES_IN_FLIGHT`] (32) under way, [`MAX_DELIVERIES_PENDING`] (1,024) waiting or under way (past it dropped, and recorded); 10 s each, 2 attempts, no redirects; [`MAX_ACK_BYTES`] (4 KiB) of a reply read | |

pub use qiyuesuo_mock::{
    BODY_CAPACITY, DEFAULT_ACCESS_SECRET, DEFAULT_ACCESS_TOKEN, DEFAULT_AGENT_SECRET, DEFAULT_AGENT_TOKEN,
    DEFAULT_DOWNLOAD_TIME, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONTRACTS, DEFAULT_MAX_STORED_BYTES,
    DEFAULT_NONCE_CAPACITY, DEFAULT_READ_TIMEOUT, Decision, Expectation, Fault, LOG_CAPACITY, LogEntry, MAX_ACK_BYTES,
    MAX_DELIVERIES_IN_FLIGHT, MAX_DELIVERIES_PENDING, MAX_MESSAGE_CHARS, MAX_PAGE_BYTES, MAX_PROBLEMS, MAX_VALUE_BYTES,
    MockError, NONCE_WINDOW_MS, Rule, TIMESTAMP_WINDOW_MS,
};

/// A running mock of this crate's API; [`MockServer::client`] gives a [`crate::Client`] for it.
///
/// Its methods, documented on [`qiyuesuo_mock::MockServer`]: `start`,
/// `builder` and `start_blocking` to run one; `client` and `agent_client` for
/// clients signed as it expects; `base_url`, `addr`, `access_token`,
/// `access_secret`, `agent_token`, `agent_secret`; `add_rule` (a code, a
/// result, a fault or a callback for matching requests), `expect` and
/// `verify` (what a test expects to receive), `log` (what it received and
/// answered); `act` (the other party signs or rejects), `contract_count`, and
/// `save_state` (with `MockBuilder::state_dir`).
pub type MockServer = qiyuesuo_mock::MockServer<crate::Client>;

/// A [`MockServer`] on a thread of its own, for a test without an async
/// runtime: `MockServer::start_blocking()` or `MockBuilder::start_blocking`.
pub type BlockingMockServer = qiyuesuo_mock::BlockingMockServer<crate::Client>;

/// Settings for a [`MockServer`].
pub type MockBuilder = qiyuesuo_mock::MockBuilder<crate::Client>;

/// The OpenAPI schema this crate's client was generated from: the schema the
/// mock serves.
#[cfg(not(feature = "codegen"))]
pub const SCHEMA_JSON: &str = qiyuesuo_schema::DOCUMENT;
/// The OpenAPI schema this crate's client was generated from: the schema the
/// mock serves.
#[cfg(feature = "codegen")]
pub const SCHEMA_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/schema.json"));

impl qiyuesuo_mock::Served for crate::Client {
    const SCHEMA_JSON: &'static str = SCHEMA_JSON;
}
