//! Mints a company verification ticket for the mini-program plugin.
//!
//! With no arguments it starts a local stand-in on 127.0.0.1 that checks the
//! signature as the gateway does and answers with the schema's example, so
//! it runs anywhere:
//!
//! ```text
//! cargo run -p qiyuesuo --example mint_ticket
//! ```
//!
//! Against the real sandbox, pass the base URL and set the credentials:
//!
//! ```text
//! QYS_ACCESS_TOKEN=… QYS_ACCESS_SECRET=… cargo run -p qiyuesuo --example mint_ticket -- https://openapi.qiyuesuo.cn
//! ```

use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, CompanyModifyField, ContactType, User};
use qiyuesuo::{Client, Error};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const DEMO_TOKEN: &str = "demo-token";
const DEMO_SECRET: &str = "demo-secret";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let (base_url, token, secret, _server) = match std::env::args().nth(1) {
        Some(url) => (url, env("QYS_ACCESS_TOKEN"), env("QYS_ACCESS_SECRET"), None),
        None => {
            let server = stand_in().await;
            println!("local stand-in listening at {}", server.uri());
            (server.uri(), DEMO_TOKEN.to_owned(), DEMO_SECRET.to_owned(), Some(server))
        }
    };
    let client = match Client::new(&base_url, token, secret) {
        Ok(client) => client,
        Err(error) => return fail(&error),
    };
    let request = CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
        .callback_url("https://example.com/qys/company-auth")
        .modify_fields([CompanyModifyField::CorpName, CompanyModifyField::RegisterNo]);
    match client.company_auth_miniapp_ticket(&request).await {
        Ok(result) => {
            println!("ticket: {}", result.ticket);
            std::process::ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}

fn fail(error: &Error) -> std::process::ExitCode {
    eprintln!("error: {error}");
    std::process::ExitCode::FAILURE
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

/// Answers correctly signed requests with the schema's success example, and
/// anything else as the gateway does, with 442 `INVALID TOKEN`.
async fn stand_in() -> MockServer {
    let schema: Value = serde_json::from_str(include_str!("../../schema/qiyuesuo.openapi.json")).unwrap_or_default();
    let success = schema
        .pointer(
            "/paths/~1companyauth~1miniappexchange/post/responses/200/content/application~1json/examples/success/value",
        )
        .cloned()
        .unwrap_or_default();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/companyauth/miniappexchange"))
        .and(SignedWith { token: DEMO_TOKEN, secret: DEMO_SECRET })
        .respond_with(ResponseTemplate::new(200).set_body_json(success))
        .mount(&server)
        .await;
    let invalid = json!({"code": 442, "message": "INVALID TOKEN", "responseCode": "11990442"});
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(442).set_body_json(invalid))
        .mount(&server)
        .await;
    server
}

/// Matches requests whose `x-qys-open-signature` is the MD5 of token, secret,
/// timestamp and nonce.
struct SignedWith {
    token: &'static str,
    secret: &'static str,
}

impl Match for SignedWith {
    fn matches(&self, request: &Request) -> bool {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let signed =
            format!("{}{}{}{}", self.token, self.secret, header("x-qys-open-timestamp"), header("x-qys-open-nonce"));
        header("x-qys-open-accesstoken") == self.token
            && header("x-qys-open-signature") == format!("{:x}", md5_check::compute(signed.as_bytes()))
    }
}
