//! Micro-benchmarks, each beside its hand-written baseline in the same run:
//! signing, serializing a request, decoding the success envelope.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use qiyuesuo::runtime::__hooks::{Answer, Credentials, SigningKey, decode_result};
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

criterion_group!(benches, signing, serializing, decoding, decoding_detail);
criterion_main!(benches);
