//! Any reply body, for every endpoint of the registry, under any HTTP status: decoding returns
//! `Ok` or a typed error, never panics.
//! Input: byte 0 picks the status, the rest is the body (decoded by every endpoint).
#![no_main]

use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 200, 200, 400, 404, 500, 502, 504];

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((s, rest)) => (STATUSES[usize::from(*s) % STATUSES.len()], rest),
        None => (200, data),
    };
    for d in dbc_types::REGISTRY {
        let _ = (d.decode_check)(status, body);
    }
});
