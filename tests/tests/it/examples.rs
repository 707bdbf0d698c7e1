//! The schema's own examples against the generated types: what the doc page
//! shows must read into the types and write back unchanged.

use crate::common;

use qiyuesuo::models::{CompanyAuthMiniappTicketRequest, CompanyModifyField, CompanyModifyFields, ContactType};
use qiyuesuo::{ResponseCode, Server};

use common::schema;
use serde_json::Value;

const OP: &str = "/paths/~1companyauth~1miniappexchange/post";

#[test]
fn the_doc_page_request_example_round_trips_exactly() {
    let example = schema().pointer(&format!("{OP}/requestBody/content/application~1json/example")).cloned().unwrap();
    let request: CompanyAuthMiniappTicketRequest = serde_json::from_value(example.clone()).unwrap();
    assert_eq!(request.company_name, "上海契约锁公司");
    assert_eq!(request.applicant.contact_type, ContactType::Mobile);
    assert_eq!(request.applicant.name.as_deref(), Some("张三"));
    // Same keys, same values, same order.
    assert_eq!(serde_json::to_string(&request).unwrap(), example.to_string());
}

#[test]
fn the_success_example_holds_a_ticket() {
    let example =
        schema().pointer(&format!("{OP}/responses/200/content/application~1json/examples/success/value")).cloned();
    let result: qiyuesuo::models::TicketResult = serde_json::from_value(example.unwrap()["result"].clone()).unwrap();
    assert!(!result.ticket.is_empty());
}

#[test]
fn modify_fields_is_a_typed_set_on_the_wire_as_a_comma_string() {
    let example = schema().pointer("/components/schemas/CompanyModifyFields/example").cloned().unwrap();
    let set: CompanyModifyFields = serde_json::from_value(example.clone()).unwrap();
    assert!(set.contains(&CompanyModifyField::CorpName) && set.contains(&CompanyModifyField::RegisterNo));
    assert_eq!(serde_json::to_value(&set).unwrap(), example);
    // Order and repeats on input do not matter; the output is canonical.
    let messy: CompanyModifyFields = serde_json::from_str(r#""legalPerson,corpName,legalPerson""#).unwrap();
    assert_eq!(messy.to_string(), "corpName,legalPerson");
    let error = serde_json::from_str::<CompanyModifyFields>(r#""corpName,shoeSize""#).unwrap_err();
    assert!(error.to_string().contains("`shoeSize` is not a known value"), "{error}");
}

#[test]
fn every_code_in_the_schema_is_a_variant() {
    let schema = schema();
    let mut documented: Vec<Value> = schema["x-qys-response-codes"].as_array().unwrap().clone();
    for item in schema["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            documented.extend(op["x-qys-response-codes"].as_array().into_iter().flatten().cloned());
        }
    }
    let mut documented: Vec<i64> = documented.iter().map(|c| c["code"].as_i64().unwrap()).collect();
    documented.sort();
    documented.dedup();
    let mut generated: Vec<i64> = ResponseCode::ALL.iter().map(|c| c.code()).collect();
    generated.sort();
    assert_eq!(generated, documented);
    for code in ResponseCode::ALL {
        assert_eq!(ResponseCode::from_code(code.code()), *code);
        assert!(code.name().is_some() && code.documented_message().is_some());
    }
    assert_eq!(ResponseCode::from_response_code("11990005"), Some(ResponseCode::InvalidParam));
    // Each code knows the operations whose own tables document it.
    let mut documenting = Vec::new();
    for item in schema["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let codes = op["x-qys-response-codes"].as_array().into_iter().flatten();
            if codes.clone().any(|c| c["code"] == 1605) {
                documenting.push(op["operationId"].as_str().unwrap());
            }
        }
    }
    assert_eq!(documenting.len(), 6);
    assert_eq!(ResponseCode::CompanyAlreadyAuthed.operations(), documenting);
    assert_eq!(ResponseCode::NoViewPermission.operations(), ["contractMiniappTicket", "contractSignUrl"]);
    assert_eq!(ResponseCode::CompanyAlreadyAuthed.to_string(), "1605 COMPANY_ALREADY_AUTHED");
    assert_eq!(ResponseCode::from_code(77).to_string(), "77");
}

#[test]
fn servers_come_from_the_schema() {
    let urls: Vec<&str> = Server::ALL.iter().map(|s| s.url()).collect();
    let schema = schema();
    let expected: Vec<&str> =
        schema["servers"].as_array().unwrap().iter().map(|s| s["url"].as_str().unwrap()).collect();
    assert_eq!(urls, expected);
    assert_eq!(Server::Sandbox.url(), "https://openapi.qiyuesuo.cn");
    assert_eq!(Server::Production.url(), "https://openapi.qiyuesuo.com");
}
