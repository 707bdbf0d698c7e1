//! A strict local stand-in for the 契约锁 (QiYueSuo) API, served from any
//! schema `qiyuesuo-schema` accepts. Users reach it as `qiyuesuo::mock`
//! (feature `mock`), where it serves the client's own schema by default.
//!
//! It serves every operation of the schema's IR: it checks the signing headers
//! as the gateway does, validates each request against its schema with a JSON
//! Schema validator, answers with the schema's success example (fresh values
//! where the schema marks `x-qys-fresh`), and follows scenario rules that
//! answer with a documented code, inject a fault, or deliver a callback.
//! Operations with an `x-qys-state` rule (the contract lifecycle) act on a
//! bounded in-memory contract store instead of answering their example.
//!
//! Callbacks go to the URL the request named and nowhere else (redirects are
//! not followed), and of each receiver's reply the mock reads at most 4 KiB
//! ([`MAX_ACK_BYTES`]: the acknowledgement is a few bytes). A request's body,
//! on the API's paths and on the sign pages alike, must arrive within the
//! read timeout ([`DEFAULT_READ_TIMEOUT`], [`MockBuilder::read_timeout`]).
//!
//! Everything a client can make it hold, answer or print is bounded: the
//! constants below, each with its builder setting where it has one (the
//! `qiyuesuo::mock` module lists them in one table).
//!
//! `MockServer<A>` is generic over the generated client `A` it serves
//! ([`Served`]), so [`MockServer::client`] returns that client.

#![deny(missing_docs)]

mod auth;
mod bounds;
mod contracts;
mod journal;
mod listener;
mod persist;
mod scenario;
mod server;
mod spec;

use std::fmt;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use qiyuesuo_runtime::__private::FromCore;
use qiyuesuo_runtime::{ClientBuilder, Error};

pub use auth::{DEFAULT_NONCE_CAPACITY, NONCE_WINDOW_MS, TIMESTAMP_WINDOW_MS};
pub use bounds::{MAX_MESSAGE_CHARS, MAX_PROBLEMS, MAX_VALUE_BYTES};
pub use contracts::{DEFAULT_MAX_CONTRACTS, DEFAULT_MAX_STORED_BYTES, Decision, MAX_PAGE_BYTES};
pub use journal::{BODY_CAPACITY, LOG_CAPACITY};
pub use listener::{DEFAULT_DOWNLOAD_TIME, DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_TIMEOUT};
pub use scenario::{Expectation, Fault, Rule};
pub use server::{MAX_ACK_BYTES, MAX_DELIVERIES_IN_FLIGHT, MAX_DELIVERIES_PENDING};

use server::State;

/// The access token the mock accepts unless told otherwise.
pub const DEFAULT_ACCESS_TOKEN: &str = "mock-access-token";
/// The access secret the mock accepts unless told otherwise.
pub const DEFAULT_ACCESS_SECRET: &str = "mock-access-secret";
/// The agent's token (SaaS mode) the mock accepts unless told otherwise.
pub const DEFAULT_AGENT_TOKEN: &str = "mock-agent-token";
/// The agent's secret (SaaS mode) the mock accepts unless told otherwise.
pub const DEFAULT_AGENT_SECRET: &str = "mock-agent-secret";

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The address could not be bound.
    #[error("the mock cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    /// The schema could not be read.
    #[error("the mock cannot serve this schema: {0}")]
    Schema(String),
    /// A scenario rule is wrong; the message counts rules from 1, as a
    /// scenario file's reader does.
    #[error("scenario rule {}: {reason}", .index + 1)]
    Rule {
        /// Its position, from 0.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A scenario file could not be read.
    #[error("scenario file {0}: {1}")]
    ScenarioFile(String, String),
    /// What [`MockServer::verify`] found missing or extra.
    #[error("the mock did not receive what the test expected: {}", .0.join("; "))]
    Unmet(Vec<String>),
    /// The kept state ([`MockBuilder::state_dir`]) could not be read or written.
    #[error("the mock's kept state: {0}")]
    State(String),
    /// An expectation is wrong; the message counts from 1.
    #[error("expectation {}: {reason}", .index + 1)]
    Expectation {
        /// Its position, from 0.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A contract step asked of [`MockServer::act`] cannot happen now.
    #[error("the mock's contract cannot move: {0}")]
    Contract(String),
}

/// One request the mock answered: never its headers; its decoded fields
/// for the newest entries ([`BODY_CAPACITY`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogEntry {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// The operation, once routed.
    pub operation: Option<String>,
    /// HTTP status sent (0 when the connection was dropped).
    pub http_status: u16,
    /// The envelope's code, if one was sent.
    pub code: Option<i64>,
    /// What happened, in a few words.
    pub outcome: String,
    /// The request's decoded fields (the query, the JSON body, or the form
    /// with each file by its name), once it was routed and read: kept for
    /// the newest [`BODY_CAPACITY`] entries, and only up to 16 KiB of JSON
    /// text (a larger one says how large it was).
    pub request: Option<serde_json::Value>,
}

