//! `qys` as a user runs it: against `qys mock` in another process, over
//! loopback, checking what is printed and the exit status.

// A test fails by panicking; these lints are for library code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

const QYS: &str = env!("CARGO_BIN_EXE_qys");
const TOKEN: &str = "e2e-token";
const SECRET: &str = "e2e-secret-must-not-leak";
const AGENT_TOKEN: &str = "e2e-agent-token";
const AGENT_SECRET: &str = "e2e-agent-secret-must-not-leak";

/// `qys mock` in a child process; killed when dropped.
struct Mock {
    child: Child,
    url: String,
}

impl Mock {
    fn start(extra: &[&str]) -> Mock {
        let mut child = Command::new(QYS)
            .args(["mock", "--addr", "127.0.0.1:0", "--access-token", TOKEN, "--access-secret", SECRET])
            .args(["--agent-token", AGENT_TOKEN, "--agent-secret", AGENT_SECRET])
            .args(extra)
            .env_remove("QYS_SERVER_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("qys mock starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("first line");
        let Some(url) = line.trim().strip_prefix("listening on ").map(str::to_owned) else {
            let mut stderr = String::new();
            let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut stderr));
            panic!("qys mock did not start: first line {line:?}, stderr {stderr:?}");
        };
        Mock { child, url }
    }

    /// Stops the mock as Ctrl-C does (so it prints what it queued) and returns what it logged.
    fn stop(mut self) -> String {
        let _ = Command::new("kill").args(["-INT", &self.child.id().to_string()]).status();
        let waited = std::time::Instant::now();
        while self.child.try_wait().ok().flatten().is_none() && waited.elapsed() < std::time::Duration::from_secs(5) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let mut log = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut log);
        }
        let _ = self.child.wait();
        log
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// `qys` with `args`; with `--server`, the secret in its environment as a
/// careful operator passes it (`--access-secret` on the command line draws a
/// warning, and credentials without a server are refused).
fn qys(args: &[&str]) -> Run {
    let mut command = Command::new(QYS);
    if args.contains(&"--server") {
        command.env("QYS_ACCESS_SECRET", SECRET);
    } else {
        command.env_remove("QYS_ACCESS_SECRET");
    }
    if args.contains(&"--server") && args.contains(&"--agent-token") {
        command.env("QYS_AGENT_SECRET", AGENT_SECRET);
    } else {
        command.env_remove("QYS_AGENT_SECRET");
    }
    // The embedded mock's kept contracts: a directory of this call's own.
    let state = tempfile::tempdir().unwrap();
    let output: Output = command
        .args(args)
        .env_remove("QYS_SERVER_URL")
        .env_remove("QYS_ACCESS_TOKEN")
        .env_remove("QYS_AGENT_TOKEN")
        .env("QYS_MOCK_STATE", state.path())
        .output()
        .expect("qys runs");
    let run = Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    let leaked = |secret: &str| run.stdout.contains(secret) || run.stderr.contains(secret);
    assert!(!leaked(SECRET) && !leaked(AGENT_SECRET), "the secret leaked: {}{}", run.stdout, run.stderr);
    run
}

fn against<'a>(mock: &'a Mock, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--server", mock.url.as_str(), "--access-token", TOKEN];
    all.extend_from_slice(args);
    all
}

/// [`against`] for `op`: an agent operation (its own `security`, SaaS mode)
/// goes with the agent's pair as well, the agent acting for the company.
fn against_for<'a>(mock: &'a Mock, op: &Value, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = against(mock, args);
    if op.get("security").is_some() {
        all.splice(0..0, ["--agent-token", AGENT_TOKEN]);
    }
    all
}

const TICKET: &[&str] = &[
    "company-auth-miniapp-ticket",
    "--company-name",
    "上海契约锁公司",
    "--applicant-contact",
    "12312378900",
    "--applicant-contact-type",
    "MOBILE",
];

