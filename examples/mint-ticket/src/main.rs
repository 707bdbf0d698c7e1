//! Mints a company verification ticket for the mini-program plugin, the way
//! an integrator's server does.
//!
//! With no arguments it calls the mock (`qiyuesuo::mock`, feature `mock`),
//! which checks the signature as the gateway does:
//!
//! ```text
//! cargo run -p qiyuesuo-example-mint-ticket
//! ```
//!
//! Against the sandbox, pass its base URL and set the credentials:
//!
//! ```text
//! QYS_ACCESS_TOKEN=… QYS_ACCESS_SECRET=… cargo run -p qiyuesuo-example-mint-ticket -- https://openapi.qiyuesuo.cn
//! ```

use std::process::ExitCode;

use qiyuesuo::mock::MockServer;
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, CompanyModifyField, ContactType, User};
use qiyuesuo::{Client, ResponseCode};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (client, _mock) = match std::env::args().nth(1) {
        Some(url) => {
            let token = std::env::var("QYS_ACCESS_TOKEN").unwrap_or_default();
            let secret = std::env::var("QYS_ACCESS_SECRET").unwrap_or_default();
            (Client::new(url, token, secret), None)
        }
        None => match MockServer::start().await {
            Ok(mock) => (mock.client(), Some(mock)),
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let request = CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile))
        .callback_url("https://example.com/qys/company-auth?order=42")
        .modify_fields([CompanyModifyField::CorpName, CompanyModifyField::RegisterNo]);
    match client.company_auth_miniapp_ticket(&request).await {
        Ok(result) => {
            println!("ticket: {}", result.ticket);
            ExitCode::SUCCESS
        }
        Err(error) if error.code() == Some(ResponseCode::CompanyAlreadyAuthed) => {
            println!("the company is already verified");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