impl fmt::Display for LogEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mock: {} {}", self.method, self.path)?;
        if let Some(operation) = &self.operation {
            write!(f, " ({operation})")?;
        }
        write!(f, " -> HTTP {}", self.http_status)?;
        if let Some(code) = self.code {
            write!(f, " code {code}")?;
        }
        write!(f, ": {}", self.outcome)
    }
}

/// A generated client the mock can serve: the schema it was generated from.
pub trait Served: FromCore {
    /// The schema, as embedded in the generated crate.
    const SCHEMA_JSON: &'static str;
}

/// Settings for a [`MockServer`].
pub struct MockBuilder<A> {
    addr: String,
    schema: Option<String>,
    access_token: String,
    access_secret: String,
    agent_token: String,
    agent_secret: String,
    require_nonce: bool,
    rules: Vec<Rule>,
    print_log: bool,
    read_timeout: std::time::Duration,
    download_time: std::time::Duration,
    state_dir: Option<std::path::PathBuf>,
    max_connections: usize,
    nonce_capacity: usize,
    max_contracts: usize,
    max_stored_bytes: usize,
    stateless: bool,
    api: PhantomData<fn() -> A>,
}

impl<A> fmt::Debug for MockBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockBuilder")
            .field("addr", &self.addr)
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

impl<A: Served> MockBuilder<A> {
    /// Where to listen (`127.0.0.1:0`, a free port, by default).
    pub fn addr(mut self, addr: impl Into<String>) -> Self {
        self.addr = addr.into();
        self
    }

    /// Serves another schema than the client's own (a copy with more
    /// operations, say); it is checked as the generator checks one.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// The credentials to accept.
    pub fn credentials(mut self, access_token: impl Into<String>, access_secret: impl Into<String>) -> Self {
        self.access_token = access_token.into();
        self.access_secret = access_secret.into();
        self
    }

    /// The agent's credentials to accept (SaaS mode): the agent operations
    /// need them, and any request that carries them is checked against them.
    pub fn agent_credentials(mut self, agent_token: impl Into<String>, agent_secret: impl Into<String>) -> Self {
        self.agent_token = agent_token.into();
        self.agent_secret = agent_secret.into();
        self
    }

    /// Refuses requests without a nonce (the three-header legacy form is accepted by default).
    pub fn require_nonce(mut self, require: bool) -> Self {
        self.require_nonce = require;
        self
    }

