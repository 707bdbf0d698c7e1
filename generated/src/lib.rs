//! A typed, signed client for the 契约锁 (QiYueSuo) open platform API,
//! generated from its OpenAPI schema. The generated code ships as source:
//! a build compiles it and runs no generator (unless feature `codegen`).
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
//!   `result` of the answer envelope or an [`Error`]; `blocking::Client`
//!   (feature `blocking`) has the same methods without async. The methods
//!   are listed by domain (contracts, templates, seals, …, SaaS agent), one
//!   `impl` block each. Where no source documents an answer, the method
//!   returns its `result` as a `serde_json::Value` (`null` when absent)
//!   rather than a type this crate would have to invent; its docs say so.
//! - [`models`]: request types (required fields in `new`, optional ones as
//!   setters) and answer types (enums in answers are open: `Unknown(String)`).
//!   Names say which side a type is on: a request's closed enum is a
//!   `…Type` (`TenantType`, `ActionType`), the open enum an answer carries
//!   for the same values a `…Kind` (`TenantKind`, `ActionKind`), so a match
//!   on an answer always has its `Unknown` arm. Look-alike request types are
//!   kept apart where the API's values differ (`ContactType` for
//!   verification, `ContractContactType` for contracts, which adds
//!   `EMPLOYEEID`, `NUMBER` and `BIZID`); the narrow one converts into the
//!   wide one (`ContractUser::from(user)`, `.into()`).
//!   A contract is named by a [`models::ContractRef`] (its id, or your
//!   `bizId`), a required argument of every request that finds one; paged
//!   lists have `…_all` methods that walk every page lazily as a
//!   [`runtime::PageStream`] (an `Iterator` on the blocking client), within
//!   [`runtime::WalkLimits`].
//! - [`ResponseCode`]: every code the schema documents, with its message.
//! - [`runtime`]: signing, transport, errors, ids, files, downloads and
//!   callbacks, shared by all operations.
//!
//! # Configuration
//!
//! [`Client::new`] takes a [`Server`] (or any base URL), the AppToken and the
//! AppSecret; [`Client::builder`] changes the defaults: connect timeout 3 s,
//! 30 s per attempt, 60 s per call, 3 attempts with full-jitter backoff from
//! 0.5 s, answers up to 16 MiB, the four-header signature with a fresh nonce
//! on every attempt. [`Client::with_options`] gives one call other timeouts or
//! retries. Plain `http` is refused except to loopback; TLS is always verified
//! unless `danger_accept_invalid_certs` says otherwise.
//!
//! ```no_run
//! # fn run() -> Result<(), qiyuesuo::Error> {
//! use std::time::Duration;
//! use qiyuesuo::runtime::{CallOptions, RetryPolicy};
//!
//! let client = qiyuesuo::Client::builder(qiyuesuo::Server::Production, "app-token", "app-secret")
//!     .total_timeout(Duration::from_secs(20))
//!     .retry_policy(RetryPolicy::default().max_attempts(2))
//!     .build()?;
//! let patient = client.with_options(CallOptions::new().attempt_timeout(Duration::from_secs(120)))?;
//! # let _ = patient; Ok(()) }
//! ```
//!
//! # SaaS (agent) mode
//!
//! An agent (代理商) serves other companies through its own pair of
//! credentials: the agent operations (`saas_…`, paths `/saas/v2/…`) are
//! signed with it, in the headers `x-qys-open-agentaccesstoken` and
//! `x-qys-open-agentsignature` (the same MD5 over the agent's token and
//! secret, the timestamp and the nonce). To act for a company it serves,
//! the agent adds that company's pair: every request then carries both
//! signatures over one timestamp and nonce, and reaches every operation.
//!
//! ```no_run
//! # async fn run() -> Result<(), qiyuesuo::Error> {
//! use qiyuesuo::{Client, Server};
//!
//! let agent = Client::agent_builder(Server::Sandbox, "agent-token", "agent-secret").build()?;
//! let binding = agent.saas_binding().await?; // JSON: no source documents it
//! let for_company = Client::agent_builder(Server::Sandbox, "agent-token", "agent-secret")
//!     .credentials("company-app-token", "company-app-secret")
//!     .build()?;
//! # let _ = (binding, for_company); Ok(()) }
//! ```
//!
//! A client without the pair an operation needs refuses it before sending
//! (`Error::Config`, naming the operation). The mock checks both pairs
//! (`MockServer::agent_client`, `MockBuilder::agent_credentials`).
//!
//! # Errors and codes
//!
//! Every failure is one [`Error`]: `Api` when the API answered `code != 0`
//! (its [`ResponseCode`], message, HTTP status), `InvalidRequest` when the
//! request breaks the schema (nothing was sent), `Config`, `Transport` (no
//! usable answer), `Decode` (an answer that is not the envelope) and `Io` (a
//! download could not be saved). Each shows the operation and the call's
//! request id, attempts and time, never the secret.
//!
//! ```no_run
//! # async fn run(client: &qiyuesuo::Client, request: &qiyuesuo::models::CompanyAuthMiniappTicketRequest) {
//! use qiyuesuo::ResponseCode;
//! match client.company_auth_miniapp_ticket(request).await {
//!     Ok(ticket) => println!("{}", ticket.ticket),
//!     Err(error) if error.code() == Some(ResponseCode::CompanyAlreadyAuthed) => println!("already verified"),
//!     Err(error) if error.is_retryable() => eprintln!("try again later: {error}"),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```
//!
//! # Retries
//!
//! A call is retried only when that is safe: a request that was never sent,
//! always; timeouts, broken connections, 429/502/503/504 and the codes the
//! schema marks `retry: idempotent` only for operations safe to repeat (every
//! GET, and those marked `x-qys-idempotent`, such as the ticket operations);
//! codes marked `retry: always` (rate limiting) for any operation. Each
//! attempt is signed anew; a retry budget shared by clones stops retry storms.
//!
//! # Uploads, downloads and ids
//!
//! Multipart operations take files as [`runtime::FilePart`] (bytes, or a path
//! read before anything is sent). Downloads return a [`runtime::Download`]:
//! chunks, a stream, an `AsyncRead`, or `save(path)`, whole or not at all; an
//! error envelope in the file's place is an `Error::Api`. The API's 19-digit
//! ids are [`runtime::Id`], exact whether the JSON has a string or a number.
//!
//! # Callbacks
//!
//! Verification results arrive as form-encoded POSTs to the `callbackUrl` you
//! gave. Each payload type parses the raw body with one call; answer
//! [`runtime::ACK`] once it is handled.
//!
//! A callback proves nothing by itself: the API documents no signature on
//! these callbacks, so anyone who learns the URL can send one. Give each
//! `callbackUrl` an unguessable token of your own and refuse callbacks without
//! one you issued; before acting on a result, read it from the API
//! (`company_auth_result`, `personal_auth_result`), which your signed client
//! can trust. The repository's `examples/integrator` shows both.
//!
//! ```
//! use qiyuesuo::models::CompanyAuthCallback;
//!
//! let callback = CompanyAuthCallback::from_form(b"status=1&actionEvent=7&requestId=42").unwrap();
//! assert_eq!((callback.status, callback.action_event), (1, Some(7)));
//! let malformed = CompanyAuthCallback::from_form(b"status=yes").unwrap_err();
//! assert!(malformed.to_string().contains("status: expected a whole number"));
//! ```
//!
//! # The contract lifecycle
//!
//! A draft names its signatories; a document makes it sendable; the sponsor
//! signs its step; the other party signs through the link it is sent (or the
//! mock's `act`); the callbacks and `contract_detail` say where it stands; the
//! signed documents download as a ZIP. A contract is named by a
//! [`models::ContractRef`]: its id, or your own `bizId`.
//!
//! ```no_run
//! # async fn run(client: &qiyuesuo::Client) -> Result<(), qiyuesuo::Error> {
//! use qiyuesuo::models::{
//!     ActionType, ContractContactType, ContractDetailRequest, ContractDownloadRequest, ContractListRequest,
//!     ContractRef, ContractSendRequest, ContractSignRequest, ContractUser, DocumentAddByFileRequest, DraftAction,
//!     DraftContractRequest, DraftSignatory, FileSuffix, TenantType,
//! };
//! use qiyuesuo::runtime::{FilePart, StreamExt as _};
//!
//! let company = DraftSignatory::new(TenantType::Company)
//!     .tenant_name("Example Co., Ltd.")
//!     .actions([DraftAction::new(ActionType::Company)]);
//! let person = DraftSignatory::new(TenantType::Personal)
//!     .tenant_name("张三")
//!     .receiver(ContractUser::new("10020033044", ContractContactType::Mobile));
//! let draft = DraftContractRequest::new().subject("Service agreement").biz_id("order-1").signatories([company, person]);
//! let id = client.contract_draft(&draft).await?.id;
//! let contract = ContractRef::id(id);
//! let pdf = FilePart::from_path("contract.pdf"); // read when the call is made
//! client.document_add_by_file(&DocumentAddByFileRequest::new(contract.clone(), "正文", pdf, FileSuffix::Pdf)).await?;
//! client.contract_send(&ContractSendRequest::new(contract.clone())).await?;
//! client.contract_company_sign(&ContractSignRequest::new(contract.clone())).await?;
//! // … the person signs; then:
//! let detail = client.contract_detail(&ContractDetailRequest::new(contract.clone())).await?;
//! println!("{:?}", detail.status);
//! client.contract_download(&ContractDownloadRequest::new(contract)).await?.save("contract.zip").await?;
//! let mut signing = client.contract_list_all(&ContractListRequest::new().select_limit(100));
//! while let Some(contract) = signing.next().await {
//!     println!("{}", contract?.id);
//! }
//! # Ok(()) }
//! ```
//!
//! # Testing with the mock
//!
//! With the `mock` feature, `mock::MockServer` serves every operation of the
//! schema on loopback: it checks signatures as the gateway does, validates
//! requests, keeps contracts, answers from the schema's examples, and follows
//! rules that answer a documented code, a scripted result, a fault, or a
//! callback. Rules and expectations name operations by their generated
//! constants ([`operations`]) and codes by [`ResponseCode`]; each is checked
//! against the schema when it is added. Answers and errors for unit tests
//! are built without JSON: every answer type has `new(required…)` and setters,
//! and [`Error::api`] makes the error a code would give.
//!
//! ```no_run
//! # #[cfg(feature = "mock")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use qiyuesuo::mock::{Decision, Expectation, MockServer, Rule};
//! use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, TicketResult, User};
//! use qiyuesuo::{Error, ResponseCode, operations};
//!
//! let mock = MockServer::start().await?;
//! // A documented code for one company, a scripted result for the rest.
//! mock.add_rule(
//!     Rule::on(&operations::COMPANY_AUTH_MINIAPP_TICKET, [("companyName", "已认证公司".into())])
//!         .api_code(ResponseCode::CompanyAlreadyAuthed),
//! )?;
//! mock.add_rule(Rule::on(&operations::COMPANY_AUTH_MINIAPP_TICKET, []).result(TicketResult::new("scripted-1")))?;
//! mock.expect(Expectation::on(&operations::COMPANY_AUTH_MINIAPP_TICKET, []).times(2))?;
//!
//! let client = mock.client()?;
//! let request = |name: &str| CompanyAuthMiniappTicketRequest::new(name, User::new("12312378900", ContactType::Mobile));
//! let error = client.company_auth_miniapp_ticket(&request("已认证公司")).await.unwrap_err();
//! assert_eq!(error.code(), Some(ResponseCode::CompanyAlreadyAuthed));
//! assert_eq!(client.company_auth_miniapp_ticket(&request("别的公司")).await?.ticket, "scripted-1");
//! mock.verify()?; // both calls arrived, as expected
//! assert_eq!(mock.log().len(), 2); // each with its decoded request
//!
//! // The other party of a contract signs (or rejects) its step.
//! # let contract_id = qiyuesuo::runtime::Id::new(1);
//! mock.act(contract_id, "10020033044", Decision::Sign)?;
//!
//! // The same error, built directly, for a unit test of your own handling.
//! let already = Error::api("companyAuthMiniappTicket", ResponseCode::CompanyAlreadyAuthed, "COMPANY ALREADY AUTHED");
//! # let _ = already; Ok(()) }
//! ```
//!
//! # Features
//!
//! `rustls` (default: TLS; without it only plain `http` to loopback works),
//! `tracing` (default: a `qiyuesuo.call` span per call and an event per
//! attempt), `blocking` (the synchronous client), `mock` (the mock server),
//! `call-json` (`Client::call_json` and `download_json`: any operation by its
//! id with JSON in and out, for tools such as `qys`), `codegen` (generate the
//! client from the schema at build time; with `QIYUESUO_SCHEMA=path`, from
//! another one).

