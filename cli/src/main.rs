//! `qys`: the 契约锁 (QiYueSuo) API from a shell. One subcommand per schema
//! operation, flags from the request schema, the result as JSON on stdout.

mod args;
mod config_file;
mod guide;
mod index;
mod input;
mod output;
mod profile;
mod schema;
mod secret;
mod server;
mod state;

use std::process::ExitCode;
use std::time::Duration;

use qiyuesuo::mock::{
    DEFAULT_ACCESS_SECRET, DEFAULT_ACCESS_TOKEN, DEFAULT_AGENT_SECRET, DEFAULT_AGENT_TOKEN, MockServer,
};
use qiyuesuo::{Client, Error};
use qiyuesuo_schema::ir::Signer;

/// Exit statuses.
const API_ERROR: u8 = 1;
const USAGE: u8 = 2;
const TRANSPORT: u8 = 3;
/// The call was made, but its file could not be written where `--output` said.
const NOT_SAVED: u8 = 4;
/// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
const INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let loaded = match Loaded::for_args(&argv) {
        Ok(loaded) => loaded,
        Err(e) => return fail(TRANSPORT, &format!("the embedded schema is unreadable: {e}")),
    };
    // A bare `qys`, `qys help DOMAIN`, and a mistyped command: ours, not clap's.
    let words: Vec<&str> = argv.iter().skip(1).filter_map(|a| a.to_str()).collect();
    match words.as_slice() {
        [] => {
            return line_out(&guide::short_help(index::OPERATIONS));
        }
        ["help", name] => {
            if let Some(listing) = guide::domain_help(index::OPERATIONS, name) {
                return line_out(&listing);
            }
        }
        _ => {}
    }
    let matches = match args::command(index::OPERATIONS, &loaded.commands).try_get_matches_from(&argv) {
        Ok(matches) => matches,
        Err(error) if error.kind() == clap::error::ErrorKind::InvalidSubcommand => {
            let typed = error.get(clap::error::ContextKind::InvalidSubcommand).map(ToString::to_string);
            let extra = [args::MOCK, args::CONFIG_COMMAND, args::COMPLETIONS, "help"];
            eprintln!("{}", guide::unknown(index::OPERATIONS, &extra, &typed.unwrap_or_default()));
            return ExitCode::from(USAGE);
        }
        Err(error) => error.exit(),
    };
    trace_to_stderr(matches.get_flag(args::VERBOSE));
    let json_errors = matches.get_one::<String>(args::ERROR_FORMAT).is_some_and(|format| format == "json");
    let _ = ERRORS_AS_JSON.set(json_errors);
    if let Some((args::COMPLETIONS, sub)) = matches.subcommand()
        && let Some(shell) = sub.get_one::<clap_complete::Shell>("shell")
    {
        // The script covers every operation's command and flags, from the same tree.
        let mut tree = args::command(index::OPERATIONS, &loaded.commands);
        let mut script = Vec::new();
        clap_complete::generate(*shell, &mut tree, "qys", &mut script);
        return write_out(&script);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(TRANSPORT, &format!("cannot start the async runtime: {e}")),
    };
    let Some((name, sub)) = matches.subcommand() else { return fail(USAGE, "no command given") };
    if name == args::MOCK {
        return runtime.block_on(run_mock(sub));
    }
    if name == args::CONFIG_COMMAND {
        // The servers are in every operation's schema: the first one's will do.
        let first = index::OPERATIONS.first().and_then(|entry| qiyuesuo_schema::parse(entry.schema).ok());
        return config_show(sub, &first.map(|api| api.servers).unwrap_or_default());
    }
    let Some((operation, schema)) = loaded.operation(name) else {
        return fail(USAGE, &format!("unknown command `{name}`"));
    };
    runtime.block_on(call(operation, schema, sub, &loaded.servers))
}

/// The operations a run needs, read from the schema: only those named on
/// the command line, each from its schema alone (`index::OPERATIONS`),
/// so a call reads one operation however large the API; every operation for
/// the completion script, which covers them all.
struct Loaded {
    commands: Vec<schema::Command>,
    /// Each command's schema: the one the embedded mock serves.
    schemas: Vec<&'static str>,
    servers: Vec<qiyuesuo_schema::ir::Server>,
}

