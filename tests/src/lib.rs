//! The generator's output for the fixture schemas in `fixtures/`, compiled
//! against the real runtime. Each module is what a crate generated from that
//! schema would contain; the tests in `tests/` call them against loopback
//! servers. `raw` is a byte-scripted server for the answers a well-behaved
//! server library will not send.

pub mod raw;

/// `fixtures/get_query.json`: a GET whose query parameters have defaults,
/// limits and an optional array; an answer with a list of objects.
pub mod get_query {
    qiyuesuo::include_generated!(concat!(env!("OUT_DIR"), "/fixtures/get_query"));
}

/// `fixtures/shapes.json`: a POST body with an array, a nested optional
/// object, a string enum and a default; an operation with no result.
pub mod shapes {
    qiyuesuo::include_generated!(concat!(env!("OUT_DIR"), "/fixtures/shapes"));
}
