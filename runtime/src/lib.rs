//! The runtime of the generated 契约锁 (QiYueSuo) client: signing, transport,
//! retries, the answer envelope, errors, and the small types the schema's
//! extensions need. It knows no schema and no operation: generated code hands
//! it each operation's description ([`__private::Operation`]) and the API's
//! response codes (a [`Codes`] type), and this crate compiles and tests alone.
//!
//! Three surfaces, kept apart:
//!
//! - the items at this crate's root and in [`signing`] and [`blocking`]: the
//!   user API, which the `qiyuesuo` crate re-exports as `qiyuesuo::runtime`;
//! - [`__private`]: what generated code calls. Not for users: it changes
//!   whenever the generator does;
//! - [`__hooks`]: entry points for this project's mock, benchmarks and fuzz
//!   targets. Not for users either.

#![deny(missing_docs)]

mod answer;
#[cfg(feature = "blocking")]
pub mod blocking;
mod builder;
mod callback;
mod codes;
mod comma_set;
mod core;
mod credentials;
mod download;
mod envelope;
mod error;
mod file;
mod http;
mod id;
mod json;
mod multipart;
mod operation;
mod options;
mod pages;
mod preview;
mod printable;
mod retry;
mod secret;
pub mod signing;
mod trace;
mod validate;

pub use builder::ClientBuilder;
pub use callback::{ACK, ACK_CONTENT_TYPE, Callback, CallbackError, FormKind};
pub use codes::{Codes, RetryClass};
pub use comma_set::{CommaSet, UnknownValue};
pub use download::Download;
pub use error::{ApiError, CallInfo, DecodeError, Error, TransportError, TransportKind};
pub use file::{FilePart, MAX_UPLOAD_BYTES};
/// What the generated `…_all` methods of paged operations return (as a
/// [`PageStream`]); consume it with [`StreamExt`] (`next`, `try_collect`, …).
pub use futures_util::Stream;
/// `next`, `try_collect` and the rest for a [`PageStream`]: `use
/// qiyuesuo::runtime::StreamExt as _;` is the one import a walk needs.
pub use futures_util::StreamExt;
pub use id::{Id, InvalidId};
pub use options::{
    CallOptions, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOTAL_TIMEOUT,
};
pub use pages::{
    DEFAULT_WALK_MAX_ITEMS, DEFAULT_WALK_MAX_TIME, PageStream, TotalShown, Walk, WalkError, WalkLimits, WalkStop,
    pages, pages_blocking,
};
pub use preview::{Preview, PreviewBody, PreviewPart};
/// The HTTP client crate, for `ClientBuilder::http_client`: the same version
/// the runtime uses.
pub use reqwest;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use signing::{Clock, NonceSource, SignatureMode, SystemClock, UuidNonces};
pub use validate::{FieldPath, Validate};

/// What generated code calls. Not part of the API: do not use it; it changes
/// whenever the generator does.
#[doc(hidden)]
pub mod __private {
    pub use crate::builder::FromCore;
    pub use crate::callback::parse_form;
    pub use crate::core::Core;
    pub use crate::json::{from_value, null_as_default, to_value, unknown_operation, wrong_answer_kind};
    pub use crate::multipart::{Multipart, Parts};
    pub use crate::operation::{Input, Method, Operation};
    pub use crate::pages::{Total, pages, pages_blocking};
    /// The checks generated `validate` methods make.
    pub mod validate {
        pub use crate::validate::*;
    }
    #[cfg(feature = "blocking")]
    pub use crate::blocking::Runtime;
}

/// Entry points for this project's mock, benchmarks and fuzz targets: the
/// answer decoder, the signer and each phase of a call, callable on their
/// own. Not part of the API.
#[doc(hidden)]
pub mod __hooks {
    pub use crate::builder::is_loopback;
    pub use crate::core::phases;
    pub use crate::credentials::{AgentCredentials, Credentials};
    pub use crate::envelope::{Answer, decode_answer, decode_result};
    pub use crate::printable::terminal_safe;
    pub use crate::secret::without_userinfo;
    pub use crate::signing::{Keys, SignedHeaders, SigningKey};
}
