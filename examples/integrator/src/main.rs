//! Runs the integrator service.
//!
//! `--demo`: starts the embedded mock and the service, asks for a ticket as
//! the mini-program's front end would, lets the mock deliver the verification
//! callback, prints what the service learnt, and exits (0 when verified).
//!
//! Otherwise it serves on `LISTEN` (127.0.0.1:8080), reached at `PUBLIC_URL`,
//! calling the API at `QYS_SERVER_URL` with `QYS_ACCESS_TOKEN` and
//! `QYS_ACCESS_SECRET`; without `QYS_SERVER_URL` it calls the embedded mock.

use std::process::ExitCode;
use std::time::Duration;

use qiyuesuo::mock::{MockServer, Rule};
use qiyuesuo_example_integrator::App;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> ExitCode {
    let result = if std::env::args().any(|a| a == "--demo") { demo().await } else { serve().await };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let listen = env("LISTEN").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener =
        tokio::net::TcpListener::bind(&listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let public_url = env("PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}"));
    // Without a server, the embedded mock stands in; it lives as long as the service.
    let (client, _mock) = match env("QYS_SERVER_URL") {
        Some(server) => {
            let token = env("QYS_ACCESS_TOKEN").ok_or("QYS_ACCESS_TOKEN is not set")?;
            let secret = env("QYS_ACCESS_SECRET").ok_or("QYS_ACCESS_SECRET is not set")?;
            (qiyuesuo::Client::new(server, token, secret).map_err(|e| e.to_string())?, None)
        }
        None => {
            let mock = MockServer::start().await.map_err(|e| e.to_string())?;
            eprintln!("calling the embedded mock at {}", mock.base_url());
            (mock.client().map_err(|e| e.to_string())?, Some(mock))
        }
    };
    eprintln!("serving on {listen}, reached at {public_url}");
    let app = App::new(client, public_url).router();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

async fn demo() -> Result<(), String> {
    // The mock answers the ticket and then POSTs the verification result to
    // the callback URL the service gave, as the API does once the company is verified.
    let mock = MockServer::start().await.map_err(|e| e.to_string())?;
    let rule =
        Rule::new(Some("companyAuthMiniappTicket"), []).callback([("status", json!(1)), ("actionEvent", json!(7))]);
    mock.add_rule(rule).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let app = App::new(mock.client().map_err(|e| e.to_string())?, &base).router();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let http = reqwest::Client::new();
    let ticket: Value = http
        .post(format!("{base}/company-auth/ticket"))
        .json(&json!({"companyName": "上海契约锁公司", "contact": "12312378900"}))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    println!("front end got: {ticket}");
    for _ in 0..100 {
        let answer = http
            .get(format!("{base}/company-auth/status"))
            .query(&[("companyName", "上海契约锁公司")])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if answer.status().is_success() {
            let status: Value = answer.json().await.map_err(|e| e.to_string())?;
            println!("callback said: {status}");
            // The service records the callback before its answer reaches the
            // mock, which logs the delivery once it has read that answer.
            for _ in 0..100 {
                if mock.log().iter().any(|entry| entry.method == "CALLBACK") {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            for entry in mock.log() {
                println!("{entry}");
            }
            let verified = status.get("verified") == Some(&Value::Bool(true));
            return if verified { Ok(()) } else { Err("the company is not verified".to_owned()) };
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err("no callback arrived within 2 s".to_owned())
}
