//! The mock and the client read the same schema; these tests check they
//! agree on every example in it, and that the mock serves an operation added
//! to the schema with no code change.

use crate::common;

use qiyuesuo::ResponseCode;
use qiyuesuo::mock::{MockServer, Rule};
use serde_json::{Value, json};

use common::schema;

fn operations(schema: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    for (_, item) in schema["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            found.push((op["operationId"].as_str().unwrap().to_owned(), op.clone()));
        }
    }
    found
}

fn resolve<'a>(schema: &'a Value, value: &'a Value) -> &'a Value {
    value.get("$ref").and_then(Value::as_str).and_then(|r| schema.pointer(&r[1..])).unwrap_or(value)
}

#[tokio::test]
async fn every_request_example_is_accepted_and_every_answer_example_decodes() {
    let schema = schema();
    // The examples themselves, not a flow: a lifecycle example names a
    // contract no mock holds.
    let mock = MockServer::builder().stateless().start().await.unwrap();
    let (company, agent) = (mock.client().unwrap(), mock.agent_client().unwrap());
    let upload = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(upload.path(), b"licence").unwrap();
    let mut checked = 0;
    for (id, op) in operations(&schema) {
        // An agent operation (SaaS mode) declares its own `security`.
        let client = if op.get("security").is_some() { &agent } else { &company };
        let media = op.pointer("/requestBody/content").and_then(Value::as_object).and_then(|c| c.values().next());
        // Query parameters are an object; an operation without input takes `null`.
        let empty = if op.get("parameters").is_some() { json!({}) } else { Value::Null };
        let mut request = media.and_then(|m| m.get("example")).cloned().unwrap_or(empty);
        // Query operations have no example: an enum's first value, else an
        // id-shaped value, for each required parameter, and the first group
        // of each one-of.
        for parameter in op["parameters"].as_array().into_iter().flatten().filter(|p| p["required"] == true) {
            let target = resolve(&schema, &parameter["schema"]);
            let value = target["enum"].get(0).cloned().unwrap_or(json!("2589012345678901234"));
            request[parameter["name"].as_str().unwrap()] = value;
        }
        for one_of in op["x-qys-one-of"].as_array().into_iter().flatten() {
            let declared = &schema["components"]["x-qys-one-of"][one_of.as_str().unwrap()];
            for member in declared["variants"][0]["required"].as_array().unwrap() {
                if request.get("bizId").is_none() {
                    request[member.as_str().unwrap()] = json!("2589012345678901234");
                }
            }
        }
        // A file part is a path in JSON: the example's file names become a real file.
        let body = media.map(|m| resolve(&schema, &m["schema"]));
        for (name, property) in body.and_then(|b| b["properties"].as_object()).into_iter().flatten() {
            if property["format"] == "binary" {
                request[name] = json!(upload.path().display().to_string());
            } else if property["items"]["format"] == "binary" {
                request[name] = json!([upload.path().display().to_string(), upload.path().display().to_string()]);
            }
        }
        let zip = op.pointer("/responses/200/content/application~1zip").is_some();
        let answers_file = op.pointer("/responses/200/content").and_then(Value::as_object).is_some_and(|c| c.len() > 1);
        if answers_file {
            let file = client.download_json(&id, request.clone()).await.unwrap_or_else(|e| panic!("{id}: {e}"));
            let mut bytes = Vec::new();
            file.write_to(&mut bytes).await.unwrap();
            assert!(!zip || bytes.starts_with(b"PK"), "{id}: not a ZIP");
            checked += 1;
            continue;
        }
        // The request example goes through the typed request, the mock's
        // validator and back: both sides accept it.
        let result = client.call_json(&id, request.clone()).await.unwrap_or_else(|e| panic!("{id}: {e}"));
        let examples = op.pointer("/responses/200/content/application~1json/examples").and_then(Value::as_object);
        for (name, example) in examples.into_iter().flatten() {
            let value = &resolve(&schema, example)["value"];
            let code = value["code"].as_i64().unwrap();
            if code == 0 {
                // Fresh fields differ; the shape must not.
                let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
                assert_eq!(keys(&result), keys(&value["result"]), "{id}/{name}");
            } else {
                mock.add_rule(Rule::new(Some(&id), []).code(code).times(1)).unwrap();
                let error = client.call_json(&id, request.clone()).await.unwrap_err();
                assert_eq!(error.code(), Some(ResponseCode::from_code(code)), "{id}/{name}");
                assert_eq!(
                    error.as_api().unwrap().message,
                    value["message"].as_str().unwrap_or_default(),
                    "{id}/{name}"
                );
            }
            checked += 1;
        }
    }
    for (name, response) in schema["components"]["responses"].as_object().unwrap() {
        let example = &response["content"]["application/json"]["example"];
        let code = ResponseCode::from_code(example["code"].as_i64().unwrap());
        assert!(!matches!(code, ResponseCode::Unknown(_)), "{name}: the client does not know code {code}");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} examples");
}

