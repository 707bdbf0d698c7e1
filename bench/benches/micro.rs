//! Micro-benchmarks, each beside its hand-written baseline in the same run:
//! signing, serializing a request, decoding the success envelope; and the
//! per-phase account of one call (`phases`), each phase run alone by the
//! code a call runs, beside the hand-written call's same step.

use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use qiyuesuo::__private::{Core, FromCore, Input};
use qiyuesuo::runtime::__hooks::{Answer, Credentials, SigningKey, decode_result, phases};
use qiyuesuo_bench::*;

fn signing(c: &mut Criterion) {
    let key = SigningKey::new(&Credentials::new(TOKEN, SECRET)).expect("a valid token");
    let mut group = c.benchmark_group("sign");
    group.bench_function("baseline: bare md5+hex", |b| {
        b.iter(|| bare_md5_hex(black_box(TOKEN), black_box(SECRET), black_box(TIMESTAMP), black_box(NONCE)))
    });
    group.bench_function("generated: four headers", |b| {
        b.iter(|| black_box(&key).headers(black_box(TIMESTAMP), black_box(Some(NONCE))))
    });
    group.bench_function("uuid v4 nonce (per attempt, both)", |b| b.iter(|| uuid::Uuid::new_v4().to_string()));
    group.finish();
}

fn serializing(c: &mut Criterion) {
    let hand = hand_request();
    let generated = generated_request();
    assert_eq!(serde_json::to_string(&hand).ok(), serde_json::to_string(&generated).ok());
    let mut group = c.benchmark_group("serialize request");
    group.bench_function("baseline: hand-written struct", |b| b.iter(|| serde_json::to_vec(black_box(&hand))));
    group.bench_function("generated: request type", |b| b.iter(|| serde_json::to_vec(black_box(&generated))));
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let body = success_envelope();
    let answer = Answer { status: 200, content_type: Some("application/json;charset=UTF-8"), body: body.as_bytes() };
    let op = &qiyuesuo::operations::COMPANY_AUTH_MINIAPP_TICKET;
    let mut group = c.benchmark_group("decode envelope");
    group.bench_function("baseline: hand-written struct", |b| b.iter(|| hand_decode(black_box(body.as_bytes()))));
    group.bench_function("generated: decode_result", |b| {
        b.iter(|| decode_result::<qiyuesuo::ResponseCode, qiyuesuo::models::TicketResult>(op, black_box(&answer)))
    });
    group.finish();
}

fn decoding_detail(c: &mut Criterion) {
    let body = detail::envelope();
    let answer = Answer { status: 200, content_type: Some("application/json;charset=UTF-8"), body: body.as_bytes() };
    let op = &qiyuesuo::operations::CONTRACT_DETAIL;
    // Both read the same contract.
    let hand = detail::hand_decode(body.as_bytes()).expect("hand-written decode");
    let generated =
        decode_result::<qiyuesuo::ResponseCode, qiyuesuo::models::Contract>(op, &answer).expect("generated decode");
    assert_eq!(generated.id.get() as u64, hand.id);
    assert_eq!(generated.signatories.len(), hand.signatories.len());
    assert_eq!(
        generated.signatories[2].actions[2].operators[1].contact,
        hand.signatories[2].actions[2].operators[1].contact
    );
    let mut group = c.benchmark_group(format!("decode contract detail ({} bytes)", body.len()));
    group.bench_function("baseline: hand-written struct", |b| {
        b.iter(|| detail::hand_decode(black_box(body.as_bytes())))
    });
    group.bench_function("generated: decode_result", |b| {
        b.iter(|| decode_result::<qiyuesuo::ResponseCode, qiyuesuo::models::Contract>(op, black_box(&answer)))
    });
    group.finish();
}

/// A client's core, as the generated `Client` holds it.
struct Grab(Core);

impl FromCore for Grab {
    type Codes = qiyuesuo::ResponseCode;
    fn from_core(core: Core) -> Self {
        Grab(core)
    }
}

/// Runs a future that never waits (the phases here have no I/O) to its end.
fn now<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("a phase waited"),
    }
}

/// The answer as the server sends it, for the read phase.
fn answer() -> reqwest::Response {
    let body = success_envelope();
    let answer = hyper::Response::builder()
        .header("content-type", "application/json;charset=UTF-8")
        .header("content-length", body.len())
        .header("date", "Tue, 01 Dec 2026 00:00:00 GMT")
        .body(body)
        .expect("an answer");
    reqwest::Response::from(answer)
}

