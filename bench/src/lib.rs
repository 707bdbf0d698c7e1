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

pub mod scale {
    //! A synthetic schema of any number of operations: the real ones, then
    //! copies of them in order under new names (`contractDraftCopy1`, its
    //! path with `copy1`, its schemas `DraftContractRequestCopy1`), so the mix
    //! of JSON, query, multipart, download and paginated operations stays the
    //! real one's. A copy brings the schemas its operations reach; the
    //! envelope, the shared responses and the one-of declarations stay one.
    //! Copies leave out what must stay unique in an API: the operation's own
    //! response codes (their names would repeat) and the mock's lifecycle
    //! (`x-qys-state`: the mock serves the copies from their examples).

    use std::collections::{BTreeSet, HashMap};

    use serde_json::{Map, Value};

    const SCHEMAS: &str = "#/components/schemas/";

    /// `schema` grown (or cut) to `operations` operations.
    pub fn scaled(schema: &Value, operations: usize) -> Value {
        let originals: Vec<(String, String, Value)> = schema["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(_, op)| op.get("operationId").is_some())
                    .map(move |(method, op)| (path.clone(), method.clone(), op.clone()))
            })
            .collect();
        let components = schema["components"]["schemas"].as_object().cloned().unwrap_or_default();
        let envelope: BTreeSet<String> =
            components.iter().filter(|(_, c)| c.get("x-qys-envelope").is_some()).map(|(n, _)| n.clone()).collect();
        let mut paths = Map::new();
        let mut schemas = Map::new();
        let count = originals.len().max(1);
        for copy in 0..operations.div_ceil(count) {
            let taken = &originals[..(operations - copy * count).min(originals.len())];
            let suffix = if copy == 0 { String::new() } else { format!("Copy{copy}") };
            let rename = |value: &mut Value| rename_refs(value, &suffix, &envelope);
            for (path, method, op) in taken {
                let mut op = op.clone();
                if copy > 0 {
                    rename(&mut op);
                    let id = op["operationId"].as_str().unwrap_or_default().to_owned();
                    op["operationId"] = Value::String(format!("{id}{suffix}"));
                    if let Some(fields) = op.as_object_mut() {
                        fields.remove("x-qys-response-codes");
                        fields.remove("x-qys-state");
                    }
                    if let Some(callbacks) = op.get_mut("callbacks").and_then(Value::as_object_mut) {
                        *callbacks = std::mem::take(callbacks)
                            .into_iter()
                            .map(|(name, callback)| (format!("{name}{suffix}"), callback))
                            .collect();
                    }
                }
                let path = format!("{path}{}", suffix.to_lowercase());
                let item = paths.entry(path).or_insert_with(|| Value::Object(Map::new()));
                item[method.as_str()] = op;
            }
            let reached = qiyuesuo_schema::slice::reached_types(schema, taken.iter().map(|(_, _, op)| op));
            for name in reached {
                if copy > 0 && envelope.contains(&name) {
                    continue;
                }
                let Some(component) = components.get(&name) else { continue };
                let mut component = component.clone();
                rename(&mut component);
                let key = if envelope.contains(&name) { name } else { format!("{name}{suffix}") };
                schemas.insert(key, component);
            }
        }
        let mut out = schema.clone();
        out["paths"] = Value::Object(paths);
        out["components"]["schemas"] = Value::Object(schemas);
        out
    }

    /// Points every schema `$ref` at its copy, except the envelope's.
    fn rename_refs(value: &mut Value, suffix: &str, envelope: &BTreeSet<String>) {
        match value {
            Value::Object(fields) => {
                for (key, value) in fields.iter_mut() {
                    match (key.as_str(), value) {
                        ("$ref", Value::String(target)) => {
                            if let Some(name) = target.strip_prefix(SCHEMAS)
                                && !envelope.contains(name)
                            {
                                *target = format!("{SCHEMAS}{name}{suffix}");
                            }
                        }
                        (_, value) => rename_refs(value, suffix, envelope),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| rename_refs(item, suffix, envelope)),
            _ => {}
        }
    }

    /// How many operations of each kind a schema has: the mix the copies keep.
    pub fn mix(schema: &Value) -> HashMap<&'static str, usize> {
        let mut mix = HashMap::new();
        for item in schema["paths"].as_object().into_iter().flatten().flat_map(|(_, item)| item.as_object()) {
            for op in item.values() {
                let body = op.get("requestBody").map(Value::to_string).unwrap_or_default();
                let kind = if body.contains("multipart/form-data") {
                    "multipart"
                } else if !body.is_empty() {
                    "json"
                } else {
                    "query"
                };
                *mix.entry(kind).or_default() += 1;
                if op.get("x-qys-pagination").is_some() {
                    *mix.entry("paginated").or_default() += 1;
                }
                if op["responses"].to_string().contains("\"format\":\"binary\"") {
                    *mix.entry("download").or_default() += 1;
                }
            }
        }
        mix
    }
}

/// `calls` calls of `call`, `concurrency` at a time on the current runtime:
/// the time they took and each call's latency. A failed call ends the run.
pub async fn concurrently<F, Fut>(
    concurrency: usize,
    calls: usize,
    call: F,
) -> (std::time::Duration, Vec<std::time::Duration>)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let started = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let share = calls / concurrency + usize::from(worker < calls % concurrency);
        let call = call.clone();
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            for _ in 0..share {
                let begun = std::time::Instant::now();
                if let Err(error) = call().await {
                    eprintln!("call failed: {error}");
                    std::process::exit(1);
                }
                latencies.push(begun.elapsed());
            }
            latencies
        });
    }
    let mut latencies = Vec::with_capacity(calls);
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done.unwrap_or_default());
    }
    (started.elapsed(), latencies)
}

