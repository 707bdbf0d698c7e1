//! The hand-written runtime that generated code calls: signing, transport,
//! the envelope, errors and the small types the schema's extensions need.
//! Nothing here knows any particular operation.

#[cfg(feature = "blocking")]
pub mod blocking;
mod builder;
pub mod callback;
mod comma_set;
mod core;
mod credentials;
mod download;
pub mod envelope;
mod error;
mod file;
mod id;
pub mod json;
pub mod multipart;
mod operation;
mod options;
mod retry;
pub mod signing;
mod trace;
pub mod validate;

pub use builder::{ClientBuilder, FromCore};
pub use callback::{ACK, Callback, CallbackError};
pub use comma_set::{CommaSet, UnknownValue};
pub use core::Core;
pub use credentials::Credentials;
pub use download::Download;
pub use error::{ApiError, CallInfo, DecodeError, Error, TransportError, TransportKind};
pub use file::FilePart;
pub use id::{Id, InvalidId};
pub use multipart::Multipart;
pub use operation::{Input, Method, Operation};
pub use options::{
    CallOptions, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_TOTAL_TIMEOUT,
    RetryPolicy,
};
pub use retry::RetryClass;
pub use signing::signed_headers;
pub use signing::{Clock, NonceSource, SignatureMode, SystemClock, UuidNonces};
pub use validate::Validate;

/// Includes the files the generator wrote into `OUT_DIR` + `$dir`: the
/// `models` module, `Client`, `operations`, `ResponseCode` and `Server`.
#[doc(hidden)]
#[macro_export]
macro_rules! include_generated {
    ($dir:literal) => {
        /// The API's data types, generated from `#/components/schemas`.
        ///
        /// Request types are built with `new(required…)` and setters; answer
        /// types are read from their public fields.
        pub mod models {
            include!(concat!(env!("OUT_DIR"), $dir, "/models.rs"));
            include!(concat!(env!("OUT_DIR"), $dir, "/requests.rs"));
            include!(concat!(env!("OUT_DIR"), $dir, "/callbacks.rs"));
        }
        mod codes {
            include!(concat!(env!("OUT_DIR"), $dir, "/codes.rs"));
        }
        pub use codes::ResponseCode;
        mod servers {
            include!(concat!(env!("OUT_DIR"), $dir, "/servers.rs"));
        }
        pub use servers::Server;
        mod client {
            include!(concat!(env!("OUT_DIR"), $dir, "/client.rs"));
        }
        pub use client::{Client, operations};
        /// A synchronous client with the same methods (feature `blocking`).
        #[cfg(feature = "blocking")]
        pub mod blocking {
            include!(concat!(env!("OUT_DIR"), $dir, "/blocking.rs"));
        }
        /// The OpenAPI schema this code was generated from.
        pub const SCHEMA_JSON: &str = include_str!(concat!(env!("OUT_DIR"), $dir, "/schema.json"));
    };
}