impl Loaded {
    fn for_args(argv: &[std::ffi::OsString]) -> Result<Loaded, qiyuesuo_schema::Errors> {
        let mut loaded = Loaded { commands: Vec::new(), schemas: Vec::new(), servers: Vec::new() };
        if argv.iter().skip(1).any(|a| a == args::COMPLETIONS) {
            let api = qiyuesuo_schema::parse(index::SCHEMA_JSON)?;
            loaded.commands = schema::commands(&api);
            loaded.schemas = vec![index::SCHEMA_JSON; loaded.commands.len()];
            loaded.servers = api.servers;
            return Ok(loaded);
        }
        // A flag's value may happen to be a command's name too: then that
        // operation is read as well, and not used.
        let named = index::OPERATIONS.iter().filter(|entry| argv.iter().skip(1).any(|a| a == entry.command));
        for entry in named {
            let api = qiyuesuo_schema::parse(entry.schema)?;
            for command in schema::commands(&api) {
                loaded.commands.push(command);
                loaded.schemas.push(entry.schema);
            }
            loaded.servers = api.servers;
        }
        Ok(loaded)
    }

    fn operation(&self, name: &str) -> Option<(&schema::Command, &'static str)> {
        let at = self.commands.iter().position(|c| c.name == name)?;
        Some((self.commands.get(at)?, self.schemas.get(at)?))
    }
}

/// `qys config show`: the settings in effect, the credentials only as set or not.
fn config_show(matches: &clap::ArgMatches, servers: &[qiyuesuo_schema::ir::Server]) -> ExitCode {
    if let Some((verb @ ("init" | "set"), sub)) = matches.subcommand() {
        let Some(path) =
            sub.get_one::<String>(args::CONFIG).map(std::path::PathBuf::from).or_else(profile::default_path)
        else {
            return fail(USAGE, "no config file: set --config, QYS_CONFIG or HOME");
        };
        let text = |id: &str| sub.get_one::<String>(id).map_or("", String::as_str);
        let done = match verb {
            "init" => config_file::init(&path),
            _ => config_file::set(&path, text("name"), text("key"), text("value")),
        };
        return match done {
            Ok(said) => {
                eprintln!("qys: {said}");
                ExitCode::SUCCESS
            }
            Err(problem) => fail(USAGE, &problem),
        };
    }
    let matches = matches.subcommand().map_or(matches, |(_, show)| show);
    let settings = match profile::settings(matches) {
        Ok(settings) => settings,
        Err(problem) => return fail(USAGE, &problem),
    };
    // Whether a secret is set, without reading standard input for it.
    let given = |ids: [&str; 2]| ids.iter().any(|id| matches.get_one::<String>(id).is_some());
    let flag_secret = given([args::ACCESS_SECRET, args::ACCESS_SECRET_FILE]);
    let flag_agent_secret = given([args::AGENT_SECRET, args::AGENT_SECRET_FILE]);
    let mut shown = profile::show(
        &settings,
        flag_secret || settings.profile_secret.is_some(),
        flag_agent_secret || settings.profile_agent_secret.is_some(),
    );
    // Where calls would go: a server's name resolved to its URL.
    let url = match settings.server.0.as_deref() {
        None | Some("mock") => "the embedded mock".to_owned(),
        Some(name) => servers
            .iter()
            .find(|s| s.name == name)
            .map_or_else(|| qiyuesuo::runtime::__hooks::without_userinfo(name), |server| server.url.clone()),
    };
    if let Some(server) = shown.get_mut("server").and_then(serde_json::Value::as_object_mut) {
        server.insert("url".to_owned(), url.into());
    }
    print(&output::Output::from(matches), &shown)
}

