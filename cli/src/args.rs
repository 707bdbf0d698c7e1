//! The `clap` command tree, built at run time from the schema's operations.

use clap::{Arg, ArgAction, Command};
use qiyuesuo_schema::ir::ValueKind;

use crate::schema;

pub const SERVER: &str = "server";
pub const ACCESS_TOKEN: &str = "access-token";
pub const ACCESS_SECRET: &str = "access-secret";
pub const ACCESS_SECRET_FILE: &str = "access-secret-file";
pub const AGENT_TOKEN: &str = "agent-token";
pub const AGENT_SECRET: &str = "agent-secret";
pub const AGENT_SECRET_FILE: &str = "agent-secret-file";
pub const LEGACY: &str = "legacy-signature";
pub const TIMEOUT: &str = "timeout";
pub const JSON: &str = "json";
pub const MOCK: &str = "mock";
pub const ACT: &str = "act";
pub const COMPLETIONS: &str = "completions";
/// `qys config show`.
pub const CONFIG_COMMAND: &str = "config";
/// The profile to use (`--profile NAME`, `QYS_PROFILE`).
pub const PROFILE: &str = "profile";
/// The config file (`--config FILE`, `QYS_CONFIG`).
pub const CONFIG: &str = "config-file";
pub const VERBOSE: &str = "verbose";
/// Build, sign and print the request; send nothing.
pub const DRY_RUN: &str = "dry-run";
/// Where a download goes (`--output FILE`).
pub const OUTPUT: &str = "output";
/// Prints JSON on one line even on a terminal.
pub const COMPACT: &str = "compact";
/// Prints only this part of the result (`--query ticket`).
pub const QUERY: &str = "query";
/// Drops `--json` fields the schema does not know instead of refusing them.
pub const IGNORE_UNKNOWN_FIELDS: &str = "ignore-unknown-fields";
/// The largest file a download may bring (`--max-bytes N`).
pub const MAX_BYTES: &str = "max-bytes";
/// A paged operation's `--all`: every item of every page, one per line.
pub const ALL: &str = "all";
pub const ERROR_FORMAT: &str = "error-format";
pub const MAX_ITEMS: &str = "max-items";
pub const WALK_TIMEOUT: &str = "walk-timeout";

/// The end of the root command's help.
const AFTER_HELP: &str = "Without --server or credentials, qys starts the embedded mock and calls it, so every command \
    works offline; with credentials it asks for --server.\n\
    Exit status: 0 success; 1 the API answered code != 0; 2 invalid input or usage (nothing was sent); 3 transport or \
    protocol failure; 4 the call succeeded but its file could not be written; 130 interrupted (Ctrl-C; a download's \
    partial file is removed); 141 the output's reader went away (a closed pipe, as `qys … | head -1`). With --error-format json, an error is one JSON object on stderr: {\"error\": {\"kind\", \
    \"operation\", \"code\", \"name\", \"message\", \"httpStatus\", \"requestId\", \"attempts\", \"exitStatus\"}}.";