fn ticket_with(extra: &[&'static str]) -> Vec<&'static str> {
    TICKET.iter().chain(extra).copied().collect()
}

#[test]
fn the_readme_command_prints_a_ticket_with_no_server() {
    let run = qys(TICKET);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let result: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(result["ticket"].as_str().map(str::len), Some(32), "{}", run.stdout);
    // Never faked silently: one line says the answer is the mock's.
    let notice = run.stderr.trim();
    assert!(
        notice.starts_with("qys: no --server, so the embedded mock answers (made up; its contracts are kept in ")
            && notice
                .ends_with(": delete it to start afresh); for the real API say --server sandbox, production or a URL"),
        "{notice}"
    );
}

#[test]
fn server_credentials_without_a_server_are_refused_and_nothing_faked() {
    for env in [("QYS_ACCESS_TOKEN", TOKEN), ("QYS_ACCESS_SECRET", SECRET)] {
        let run = qys_with(TICKET, &[env], "");
        assert_eq!(run.status, 2, "{env:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(
            run.stderr.contains(
                "nothing was sent: credentials are set but no --server: say --server mock, sandbox, production or a URL"
            ),
            "{}",
            run.stderr
        );
    }
    let run = qys_with(&["--server", "staging"].iter().chain(TICKET).copied().collect::<Vec<_>>(), &[], "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("--server `staging` is not a server: say mock, sandbox, production, or a URL"),
        "{}",
        run.stderr
    );
    // Asked for by name, the mock answers without a word.
    let args: Vec<&str> = ["--server", "mock"].iter().chain(TICKET).copied().collect();
    let run = qys_with(&args, &[("QYS_ACCESS_TOKEN", TOKEN), ("QYS_ACCESS_SECRET", SECRET)], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn output_query_compact_stdin_and_unknown_fields() {
    let mock = Mock::start(&[]);
    let body = r#"{"companyName": "上海契约锁公司", "applicant": {"contact": "12312378900", "contactType": "MOBILE"}}"#;
    let base = ["--server", mock.url.as_str(), "--access-token", TOKEN, "company-auth-miniapp-ticket"];
    let with = |extra: &[&'static str]| -> Vec<&str> { base.iter().chain(extra).copied().collect() };
    let env = [("QYS_ACCESS_SECRET", SECRET)];
    // The request from standard input; only the ticket printed, bare.
    let run = qys_with(&with(&["--json", "-", "--query", "ticket"]), &env, body);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim().len(), 32, "{}", run.stdout);
    assert!(!run.stdout.contains('"'), "{}", run.stdout);
    // Into a pipe, compact JSON on one line.
    let run = qys_with(&with(&["--json", "-"]), &env, body);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    // A misspelt field: refused before anything is sent, with the nearest name.
    let misspelt = r#"{"companyName": "x", "callbackURL": "https://e.com", "applicant": {"contact": "1", "contactTyp": "MOBILE"}}"#;
    let run = qys_with(&with(&["--json", "-"]), &env, misspelt);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `callbackURL`; did you mean `callbackUrl`?"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `applicant.contactTyp`; did you mean `contactType`?"), "{}", run.stderr);
    // Dropped when asked, and the rest sent.
    let only_one = r#"{"companyName": "x", "callbackURL": "https://e.com", "applicant": {"contact": "1", "contactType": "MOBILE"}}"#;
    let run = qys_with(&with(&["--json", "-", "--ignore-unknown-fields"]), &env, only_one);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let log = mock.stop();
    assert_eq!(log.matches("(companyAuthMiniappTicket)").count(), 3, "{log}");
}

#[test]
fn success_against_qys_mock_with_every_flag_kind() {
    let mock = Mock::start(&[]);
    let args = ticket_with(&[
        "--applicant-name",
        "张三",
        "--close-button",
        "false",
        "--modify-fields",
        "corpName,registerNo",
        "--callback-url",
        "https://example.com/cb",
    ]);
    let run = qys(&against(&mock, &args));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(serde_json::from_str::<Value>(&run.stdout).unwrap()["ticket"].is_string());
    let log = mock.stop();
    assert!(log.contains("(companyAuthMiniappTicket) -> HTTP 200 code 0: ok"), "{log}");
    assert!(!log.contains(SECRET) && !log.contains("上海契约锁公司"), "{log}");
}

#[test]
fn every_operation_in_the_schema_answers_from_its_example() {
    let schema: Value = serde_json::from_str(qiyuesuo::mock::SCHEMA_JSON).unwrap();
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let mut operations = 0;
    for (id, op, args) in example_calls(&schema, dir.path()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = qys(&against_for(&mock, &op, &args));
        // A lifecycle operation's example may name a contract this mock
        // does not hold: a typed API error (exit 1) is its answer then.
        if op.get("x-qys-state").is_some() && run.status == 1 {
            assert!(run.stderr.contains("11011126") || run.stderr.contains("code "), "{id}: {}", run.stderr);
            operations += 1;
            continue;
        }
        assert_eq!(run.status, 0, "{id}: {}", run.stderr);
        // An operation that answers no result prints nothing: its exit status says it worked.
        let answers = op.pointer("/responses/200/content").is_some_and(|content| {
            let schema = content.pointer("/application~1json/schema");
            schema.is_none() || schema.and_then(|s| s.pointer("/allOf/1/properties/result")).is_some()
        });
        if run.stdout.is_empty() {
            assert!(!answers || args.contains(&"--output"), "{id}: printed nothing");
            operations += 1;
            continue;
        }
        let printed: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{id}: {e}: {}", run.stdout));
        if let Some(at) = args.iter().position(|a| *a == "--output") {
            let bytes = std::fs::read(args[at + 1]).unwrap();
            assert_eq!(printed["bytes"], json!(bytes.len()), "{id}");
            let zip = op.pointer("/responses/200/content/application~1zip").is_some();
            assert!(!bytes.is_empty() && (!zip || bytes.starts_with(b"PK")), "{id}: not the file the mock serves");
        }
        operations += 1;
    }
    let declared: usize =
        schema["paths"].as_object().unwrap().values().map(|item| item.as_object().unwrap().len()).sum();
    assert_eq!(operations, declared);
    assert!(declared >= 34, "{declared}");
}

/// The embedded mock serves each operation from that operation's schema
/// alone (lifecycle operations with the whole lifecycle): it must answer as
/// the mock of the whole schema does, code for code.
#[test]
fn the_embedded_mock_answers_each_operation_as_the_whole_schema_does() {
    let schema: Value = serde_json::from_str(qiyuesuo::mock::SCHEMA_JSON).unwrap();
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let code =
        |run: &Run| run.stderr.split("answered code ").nth(1).and_then(|t| t.split(' ').next()).map(str::to_owned);
    let mut calls = example_calls(&schema, dir.path());
    // A draft sent at once with no document: the sending operation's rule refuses it.
    let draft = r#"{"subject":"s","send":true,"signatories":[{"tenantType":"COMPANY","tenantName":"A","actions":[{"type":"COMPANY"}]}]}"#;
    let op = json!({ "x-qys-state": {} });
    calls.push((
        "contractDraft sent at once".to_owned(),
        op,
        vec!["contract-draft".into(), "--json".into(), draft.into()],
    ));
    for (id, op, args) in &calls {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let embedded = qys(&args);
        let whole = qys(&against_for(&mock, op, &args));
        assert_eq!(embedded.status, whole.status, "{id}: {} / {}", embedded.stderr, whole.stderr);
        assert_eq!(code(&embedded), code(&whole), "{id}: {} / {}", embedded.stderr, whole.stderr);
    }
    let sent_at_once = calls.last().map(|(_, _, args)| args.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    assert_eq!(code(&qys(&sent_at_once)).as_deref(), Some("1401"));
}

/// For each operation of the schema: its id, its JSON, and the `qys`
/// arguments that call it with its example (query operations' required
/// parameters and one-ofs get id-shaped values; file parts a real file).
fn example_calls(schema: &Value, dir: &std::path::Path) -> Vec<(String, Value, Vec<String>)> {
    let upload = dir.join("licence.png");
    std::fs::write(&upload, b"\x89PNG licence").unwrap();
    let mut calls = Vec::new();
    for (_, item) in schema["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            let media = op.pointer("/requestBody/content").and_then(|c| c.as_object()).and_then(|c| c.values().next());
            let mut example = media.and_then(|m| m.get("example")).cloned().unwrap_or(json!({}));
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                if parameter["required"] == true {
                    // An enum's first value, else digits (which fit ids and text alike).
                    let target = parameter["schema"]["$ref"].as_str().and_then(|r| schema.pointer(&r[1..]));
                    let value = target.and_then(|t| t["enum"].get(0)).cloned().unwrap_or(json!("2589012345678901234"));
                    example[parameter["name"].as_str().unwrap()] = value;
                }
            }
            for one_of in op["x-qys-one-of"].as_array().into_iter().flatten() {
                let declared = &schema["components"]["x-qys-one-of"][one_of.as_str().unwrap()];
                for member in declared["variants"][0]["required"].as_array().unwrap() {
                    let member = member.as_str().unwrap();
                    if example.get(member).is_none() && example.get("bizId").is_none() {
                        example[member] = json!("2589012345678901234");
                    }
                }
            }
            let body_schema = media.and_then(|m| m["schema"]["$ref"].as_str()).and_then(|r| schema.pointer(&r[1..]));
            for (name, property) in body_schema.and_then(|s| s["properties"].as_object()).into_iter().flatten() {
                if property["format"] == "binary" {
                    example[name] = json!(upload.display().to_string());
                } else if property["items"]["format"] == "binary" {
                    example[name] = json!([upload.display().to_string(), upload.display().to_string()]);
                }
            }
            let command = heck::AsKebabCase(id).to_string();
            let mut args = vec![command.clone()];
            if op.get("parameters").is_some() || op.get("requestBody").is_some() {
                args.extend(["--json".to_owned(), example.to_string()]);
            }
            if op.pointer("/responses/200/content").unwrap().as_object().unwrap().len() > 1 {
                args.extend(["--output".to_owned(), dir.join(format!("{command}.out")).display().to_string()]);
            }
            calls.push((id.to_owned(), op.clone(), args));
        }
    }
    calls
}

/// A contract with one document, made through `qys` on `mock`: its id and
/// the document's id.
fn contract_with_document(mock: &Mock, dir: &std::path::Path, pdf: &[u8]) -> (String, String) {
    let draft = r#"{"subject": "Service agreement", "signatories": [
        {"tenantType": "COMPANY", "tenantName": "Example Co., Ltd.", "actions": [{"type": "COMPANY"}]},
        {"tenantType": "PERSONAL", "tenantName": "张三", "receiver": {"contact": "10020033044", "contactType": "MOBILE"}}]}"#;
    let run = qys(&against(mock, &["contract-draft", "--json", draft, "--query", "id"]));
    assert_eq!(run.status, 0, "{}", run.stderr);
    let contract = run.stdout.trim().to_owned();
    let file = dir.join("contract.pdf");
    std::fs::write(&file, pdf).unwrap();
    let file = file.display().to_string();
    let args = [
        "document-add-by-file",
        "--contract-id",
        &contract,
        "--title",
        "正文",
        "--file",
        &file,
        "--file-suffix",
        "pdf",
    ];
    let run = qys(&against(mock, &[&args[..], &["--query", "documentId"]].concat()));
    assert_eq!(run.status, 0, "{}", run.stderr);
    (contract, run.stdout.trim().to_owned())
}

#[test]
fn the_contract_lifecycle_runs_through_qys() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let pdf = b"%PDF-1.4 the signed contract %%EOF";
    let (contract, document) = contract_with_document(&mock, dir.path(), pdf);
    for command in ["contract-send", "contract-company-sign"] {
        let run = qys(&against(&mock, &[command, "--contract-id", &contract]));
        assert_eq!(run.status, 0, "{command}: {}", run.stderr);
    }
    let run = qys(&against(&mock, &["contract-detail", "--contract-id", &contract, "--query", "status"]));
    assert_eq!(run.stdout.trim(), "SIGNING", "the person has not signed: {}", run.stderr);
    // Signing twice is not the company's step: the typed code, exit 1.
    let run = qys(&against(&mock, &["contract-company-sign", "--contract-id", &contract]));
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("1107"), "{}", run.stderr);

    let saved = dir.path().join("saved.pdf").display().to_string();
    let run = qys(&against(&mock, &["document-download", "--document-id", &document, "--output", &saved]));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(&saved).unwrap(), pdf);

    // One-of flags: neither or both is a usage error naming the flags, and nothing is sent.
    for args in [vec!["contract-detail"], vec!["contract-detail", "--contract-id", &contract, "--biz-id", "x"]] {
        let run = qys(&against(&mock, &args));
        assert_eq!(run.status, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("give exactly one of --contract-id, or --biz-id (optionally with --tenant-name)"),
            "{}",
            run.stderr
        );
    }
    // --all walks every page: three contracts, pages of one.
    qys(&against(&mock, &["contract-draft", "--subject", "b"]));
    qys(&against(&mock, &["contract-draft", "--subject", "c"]));
    let run = qys(&against(&mock, &["contract-list", "--all", "--select-limit", "1", "--query", "subject"]));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), ["Service agreement", "b", "c"]);
    let log = mock.stop();
    assert_eq!(log.matches("(contractList) -> HTTP 200 code 0").count(), 3, "{log}");
    assert!(!log.contains("(contractDetail) -> HTTP 200 code 1005"), "nothing was sent for the bad one-ofs: {log}");
}