// Generated code names this crate `::qiyuesuo`, so the same output compiles
// here and in any crate that includes generated code (the fixture tests).
#![deny(missing_docs)]

extern crate self as qiyuesuo;

/// Signing, transport, errors, ids, files, downloads and callbacks: the
/// hand-written runtime (`qiyuesuo-runtime`), shared by all operations.
///
/// Its error and download types are generic over an API's response codes;
/// this crate's own are [`crate::Error`] and `Download<ResponseCode>`.
pub mod runtime {
    pub use qiyuesuo_runtime::*;
}

/// What generated code calls; not part of the API.
#[doc(hidden)]
pub use qiyuesuo_runtime::__private;

#[cfg(feature = "mock")]
pub mod mock;

mod convert;

// The generated code: committed in `src/generated/` (what integrators
// compile), or, with the `codegen` feature, generated from the schema by
// `build.rs` into `OUT_DIR`. A test in this workspace keeps the two equal.
#[cfg(not(feature = "codegen"))]
include_generated!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/generated"));
#[cfg(feature = "codegen")]
include_generated!(env!("OUT_DIR"));

/// The API answered with `code != 0`: its code typed as [`ResponseCode`].
pub type ApiError = runtime::ApiError<ResponseCode>;

pub use runtime::{DecodeError, TransportKind};