/// The tree: the operations in `operations` with their flags (those named on
/// the command line: `main` reads their schemas); when there are none (`--help`,
/// a typo, `mock`), every operation of `index` by name and summary, enough to
/// list them and to suggest the nearest. Building 130 commands costs about a
/// millisecond, which a call need not pay.
pub fn command(index: &[crate::index::IndexedOperation], operations: &[schema::Command]) -> Command {
    let mut root = Command::new("qys")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Call the 契约锁 (QiYueSuo) open platform API, or run its mock. Commands come from the schema.")
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg(
            Arg::new(SERVER)
                .long(SERVER)
                .help_heading("Connection")
                .hide_short_help(true)
                .env("QYS_SERVER_URL")
                // It may carry user info; `--help` shows none of it.
                .hide_env_values(true)
                // A shell completes a URL or a name here, never a file.
                .value_hint(clap::ValueHint::Url)
                .global(true)
                .value_name("URL")
                .help(
                    "mock, sandbox, production, or a base URL. Absent: the embedded mock answers (and says so), \
                     unless credentials are set, which is an error. The embedded mock keeps its contracts between \
                     commands in $QYS_MOCK_STATE, else $XDG_STATE_HOME/qys/mock or ~/.local/state/qys/mock",
                ),
        )
        .arg(
            Arg::new(ACCESS_TOKEN)
                .long(ACCESS_TOKEN)
                .help_heading("Connection")
                .hide_short_help(true)
                .env("QYS_ACCESS_TOKEN")
                .hide_env_values(true)
                .allow_hyphen_values(true)
                .global(true)
                .value_name("TOKEN")
                .help("The AppToken"),
        )
        .arg(
            Arg::new(ACCESS_SECRET)
                .long(ACCESS_SECRET)
                .help_heading("Connection")
                .hide_short_help(true)
                .env("QYS_ACCESS_SECRET")
                .hide_env_values(true)
                // A secret that starts with `-` is the secret, not a flag clap would echo in an error.
                .allow_hyphen_values(true)
                .global(true)
                .value_name("SECRET")
                .help("The AppSecret (never printed). Other users can read it in the process list: prefer --access-secret-file"),
        )
        .arg(
            Arg::new(ACCESS_SECRET_FILE)
                .long(ACCESS_SECRET_FILE)
                .help_heading("Connection")
                .hide_short_help(true)
                .env("QYS_ACCESS_SECRET_FILE")
                .global(true)
                .value_name("FILE")
                .conflicts_with(ACCESS_SECRET)
                .help("Read the AppSecret from FILE (- for standard input); it never touches the command line"),
        )
        .arg(
            Arg::new(AGENT_TOKEN)
                .long(AGENT_TOKEN)
                .help_heading("Connection")
                .hide_short_help(true)
                .env("QYS_AGENT_TOKEN")
                .hide_env_values(true)
                .allow_hyphen_values(true)
                .global(true)
                .value_name("TOKEN")
                .help("SaaS mode: the agent's token; with an AppToken too, the agent acts for that company"),
        )
        .arg(
            Arg::new(AGENT_SECRET)
                .long(AGENT_SECRET)
                .help_heading("Connection")
                .hide_short_help(true)
                .env("QYS_AGENT_SECRET")
                .hide_env_values(true)
                .allow_hyphen_values(true)
                .global(true)
                .value_name("SECRET")
                .help("SaaS mode: the agent's secret (never printed); prefer --agent-secret-file"),
        )
        .arg(
            Arg::new(AGENT_SECRET_FILE)
                .long(AGENT_SECRET_FILE)
                .help_heading("Connection")
                .hide_short_help(true)
                .env("QYS_AGENT_SECRET_FILE")
                .global(true)
                .value_name("FILE")
                .conflicts_with(AGENT_SECRET)
                .help("SaaS mode: read the agent's secret from FILE (- for standard input)"),
        )
        .arg(
            Arg::new(LEGACY)
                .long(LEGACY)
                .help_heading("Connection")
                .hide_short_help(true)
                .action(ArgAction::SetTrue)
                .global(true)
                .help("Sign the three-header way of deployments that predate the nonce"),
        )
        .arg(
            Arg::new(PROFILE)
                .long(PROFILE)
                .env("QYS_PROFILE")
                .help_heading("Connection")
                .hide_short_help(true)
                .global(true)
                .value_name("NAME")
                .help("Take the server and credentials not given otherwise from this profile of the config file"),
        )
        .arg(
            Arg::new(CONFIG)
                .long("config")
                .env("QYS_CONFIG")
                .help_heading("Connection")
                .hide_short_help(true)
                .global(true)
                .value_name("FILE")
                .help("The config file of profiles [default: $XDG_CONFIG_HOME/qys/config.toml or ~/.config/qys/config.toml]"),
        )
        .arg(
            Arg::new(TIMEOUT)
                .long(TIMEOUT)
                .help_heading("Connection")
                .hide_short_help(true)
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..=3600))
                .help("Time allowed for the whole call, retries included [default: 60]"),
        )
        .arg(
            Arg::new(DRY_RUN)
                .long(DRY_RUN)
                .help_heading("Output")
                .action(ArgAction::SetTrue)
                .global(true)
                .help("Print the request that would be sent (method, URL, headers with the token and signature redacted, body) and send nothing"),
        )
        .arg(
            Arg::new(VERBOSE)
                .long(VERBOSE)
                .short('v')
                .help_heading("Output")
                .action(ArgAction::SetTrue)
                .global(true)
                .help("On stderr: each call's request id, attempts, HTTP status, code and time (never the credentials)"),
        )
        .arg(
            Arg::new(ERROR_FORMAT)
                .long(ERROR_FORMAT)
                .env("QYS_ERROR_FORMAT")
                .help_heading("Output")
                .global(true)
                .value_name("FORMAT")
                .value_parser(["text", "json"])
                .default_value("text")
                .help("How an error is told on stderr: one line of text, or one JSON object a script can read"),
        )
        .arg(
            Arg::new(COMPACT)
                .long(COMPACT)
                .help_heading("Output")
                .action(ArgAction::SetTrue)
                .global(true)
                .help("Print JSON on one line (the default when stdout is not a terminal)"),
        )
        .arg(
            Arg::new(QUERY)
                .long(QUERY)
                .help_heading("Output")
                .global(true)
                .value_name("PATH")
                .help("Print only this part of the result, e.g. ticket or list.0.id; a string bare, null if absent"),
        )
        .subcommand(mock_command())
        .subcommand(
            Command::new(CONFIG_COMMAND)
                .about("The connection settings in effect")
                .subcommand_required(true)
                .subcommand(Command::new("show").about(
                    "Print the server, token and secret in effect and where each comes from (flag, environment, \
                     profile); the token and secret only as set or not",
                ))
                .subcommand(
                    Command::new("init")
                        .about("Write a commented profiles file (mode 600) where --config or the default says"),
                )
                .subcommand(
                    Command::new("set")
                        .about(
                            "Set one setting of a profile in the profiles file (mode 600, comments kept): server, \
                             access_token, access_secret_file, agent_token or agent_secret_file",
                        )
                        .arg(Arg::new("name").required(true).value_name("PROFILE"))
                        .arg(Arg::new("key").required(true).value_name("KEY"))
                        .arg(Arg::new("value").required(true).value_name("VALUE")),
                ),
        )
        .subcommand(
            Command::new(COMPLETIONS)
                .about("Print a completion script for a shell: qys completions bash > /etc/bash_completion.d/qys")
                .arg(
                    Arg::new("shell")
                        .required(true)
                        .value_parser(clap::value_parser!(clap_complete::Shell))
                        .help("bash, zsh, fish, powershell or elvish"),
                ),
        );
    if operations.is_empty() {
        // Listed by domain after the options rather than in clap's one flat
        // list; each is still a top-level command (`qys contract-draft`).
        for entry in index {
            root = root.subcommand(Command::new(entry.command).about(entry.summary).hide(true));
        }
        root = root.after_help(format!("{}\n\n{AFTER_HELP}", crate::guide::by_domain(index)));
    }
    for operation in operations {
        root = root.subcommand(operation_command(operation));
    }
    root
}