#[test]
fn json_from_a_file_is_the_same_as_flags() {
    let mock = Mock::start(&[]);
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(file, r#"{{"companyName": "c", "applicant": {{"contact": "x", "contactType": "EMAIL"}}}}"#).unwrap();
    let at = format!("@{}", file.path().display());
    let run = qys(&against(&mock, &["company-auth-miniapp-ticket", "--json", &at]));
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn a_scenario_1605_exits_1_with_code_and_message() {
    let mut scenario = tempfile::NamedTempFile::new().unwrap();
    let rules = json!({"rules": [
        {"operation": "companyAuthMiniappTicket", "when": {"companyName": "已认证公司"}, "code": 1605},
        {"when": {"companyName": "坏网关"}, "fault": "html_502"},
        {"when": {"companyName": "慢公司"}, "delay_ms": 3000},
        {"when": {"companyName": "断开"}, "fault": "drop_connection"},
        {"when": {"companyName": "截断"}, "fault": "truncated_body"}
    ]});
    write!(scenario, "{rules}").unwrap();
    let path = scenario.path().display().to_string();
    let mock = Mock::start(&["--scenario", &path]);
    let company = |name: &'static str| {
        vec![
            "company-auth-miniapp-ticket",
            "--company-name",
            name,
            "--applicant-contact",
            "1",
            "--applicant-contact-type",
            "MOBILE",
        ]
    };

    let run = qys(&against(&mock, &company("已认证公司")));
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.starts_with(
            "error: companyAuthMiniappTicket: QiYueSuo answered code 1605 COMPANY_ALREADY_AUTHED: COMPANY ALREADY AUTHED (HTTP 200) [request "
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.trim_end().ends_with(", 1 attempt, 0.00 s]") || run.stderr.contains(" 1 attempt, "),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());

    let run = qys(&against(&mock, &company("坏网关")));
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: companyAuthMiniappTicket: the answer is not a QiYueSuo envelope"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("HTTP 502, text/html"), "{}", run.stderr);

    for (name, expected) in [("断开", "the connection failed"), ("截断", "the connection failed")] {
        let run = qys(&against(&mock, &company(name)));
        assert_eq!(run.status, 3, "{name}: {}", run.stderr);
        assert!(
            run.stderr.starts_with(&format!("error: companyAuthMiniappTicket: {expected}")),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("3 attempts"), "a safe operation is retried: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1);
    }

    let mut args = against(&mock, &company("慢公司"));
    args.extend(["--timeout", "1"]);
    let run = qys(&args);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.starts_with("error: companyAuthMiniappTicket: timed out"), "{}", run.stderr);
}

#[test]
fn gateway_rejections_exit_1_with_the_code() {
    let mock = Mock::start(&["--require-nonce"]);
    let cases: [(&[&str], &str); 3] = [
        (&["--access-token", "someone-else"], "442 INVALID_TOKEN: INVALID TOKEN (HTTP 442)"),
        (&["--access-secret", "wrong-secret"], "443 INVALID_SIGNATURE: INVALID SIGNATURE (HTTP 443)"),
        (&["--legacy-signature"], "441 HEADER_REQUIRED: HEADER REQUIRED,x-qys-open-nonce (HTTP 441)"),
    ];
    for (extra, expected) in cases {
        let mut args = against(&mock, TICKET);
        args.extend_from_slice(extra);
        let run = qys(&args);
        assert_eq!(run.status, 1, "{extra:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{extra:?}: {}", run.stderr);
        assert_eq!(run.stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "{}", run.stderr);
    }
}

#[test]
fn reused_nonces_and_stale_timestamps_are_refused_by_the_mock_process() {
    let mock = Mock::start(&[]);
    let address = mock.url.trim_start_matches("http://").to_owned();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let body = r#"{"companyName":"c","applicant":{"contact":"x","contactType":"MOBILE"}}"#;
    let first = raw_post(&address, now, "e2e-nonce", body);
    assert_eq!(first["code"], 0, "{first}");
    let again = raw_post(&address, now, "e2e-nonce", body);
    assert_eq!((again["code"].as_i64(), again["message"].as_str()), (Some(445), Some("NONCE REUSED")));
    let stale = raw_post(&address, now - 10 * 60 * 1000, "e2e-other", body);
    assert_eq!((stale["code"].as_i64(), stale["message"].as_str()), (Some(444), Some("TIMESTAMP EXPIRED")));
    let invalid = raw_post(&address, now, "e2e-third", r#"{"companyName":"c","applicant":{"contactType":"FAX"}}"#);
    assert_eq!(invalid["code"], 1005);
    let message = invalid["message"].as_str().unwrap();
    assert!(message.contains("applicant") && message.contains("contact") && message.contains("FAX"), "{message}");
}

#[test]
fn the_mock_process_prints_a_clients_text_with_terminal_controls_escaped() {
    let mock = Mock::start(&[]);
    let address = mock.url.trim_start_matches("http://").to_owned();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    // A value the validator quotes in its refusal, and so in the mock's log line.
    let body = r#"{"companyName":"c","applicant":{"contact":"x","contactType":"\u001b]0;pwned\u0007\u202e"}}"#;
    let answer = raw_post(&address, now, "e2e-escapes", body);
    assert_eq!(answer["code"], 1005, "{answer}");
    let log = mock.stop();
    assert!(log.contains("\\u001b]0;pwned\\u0007\\u202e"), "{log}");
    assert!(!log.contains('\u{1b}') && !log.contains('\u{7}') && !log.contains('\u{202e}'), "{log:?}");
}

/// One signed HTTP/1.1 request written by hand, as any client could send it.
fn raw_post(address: &str, timestamp: u64, nonce: &str, body: &str) -> Value {
    let signature = qiyuesuo::runtime::signing::signature(TOKEN, SECRET, timestamp, Some(nonce));
    let request = format!(
        "POST /companyauth/miniappexchange HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         x-qys-open-accesstoken: {TOKEN}\r\nx-qys-open-timestamp: {timestamp}\r\nx-qys-open-nonce: {nonce}\r\n\
         x-qys-open-signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (_, json) = answer.split_once("\r\n\r\n").unwrap();
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

#[test]
fn invalid_input_exits_2_and_sends_nothing() {
    let mock = Mock::start(&[]);
    let cases: [(&[&str], &str); 4] = [
        (&["--close-button", "maybe"], "invalid value 'maybe' for '--close-button <BOOL>'"),
        (&["--modify-fields", "corpName,shoeSize"], "`modifyFields`: `shoeSize` is not a known value"),
        (&["--company-name", ""], "`companyName` is empty"),
        (&["--json", "{not json"], "--json is not JSON"),
    ];
    for (extra, expected) in cases {
        let mut args: Vec<&str> = if extra[0] == "--company-name" || extra[0] == "--json" {
            let mut base = against(&mock, &["company-auth-miniapp-ticket"]);
            if extra[0] == "--company-name" {
                base.extend(["--applicant-contact", "1", "--applicant-contact-type", "MOBILE"]);
            }
            base
        } else {
            against(&mock, TICKET)
        };
        args.extend_from_slice(extra);
        let run = qys(&args);
        assert_eq!(run.status, 2, "{extra:?}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{extra:?}: {}", run.stderr);
    }
    let run = qys(&against(&mock, &["company-auth-miniapp-ticket", "--company-name", "c"]));
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("--applicant-contact <TEXT>"), "{}", run.stderr);
    let log = mock.stop();
    assert!(!log.contains("companyAuthMiniappTicket"), "something was sent: {log}");
}

#[test]
fn help_shows_descriptions_required_flags_and_values_but_never_the_secret() {
    let output = Command::new(QYS)
        .args(["company-auth-miniapp-ticket", "--help"])
        .env("QYS_ACCESS_SECRET", SECRET)
        .env("QYS_ACCESS_TOKEN", TOKEN)
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for expected in [
        "--company-name <TEXT>",
        "Name of the company to verify (待认证公司名称). (required)",
        "--applicant-contact-type <TEXT>",
        "[possible values: MOBILE, EMAIL]",
        "--close-button <BOOL>",
        "The server's default: true.",
        "--modify-fields <TEXT>",
        "Values: corpName, registerNo, legalPerson",
        "--json <BODY>",
    ] {
        assert!(help.contains(expected), "missing {expected:?} in:\n{help}");
    }
    assert!(!help.contains(SECRET) && !help.contains(TOKEN), "{help}");
}

#[test]
fn a_refused_connection_exits_3() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut args = vec!["--server", url.as_str(), "--access-token", TOKEN, "--access-secret", SECRET];
    args.extend_from_slice(TICKET);
    let run = qys(&args);
    assert_eq!(run.status, 3);
    let host = url.trim_start_matches("http://");
    assert!(
        run.stderr.contains(&format!("could not connect to the server ({host})"))
            && run.stderr.contains("Connection refused"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_redirect_exits_3_naming_it_and_is_not_followed() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Answers every connection with a redirect to a port nothing listens on:
    // following it would show as a connection error, not the redirect.
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { return };
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head);
            let answer = "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.1:9/steal?sig=1\r\n\
                          content-length: 0\r\nconnection: close\r\n\r\n";
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    let mut args = vec!["--server", url.as_str(), "--access-token", TOKEN, "--access-secret", SECRET];
    args.extend_from_slice(TICKET);
    let run = qys(&args);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("a redirect to `http://127.0.0.1:9/steal`, which is not followed"), "{}", run.stderr);
    assert!(run.stderr.contains("HTTP 307") && !run.stderr.contains("sig=1"), "{}", run.stderr);
}

#[test]
fn a_file_flag_uploads_the_file_and_a_download_needs_output() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let licence = dir.path().join("licence.pdf");
    std::fs::write(&licence, b"%PDF-1.4 licence").unwrap();
    let licence_arg = licence.display().to_string();
    let upload = [
        "company-auth-miniapp-ticket-with-license",
        "--company-name",
        "上海契约锁公司",
        "--applicant-info-contact",
        "12312378900",
        "--applicant-info-contact-type",
        "MOBILE",
        "--close-button",
        "false",
        "--modify-fields",
        "corpName,license",
        "--license",
    ];
    let mut args = upload.to_vec();
    args.push(&licence_arg);
    let run = qys(&against(&mock, &args));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(serde_json::from_str::<Value>(&run.stdout).unwrap()["ticket"].as_str().map(str::len), Some(32));

    // A missing file: exit 2, and the mock saw nothing of it.
    let mut args = upload.to_vec();
    args.push("/nonexistent/licence.pdf");
    let run = qys(&against(&mock, &args));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("license: cannot read /nonexistent/licence.pdf"), "{}", run.stderr);

    // A download writes --output and says what it wrote; without --output it is a usage error.
    let (contract, _) = contract_with_document(&mock, dir.path(), b"%PDF-1.4 %%EOF");
    let zip = dir.path().join("contract.zip");
    let zip_arg = zip.display().to_string();
    let run = qys(&against(&mock, &["contract-download", "--contract-id", &contract, "--output", &zip_arg]));
    assert_eq!(run.status, 0, "{}", run.stderr);
    let printed: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(printed["contentType"], "application/zip");
    assert_eq!(printed["bytes"], json!(std::fs::read(&zip).unwrap().len()));
    let run = qys(&against(&mock, &["contract-download", "--contract-id", "1"]));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--output <FILE>"), "{}", run.stderr);

    let log = mock.stop();
    assert_eq!(log.matches("(companyAuthMiniappTicketWithLicense) -> HTTP 200 code 0: ok").count(), 1, "{log}");
    assert!(log.contains("(contractDownload) -> HTTP 200: ok: the contract's file"), "{log}");
}

