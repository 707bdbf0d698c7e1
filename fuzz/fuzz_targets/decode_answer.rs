//! Any status and any bytes: decoding an answer returns a result or an
//! error, never panics, and never allocates without bound.

#![no_main]

use libfuzzer_sys::fuzz_target;
use qiyuesuo::runtime::__hooks::{Answer, decode_answer};

fuzz_target!(|input: &[u8]| {
    let (status, body) = match input {
        [high, low, rest @ ..] => (u16::from_be_bytes([*high, *low]), rest),
        _ => (200, input),
    };
    let answer = Answer { status, content_type: Some("application/json"), body };
    let outcome = decode_answer::<qiyuesuo::ResponseCode>(&qiyuesuo::operations::COMPANY_AUTH_MINIAPP_TICKET, &answer);
    if let Err(error) = outcome {
        // Formatting the error must not panic either.
        let _ = format!("{error} {error:?}");
    }
});