    /// Adds a scenario rule.
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Adds the rules of a scenario file (`{"rules": [...]}`).
    pub fn scenario_file(mut self, path: &Path) -> Result<Self, MockError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| MockError::ScenarioFile(shown.clone(), e.to_string()))?;
        let file: scenario::ScenarioFile =
            serde_json::from_str(&text).map_err(|e| MockError::ScenarioFile(shown, e.to_string()))?;
        self.rules.extend(file.rules);
        Ok(self)
    }

    /// Prints a line per request on standard error (`qys mock` does). Lines
    /// that standard error cannot take in time are dropped and counted,
    /// never waited for.
    pub fn print_log(mut self, print: bool) -> Self {
        self.print_log = print;
        self
    }

    /// How long a request's headers, its body, or the next request on a kept-alive
    /// connection may take before the connection is closed (10 s by default);
    /// also how long an answer may wait for its reader to take any of it.
    pub fn read_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Starts from the contracts kept in `dir`, if any, and keeps them there
    /// when [`MockServer::save_state`] is called: a mock whose contracts
    /// outlive it (as `qys`'s embedded mock's do between commands). Two mocks
    /// must not use one directory at once; the caller serialises them.
    pub fn state_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// How long a file answer (a document, a contract's ZIP) may take to reach
    /// its reader before the connection is closed ([`DEFAULT_DOWNLOAD_TIME`]).
    pub fn download_time(mut self, time: std::time::Duration) -> Self {
        self.download_time = time;
        self
    }

    /// Connections served at once (512 by default); further ones wait to be accepted.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections;
        self
    }

    /// Nonces remembered within the 10-minute window (100,000 by default).
    /// Past this, requests are refused as rate limited: a nonce is never
    /// forgotten early, so none can be replayed.
    pub fn nonce_capacity(mut self, nonces: usize) -> Self {
        self.nonce_capacity = nonces;
        self
    }

    /// How many contracts the mock keeps (default [`DEFAULT_MAX_CONTRACTS`]);
    /// a draft past it is refused with the mock's `MOCK_CAPACITY` code.
    pub fn max_contracts(mut self, contracts: usize) -> Self {
        self.max_contracts = contracts;
        self
    }

    /// How many bytes of uploaded documents the mock keeps (default
    /// [`DEFAULT_MAX_STORED_BYTES`]); a document past it is refused likewise.
    pub fn max_stored_bytes(mut self, bytes: usize) -> Self {
        self.max_stored_bytes = bytes;
        self
    }

    /// Answers every operation from the schema's examples, keeping no
    /// contracts (the lifecycle's `x-qys-state` rules are not applied): for
    /// tests of how answers decode rather than of a flow.
    pub fn stateless(mut self) -> Self {
        self.stateless = true;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<MockServer<A>, MockError> {
        let spec = spec::Spec::parse(self.schema.as_deref().unwrap_or(A::SCHEMA_JSON)).map_err(MockError::Schema)?;
        for (index, rule) in self.rules.iter().enumerate() {
            rule.check(&spec).map_err(|reason| MockError::Rule { index, reason })?;
        }
        let listener =
            tokio::net::TcpListener::bind(&self.addr).await.map_err(|e| MockError::Bind(self.addr.clone(), e))?;
        let addr = listener.local_addr().map_err(|e| MockError::Bind(self.addr.clone(), e))?;
        let limits = contracts::Limits { contracts: self.max_contracts, bytes: self.max_stored_bytes };
        let contracts = contracts::Contracts::new(limits, &spec);
        if let Some(dir) = &self.state_dir
            && let Some(saved) = persist::load(dir).map_err(MockError::State)?
        {
            contracts.restore(saved).map_err(MockError::State)?;
        }
        let state = Arc::new(State {
            spec,
            gate: auth::Gate::new(
                auth::Pair::company(self.access_token.clone(), self.access_secret.clone()),
                auth::Pair::agent(self.agent_token.clone(), self.agent_secret.clone()),
                self.require_nonce,
                self.nonce_capacity,
            ),
            rules: Mutex::new(self.rules.into_iter().map(Arc::new).collect()),
            expectations: Mutex::new(Vec::new()),
            journal: journal::Journal::new(self.print_log),
            read_timeout: self.read_timeout,
            download_time: self.download_time,
            contracts,
            base_url: format!("http://{addr}"),
            stateful: !self.stateless,
            deliveries: server::Deliveries::new(),
            runtime: tokio::runtime::Handle::current(),
            callback_client: std::sync::OnceLock::new(),
        });
        let task = tokio::spawn(listener::serve(listener, Arc::clone(&state), self.max_connections));
        Ok(MockServer {
            addr,
            state_dir: self.state_dir,
            access_token: self.access_token,
            access_secret: self.access_secret,
            agent_token: self.agent_token,
            agent_secret: self.agent_secret,
            state,
            task,
            api: PhantomData,
        })
    }
}

