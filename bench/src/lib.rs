//! What the benchmarks share: the hand-written baselines (what a careful
//! engineer writes by hand for the same call) and the fixed inputs.

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

pub const TOKEN: &str = "bench-access-token-0123456789";
pub const SECRET: &str = "bench-access-secret-0123456789";
pub const TIMESTAMP: u64 = 1_700_000_000_123;
pub const NONCE: &str = "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0";

/// A success envelope of about 600 bytes (a long ticket, as signed tickets are).
pub fn success_envelope() -> String {
    let ticket = "t".repeat(540);
    format!(r#"{{"code":0,"message":"SUCCESS","responseCode":"00000000","result":{{"ticket":"{ticket}"}}}}"#)
}

/// The baseline signature: MD5 of the concatenation, as lower-case hex.
pub fn bare_md5_hex(token: &str, secret: &str, timestamp: u64, nonce: &str) -> String {
    let text = format!("{token}{secret}{timestamp}{nonce}");
    format!("{:x}", Md5::digest(text.as_bytes()))
}

/// The hand-written request body: the same fields, the same wire names.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandRequest<'a> {
    pub company_name: &'a str,
    pub applicant: HandUser<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_no: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_person: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_button: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modify_fields: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandUser<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    pub contact: &'a str,
    pub contact_type: &'a str,
}

pub fn hand_request() -> HandRequest<'static> {
    HandRequest {
        company_name: "上海契约锁公司",
        applicant: HandUser { name: Some("张三"), contact: "12312378900", contact_type: "MOBILE" },
        register_no: Some("91310000MA1FL0000X"),
        legal_person: Some("李四"),
        callback_url: Some("https://example.com/qys/company-auth"),
        close_button: Some(false),
        modify_fields: Some("corpName,registerNo"),
    }
}

pub fn generated_request() -> qiyuesuo::models::CompanyAuthMiniappTicketRequest {
    use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, CompanyModifyField, ContactType, User};
    CompanyAuthMiniappTicketRequest::new("上海契约锁公司", User::new("12312378900", ContactType::Mobile).name("张三"))
        .register_no("91310000MA1FL0000X")
        .legal_person("李四")
        .callback_url("https://example.com/qys/company-auth")
        .close_button(false)
        .modify_fields([CompanyModifyField::CorpName, CompanyModifyField::RegisterNo])
}

/// The hand-written envelope.
#[derive(Deserialize)]
pub struct HandEnvelope {
    pub code: i64,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub result: Option<HandTicket>,
}

#[derive(Deserialize)]
pub struct HandTicket {
    pub ticket: String,
}

/// The baseline decode: the envelope, its code checked, the ticket out.
pub fn hand_decode(body: &[u8]) -> Result<String, String> {
    let envelope: HandEnvelope = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if envelope.code != 0 {
        return Err(format!("code {}: {}", envelope.code, envelope.message.unwrap_or_default()));
    }
    envelope.result.map(|r| r.ticket).ok_or_else(|| "no result".to_owned())
}
