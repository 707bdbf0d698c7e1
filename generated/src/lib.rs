//! A typed, signed client for the 契约锁 (QiYueSuo) open platform API,
//! generated at build time from `schema/qiyuesuo.openapi.json`.
//!
//! ```no_run
//! use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};
//! use qiyuesuo::{Client, Server};
//!
//! # async fn run() -> Result<(), qiyuesuo::Error> {
//! let client = Client::new(Server::Sandbox, "app-token", "app-secret")?;
//! let request = CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
//!     .callback_url("https://example.com/qys/callback");
//! let ticket = client.company_auth_miniapp_ticket(&request).await?;
//! println!("ticket: {}", ticket.ticket);
//! # Ok(())
//! # }
//! ```
//!
//! - [`Client`]: one async method per operation, each returning the typed
//!   `result` of the answer envelope or an [`Error`].
//! - [`models`]: request and answer types.
//! - [`ResponseCode`]: every code the schema documents.
//! - [`runtime`]: signing, transport and errors, shared by all operations.
//!
//! Features: `rustls` (default: TLS; without it only plain `http` to
//! loopback works), `tracing` (default: a span per call), `mock` (the
//! schema-driven mock server, [`mock`]).

// Generated code names this crate `::qiyuesuo`, so the same output compiles
// here and in any crate that includes generated code (the fixture tests).
#![deny(missing_docs)]

extern crate self as qiyuesuo;

pub mod runtime;

#[cfg(feature = "mock")]
pub mod mock;

include_generated!("");

pub use runtime::{ApiError, DecodeError, Error, TransportKind};

/// The README's examples, compiled as doc tests.
#[cfg(all(doctest, feature = "mock"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