async fn run_mock(matches: &clap::ArgMatches) -> ExitCode {
    if let Some((args::ACT, sub)) = matches.subcommand() {
        return act(sub).await;
    }
    let text = |id: &str| matches.get_one::<String>(id).cloned();
    // The mock's own secret is no one's: no warning for it on the command line.
    let secret = match secret::access_secret(matches, false) {
        Ok(secret) => secret,
        Err(problem) => return fail(USAGE, &problem),
    };
    let defaults = match (text(args::ACCESS_TOKEN).is_none(), secret.is_none()) {
        // Public test values, printed so a client elsewhere can be pointed at it.
        (true, true) => Some(format!(
            "the default access token `{DEFAULT_ACCESS_TOKEN}` and the default secret `{DEFAULT_ACCESS_SECRET}`"
        )),
        (true, false) => Some(format!("the default access token `{DEFAULT_ACCESS_TOKEN}` with the secret given")),
        (false, true) => Some("the access token given with the default secret".to_owned()),
        (false, false) => None,
    };
    let agent_secret = match secret::agent_secret(matches, false) {
        Ok(secret) => secret,
        Err(problem) => return fail(USAGE, &problem),
    };
    let mut builder = MockServer::builder()
        .addr(text("addr").unwrap_or_else(|| "127.0.0.1:0".to_owned()))
        .credentials(
            text(args::ACCESS_TOKEN).unwrap_or_else(|| DEFAULT_ACCESS_TOKEN.to_owned()),
            secret.unwrap_or_else(|| DEFAULT_ACCESS_SECRET.to_owned()),
        )
        .agent_credentials(
            text(args::AGENT_TOKEN).unwrap_or_else(|| DEFAULT_AGENT_TOKEN.to_owned()),
            agent_secret.unwrap_or_else(|| DEFAULT_AGENT_SECRET.to_owned()),
        )
        .require_nonce(matches.get_flag("require-nonce"))
        .print_log(true);
    if let Some(file) = text("scenario") {
        builder = match builder.scenario_file(std::path::Path::new(&file)) {
            Ok(builder) => builder,
            Err(e) => return fail(USAGE, &e.to_string()),
        };
    }
    let mock = match builder.start().await {
        Ok(mock) => mock,
        Err(e) => return fail(TRANSPORT, &e.to_string()),
    };
    println!("listening on {}", mock.base_url());
    if let Some(defaults) = defaults {
        eprintln!("mock: accepting {defaults}");
    }
    if !mock.addr().ip().is_loopback() {
        eprintln!(
            "mock: warning: listening beyond loopback, on {}: anyone who reaches it can call it with the \
             credentials above, and its sign pages have no login (whoever has a link signs)",
            mock.addr()
        );
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(TRANSPORT, &format!("cannot wait for Ctrl-C: {e}")),
    }
}

/// `qys mock act`: the other party's step, in the kept contracts of the
/// embedded mock, or through the sign page of a running mock.
async fn act(matches: &clap::ArgMatches) -> ExitCode {
    let text = |id: &str| matches.get_one::<String>(id).cloned().unwrap_or_default();
    let (contact, reject) = (text("contact"), matches.get_flag("reject"));
    let id = match text("contract-id").parse::<qiyuesuo::runtime::Id>() {
        Ok(id) => id,
        Err(e) => return fail(USAGE, &format!("--contract-id: {e}")),
    };
    let decision = if reject { qiyuesuo::mock::Decision::Reject } else { qiyuesuo::mock::Decision::Sign };
    match matches.get_one::<String>(args::SERVER).filter(|server| *server != "mock") {
        Some(server) => act_on_page(server, id, &contact, reject).await,
        None => {
            let Some(dir) = state::dir() else { return fail(USAGE, "mock act: no state directory (no HOME)") };
            let mut lock = match state::lock_file(&dir) {
                Ok(lock) => lock,
                Err(problem) => return fail(USAGE, &problem),
            };
            let _held = match lock.write() {
                Ok(held) => held,
                Err(e) => return fail(USAGE, &format!("the embedded mock's state lock: {e}")),
            };
            let mock = match MockServer::builder().state_dir(&dir).start().await {
                Ok(mock) => state::Kept(mock),
                Err(e) => return fail(USAGE, &e.to_string()),
            };
            match mock.0.act(id, &contact, decision) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(API_ERROR, &format!("mock act: {e}")),
            }
        }
    }
}