#[test]
fn downloads_over_max_bytes_exit_3_and_save_nothing() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let uploads = tempfile::tempdir().unwrap();
    let (contract, _) = contract_with_document(&mock, uploads.path(), b"%PDF-1.4 %%EOF");
    let zip = dir.path().join("contract.zip").display().to_string();
    let args = ["contract-download", "--contract-id", &contract, "--output", &zip, "--max-bytes", "10"];
    let run = qys(&against(&mock, &args));
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("bytes, over the cap of 10"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// A loopback server whose file trickles in for a minute, a byte every 100 ms.
fn trickling_file() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else { return };
        let mut head = [0u8; 4096];
        let _ = stream.read(&mut head);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: 1000\r\n\r\nPK");
        for _ in 0..600 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if stream.write_all(b"x").is_err() {
                return;
            }
        }
    });
    url
}

#[test]
fn timeout_bounds_a_whole_download_and_leaves_no_partial_file() {
    let url = trickling_file();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("contract.zip").display().to_string();
    let started = std::time::Instant::now();
    let mut args = vec!["--server", url.as_str(), "--access-token", TOKEN, "--access-secret", SECRET, "--timeout", "1"];
    args.extend(["contract-download", "--contract-id", "1", "--output", &zip]);
    let run = qys(&args);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("the call took longer than its total timeout"), "{}", run.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "a file was left behind");
}

#[test]
fn ctrl_c_during_a_download_exits_130_and_leaves_no_partial_file() {
    let url = trickling_file();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("contract.zip");
    let zip_arg = zip.display().to_string();
    let child = Command::new(QYS)
        .args(["--server", &url, "--access-token", TOKEN, "--access-secret", SECRET])
        .args(["contract-download", "--contract-id", "1", "--output", &zip_arg])
        .env_remove("QYS_SERVER_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The partial file: `.contract.zip.<random>.part`, beside the target.
    let partial = || {
        std::fs::read_dir(dir.path()).unwrap().any(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.starts_with(".contract.zip.") && name.ends_with(".part")
        })
    };
    let waited = std::time::Instant::now();
    while !partial() && waited.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(partial(), "the download never started");
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("contractDownload: interrupted; nothing was saved"), "{stderr}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "a file was left behind");
}