/// The schema with one more operation, which no generated code knows.
fn schema_with_contract_ticket() -> String {
    let mut schema = schema();
    let envelope_with_ticket =
        schema.pointer("/paths/~1companyauth~1miniappexchange/post/responses/200").cloned().unwrap();
    schema["paths"]["/v2/contract/miniappexchange/view"] = json!({
        "post": {
            "operationId": "contractMiniappViewTicket",
            "summary": "Create a contract viewing ticket (生成合同查看令牌).",
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ContractMiniappViewTicketRequest"}
            }}},
            "responses": {"200": envelope_with_ticket}
        }
    });
    schema["components"]["schemas"]["ContractMiniappViewTicketRequest"] = json!({
        "type": "object",
        "required": ["contractId", "user"],
        "properties": {
            "contractId": {"type": "string", "pattern": "^[0-9]{19}$"},
            "user": {"$ref": "#/components/schemas/User"}
        }
    });
    schema.to_string()
}

#[tokio::test]
async fn an_operation_added_to_the_schema_is_served_with_no_code_change() {
    let text = schema_with_contract_ticket();
    // The generator accepts the edited schema as well.
    let generated = qiyuesuo_codegen::generate(&text, "edited.json").unwrap();
    assert!(generated.api.operations.iter().any(|o| o.id == "contractMiniappViewTicket"));

    let mock = MockServer::builder().schema(text).start().await.unwrap();
    let good = json!({"contractId": "3096207294542127115", "user": {"contact": "x", "contactType": "MOBILE"}});
    let answer = signed_post(&mock, "/v2/contract/miniappexchange/view", &good).await;
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(answer["result"]["ticket"].as_str().map(str::len), Some(32), "{answer}");

    let bad = json!({"contractId": "12", "user": {"contact": "x", "contactType": "MOBILE"}});
    let answer = signed_post(&mock, "/v2/contract/miniappexchange/view", &bad).await;
    assert_eq!(answer["code"], 1005);
    assert!(answer["message"].as_str().unwrap().contains("contractId"), "{answer}");
    assert_eq!(mock.log().last().unwrap().operation.as_deref(), Some("contractMiniappViewTicket"));
}

async fn signed_post(mock: &MockServer, path: &str, body: &Value) -> Value {
    common::signed_post(mock, path).json(body).send().await.unwrap().json().await.unwrap()
}