/// The decision posted to a running mock's sign page, as its Sign or Reject button does.
async fn act_on_page(server: &str, id: qiyuesuo::runtime::Id, contact: &str, reject: bool) -> ExitCode {
    let client = qiyuesuo::runtime::reqwest::Client::builder()
        .redirect(qiyuesuo::runtime::reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build();
    let client = match client {
        Ok(client) => client,
        Err(e) => return fail(TRANSPORT, &format!("mock act: {e}")),
    };
    let decision = if reject { "reject" } else { "sign" };
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("signer", contact)
        .append_pair("decision", decision)
        .finish();
    let url = format!("{}/mock/pages/{id}/decide", server.trim_end_matches('/'));
    let sent = client.post(&url).header("content-type", "application/x-www-form-urlencoded").body(form).send().await;
    match sent {
        Ok(answer) if answer.status().is_redirection() => ExitCode::SUCCESS,
        Ok(answer) => {
            let status = answer.status().as_u16();
            let said = answer.text().await.unwrap_or_default();
            let said = qiyuesuo::runtime::__hooks::terminal_safe(&said).chars().take(300).collect::<String>();
            fail(API_ERROR, &format!("mock act: the mock's page answered HTTP {status}: {said}"))
        }
        Err(e) => fail(TRANSPORT, &format!("mock act: {}", e.without_url())),
    }
}

async fn call(
    operation: &schema::Command,
    schema: &'static str,
    matches: &clap::ArgMatches,
    servers: &[qiyuesuo_schema::ir::Server],
) -> ExitCode {
    // Standard input is read once: it cannot hold both the request and a secret.
    let from_stdin = |id: &str| matches.try_get_one::<String>(id).ok().flatten().is_some_and(|value| value == "-");
    if from_stdin(args::JSON)
        && let Some(flag) = [args::ACCESS_SECRET_FILE, args::AGENT_SECRET_FILE].into_iter().find(|id| from_stdin(id))
    {
        let problem = format!("--json - and --{flag} - both read standard input; give one a file");
        return fail(USAGE, &format!("{}: nothing was sent: {problem}", operation.id));
    }
    let body = match input::request(operation, matches) {
        Ok(body) => body,
        Err(problem) => return fail(USAGE, &format!("{}: invalid input, nothing was sent: {problem}", operation.id)),
    };
    // Flags, then the environment, then the profile.
    let settings = match profile::settings(matches) {
        Ok(settings) => settings,
        Err(problem) => return fail(USAGE, &format!("{}: nothing was sent: {problem}", operation.id)),
    };
    let given = settings.server.0.clone();
    let access_token = settings.access_token.0.clone();
    let agent_token = settings.agent_token.0.clone();
    let real = given.as_deref().is_some_and(|server| server != "mock");
    let given_secret = match secret::access_secret(matches, real) {
        Ok(secret) => secret.or(settings.profile_secret),
        Err(problem) => return fail(USAGE, &problem),
    };
    let given_agent_secret = match secret::agent_secret(matches, real) {
        Ok(secret) => secret.or(settings.profile_agent_secret),
        Err(problem) => return fail(USAGE, &problem),
    };
    let company_given = access_token.is_some() || given_secret.is_some();
    let agent_given = agent_token.is_some() || given_agent_secret.is_some();
    let target = match server::choose(given.as_deref(), company_given || agent_given, servers) {
        Ok(target) => target,
        Err(problem) => return fail(USAGE, &format!("{}: nothing was sent: {problem}", operation.id)),
    };
    // The embedded mock keeps its contracts between commands: this command
    // holds the state's lock from loading them to writing them back.
    let state_dir = matches!(target, server::Target::Mock { .. }).then(state::dir).flatten();
    let mut state_lock = match state_dir.as_deref().map(state::lock_file).transpose() {
        Ok(lock) => lock,
        Err(problem) => return fail(USAGE, &format!("{}: nothing was sent: {problem}", operation.id)),
    };
    let _held = match state_lock.as_mut().map(fd_lock::RwLock::write).transpose() {
        Ok(held) => held,
        Err(e) => {
            return fail(USAGE, &format!("{}: nothing was sent: the embedded mock's state lock: {e}", operation.id));
        }
    };
    // The embedded mock lives until the call ends (and is kept then).
    let (server, company, agent, _mock) = match target {
        server::Target::Url(url) => {
            let pair =
                |token: Option<String>, secret: Option<String>| (token.unwrap_or_default(), secret.unwrap_or_default());
            let company = company_given.then(|| pair(access_token, given_secret));
            let agent = agent_given.then(|| pair(agent_token, given_agent_secret));
            if let Some(problem) = missing_pair(operation, company.is_some(), agent.is_some()) {
                return fail(USAGE, &format!("{}: nothing was sent: {problem}", operation.id));
            }
            (url, company, agent, None)
        }
        server::Target::Mock { announce } => {
            if announce {
                eprintln!("{}", server::mock_notice(servers, state_dir.as_deref()));
            }
            let token = access_token.unwrap_or_else(|| DEFAULT_ACCESS_TOKEN.to_owned());
            let secret = given_secret.unwrap_or_else(|| DEFAULT_ACCESS_SECRET.to_owned());
            let agent_token = agent_token.unwrap_or_else(|| DEFAULT_AGENT_TOKEN.to_owned());
            let agent_secret = given_agent_secret.unwrap_or_else(|| DEFAULT_AGENT_SECRET.to_owned());
            // It serves this one operation: its schema alone is enough.
            let mut mock = MockServer::builder()
                .schema(schema)
                .credentials(&token, &secret)
                .agent_credentials(&agent_token, &agent_secret);
            if let Some(dir) = &state_dir {
                mock = mock.state_dir(dir);
            }
            let mock = mock.start().await;
            let mock = match mock {
                Ok(mock) => mock,
                Err(e) => return fail(TRANSPORT, &e.to_string()),
            };
            // The agent's pair goes along when given or needed: an agent acting for the mock's company.
            let agent = (agent_given || operation.signer == Signer::Agent).then_some((agent_token, agent_secret));
            (mock.base_url(), Some((token, secret)), agent, Some(state::Kept(mock)))
        }
    };
    let mut builder = match (company, agent) {
        (Some((token, secret)), agent) => {
            let builder = Client::builder(&server, token, secret);
            match agent {
                Some((agent_token, agent_secret)) => builder.agent(agent_token, agent_secret),
                None => builder,
            }
        }
        (None, Some((agent_token, agent_secret))) => Client::agent_builder(&server, agent_token, agent_secret),
        (None, None) => return fail(USAGE, &format!("{}: nothing was sent: no credentials", operation.id)),
    };
    if matches.get_flag(args::LEGACY) {
        builder = builder.legacy_signature();
    }
    if let Some(seconds) = matches.get_one::<u64>(args::TIMEOUT) {
        builder = builder.total_timeout(Duration::from_secs(*seconds));
    }
    if let Some(bytes) = matches.try_get_one::<u64>(args::MAX_BYTES).ok().flatten() {
        builder = builder.max_download_bytes(*bytes);
    }
    let mut client = match builder.build() {
        Ok(client) => client,
        Err(error) => return report(&error),
    };
    if matches.get_flag(args::DRY_RUN) {
        // Every step of a call but the sending: the call ends in `Error::DryRun`.
        client = match client.with_options(qiyuesuo::runtime::CallOptions::new().dry_run()) {
            Ok(client) => client,
            Err(error) => return report(&error),
        };
    }
    if operation.download.is_some() {
        return download(&client, operation, body, matches).await;
    }
    if let Some(pagination) = operation.pagination.as_ref().filter(|_| matches.get_flag(args::ALL)) {
        return walk(&client, operation, pagination, body, matches).await;
    }
    match client.call_json(&operation.id, body).await {
        // Nothing to print but that it worked: a script has the exit status,
        // a person at a terminal a line on stderr.
        Ok(serde_json::Value::Null)
            if !operation.has_result || std::io::IsTerminal::is_terminal(&std::io::stdout()) =>
        {
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                let what = if operation.has_result { "an empty result" } else { "no result, as it never does" };
                eprintln!("{}: done: code 0, the request and its credentials accepted; {what}", operation.id);
            }
            ExitCode::SUCCESS
        }
        Ok(result) => print(&output::Output::from(matches), &result),
        Err(error) => report(&error),
    }
}