/// Includes the generated files in the folder `$dir` (a string expression
/// such as `concat!(env!("OUT_DIR"), "/fixtures/shapes")`): the `models`
/// module, `Client`, `operations`, `ResponseCode`, `Error` and `Server`.
/// Not part of the API: this project's fixture tests compile other schemas'
/// output with it.
#[doc(hidden)]
#[macro_export]
macro_rules! include_generated {
    ($($dir:tt)+) => {
        /// The API's data types, generated from `#/components/schemas`.
        ///
        /// Request types are built with `new(required…)` and setters; answer
        /// types are read from their public fields.
        pub mod models {
            include!(concat!($($dir)+, "/models.rs"));
            include!(concat!($($dir)+, "/requests.rs"));
            include!(concat!($($dir)+, "/callbacks.rs"));
        }
        mod codes {
            include!(concat!($($dir)+, "/codes.rs"));
        }
        pub use codes::{Error, ResponseCode};
        mod servers {
            include!(concat!($($dir)+, "/servers.rs"));
        }
        pub use servers::Server;
        mod client {
            include!(concat!($($dir)+, "/client.rs"));
        }
        pub use client::{Client, operations};
        /// A synchronous client with the same methods (feature `blocking`).
        #[cfg(feature = "blocking")]
        pub mod blocking {
            include!(concat!($($dir)+, "/blocking.rs"));
        }
    };
}

/// The repository README's examples, compiled as doc tests.
#[cfg(all(doctest, feature = "mock"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The crate README's examples (what crates.io shows), compiled as doc tests.
#[cfg(all(doctest, feature = "mock"))]
#[doc = include_str!("../README.md")]
pub struct CrateReadmeDoctests;