/// The request forms the vendor's SDKs send (`tests/wire/vendor-forms.json`:
/// ids as numbers, explicit nulls, text booleans, the Java multipart writer),
/// replayed in order against one mock: each answer is the one the data says.
#[tokio::test]
async fn the_vendor_sdks_wire_forms_reach_the_mock() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/wire/vendor-forms.json");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mock = MockServer::start().await.unwrap();
    let mut saved: Vec<(String, String)> = Vec::new();
    let fill = |text: &str, saved: &[(String, String)]| {
        saved.iter().fold(text.to_owned(), |text, (name, value)| text.replace(&format!("${{{name}}}"), value))
    };
    let steps = data["steps"].as_array().unwrap();
    assert!(steps.len() >= 10);
    for step in steps {
        let name = step["name"].as_str().unwrap();
        let method: reqwest::Method = step["method"].as_str().unwrap().parse().unwrap();
        let mut target = step["path"].as_str().unwrap().to_owned();
        if let Some(query) = step["query"].as_str() {
            target = format!("{target}?{}", fill(query, &saved));
        }
        let request = common::signed(&mock, method, &target);
        let request = if let Some(json) = step["json"].as_str() {
            request.header("content-type", "application/json;charset=UTF-8").body(fill(json, &saved))
        } else if let Some(parts) = step["multipart"].as_array() {
            let (content_type, body) = java_multipart(parts, |t| fill(t, &saved));
            request.header("content-type", content_type).body(body)
        } else {
            request
        };
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        let expect = &step["expect"];
        assert_eq!(answer["code"], expect["code"], "{name}: {answer}");
        if let Some(text) = expect["mentions"].as_str() {
            assert!(answer["message"].as_str().unwrap_or_default().contains(text), "{name}: {answer}");
        }
        for (pointer, value) in expect["equals"].as_object().into_iter().flatten() {
            assert_eq!(answer.pointer(pointer), Some(value), "{name}: {answer}");
        }
        for (key, pointer) in step["save"].as_object().into_iter().flatten() {
            let value = answer.pointer(pointer.as_str().unwrap()).unwrap_or_else(|| panic!("{name}: {answer}"));
            // Saved ids go back as bare digits: a JSON number inside a body.
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            saved.push((key.clone(), text));
        }
    }
}

/// A multipart body as the vendor's Java SDK writes it: `Content-Disposition:`
/// with no spaces, and a `Content-Type` line on every part, text included.
fn java_multipart(parts: &[Value], fill: impl Fn(&str) -> String) -> (String, Vec<u8>) {
    let boundary = "----sdkboundary7e3f1a";
    let mut body = Vec::new();
    for part in parts {
        let name = part["name"].as_str().unwrap();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition:form-data;name=\"{name}\"").as_bytes());
        match part["fileName"].as_str() {
            Some(file) => {
                let kind = part["contentType"].as_str().unwrap();
                body.extend_from_slice(format!(";filename=\"{file}\"\r\nContent-Type:{kind}\r\n\r\n").as_bytes());
            }
            None => body.extend_from_slice(b"\r\nContent-Type:text/plain\r\n\r\n"),
        }
        body.extend_from_slice(fill(part["text"].as_str().unwrap()).as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data;charset=UTF-8; boundary={boundary}"), body)
}

/// An answer as the Java-backed server may write it (ids as numbers, `null`
/// for unset fields, lists included) is accepted by the mock's rules and
/// decodes into the typed models.
#[tokio::test]
async fn answers_with_numeric_ids_and_nulls_decode() {
    let mock = MockServer::start().await.unwrap();
    let answer = json!({
        "id": 2591540368898105360_u64, "subject": null, "status": "SIGNING", "documents": null, "tags": null,
        "signatories": [{"id": 2591540368898105361_u64, "actions": null, "receiver": null, "serialNo": null}]
    });
    mock.add_rule(Rule::new(Some("contractDetail"), []).result(answer)).unwrap();
    let client = mock.client().unwrap();
    let request = qiyuesuo::models::ContractDetailRequest::new(qiyuesuo::models::ContractRef::id(
        qiyuesuo::runtime::Id::new(2591540368898105360),
    ));
    let contract = client.contract_detail(&request).await.unwrap();
    assert_eq!(contract.id, qiyuesuo::runtime::Id::new(2591540368898105360));
    assert!(contract.subject.is_none() && contract.documents.is_empty() && contract.tags.is_empty());
    assert_eq!(contract.signatories[0].id, qiyuesuo::runtime::Id::new(2591540368898105361));
    assert!(contract.signatories[0].actions.is_empty());
}