/// What a real server would refuse for want of a pair: an agent operation
/// needs the agent's (SaaS mode), any other the company's.
fn missing_pair(operation: &schema::Command, company: bool, agent: bool) -> Option<String> {
    match (operation.signer, company, agent) {
        (Signer::Agent, _, false) => Some(
            "an agent operation (SaaS mode): give the agent's pair, --agent-token and --agent-secret-file \
             (or QYS_AGENT_TOKEN and QYS_AGENT_SECRET, or a profile's agent_token and agent_secret_file)"
                .to_owned(),
        ),
        (Signer::Company, false, _) => Some(
            "signed with a company's pair: give --access-token and --access-secret-file (with the agent's pair \
             too, the agent acts for that company)"
                .to_owned(),
        ),
        _ => None,
    }
}

/// `--all`: every item of every page, printed one per line as each page
/// arrives, so memory holds one page however long the list.
async fn walk(
    client: &Client,
    operation: &schema::Command,
    pages: &qiyuesuo_schema::ir::Pagination,
    body: serde_json::Value,
    matches: &clap::ArgMatches,
) -> ExitCode {
    use futures_util::StreamExt as _;
    let mut output = output::Output::from(matches);
    output.one_per_line();
    let start = body.get(&pages.offset).and_then(serde_json::Value::as_i64).unwrap_or(0);
    // The runtime's walk, as the generated `…_all` methods take it.
    let mut limits = qiyuesuo::runtime::WalkLimits::default();
    if let Some(items) = matches.get_one::<u64>(args::MAX_ITEMS) {
        limits = limits.max_items(*items);
    }
    if let Some(seconds) = matches.get_one::<u64>(args::WALK_TIMEOUT) {
        limits = limits.max_time(Duration::from_secs(*seconds));
    }
    let walk = qiyuesuo::runtime::Walk::new(operation.id.clone(), limits);
    let walk = qiyuesuo::runtime::pages(walk, start, |offset| {
        let mut request = body.clone();
        if let Some(fields) = request.as_object_mut() {
            fields.insert(pages.offset.clone(), serde_json::Value::from(offset));
        }
        async move {
            let mut page = client.call_json(&operation.id, request).await?;
            let total = page.get(&pages.total).and_then(serde_json::Value::as_i64);
            let items = match page.get_mut(&pages.items).map(serde_json::Value::take) {
                Some(serde_json::Value::Array(items)) => items,
                _ => Vec::new(),
            };
            Ok::<_, Error>((total, items))
        }
    });
    let mut walk = std::pin::pin!(walk);
    while let Some(item) = walk.next().await {
        let printed = match item {
            Ok(item) => print(&output, &item),
            Err(error) => report(&error),
        };
        if printed != ExitCode::SUCCESS {
            return printed;
        }
    }
    ExitCode::SUCCESS
}