/// The fixed-answer server of the loopback benchmark: hyper on 127.0.0.1,
/// on its own thread and runtime, answering every request with
/// [`success_envelope`]; returns its URL.
pub fn fixed_server() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("server runtime");
        runtime.block_on(async move {
            let _ = sender.send(fixed_server_here().await);
            std::future::pending::<()>().await;
        });
    });
    receiver.recv().expect("server started")
}

/// [`fixed_server`] on the current runtime, as a test's mock runs beside the
/// code under test (`#[tokio::test]` is one thread); returns its URL.
pub async fn fixed_server_here() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let body = bytes::Bytes::from(success_envelope());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let body = body.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_request| {
                    let body = body.clone();
                    async move {
                        let mut response = hyper::Response::new(http_body_util::Full::new(body));
                        response.headers_mut().insert(
                            hyper::header::CONTENT_TYPE,
                            hyper::header::HeaderValue::from_static("application/json;charset=UTF-8"),
                        );
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

pub mod detail {
    //! A contract detail answer of several KB (three signatories with their
    //! steps and operators, four documents, 19-digit ids) and a hand-written
    //! serde struct of the same shape: what decoding it costs by hand.

    use serde::Deserialize;

    /// The success envelope of `contractDetail`.
    pub fn envelope() -> String {
        let user = |n: usize| format!(r#"{{"contact":"1380000{n:04}","contactType":"MOBILE","name":"用户{n}"}}"#);
        let action = |s: usize, a: usize| {
            let operators: Vec<String> = (0..2).map(|o| user(s * 10 + a * 2 + o)).collect();
            format!(
                r#"{{"id":{},"type":"CORPORATE","name":"公章签署 {a}","serialNo":{a},"status":"FINISHED","operators":[{}]}}"#,
                3_012_345_678_901_234_000u64 + (s * 10 + a) as u64,
                operators.join(",")
            )
        };
        let signatory = |s: usize| {
            let actions: Vec<String> = (0..3).map(|a| action(s, a)).collect();
            format!(
                r#"{{"id":{},"tenantType":"COMPANY","tenantName":"示例科技有限公司 {s}","receiver":{},"serialNo":{s},"status":"SIGNED","actions":[{}]}}"#,
                2_912_345_678_901_234_000u64 + s as u64,
                user(900 + s),
                actions.join(",")
            )
        };
        let document = |d: usize| {
            format!(
                r#"{{"id":{},"title":"服务协议 附件 {d}","pageCount":{},"createTime":"2026-11-30 10:0{d}:00"}}"#,
                2_812_345_678_901_234_000u64 + d as u64,
                d + 3
            )
        };
        let signatories: Vec<String> = (0..3).map(signatory).collect();
        let documents: Vec<String> = (0..4).map(document).collect();
        format!(
            r#"{{"code":0,"message":"SUCCESS","result":{{"id":2712345678901234567,"bizId":"order-2026-000123","tenantName":"示例科技有限公司","subject":"技术服务协议","description":"年度技术服务与维护","sn":"HT-2026-000123","status":"SIGNING","ordinal":true,"expireTime":"2026-12-31 23:59:59","publishTime":"2026-11-30 10:00:00","category":{{"id":2612345678901234567,"name":"服务合同"}},"creator":{},"signatories":[{}],"documents":[{}],"businessData":"{{\"order\":123}}","comments":"请在月底前签署"}}}}"#,
            user(1),
            signatories.join(","),
            documents.join(",")
        )
    }

    #[derive(Deserialize)]
    pub struct Envelope {
        pub code: i64,
        #[serde(default)]
        pub message: Option<String>,
        #[serde(default)]
        pub result: Option<Contract>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Contract {
        pub id: u64,
        pub biz_id: Option<String>,
        pub tenant_name: Option<String>,
        pub subject: Option<String>,
        pub description: Option<String>,
        pub sn: Option<String>,
        pub status: Option<String>,
        pub ordinal: Option<bool>,
        pub expire_time: Option<String>,
        pub publish_time: Option<String>,
        pub category: Option<Category>,
        pub creator: Option<User>,
        #[serde(default)]
        pub signatories: Vec<Signatory>,
        #[serde(default)]
        pub documents: Vec<Document>,
        pub business_data: Option<String>,
        pub comments: Option<String>,
        pub invalid_reason: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct Category {
        pub id: Option<u64>,
        pub name: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct User {
        pub contact: Option<String>,
        pub contact_type: Option<String>,
        pub name: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Signatory {
        pub id: u64,
        pub tenant_type: Option<String>,
        pub tenant_name: Option<String>,
        pub receiver: Option<User>,
        pub serial_no: Option<i64>,
        pub status: Option<String>,
        #[serde(default)]
        pub actions: Vec<Action>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Action {
        pub id: u64,
        #[serde(rename = "type")]
        pub kind: Option<String>,
        pub name: Option<String>,
        pub serial_no: Option<i64>,
        pub status: Option<String>,
        #[serde(default)]
        pub operators: Vec<User>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Document {
        pub id: u64,
        pub title: Option<String>,
        pub page_count: Option<i64>,
        pub create_time: Option<String>,
    }

    /// The baseline decode: the envelope, its code checked, the contract out.
    pub fn hand_decode(body: &[u8]) -> Result<Contract, String> {
        let envelope: Envelope = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        if envelope.code != 0 {
            return Err(format!("code {}: {}", envelope.code, envelope.message.unwrap_or_default()));
        }
        envelope.result.ok_or_else(|| "no result".to_owned())
    }
}