/// A running mock. It stops when dropped.
pub struct MockServer<A> {
    addr: SocketAddr,
    state_dir: Option<std::path::PathBuf>,
    access_token: String,
    access_secret: String,
    agent_token: String,
    agent_secret: String,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
    api: PhantomData<fn() -> A>,
}

impl<A> fmt::Debug for MockServer<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer").field("base_url", &self.base_url()).finish_non_exhaustive()
    }
}

impl<A> MockServer<A> {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl<A: Served> MockServer<A> {
    /// Settings, starting from a free loopback port, the client's schema and
    /// the default credentials.
    pub fn builder() -> MockBuilder<A> {
        MockBuilder {
            addr: "127.0.0.1:0".to_owned(),
            schema: None,
            access_token: DEFAULT_ACCESS_TOKEN.to_owned(),
            access_secret: DEFAULT_ACCESS_SECRET.to_owned(),
            agent_token: DEFAULT_AGENT_TOKEN.to_owned(),
            agent_secret: DEFAULT_AGENT_SECRET.to_owned(),
            require_nonce: false,
            rules: Vec::new(),
            print_log: false,
            read_timeout: DEFAULT_READ_TIMEOUT,
            download_time: DEFAULT_DOWNLOAD_TIME,
            state_dir: None,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            nonce_capacity: DEFAULT_NONCE_CAPACITY,
            max_contracts: DEFAULT_MAX_CONTRACTS,
            max_stored_bytes: DEFAULT_MAX_STORED_BYTES,
            stateless: false,
            api: PhantomData,
        }
    }