fn mock_command() -> Command {
    Command::new(MOCK)
        .about("Run the mock until stopped; its first line on stdout is `listening on http://ADDR`")
        .after_help(format!(
            "Unless --access-token and --access-secret(-file) say otherwise, it accepts the public test pair \
             `{}` / `{}` (agent: `{}` / `{}`), the values `qys` itself signs with against --server mock.",
            qiyuesuo::mock::DEFAULT_ACCESS_TOKEN,
            qiyuesuo::mock::DEFAULT_ACCESS_SECRET,
            qiyuesuo::mock::DEFAULT_AGENT_TOKEN,
            qiyuesuo::mock::DEFAULT_AGENT_SECRET,
        ))
        .arg(Arg::new("addr").long("addr").value_name("ADDR").default_value("127.0.0.1:0").help("Address to listen on"))
        .arg(
            Arg::new("scenario")
                .long("scenario")
                .value_name("FILE")
                .help("JSON file of scenario rules: {\"rules\": [{\"operation\", \"when\", \"code\" | \"fault\", …}]}"),
        )
        .arg(
            Arg::new("require-nonce")
                .long("require-nonce")
                .action(ArgAction::SetTrue)
                .help("Refuse the three-header legacy form"),
        )
        .subcommand(
            Command::new(ACT)
                .about(
                    "The other party of a contract signs (or rejects) its step, as on the sign page: in the \
                     embedded mock's kept contracts, or in the running `qys mock` that --server names",
                )
                .arg(Arg::new("contract-id").long("contract-id").value_name("ID").required(true).help("The contract"))
                .arg(
                    Arg::new("contact")
                        .long("contact")
                        .value_name("CONTACT")
                        .required(true)
                        .help("The signatory's contact (its receiver's mobile or email)"),
                )
                .arg(Arg::new("reject").long("reject").action(ArgAction::SetTrue).help("Reject the contract instead")),
        )
}

