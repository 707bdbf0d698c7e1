//! The transport: builds, signs, sends and decodes one call. Shared by every
//! generated operation method; nothing here knows any operation.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::envelope::{self, Answer};
use super::error::{DecodeError, Error, TransportKind};
use super::operation::{Input, Method, Operation};
use super::signing::Signer;
use super::validate::Validate;

/// What the API sends JSON bodies as.
const JSON: &str = "application/json;charset=UTF-8";

/// The shared state of a client: HTTP pool, base URL and signer. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    signer: Signer,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("base_url", &self.inner.base_url)
            .field("signature_mode", &self.inner.signer.mode)
            .field("credentials", &self.inner.signer.credentials)
            .finish_non_exhaustive()
    }
}

impl Core {
    pub(crate) fn new(http: reqwest::Client, base_url: String, signer: Signer) -> Self {
        Core { inner: Arc::new(Inner { http, base_url, signer }) }
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Calls `op` and returns its `result`.
    pub async fn send<B, T>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<T, Error>
    where
        B: Serialize + Validate,
        T: DeserializeOwned,
    {
        let answer = self.call(op, input).await?;
        match envelope::decode::<T>(op, &answer.as_answer())? {
            Some(result) => Ok(result),
            None => Err(Error::Decode(Box::new(DecodeError {
                operation: op.id,
                http_status: answer.status,
                content_type: answer.content_type,
                body_sample: DecodeError::sample(&answer.body),
                reason: "code 0 without the documented `result`".to_owned(),
            }))),
        }
    }

    /// Calls `op`, whose answer documents no `result`.
    pub async fn send_without_result<B>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<(), Error>
    where
        B: Serialize + Validate,
    {
        let answer = self.call(op, input).await?;
        envelope::decode::<IgnoredAny>(op, &answer.as_answer()).map(|_| ())
    }

    async fn call<B>(&self, op: &'static Operation, input: Input<'_, B>) -> Result<OwnedAnswer, Error>
    where
        B: Serialize + Validate,
    {
        let invalid = |problems: Vec<String>| Error::InvalidRequest { operation: op.id, problems };
        let url = format!("{}{}", self.inner.base_url, op.path);
        let method = match op.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut request = self.inner.http.request(method, url);
        match input {
            Input::None => {}
            Input::Json(body) => {
                body.validate().map_err(invalid)?;
                let bytes =
                    serde_json::to_vec(body).map_err(|e| invalid(vec![format!("the body cannot be JSON: {e}")]))?;
                request = request.header(CONTENT_TYPE, HeaderValue::from_static(JSON)).body(bytes);
            }
            Input::Query(query) => {
                query.validate().map_err(invalid)?;
                request = request.query(query);
            }
        }
        let headers = self.inner.signer.headers().map_err(|e| invalid(vec![e]))?;
        let request =
            request.headers(headers).build().map_err(|e| invalid(vec![format!("the request cannot be built: {e}")]))?;

        let transport = |source: reqwest::Error| {
            let kind = if source.is_timeout() {
                TransportKind::Timeout
            } else if source.is_connect() {
                TransportKind::Connect
            } else {
                TransportKind::Other
            };
            Error::Transport { operation: op.id, kind, source: source.without_url() }
        };
        let response = self.inner.http.execute(request).await.map_err(transport)?;
        let status = response.status().as_u16();
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = response.bytes().await.map_err(transport)?;
        Ok(OwnedAnswer { status, content_type, body })
    }
}

struct OwnedAnswer {
    status: u16,
    content_type: Option<String>,
    body: bytes::Bytes,
}

impl OwnedAnswer {
    fn as_answer(&self) -> Answer<'_> {
        Answer { status: self.status, content_type: self.content_type.clone(), body: &self.body }
    }
}
