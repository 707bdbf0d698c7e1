//! What one `qys` call costs as a user feels it: wall time of the whole
//! process, beside `curl` sending the same pre-signed request, alternating,
//! many runs. For each `qys` binary given (built from the real schema and
//! from a larger one), three calls:
//!
//! - `--version`: process start and the command tree, no schema read;
//! - a call against a running server (the loopback benchmark's fixed-answer
//!   server), beside `curl` to the same server;
//! - the README's main job: the call answered by the embedded mock.
//!
//! `cargo run --release -p qiyuesuo-bench --bin cli_time -- NAME=PATH/TO/qys …`
//! writes `target/bench/cli.json`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use qiyuesuo_bench::{SECRET, TOKEN, bare_md5_hex, fixed_server};

const RUNS: usize = 60;
const FIELDS: [&str; 6] =
    ["--company-name", "上海契约锁公司", "--applicant-contact", "12312378900", "--applicant-contact-type", "MOBILE"];

fn main() {
    let binaries: Vec<(String, String)> =
        std::env::args().skip(1).filter_map(|a| a.split_once('=').map(|(n, p)| (n.to_owned(), p.to_owned()))).collect();
    if binaries.is_empty() {
        eprintln!("usage: cli_time NAME=PATH/TO/qys …");
        std::process::exit(2);
    }
    let url = fixed_server();
    let secret_file = std::env::temp_dir().join(format!("qys-bench-secret-{}", std::process::id()));
    std::fs::write(&secret_file, SECRET).expect("secret file");
    let secret_path = secret_file.to_string_lossy().into_owned();
    // curl's request, signed once (the fixed server checks nothing).
    let timestamp = 1_700_000_000_000u64.to_string();
    let nonce = "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0";
    let signature = bare_md5_hex(TOKEN, SECRET, 1_700_000_000_000, nonce);
    let body = r#"{"companyName":"上海契约锁公司","applicant":{"contact":"12312378900","contactType":"MOBILE"}}"#;
    let curl: Vec<String> = vec![
        "-s".into(),
        "-o".into(),
        "/dev/null".into(),
        "-H".into(),
        format!("x-qys-open-accesstoken: {TOKEN}"),
        "-H".into(),
        format!("x-qys-open-timestamp: {timestamp}"),
        "-H".into(),
        format!("x-qys-open-nonce: {nonce}"),
        "-H".into(),
        format!("x-qys-open-signature: {signature}"),
        "-H".into(),
        "content-type: application/json;charset=UTF-8".into(),
        "--data-binary".into(),
        body.into(),
        format!("{url}/companyauth/miniappexchange"),
    ];
    let mut variants: Vec<(String, String, Vec<String>)> = vec![("curl".into(), "curl".into(), curl)];
    for (name, path) in &binaries {
        let mut server = vec!["--server".to_owned(), url.clone(), "--access-token".into(), TOKEN.into()];
        server.extend(["--access-secret-file".to_owned(), secret_path.clone(), "company-auth-miniapp-ticket".into()]);
        server.extend(FIELDS.iter().map(|f| f.to_string()));
        let mut mock = vec!["company-auth-miniapp-ticket".to_owned()];
        mock.extend(FIELDS.iter().map(|f| f.to_string()));
        variants.push((format!("{name}: qys --version"), path.clone(), vec!["--version".into()]));
        variants.push((format!("{name}: qys, running server"), path.clone(), server));
        variants.push((format!("{name}: qys, embedded mock"), path.clone(), mock));
    }
    // Each must work before it is timed.
    for (name, program, args) in &variants {
        let status = Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status();
        if !status.as_ref().is_ok_and(|s| s.success()) {
            eprintln!("{name} failed: {status:?}");
            std::process::exit(1);
        }
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(RUNS); variants.len()];
    for run in 0..RUNS {
        // Rotate the order, so drift favours none.
        for offset in 0..variants.len() {
            let at = (run + offset) % variants.len();
            let (_, program, args) = &variants[at];
            let started = Instant::now();
            let _ = Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status();
            times[at].push(started.elapsed());
        }
    }
    let _ = std::fs::remove_file(&secret_file);
    let median = |t: &mut Vec<Duration>| {
        t.sort();
        (t[t.len() / 2].as_secs_f64() * 1e3, t[0].as_secs_f64() * 1e3)
    };
    let mut rows = Vec::new();
    let (curl_median, _) = median(&mut times[0].clone());
    for ((name, _, _), t) in variants.iter().zip(times.iter_mut()) {
        let (med, min) = median(t);
        println!("{name:<40} median {med:>7.2} ms   min {min:>7.2} ms   / curl {:>5.2}", med / curl_median);
        rows.push(format!(r#"{{"name":"{name}","median_ms":{med:.3},"min_ms":{min:.3}}}"#));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("cli.json"), format!("[{}]\n", rows.join(",")));
}