/// Each phase of one call (`companyAuthMiniappTicket`, the loopback
/// benchmark's call), generated beside the hand-written call's same step.
fn phases(c: &mut Criterion) {
    let base = "http://127.0.0.1:9";
    let core = qiyuesuo::runtime::ClientBuilder::<Grab>::new(base, TOKEN, SECRET).build().expect("a client").0;
    let op = &qiyuesuo::operations::COMPANY_AUTH_MINIAPP_TICKET;
    let generated = generated_request();
    let hand = hand_request();
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .user_agent("hand-written/0")
        .build()
        .expect("reqwest");
    let url = format!("{base}{}", op.path);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");

    let mut group = c.benchmark_group("phase: encode (validate, JSON)");
    group.bench_function("generated", |b| {
        b.iter(|| now(phases::encode::<qiyuesuo::ResponseCode, _>(op, Input::Json(black_box(&generated)))))
    });
    group.bench_function("hand-written", |b| b.iter(|| serde_json::to_vec(black_box(&hand))));
    group.finish();

    let hand_sign = || {
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let nonce = uuid::Uuid::new_v4().to_string();
        let signature = bare_md5_hex(TOKEN, SECRET, timestamp, &nonce);
        (timestamp.to_string(), nonce, signature)
    };
    let mut group = c.benchmark_group("phase: sign (clock, nonce, MD5, header values)");
    group.bench_function("generated", |b| b.iter(|| phases::sign(black_box(&core))));
    group.bench_function("hand-written", |b| b.iter(hand_sign));
    group.finish();

    let encoded = now(phases::encode::<qiyuesuo::ResponseCode, _>(op, Input::Json(&generated))).expect("encoded");
    let headers = phases::sign(&core).expect("signed");
    let body = bytes::Bytes::from(serde_json::to_vec(&hand).expect("JSON"));
    let signed = hand_sign();
    let mut group = c.benchmark_group("phase: build (URL, headers, body)");
    group.bench_function("generated", |b| {
        b.iter_batched(|| headers.clone(), |h| phases::build(&core, op, &encoded, h), BatchSize::SmallInput)
    });
    group.bench_function("hand-written", |b| {
        b.iter_batched(
            || signed.clone(),
            |(timestamp, nonce, signature)| {
                http.post(&url)
                    .header("x-qys-open-accesstoken", TOKEN)
                    .header("x-qys-open-timestamp", timestamp)
                    .header("x-qys-open-nonce", nonce)
                    .header("x-qys-open-signature", signature)
                    .header("content-type", "application/json;charset=UTF-8")
                    .body(body.clone())
                    .build()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("phase: read (head, body within the cap)");
    group.bench_function("generated", |b| {
        b.iter_batched(answer, |response| now(phases::read(&core, response)), BatchSize::SmallInput)
    });
    group.bench_function("hand-written", |b| {
        b.iter_batched(answer, |response| now(response.bytes()), BatchSize::SmallInput)
    });
    group.finish();

    let envelope = success_envelope();
    let decoded =
        Answer { status: 200, content_type: Some("application/json;charset=UTF-8"), body: envelope.as_bytes() };
    let mut group = c.benchmark_group("phase: classify (decode the envelope)");
    group.bench_function("generated", |b| {
        b.iter(|| decode_result::<qiyuesuo::ResponseCode, qiyuesuo::models::TicketResult>(op, black_box(&decoded)))
    });
    group.bench_function("hand-written", |b| b.iter(|| hand_decode(black_box(envelope.as_bytes()))));
    group.finish();

    // The hand-written call has no frame: its row is the cost of running the
    // same stand-in attempt (it waits once) alone, which the generated row
    // also pays.
    let mut group = c.benchmark_group("phase: frame (request id, span, timeouts, retry budget)");
    group.bench_function("generated", |b| {
        b.iter(|| runtime.block_on(phases::frame::<qiyuesuo::ResponseCode>(black_box(&core), op)))
    });
    group.bench_function("hand-written", |b| b.iter(|| runtime.block_on(phases::WaitOnce::default())));
    group.finish();
}

criterion_group!(benches, signing, serializing, decoding, decoding_detail, phases);
criterion_main!(benches);
