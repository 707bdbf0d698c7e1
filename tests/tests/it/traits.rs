//! Compile-time checks of what integrators rely on: a client that can be
//! shared across tasks, futures that can be spawned, errors that can be boxed.

use qiyuesuo::Client;
use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, ContactType, User};

fn shared<T: Clone + Send + Sync + 'static>() {}
fn error<T: std::error::Error + Send + Sync + 'static>() {}
fn sendable<T: Send>(_: &T) {}

#[test]
fn client_errors_and_futures_have_the_usual_traits() {
    shared::<Client>();
    shared::<qiyuesuo::blocking::Client>();
    shared::<qiyuesuo::runtime::Id>();
    shared::<qiyuesuo::runtime::FilePart>();
    error::<qiyuesuo::runtime::CallbackError>();
    sendable(&qiyuesuo::runtime::Id::new(1));
    shared::<qiyuesuo::ResponseCode>();
    shared::<CompanyAuthMiniappTicketRequest>();
    error::<qiyuesuo::Error>();
    error::<qiyuesuo::ApiError>();
    let client = Client::new("http://127.0.0.1:9", "t", "s").unwrap();
    let request = CompanyAuthMiniappTicketRequest::new("c", User::new("x", ContactType::Mobile));
    let future = client.company_auth_miniapp_ticket(&request);
    sendable(&future);
    let contract = qiyuesuo::models::ContractDownloadRequest::new(qiyuesuo::models::ContractRef::biz_id("order-1"));
    let download = client.contract_download(&contract);
    sendable(&download);
    // An error is small enough to return through `?` cheaply.
    assert!(std::mem::size_of::<qiyuesuo::Error>() <= 48, "{}", std::mem::size_of::<qiyuesuo::Error>());
}
