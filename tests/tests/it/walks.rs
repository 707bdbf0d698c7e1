//! Page walks (`…_all`) against servers that lie: one that ignores the
//! offset, one that claims a total it never reaches, one that never ends.
//! Each walk ends with an `Error::Walk` naming the bound, after handing out
//! the items before it.

use std::time::Duration;

use qiyuesuo::mock::{MockServer, Rule};
use qiyuesuo::models::SealListRequest;
use qiyuesuo::runtime::{CallOptions, StreamExt as _, WalkLimits, WalkStop};
use qiyuesuo::{Client, Error};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::common::{SECRET, TOKEN};

/// Answers every offset with ten fresh seals and a total it never reaches,
/// each answer after `0` of delay.
struct Endless(Duration);

impl Respond for Endless {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let offset: u64 = request
            .url
            .query_pairs()
            .find(|(name, _)| name == "selectOffset")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        let list: Vec<_> = (offset..offset + 10).map(|n| json!({"id": (n + 1).to_string()})).collect();
        let result = json!({"totalCount": 1_000_000_000_000_i64, "list": list});
        ResponseTemplate::new(200)
            .set_body_json(json!({"code": 0, "message": "SUCCESS", "result": result}))
            .set_delay(self.0)
    }
}

async fn endless(delay: Duration) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET")).respond_with(Endless(delay)).mount(&server).await;
    server
}

fn walk_stop(error: &Error) -> &WalkStop {
    match error {
        Error::Walk(walk) => &walk.stop,
        other => panic!("not a walk error: {other}"),
    }
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_ends_the_walk_at_its_second_page() {
    let page = json!({"totalCount": 1_000_000, "list": [{"id": "11"}, {"id": "12"}]});
    let mock = MockServer::builder().rule(Rule::new(Some("sealList"), []).result(page)).start().await.unwrap();
    let client = mock.client().unwrap();
    let walked: Vec<_> = client.seal_list_all(&SealListRequest::new()).collect().await;
    assert_eq!(walked.len(), 3, "two seals, then the stop: {walked:?}");
    let ids: Vec<String> = walked.iter().take(2).map(|seal| seal.as_ref().unwrap().id.to_string()).collect();
    assert_eq!(ids, ["11", "12"]);
    let error = walked[2].as_ref().unwrap_err();
    assert_eq!(walk_stop(error), &WalkStop::RepeatedPage { offset: 2 });
    let shown = error.to_string();
    assert!(shown.starts_with("sealList: the page walk stopped after 2 items"), "{shown}");
    assert!(shown.contains("the server ignores the offset"), "{shown}");
    assert!(!error.is_retryable());
    assert_eq!(mock.log().len(), 2, "no page asked for after the repeat");
}

#[tokio::test]
async fn a_total_never_reached_stops_at_the_item_limit_async_and_blocking() {
    let server = endless(Duration::ZERO).await;
    let limits = WalkLimits::default().max_items(25);
    let client = Client::builder(server.uri(), TOKEN, SECRET).danger_allow_insecure_http().walk_limits(limits);
    let client = client.build().unwrap();
    let walked: Vec<_> = client.seal_list_all(&SealListRequest::new()).collect().await;
    assert_eq!(walked.len(), 26, "25 seals, then the stop");
    assert!(walked.iter().take(25).all(Result::is_ok));
    let error = walked[25].as_ref().unwrap_err();
    let stop = walk_stop(error);
    assert!(matches!(stop, WalkStop::Items { limit: 25, .. }), "{stop:?}");
    assert!(error.to_string().contains("the server's total said 1000000000000"), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "pages at 0, 10 and 20");

    // On the blocking client: the same bound.
    let server = endless(Duration::ZERO).await;
    // A thread of its own: the blocking client refuses to run inside a runtime.
    let stop = std::thread::spawn(move || {
        let client = qiyuesuo::blocking::Client::builder(server.uri(), TOKEN, SECRET)
            .danger_allow_insecure_http()
            .walk_limits(WalkLimits::default().max_items(7))
            .build()
            .unwrap();
        let walked: Vec<_> = client.seal_list_all(&SealListRequest::new()).collect();
        assert_eq!(walked.len(), 8, "{walked:?}");
        walk_stop(walked[7].as_ref().unwrap_err()).clone()
    })
    .join()
    .unwrap();
    assert!(matches!(stop, WalkStop::Items { limit: 7, .. }), "{stop:?}");
}

#[tokio::test]
async fn a_walk_that_never_ends_stops_at_the_time_limit() {
    let server = endless(Duration::from_millis(40)).await;
    let limits = WalkLimits::default().max_time(Duration::from_millis(300));
    // Per call: a handle with its own limits.
    let client = Client::builder(server.uri(), TOKEN, SECRET).danger_allow_insecure_http().build().unwrap();
    let client = client.with_options(CallOptions::new().walk_limits(limits)).unwrap();
    let walked: Vec<_> = client.seal_list_all(&SealListRequest::new()).collect().await;
    let (last, items) = walked.split_last().unwrap();
    assert!(items.iter().all(Result::is_ok));
    let stop = walk_stop(last.as_ref().unwrap_err());
    assert_eq!(stop, &WalkStop::Time { limit: Duration::from_millis(300) });
}