/// Saves the file an operation answers at `--output` and prints what was saved.
async fn download(
    client: &Client,
    operation: &schema::Command,
    body: serde_json::Value,
    matches: &clap::ArgMatches,
) -> ExitCode {
    let Some(output) = matches.get_one::<String>(args::OUTPUT) else {
        return fail(USAGE, "--output FILE is required for a download");
    };
    let to_stdout = output == "-";
    if to_stdout && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return fail(USAGE, "--output -: standard output is a terminal; pipe it, or give --output FILE");
    }
    let file = match client.download_json(&operation.id, body).await {
        Ok(file) => file,
        Err(error) => return report(&error),
    };
    if to_stdout {
        // Streamed as it arrives, for a pipe: a failure midway leaves what was written.
        let mut stdout = tokio::io::stdout();
        let written = tokio::select! {
            written = file.write_to(&mut stdout) => written,
            _ = tokio::signal::ctrl_c() => return fail(INTERRUPTED, &format!("{}: interrupted", operation.id)),
        };
        return match written {
            Ok(_) => match tokio::io::AsyncWriteExt::flush(&mut stdout).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => fail(NOT_SAVED, &format!("{}: standard output: {error}", operation.id)),
            },
            Err(error @ Error::Io { .. }) => fail(NOT_SAVED, &error.to_string()),
            Err(error) => report(&error),
        };
    }
    let content_type = file.content_type().map(str::to_owned);
    // Ctrl-C drops the save, which removes its partial file.
    let saved = tokio::select! {
        saved = file.save(output) => saved,
        _ = tokio::signal::ctrl_c() => return fail(INTERRUPTED, &format!("{}: interrupted; nothing was saved", operation.id)),
    };
    match saved {
        Ok(bytes) => {
            let saved = serde_json::json!({"file": output, "bytes": bytes, "contentType": content_type});
            print(&output::Output::from(matches), &saved)
        }
        // The request went out and was answered: not a usage error (2).
        Err(error @ Error::Io { .. }) => fail(NOT_SAVED, &error.to_string()),
        Err(error) => report(&error),
    }
}

/// The client's trace on stderr: what `RUST_LOG` asks for, or with `--verbose`
/// each call's span (request id, attempts, status, code, time) and each
/// attempt's events. The credentials are never in them.
fn trace_to_stderr(verbose: bool) {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) => tracing_subscriber::EnvFilter::new(directives),
        Err(_) if verbose => tracing_subscriber::EnvFilter::new("qiyuesuo=debug,qiyuesuo_runtime=debug"),
        Err(_) => return,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// Prints a result as the output options say.
fn print(output: &output::Output, result: &serde_json::Value) -> ExitCode {
    match output.render(result) {
        Ok(text) => line_out(&text),
        Err(e) => fail(TRANSPORT, &format!("cannot print the result: {e}")),
    }
}

