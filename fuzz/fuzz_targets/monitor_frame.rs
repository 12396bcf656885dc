//! Any bytes at the bridge's Zabbix listener: the frame decoder (DBC-node, standard,
//! compressed and large framing) returns a body or a typed error, never panics and never
//! inflates past the limit; a decoded body is handled by one long-lived bridge, whose reply is
//! always readable by a DBC node (1–4096 bytes, length not a multiple of 256).
#![no_main]

use dbc_monitor::store::StoreLimits;
use dbc_monitor::{frame, Bridge};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::time::Duration;

const LIMIT: u64 = 1 << 20;

fn bridge() -> &'static Bridge {
    static B: OnceLock<Bridge> = OnceLock::new();
    B.get_or_init(|| {
        Bridge::new(StoreLimits {
            max_series: 10_000,
            ttl: Duration::from_secs(600),
        })
    })
}

fuzz_target!(|data: &[u8]| {
    match frame::decode(data, LIMIT) {
        Ok(d) => {
            assert!(d.body.len() as u64 <= LIMIT);
            assert!(d.consumed <= data.len());
            let reply = bridge().handle_body(&d.body);
            assert!(!reply.is_empty() && reply.len() <= 4096 && reply.len() % 256 != 0);
        }
        Err(_) => {
            // also feed the raw bytes as a body (the part after a valid header)
            let reply = bridge().handle_body(data);
            assert!(!reply.is_empty() && reply.len() <= 4096 && reply.len() % 256 != 0);
        }
    }
    let _ = bridge().render_metrics().len();
});