    /// A mock with the defaults.
    pub async fn start() -> Result<MockServer<A>, MockError> {
        MockServer::builder().start().await
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The access token it accepts.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The access secret it accepts.
    pub fn access_secret(&self) -> &str {
        &self.access_secret
    }

    /// The agent's token it accepts (SaaS mode).
    pub fn agent_token(&self) -> &str {
        &self.agent_token
    }

    /// The agent's secret it accepts (SaaS mode).
    pub fn agent_secret(&self) -> &str {
        &self.agent_secret
    }

    /// A client for this mock with its credentials.
    pub fn client(&self) -> Result<A, Error<A::Codes>> {
        ClientBuilder::<A>::new(&self.base_url(), self.access_token.as_str(), self.access_secret.as_str()).build()
    }

    /// A client for this mock as its agent (SaaS mode) acting for its
    /// company: both pairs sign every request, so it calls every operation.
    pub fn agent_client(&self) -> Result<A, Error<A::Codes>> {
        ClientBuilder::<A>::new_agent(&self.base_url(), self.agent_token.as_str(), self.agent_secret.as_str())
            .credentials(self.access_token.as_str(), self.access_secret.as_str())
            .build()
    }

    /// Adds a scenario rule while running; it applies after the earlier ones.
    pub fn add_rule(&self, rule: Rule) -> Result<(), MockError> {
        let index = self.state.rules.lock().map(|r| r.len()).unwrap_or_default();
        rule.check(&self.state.spec).map_err(|reason| MockError::Rule { index, reason })?;
        if let Ok(mut rules) = self.state.rules.lock() {
            rules.push(Arc::new(rule));
        }
        Ok(())
    }

    /// The other party acts in a contract being signed: the signatory whose
    /// receiver has `contact` signs its current step (or approves it), or
    /// rejects the contract, when it is that signatory's turn. The contract
    /// moves on as the API's would, and its callbacks follow. Outside the API:
    /// a test's stand-in for the person or company on the other side.
    pub fn act(&self, contract_id: qiyuesuo_runtime::Id, contact: &str, decision: Decision) -> Result<(), MockError> {
        let id =
            u64::try_from(contract_id.get()).map_err(|_| MockError::Contract(format!("no contract {contract_id}")))?;
        let events = self.state.contracts.act(id, contact, decision).map_err(MockError::Contract)?;
        let deliveries = events.into_iter().map(|e| server::contract_delivery(&self.state, e)).collect();
        server::dispatch(&self.state, deliveries);
        Ok(())
    }

    /// Writes the contracts to the builder's [`MockBuilder::state_dir`]
    /// (nothing without one).
    pub fn save_state(&self) -> Result<(), MockError> {
        let Some(dir) = &self.state_dir else { return Ok(()) };
        persist::save(dir, &self.state.contracts.save()).map_err(MockError::State)
    }

    /// How many contracts the mock holds.
    pub fn contract_count(&self) -> usize {
        self.state.contracts.len()
    }

    /// Expects requests (see [`Expectation`]); [`MockServer::verify`] checks.
    pub fn expect(&self, expectation: Expectation) -> Result<(), MockError> {
        let index = self.state.expectations.lock().map(|e| e.len()).unwrap_or_default();
        expectation.check(&self.state.spec).map_err(|reason| MockError::Expectation { index, reason })?;
        if let Ok(mut expectations) = self.state.expectations.lock() {
            expectations.push(Arc::new(expectation));
        }
        Ok(())
    }

    /// Whether every [`Expectation`] got exactly its number of requests;
    /// call it at the end of a test (`mock.verify()?`). It never panics.
    pub fn verify(&self) -> Result<(), MockError> {
        let expectations = self.state.expectations.lock().map(|e| e.clone()).unwrap_or_default();
        let unmet: Vec<String> = expectations.iter().filter_map(|e| e.unmet()).collect();
        if unmet.is_empty() { Ok(()) } else { Err(MockError::Unmet(unmet)) }
    }

    /// The requests answered so far, oldest first: the last [`LOG_CAPACITY`].
    pub fn log(&self) -> Vec<LogEntry> {
        self.state.journal.entries()
    }
}

/// A mock serving on a thread of its own, for tests without an async
/// runtime (`MockBuilder::start_blocking`): every [`MockServer`] method is
/// here, through `Deref`. It stops when dropped.
pub struct BlockingMockServer<A> {
    server: MockServer<A>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl<A> std::ops::Deref for BlockingMockServer<A> {
    type Target = MockServer<A>;

    fn deref(&self) -> &MockServer<A> {
        &self.server
    }
}

impl<A> fmt::Debug for BlockingMockServer<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BlockingMockServer").field(&self.server).finish()
    }
}

impl<A> Drop for BlockingMockServer<A> {
    fn drop(&mut self) {
        // Its runtime stops (and with it the serving), then the server's
        // handle drops, flushing its log.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl<A: Served + 'static> MockServer<A> {
    /// A mock with the defaults, for a test without an async runtime.
    pub fn start_blocking() -> Result<BlockingMockServer<A>, MockError> {
        MockServer::builder().start_blocking()
    }
}

impl<A: Served + 'static> MockBuilder<A> {
    /// Starts the mock on a thread of its own with its own runtime: for a
    /// test suite without one (the blocking client's).
    pub fn start_blocking(self) -> Result<BlockingMockServer<A>, MockError> {
        let (started, ready) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("qiyuesuo-mock".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                let runtime = match runtime {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = started.send(Err(MockError::Bind("a runtime of its own".to_owned(), e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let _ = started.send(self.start().await);
                    let _ = stopped.await;
                });
            })
            .map_err(|e| MockError::Bind("a thread of its own".to_owned(), e))?;
        let server = ready
            .recv()
            .map_err(|_| MockError::Bind("a thread of its own".to_owned(), std::io::Error::other("it ended")))??;
        Ok(BlockingMockServer { server, stop: Some(stop), thread: Some(thread) })
    }
}

impl<A> Drop for MockServer<A> {
    fn drop(&mut self) {
        self.task.abort();
        // What it printed reaches stderr, unless stderr is not being read.
        self.state.journal.flush(std::time::Duration::from_millis(500));
    }
}