fn operation_command(operation: &schema::Command) -> Command {
    // `-h` shows the command's own flags; the connection flags every command
    // shares are listed once, by `--help` (and `qys --help`).
    let mut command = Command::new(operation.name.clone()).after_help(
        "Connection flags (--server, --profile, --access-token, --access-secret-file, --timeout, …) are shared by \
         every command: --help lists them.",
    );
    if let Some(summary) = &operation.summary {
        command = command.about(summary.clone());
    }
    if let Some(description) = &operation.description {
        command = command.long_about(format!("{}\n\n{description}", operation.summary.clone().unwrap_or_default()));
    }
    if operation.download.is_some() {
        command = command.arg(Arg::new(OUTPUT).long(OUTPUT).value_name("FILE").required(true).help(
            "Where to save the file the operation answers, written whole or not at all; - writes it to \
                     standard output as it arrives (not to a terminal)",
        ));
        command = command.arg(
            Arg::new(MAX_BYTES)
                .long(MAX_BYTES)
                .value_name("N")
                .value_parser(clap::value_parser!(u64).range(1..))
                .help("Refuse a file larger than N bytes (read no further, save nothing)"),
        );
    }
    if let Some(pagination) = &operation.pagination {
        command = command.arg(Arg::new(ALL).long(ALL).action(ArgAction::SetTrue).help(format!(
            "Every item of every page, one JSON value per line, fetching the next page (moving --{}) only \
             when this one is printed; stops at `{}` items or an empty page, and with an error at a page that \
             repeats the one before, at --max-items or at --walk-timeout",
            heck::AsKebabCase(&pagination.offset),
            pagination.total
        )));
        command = command
            .arg(
                Arg::new(MAX_ITEMS)
                    .long(MAX_ITEMS)
                    .value_name("N")
                    .requires(ALL)
                    .value_parser(clap::value_parser!(u64).range(1..))
                    .help(format!(
                        "With --all: stop with an error after N items [default: {}]",
                        qiyuesuo::runtime::DEFAULT_WALK_MAX_ITEMS
                    )),
            )
            .arg(
                Arg::new(WALK_TIMEOUT)
                    .long(WALK_TIMEOUT)
                    .value_name("SECONDS")
                    .requires(ALL)
                    .value_parser(clap::value_parser!(u64).range(1..))
                    .help(format!(
                        "With --all: stop with an error after SECONDS in all, every page included [default: {}]",
                        qiyuesuo::runtime::DEFAULT_WALK_MAX_TIME.as_secs()
                    )),
            );
    }
    if !operation.takes_input {
        return command;
    }
    command = command.arg(Arg::new(JSON).long(JSON).value_name("BODY").help(
        "The whole request as JSON, @FILE to read it from a file, or - for standard input; field flags given \
                 too override its fields",
    ));
    command = command.arg(
        Arg::new(IGNORE_UNKNOWN_FIELDS).long(IGNORE_UNKNOWN_FIELDS).action(ArgAction::SetTrue).requires(JSON).help(
            "Drop --json fields the schema does not know and send the rest (by default they are refused, \
                 naming the nearest known one: the typed request could not carry them)",
        ),
    );
    for flag in &operation.flags {
        let mut arg = Arg::new(flag.long.clone())
            .long(flag.long.clone())
            .help(flag.help.clone())
            .value_name(value_name(flag))
            .help_heading("Request fields (from the schema)");
        // A suffix flag beside a file flag is read off the file's name when not given.
        let inferred = operation.suffix_source(flag).is_some();
        if flag.field.required && !inferred {
            arg = arg.required_unless_present(JSON);
        }
        if !flag.values.is_empty() {
            // `--contact-type mobile` is `MOBILE`: any case, sent as the schema spells it.
            let canonical = flag.values.clone();
            let values = clap::builder::PossibleValuesParser::new(flag.values.clone());
            let parser = clap::builder::TypedValueParser::map(values, move |given: String| {
                canonical.iter().find(|value| value.eq_ignore_ascii_case(&given)).cloned().unwrap_or(given)
            });
            arg = arg.ignore_case(true).value_parser(parser);
        }
        command = command.arg(arg);
    }
    command
}

fn value_name(flag: &schema::Flag) -> &'static str {
    match flag.field.kind {
        _ if flag.field.list => "A,B,…",
        ValueKind::Boolean => "BOOL",
        ValueKind::Integer | ValueKind::Number => "NUMBER",
        ValueKind::Text => "TEXT",
        ValueKind::JsonText => "JSON",
        ValueKind::File => "PATH",
    }
}