/// Exit status when standard output's reader has gone (`qys … | head -1`):
/// 128 + SIGPIPE, as a shell reports a program that signal ended.
const PIPE_CLOSED: u8 = 141;

/// `text` and a line feed on standard output.
fn line_out(text: &str) -> ExitCode {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    write_out(line.as_bytes())
}

/// `bytes` on standard output. A reader that has gone (a closed pipe) ends
/// the command quietly, as it would a C program; no panic, no error line.
fn write_out(bytes: &[u8]) -> ExitCode {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(PIPE_CLOSED),
        Err(e) => fail(TRANSPORT, &format!("cannot write to standard output: {e}")),
    }
}

/// Whether errors are told as JSON objects (`--error-format json`).
static ERRORS_AS_JSON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// One `error:` line with the error and its causes (or one JSON object), and
/// the exit status for its kind; a dry run's request, printed, is no error.
fn report(error: &Error) -> ExitCode {
    if let Error::DryRun(preview) = error {
        return line_out(&preview.to_string());
    }
    let status = status_of(error);
    let text = error_text(error);
    if ERRORS_AS_JSON.get().copied().unwrap_or(false) {
        let mut fields = serde_json::Map::new();
        fields.insert("kind".into(), kind_of(error).into());
        fields.insert("operation".into(), operation_of(error).into());
        fields.insert("message".into(), text.into());
        fields.insert("exitStatus".into(), status.into());
        if let Some(api) = error.as_api() {
            fields.insert("code".into(), api.raw_code.into());
            fields.insert("name".into(), api.code().name().into());
            fields.insert("message".into(), api.message.clone().into());
        }
        if let Some(status) = error.status() {
            fields.insert("httpStatus".into(), status.into());
        }
        if let Some(call) = error.call() {
            fields.insert("requestId".into(), call.request_id.clone().into());
            fields.insert("attempts".into(), call.attempts.into());
        }
        return json_error(fields, status);
    }
    fail(status, &text)
}

/// The exit status an error gives.
fn status_of(error: &Error) -> u8 {
    match error {
        Error::Api(_) => API_ERROR,
        Error::InvalidRequest { .. } | Error::Config(_) | Error::Io { .. } => USAGE,
        // A server that lies about its pages, as one whose answers do not decode.
        _ => TRANSPORT,
    }
}

/// What kind of failure, for `--error-format json`.
fn kind_of(error: &Error) -> &'static str {
    match error {
        Error::Api(_) => "api",
        Error::InvalidRequest { .. } => "invalid_request",
        Error::Config(_) => "config",
        Error::Transport(_) => "transport",
        Error::Decode(_) => "decode",
        Error::Walk(_) => "walk",
        Error::Io { .. } => "io",
        _ => "other",
    }
}

/// The operation an error names, where it names one.
fn operation_of(error: &Error) -> Option<String> {
    match error {
        Error::Api(api) => Some(api.operation.to_owned()),
        Error::InvalidRequest { operation, .. } => Some((*operation).to_owned()),
        Error::Transport(transport) => Some(transport.operation.to_owned()),
        Error::Decode(decode) => Some(decode.operation.to_owned()),
        Error::Walk(walk) => Some(walk.operation.to_string()),
        _ => None,
    }
}

/// The error and its causes, on one line.
fn error_text(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `{"error": fields}` on one line of stderr (`--error-format json`).
fn json_error(fields: serde_json::Map<String, serde_json::Value>, status: u8) -> ExitCode {
    // Still JSON: only bidi controls are left to escape, and they sit in strings.
    eprintln!("{}", qiyuesuo::runtime::__hooks::terminal_safe(&serde_json::json!({ "error": fields }).to_string()));
    ExitCode::from(status)
}

fn fail(status: u8, message: &str) -> ExitCode {
    if ERRORS_AS_JSON.get().copied().unwrap_or(false) {
        let kind = match status {
            USAGE => "usage",
            NOT_SAVED => "io",
            INTERRUPTED => "interrupted",
            API_ERROR => "api",
            _ => "transport",
        };
        let mut fields = serde_json::Map::new();
        fields.insert("kind".into(), kind.into());
        fields.insert("message".into(), message.into());
        fields.insert("exitStatus".into(), status.into());
        return json_error(fields, status);
    }
    // One line, whatever the server's message held.
    eprintln!("error: {}", message.replace(['\r', '\n'], " "));
    ExitCode::from(status)
}