#[test]
fn mock_logging_never_blocks_serving_when_stderr_is_not_read() {
    // `Mock` pipes the mock's stderr and reads none of it until it stops.
    let mock = Mock::start(&[]);
    let address = mock.url.trim_start_matches("http://").to_owned();
    for request in 0..3000 {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
        stream.write_all(b"GET /v2/company/detail HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        let read = stream.read_to_string(&mut answer);
        assert!(read.is_ok() && answer.starts_with("HTTP/1.1 441"), "request {request}: {read:?} {answer:?}");
    }
    // Once stderr is read again, the mock says how many lines it dropped.
    let mut mock = mock;
    let mut stderr = mock.child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut log = String::new();
        let _ = stderr.read_to_string(&mut log);
        log
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(mock);
    let log = reader.join().unwrap();
    assert!(log.contains("log lines dropped: standard error was not being read"), "{}", &log[..log.len().min(500)]);
}

/// `qys` with `args` and `env`, its standard input `stdin`.
fn qys_with(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(QYS)
        .env("QYS_MOCK_STATE", state.path())
        .args(args)
        .env_remove("QYS_SERVER_URL")
        .env_remove("QYS_ACCESS_TOKEN")
        .env_remove("QYS_ACCESS_SECRET")
        .env_remove("QYS_ACCESS_SECRET_FILE")
        .env_remove("QYS_AGENT_TOKEN")
        .env_remove("QYS_AGENT_SECRET")
        .env_remove("QYS_AGENT_SECRET_FILE")
        .env_remove("QYS_PROFILE")
        .env_remove("QYS_CONFIG")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn secret_from_a_file_or_stdin_never_touches_argv_and_argv_draws_a_warning() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let file = secret_file(dir.path(), SECRET, 0o600);
    let base = ["--server", mock.url.as_str(), "--access-token", TOKEN];
    for (source, stdin) in [(file.as_str(), ""), ("-", SECRET)] {
        let mut args = base.to_vec();
        args.extend(["--access-secret-file", source]);
        args.extend_from_slice(TICKET);
        let run = qys_with(&args, &[], stdin);
        assert_eq!(run.status, 0, "{source}: {}", run.stderr);
        assert!(!run.stderr.contains("warning") && !run.stderr.contains(SECRET), "{}", run.stderr);
    }
    let mut args = base.to_vec();
    args.extend(["--access-secret", SECRET]);
    args.extend_from_slice(TICKET);
    let run = qys_with(&args, &[], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: --access-secret on the command line can be read by other users"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(SECRET), "{}", run.stderr);
    // From the environment: no warning.
    let mut args = base.to_vec();
    args.extend_from_slice(TICKET);
    let run = qys_with(&args, &[("QYS_ACCESS_SECRET", SECRET)], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn secret_that_looks_like_a_flag_is_taken_as_the_secret_never_echoed() {
    let odd = "--not-a-flag-but-the-secret";
    let mut args = vec!["--server", "mock", "--access-token", TOKEN, "--access-secret", odd];
    args.extend_from_slice(TICKET);
    let run = qys_with(&args, &[], "");
    // With no server, the embedded mock takes the credentials given: the odd
    // value served as the secret, and clap echoed nothing.
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stderr.contains(odd) && !run.stdout.contains(odd), "{}", run.stderr);
}

#[test]
fn secret_user_info_in_the_server_url_is_never_printed() {
    let url = "http://admin:hunter2@example.com";
    let help = qys_with(&["company-auth-miniapp-ticket", "--help"], &[("QYS_SERVER_URL", url)], "");
    assert!(!help.stdout.contains("hunter2") && !help.stdout.contains("admin:"), "{}", help.stdout);
    let mut args = vec!["--access-token", TOKEN];
    args.extend_from_slice(TICKET);
    let run = qys_with(&args, &[("QYS_SERVER_URL", url), ("QYS_ACCESS_SECRET", SECRET)], "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("http://***@example.com") && !run.stderr.contains("hunter2"), "{}", run.stderr);
}

#[test]
fn rust_log_shows_the_call_and_never_the_credentials() {
    let mock = Mock::start(&[]);
    let mut args = vec!["--server", mock.url.as_str(), "--access-token", TOKEN];
    args.extend_from_slice(TICKET);
    let run = qys_with(&args, &[("QYS_ACCESS_SECRET", SECRET), ("RUST_LOG", "trace")], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("qiyuesuo.call"), "{}", run.stderr);
    assert!(!run.stderr.contains(SECRET) && !run.stderr.contains(TOKEN), "{}", run.stderr);
}

#[test]
fn mock_says_which_default_credentials_it_accepts() {
    let (line, said) = mock_said(&["--addr", "127.0.0.1:0", "--access-secret", "only-the-secret"], 1);
    assert!(line.starts_with("listening on "), "{line}");
    assert_eq!(said.trim(), "mock: accepting the default access token `mock-access-token` with the secret given");
}

/// `qys mock ARGS` with no credentials in its environment: its first line on
/// stdout and its first `lines` lines on stderr, read before it is stopped
/// (with SIGINT, as Ctrl-C does).
fn mock_said(args: &[&str], lines: usize) -> (String, String) {
    let mut child = Command::new(QYS)
        .arg("mock")
        .args(args)
        .env_remove("QYS_SERVER_URL")
        .env_remove("QYS_ACCESS_TOKEN")
        .env_remove("QYS_ACCESS_SECRET")
        .env_remove("QYS_ACCESS_SECRET_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    for _ in 0..lines {
        stderr.read_line(&mut said).unwrap();
    }
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let _ = child.wait();
    (first, said)
}

#[test]
fn completions_cover_every_operation() {
    let schema: Value = serde_json::from_str(qiyuesuo::mock::SCHEMA_JSON).unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = qys(&["completions", shell]);
        assert_eq!(run.status, 0, "{shell}: {}", run.stderr);
        for operation in
            schema["paths"].as_object().unwrap().values().flat_map(|item| item.as_object().unwrap().values())
        {
            let command = heck::AsKebabCase(operation["operationId"].as_str().unwrap()).to_string();
            assert!(run.stdout.contains(&command), "{shell}: no {command}");
        }
        assert!(run.stdout.contains("company-name"), "{shell}: the flags are missing");
    }
    let run = qys(&["completions", "nosh"]);
    assert_eq!(run.status, 2);
}

#[test]
fn verbose_shows_request_id_attempts_status_and_time_never_the_credentials() {
    let mock = Mock::start(&[]);
    let mut args = against(&mock, TICKET);
    args.push("--verbose");
    let run = qys(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let closing =
        run.stderr.lines().find(|line| line.contains("qiyuesuo.call") && line.contains("close")).unwrap_or("");
    let endpoint = format!("endpoint=POST {}/companyauth/miniappexchange", mock.url);
    for field in [
        "operation=\"companyAuthMiniappTicket\"",
        endpoint.as_str(),
        "request_id=",
        "status=200",
        "attempts=1",
        "code=0",
        "elapsed_ms=",
    ] {
        assert!(closing.contains(field), "{field} missing: {}", run.stderr);
    }
    assert!(!run.stderr.contains(TOKEN) && !run.stdout.contains(TOKEN), "{}", run.stderr);
}

#[test]
fn dry_run_prints_the_signed_request_with_credentials_redacted_and_sends_nothing() {
    let mock = Mock::start(&[]);
    let mut args = vec!["--dry-run"];
    args.extend_from_slice(TICKET);
    let run = qys(&against(&mock, &args));
    assert_eq!(run.status, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("POST {}/companyauth/miniappexchange", mock.url));
    assert!(lines.contains(&"x-qys-open-accesstoken: <redacted>"), "{}", run.stdout);
    assert!(lines.contains(&"x-qys-open-signature: <redacted>"), "{}", run.stdout);
    assert!(lines.iter().any(|l| l.starts_with("x-qys-open-timestamp: ")), "{}", run.stdout);
    assert!(run.stdout.contains(r#""companyName":"上海契约锁公司""#), "{}", run.stdout);
    assert!(!run.stdout.contains(TOKEN) && !run.stdout.contains(SECRET), "{}", run.stdout);
    // A query and a file: the URL carries the query, the parts are listed.
    let run = qys(&against(&mock, &["--dry-run", "contract-detail", "--contract-id", "42"]));
    assert!(run.stdout.starts_with(&format!("GET {}/v2/contract/detail?contractId=42\n", mock.url)), "{}", run.stdout);
    // Invalid input is still refused before anything: exit 2.
    let run = qys(&against(&mock, &["--dry-run", "contract-detail"]));
    assert_eq!(run.status, 2, "{}", run.stderr);
    let log = mock.stop();
    assert!(!log.contains("-> HTTP"), "the mock answered nothing: {log}");
}

#[test]
fn json_input_takes_ids_as_numbers_and_null_as_absent_and_sends_ids_as_text() {
    let mock = Mock::start(&[]);
    // The Java SDK's form: a numeric id and `null` for every unset field, lists included.
    let body = r#"{"contractId": 2591540368898105360, "bizId": null, "tenantName": null, "stampers": null}"#;
    let run = qys(&against(&mock, &["--dry-run", "contract-send", "--json", body]));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains(r#"{"contractId":"2591540368898105360"}"#), "{}", run.stdout);
    // Sent, it reaches the mock's lifecycle (which holds no such contract), not its validator.
    let run = qys(&against(&mock, &["contract-send", "--json", body]));
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("11011126"), "{}", run.stderr);
    // An id that is not one is refused before anything is sent.
    let run = qys(&against(&mock, &["contract-send", "--json", r#"{"contractId": -7}"#]));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("-7 is negative"), "{}", run.stderr);
    let log = mock.stop();
    assert_eq!(log.matches("(contractSend)").count(), 1, "{log}");
}

/// A config file at `dir/qys/config.toml` with `profile`, of the given mode.
fn config(dir: &std::path::Path, profile: &str, mode: u32) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(dir.join("qys")).unwrap();
    let path = dir.join("qys").join("config.toml");
    std::fs::write(&path, profile).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.display().to_string()
}

#[test]
fn a_profile_supplies_what_flags_and_environment_do_not() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().display().to_string();
    let profile = format!(
        "[profiles.test]\nserver = \"{}\"\naccess_token = \"{TOKEN}\"\naccess_secret = \"{SECRET}\"\n\n[profiles.wrong]\nserver = \"{}\"\naccess_token = \"nobody\"\naccess_secret = \"nothing\"\n",
        mock.url, mock.url
    );
    config(dir.path(), &profile, 0o600);
    let env = [("XDG_CONFIG_HOME", home.as_str())];
    let mut args = vec!["--profile", "test"];
    args.extend_from_slice(TICKET);
    let run = qys_with(&args, &env, "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("embedded mock"), "the profile's server, not the embedded mock: {}", run.stderr);

    // The environment beats the profile, and a flag beats the environment.
    let mut args = vec!["--profile", "wrong"];
    args.extend_from_slice(TICKET);
    let env_wins = [("XDG_CONFIG_HOME", home.as_str()), ("QYS_ACCESS_TOKEN", TOKEN), ("QYS_ACCESS_SECRET", SECRET)];
    assert_eq!(qys_with(&args, &env, "").status, 1, "the wrong profile's token is refused by the mock");
    assert_eq!(qys_with(&args, &env_wins, "").status, 0, "environment over profile");
    let flag_wins = [("XDG_CONFIG_HOME", home.as_str()), ("QYS_ACCESS_TOKEN", "nobody"), ("QYS_ACCESS_SECRET", SECRET)];
    let mut with_flag = vec!["--access-token", TOKEN];
    with_flag.extend_from_slice(&args);
    assert_eq!(qys_with(&with_flag, &flag_wins, "").status, 0, "flag over environment");

    // `config show` says where each value comes from and never shows the credentials.
    let run = qys_with(&["config", "show", "--profile", "test", "--compact"], &env, "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    let shown: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(shown["server"]["from"], "profile");
    assert_eq!(shown["accessToken"], json!({"value": "<redacted>", "from": "profile"}));
    assert!(!run.stdout.contains(SECRET) && !run.stdout.contains(TOKEN), "{}", run.stdout);

    // An unknown profile is named, with the ones there are.
    let run = qys_with(&["--profile", "nope", "seal-list"], &env, "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("has no profile `nope` (it has: test, wrong)"), "{}", run.stderr);
}

/// A file at `dir/name.secret` holding `secret`, of the given mode.
fn secret_file(dir: &std::path::Path, secret: &str, mode: u32) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join(format!("{}.secret", mode));
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.display().to_string()
}

#[test]
fn a_secret_file_others_can_read_is_refused_by_flag_environment_and_profile_alike() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().display().to_string();
    let open = secret_file(dir.path(), "s3cr3t-in-a-file", 0o644);
    let chmod = format!("run: chmod 600 {open}");
    let check = |run: Run, names: &str| {
        assert_eq!(run.status, 2, "{names}: {}", run.stderr);
        assert!(run.stderr.contains(names) && run.stderr.contains(&chmod), "{names}: {}", run.stderr);
        assert!(!run.stderr.contains("s3cr3t-in-a-file"), "{}", run.stderr);
    };
    let base = ["--server", "mock", "--access-token", TOKEN];
    let mut args = base.to_vec();
    args.extend(["--access-secret-file", open.as_str(), "seal-list"]);
    check(qys_with(&args, &[], ""), "--access-secret-file");
    let mut args = base.to_vec();
    args.push("seal-list");
    check(qys_with(&args, &[("QYS_ACCESS_SECRET_FILE", open.as_str())], ""), "QYS_ACCESS_SECRET_FILE");
    let profile = format!("[profiles.p]\nserver = \"mock\"\naccess_token = \"t\"\naccess_secret_file = \"{open}\"\n");
    config(dir.path(), &profile, 0o600);
    check(qys_with(&["--profile", "p", "seal-list"], &[("XDG_CONFIG_HOME", home.as_str())], ""), "access_secret_file");
}

#[test]
fn a_config_error_never_echoes_a_value_and_a_password_in_the_server_url_is_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().display().to_string();
    let env = [("XDG_CONFIG_HOME", home.as_str())];
    // An unquoted numeric secret is a type error; the message names the line, not the value.
    config(dir.path(), "[profiles.p]\nserver = \"mock\"\naccess_secret = 918273645546372819\n", 0o600);
    let run = qys_with(&["--profile", "p", "seal-list"], &env, "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(!run.stderr.contains("918273645546372819"), "{}", run.stderr);
    assert!(run.stderr.contains("line 3") && run.stderr.contains("invalid type"), "{}", run.stderr);

    // A password in the server URL: neither `config show` nor `--dry-run` prints it.
    let server = "https://ops:hunter2-password@openapi.example.cn";
    let profile = format!("[profiles.p]\nserver = \"{server}\"\naccess_token = \"t\"\naccess_secret = \"s\"\n");
    config(dir.path(), &profile, 0o600);
    let run = qys_with(&["config", "show", "--profile", "p", "--compact"], &env, "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("https://***@openapi.example.cn"), "{}", run.stdout);
    let run = qys_with(&["--profile", "p", "--dry-run", "seal-list"], &env, "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("GET https://***@openapi.example.cn/v2/seal/list"), "{}", run.stdout);
    for shown in [&run.stdout, &run.stderr] {
        assert!(!shown.contains("hunter2-password"), "{shown}");
    }
}

#[test]
fn a_config_file_with_a_secret_that_others_can_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().display().to_string();
    let path = config(dir.path(), "[profiles.p]\nserver = \"mock\"\naccess_secret = \"s3cr3t-value\"\n", 0o644);
    let run = qys_with(&["--profile", "p", "seal-list"], &[("XDG_CONFIG_HOME", home.as_str())], "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("run: chmod 600 {path}")), "{}", run.stderr);
    assert!(!run.stderr.contains("s3cr3t-value"), "{}", run.stderr);
    // Without a secret in it, the same permissions are fine.
    config(dir.path(), "[profiles.p]\nserver = \"mock\"\n", 0o644);
    let run = qys_with(&["--profile", "p", "seal-list"], &[("XDG_CONFIG_HOME", home.as_str())], "");
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn a_download_that_cannot_be_written_exits_4_after_the_call() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let (contract, _) = contract_with_document(&mock, dir.path(), b"%PDF-1.4 %%EOF");
    let nowhere = dir.path().join("no-such-dir").join("contract.zip").display().to_string();
    let run = qys(&against(&mock, &["contract-download", "--contract-id", &contract, "--output", &nowhere]));
    assert_eq!(run.status, 4, "sent and answered, then not saved: {}", run.stderr);
    assert!(run.stderr.contains("no-such-dir"), "{}", run.stderr);
    let log = mock.stop();
    assert!(log.contains("(contractDownload) -> HTTP 200"), "{log}");
}

#[test]
fn saas_mode_signs_with_the_agents_pair_from_flags_environment_or_a_profile() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let server = mock.url.as_str();
    let agent_env = [("QYS_AGENT_SECRET", AGENT_SECRET)];
    // The agent's pair alone reaches an agent operation; its undocumented result prints as JSON.
    let run = qys_with(&["--server", server, "--agent-token", AGENT_TOKEN, "saas-binding"], &agent_env, "");
    assert_eq!((run.status, run.stdout.trim()), (0, "null"), "{}", run.stderr);
    // Without it, nothing is sent and the message names the flags.
    let company = [("QYS_ACCESS_SECRET", SECRET)];
    let run = qys_with(&["--server", server, "--access-token", TOKEN, "saas-binding"], &company, "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("an agent operation (SaaS mode)") && run.stderr.contains("--agent-token"),
        "{}",
        run.stderr
    );
    // The agent's pair alone cannot call a company's operation.
    let run = qys_with(&["--server", server, "--agent-token", AGENT_TOKEN, "seal-list"], &agent_env, "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("signed with a company's pair"), "{}", run.stderr);
    // A wrong agent secret: the mock's 443, naming the agent's header.
    let wrong = [("QYS_AGENT_SECRET", "not-the-agent-secret")];
    let run = qys_with(&["--server", server, "--agent-token", AGENT_TOKEN, "saas-binding"], &wrong, "");
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("443") && run.stderr.contains("x-qys-open-agentsignature"), "{}", run.stderr);
    // Acting for the company: both pairs, to both kinds of operation.
    let both = [("QYS_ACCESS_SECRET", SECRET), ("QYS_AGENT_SECRET", AGENT_SECRET)];
    for command in ["saas-binding", "seal-list"] {
        let args = ["--server", server, "--access-token", TOKEN, "--agent-token", AGENT_TOKEN, command];
        assert_eq!(qys_with(&args, &both, "").status, 0, "{command}");
    }
    // A profile holds the agent's pair (its secret in a private file); `config show` never prints it.
    let secret_file = dir.path().join("agent.secret");
    std::fs::write(&secret_file, format!("{AGENT_SECRET}\n")).unwrap();
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let profile = format!(
        "[profiles.agent]\nserver = \"{server}\"\nagent_token = \"{AGENT_TOKEN}\"\nagent_secret_file = \"{}\"\n",
        secret_file.display()
    );
    config(dir.path(), &profile, 0o600);
    let home = dir.path().display().to_string();
    let env = [("XDG_CONFIG_HOME", home.as_str())];
    let run = qys_with(&["--profile", "agent", "saas-binding"], &env, "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    let run = qys_with(&["config", "show", "--profile", "agent", "--compact"], &env, "");
    let shown: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(shown["agentToken"], json!({"value": "<redacted>", "from": "profile"}));
    assert_eq!(shown["agentSecret"], json!({"value": "<redacted>", "from": "profile"}));
    assert!(!run.stdout.contains(AGENT_TOKEN) && !run.stdout.contains(AGENT_SECRET), "{}", run.stdout);
    // With no server, the embedded mock plays the agent's part too.
    let run = qys(&["saas-binding"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let log = mock.stop();
    assert!(log.contains("(saasBinding) -> HTTP 200 code 0") && !log.contains(AGENT_SECRET), "{log}");
}

#[test]
fn help_lists_every_operation_under_its_domain_and_each_stays_a_top_level_command() {
    let schema: Value = serde_json::from_str(qiyuesuo::mock::SCHEMA_JSON).unwrap();
    let help = qys(&["--help"]);
    assert_eq!(help.status, 0, "{}", help.stderr);
    // Every exit status `qys` uses is explained, each with what it means.
    let explained = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for status in
        ["0 success", "1 the API", "2 invalid", "3 transport", "4 the call", "130 interrupted", "141 the output"]
    {
        assert!(explained.contains(status), "--help does not explain exit status `{status}`: {}", help.stdout);
    }
    let listing = help.stdout.split("API operations, by domain").nth(1).unwrap_or_else(|| panic!("{}", help.stdout));
    // Each heading once; under it, exactly its operations' commands.
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in listing.lines().skip(1) {
        if let Some(heading) = line.strip_suffix(':').filter(|l| !l.starts_with(' ') && !l.is_empty()) {
            sections.push((heading.to_lowercase(), Vec::new()));
        } else if let (Some(command), Some(section)) =
            (line.strip_prefix("  ").filter(|l| !l.starts_with(' ')), sections.last_mut())
        {
            section.1.push(command.split(' ').next().unwrap().to_owned());
        }
    }
    let mut listed = 0;
    for (_, item) in schema["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            let command = heck::AsKebabCase(op["operationId"].as_str().unwrap()).to_string();
            let domain = op["tags"][0].as_str().unwrap().to_lowercase();
            let section = sections
                .iter()
                .find(|(heading, _)| *heading == domain)
                .unwrap_or_else(|| panic!("no heading {domain}"));
            assert!(section.1.contains(&command), "{command} is not under {domain}");
            listed += 1;
        }
    }
    assert_eq!(listed, sections.iter().map(|(_, commands)| commands.len()).sum::<usize>());
    assert!(sections.iter().any(|(heading, _)| heading == "saas agent"), "{sections:?}");
    // Grouping changes the listing, not the commands: each is still called by its own name.
    let run = qys(&["saas-health-check"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn a_walk_against_a_server_that_repeats_its_page_stops_with_exit_3() {
    let mut scenario = tempfile::NamedTempFile::new().unwrap();
    let page = json!({"totalCount": 1_000_000, "list": [{"id": "11"}, {"id": "12"}]});
    write!(scenario, "{}", json!({"rules": [{"operation": "sealList", "result": page}]})).unwrap();
    let path = scenario.path().display().to_string();
    let mock = Mock::start(&["--scenario", &path]);

    let run = qys(&against(&mock, &["seal-list", "--all", "--query", "id"]));
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), ["11", "12"], "the items before the stop are printed");
    assert!(run.stderr.starts_with("error: sealList: the page walk stopped after 2 items"), "{}", run.stderr);
    assert!(run.stderr.contains("repeats the page before it"), "{}", run.stderr);

    let run = qys(&against(&mock, &["seal-list", "--all", "--max-items", "1", "--query", "id"]));
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert_eq!(run.stdout.lines().collect::<Vec<_>>(), ["11"]);
    assert!(run.stderr.contains("item limit of 1"), "{}", run.stderr);

    let run = qys(&against(&mock, &["seal-list", "--max-items", "1"]));
    assert_eq!(run.status, 2, "--max-items needs --all: {}", run.stderr);
    let log = mock.stop();
    assert_eq!(log.matches("(sealList) -> HTTP 200 code 0").count(), 3, "{log}");
}

#[test]
fn the_mock_warns_when_it_listens_beyond_loopback() {
    // Its two lines on stderr come after the first on stdout.
    let (line, stderr) = mock_said(&["--addr", "0.0.0.0:0"], 2);
    assert!(line.starts_with("listening on http://0.0.0.0:"), "{line}");
    assert!(stderr.contains("warning: listening beyond loopback"), "{stderr}");
    assert!(stderr.contains("sign pages have no login"), "{stderr}");
    // On loopback, no such warning.
    let mock = Mock::start(&[]);
    let log = mock.stop();
    assert!(!log.contains("beyond loopback"), "{log}");
}

#[test]
fn the_mock_says_which_public_test_pair_it_accepts() {
    let (_, said) = mock_said(&["--addr", "127.0.0.1:0"], 1);
    assert_eq!(
        said.trim(),
        "mock: accepting the default access token `mock-access-token` and the default secret `mock-access-secret`"
    );
    let help = qys(&["mock", "--help"]);
    assert!(help.stdout.contains("`mock-access-token` / `mock-access-secret`"), "{}", help.stdout);
}

#[test]
fn output_dash_writes_the_file_to_standard_output_for_a_pipe() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let pdf = b"%PDF-1.4 piped, byte for byte %%EOF";
    let (_, document) = contract_with_document(&mock, dir.path(), pdf);
    let run = qys(&against(&mock, &["document-download", "--document-id", &document, "--output", "-"]));
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout.as_bytes(), pdf, "only the file, nothing else, on standard output");
    assert!(!std::path::Path::new("-").exists(), "no file named `-`");
}

#[test]
fn the_embedded_mock_keeps_its_contracts_between_commands_and_concurrent_ones_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let env = [("QYS_MOCK_STATE", state)];
    let run = qys_with(&["contract-draft", "--subject", "kept", "--query", "id"], &env, "");
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("its contracts are kept in {state}")), "{}", run.stderr);
    let id = run.stdout.trim().to_owned();
    let file = dir.path().join("contract.pdf");
    std::fs::write(&file, b"%PDF-1.4 kept %%EOF").unwrap();
    let file = file.to_str().unwrap();
    let add = ["document-add-by-file", "--contract-id", &id, "--title", "t", "--file", file, "--file-suffix", "pdf"];
    assert_eq!(qys_with(&add, &env, "").status, 0);
    let run = qys_with(&["contract-send", "--contract-id", &id], &env, "");
    assert_eq!(run.status, 0, "the draft and its document were kept: {}", run.stderr);
    let run = qys_with(&["contract-detail", "--contract-id", &id, "--query", "status"], &env, "");
    assert_eq!(run.stdout.trim(), "SIGNING", "{}", run.stderr);
    // Eight processes at once, two drafts each: none lost.
    let children: Vec<_> = (0..8)
        .map(|n| {
            let state = state.to_owned();
            std::thread::spawn(move || {
                for m in 0..2 {
                    let subject = format!("p{n}-{m}");
                    let run = qys_with(&["contract-draft", "--subject", &subject], &[("QYS_MOCK_STATE", &state)], "");
                    assert_eq!(run.status, 0, "{}", run.stderr);
                }
            })
        })
        .collect();
    for child in children {
        child.join().unwrap();
    }
    let run = qys_with(&["contract-list", "--all", "--query", "subject"], &env, "");
    assert_eq!(run.stdout.lines().count(), 17, "{}", run.stdout);
    // Deleting the directory starts afresh.
    std::fs::remove_dir_all(state).unwrap();
    let run = qys_with(&["contract-detail", "--contract-id", &id], &env, "");
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("11011126"), "{}", run.stderr);
}

#[test]
fn errors_can_be_one_json_object_a_script_reads() {
    let mut scenario = tempfile::NamedTempFile::new().unwrap();
    let rules = json!({"rules": [{"operation": "companyAuthMiniappTicket", "code": 1605}]});
    write!(scenario, "{rules}").unwrap();
    let path = scenario.path().display().to_string();
    let mock = Mock::start(&["--scenario", &path]);
    let mut args = against(&mock, TICKET);
    args.extend(["--error-format", "json"]);
    let run = qys(&args);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let told: Value = serde_json::from_str(run.stderr.trim()).unwrap();
    let error = &told["error"];
    assert_eq!(error["kind"], "api");
    assert_eq!(error["operation"], "companyAuthMiniappTicket");
    assert_eq!(error["code"], 1605);
    assert_eq!(error["name"], "COMPANY_ALREADY_AUTHED");
    assert_eq!(error["httpStatus"], 200);
    assert_eq!(error["exitStatus"], 1);
    assert_eq!(error["attempts"], 1);
    assert_eq!(error["requestId"].as_str().map(str::len), Some(16), "{told}");
    // Usage errors too, from the environment.
    let run = qys_with(&["contract-detail"], &[("QYS_ERROR_FORMAT", "json")], "");
    assert_eq!(run.status, 2, "{}", run.stderr);
    let told: Value = serde_json::from_str(run.stderr.lines().last().unwrap()).unwrap();
    assert_eq!((told["error"]["kind"].as_str(), told["error"]["exitStatus"].as_u64()), (Some("usage"), Some(2)));
}

#[test]
fn a_typo_suggests_the_nearest_commands_and_bare_qys_and_help_domain_list_them() {
    let run = qys(&["contrat-detail"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: unknown command `contrat-detail`; did you mean: contract-detail,"), "{first}");
    assert!(first.matches(", ").count() <= 2, "a few suggestions, not dozens: {first}");
    let run = qys(&[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("contracts") && run.stdout.contains("qys help DOMAIN"), "{}", run.stdout);
    assert!(run.stdout.len() < 2048, "{} bytes", run.stdout.len());
    let run = qys(&["help", "contracts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("Contracts:") && run.stdout.contains("contract-detail"), "{}", run.stdout);
    assert!(!run.stdout.contains("seal-list"), "another domain's command: {}", run.stdout);
    // A command's own help is still clap's.
    let run = qys(&["help", "contract-detail"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("--contract-id"), "{}", run.stdout);
}

#[test]
fn standard_input_cannot_hold_both_the_request_and_a_secret() {
    let args = ["company-auth-miniapp-ticket", "--json", "-", "--access-secret-file", "-", "--server", "mock"];
    let run = qys_with(&args, &[], "{}");
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--json - and --access-secret-file - both read standard input"), "{}", run.stderr);
}

#[test]
fn a_misspelt_server_or_a_host_without_its_scheme_gets_a_suggestion_in_qys_terms() {
    let base = ["--access-token", TOKEN, "seal-list"];
    let cases = [
        ("sandbx", "is not a server (did you mean sandbox?)"),
        ("openapi.qiyuesuo.cn", "(did you mean https://openapi.qiyuesuo.cn?)"),
        ("http://example.com", "use https (plain http goes only to 127.0.0.1, ::1 or localhost)"),
    ];
    for (server, said) in cases {
        let mut args = vec!["--server", server];
        args.extend_from_slice(&base);
        let run = qys(&args);
        assert_eq!(run.status, 2, "{server}: {}", run.stderr);
        assert!(run.stderr.contains(said), "{server}: {}", run.stderr);
        assert!(!run.stderr.contains("danger_"), "a Rust builder method named to an operator: {}", run.stderr);
    }
}

#[test]
fn a_reader_that_goes_away_ends_qys_quietly_not_with_a_panic() {
    let mut child =
        Command::new(QYS).args(["completions", "zsh"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut start = [0u8; 8];
    child.stdout.as_mut().unwrap().read_exact(&mut start).unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(output.status.code(), Some(0 | 141)), "{:?}: {stderr}", output.status);
}

#[test]
fn enum_flags_take_any_case_and_send_the_schemas_spelling() {
    let args = ["--dry-run", "company-auth-miniapp-ticket", "--company-name", "c", "--applicant-contact", "1"];
    let run = qys(&[&args[..], &["--applicant-contact-type", "mobile"]].concat());
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains(r#""contactType":"MOBILE""#), "{}", run.stdout);
    let run = qys(&[&args[..], &["--applicant-contact-type", "fax"]].concat());
    assert_eq!(run.status, 2, "{}", run.stderr);
}

#[test]
fn field_flags_override_the_fields_of_json() {
    let body = r#"{"companyName": "from json", "applicant": {"contact": "1", "contactType": "EMAIL"}}"#;
    let args = ["--dry-run", "company-auth-miniapp-ticket", "--json", body, "--company-name", "from a flag"];
    let run = qys(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains(r#""companyName":"from a flag""#), "{}", run.stdout);
    assert!(run.stdout.contains(r#""contactType":"EMAIL""#), "the rest of the JSON stays: {}", run.stdout);
    let run = qys(&["--dry-run", "company-auth-miniapp-ticket", "--json", "[1]"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--json must be a JSON object"), "{}", run.stderr);
}

#[test]
fn the_other_party_signs_from_the_shell_in_the_kept_contracts_or_a_running_mock() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state").display().to_string();
    let env = [("QYS_MOCK_STATE", state.as_str())];
    let draft = r#"{"subject": "s", "signatories": [
        {"tenantType": "COMPANY", "tenantName": "Example Co., Ltd.", "actions": [{"type": "COMPANY"}]},
        {"tenantType": "PERSONAL", "tenantName": "张三", "receiver": {"contact": "10020033044", "contactType": "MOBILE"}}]}"#;
    let file = dir.path().join("c.pdf");
    std::fs::write(&file, b"%PDF-1.4 act %%EOF").unwrap();
    let file = file.display().to_string();
    let prepare = |with: &dyn Fn(&[&str]) -> Run| {
        let id = with(&["contract-draft", "--json", draft, "--query", "id"]).stdout.trim().to_owned();
        let add =
            ["document-add-by-file", "--contract-id", &id, "--title", "t", "--file", &file, "--file-suffix", "pdf"];
        assert_eq!(with(&add).status, 0);
        for command in ["contract-send", "contract-company-sign"] {
            assert_eq!(with(&[command, "--contract-id", &id]).status, 0, "{command}");
        }
        id
    };
    // The embedded mock's kept contracts.
    let embedded = |args: &[&str]| qys_with(args, &env, "");
    let id = prepare(&embedded);
    let run = embedded(&["mock", "act", "--contract-id", &id, "--contact", "10020033044"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(embedded(&["contract-detail", "--contract-id", &id, "--query", "status"]).stdout.trim(), "COMPLETE");
    let run = embedded(&["mock", "act", "--contract-id", &id, "--contact", "10020033044"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is COMPLETE, not SIGNING"), "{}", run.stderr);
    // A running mock, through its sign page.
    let mock = Mock::start(&[]);
    let running = |args: &[&str]| qys(&against(&mock, args));
    let id = prepare(&running);
    let run =
        qys(&["mock", "act", "--server", &mock.url, "--contract-id", &id, "--contact", "10020033044", "--reject"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(running(&["contract-detail", "--contract-id", &id, "--query", "status"]).stdout.trim(), "REJECTED");
}

#[test]
fn config_init_and_set_write_a_private_file_and_show_resolves_the_server() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qys").join("config.toml");
    let config = path.display().to_string();
    let run = qys(&["config", "init", "--config", &config]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(qys(&["config", "init", "--config", &config]).status, 2, "an existing file is not overwritten");
    for (key, value) in [("server", "sandbox"), ("access_token", "tok-1")] {
        let run = qys(&["config", "set", "sandbox", key, value, "--config", &config]);
        assert_eq!(run.status, 0, "{}", run.stderr);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# qys profiles") && text.contains("access_token = \"tok-1\""), "{text}");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let run = qys(&["config", "set", "sandbox", "access_secret", "s3cret", "--config", &config]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("set access_secret_file"), "{}", run.stderr);
    let run = qys(&["config", "set", "sandbox", "servr", "x", "--config", &config]);
    assert!(run.stderr.contains("is not a profile setting"), "{}", run.stderr);
    let run = qys(&["config", "show", "--profile", "sandbox", "--config", &config, "--compact"]);
    let shown: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(shown["server"]["value"], "sandbox");
    assert_eq!(shown["server"]["url"], "https://openapi.qiyuesuo.cn", "{shown}");
}

#[test]
fn a_commands_short_help_lists_its_own_flags_and_points_to_the_shared_ones() {
    let short = qys(&["contract-detail", "-h"]);
    assert_eq!(short.status, 0);
    assert!(
        short.stdout.contains("--contract-id") && !short.stdout.contains("--access-secret-file <FILE>"),
        "{}",
        short.stdout
    );
    assert!(short.stdout.contains("shared by every command: --help lists them"), "{}", short.stdout);
    let long = qys(&["contract-detail", "--help"]);
    assert!(long.stdout.contains("--access-secret-file <FILE>"), "{}", long.stdout);
}

#[test]
fn a_files_suffix_is_read_off_its_name_when_not_given() {
    let mock = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let run = qys(&against(&mock, &["contract-draft", "--subject", "s", "--query", "id"]));
    let id = run.stdout.trim().to_owned();
    let pdf = dir.path().join("contract.PDF");
    std::fs::write(&pdf, b"%PDF-1.4 suffix %%EOF").unwrap();
    let pdf = pdf.display().to_string();
    let run = qys(&against(&mock, &["document-add-by-file", "--contract-id", &id, "--title", "t", "--file", &pdf]));
    assert_eq!(run.status, 0, "{}", run.stderr);
    let odd = dir.path().join("contract.bin");
    std::fs::write(&odd, b"%PDF-1.4 %%EOF").unwrap();
    let odd = odd.display().to_string();
    let run = qys(&against(&mock, &["document-add-by-file", "--contract-id", &id, "--title", "t", "--file", &odd]));
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--file-suffix is not given"), "{}", run.stderr);
}
