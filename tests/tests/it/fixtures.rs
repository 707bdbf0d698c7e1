//! The generator's output for the fixture schemas, called against loopback
//! servers: query parameters, arrays, nested optional objects, enums,
//! defaults, and an operation without a result.

use qiyuesuo::runtime::Validate;
use qiyuesuo_tests::{get_query, shapes};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server(verb: &str, at: &str, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_get_sends_its_query_percent_encoded_and_no_body() {
    let page =
        json!({"code": 0, "result": {"total": 2, "list": [{"name": "公章", "category": "COMPANY"}, {"name": "b"}]}});
    let server = server("GET", "/v2/seal/list", page).await;
    let client = get_query::Client::new(server.uri(), "t", "s").unwrap();
    let request = get_query::models::ListSealsRequest::new("上海 A&B=公司")
        .select_limit(10)
        .category(get_query::models::SealCategory::LegalPerson);
    let result = client.list_seals(&request).await.unwrap();
    assert_eq!(result.total, 2);
    assert_eq!(result.list[0].name, "公章");
    assert_eq!(result.list[0].category, Some(get_query::models::SealKind::Company));
    assert_eq!(result.list[1].category, None);

    let received = server.received_requests().await.unwrap();
    let sent = &received[0];
    assert_eq!(sent.method.as_str(), "GET");
    assert!(sent.body.is_empty());
    assert_eq!(
        sent.url.query(),
        Some("selectLimit=10&tenantName=%E4%B8%8A%E6%B5%B7+A%26B%3D%E5%85%AC%E5%8F%B8&category=LEGAL_PERSON"),
        "unset parameters (selectOffset) are left out; the rest keep schema order"
    );
    assert!(sent.headers.contains_key("x-qys-open-signature"));
}

#[tokio::test]
async fn query_limits_are_checked_before_sending() {
    let server = server("GET", "/v2/seal/list", json!({"code": 0})).await;
    let client = get_query::Client::new(server.uri(), "t", "s").unwrap();
    let request = get_query::models::ListSealsRequest::new("").select_offset(-1).select_limit(1001);
    let error = client.list_seals(&request).await.unwrap_err();
    let get_query::Error::InvalidRequest { problems, .. } = &error else { panic!("{error}") };
    assert_eq!(
        problems,
        &[
            "`selectOffset` is -1; it must be at least 0",
            "`selectLimit` is 1001; it must be at most 1000",
            "`tenantName` is empty; it needs at least 1",
        ]
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn nested_and_array_limits_name_the_field_path() {
    let request = shapes::models::TagRequest::new("thing", vec!["ok".to_owned(), "far too long".to_owned()])
        .style(shapes::models::Style::new("#12345").weight(950));
    assert_eq!(
        request.validate().unwrap_err(),
        [
            "`tags[1]` has 12 characters; it takes at most 8",
            "`style.themeColor` has 6 characters; it needs at least 7",
            "`style.weight` is 950; it must be at most 900",
        ]
    );
    let empty = shapes::models::TagRequest::new("thing", Vec::<String>::new());
    assert_eq!(empty.validate().unwrap_err(), ["`tags` has 0 items; it needs at least 1"]);
}

#[tokio::test]
async fn a_body_with_arrays_enums_and_a_nested_object_serializes_in_schema_order() {
    let server = server("POST", "/v2/things/tag", json!({"code": 0, "message": "SUCCESS"})).await;
    let client = shapes::Client::new(server.uri(), "t", "s").unwrap();
    let request = shapes::models::TagRequest::new("t1", ["a".to_owned()])
        .aliases(["x".to_owned(), "y".to_owned()])
        .colour(shapes::models::Colour::Green)
        .style(shapes::models::Style::new("#aabbcc"))
        .notify(false);
    client.tag_thing(&request).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        String::from_utf8(received[0].body.clone()).unwrap(),
        r##"{"thingId":"t1","tags":["a"],"aliases":["x","y"],"colour":"GREEN","style":{"themeColor":"#aabbcc"},"notify":false}"##
    );
}

#[tokio::test]
async fn empty_optional_arrays_and_unset_defaults_are_not_sent() {
    let server = server("POST", "/v2/things/tag", json!({"code": 0})).await;
    let client = shapes::Client::new(server.uri(), "t", "s").unwrap();
    client.tag_thing(&shapes::models::TagRequest::new("t1", ["a".to_owned()])).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(String::from_utf8(received[0].body.clone()).unwrap(), r#"{"thingId":"t1","tags":["a"]}"#);
}

#[tokio::test]
async fn an_operation_own_code_is_known_to_its_error_and_its_schema() {
    let server = server("POST", "/v2/things/tag", json!({"code": 1301, "message": "THING LOCKED"})).await;
    let client = shapes::Client::new(server.uri(), "t", "s").unwrap();
    let error = client.tag_thing(&shapes::models::TagRequest::new("t1", ["a".to_owned()])).await.unwrap_err();
    let api = error.as_api().unwrap();
    assert!(api.documented_for_operation);
    assert_eq!(shapes::ResponseCode::from_code(api.raw_code), shapes::ResponseCode::ThingLocked);
    assert_eq!(shapes::ResponseCode::ThingLocked.operations(), ["tagThing"]);
    assert_eq!(shapes::operations::TAG_THING.codes, [1301]);
}

#[test]
fn the_generated_code_lists_every_operation() {
    assert_eq!(get_query::operations::ALL.iter().map(|o| o.id).collect::<Vec<_>>(), ["listSeals"]);
    assert_eq!(get_query::operations::LIST_SEALS.path, "/v2/seal/list");
    assert_eq!(get_query::ResponseCode::ALL, []);
    assert_eq!(get_query::Server::Example.url(), "https://example.test");
}
