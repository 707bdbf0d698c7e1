//! Any text as a schema: the generator returns code or errors naming
//! pointers, never panics.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Ok(text) = std::str::from_utf8(input) {
        let _ = qiyuesuo_codegen::generate(text, "fuzz.json");
    }
});
